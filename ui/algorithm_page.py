"""One algorithm in the dock: its form, a run button, a progress bar and a cancel button.

The page runs the same Processing algorithm as the toolbox (through :class:`AlgorithmRunner`),
remembers the form in the project, files the outputs under its step's group with their styles and
reports in the message bar. Nothing here lets an exception reach QGIS's Python error dialog: a
failure is a message with a "Details" button.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from qgis.core import Qgis, QgsApplication, QgsProject, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QVBoxLayout, QWidget

from gridgov.layers.runtime.translation import tr
from gridgov.ui.algorithm_form import AlgorithmForm
from gridgov.ui.algorithm_runner import AlgorithmRunner
from gridgov.ui.messages import push_result

LOGGER = logging.getLogger("gridgov")


class AlgorithmPage(QWidget):
    """Form and run controls of one algorithm; emits ``finished(ok, results)`` after each run."""

    finished = pyqtSignal(bool, dict)

    def __init__(
        self,
        algorithm_id: str,
        group_title: str,
        iface=None,
        open_algorithm: Callable[[str], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.algorithm_id = algorithm_id
        self.group_title = group_title
        self.iface = iface
        self.runner: AlgorithmRunner | None = None
        self.added_layers: list = []
        self.time_tasks: list = []  # kept referenced while the task manager runs them
        # an instance of our own: the form's widgets point at its parameter definitions, which must
        # outlive them even when the provider is unloaded before the dock is deleted
        self.algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
        self.setObjectName(f"page_{self.algorithm.name()}")
        self.form = AlgorithmForm(self.algorithm, iface, self)
        self.form.restore()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.run_button = QPushButton(tr("Run"), self)
        self.run_button.setObjectName("run")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(tr("Cancel"), self)
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        if open_algorithm is not None:
            dialog = QPushButton(tr("Dialog…"), self)
            dialog.setObjectName("open_dialog")
            dialog.setToolTip(tr("Open the toolbox dialog of this algorithm (batch runs, the full log)"))
            dialog.clicked.connect(lambda _checked=False: open_algorithm(algorithm_id))
            buttons.addWidget(dialog)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    @property
    def display_name(self) -> str:
        return self.form.algorithm.displayName()

    def run(self) -> bool:
        """Start a run with the form's values; False when the values are refused (the bar says why)."""
        if self.runner is not None and self.runner.running:
            return False
        try:
            values = self.form.run_values()
            self.form.remember(values)  # the widgets were read once: outputs are left out anyway
            self.runner = self._runner_for(values)
            problem = self.runner.check()
        except Exception as exc:  # a form must never raise into QGIS
            LOGGER.exception("cannot start %s", self.algorithm_id)
            problem = str(exc)
        if problem:
            self.status.setText(problem)
            self._message(problem, Qgis.MessageLevel.Warning)
            self.runner = None
            return False
        self.runner.progressChanged.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(tr("Running…"))
        try:
            self.runner.start()
        except Exception as exc:  # the run never started: say so and free the button
            LOGGER.exception("cannot start %s", self.algorithm_id)
            self.runner.feedback.reportError(str(exc))
            self.runner.running = False
            self._finished(False, {})
            return False
        return True

    def _runner_for(self, values: dict, in_process: bool = False):
        """A child process for a long step on files (the window never waits), else a QGIS task."""
        from gridgov.ui.process_runner import ProcessRunner, goes_out_of_process

        project = QgsProject.instance()
        if not in_process and goes_out_of_process(self.algorithm, values, project):
            return ProcessRunner(self.algorithm_id, values, project, self)
        return AlgorithmRunner(self.algorithm_id, values, project, self)

    def cancel(self) -> None:
        if self.runner is not None and self.runner.running:
            self.status.setText(tr("Cancelling…"))
            self.runner.cancel()

    def _progress(self, value: float) -> None:
        self.progress.setValue(int(value))

    def _finished(self, ok: bool, results: dict) -> None:
        runner = self.runner
        if getattr(runner, "failed_to_start", False):  # no Python to start a child with: run here
            LOGGER.warning("running %s in QGIS: %s", self.algorithm_id, "; ".join(runner.feedback.errors))
            self.runner = self._runner_for(runner.parameters, in_process=True)
            self.runner.progressChanged.connect(self._progress)
            self.runner.finished.connect(self._finished)
            self.runner.start()
            return
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        try:
            if ok:
                self._loaded(runner, results)
            elif runner.feedback.isCanceled():
                self.status.setText(tr("Cancelled: nothing was added."))
                self._message(tr("{0} was cancelled.").format(self.display_name), Qgis.MessageLevel.Info, runner)
            else:
                reason = runner.feedback.errors[-1] if runner.feedback.errors else tr("see the log")
                self.status.setText(tr("Failed: {0}").format(reason))
                self._message(tr("{0} failed: {1}").format(self.display_name, reason), Qgis.MessageLevel.Critical,
                              runner)  # fmt: skip
        except Exception as exc:
            LOGGER.exception("after %s", self.algorithm_id)
            ok = False
            self.status.setText(tr("Failed: {0}").format(exc))
            self._message(str(exc), Qgis.MessageLevel.Critical, runner)
        self.finished.emit(ok, results)

    def _loaded(self, runner: AlgorithmRunner, results: dict) -> None:
        from gridgov.layers.project.results import load_results
        from gridgov.layers.styling import temporal

        self.progress.setValue(100)
        project = QgsProject.instance()
        outputs = [definition.name() for definition in runner.algorithm.destinationParameterDefinitions()]
        added, failed = load_results(runner.context, runner.feedback, project, self.group_title, outputs)
        self.added_layers = added
        timed = [layer for layer in added if layer.temporalProperties().isActive()]
        rasters = [layer for layer in timed if not isinstance(layer, QgsVectorLayer)]
        if rasters:
            temporal.fit_project_time(project, rasters)
        self.time_tasks = [task for task in self.time_tasks if not sip.isdeleted(task)]
        for layer in timed:
            if isinstance(layer, QgsVectorLayer):  # a million report times are read in the background
                task = temporal.TimeSpanTask(layer, project)
                self.time_tasks.append(task)
                QgsApplication.taskManager().addTask(task)
        summary = tr("{0} finished in {1:.1f} s").format(self.display_name, runner.seconds)
        if added:
            summary += tr(": {0} layer(s) added to “{1}”").format(len(added), self.group_title)
        files = [str(v) for k, v in results.items() if isinstance(v, str) and _is_file_output(runner, k)]
        if files:
            summary += " · " + " · ".join(files)
        self.status.setText(summary)
        level = Qgis.MessageLevel.Warning if failed else Qgis.MessageLevel.Success
        self._message(summary, level, runner, duration=0 if failed else 8)
        for layer in added:
            if isinstance(layer, QgsVectorLayer):
                layer.triggerRepaint()

    def _message(self, text: str, level, runner: AlgorithmRunner | None = None, duration: int = 0) -> None:
        if self.iface is None:
            return
        details = runner.feedback.htmlLog() if runner is not None else ""
        push_result(self.iface.messageBar(), tr("Grid Governance"), text, level, details, duration)


def _is_file_output(runner: AlgorithmRunner, name: str) -> bool:
    """A file an output names (a PDF, a spreadsheet), not a layer that is loaded anyway."""
    from qgis.core import QgsProcessingOutputFile, QgsProcessingOutputFolder

    output = runner.algorithm.outputDefinition(name)
    return isinstance(output, (QgsProcessingOutputFile, QgsProcessingOutputFolder))
