"""Open a database connection for a PostGIS layer and run one job in one transaction.

Credentials come from the layer's data source as QGIS resolves it: an ``authcfg`` id is expanded
by QGIS's authentication manager (``QgsDataSourceUri.connectionInfo(True)``), a service or
``.pgpass`` is resolved by libpq. The plugin never writes a password anywhere.

A job's tables are created inside its transaction, so a run that fails, is cancelled or loses its
connection leaves no half-written table behind.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable

from qgis.core import QgsProcessingException

from gridgov.layers.backends.postgis.source import PgTable
from gridgov.layers.runtime.translation import tr


def connect(table: PgTable):
    """A psycopg2 connection to ``table``'s database (credentials resolved by QGIS / libpq)."""
    import psycopg2

    info = table.uri.connectionInfo(True)
    try:
        connection = psycopg2.connect(info, application_name="gridgov")
    except psycopg2.Error as err:
        raise QgsProcessingException(
            tr("Cannot connect to the database of {0}: {1}").format(table.layer_name, str(err).strip())
        ) from err
    return connection


def parallel_workers() -> int:
    """Workers per parallel query step: the cores of this machine, at most 8 (PostgreSQL caps it further)."""
    return max(1, min(8, os.cpu_count() or 1))


def run_job(connection, steps: Iterable[tuple[str, object, tuple | dict | None]], feedback) -> float:
    """Run ``steps`` (label, SQL, parameters) in one transaction; returns the seconds taken.

    Cancelling in QGIS cancels the running statement. Any failure rolls the whole job back and is
    raised as a :class:`QgsProcessingException` that says nothing was written.
    """
    import psycopg2

    started = time.perf_counter()
    watcher = _CancelWatcher(connection, feedback)
    watcher.start()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = %s", (parallel_workers(),))
            # the work is PostGIS calls per row, which JIT cannot speed up; compiling costs seconds
            cursor.execute("SET LOCAL jit = off")
            steps = list(steps)
            for number, (label, statement, params) in enumerate(steps, 1):
                if feedback is not None:
                    if feedback.isCanceled():
                        raise QgsProcessingException(tr("Cancelled"))
                    feedback.pushInfo(tr("PostGIS: {0}").format(label))
                    feedback.setProgress(100 * (number - 1) / len(steps))
                cursor.execute(statement, params)
        connection.commit()
    except (psycopg2.OperationalError, psycopg2.InterfaceError) as err:
        _rollback(connection)
        if watcher.cancelled:
            raise QgsProcessingException(tr("Cancelled: nothing was written to the database")) from err
        raise QgsProcessingException(
            tr("The connection to the database was lost during the run; nothing was written ({0})").format(
                str(err).strip() or type(err).__name__
            )
        ) from err
    except psycopg2.Error as err:
        _rollback(connection)
        if watcher.cancelled or isinstance(err, psycopg2.errors.QueryCanceled):
            raise QgsProcessingException(tr("Cancelled: nothing was written to the database")) from err
        raise QgsProcessingException(
            tr("The database refused the job; nothing was written: {0}").format(str(err).strip())
        ) from err
    except BaseException:
        _rollback(connection)
        raise
    finally:
        watcher.stop()
    return time.perf_counter() - started


def fetch(connection, statement, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _rollback(connection) -> None:
    try:
        if not connection.closed:
            connection.rollback()
    except Exception:
        pass


class _CancelWatcher:
    """Asks the server to cancel the running statement when the user cancels in QGIS."""

    def __init__(self, connection, feedback, poll: float = 0.2, is_cancelled: Callable[[], bool] | None = None):
        self.connection = connection
        self.is_cancelled = is_cancelled or (feedback.isCanceled if feedback is not None else (lambda: False))
        self.poll = poll
        self.cancelled = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=2)

    def _watch(self) -> None:
        while not self._done.wait(self.poll):
            if self.is_cancelled():
                self.cancelled = True
                with contextlib.suppress(Exception):  # nothing running, or already gone
                    self.connection.cancel()
                return
