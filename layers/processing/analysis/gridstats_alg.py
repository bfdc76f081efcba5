"""``gridgov:gridstats``: per-grid counts by class case and period, rates and period change."""

from __future__ import annotations

from qgis.core import QgsProcessing, QgsProcessingException

from gridgov.grid_ops.analytics.gridstats import PERIODS, GridStatsRequest, grid_stats_of
from gridgov.grid_ops.orders.ordertable import parse_flags
from gridgov.layers.outputs.run_outputs import table_if_asked, write_frame
from gridgov.layers.parameters.declare import choice, field, sink, text
from gridgov.layers.parameters.grid_inputs import (
    order_grid_codes,
    orders_and_grids_family,
    read_filtered_orders_in_grids,
)
from gridgov.layers.parameters.order_filters import filter_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

#: The periods as the dialog offers them.
PERIOD_CHOICES = list(zip((tr_noop("Week"), tr_noop("Month"), tr_noop("Quarter"), tr_noop("Year")), PERIODS))


class GridStatsAlgorithm(DeclaredAlgorithm):
    NAME = "gridstats"
    DISPLAY = "Grid statistics"
    GROUP_ID = "analysis"
    GROUP = "Analysis"
    HELP = (
        "Counts the orders of every grid, also grids without any (a zero is a quiet grid): cnt_total, one cnt_<class> "
        "column for each of the most frequent class cases, per_1k_hh (per 1,000 households, from POPULATION_FIELD) "
        "and per_km2, repeat_rate (with REPEAT_FIELD, e.g. is_repeat of Find repeats), and the change of the current "
        "PERIOD against the one before, as ArcGIS's Summarize Percent Change: cur_cnt, prev_cnt, diff_cnt and "
        "perc_chg = (C − P) / P × 100 (empty where P = 0). CURRENT names the current period (2025-06, 2025Q2, 2025, or "
        "a week as 2025-06-02/2025-06-08); by default it is the latest with orders. TABLE lists the counts per grid, "
        "class case and period. The orders' grid comes from GRID_FIELD, or else from where each point lies.\n\n"
        "Example: INPUT the placed orders, GRIDS the grid layer, GRID_FIELD grid_code, CATEGORIES noise, PERIOD month."
    )
    PARAMETERS = (
        orders_and_grids_family(),
        field("POPULATION_FIELD", tr_noop("Households field"), "GRIDS", "households"),
        filter_family(),
        choice("PERIOD", tr_noop("Period"), PERIOD_CHOICES, default=1),
        text("CURRENT", tr_noop("Current period (default: latest)")),
        field("REPEAT_FIELD", tr_noop("Repeat flag field (is_repeat)"), "INPUT", "is_repeat"),
        sink("OUTPUT", tr_noop("Grid statistics"), QgsProcessing.SourceType.TypeVectorPolygon),
        sink("TABLE", tr_noop("Counts per grid, class and period"), optional=True, create_by_default=False),
    )
    REQUEST = GridStatsRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.layers.backends.postgis.backend import in_database

        request: GridStatsRequest = self.request(parameters, context)
        results = in_database("gridstats", self, parameters, context, feedback, request)
        if results is not None:
            return results
        return self._in_engine(request, parameters, context, feedback)

    def _in_engine(self, request: GridStatsRequest, parameters, context, feedback) -> dict:
        """The counts by the engine: the orders read, filtered and placed in their grids."""
        data, filtered = read_filtered_orders_in_grids(
            request.grid_fields, request.filter, [request.repeat_field], self, parameters, context, feedback
        )
        grid_of_order, keep = order_grid_codes(data, feedback), filtered.keep
        is_repeat = None
        if request.repeat_field and request.repeat_field in data.orders.columns:  # text "false" is False
            is_repeat = parse_flags(data.orders[request.repeat_field], request.repeat_field)[0][keep]
        try:
            out, long, facts = grid_stats_of(
                data.grids,
                grid_of_order[keep],
                None if filtered.codes is None else filtered.codes[keep],
                None if filtered.times is None else filtered.times[keep],
                is_repeat,
                request,
            )
        except ValueError as err:
            raise QgsProcessingException(str(err)) from err
        if facts.get("current"):
            feedback.pushInfo(tr("Current period {0}, previous {1}").format(facts["current"], facts["previous"]))
        if facts["outside_grids"]:
            feedback.pushWarning(tr("{0} orders are in no grid and not counted").format(facts["outside_grids"]))
        dest = write_frame(self, parameters, "OUTPUT", context, out, data.grid_source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "grids", tr("Grid statistics"))
        return {"OUTPUT": dest, **table_if_asked(self, parameters, "TABLE", context, long, feedback)}
