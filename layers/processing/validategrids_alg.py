"""``gridgov:validategrids``: gaps, overlaps, slivers, invalid geometries, parents and codes of a grid layer."""

from __future__ import annotations

import json

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.processing.base import (
    GridGovAlgorithm,
    StyleOnLoad,
    read_source,
    require_projected,
    tr,
    write_frame,
)

LEVEL_CHOICES = ("auto", "street", "community", "grid", "microgrid", "dedicated")


class ValidateGridsAlgorithm(GridGovAlgorithm):
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
    INPUT, CODE_FIELD, LEVEL, PARENT, PARENT_CODE_FIELD = "INPUT", "CODE_FIELD", "LEVEL", "PARENT", "PARENT_CODE_FIELD"
    PARENT_FIELD, PRIORITY_FIELD, TOLERANCE, MIN_AREA = "PARENT_FIELD", "PRIORITY_FIELD", "TOLERANCE", "MIN_AREA"
    SLIVER_WIDTH, REPAIR, OUTPUT, REPAIRED, SUMMARY = "SLIVER_WIDTH", "REPAIR", "OUTPUT", "REPAIRED", "SUMMARY"
    ERROR_COUNT, COVERAGE_PCT, SUMMARY_JSON = "ERROR_COUNT", "COVERAGE_PCT", "SUMMARY_JSON"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        poly = [QgsProcessing.SourceType.TypeVectorPolygon]
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, tr("Grids to check"), poly))
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD, tr("Code field"), GRID_CODE, parentLayerParameterName=self.INPUT
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.LEVEL,
                tr("Level"),
                [
                    tr("Guess from the codes"),
                    tr("Street"),
                    tr("Community"),
                    tr("Grid"),
                    tr("Micro-grid"),
                    tr("Dedicated grid"),
                ],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.PARENT, tr("Parent level (optional)"), poly, optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.PARENT_CODE_FIELD, tr("Parent's code field"), parentLayerParameterName=self.PARENT, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.PARENT_FIELD,
                tr("Field of the grid naming its parent"),
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.PRIORITY_FIELD,
                tr("Priority field (dedicated grids)"),
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.TOLERANCE,
                tr("Tolerance outside the parent (m)"),
                QgsProcessingParameterNumber.Type.Double,
                1.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_AREA,
                tr("Smallest gap or overlap reported (m²)"),
                QgsProcessingParameterNumber.Type.Double,
                1.0,
                minValue=0.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SLIVER_WIDTH,
                tr("Sliver below mean width (m)"),
                QgsProcessingParameterNumber.Type.Double,
                5.0,
                minValue=0.0,
            )
        )
        self.addParameter(QgsProcessingParameterBoolean(self.REPAIR, tr("Repair invalid geometries"), False))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Grid errors"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.REPAIRED,
                tr("Repaired grids"),
                QgsProcessing.SourceType.TypeVectorPolygon,
                optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.SUMMARY, tr("Summary (JSON)"), tr("JSON (*.json)"), optional=True, createByDefault=False
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.ERROR_COUNT, tr("Number of errors")))
        self.addOutput(QgsProcessingOutputNumber(self.COVERAGE_PCT, tr("Coverage of the jurisdiction (%)")))
        self.addOutput(QgsProcessingOutputString(self.SUMMARY_JSON, tr("Summary")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.grids.validate import ValidationOptions, validate_grids

        code_field = self.parameterAsString(parameters, self.CODE_FIELD, context)
        parent_field = self.parameterAsString(parameters, self.PARENT_FIELD, context) or None
        priority_field = self.parameterAsString(parameters, self.PRIORITY_FIELD, context) or None
        wanted = [f for f in (code_field, parent_field, priority_field) if f]
        from qgis.core import QgsFeatureRequest

        context.setInvalidGeometryCheck(QgsFeatureRequest.InvalidGeometryCheck.GeometryNoCheck)
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        require_projected(source, tr("The grid layer"))
        all_fields = [f.name() for f in source.fields()]
        grids, _ = read_source(
            self,
            parameters,
            self.INPUT,
            context,
            feedback,
            fields=list(dict.fromkeys([*wanted, *[f for f in all_fields if f not in wanted]])),
        )
        parent_code_field = self.parameterAsString(parameters, self.PARENT_CODE_FIELD, context) or None
        parent, parent_source = read_source(
            self, parameters, self.PARENT, context, fields=[parent_code_field] if parent_code_field else []
        )
        if parent is not None:
            if not parent_code_field:
                raise QgsProcessingException(tr("Choose the parent layer's code field"))
            if parent_source.sourceCrs() != source.sourceCrs():
                feedback.pushInfo(tr("Reprojecting the parent layer to the grids' CRS"))
                parent = parent.to_crs(grids.crs)
        level = LEVEL_CHOICES[self.parameterAsEnum(parameters, self.LEVEL, context)]
        repair = self.parameterAsBool(parameters, self.REPAIR, context)
        options = ValidationOptions(
            tolerance=self.parameterAsDouble(parameters, self.TOLERANCE, context),
            min_area=self.parameterAsDouble(parameters, self.MIN_AREA, context),
            sliver_width=self.parameterAsDouble(parameters, self.SLIVER_WIDTH, context),
            repair=repair,
            level=None if level == "auto" else level,
        )
        feedback.setProgressText(tr("Checking {0} grids").format(len(grids)))
        try:
            result = validate_grids(grids, code_field, parent, parent_code_field, parent_field, priority_field, options)
        except KeyError as err:
            raise QgsProcessingException(str(err)) from err
        summary = result.summary
        feedback.pushInfo(
            tr("Level: {0}; {1} errors; coverage {2}%").format(
                summary["level"], summary["total_errors"], summary.get("coverage_pct")
            )
        )
        for kind, count in summary["errors"].items():
            if count:
                feedback.pushInfo(f"  {kind}: {count}")
        dest = write_frame(self, parameters, self.OUTPUT, context, result.errors, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "validation_errors", tr("Grid errors"))
        out = {
            self.OUTPUT: dest,
            self.ERROR_COUNT: summary["total_errors"],
            self.COVERAGE_PCT: summary.get("coverage_pct"),
            self.SUMMARY_JSON: json.dumps(summary),
        }
        if repair and parameters.get(self.REPAIRED):
            fixed = grids.drop(columns=["_fid"]).copy()
            fixed = fixed.set_geometry(result.repaired.values)
            out[self.REPAIRED] = write_frame(self, parameters, self.REPAIRED, context, fixed, source.sourceCrs())
        summary_path = self.parameterAsFileOutput(parameters, self.SUMMARY, context)
        if summary_path:
            with open(summary_path, "w", encoding="utf-8") as handle:
                json.dump(summary, handle, ensure_ascii=False, indent=2)
            out[self.SUMMARY] = summary_path
        return out
