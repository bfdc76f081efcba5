"""``gridgov:hotareas``: contiguous hot grids merged into ranked hot areas (the governance list)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from gridgov.grid_ops.orders.ordertable import parse_flags
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.processing.base import GridGovAlgorithm, StyleOnLoad, read_source, tr, write_frame
from gridgov.layers.processing.order_filters import add_filter_parameters, filter_orders

#: Column headers of the governance list sheet.
#: How the periods of ``gridstats.PERIODS`` read in the form.
PERIOD_LABELS = {"week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}
SHEET_COLUMNS = {
    "rank": "排名 rank",
    "area_id": "热区 area",
    "score": "得分 score",
    "streets": "街道 street",
    "communities": "社区 community",
    "grid_codes": "网格 grids",
    "cnt_total": "件数 count",
    "top_class": "主要类案 class",
    "class_mix": "类案构成 mix",
    "trend_zh": "趋势 trend",
    "cur_cnt": "本期 current",
    "prev_cnt": "上期 previous",
    "perc_chg": "变化% change",
    "peak_hours": "高发时段 hours",
    "peak_days": "高发日 days",
    "repeat_rate": "重复率 repeat",
    "s_volume": "量 s_volume",
    "s_trend": "势 s_trend",
    "s_change": "变 s_change",
    "s_repeat": "复 s_repeat",
}


class HotAreasAlgorithm(GridGovAlgorithm):
    NAME = "hotareas"
    DISPLAY = "Hot areas and governance list"
    GROUP_ID = "governance"
    GROUP = "Governance"
    HELP = (
        "Merges touching hot grids into hot areas and ranks them for action (the governance list). A grid is hot "
        "when FIELD reaches THRESHOLD: by default gi_bin ≥ 2 of the Hot spots algorithm (95 % hot), or any density "
        "field (cnt_total, per_km2 ...) with your own threshold. Grids sharing a corner form one area.\n\n"
        "For each area, from the ORDERS (placed orders with their grid; the usual class-case, date and hour "
        "filters apply): cnt_total, the class-case mix, the monthly trend (Mann-Kendall: rising, steady, falling), "
        "peak hours and days, the streets, communities and grids responsible, the repeat rate (is_repeat of Find "
        "repeats when the orders have it, otherwise repeats within 50 m and 7 days), and cur_cnt, prev_cnt and "
        "perc_chg for the last PERIOD against the one before.\n\n"
        "score (0-100) = weighted mean of s_volume (count / largest count), s_trend (1 rising, 0.5 steady, 0 "
        "falling), s_change (-100 % → 0, +100 % → 1) and s_repeat (repeat rate / largest); SCORE_WEIGHTS tunes the "
        "weights, e.g. volume=0.4,trend=0.2,change=0.2,repeat=0.2. rank 1 is the area to act on first. "
        "OUTPUT_XLSX writes the list as a sheet (and a CSV next to it).\n\n"
        "Example: INPUT the Hot spots layer of noise, FIELD gi_bin, THRESHOLD 2, ORDERS the placed orders, "
        "CATEGORIES noise."
    )
    INPUT, FIELD, THRESHOLD, CODE_FIELD = "INPUT", "FIELD", "THRESHOLD", "CODE_FIELD"
    ORDERS, ORDER_GRID_FIELD, PERIOD, SCORE_WEIGHTS = "ORDERS", "ORDER_GRID_FIELD", "PERIOD", "SCORE_WEIGHTS"
    OUTPUT, OUTPUT_XLSX, AREAS = "OUTPUT", "OUTPUT_XLSX", "AREAS"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        from gridgov.grid_ops.analytics.gridstats import PERIODS

        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Grids with a hot-spot or density value"), [QgsProcessing.SourceType.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELD, tr("Hot value field"), "gi_bin", parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.DataType.Numeric, optional=True,
            )
        )  # fmt: skip
        self.addParameter(
            QgsProcessingParameterNumber(
                self.THRESHOLD, tr("Hot when the value is at least"), QgsProcessingParameterNumber.Type.Double, 2.0
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD, tr("Grid code field"), GRID_CODE, parentLayerParameterName=self.INPUT, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ORDERS, tr("Orders (points)"), [QgsProcessing.SourceType.TypeVectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.ORDER_GRID_FIELD, tr("Orders' grid code field"), GRID_CODE,
                parentLayerParameterName=self.ORDERS, optional=True,
            )
        )  # fmt: skip
        add_filter_parameters(self, self.ORDERS)
        self.addParameter(
            QgsProcessingParameterEnum(
                self.PERIOD, tr("Change against the previous"), [tr(PERIOD_LABELS[p]) for p in PERIODS], defaultValue=1
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.SCORE_WEIGHTS, tr("Score weights"), "volume=0.4,trend=0.2,change=0.2,repeat=0.2", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Hot areas"), QgsProcessing.SourceType.TypeVectorPolygon)
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_XLSX, tr("Governance list (XLSX or CSV)"), tr("Excel (*.xlsx);;CSV (*.csv)"), optional=True,
                createByDefault=False,
            )
        )  # fmt: skip
        self.addOutput(QgsProcessingOutputNumber(self.AREAS, tr("Hot areas")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.analytics.gridstats import PERIODS, grid_positions
        from gridgov.grid_ops.analytics.weights import contiguity
        from gridgov.grid_ops.governance import hotareas
        from gridgov.grid_ops.governance.patrolplan import orders_in_places
        from gridgov.layers.orders_input import point_xy

        try:  # before any layer is read: a typo in the weights costs nothing
            weights = hotareas.parse_weights(self.parameterAsString(parameters, self.SCORE_WEIGHTS, context))
        except ValueError as err:
            raise QgsProcessingException(f"{self.SCORE_WEIGHTS}: {err}") from err
        grids, source = read_source(self, parameters, self.INPUT, context, feedback)
        field = self.parameterAsString(parameters, self.FIELD, context) or "gi_bin"
        code_field = self.parameterAsString(parameters, self.CODE_FIELD, context) or GRID_CODE
        for name, param in ((field, self.FIELD), (code_field, self.CODE_FIELD)):
            if name not in grids.columns:
                raise QgsProcessingException(tr("{0}: the grids have no field {1!r}").format(param, name))
        grids = grids.drop(columns=["_fid"]).reset_index(drop=True)
        value = pd.to_numeric(grids[field], errors="coerce").to_numpy(dtype=float)
        hot = np.nan_to_num(value, nan=-np.inf) >= self.parameterAsDouble(parameters, self.THRESHOLD, context)
        geoms = grids.geometry.to_numpy()
        area_of_grid = hotareas.merge_hot_grids(hot, contiguity(geoms, "queen"))
        feedback.pushInfo(tr("{0} hot grids form {1} hot areas").format(int(hot.sum()), int(area_of_grid.max()) + 1))

        orders, _ = read_source(self, parameters, self.ORDERS, context, feedback)
        _chosen, codes, times, keep = filter_orders(self, parameters, context, orders, feedback)
        grid_field = self.parameterAsString(parameters, self.ORDER_GRID_FIELD, context) or GRID_CODE
        if grid_field in orders.columns:
            grid = grid_positions(grids[code_field], orders[grid_field])
        else:
            xy = point_xy(orders.geometry.values)
            grid = orders_in_places(grids[code_field].to_numpy(dtype=object), geoms, xy[:, 0], xy[:, 1])
        grid = np.where(keep, grid, -1)
        if times is None:
            times = np.full(len(orders), np.datetime64("NaT"), dtype="datetime64[s]")
        is_repeat = self._repeats(orders, codes, times, feedback)
        communities = grids["community_name"].to_numpy() if "community_name" in grids else None
        streets = grids["street_name"].to_numpy() if "street_name" in grids else None
        table = hotareas.hot_areas(
            geoms, grids[code_field].to_numpy(), area_of_grid,
            hotareas.AreaOrders(grid, codes if codes is not None else np.full(len(orders), ""), times, is_repeat),
            communities, streets, PERIODS[self.parameterAsEnum(parameters, self.PERIOD, context)], weights,
        )  # fmt: skip
        import geopandas as gpd

        frame = gpd.GeoDataFrame(table, geometry="geometry", crs=grids.crs)
        dest = write_frame(self, parameters, self.OUTPUT, context, frame, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "hot_areas", tr("Hot areas"))
        results = {self.OUTPUT: dest, self.AREAS: len(table)}
        path = self.parameterAsFileOutput(parameters, self.OUTPUT_XLSX, context)
        if path:
            from gridgov.grid_ops.orders.dispatch_table import write_sheets

            sheet = table[[c for c in SHEET_COLUMNS if c in table.columns]].rename(columns=SHEET_COLUMNS)
            written = write_sheets(path, [("治理清单 Governance list", sheet, "")])
            feedback.pushInfo(tr("Governance list written: {0}").format(", ".join(map(str, written))))
            results[self.OUTPUT_XLSX] = path
        return results

    @staticmethod
    def _repeats(orders, codes, times, feedback) -> np.ndarray:
        """is_repeat from Find repeats when the orders carry it, else repeats within 50 m and 7 days."""
        if "is_repeat" in orders.columns:
            return parse_flags(orders["is_repeat"], "is_repeat")[0]  # text "false" is False
        from gridgov.grid_ops.orders.repeats import find_repeats
        from gridgov.layers.orders_input import point_xy

        xy = point_xy(orders.geometry.values)
        category = codes if codes is not None else np.full(len(orders), "")
        feedback.pushInfo(tr("The orders have no is_repeat field: repeats within 50 m and 7 days are found now"))
        return find_repeats(xy[:, 0], xy[:, 1], category, times).is_repeat
