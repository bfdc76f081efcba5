"""``gridgov:gridstats``: per-grid counts by class case and period, rates and period change."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
)

from gridgov.grid_ops.orders.ordertable import parse_flags
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.processing.base import GridGovAlgorithm, StyleOnLoad, tr, write_frame
from gridgov.layers.processing.grid_inputs import add_order_and_grid_parameters, order_grid_codes, read_orders_and_grids
from gridgov.layers.processing.order_filters import add_filter_parameters, filter_orders


class GridStatsAlgorithm(GridGovAlgorithm):
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
    PERIOD, CURRENT, POPULATION_FIELD, REPEAT_FIELD = "PERIOD", "CURRENT", "POPULATION_FIELD", "REPEAT_FIELD"
    OUTPUT, TABLE = "OUTPUT", "TABLE"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        add_order_and_grid_parameters(self)
        self.addParameter(
            QgsProcessingParameterField(
                self.POPULATION_FIELD,
                tr("Households field"),
                "households",
                parentLayerParameterName="GRIDS",
                optional=True,
            )
        )
        add_filter_parameters(self)
        self.addParameter(
            QgsProcessingParameterEnum(
                self.PERIOD, tr("Period"), [tr("Week"), tr("Month"), tr("Quarter"), tr("Year")], defaultValue=1
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.CURRENT, tr("Current period (default: latest)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.REPEAT_FIELD,
                tr("Repeat flag field (is_repeat)"),
                "is_repeat",
                parentLayerParameterName="INPUT",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Grid statistics"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.TABLE,
                tr("Counts per grid, class and period"),
                QgsProcessing.SourceType.TypeVector,
                optional=True,
                createByDefault=False,
            )
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.layers.postgis.backend import in_database

        results = in_database("gridstats", self, parameters, context, feedback)
        if results is not None:
            return results
        return self._in_engine(parameters, context, feedback)

    def _in_engine(self, parameters, context, feedback):
        from gridgov.grid_ops.analytics.gridstats import PERIODS, grid_stats

        data = read_orders_and_grids(self, parameters, context, feedback)
        orders, grids, code_field = data.orders, data.grids, data.code_field
        _, codes, times, keep = filter_orders(self, parameters, context, orders, feedback)
        grid_of_order = order_grid_codes(data, feedback)
        repeat_field = self.parameterAsString(parameters, self.REPEAT_FIELD, context)
        is_repeat = None
        if repeat_field and repeat_field in orders.columns:
            is_repeat = parse_flags(orders[repeat_field], repeat_field)[0][keep]  # text "false" is False
        table_in = grids.rename(columns={code_field: GRID_CODE}) if code_field != GRID_CODE else grids
        households = self.parameterAsString(parameters, self.POPULATION_FIELD, context)
        try:
            table, long, facts = grid_stats(
                table_in,
                grid_of_order[keep],
                None if codes is None else codes[keep],
                None if times is None else times[keep],
                PERIODS[self.parameterAsEnum(parameters, self.PERIOD, context)],
                self.parameterAsString(parameters, self.CURRENT, context) or None,
                households if households in grids.columns else None,
                is_repeat,
            )
        except ValueError as err:
            raise QgsProcessingException(str(err)) from err
        if facts.get("current"):
            feedback.pushInfo(tr("Current period {0}, previous {1}").format(facts["current"], facts["previous"]))
        if facts["outside_grids"]:
            feedback.pushWarning(tr("{0} orders are in no grid and not counted").format(facts["outside_grids"]))
        out = grids.copy()
        for column in table.columns.drop(GRID_CODE):
            name = column if column not in out.columns else f"{column}_stat"
            out[name] = table[column].to_numpy()
        dest = write_frame(self, parameters, self.OUTPUT, context, out, data.grid_source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "grids", tr("Grid statistics"))
        results = {self.OUTPUT: dest}
        if parameters.get(self.TABLE) is not None:
            results[self.TABLE] = write_frame(
                self, parameters, self.TABLE, context, long, QgsCoordinateReferenceSystem(), feedback
            )
        return results
