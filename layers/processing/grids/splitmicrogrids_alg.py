"""``gridgov:splitmicrogrids``: split grids into micro-grids of even households, coded under their grid."""

from __future__ import annotations

from collections.abc import Callable

from qgis.core import QgsProcessing, QgsProcessingException

from gridgov.grid_ops.grids.microgrids import SplitMicrogridsRequest, microgrids_of
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.io.sources import read_source, require_projected
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import field, integer, number, number_output, sink, source
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.cancel import raise_cancelled
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad


class SplitMicrogridsAlgorithm(DeclaredAlgorithm):
    NAME = "splitmicrogrids"
    DISPLAY = "Split into micro-grids"
    GROUP_ID = "grids"
    GROUP = "Grids"
    HELP = (
        "Splits each grid (or community) into micro-grids of about TARGET households each: compact pieces, "
        "never cutting a building, following roads where a road runs the right way. Each micro-grid is coded "
        "with its grid's code plus a 3-digit sequence numbered west to east, north to south.\n\n"
        "INPUT: grid polygons; CODE_FIELD: their code. HOUSEHOLDS: building points (optional) with "
        "WEIGHT_FIELD households each (1 per point without it); without points, TARGET is an area in m². "
        "ROADS: road centrelines (optional). MIN_PARTS / MAX_PARTS bound the micro-grids per grid.\n\n"
        "Outputs: the micro-grids (micro_code, grid_code, households, area_m2, compactness, weight_basis) and "
        "EVENNESS_MAX, the largest max/min households ratio inside one grid.\n\n"
        "Example: INPUT the grids, CODE_FIELD grid_code, HOUSEHOLDS the buildings, WEIGHT_FIELD households, "
        "TARGET 100, ROADS the roads."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Grids (or communities) to split"), [QgsProcessing.SourceType.TypeVectorPolygon]),
        field("CODE_FIELD", tr_noop("Grid code field"), "INPUT", GRID_CODE, optional=False),
        source(
            "HOUSEHOLDS",
            tr_noop("Household points (buildings)"),
            [QgsProcessing.SourceType.TypeVectorPoint],
            optional=True,
        ),
        field("WEIGHT_FIELD", tr_noop("Households per point"), "HOUSEHOLDS", numeric=True),
        number(
            "TARGET", tr_noop("Target households per micro-grid (m² without household points)"), 100.0, minimum=1e-6
        ),
        source("ROADS", tr_noop("Roads to follow"), [QgsProcessing.SourceType.TypeVectorLine], optional=True),
        integer("MIN_PARTS", tr_noop("Fewest micro-grids per grid"), 1, minimum=1),
        integer("MAX_PARTS", tr_noop("Most micro-grids per grid"), 999, minimum=1, maximum=999),
        sink("OUTPUT", tr_noop("Micro-grids"), QgsProcessing.SourceType.TypeVectorPolygon),
    )
    OUTPUTS = (
        number_output("EVENNESS_MAX", tr_noop("Largest max/min households ratio in a grid")),
        number_output("EVENNESS_MEDIAN", tr_noop("Median max/min households ratio")),
        number_output("COUNT", tr_noop("Number of micro-grids")),
    )
    REQUEST = SplitMicrogridsRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: SplitMicrogridsRequest = self.request(parameters, context)
        grids, source = read_source(self, parameters, "INPUT", context, fields=[request.code_field])
        require_projected(source, tr("The grid layer"))
        weight = [request.weight_field] if request.weight_field else []
        households, _ = read_source(self, parameters, "HOUSEHOLDS", context, fields=weight)
        roads, _ = read_source(self, parameters, "ROADS", context, fields=[])
        grids = with_geometry(grids, feedback)
        try:
            result = microgrids_of(grids, households, roads, request, progress=progress_of(feedback))
        except (KeyError, ValueError) as err:
            if feedback.isCanceled():  # cancelled before the first grid: nothing to put together
                raise_cancelled()
            raise QgsProcessingException(str(err)) from err
        if feedback.isCanceled():
            raise_cancelled()
        feedback.pushInfo(
            tr("{0} micro-grids in {1} grids; max/min {2} per grid: median {3:.2f}, worst {4:.2f}").format(
                len(result.micro), len(grids), result.basis, result.median, result.worst
            )
        )
        dest = write_frame(self, parameters, "OUTPUT", context, result.micro, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "microgrids")
        return {
            "OUTPUT": dest,
            "EVENNESS_MAX": result.worst,
            "EVENNESS_MEDIAN": result.median,
            "COUNT": len(result.micro),
        }


def with_geometry(grids, feedback):
    """The grids that have a geometry; each one without is reported by its feature id and skipped."""
    bad = grids.geometry.isna() | grids.geometry.is_empty
    for fid in grids.loc[bad, "_fid"]:
        feedback.reportError(tr("Grid feature {0} has no geometry and is skipped").format(fid))
    return grids[~bad]


def progress_of(feedback) -> Callable[[float], bool]:
    """The engine's progress callback: shows the share done, and says whether to go on."""

    def progress(fraction: float) -> bool:
        feedback.setProgress(100.0 * fraction)
        return not feedback.isCanceled()

    return progress
