"""``gridgov:hotspots``: Getis-Ord Gi* (and optionally Local Moran's I) on a value per grid."""

from __future__ import annotations

import numpy as np
from qgis.core import QgsProcessing, QgsProcessingException

from gridgov.grid_ops.analytics.hotspots import HotspotsRequest, hotspots_of
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import choice, field, flag, integer, number_output, sink, source
from gridgov.layers.parameters.grid_inputs import build_weights, weights_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

POLYGONS = [QgsProcessing.SourceType.TypeVectorPolygon]


class HotspotsAlgorithm(DeclaredAlgorithm):
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
    PARAMETERS = (
        source("INPUT", tr_noop("Grids with a value"), POLYGONS),
        field("FIELD", tr_noop("Value field"), "INPUT", "cnt_total", numeric=True, fallback=True),
        weights_family("INPUT"),
        choice("TRANSFORM", tr_noop("Weights"), [(tr_noop("Binary"), "B"), (tr_noop("Row-standardised"), "R")]),
        integer("PERMUTATIONS", tr_noop("Permutations (0: none)"), 999, minimum=0, maximum=99999),
        integer("SEED", tr_noop("Random seed"), 12345),
        flag("FDR", tr_noop("False discovery rate correction"), True),
        flag("LOCAL_MORAN", tr_noop("Add Local Moran's I"), False),
        sink("OUTPUT", tr_noop("Hot spots"), QgsProcessing.SourceType.TypeVectorPolygon),
    )
    OUTPUTS = (number_output("HOT", tr_noop("Hot-spot grids")), number_output("COLD", tr_noop("Cold-spot grids")))
    REQUEST = HotspotsRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: HotspotsRequest = self.request(parameters, context)
        frame, source = read_source(self, parameters, "INPUT", context, feedback)
        values = grid_values(frame, request.field)
        w = build_weights(request.weights, frame.geometry.to_numpy(), feedback)
        result = hotspots_of(values, w, request)
        out = frame.drop(columns=["_fid"]).reset_index(drop=True)
        for column in result.columns:
            out[column] = result[column].to_numpy()
        hot, cold = int((result["gi_bin"] > 0).sum()), int((result["gi_bin"] < 0).sum())
        feedback.pushInfo(tr("{0} hot-spot grids, {1} cold-spot grids of {2}").format(hot, cold, len(out)))
        dest = write_frame(self, parameters, "OUTPUT", context, out, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "hotspots", tr("Hot spots (Gi*)"))
        return {"OUTPUT": dest, "HOT": hot, "COLD": cold}


def grid_values(frame, name: str) -> np.ndarray:
    """The value of every grid; a grid without one (or without a geometry) stops the run, named by
    its feature id: Gi* has no meaning with a grid left out."""
    if name not in frame.columns:
        raise QgsProcessingException(tr("FIELD: the layer has no field {0!r}").format(name))
    values = frame[name].astype(float).to_numpy()
    missing = ~np.isfinite(values)
    if missing.any():
        first = int(np.flatnonzero(missing)[0])
        raise QgsProcessingException(
            tr("{0} grids have no {1} (first: feature {2}); fill them (0 for a count) first").format(
                int(missing.sum()), name, int(frame["_fid"].iat[first])
            )
        )
    empty = frame.geometry.isna() | frame.geometry.is_empty
    if empty.any():
        raise QgsProcessingException(
            tr("{0} grids have no geometry (first: feature {1})").format(
                int(empty.sum()), int(frame["_fid"][empty].iat[0])
            )
        )
    return values
