"""``gridgov:hotareas``: contiguous hot grids merged into ranked hot areas (the governance list)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from qgis.core import (
    QgsProcessing,
)

from gridgov.grid_ops.analytics.gridstats import PERIODS
from gridgov.grid_ops.governance.hotareas import (
    DEFAULT_WEIGHTS_TEXT,
    AreaOrders,
    HotAreasRequest,
    grid_of_orders,
    hot_areas_of,
    parse_weights,
)
from gridgov.grid_ops.orders.ordertable import parse_flags
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.io.orders_input import point_xy
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import write_frame, write_sheets_output
from gridgov.layers.parameters.declare import (
    checked_text,
    choice,
    field,
    number,
    number_output,
    sheets_destination,
    sink,
    source,
)
from gridgov.layers.parameters.grid_inputs import require_fields
from gridgov.layers.parameters.order_filters import apply_filter, filter_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

POLYGONS = [QgsProcessing.SourceType.TypeVectorPolygon]
#: How the periods of ``gridstats.PERIODS`` read in the form.
PERIOD_LABELS = {"week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}
#: Column headers of the governance list sheet.
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


class HotAreasAlgorithm(DeclaredAlgorithm):
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
    PARAMETERS = (
        source("INPUT", tr_noop("Grids with a hot-spot or density value"), POLYGONS),
        field("FIELD", tr_noop("Hot value field"), "INPUT", "gi_bin", numeric=True, fallback=True),
        number("THRESHOLD", tr_noop("Hot when the value is at least"), 2.0),
        field("CODE_FIELD", tr_noop("Grid code field"), "INPUT", GRID_CODE, fallback=True),
        source("ORDERS", tr_noop("Orders (points)"), [QgsProcessing.SourceType.TypeVectorPoint]),
        field("ORDER_GRID_FIELD", tr_noop("Orders' grid code field"), "ORDERS", GRID_CODE, fallback=True),
        filter_family("ORDERS"),
        choice("PERIOD", tr_noop("Change against the previous"), [(PERIOD_LABELS[p], p) for p in PERIODS], 1),
        checked_text("SCORE_WEIGHTS", tr_noop("Score weights"), parse_weights, DEFAULT_WEIGHTS_TEXT),
        sink("OUTPUT", tr_noop("Hot areas"), QgsProcessing.SourceType.TypeVectorPolygon),
        sheets_destination("OUTPUT_XLSX", tr_noop("Governance list (XLSX or CSV)")),
    )
    OUTPUTS = (number_output("AREAS", tr_noop("Hot areas")),)
    REQUEST = HotAreasRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: HotAreasRequest = self.request(parameters, context)
        grids, source = read_hot_grids(self, parameters, context, feedback, request)
        orders = self.area_orders(parameters, context, feedback, request, grids)
        table = hot_areas_of(request, grids, orders)
        hot_grids = int(table["n_grids"].sum()) if len(table) else 0
        feedback.pushInfo(tr("{0} hot grids form {1} hot areas").format(hot_grids, len(table)))
        frame = gpd.GeoDataFrame(table, geometry="geometry", crs=grids.crs)
        dest = write_frame(self, parameters, "OUTPUT", context, frame, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "hot_areas", tr("Hot areas"))
        sheet = table[[c for c in SHEET_COLUMNS if c in table.columns]].rename(columns=SHEET_COLUMNS)
        sheets = [("治理清单 Governance list", sheet, "")]
        said = tr("Governance list written: {0}")
        written = write_sheets_output(self, parameters, "OUTPUT_XLSX", context, sheets, said, feedback)
        return {"OUTPUT": dest, "AREAS": len(table), **written}

    def area_orders(self, parameters, context, feedback, request: HotAreasRequest, grids) -> AreaOrders:
        """The ORDERS as the hot areas count them: each one's grid (-1: filtered out or in no grid),
        class case, time and repeat flag."""
        orders, _ = read_source(self, parameters, "ORDERS", context, feedback)
        _chosen, codes, times, keep = apply_filter(request.filter, orders, feedback)
        xy = point_xy(orders.geometry.values)
        own_grid = orders[request.order_grid_field] if request.order_grid_field in orders.columns else None
        grid = grid_of_orders(grids[request.code_field], grids.geometry.to_numpy(), own_grid, xy[:, 0], xy[:, 1])
        if times is None:
            times = np.full(len(orders), np.datetime64("NaT"), dtype="datetime64[s]")
        category = codes if codes is not None else np.full(len(orders), "")
        is_repeat = repeats_of(orders, xy, category, times, feedback)
        return AreaOrders(np.where(keep, grid, -1), category, times, is_repeat)


def read_hot_grids(alg, parameters, context, feedback, request: HotAreasRequest) -> tuple[pd.DataFrame, object]:
    """The INPUT grids (rows 0..n-1, without QGIS's feature ids) and their source; a FIELD or
    CODE_FIELD the grids lack stops the run, named."""
    grids, source = read_source(alg, parameters, "INPUT", context, feedback)
    require_fields(grids, ((request.field, "FIELD"), (request.code_field, "CODE_FIELD")))
    return grids.drop(columns=["_fid"]).reset_index(drop=True), source


def repeats_of(orders: pd.DataFrame, xy: np.ndarray, category: np.ndarray, times: np.ndarray, feedback) -> np.ndarray:
    """is_repeat from Find repeats when the orders carry it, else repeats within 50 m and 7 days."""
    if "is_repeat" in orders.columns:
        return parse_flags(orders["is_repeat"], "is_repeat")[0]  # text "false" is False
    from gridgov.grid_ops.orders.repeats import find_repeats

    feedback.pushInfo(tr("The orders have no is_repeat field: repeats within 50 m and 7 days are found now"))
    return find_repeats(xy[:, 0], xy[:, 1], category, times).is_repeat
