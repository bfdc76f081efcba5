"""pyproj on QGIS's pooled worker threads: one task after another, and a CRS made in one used after it.

pyproj 3.7 (QGIS 3.40 on Debian 13) frees a pooled thread's PROJ context with the task's Python state
while the thread keeps the pointer: the next task crashed QGIS in ``proj_create`` until the plugin kept
the context (``layers/runtime/pyproj_context.py``). A crash would end the test session, so the tasks run in a
child process and the test reads its exit status.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PKG_DIR = Path(__file__).resolve().parents[3] / ".build" / "pkg"

HARNESS = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from qgis.core import QgsApplication, QgsTask
app = QgsApplication([], False)
app.initQgis()
from gridgov.layers.runtime.pyproj_context import keep_pyproj_context

made = []

def work(task):
    keep_pyproj_context()
    import pyproj
    crs = pyproj.CRS.from_user_input("EPSG:4547")
    made.append(crs)
    return crs.name

for run in range(5):
    done = []
    task = QgsTask.fromFunction(f"run {run}", work, on_finished=lambda error, result=None: done.append((error, result)))
    QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + 60
    while not done and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    assert done and done[0][0] is None, done
    assert "Gauss-Kruger" in done[0][1], done
assert all(crs.to_epsg() == 4547 for crs in made)  # CRSs made on the workers, used on the main thread
print("ok")
"""


def test_pyproj_in_one_task_after_another_on_the_pool():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", HARNESS, str(PKG_DIR)], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), (
        f"exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    )
