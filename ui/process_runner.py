"""Run a long dock step in a child process (``layers/processing/worker.py``), so the QGIS window never waits.

A background thread is not enough for a million orders: the engine's vectorised calls hold Python's
lock for up to a second, and while they do no Python slot of the window runs (measured in
``tests/benchmarks/test_bench_responsiveness.py``). A child process has a lock of its own. The
child runs the same Processing algorithm on the same files; the dock reads its progress and log
from a pipe (Qt's event loop, no thread), cancels it with a word on its input, and loads and styles
its outputs exactly as after a run in QGIS itself.

Only runs that can cross a process boundary go there: inputs that are files (GDAL layers, not
memory layers, selections or database tables, which run in the database anyway), outputs that are
files, and enough rows to be worth the child's start (a few seconds).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsApplication,
    QgsMapLayer,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsProperty,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QProcess, QProcessEnvironment, QTimer, QVariant

from gridgov.layers.runtime.settings import OUT_OF_PROCESS
from gridgov.layers.runtime.translation import tr
from gridgov.layers.styling.layer_styles import StyleOnLoad
from gridgov.ui.algorithm_runner import AlgorithmRunner

#: From this many input features on, a step runs in a child process (below, starting it costs more
#: than the window would ever wait).
MIN_FEATURES = 200_000
#: How a destination travels to the child: {OUTPUT_KEY: file, "load": bool, "name": layer name}.
OUTPUT_KEY = "gridgov_output"
#: Seconds a cancelled child gets to stop before it is killed.
CANCEL_GRACE_S = 5


class NotPortableError(Exception):
    """A parameter value that only exists in this QGIS process (a memory layer, a selection)."""


def _layer_source(layer: QgsMapLayer) -> str:
    if layer.providerType() in ("ogr", "gdal"):
        return layer.source()
    raise NotPortableError(f"{layer.name()} ({layer.providerType()})")


def _portable(value: Any, project: QgsProject) -> Any:
    if isinstance(value, QVariant):  # an unset optional value comes as a NULL QVariant
        value = None if value.isNull() else value.value()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        layer = project.mapLayer(value)
        return _layer_source(layer) if layer is not None else value
    if isinstance(value, QgsMapLayer):
        return _layer_source(value)
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        if value.selectedFeaturesOnly or value.featureLimit not in (-1, None) or getattr(value, "filterExpression", ""):
            raise NotPortableError("selected or filtered features")
        return _portable(_static(value.source), project)
    if isinstance(value, (list, tuple)):
        return [_portable(v, project) for v in value]
    if hasattr(value, "authid") and hasattr(value, "isValid"):  # a CRS
        return value.authid() or value.toWkt() if value.isValid() else None
    raise NotPortableError(type(value).__name__)


def _static(prop: Any) -> Any:
    if isinstance(prop, QgsProperty):
        if prop.propertyType() != QgsProperty.Type.StaticProperty:
            raise NotPortableError("a data-defined value")
        return prop.staticValue()
    return prop


def portable_parameters(
    algorithm: QgsProcessingAlgorithm, values: dict[str, Any], project: QgsProject
) -> dict[str, Any] | None:
    """``values`` as JSON a child QGIS understands (layers as their sources, temporary outputs as
    files in QGIS's temporary folder), or None when one cannot leave this process."""

    out = {}
    try:
        for name, value in values.items():
            definition = algorithm.parameterDefinition(name)
            if definition is not None and definition.isDestination():
                out[name] = _portable_output(algorithm, name, definition, value, project)
            else:
                out[name] = _portable(value, project)
    except NotPortableError:
        return None
    return out


def _portable_output(algorithm, name: str, definition, value: Any, project: QgsProject) -> Any:
    """A destination as the child needs it: the file, and whether (and as what) the dock loads it.

    A temporary output becomes a file in QGIS's temporary folder (a memory layer would die with the
    child)."""
    from qgis.core import QgsProcessingUtils

    if isinstance(value, QVariant):
        value = None if value.isNull() else value.value()
    if value is None:
        return None
    load, title = False, ""
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        load, title = value.destinationProject is not None, value.destinationName
        value = _static(value.sink)
    if value == QgsProcessing.TEMPORARY_OUTPUT and hasattr(definition, "defaultFileExtension"):
        extension = definition.defaultFileExtension() or "gpkg"
        value = QgsProcessingUtils.generateTempFilename(f"{algorithm.name()}_{name.lower()}.{extension}")
    if not isinstance(value, str) or value in ("", QgsProcessing.TEMPORARY_OUTPUT) or value.startswith("memory:"):
        raise NotPortableError("a temporary layer output")
    return {OUTPUT_KEY: value, "load": load, "name": title}


def input_features(algorithm: QgsProcessingAlgorithm, values: dict[str, Any], project: QgsProject) -> int:
    """Features in the vector layers the run reads."""
    total = 0
    for definition in algorithm.parameterDefinitions():
        if definition.isDestination():
            continue
        value = values.get(definition.name())
        if isinstance(value, QgsProcessingFeatureSourceDefinition):
            value = _static(value.source)
        layer = project.mapLayer(value) if isinstance(value, str) else value
        if isinstance(layer, QgsVectorLayer):
            total += max(0, layer.featureCount())
    return total


def goes_out_of_process(algorithm: QgsProcessingAlgorithm, values: dict[str, Any], project: QgsProject) -> bool:
    """Whether the dock runs this step in a child process."""
    if not OUT_OF_PROCESS.value():
        return False
    if algorithm.flags() & QgsProcessingAlgorithm.Flag.FlagNoThreading:
        return False  # printing draws layouts with this process's project
    if input_features(algorithm, values, project) < MIN_FEATURES:
        return False
    return portable_parameters(algorithm, values, project) is not None


def python_executable() -> str:
    """The Python to start the child with: this one where it is a Python, else QGIS's (Linux)."""
    if Path(sys.executable or "").name.lower().startswith("python"):
        return sys.executable
    from gridgov.grid_ops.runtime.deps import _interpreter

    return _interpreter()


def _layers_before(output: str) -> set[str] | None:
    """The layers of the file an output names, before the run (None: there is no such file yet)."""
    from gridgov.layers.outputs.run_outputs import file_and_layer, layers_in

    file = file_and_layer(output)[0]
    if not file or not Path(file).exists():
        return None
    return layers_in(file) or set()


class ProcessRunner(AlgorithmRunner):
    """One run of ``algorithm_id`` in a child process: ``AlgorithmRunner``'s interface and state,
    with the task replaced by a process."""

    def __init__(
        self, algorithm_id: str, parameters: dict[str, Any], project: QgsProject | None = None, parent=None
    ) -> None:
        super().__init__(algorithm_id, parameters, project, parent)
        self.algorithm_id = algorithm_id
        self.project = self.context.project()
        self.process: QProcess | None = None
        self.started_at = 0.0
        self.seconds = 0.0
        self.running = False
        self._buffer = b""
        self._answer: dict[str, Any] | None = None
        self._done = False
        self.failed_to_start = False  # the dock then runs the step in QGIS after all
        self.pid = 0
        self._outputs: list[str] = []  # the run's file outputs: what the child began is removed if it fails
        self._before: dict[str, set[str] | None] = {}  # output → layers of its file before the run (None: no file)
        self._began = 0.0

    def start(self) -> None:
        portable = portable_parameters(self.algorithm, self.parameters, self.project)
        if portable is None:
            raise NotPortableError(self.algorithm_id)
        self.running = True
        self.started_at = time.perf_counter()
        self.feedback.pushInfo(tr("Running in a separate process, so QGIS stays responsive"))
        process = QProcess(self)
        environment = QProcessEnvironment.systemEnvironment()
        # the child sees the packages this QGIS sees: the plugin, QGIS's Python, the engine's libraries
        environment.insert("PYTHONPATH", os.pathsep.join(p for p in sys.path if p and Path(p).exists()))
        environment.insert("QT_QPA_PLATFORM", "offscreen")
        process.setProcessEnvironment(environment)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._ended)
        process.errorOccurred.connect(self._error)
        self.process = process
        process.started.connect(self._started)
        self._outputs = [str(v[OUTPUT_KEY]) for v in portable.values() if isinstance(v, dict) and OUTPUT_KEY in v]
        self._began = time.time() - 1  # file times may be rounded to the second
        self._before = {output: _layers_before(output) for output in self._outputs}
        request = {"algorithm": self.algorithm_id, "parameters": portable, "locale": QgsApplication.locale()}
        process.start(python_executable(), ["-m", "gridgov.layers.processing.worker"])
        process.write((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))

    def cancel(self) -> None:
        self.feedback.cancel()
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.write(b"cancel\n")
            QTimer.singleShot(CANCEL_GRACE_S * 1000, self._kill)

    def _started(self) -> None:
        self.pid = int(self.process.processId())

    def _remove_partial(self) -> None:
        """What a child that was stopped (or failed) left: files it created during the run, a new
        layer it added to a file that existed before (only that layer: the file and its other layers
        stay), and its staged files. An output untouched since before the run stays, and so does a
        layer that was in its file before the run."""
        from gridgov.layers.outputs.run_outputs import drop_layer, file_and_layer, remove_partial

        if not self.pid:
            return
        begun = []
        for output in self._outputs:
            file, layer = file_and_layer(output)
            path = Path(file)
            before = self._before.get(output)
            if path.is_dir():  # a folder destination: only the child's staged folders in it
                begun.append(str(path))
            elif before is not None and layer is not None:  # a layer in a file the run did not create
                if layer.lower() not in {name.lower() for name in before}:
                    drop_layer(file, layer)
                begun.append(str(path.parent))  # the child's staged folders beside it
            elif not path.exists() or path.stat().st_mtime >= self._began:
                begun.append(output)
        remove_partial(begun, self.pid)

    def _kill(self) -> None:
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()

    def _read(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            self._line(line.decode("utf-8", "replace").strip())

    def _line(self, line: str) -> None:
        if not line.startswith("{"):
            return  # a library's own chatter on stdout
        try:
            message = json.loads(line)
        except ValueError:
            return
        if "progress" in message:
            self.progressChanged.emit(float(message["progress"]))
        elif "log" in message:
            kind, text = message["log"], str(message.get("text", ""))
            if kind == "error":
                self.feedback.reportError(text)
            elif kind == "warning":
                self.feedback.pushWarning(text)
            else:
                self.feedback.pushInfo(text)
        elif "ok" in message:
            self._answer = message

    def _error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.failed_to_start = True
            self.feedback.reportError(tr("The separate process could not start ({0})").format(python_executable()))
            self._finish(False, {})

    def _ended(self, exit_code: int, _status) -> None:
        self._read()
        if self._buffer:
            self._line(self._buffer.decode("utf-8", "replace").strip())
            self._buffer = b""
        answer = self._answer
        if answer is None:
            if not self.feedback.isCanceled():
                tail = bytes(self.process.readAllStandardError()).decode("utf-8", "replace")[-1500:]
                self.feedback.reportError(
                    tr("The separate process stopped without an answer (exit code {0})").format(exit_code)
                )
                if tail.strip():
                    self.feedback.pushInfo(tail)
            self._finish(False, {})
            return
        if answer.get("error"):
            self.feedback.reportError(str(answer["error"]))
        ok = bool(answer.get("ok")) and not self.feedback.isCanceled()
        if ok:
            for item in answer.get("load", []):
                details = QgsProcessingContext.LayerDetails(item.get("name", ""), self.project, item.get("output", ""))
                style = item.get("style")
                if style:
                    details.setPostProcessor(
                        StyleOnLoad.make(style["style"], style.get("name"), style.get("maximum"),
                                         month=style.get("month"), events=bool(style.get("events")))
                    )  # fmt: skip
                self.context.addLayerToLoadOnCompletion(item["id"], details)
        self._finish(ok, dict(answer.get("results") or {}))

    def _finish(self, ok: bool, results: dict) -> None:
        if self._done:
            return
        if not ok:
            self._remove_partial()
        self._done = True
        self.running = False
        self.seconds = time.perf_counter() - self.started_at
        self.finished.emit(ok, results)
