"""``gridgov:importgrids``: any grid layer, any field names, into the standard grid fields."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
)

from gridgov.grid_ops.grids.codes import LEVELS
from gridgov.grid_ops.schema import PROBLEM
from gridgov.layers.hierarchy import LEVELS as HIERARCHY_LEVELS
from gridgov.layers.processing.base import GridGovAlgorithm, StyleOnLoad, read_source, tr, write_frame

STYLE_OF_LEVEL = {level: style for level, _layer, _code, _title, style in HIERARCHY_LEVELS}
MAPPED = (
    ("CODE_FIELD", "code", "Code field"),
    ("NAME_FIELD", "name", "Name field"),
    ("PARENT_FIELD", "parent_code", "Parent code field"),
    ("MANAGER_FIELD", "manager", "Manager field"),
    ("PHONE_FIELD", "phone", "Phone field"),
    ("HOUSEHOLDS_FIELD", "households", "Households field"),
    ("PRIORITY_FIELD", "priority", "Priority field"),
)


class ImportGridsAlgorithm(GridGovAlgorithm):
    NAME = "importgrids"
    DISPLAY = "Import grid layer"
    GROUP_ID = "grids"
    GROUP = "Grids"
    HELP = (
        "Reads a grid layer from any QGIS source (GeoPackage, Shapefile, GeoJSON, PostGIS ...) and writes it "
        "with the standard fields: code, name, level, parent_code, manager, phone, households, priority, plus "
        "import_status and problem for every row (nothing is dropped). Fields left empty are guessed from "
        "their names (e.g. WGBM / 网格编码 / grid_id for the code; 网格员 / manager; 户数 / households). Codes "
        "are cleaned (full-width digits, spaces, Excel's 4.4e14). Without a parent field, a grid's parent is "
        "read from its code. TARGET_CRS reprojects (empty: keep the layer's CRS).\n\n"
        "Example: INPUT a Shapefile of grids with fields WGBM and WGY, LEVEL grid, TARGET_CRS EPSG:4547."
    )
    INPUT, LEVEL, TARGET_CRS, OUTPUT, PROBLEMS = "INPUT", "LEVEL", "TARGET_CRS", "OUTPUT", "PROBLEMS"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Grid layer"), [QgsProcessing.SourceType.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.LEVEL,
                tr("Level"),
                [tr("Street"), tr("Community"), tr("Grid"), tr("Micro-grid"), tr("Dedicated grid")],
                defaultValue=2,
            )
        )
        for name, _, label in MAPPED:
            self.addParameter(
                QgsProcessingParameterField(name, tr(label), parentLayerParameterName=self.INPUT, optional=True)
            )
        self.addParameter(QgsProcessingParameterCrs(self.TARGET_CRS, tr("Reproject to"), optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Imported grids"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.PROBLEMS, tr("Rows with a problem")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.grids.gridimport import guess_mapping, standardise

        frame, source = read_source(self, parameters, self.INPUT, context, feedback)
        frame = frame.drop(columns=["_fid"])
        level = LEVELS[self.parameterAsEnum(parameters, self.LEVEL, context)]  # enum in codes.LEVELS order
        guessed = guess_mapping([c for c in frame.columns if c != frame.geometry.name])
        mapping = {}
        for param, field, _ in MAPPED:
            chosen = self.parameterAsString(parameters, param, context)
            mapping[field] = chosen or guessed.get(field)
            how = tr("chosen") if chosen else tr("guessed")
            feedback.pushInfo(f"{field} ← {mapping[field] or '—'} ({how})")
        if not mapping["code"]:
            raise QgsProcessingException(tr("No code field: choose the field that holds the grid codes"))
        out = standardise(frame, mapping, level)
        crs = source.sourceCrs()
        target: QgsCoordinateReferenceSystem = self.parameterAsCrs(parameters, self.TARGET_CRS, context)
        if target.isValid() and target != crs and out.crs is not None:
            out = out.to_crs(target.authid() or target.toWkt())
            crs = target
        problems = out[out["import_status"] != "ok"]
        for text in problems[PROBLEM].head(50):
            feedback.reportError(text)
        if len(problems) > 50:
            feedback.reportError(tr("... and {0} more rows with a problem").format(len(problems) - 50))
        feedback.pushInfo(tr("{0} rows imported, {1} with a problem").format(len(out), len(problems)))
        dest = write_frame(self, parameters, self.OUTPUT, context, out, crs, feedback)
        StyleOnLoad.attach(context, dest, STYLE_OF_LEVEL[level])
        return {self.OUTPUT: dest, self.PROBLEMS: len(problems)}
