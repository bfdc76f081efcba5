"""Run one Processing algorithm from the dock without freezing QGIS.

Threaded algorithms run in a ``QgsProcessingAlgRunnerTask`` on QGIS's task manager (its progress
shows in the status bar too); the few that must stay on the main thread (printing, which draws
layouts) run there with the event loop kept turning between steps, so the cancel button still
works. Either way the caller gets one ``finished(ok, results)`` signal on the main thread.
"""

from __future__ import annotations

import time
from typing import Any

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgorithm,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
)
from qgis.PyQt.QtCore import QCoreApplication, QObject, pyqtSignal, pyqtSlot


class RunFeedback(QgsProcessingFeedback):
    """Keeps the errors an algorithm reports, so the message bar can name them."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N802, N803
        self.errors.append(error)
        super().reportError(error, fatalError)


class AlgorithmRunner(QObject):
    """One run of ``algorithm_id`` with ``parameters`` on ``project``; call :meth:`start` once."""

    progressChanged = pyqtSignal(float)  # noqa: N815 (Qt signal naming)
    finished = pyqtSignal(bool, dict)

    def __init__(
        self, algorithm_id: str, parameters: dict[str, Any], project: QgsProject | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.algorithm: QgsProcessingAlgorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
        if self.algorithm is None:
            raise KeyError(algorithm_id)
        self.parameters = parameters
        self.context = QgsProcessingContext()
        self.context.setProject(project or QgsProject.instance())
        self.feedback = RunFeedback()
        self.task: QgsProcessingAlgRunnerTask | None = None
        self.started_at = 0.0
        self.seconds = 0.0
        self.running = False

    @property
    def threaded(self) -> bool:
        return not (self.algorithm.flags() & QgsProcessingAlgorithm.Flag.FlagNoThreading)

    def check(self) -> str:
        """Why the parameters cannot run (empty when they can): a missing layer, a bad value."""
        ok, message = self.algorithm.checkParameterValues(self.parameters, self.context)
        return "" if ok else message

    def start(self) -> None:
        self.running = True
        self.started_at = time.perf_counter()
        if not self.threaded:
            self._run_on_main_thread()
            return
        self.task = QgsProcessingAlgRunnerTask(self.algorithm, self.parameters, self.context, self.feedback)
        if self.task.isCanceled():  # preparing the algorithm failed: the feedback says why
            self.task = None
            self._executed(False, {})
            return
        self.task.progressChanged.connect(self._progress)
        self.task.executed.connect(self._executed)
        QgsApplication.taskManager().addTask(self.task)

    def cancel(self) -> None:
        self.feedback.cancel()
        if self.task is not None:
            self.task.cancel()

    def _run_on_main_thread(self) -> None:
        self.feedback.progressChanged.connect(self._progress_and_events)
        results, ok = self.algorithm.run(self.parameters, self.context, self.feedback, {}, True)
        self._executed(bool(ok) and not self.feedback.isCanceled(), results or {})

    @pyqtSlot(float)
    def _progress(self, value: float) -> None:
        self.progressChanged.emit(value)

    def _progress_and_events(self, value: float) -> None:
        self.progressChanged.emit(value)
        QCoreApplication.processEvents()  # keep the window drawn and the cancel button live

    @pyqtSlot(bool, "QVariantMap")
    def _executed(self, ok: bool, results: dict) -> None:
        self.task = None  # the task manager deletes it
        self.running = False
        self.seconds = time.perf_counter() - self.started_at
        self.finished.emit(bool(ok) and not self.feedback.isCanceled(), dict(results or {}))
