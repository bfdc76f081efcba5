"""Shared base of the gridgov algorithms: translation, grouping, help and icon in one place."""

from __future__ import annotations

import functools
from typing import ClassVar

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingLayerPostProcessorInterface,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from gridgov.grid_ops.runtime.paths import resource_path
from gridgov.layers.pyproj_context import keep_pyproj_context


def tr(text: str) -> str:
    """Translate a user-visible string in the plugin's context."""
    return QCoreApplication.translate("gridgov", text)


def tr_noop(text: str) -> str:
    """Mark ``text`` for translation where it is written (a table); ``tr()`` translates it where shown."""
    return text


class GridGovAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set ``NAME``, ``DISPLAY``, ``GROUP_ID``, ``GROUP`` and ``HELP``."""

    NAME = ""
    DISPLAY = ""
    GROUP_ID = ""
    GROUP = ""
    HELP = ""

    def __init_subclass__(cls, **kwargs) -> None:
        """Each algorithm's run first keeps its thread's pyproj context alive: QGIS runs it on a pooled
        worker thread, where pyproj 3.7 would otherwise reuse a freed context (see ``pyproj_context``)."""
        super().__init_subclass__(**kwargs)
        run = cls.__dict__.get("processAlgorithm")
        if run is None or getattr(run, "_keeps_pyproj_context", False):
            return

        @functools.wraps(run)
        def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
            from gridgov.layers.outputs import RunOutputs

            keep_pyproj_context()
            # one guard per run: files move into place when it succeeds; a cancelled or failed run
            # leaves nothing behind and a cancelled one ends as cancelled
            with RunOutputs.guard(context, feedback):
                return run(self, parameters, context, feedback)

        processAlgorithm._keeps_pyproj_context = True
        cls.processAlgorithm = processAlgorithm

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:  # noqa: N802
        return tr(self.DISPLAY)

    def group(self) -> str:
        return tr(self.GROUP)

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP_ID

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(self.HELP)

    def icon(self) -> QIcon:
        return QIcon(str(resource_path("icons", "gridgov.svg")))

    def createInstance(self) -> QgsProcessingAlgorithm:  # noqa: N802
        return type(self)()


class StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Applies a QML style from ``resources/styles`` when Processing loads an output layer.

    With ``maximum`` the layer is a heatmap raster whose colour scale is stretched to it (a series
    shares one). Instances must outlive the algorithm run (Processing calls them afterwards, and
    does not own them), so they are kept in a class-level list, as QuickOSM does. The list does not
    grow for the whole session: an instance that has styled its layer is dropped when the next one
    is made (never inside its own call, while Processing may still hold it), and of those never
    called (a run that failed, an output not loaded) only the newest ``WAITING`` are kept.
    """

    #: Post-processors kept that have not been called yet (a batch loads each run's layers before
    #: the next run starts: far fewer are ever waiting at once).
    WAITING: ClassVar[int] = 1000
    _alive: ClassVar[list[StyleOnLoad]] = []

    def __init__(
        self,
        style: str,
        name: str | None = None,
        maximum: float | None = None,
        month: str | None = None,
        events: bool = False,
    ) -> None:
        super().__init__()
        self.style = style
        self.name = name
        self.maximum = maximum
        self.month = month  # a heatmap of one month: shown in that month's frames of the temporal controller
        self.events = events  # orders: each shown in the frame holding its report time
        self.used = False

    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802
        if self.name:
            layer.setName(self.name)
        if self.maximum is not None:
            from gridgov.layers.rasters import style_heatmap

            style_heatmap(layer, self.maximum)
        else:
            from gridgov.layers.styles import apply_style

            apply_style(layer, self.style)
        if self.month or self.events:
            from gridgov.layers import temporal

            if self.month:
                temporal.set_month(layer, self.month)
            if self.events:
                temporal.set_event_time(layer)
        self.used = True

    @classmethod
    def make(
        cls, style: str, name: str | None = None, maximum: float | None = None, month: str | None = None,
        events: bool = False,
    ) -> StyleOnLoad:  # fmt: skip
        """A post-processor kept alive for Processing to call after the run."""
        processor = cls(style, name, maximum, month, events)
        waiting = [kept for kept in cls._alive if not kept.used]
        cls._alive = [*waiting[-(cls.WAITING - 1) :], processor]
        return processor

    @classmethod
    def attach(cls, context, dest_id: str, style: str, name: str | None = None, events: bool = False) -> None:
        if context.willLoadLayerOnCompletion(dest_id):
            context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(cls.make(style, name, events=events))


def write_frame(
    alg: QgsProcessingAlgorithm, parameters, name: str, context, frame, crs, feedback=None, like=None, results=()
) -> str:
    """Create the sink ``name`` for ``frame`` (fields from its dtypes), write every row and check that
    every row reached the output (``outputs.write_rows``)."""
    from gridgov.layers.outputs import write_rows

    dest_id, _ = write_rows(alg, parameters, name, context, frame, crs, feedback, like, results)
    return dest_id


def sink_layout(alg: QgsProcessingAlgorithm, name: str, frame, like=None, results=()) -> tuple:
    """The fields and geometry type of the sink ``name`` for ``frame`` (``like``: source fields whose
    types to keep, except for the ``results`` columns): one decision for both sink backends."""
    import geopandas as gpd
    from qgis.core import QgsWkbTypes

    from gridgov.layers.convert import fields_for, wkb_type_of
    from gridgov.layers.point_columns import point_columns

    fields = fields_for(frame, like=like, results=results)
    wkb_type = QgsWkbTypes.Type.Point if point_columns(frame) else wkb_type_of(frame)
    if wkb_type == QgsWkbTypes.Type.NoGeometry and isinstance(frame, gpd.GeoDataFrame):
        # no rows to tell the geometry (no grid errors, no hot area): the sink's declared type, so the
        # empty layer still takes its polygon or point style
        declared = {0: QgsWkbTypes.Type.Point, 1: QgsWkbTypes.Type.MultiLineString, 2: QgsWkbTypes.Type.MultiPolygon}
        definition = alg.parameterDefinition(name)
        wkb_type = declared.get(int(definition.dataType()), wkb_type) if hasattr(definition, "dataType") else wkb_type
    return fields, wkb_type


def open_sink(alg: QgsProcessingAlgorithm, parameters, name: str, context, frame, crs, like=None, results=()):
    """QGIS's sink ``name`` with the fields of :func:`sink_layout`; returns (sink, destination id,
    fields). Algorithms write rows through ``outputs.RowSink``, which counts what lands."""
    fields, wkb_type = sink_layout(alg, name, frame, like, results)
    sink, dest_id = alg.parameterAsSink(parameters, name, context, fields, wkb_type, crs)
    if sink is None:
        raise QgsProcessingException(alg.invalidSinkError(parameters, name))
    return sink, dest_id, fields


def read_source(
    alg: QgsProcessingAlgorithm, parameters, name: str, context, feedback=None, fields=None, with_geometry: bool = True
):
    """The feature source ``name`` as a GeoDataFrame (None when the optional parameter is empty)."""
    parts, source = read_source_parts(alg, parameters, name, context, feedback, fields, with_geometry=with_geometry)
    return (None, None) if parts is None else (next(parts), source)


def read_source_parts(
    alg: QgsProcessingAlgorithm,
    parameters,
    name: str,
    context,
    feedback=None,
    fields=None,
    rows: int | None = None,
    with_geometry: bool = True,
):
    """The feature source ``name`` as GeoDataFrames of about ``rows`` features (None: one frame), and
    the source; (None, None) when the optional parameter is empty. Without geometry every row's
    geometry is None (only the attributes are read).

    A plain file layer is read by GDAL (fast, in fid ranges); anything else (a database table, a
    selection, a filter) through QGIS's feature iterator. Either way only one part is in memory.
    """
    from qgis.core import QgsFeatureRequest

    from gridgov.layers.convert import ogr_file_frame, ogr_file_parts, source_parts

    # the engine reports invalid geometries row by row (and validategrids repairs them on request):
    # QGIS's own check would stop the whole run at the first one
    context.setInvalidGeometryCheck(QgsFeatureRequest.InvalidGeometryCheck.GeometryNoCheck)
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        return None, None
    definition = parameters.get(name)
    narrowed = isinstance(definition, QgsProcessingFeatureSourceDefinition) and (
        definition.selectedFeaturesOnly or getattr(definition, "filterExpression", "")
    )
    layer = None if narrowed else alg.parameterAsVectorLayer(parameters, name, context)
    edited = layer is not None and layer.isEditable() and layer.editBuffer() is not None
    if edited and layer.editBuffer().isModified():
        narrowed = True  # unsaved edits: only QGIS's iterator shows them
    if not narrowed:
        if layer is not None and layer.providerType() == "postgres":
            # a PostGIS table is read by COPY (pandas parses it a part at a time), not feature by feature
            from gridgov.layers.postgis.copy_io import copy_parts

            parts = copy_parts(layer, rows, fields, with_geometry, feedback)
            if parts is not None:
                return parts, source
        if rows is None:
            frame = ogr_file_frame(layer, fields, with_geometry)
            if frame is not None:
                return iter([frame]), source
        else:
            parts = ogr_file_parts(layer, rows, fields, with_geometry)
            if parts is not None:
                return _counted(parts, layer.featureCount(), source.sourceName()), source
    return source_parts(source, rows or 2**62, fields=fields, feedback=feedback, with_geometry=with_geometry), source


def _counted(parts, expected: int, name: str):
    """Yield ``parts``; at the end, refuse a total that differs from the layer's feature count."""
    total = 0
    for part in parts:
        total += len(part)
        yield part
    if expected >= 0 and total != expected:
        raise QgsProcessingException(
            tr("{0}: read {1} features, but the layer reports {2}").format(name, total, expected)
        )


def require_projected(source, what: str) -> None:
    """Grid geometry is measured in metres: refuse geographic CRSs with a clear message."""
    crs = source.sourceCrs()
    if crs.isValid() and crs.isGeographic():
        raise QgsProcessingException(
            tr(
                "{0} is in a geographic CRS ({1}); reproject it to a projected CRS in metres first, "
                "e.g. CGCS2000 / 3-degree Gauss-Kruger (EPSG:4547 for 114°E)"
            ).format(what, crs.authid())
        )
