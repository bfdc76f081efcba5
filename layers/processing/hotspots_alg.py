"""``gridgov:hotspots``: Getis-Ord Gi* (and optionally Local Moran's I) on a value per grid."""

from __future__ import annotations

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from gridgov.layers.processing.base import GridGovAlgorithm, StyleOnLoad, read_source, tr, write_frame
from gridgov.layers.processing.grid_inputs import add_weights_parameters, read_weights


class HotspotsAlgorithm(GridGovAlgorithm):
    NAME = "hotspots"
    DISPLAY = "Hot spots, Getis-Ord Gi*"
    GROUP_ID = "analysis"
    GROUP = "Analysis"
    HELP = (
        "Getis-Ord Gi* on a value of every grid (for example cnt_total or cnt_0601 of Grid statistics), as ArcGIS's "
        "Hot Spot Analysis and PySAL's esda.G_Local(star=True) compute it. Adds gi_z (z-score), gi_p (two-sided "
        "p-value), gi_p_sim (conditional permutation pseudo p-value, PERMUTATIONS draws with SEED, so a run can be "
        "repeated), n_neigh and gi_bin: ±3, ±2, ±1 for hot (+) or cold (−) spots at 99 %, 95 % and 90 % confidence, "
        "0 where not significant; with FDR the thresholds are Benjamini–Hochberg's.\n\n"
        "WEIGHTS: queen (grids sharing a corner), rook (sharing an edge), distance (centroids within DISTANCE) or "
        "knn (the K nearest centroids). TRANSFORM binary (ArcGIS's default) or row-standardised. LOCAL_MORAN adds "
        "Local Moran's I: lisa_i, lisa_q (1 high-high, 2 low-high, 3 low-low, 4 high-low) and lisa_p_sim.\n\n"
        "Example: INPUT the Grid statistics layer, FIELD cnt_total, WEIGHTS queen, PERMUTATIONS 999."
    )
    INPUT, FIELD = "INPUT", "FIELD"
    TRANSFORM, PERMUTATIONS, SEED, FDR, LOCAL_MORAN = "TRANSFORM", "PERMUTATIONS", "SEED", "FDR", "LOCAL_MORAN"
    OUTPUT, HOT, COLD = "OUTPUT", "HOT", "COLD"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Grids with a value"), [QgsProcessing.SourceType.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELD,
                tr("Value field"),
                "cnt_total",
                parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,  # QGIS 3.22 checks a field's default only when given: fall back in code
            )
        )
        add_weights_parameters(self, self.INPUT)
        self.addParameter(
            QgsProcessingParameterEnum(
                self.TRANSFORM, tr("Weights"), [tr("Binary"), tr("Row-standardised")], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PERMUTATIONS,
                tr("Permutations (0: none)"),
                QgsProcessingParameterNumber.Type.Integer,
                999,
                minValue=0,
                maxValue=99999,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(self.SEED, tr("Random seed"), QgsProcessingParameterNumber.Type.Integer, 12345)
        )
        self.addParameter(QgsProcessingParameterBoolean(self.FDR, tr("False discovery rate correction"), True))
        self.addParameter(QgsProcessingParameterBoolean(self.LOCAL_MORAN, tr("Add Local Moran's I"), False))
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Hot spots"), QgsProcessing.SourceType.TypeVectorPolygon)
        )
        self.addOutput(QgsProcessingOutputNumber(self.HOT, tr("Hot-spot grids")))
        self.addOutput(QgsProcessingOutputNumber(self.COLD, tr("Cold-spot grids")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.analytics.hotspots import gi_star, local_moran

        frame, source = read_source(self, parameters, self.INPUT, context, feedback)
        field = self.parameterAsString(parameters, self.FIELD, context) or "cnt_total"
        if field not in frame.columns:
            raise QgsProcessingException(tr("FIELD: the layer has no field {0!r}").format(field))
        values = frame[field].astype(float).to_numpy()
        missing = ~np.isfinite(values)
        if missing.any():
            first = int(np.flatnonzero(missing)[0])
            raise QgsProcessingException(
                tr("{0} grids have no {1} (first: feature {2}); fill them (0 for a count) first").format(
                    int(missing.sum()), field, int(frame["_fid"].iat[first])
                )
            )
        empty = frame.geometry.isna() | frame.geometry.is_empty
        if empty.any():
            raise QgsProcessingException(
                tr("{0} grids have no geometry (first: feature {1})").format(
                    int(empty.sum()), int(frame["_fid"][empty].iat[0])
                )
            )
        w = read_weights(self, parameters, context, frame.geometry.to_numpy(), feedback)
        permutations = self.parameterAsInt(parameters, self.PERMUTATIONS, context)
        seed = self.parameterAsInt(parameters, self.SEED, context)
        transform = "R" if self.parameterAsEnum(parameters, self.TRANSFORM, context) == 1 else "B"
        result = gi_star(
            values, w, transform, permutations, seed, self.parameterAsBoolean(parameters, self.FDR, context)
        )
        out = frame.drop(columns=["_fid"]).reset_index(drop=True)
        for column in result.columns:
            out[column] = result[column].to_numpy()
        if self.parameterAsBoolean(parameters, self.LOCAL_MORAN, context):
            lisa = local_moran(values, w, permutations, seed)
            for column in lisa.columns:
                out[column] = lisa[column].to_numpy()
        hot, cold = int((result["gi_bin"] > 0).sum()), int((result["gi_bin"] < 0).sum())
        feedback.pushInfo(tr("{0} hot-spot grids, {1} cold-spot grids of {2}").format(hot, cold, len(out)))
        dest = write_frame(self, parameters, self.OUTPUT, context, out, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "hotspots", tr("Hot spots (Gi*)"))
        return {self.OUTPUT: dest, self.HOT: hot, self.COLD: cold}
