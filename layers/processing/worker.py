"""Run one gridgov Processing algorithm in a child process for the dock
(``python -m gridgov.layers.processing.worker``).

A step on a million orders spends seconds in vectorised calls (pandas, numpy, shapely, GDAL) that
hold Python's lock; in a thread of the QGIS process those stop every Python slot of the window for
as long. In a process of its own the window never waits. The protocol is JSON lines:

- stdin, first line: ``{"algorithm": id, "parameters": {...}, "locale": "zh_CN"}``; then the word
  ``cancel`` on a line of its own cancels the run;
- stdout: ``{"progress": 42.0}``, ``{"log": "info" | "warning" | "error", "text": ...}``, and last
  ``{"ok": bool, "results": {...}, "load": [layer to load, ...]}``.

The layers to load carry what Processing's context held for them (name, output, style), so the
dock loads and styles them exactly as after a run in its own process.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any

# a child of QGIS has no display to draw on and needs none
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def jsonable(value: Any) -> Any:
    """A Processing result as JSON: numbers, text, lists and maps as they are, anything else as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def layers_to_load(context) -> list[dict[str, Any]]:
    """What the context holds for loading after the run, with the style each layer is to get."""
    from gridgov.layers.styling.layer_styles import StyleOnLoad

    out = []
    for layer_id, details in context.layersToLoadOnCompletion().items():
        item: dict[str, Any] = {"id": layer_id, "name": details.name, "output": details.outputName}
        processor = details.postProcessor()
        if isinstance(processor, StyleOnLoad):
            item["style"] = {
                "style": processor.style,
                "name": processor.name,
                "maximum": processor.maximum,
                "month": processor.month,
                "events": processor.events,
            }
        out.append(item)
    return out


def _feedback_class():
    from qgis.core import QgsProcessingFeedback

    class StreamFeedback(QgsProcessingFeedback):
        """Progress and log lines to stdout (progress only when its whole percent changes)."""

        def __init__(self) -> None:
            super().__init__()
            self._last = -1
            self.progressChanged.connect(self._progress)

        def _progress(self, value: float) -> None:
            if int(value) != self._last:
                self._last = int(value)
                _say({"progress": float(value)})

        def pushInfo(self, info: str) -> None:  # noqa: N802
            _say({"log": "info", "text": info})

        def pushWarning(self, warning: str) -> None:  # noqa: N802
            _say({"log": "warning", "text": warning})

        def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N802, N803
            _say({"log": "error", "text": error})

    return StreamFeedback


def _watch_for_cancel(feedback) -> None:
    """Cancel the run when the dock writes ``cancel`` (or closes the pipe: QGIS went away)."""

    def watch() -> None:
        for line in sys.stdin:
            if line.strip() == "cancel":
                break
        feedback.cancel()

    threading.Thread(target=watch, daemon=True).start()


def _output(value: Any) -> Any:
    """A destination the dock sent (``{"gridgov_output": file, "load": ..., "name": ...}``) as
    Processing takes it: to be loaded afterwards when the dock loads it, under the dock's name."""
    if not (isinstance(value, dict) and "gridgov_output" in value):
        return value
    from qgis.core import QgsProcessingOutputLayerDefinition, QgsProject

    if not value.get("load"):
        return value["gridgov_output"]
    definition = QgsProcessingOutputLayerDefinition(value["gridgov_output"], QgsProject.instance())
    if value.get("name"):
        definition.destinationName = value["name"]
    return definition


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Run the request in this process's QGIS; returns the final message."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProject

    from gridgov.layers.processing.provider import GridGovProvider
    from gridgov.layers.runtime.translation import install_translator

    install_translator(request.get("locale") or "en")
    registry = QgsApplication.processingRegistry()
    if registry.providerById("gridgov") is None:
        registry.addProvider(GridGovProvider())
    feedback = _feedback_class()()
    _watch_for_cancel(feedback)
    algorithm = registry.createAlgorithmById(request["algorithm"])
    if algorithm is None:
        return {"ok": False, "results": {}, "load": [], "error": f"unknown algorithm {request['algorithm']}"}
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    parameters = {name: _output(value) for name, value in request["parameters"].items()}
    try:
        results, ok = algorithm.run(parameters, context, feedback, {}, True)
    except Exception as exc:  # the dock shows it; the child must still answer
        feedback.reportError(str(exc), True)
        results, ok = {}, False
    ok = bool(ok) and not feedback.isCanceled()
    return {"ok": ok, "cancelled": feedback.isCanceled(), "results": jsonable(results or {}),
            "load": layers_to_load(context) if ok else []}  # fmt: skip


def main() -> int:
    request = json.loads(sys.stdin.readline())
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    try:
        _say(run(request))
    except Exception as exc:  # whatever happens, the dock gets an answer
        _say({"ok": False, "results": {}, "load": [], "error": str(exc)})
    sys.stdout.flush()
    # leave without tearing QGIS down: the answer is out, and exitQgis() with the engine's native
    # libraries loaded can crash at exit, which would turn a good run into a failed one
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
