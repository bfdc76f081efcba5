"""``gridgov:validategrids``: gaps, overlaps, slivers, invalid geometries, parents and codes of a grid layer."""

from __future__ import annotations

import json

from qgis.core import QgsFeatureRequest, QgsProcessing, QgsProcessingException

from gridgov.grid_ops.grids.validate import ValidateGridsRequest, ValidationResult, validation_of
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.io.sources import read_source, require_projected
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import (
    choice,
    field,
    file_destination,
    flag,
    number,
    number_output,
    sink,
    source,
    string_output,
)
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.processing.grids.importgrids_alg import LEVEL_OPTIONS
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

POLYGONS = [QgsProcessing.SourceType.TypeVectorPolygon]


class ValidateGridsAlgorithm(DeclaredAlgorithm):
    NAME = "validategrids"
    DISPLAY = "Validate grids"
    GROUP_ID = "grids"
    GROUP = "Grids"
    HELP = (
        "Checks one level of grids and writes an error layer (error_type, grid_code, detail, area_m2) styled by "
        "error type, plus a summary.\n\n"
        "Errors: gap and overlap between grids of the level (larger than MIN_AREA m²); sliver (mean width "
        "2·area/perimeter under SLIVER_WIDTH m); invalid_geometry (REPAIR makes it valid and checks the repaired "
        "shape); outside_parent (more than TOLERANCE m outside the parent); duplicate_code; bad_code (not the "
        "level's format: 14/15-digit grid codes, 17/18-digit micro-grid codes, 440399Z01001-style dedicated "
        "codes); orphan (parent code not in PARENT). Dedicated grids may overlap unless their PRIORITY_FIELD is "
        "equal. COVERAGE_PCT: share of the parent layer (or of the grids' own outline) that grids cover.\n\n"
        "The parent code is PARENT_FIELD of a grid, or read from its own code (first 12 digits of a grid code, "
        "all but the last 3 of a micro-grid code).\n\n"
        "Example: INPUT the micro-grids, LEVEL micro-grid, PARENT the grids, PARENT_CODE_FIELD grid_code."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Grids to check"), POLYGONS),
        field("CODE_FIELD", tr_noop("Code field"), "INPUT", GRID_CODE, optional=False),
        choice("LEVEL", tr_noop("Level"), [(tr_noop("Guess from the codes"), None), *LEVEL_OPTIONS]),
        source("PARENT", tr_noop("Parent level (optional)"), POLYGONS, optional=True),
        field("PARENT_CODE_FIELD", tr_noop("Parent's code field"), "PARENT"),
        field("PARENT_FIELD", tr_noop("Field of the grid naming its parent"), "INPUT"),
        field("PRIORITY_FIELD", tr_noop("Priority field (dedicated grids)"), "INPUT"),
        number("TOLERANCE", tr_noop("Tolerance outside the parent (m)"), 1.0, minimum=0.0),
        number("MIN_AREA", tr_noop("Smallest gap or overlap reported (m²)"), 1.0, minimum=0.0),
        number("SLIVER_WIDTH", tr_noop("Sliver below mean width (m)"), 5.0, minimum=0.0),
        flag("REPAIR", tr_noop("Repair invalid geometries"), False),
        sink("OUTPUT", tr_noop("Grid errors"), QgsProcessing.SourceType.TypeVectorPolygon),
        sink(
            "REPAIRED",
            tr_noop("Repaired grids"),
            QgsProcessing.SourceType.TypeVectorPolygon,
            optional=True,
            create_by_default=False,
        ),
        file_destination(
            "SUMMARY", tr_noop("Summary (JSON)"), tr_noop("JSON (*.json)"), optional=True, create_by_default=False
        ),
    )
    OUTPUTS = (
        number_output("ERROR_COUNT", tr_noop("Number of errors")),
        number_output("COVERAGE_PCT", tr_noop("Coverage of the jurisdiction (%)")),
        string_output("SUMMARY_JSON", tr_noop("Summary")),
    )
    REQUEST = ValidateGridsRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: ValidateGridsRequest = self.request(parameters, context)
        grids, source = self.read_grids(parameters, context, feedback, request)
        parent = self.read_parent(parameters, context, feedback, request, source, grids)
        feedback.setProgressText(tr("Checking {0} grids").format(len(grids)))
        try:
            result = validation_of(grids, parent, request)
        except KeyError as err:
            raise QgsProcessingException(str(err)) from err
        summary = result.summary
        report_summary(summary, feedback)
        dest = write_frame(self, parameters, "OUTPUT", context, result.errors, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "validation_errors", tr("Grid errors"))
        out = {
            "OUTPUT": dest,
            "ERROR_COUNT": summary["total_errors"],
            "COVERAGE_PCT": summary.get("coverage_pct"),
            "SUMMARY_JSON": json.dumps(summary),
        }
        if request.repair and parameters.get("REPAIRED"):
            out["REPAIRED"] = self.write_repaired(parameters, context, grids, result, source.sourceCrs())
        summary_path = self.write_summary(parameters, context, summary)
        if summary_path:
            out["SUMMARY"] = summary_path
        return out

    def read_grids(self, parameters, context, feedback, request: ValidateGridsRequest):
        """The grids (in a projected CRS) and their source; the fields the check uses first, then
        the others (a repaired layer keeps them all)."""
        # the engine reports invalid geometries row by row: QGIS's own check would stop at the first
        context.setInvalidGeometryCheck(QgsFeatureRequest.InvalidGeometryCheck.GeometryNoCheck)
        source = self.parameterAsSource(parameters, "INPUT", context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, "INPUT"))
        require_projected(source, tr("The grid layer"))
        wanted = [f for f in (request.code_field, request.parent_field, request.priority_field) if f]
        others = [f.name() for f in source.fields() if f.name() not in wanted]
        grids, _ = read_source(self, parameters, "INPUT", context, feedback, fields=[*dict.fromkeys(wanted), *others])
        return grids, source

    def read_parent(self, parameters, context, feedback, request: ValidateGridsRequest, source, grids):
        """The parent layer in the grids' CRS (None when none is given); it needs its code field."""
        code_field = request.parent_code_field
        parent, parent_source = read_source(
            self, parameters, "PARENT", context, fields=[code_field] if code_field else []
        )
        if parent is None:
            return None
        if not code_field:
            raise QgsProcessingException(tr("Choose the parent layer's code field"))
        if parent_source.sourceCrs() != source.sourceCrs():
            feedback.pushInfo(tr("Reprojecting the parent layer to the grids' CRS"))
            parent = parent.to_crs(grids.crs)
        return parent

    def write_repaired(self, parameters, context, grids, result: ValidationResult, crs) -> str:
        """The grids with their repaired geometries, every field kept, in the REPAIRED sink."""
        fixed = grids.drop(columns=["_fid"]).copy()
        fixed = fixed.set_geometry(result.repaired.values)
        return write_frame(self, parameters, "REPAIRED", context, fixed, crs)

    def write_summary(self, parameters, context, summary: dict) -> str:
        """The summary as readable JSON (codes and names as they are) in the SUMMARY file, when one
        is asked for; returns its path ('' for none)."""
        path = self.parameterAsFileOutput(parameters, "SUMMARY", context)
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(summary, handle, ensure_ascii=False, indent=2)
        return path


def report_summary(summary: dict, feedback) -> None:
    """The level, the number of errors and the coverage, then the count of each kind found."""
    feedback.pushInfo(
        tr("Level: {0}; {1} errors; coverage {2}%").format(
            summary["level"], summary["total_errors"], summary.get("coverage_pct")
        )
    )
    for kind, count in summary["errors"].items():
        if count:
            feedback.pushInfo(f"  {kind}: {count}")
