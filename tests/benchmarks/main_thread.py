"""How long the QGIS main thread goes without turning its event loop while the dock runs something.

A 10 ms timer on the main thread notes when it fires; the longest gap between two firings is the
longest time the window could not redraw or react to a click. This is what "QGIS froze" means to
a user, measured instead of guessed.
"""

from __future__ import annotations

import faulthandler
import os
import time

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer

TICK_MS = 10
#: ``GRIDGOV_WATCH_DUMP=<file>``: write the Python stack of every thread whenever the main thread
#: has not ticked for ``GRIDGOV_WATCH_DUMP_S`` seconds (default 0.2), to find what held it.
DUMP_PATH = os.environ.get("GRIDGOV_WATCH_DUMP", "")
DUMP_AFTER_S = float(os.environ.get("GRIDGOV_WATCH_DUMP_S", "0.2"))


class MainThreadWatch:
    """Start it, turn the event loop, read ``longest`` (seconds) and ``where`` (what ran then)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0
        self.gaps: list[float] = []

        self._dump = open(DUMP_PATH, "a") if DUMP_PATH else None  # noqa: SIM115 (closed in stop)

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._tick()
        if self._dump is not None:
            faulthandler.cancel_dump_traceback_later()
            self._dump.close()
            self._dump = None

    def _tick(self) -> None:
        if self._dump is not None:  # armed again at every tick: it fires only after a long gap
            self._dump.write(f"-- tick at {time.perf_counter():.3f}\n")
            faulthandler.dump_traceback_later(DUMP_AFTER_S, file=self._dump)
        now = time.perf_counter()
        gap = now - self.last
        self.gaps.append(gap)
        self.longest = max(self.longest, gap)
        self.last = now


def run_and_watch(page, timeout: float = 1800.0):
    """Press Run on a dock page and turn the event loop until it is over, watching the main thread.

    Returns (ok, results, seconds, longest gap in seconds).
    """
    done = []
    page.finished.connect(lambda ok, results: done.append((ok, results)))
    watch = MainThreadWatch()
    watch.start()
    started = time.perf_counter()
    assert page.run(), page.status.text()
    deadline = time.monotonic() + timeout
    while not done and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.002)
    seconds = time.perf_counter() - started
    watch.stop()
    assert done, f"{page.algorithm_id} did not finish in {timeout} s"
    return done[0][0], done[0][1], seconds, watch.longest
