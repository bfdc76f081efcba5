"""``gridgov:emerginghotspots``: how each grid's hot-spot status moves over weeks or months."""

from __future__ import annotations

import numpy as np
from qgis.core import QgsProcessing, QgsProcessingException

from gridgov.grid_ops.analytics.emerging import STEPS, EmergingRequest, SpaceTimeCube, emerging_of
from gridgov.grid_ops.analytics.gridstats import grid_positions
from gridgov.layers.outputs.run_outputs import table_if_asked, write_frame
from gridgov.layers.parameters.declare import choice, flag, number, sink
from gridgov.layers.parameters.grid_inputs import (
    build_weights,
    order_grid_codes,
    orders_and_grids_family,
    read_filtered_orders_in_grids,
    weights_family,
)
from gridgov.layers.parameters.order_filters import filter_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad


class EmergingHotspotsAlgorithm(DeclaredAlgorithm):
    NAME = "emerginghotspots"
    DISPLAY = "Emerging hot spots"
    GROUP_ID = "analysis"
    GROUP = "Analysis"
    HELP = (
        "How each grid's hot-spot status changes over time, as ArcGIS's Emerging Hot Spot Analysis with its "
        "defaults: orders are counted per grid and TIME_STEP (a space-time cube, zeros included); every bin gets a "
        "Gi* z-score against the whole cube, its neighbours being the grid and its neighbours (WEIGHTS) in the same "
        "and the previous time step; p-values are corrected for the false discovery rate and significant at ALPHA; "
        "a Mann-Kendall test gives the trend of each grid's z-scores (mk_tau, mk_p). Each grid gets one of 17 "
        "patterns: new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating or historical hot "
        "spot or cold spot, or no pattern (pattern, and pattern_zh in Chinese), with n_hot and n_cold time steps and "
        "z_<step> columns. CUBE lists every grid × time step with its count, z-score and bin.\n\n"
        "Example: INPUT the placed orders, GRIDS the grid layer, TIME_FIELD reported_at, CATEGORIES noise, "
        "TIME_STEP month."
    )
    PARAMETERS = (
        orders_and_grids_family(),
        filter_family(),
        choice("TIME_STEP", tr_noop("Time step"), list(zip((tr_noop("Week"), tr_noop("Month")), STEPS)), default=1),
        weights_family("GRIDS"),
        number("ALPHA", tr_noop("Significance level"), 0.10, minimum=0.001, maximum=0.5),
        flag("FDR", tr_noop("False discovery rate correction"), True),
        sink("OUTPUT", tr_noop("Emerging hot spots"), QgsProcessing.SourceType.TypeVectorPolygon),
        sink("CUBE", tr_noop("Space-time cube (grid × time step)"), optional=True, create_by_default=False),
    )
    REQUEST = EmergingRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: EmergingRequest = self.request(parameters, context)
        data, filtered = read_filtered_orders_in_grids(
            request.grid_fields, request.filter, [], self, parameters, context, feedback
        )
        if filtered.times is None:
            raise QgsProcessingException(tr("Emerging hot spots need TIME_FIELD"))
        keep = filtered.keep & ~np.isnat(filtered.times)
        grid_codes = data.grids[data.code_field].astype(str).str.strip().to_numpy(dtype=object)
        grid_index = grid_positions(grid_codes, order_grid_codes(data, feedback)[keep])
        cube = space_time_cube(grid_index, filtered.times[keep], len(data.grids), request.time_step, feedback)
        w = build_weights(request.weights, data.grids.geometry.to_numpy(), feedback)
        result = emerging_of(cube, w, request)
        out = data.grids.copy()
        for column in result.table.columns:
            out[column] = result.table[column].to_numpy()
        summary = result.table["pattern"].value_counts()
        feedback.pushInfo(", ".join(f"{k}: {v}" for k, v in summary.items()))
        dest = write_frame(self, parameters, "OUTPUT", context, out, data.grid_source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "emerging_hotspots", tr("Emerging hot spots"))
        cube = table_if_asked(self, parameters, "CUBE", context, lambda: result.cube_table(grid_codes), feedback)
        return {"OUTPUT": dest, **cube}


def space_time_cube(grid_index: np.ndarray, times: np.ndarray, n_grids: int, step: str, feedback) -> SpaceTimeCube:
    """The orders' counts per grid and time ``step``; one step stops the run, fewer than ten are
    warned about (trends and the 90 % rules are weak on so few)."""
    try:
        cube = SpaceTimeCube.of(grid_index, times, n_grids, step)
    except ValueError as err:
        raise QgsProcessingException(str(err)) from err
    steps = len(cube.labels)
    if steps < 2:
        raise QgsProcessingException(tr("The orders span one {0}; emerging hot spots need at least two").format(step))
    if steps < 10:
        feedback.pushWarning(
            tr("Only {0} time steps: trends and the 90 % rules are weak on so few (ArcGIS asks for 10)").format(steps)
        )
    feedback.pushInfo(
        tr("Space-time cube: {0} grids × {1} {2}s, {3} orders").format(n_grids, steps, step, int(cube.counts.sum()))
    )
    return cube
