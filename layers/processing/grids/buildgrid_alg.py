"""``gridgov:buildgrid``: a coded square or hexagon lattice over an extent or clipped to boundaries.

Also the parameter kinds only the grid algorithms use: an extent read with its own CRS (the
request holds the engine's ``Extent``; ``declare.extent`` gives bounds in a layer's CRS instead), a
CRS as text, and a text output.
"""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterCrs,
    QgsProcessingParameterExtent,
)

from gridgov.grid_ops.grids.lattice import BuildGridRequest, Extent, grid_of
from gridgov.layers.io.sources import read_source, require_projected
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import Param, choice, field, integer, number, sink, source, text
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

POLYGONS = [QgsProcessing.SourceType.TypeVectorPolygon]


# A CRS travels in a request as text: its authority id, else WKT2, which (unlike QGIS's default WKT1)
# gives back an equal CRS.


def crs_text(crs: QgsCoordinateReferenceSystem) -> str:
    """``crs`` as a request holds it ('' for no CRS); :func:`crs_of_text` turns it back."""
    if not crs.isValid():
        return ""
    return crs.authid() or crs.toWkt(QgsCoordinateReferenceSystem.WktVariant.WKT_PREFERRED)


def crs_of_text(value: str) -> QgsCoordinateReferenceSystem:
    """The CRS :func:`crs_text` wrote (an invalid one for '')."""
    return QgsCoordinateReferenceSystem(value) if value else QgsCoordinateReferenceSystem()


def extent_with_crs(name: str, label: str, optional: bool = True) -> Param:
    """A rectangle; the request holds the engine's ``Extent`` in the CRS it names (the project's
    when it names none), None when none is given."""

    def read(alg, parameters, context) -> Extent | None:
        crs = alg.parameterAsExtentCrs(parameters, name, context)
        if not crs.isValid():
            crs = context.project().crs() if context.project() else crs
        rect = alg.parameterAsExtent(parameters, name, context, crs)
        if rect.isNull() or rect.isEmpty():
            return None
        return Extent(rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum(), crs_text(crs))

    return Param(name, lambda: QgsProcessingParameterExtent(name, tr(label), optional=optional), read)


def coordinate_system(name: str, label: str, optional: bool = True) -> Param:
    """A coordinate reference system; the request holds it as :func:`crs_text` ('' when none is given)."""
    return Param(
        name,
        lambda: QgsProcessingParameterCrs(name, tr(label), optional=optional),
        lambda alg, parameters, context: crs_text(alg.parameterAsCrs(parameters, name, context)),
    )


def string_output(name: str, label: str) -> Callable[[], QgsProcessingOutputString]:
    """A text the run returns beside its layers (a summary as JSON)."""
    return lambda: QgsProcessingOutputString(name, tr(label))


class BuildGridAlgorithm(DeclaredAlgorithm):
    NAME = "buildgrid"
    DISPLAY = "Build regular grid"
    GROUP_ID = "grids"
    GROUP = "Grids"
    HELP = (
        "Covers an extent, or boundary polygons (communities, streets), with square or hexagon cells of a "
        "given size, clipped to the boundaries. Each cell is coded: the boundary's code (CODE_FIELD) or "
        "CODE_PREFIX, plus a sequence numbered west to east, north to south (DB11/T 2157 style). Pieces "
        "smaller than MIN_FRACTION of a full cell join their neighbour.\n\n"
        "INPUT: boundary polygons (optional). EXTENT: used when there is no INPUT. TYPE: square or hexagon. "
        "SIZE: cell size in metres (hexagons: distance between opposite edges). CODE_PREFIX, CODE_FIELD, "
        "DIGITS: how codes are built.\n\n"
        "Example: communities with a 12-digit community_code, SIZE=250, DIGITS=3 give 15-digit grid codes."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Boundary polygons"), POLYGONS, optional=True),
        extent_with_crs("EXTENT", tr_noop("Extent (when there are no boundaries)")),
        choice("TYPE", tr_noop("Cell type"), [(tr_noop("Square"), "square"), (tr_noop("Hexagon"), "hexagon")]),
        number("SIZE", tr_noop("Cell size (m)"), 250.0, minimum=1.0),
        text("CODE_PREFIX", tr_noop("Code prefix"), ""),
        field("CODE_FIELD", tr_noop("Boundary code field (prefix per boundary)"), "INPUT"),
        integer("DIGITS", tr_noop("Sequence digits"), 3, minimum=1, maximum=6),
        number("MIN_FRACTION", tr_noop("Smallest piece kept (share of a cell)"), 0.1, minimum=0.0, maximum=1.0),
        sink("OUTPUT", tr_noop("Grid"), QgsProcessing.SourceType.TypeVectorPolygon),
    )
    REQUEST = BuildGridRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: BuildGridRequest = self.request(parameters, context)
        fields = [request.code_field] if request.code_field else []
        boundaries, source = read_source(self, parameters, "INPUT", context, feedback, fields=fields)
        if source is not None:
            require_projected(source, tr("The boundary layer"))
            crs = source.sourceCrs()
        else:
            crs = extent_crs(request.extent)
        try:
            grid = grid_of(boundaries, crs_text(crs), request)
        except ValueError as err:
            raise QgsProcessingException(str(err)) from err
        feedback.pushInfo(tr("{0} cells").format(len(grid)))
        dest = write_frame(self, parameters, "OUTPUT", context, grid, crs, feedback)
        StyleOnLoad.attach(context, dest, "grids")
        return {"OUTPUT": dest}


def extent_crs(chosen: Extent | None) -> QgsCoordinateReferenceSystem:
    """The CRS of the extent to cover without boundaries; there must be one, in metres."""
    if chosen is None:
        raise QgsProcessingException(tr("Give boundary polygons or an extent"))
    crs = crs_of_text(chosen.crs)
    if crs.isGeographic():
        raise QgsProcessingException(tr("The extent is in a geographic CRS; use a projected CRS in metres"))
    return crs
