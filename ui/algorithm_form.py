"""A dock form for one Processing algorithm, built from its parameter definitions.

The widgets are QGIS's own Processing parameter widgets (layer combos that filter by geometry,
field combos tied to their layer, enum and number boxes), the same the toolbox dialog shows, so a
form can never drift from the algorithm it runs. Advanced parameters sit in a collapsed box.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsApplication,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingDestinationParameter,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterDefinition,
    QgsProcessingUtils,
    QgsProject,
    QgsVectorLayer,
)
from qgis.gui import (
    QgsCollapsibleGroupBox,
    QgsGui,
    QgsProcessingContextGenerator,
    QgsProcessingGui,
    QgsProcessingParameterWidgetContext,
)
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QVBoxLayout, QWidget

from gridgov.layers.runtime.translation import tr
from gridgov.ui import form_values

_FLAGS = QgsProcessingParameterDefinition.Flag


class _ProjectContext(QgsProcessingContextGenerator):
    """Gives the parameter widgets a processing context on the current project (for layer look-ups)."""

    def __init__(self) -> None:
        super().__init__()
        self.context = QgsProcessingContext()

    def processingContext(self) -> QgsProcessingContext:  # noqa: N802
        self.context.setProject(QgsProject.instance())
        return self.context


class AlgorithmForm(QWidget):
    """The parameters of ``algorithm`` as widgets; ``values()`` gives what to run it with."""

    def __init__(self, algorithm: QgsProcessingAlgorithm, iface=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.algorithm = algorithm
        self._provider_id = algorithm.id().partition(":")[0] if ":" in algorithm.id() else ""
        self.setObjectName(f"form_{algorithm.name()}")
        self._context_generator = _ProjectContext()
        self._widget_context = QgsProcessingParameterWidgetContext()
        self._widget_context.setProject(QgsProject.instance())
        if iface is not None:
            self._widget_context.setMapCanvas(iface.mapCanvas())
            self._widget_context.setMessageBar(iface.messageBar())
        self.wrappers: dict[str, Any] = {}
        self.chosen: set[str] = set()  # parameters the user set, or the project remembered: never re-picked
        self._programmatic = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        advanced = QgsCollapsibleGroupBox(tr("Advanced parameters"), self)
        advanced.setObjectName("advanced")
        advanced_layout = QVBoxLayout(advanced)
        registry = QgsGui.processingGuiRegistry()
        context = self._context_generator.processingContext()
        for param in algorithm.parameterDefinitions():
            if param.flags() & _FLAGS.FlagHidden:
                continue
            wrapper = registry.createParameterWidgetWrapper(param, QgsProcessingGui.WidgetType.Standard)
            if wrapper is None:  # every gridgov parameter has a QGIS widget; a foreign type is left out
                continue
            wrapper.setWidgetContext(self._widget_context)
            wrapper.registerProcessingContextGenerator(self._context_generator)
            host, host_layout = (advanced, advanced_layout) if param.flags() & _FLAGS.FlagAdvanced else (self, layout)
            label = wrapper.createWrappedLabel()
            widget = wrapper.createWrappedWidget(context)
            if label is not None:
                label.setParent(host)
                host_layout.addWidget(label)
            widget.setParent(host)
            widget.setObjectName(f"param_{param.name()}")
            widget.setToolTip(param.toolTip() if hasattr(param, "toolTip") else param.description())
            host_layout.addWidget(widget)
            name = param.name()
            self.wrappers[name] = wrapper
            wrapper.widgetValueHasChanged.connect(lambda _wrapper, name=name: self._touched(name))
        wrappers = list(self.wrappers.values())
        for wrapper in wrappers:  # ties each field combo to its layer combo
            wrapper.postInitialize(wrappers)
        if advanced_layout.count():
            advanced.setCollapsed(True)
            layout.addWidget(advanced)
        else:
            advanced.deleteLater()
        QgsApplication.processingRegistry().providerRemoved.connect(self._provider_removed)

    def _provider_removed(self, provider_id: str) -> None:
        """The algorithm's provider was removed (the plugin unloads): drop the parameter widgets now.

        The algorithm then points at a deleted provider, and QGIS 3.40's parameter widgets ask it for its
        id (the provider's id and its name) when a layer leaves the project: a form still waiting for Qt to
        delete it would crash QGIS when the project is next cleared.
        """
        if provider_id != self._provider_id:
            return
        wrappers, self.wrappers = list(self.wrappers.values()), {}
        for wrapper in wrappers:
            for widget in (wrapper.wrappedLabel(), wrapper.wrappedWidget()):
                if widget is not None and not sip.isdeleted(widget):
                    sip.delete(widget)
            if not sip.isdeleted(wrapper):
                sip.delete(wrapper)

    def widget(self, name: str) -> QWidget:
        """The input widget of parameter ``name`` (for tests and for focusing a bad value)."""
        return self.wrappers[name].wrappedWidget()

    def values(self) -> dict[str, Any]:
        """The parameters to run with; layer outputs are loaded into the current project."""
        values = {name: wrapper.parameterValue() for name, wrapper in self.wrappers.items()}
        for name, value in values.items():
            definition = self.algorithm.parameterDefinition(name)
            if isinstance(value, QgsProcessingOutputLayerDefinition):
                value.destinationProject = QgsProject.instance()
            elif isinstance(value, str) and value and definition.type() in _LAYER_SINKS:
                values[name] = QgsProcessingOutputLayerDefinition(value, QgsProject.instance())
        return values

    def run_values(self) -> dict[str, Any]:
        """:meth:`values`, with each temporary vector output a GeoPackage in QGIS's temporary folder
        instead of a memory layer: the next step reads a GeoPackage with GDAL in seconds, a memory
        layer feature by feature (a million placed orders: 3.5 s against about 100 s)."""
        values = self.values()
        for name, value in values.items():
            if (
                isinstance(value, QgsProcessingOutputLayerDefinition)
                and self.algorithm.parameterDefinition(name).type() == "sink"
                and value.sink.staticValue() == QgsProcessing.TEMPORARY_OUTPUT
            ):
                path = QgsProcessingUtils.generateTempFilename(f"{self.algorithm.name()}_{name.lower()}.gpkg")
                values[name] = QgsProcessingOutputLayerDefinition(path, QgsProject.instance())
        return values

    def set_values(self, values: dict[str, Any]) -> None:
        """Put ``values`` in the widgets, as the user would (unknown names are ignored)."""
        context = self._context_generator.processingContext()
        for name, value in values.items():
            wrapper = self.wrappers.get(name)
            if wrapper is not None:
                wrapper.setParameterValue(value, context)
                self.chosen.add(name)

    def _touched(self, name: str) -> None:
        if not self._programmatic:
            self.chosen.add(name)

    def _set_default(self, name: str, value: Any, context) -> None:
        """Set a value the form chose (not the user): a later, better default may replace it."""
        self._programmatic += 1
        try:
            self.wrappers[name].setParameterValue(value, context)
        finally:
            self._programmatic -= 1

    def remember(self, values: dict[str, Any] | None = None) -> None:
        """Keep ``values`` (default: the current ones) in the project, for the next run and the next
        time it is opened."""
        inputs = {
            name: value
            for name, value in (self.values() if values is None else values).items()
            if not isinstance(self.algorithm.parameterDefinition(name), QgsProcessingDestinationParameter)
        }  # outputs start as temporary layers again, so a re-run never overwrites last run's files
        form_values.save(QgsProject.instance(), self.algorithm.id(), inputs)

    def restore(self) -> None:
        """Put back the values the project remembers for this algorithm. A layer parameter the project
        does not remember gets the loaded grid hierarchy's layer of its level (grids, streets ...),
        else the layer that has the fields its field parameters expect (see :meth:`pick_layers`)."""
        from gridgov.layers.hierarchy.group import hierarchy_layers
        from gridgov.ui.steps import hierarchy_defaults

        project = QgsProject.instance()
        remembered = form_values.load(project, self.algorithm.id(), list(self.wrappers))
        self.chosen = set()
        self.set_values(remembered)
        context = self._context_generator.processingContext()
        levels = hierarchy_layers(project)
        for name, level in hierarchy_defaults(self.algorithm.id()).items():
            if name in self.wrappers and name not in self.chosen and level in levels:
                self._set_default(name, levels[level].id(), context)
        self.pick_layers(keep=set(hierarchy_defaults(self.algorithm.id())))

    def pick_layers(self, keep: set[str] = frozenset()) -> None:
        """Point each layer combo (not chosen by the user, nor in ``keep``) whose layer lacks the fields the form
        expects of it (its field parameters' defaults: gi_bin, class_code, x ...) at the project layer
        that has most of them, the topmost of equals (new results are on top). Run after each dock
        run, so the hot-spot grids a run just made are what the next form offers."""
        context = self._context_generator.processingContext()
        candidates = [node.layer() for node in QgsProject.instance().layerTreeRoot().findLayers()]
        keep = set(keep) | self.chosen
        for name, fields in self._expected_fields().items():
            if name in keep:
                continue
            definition = self.algorithm.parameterDefinition(name)
            current = QgsProject.instance().mapLayer(str(self.wrappers[name].parameterValue() or ""))
            best, best_score = None, max(_score(current, fields), self._minimum_score(name, fields) - 1)
            for layer in candidates:
                score = _score(layer, fields) if _accepts(definition, layer) else 0
                if score > best_score:
                    best, best_score = layer, score
            if best is not None:
                self._set_default(name, best.id(), context)
        self._fill_default_fields(keep)

    def _expected_fields(self) -> dict[str, list[str]]:
        """Layer parameter → the default field names of the field parameters that read it, or the
        fields ``steps.EXPECTED_FIELDS`` names for it."""
        from gridgov.ui.steps import EXPECTED_FIELDS

        expected: dict[str, list[str]] = {}
        for definition in self.algorithm.parameterDefinitions():
            parent = getattr(definition, "parentLayerParameterName", lambda: "")()
            default = definition.defaultValue()
            if definition.type() == "field" and parent in self.wrappers and isinstance(default, str) and default:
                expected.setdefault(parent, []).append(default)
        for name, fields in EXPECTED_FIELDS.get(self.algorithm.id(), {}).items():
            if name in self.wrappers:
                expected[name] = list(fields)
        return expected

    def _minimum_score(self, name: str, fields: list[str]) -> int:
        """A layer named in ``steps.EXPECTED_FIELDS`` must have all its fields (an optional layer such
        as the trends to print must not be filled with any layer that shares a grid_code)."""
        from gridgov.ui.steps import EXPECTED_FIELDS

        return len(fields) if name in EXPECTED_FIELDS.get(self.algorithm.id(), {}) else 1

    def _fill_default_fields(self, keep: set[str]) -> None:
        # a field combo empties itself when the first layer offered lacks its default field; once the
        # right layer is in place the default (grid_code, class_code ...) is put back
        context = self._context_generator.processingContext()
        for name, wrapper in self.wrappers.items():
            default = self.algorithm.parameterDefinition(name).defaultValue()
            if name not in keep and default not in (None, "") and wrapper.parameterValue() in (None, ""):
                self._set_default(name, default, context)


def _score(layer, fields: list[str]) -> int:
    """How many of ``fields`` ``layer`` has (0 for no layer, or one that is not a vector layer)."""
    if not isinstance(layer, QgsVectorLayer):
        return 0
    names = set(layer.fields().names())
    return sum(field in names for field in fields)


def _accepts(definition, layer) -> bool:
    """Whether a layer parameter's combo offers ``layer`` (its geometry type is among the allowed)."""
    if not isinstance(layer, QgsVectorLayer):
        return False
    kinds = list(definition.dataTypes()) if hasattr(definition, "dataTypes") else []
    source = QgsProcessing.SourceType
    if not kinds or source.TypeVector in kinds:
        return True
    if source.TypeVectorAnyGeometry in kinds and layer.isSpatial():
        return True
    geometry = int(layer.geometryType())  # point 0, line 1, polygon 2, as the source types number them
    return any(int(kind) == geometry for kind in kinds if int(kind) in (0, 1, 2))


#: Destination types whose output is a layer to load (a file output such as a PDF is not).
_LAYER_SINKS = {"sink", "vectorDestination", "rasterDestination"}
