"""``gridgov:splitmicrogrids``: split grids into micro-grids of even households, coded under their grid."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
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


class SplitMicrogridsAlgorithm(GridGovAlgorithm):
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
    INPUT, CODE_FIELD, HOUSEHOLDS, WEIGHT_FIELD = "INPUT", "CODE_FIELD", "HOUSEHOLDS", "WEIGHT_FIELD"
    TARGET, ROADS, MIN_PARTS, MAX_PARTS, OUTPUT = "TARGET", "ROADS", "MIN_PARTS", "MAX_PARTS", "OUTPUT"
    EVENNESS_MAX, EVENNESS_MEDIAN, COUNT = "EVENNESS_MAX", "EVENNESS_MEDIAN", "COUNT"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Grids (or communities) to split"), [QgsProcessing.SourceType.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD, tr("Grid code field"), GRID_CODE, parentLayerParameterName=self.INPUT
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.HOUSEHOLDS,
                tr("Household points (buildings)"),
                [QgsProcessing.SourceType.TypeVectorPoint],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD,
                tr("Households per point"),
                parentLayerParameterName=self.HOUSEHOLDS,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.TARGET,
                tr("Target households per micro-grid (m² without household points)"),
                QgsProcessingParameterNumber.Type.Double,
                100.0,
                minValue=1e-6,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ROADS, tr("Roads to follow"), [QgsProcessing.SourceType.TypeVectorLine], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_PARTS,
                tr("Fewest micro-grids per grid"),
                QgsProcessingParameterNumber.Type.Integer,
                1,
                minValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MAX_PARTS,
                tr("Most micro-grids per grid"),
                QgsProcessingParameterNumber.Type.Integer,
                999,
                minValue=1,
                maxValue=999,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Micro-grids"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.EVENNESS_MAX, tr("Largest max/min households ratio in a grid")))
        self.addOutput(QgsProcessingOutputNumber(self.EVENNESS_MEDIAN, tr("Median max/min households ratio")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Number of micro-grids")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.grids.microgrids import evenness, split_grids

        code_field = self.parameterAsString(parameters, self.CODE_FIELD, context)
        grids, source = read_source(self, parameters, self.INPUT, context, fields=[code_field])
        require_projected(source, tr("The grid layer"))
        weight = self.parameterAsString(parameters, self.WEIGHT_FIELD, context) or None
        households, _ = read_source(self, parameters, self.HOUSEHOLDS, context, fields=[weight] if weight else [])
        roads, _ = read_source(self, parameters, self.ROADS, context, fields=[])
        if households is not None and grids.crs and households.crs and households.crs != grids.crs:
            households = households.to_crs(grids.crs)
        bad = grids.geometry.isna() | grids.geometry.is_empty
        for fid in grids.loc[bad, "_fid"]:
            feedback.reportError(tr("Grid feature {0} has no geometry and is skipped").format(fid))
        grids = grids[~bad]

        def progress(fraction: float) -> bool:
            feedback.setProgress(100.0 * fraction)
            return not feedback.isCanceled()

        try:
            micro = split_grids(
                grids,
                code_field,
                self.parameterAsDouble(parameters, self.TARGET, context),
                households,
                weight,
                roads,
                self.parameterAsInt(parameters, self.MIN_PARTS, context),
                self.parameterAsInt(parameters, self.MAX_PARTS, context),
                progress=progress,
            )
        except (KeyError, ValueError) as err:
            raise QgsProcessingException(str(err)) from err
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Cancelled"))
        basis = "households" if households is not None else "area_m2"
        stats = evenness(micro[micro["weight_basis"] == ("households" if households is not None else "area")], basis)
        finite = stats["ratio"][stats["ratio"] < float("inf")]
        worst = float(finite.max()) if len(finite) else 1.0
        median = float(finite.median()) if len(finite) else 1.0
        feedback.pushInfo(
            tr("{0} micro-grids in {1} grids; max/min {2} per grid: median {3:.2f}, worst {4:.2f}").format(
                len(micro), len(grids), basis, median, worst
            )
        )
        dest = write_frame(self, parameters, self.OUTPUT, context, micro, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "microgrids")
        return {self.OUTPUT: dest, self.EVENNESS_MAX: worst, self.EVENNESS_MEDIAN: median, self.COUNT: len(micro)}
