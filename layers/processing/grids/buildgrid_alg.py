"""``gridgov:buildgrid``: a coded square or hexagon lattice over an extent or clipped to boundaries."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
)

from gridgov.grid_ops.grids.lattice import BuildGridRequest, Extent, grid_of
from gridgov.layers.io.sources import read_source, require_projected
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import (
    choice,
    crs_of_text,
    crs_text,
    extent_with_crs,
    field,
    integer,
    number,
    sink,
    source,
    text,
)
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

POLYGONS = [QgsProcessing.SourceType.TypeVectorPolygon]


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
