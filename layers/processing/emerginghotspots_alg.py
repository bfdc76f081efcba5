"""``gridgov:emerginghotspots``: how each grid's hot-spot status moves over weeks or months."""

from __future__ import annotations

import numpy as np
import pandas as pd
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
)
from scipy import stats

from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.processing.base import GridGovAlgorithm, StyleOnLoad, tr, write_frame
from gridgov.layers.processing.grid_inputs import (
    add_order_and_grid_parameters,
    add_weights_parameters,
    order_grid_codes,
    read_orders_and_grids,
    read_weights,
)
from gridgov.layers.processing.order_filters import add_filter_parameters, filter_orders

TIME_STEPS = ("week", "month")


class EmergingHotspotsAlgorithm(GridGovAlgorithm):
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
    TIME_STEP = "TIME_STEP"
    ALPHA, FDR, OUTPUT, CUBE = "ALPHA", "FDR", "OUTPUT", "CUBE"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        add_order_and_grid_parameters(self)
        add_filter_parameters(self)
        self.addParameter(
            QgsProcessingParameterEnum(self.TIME_STEP, tr("Time step"), [tr("Week"), tr("Month")], defaultValue=1)
        )
        add_weights_parameters(self, "GRIDS")
        self.addParameter(
            QgsProcessingParameterNumber(
                self.ALPHA,
                tr("Significance level"),
                QgsProcessingParameterNumber.Type.Double,
                0.10,
                minValue=0.001,
                maxValue=0.5,
            )
        )
        self.addParameter(QgsProcessingParameterBoolean(self.FDR, tr("False discovery rate correction"), True))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Emerging hot spots"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.CUBE,
                tr("Space-time cube (grid × time step)"),
                QgsProcessing.SourceType.TypeVector,
                optional=True,
                createByDefault=False,
            )
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.analytics.emerging import emerging_hotspots, space_time_cube, time_steps
        from gridgov.grid_ops.analytics.gridstats import grid_positions
        from gridgov.grid_ops.analytics.hotspots import confidence_bins

        data = read_orders_and_grids(self, parameters, context, feedback)
        orders, grids, code_field = data.orders, data.grids, data.code_field
        _, _, times, keep = filter_orders(self, parameters, context, orders, feedback)
        if times is None:
            raise QgsProcessingException(tr("Emerging hot spots need TIME_FIELD"))
        keep &= ~np.isnat(times)
        grid_of_order = order_grid_codes(data, feedback)[keep]
        grid_codes = grids[code_field].astype(str).str.strip().to_numpy(dtype=object)
        grid_index = grid_positions(grid_codes, grid_of_order)
        step = TIME_STEPS[self.parameterAsEnum(parameters, self.TIME_STEP, context)]
        try:
            labels, step_index = time_steps(times[keep], step)
        except ValueError as err:
            raise QgsProcessingException(str(err)) from err
        if len(labels) < 2:
            raise QgsProcessingException(
                tr("The orders span one {0}; emerging hot spots need at least two").format(step)
            )
        if len(labels) < 10:
            feedback.pushWarning(
                tr("Only {0} time steps: trends and the 90 % rules are weak on so few (ArcGIS asks for 10)").format(
                    len(labels)
                )
            )
        cube = space_time_cube(grid_index, step_index, len(grids), len(labels))
        feedback.pushInfo(
            tr("Space-time cube: {0} grids × {1} {2}s, {3} orders").format(
                len(grids), len(labels), step, int(cube.sum())
            )
        )
        w = read_weights(self, parameters, context, grids.geometry.to_numpy(), feedback)
        alpha = self.parameterAsDouble(parameters, self.ALPHA, context)
        fdr = self.parameterAsBoolean(parameters, self.FDR, context)
        table, z = emerging_hotspots(cube, w, alpha=alpha, fdr=fdr)
        out = grids.copy()
        for column in table.columns:
            out[column] = table[column].to_numpy()
        names = [f"z_{label}".replace("-", "_").replace("/", "_") for label in labels.astype(str)]
        for i, name in enumerate(names):
            out[name] = z[:, i].round(4)
        summary = table["pattern"].value_counts()
        feedback.pushInfo(", ".join(f"{k}: {v}" for k, v in summary.items()))
        dest = write_frame(self, parameters, self.OUTPUT, context, out, data.grid_source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "emerging_hotspots", tr("Emerging hot spots"))
        results = {self.OUTPUT: dest}
        if parameters.get(self.CUBE) is not None:
            p = 2 * stats.norm.sf(np.abs(z))
            bins = confidence_bins(z.ravel(), p.ravel(), fdr).reshape(z.shape)
            long = pd.DataFrame(
                {
                    GRID_CODE: np.repeat(grid_codes, len(labels)),
                    "time_step": np.tile(labels.astype(str), len(grid_codes)),
                    "count": cube.ravel().astype(int),
                    "gi_z": z.ravel().round(4),
                    "gi_bin": bins.ravel(),
                }
            )
            results[self.CUBE] = write_frame(
                self, parameters, self.CUBE, context, long, QgsCoordinateReferenceSystem(), feedback
            )
        return results
