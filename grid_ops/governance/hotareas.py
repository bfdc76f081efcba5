"""Hot areas: contiguous hot grids merged into the few places a street office acts on, ranked.

A grid is *hot* when its value reaches a threshold: a Gi* bin of 2 or more (95 % hot) by default,
or any density field and threshold the planner chooses. Hot grids that touch (the neighbour
weights of the analysis) form one hot area. For each area this module gathers what the governance
list (治理清单) shows: the class-case mix, the count, its monthly trend (Mann-Kendall), the peak
hours and days, the street offices, communities and grids responsible, the repeat rate, and the
change against the previous period.

Priority is a transparent weighted score, 0-100, that a planner can read and tune:

    score = 100 * (w_volume * s_volume + w_trend * s_trend + w_change * s_change + w_repeat * s_repeat)
                / (w_volume + w_trend + w_change + w_repeat)

- ``s_volume``: the area's count over the largest area's count;
- ``s_trend``: 1 rising, 0.5 no significant trend, 0 falling (Mann-Kendall, p < 0.05);
- ``s_change``: the change against the previous period, -100 % → 0, 0 → 0.5, +100 % or more → 1;
- ``s_repeat``: the area's repeat rate over the largest repeat rate.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from gridgov.grid_ops.analytics.emerging import mann_kendall
from gridgov.grid_ops.analytics.timeprofile import WEEKDAYS_ZH, hour_weekday_counts, hours_text, peak_days, peak_window
from gridgov.grid_ops.analytics.weights import contiguity
from gridgov.grid_ops.orders.selection import FilterRequest
from gridgov.grid_ops.schema import GRID_CODE

SCORE_PARTS = ("volume", "trend", "change", "repeat")
DEFAULT_WEIGHTS = {"volume": 0.4, "trend": 0.2, "change": 0.2, "repeat": 0.2}
#: The weights as the toolbox shows them by default.
DEFAULT_WEIGHTS_TEXT = ",".join(f"{part}={weight}" for part, weight in DEFAULT_WEIGHTS.items())
TREND_ZH = {"rising": "上升", "steady": "平稳", "falling": "下降"}


@dataclass(frozen=True)
class HotAreasRequest:
    """Hot areas and their governance list as the toolbox, the dock or a script asks for them
    (``gridgov:hotareas``)."""

    #: The value that makes a grid hot: a Gi* bin of Hot spots by default, or any density field.
    field: str = "gi_bin"
    #: A grid is hot when its value is at least this (a bin of 2: 95 % hot).
    threshold: float = 2.0
    #: The grids' code field.
    code_field: str = GRID_CODE
    #: The orders' grid code field; orders without it are placed in the grid they lie in.
    order_grid_field: str = GRID_CODE
    #: Which orders count (class cases, dates, hours); the data path applies it.
    filter: FilterRequest = dataclasses.field(default_factory=FilterRequest)
    #: cur_cnt and prev_cnt count this period (``gridstats.PERIODS``) and the one before.
    period: str = "month"
    #: The weights of the score's parts as written (``parse_weights``).
    score_weights: str = DEFAULT_WEIGHTS_TEXT

    @property
    def weights(self) -> dict[str, float]:
        return parse_weights(self.score_weights)


def hot_areas_of(request: HotAreasRequest, grids: pd.DataFrame, orders: AreaOrders) -> pd.DataFrame:
    """The ranked hot areas ``request`` asks for (``hot_areas``): the grids whose value reaches the
    threshold, merged where they share a corner. ``grids`` is a GeoDataFrame, rows 0..n-1, with the
    value and code fields and, when known, community_name and street_name; ``orders.grid`` indexes it."""
    geoms = grids.geometry.to_numpy()
    area_of_grid = merge_hot_grids(hot_grids(grids[request.field], request.threshold), contiguity(geoms, "queen"))
    return hot_areas(
        geoms, grids[request.code_field].to_numpy(), area_of_grid, orders,
        _column(grids, "community_name"), _column(grids, "street_name"), request.period, request.weights,
    )  # fmt: skip


def hot_grids(values: pd.Series, threshold: float) -> np.ndarray:
    """Whether each grid's value reaches ``threshold`` (a value that is no number never does)."""
    value = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return np.nan_to_num(value, nan=-np.inf) >= threshold


def grid_of_orders(
    grid_codes: pd.Series, polygons: np.ndarray, order_grid: pd.Series | None, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """Each order's grid (its row in the grids, -1 for none): by the orders' own grid code when they
    carry one (``order_grid``), else the grid it lies in (with geolocate's shared-edge rule)."""
    if order_grid is not None:
        from gridgov.grid_ops.analytics.gridstats import grid_positions

        return grid_positions(grid_codes, order_grid)
    from gridgov.grid_ops.governance.patrolplan import orders_in_places

    return orders_in_places(grid_codes.to_numpy(dtype=object), polygons, x, y)


def _column(frame: pd.DataFrame, name: str) -> np.ndarray | None:
    return frame[name].to_numpy() if name in frame else None


def parse_weights(text: str | None) -> dict[str, float]:
    """``volume=0.4, trend=0.2, change=0.2, repeat=0.2``; parts left out keep their default."""
    weights = dict(DEFAULT_WEIGHTS)
    for part in re.split(r"[,，;；]", str(text or "")):
        if not part.strip():
            continue
        key, _, value = part.partition("=")
        key = key.strip().lower()
        if key not in weights:
            raise ValueError(f"score weight {key!r}: choose among {', '.join(SCORE_PARTS)}")
        try:
            weights[key] = float(value)
        except ValueError:
            raise ValueError(f"score weight {key}={value.strip()!r} is not a number") from None
        if not weights[key] >= 0:
            raise ValueError(f"score weight {key} must be 0 or more")
    if sum(weights.values()) <= 0:
        raise ValueError("score weights are all 0: give at least one part a weight")
    return weights


def merge_hot_grids(hot: np.ndarray, w: sparse.csr_matrix) -> np.ndarray:
    """Area number (0, 1, ...) of each hot grid, -1 for the others: connected parts of the hot grids.

    Areas are numbered by their first grid, so the numbering does not depend on anything random.
    """
    hot = np.asarray(hot, dtype=bool)
    idx = np.flatnonzero(hot)
    out = np.full(len(hot), -1, dtype=np.int64)
    if not len(idx):
        return out
    sub = w[idx][:, idx]
    _, labels = csgraph.connected_components(sub, directed=False)
    _, first = np.unique(labels, return_index=True)
    renumber = np.empty(len(first), dtype=np.int64)
    renumber[labels[np.sort(first)]] = np.arange(len(first))
    out[idx] = renumber[labels]
    return out


@dataclass
class AreaOrders:
    """The orders of the analysis: their grid (index into the grids, -1 none), class, time, repeat flag."""

    grid: np.ndarray
    category: np.ndarray
    times: np.ndarray
    is_repeat: np.ndarray | None = None


def hot_areas(
    geoms: np.ndarray,
    grid_codes: np.ndarray,
    area_of_grid: np.ndarray,
    orders: AreaOrders,
    communities: np.ndarray | None = None,
    streets: np.ndarray | None = None,
    period: str = "month",
    weights: dict[str, float] | None = None,
    class_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per hot area, ranked by score (rank 1 first), with a ``geometry`` column."""
    weights = weights or DEFAULT_WEIGHTS
    n_areas = int(area_of_grid.max()) + 1 if len(area_of_grid) else 0
    if n_areas == 0:
        return pd.DataFrame(columns=["area_id", "rank", "score", "geometry"])
    order_area = np.where(orders.grid >= 0, area_of_grid[np.maximum(orders.grid, 0)], -1)
    calendar = _Calendar.of(orders.times, period)
    where = _AreaGrids(geoms, grid_codes, communities, streets)
    names = class_names or {}
    rows = []
    series = np.zeros((n_areas, max(calendar.n_months, 1)))
    for a in range(n_areas):
        mine = order_area == a
        rows.append(_area_row(a, np.flatnonzero(area_of_grid == a), mine, orders, calendar, where, names))
        if calendar.n_months:
            dated = calendar.month[mine & calendar.has_time]
            series[a] = np.bincount(dated, minlength=calendar.n_months)[: calendar.n_months]
    table = pd.DataFrame(rows)
    _add_trend(table, series, calendar.n_months)
    return rank_areas(table, weights)


@dataclass
class _Calendar:
    """When each order happened, as the governance list counts it: its month (0 for the orders' first
    month, -1 without a time) for the trend, and whether it falls in the last period (0) or the one
    before (1, else -1) for the change."""

    times: np.ndarray
    has_time: np.ndarray
    month: np.ndarray
    n_months: int
    period: np.ndarray
    current: str

    @classmethod
    def of(cls, times: np.ndarray, period: str) -> _Calendar:
        from gridgov.grid_ops.analytics.gridstats import period_labels

        times = np.asarray(times, dtype="datetime64[s]")
        has_time = ~np.isnat(times)
        month = np.full(len(times), -1, dtype=np.int64)
        in_period = np.full(len(times), -1, dtype=np.int64)
        if not has_time.any():
            return cls(times, has_time, month, 0, in_period, "")
        labels = period_labels(times[has_time], period)
        months = period_labels(times[has_time], "month")
        serial = np.asarray(months.year * 12 + months.month, dtype=np.int64)
        month[has_time] = serial - serial.min()
        last = labels.max()
        in_period[has_time] = np.where(labels == last, 0, np.where(labels == last - 1, 1, -1))
        return cls(times, has_time, month, int(month.max()) + 1, in_period, str(last))


@dataclass
class _AreaGrids:
    """The grids the areas are made of: shapes, codes, and the communities and streets they belong to."""

    geoms: np.ndarray
    codes: np.ndarray
    communities: np.ndarray | None
    streets: np.ndarray | None


def _area_row(
    a: int,
    grids: np.ndarray,
    mine: np.ndarray,
    orders: AreaOrders,
    calendar: _Calendar,
    where: _AreaGrids,
    names: dict[str, str],
) -> dict:
    """Hot area ``a`` (made of the rows ``grids``, holding the orders ``mine``) as a row of the
    governance list, before its trend and score."""
    shape = shapely.union_all(where.geoms[grids])
    return {
        "area_id": f"HA{a + 1:03d}",
        "n_grids": len(grids),
        "grid_codes": ",".join(map(str, where.codes[grids])),
        "communities": _distinct(where.communities, grids),
        "streets": _distinct(where.streets, grids),
        **_order_figures(mine, orders, calendar, names),
        "area_km2": round(float(shapely.area(shape)) / 1e6, 4),
        "geometry": shape,
    }


def _order_figures(mine: np.ndarray, orders: AreaOrders, calendar: _Calendar, names: dict[str, str]) -> dict:
    """What the orders ``mine`` of one area say: count, class-case mix, peak hours and days, repeat
    rate, and this period against the last."""
    mix = pd.Series(np.asarray(orders.category, dtype=object)[mine]).astype(str).value_counts()
    total = int(mine.sum())
    counts = hour_weekday_counts(calendar.times[mine & calendar.has_time])
    start, length = peak_window(counts.sum(axis=0))
    cur = int((calendar.period[mine] == 0).sum())
    prev = int((calendar.period[mine] == 1).sum())
    repeats = orders.is_repeat[mine] if orders.is_repeat is not None else np.zeros(total, dtype=bool)
    return {
        "cnt_total": total,
        "top_class": str(mix.index[0]) if len(mix) else "",
        "top_class_name": names.get(str(mix.index[0]), "") if len(mix) else "",
        "class_mix": "; ".join(f"{c} {n / total:.0%}" for c, n in mix.head(4).items()) if total else "",
        "peak_hours": hours_text(start, length),
        "peak_days": "".join(WEEKDAYS_ZH[d][1] for d in peak_days(counts)) if total else "",
        "repeat_rate": round(float(repeats.mean()), 4) if total else 0.0,
        "cur_period": calendar.current,
        "cur_cnt": cur,
        "prev_cnt": prev,
        "perc_chg": round(100.0 * (cur - prev) / prev, 1) if prev else np.nan,
    }


def _add_trend(table: pd.DataFrame, series: np.ndarray, n_months: int) -> None:
    """Each area's monthly trend (Mann-Kendall, p < 0.05; steady with fewer than three months)."""
    n_areas = len(table)
    if n_months >= 3:
        tau, p, _ = mann_kendall(series)
        trend = np.where(p < 0.05, np.where(tau > 0, "rising", "falling"), "steady")
    else:
        tau, p = np.zeros(n_areas), np.ones(n_areas)
        trend = np.full(n_areas, "steady")
    table["trend"] = trend
    table["trend_zh"] = [TREND_ZH[t] for t in trend]
    table["trend_tau"] = np.round(tau, 3)
    table["trend_p"] = np.round(p, 4)


def _distinct(values: np.ndarray | None, rows: np.ndarray) -> str:
    if values is None:
        return ""
    return ",".join(dict.fromkeys(str(v) for v in np.asarray(values, dtype=object)[rows] if v not in (None, "")))


def _share_of_top(values: pd.Series) -> pd.Series:
    """Each value over the largest (0 everywhere when the largest is 0)."""
    top = float(values.max()) if len(values) else 0.0
    return (values.astype(float) / top).round(4) if top > 0 else pd.Series(0.0, index=values.index)


def rank_areas(table: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Add the score parts, ``score`` (0-100) and ``rank`` (1 = act first); sorted by rank."""
    out = table.copy()
    out["s_volume"] = _share_of_top(out["cnt_total"])
    out["s_trend"] = out["trend"].map({"rising": 1.0, "steady": 0.5, "falling": 0.0}).astype(float)
    change = out["perc_chg"].fillna(0.0).clip(-100, 100)
    out["s_change"] = ((change + 100) / 200).round(4)
    out["s_repeat"] = _share_of_top(out["repeat_rate"])
    total_w = sum(weights.values())
    out["score"] = (100 * sum(weights[k] * out[f"s_{k}"] for k in SCORE_PARTS) / total_w).round(2)
    out = out.sort_values(["score", "cnt_total", "area_id"], ascending=[False, False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)
