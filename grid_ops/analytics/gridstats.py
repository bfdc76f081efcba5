"""Per-grid statistics of placed orders: counts by class case and period, rates, period change.

Every grid of the grid layer gets a row, also those without orders (a zero is information: a
quiet grid). Rates are per 1,000 households and per km². Period change follows ArcGIS's Summarize
Percent Change: ``cur_cnt`` (the current period), ``prev_cnt`` (the one before), ``diff_cnt`` and
``perc_chg`` = (C − P) / P × 100, empty where P = 0.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.orders.ordertable import parse_flags
from gridgov.grid_ops.orders.selection import FilterRequest, GridFields
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, as_text, text_ids

PERIODS = ("week", "month", "quarter", "year")
PANDAS_PERIOD = {"week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


@dataclass(frozen=True)
class GridStatsRequest:
    """Per-grid counts as the toolbox, the dock or a script asks for them (``gridgov:gridstats``)."""

    grid_fields: GridFields = dataclasses.field(default_factory=GridFields)
    #: The grids' households field (``per_1k_hh``); left out where the grids lack it.
    population_field: str = "households"
    filter: FilterRequest = dataclasses.field(default_factory=FilterRequest)
    #: One of PERIODS: the period of ``cur_cnt`` and ``prev_cnt``.
    period: str = "month"
    #: The current period (2025-06, 2025Q2, 2025, or a week as 2025-06-02/2025-06-08); '': the latest.
    current: str = ""
    #: The orders' repeat flag field (``repeat_rate``); left out where the orders lack it.
    repeat_field: str = "is_repeat"


def grid_stats_of(
    grids: pd.DataFrame,
    order_grid: np.ndarray,
    class_codes: np.ndarray | None,
    times: np.ndarray | None,
    is_repeat: np.ndarray | None,
    request: GridStatsRequest,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """``grid_stats`` as ``request`` asks: (the grids with their counts, the long table, facts).

    ``grids`` is coded by ``request.grid_fields.code_field``; the orders (already filtered) by
    ``order_grid``. A count column whose name a grid column has is written as ``<name>_stat``.
    """
    code_field = request.grid_fields.code_field
    households = request.population_field if request.population_field in grids.columns else None
    table, long, facts = grid_stats(
        grids.rename(columns={code_field: GRID_CODE}) if code_field != GRID_CODE else grids,
        order_grid,
        class_codes,
        times,
        request.period,
        request.current or None,
        households,
        is_repeat,
    )
    out = grids.copy()
    for column in table.columns.drop(GRID_CODE):
        out[column if column not in out.columns else f"{column}_stat"] = table[column].to_numpy()
    return out, long, facts


def period_labels(times: np.ndarray, period: str) -> pd.PeriodIndex:
    """Each time's calendar period (weeks run Monday to Sunday); NaT stays NaT."""
    if period not in PERIODS:
        raise ValueError(f"period is one of {', '.join(PERIODS)}, not {period!r}")
    return pd.DatetimeIndex(np.asarray(times, dtype="datetime64[ns]")).to_period(PANDAS_PERIOD[period])


def grid_positions(grid_codes, order_grid) -> np.ndarray:
    """Each order's row in the grid table (the first grid of a code), -1 where its code is no grid's."""
    codes = as_text(grid_codes).str.strip().to_numpy(dtype=object)
    position = pd.Series(np.arange(len(codes)), index=codes)
    position = position[~position.index.duplicated()]
    ids, labels = text_ids(order_grid)  # each distinct code looked up once
    return position.reindex(labels).fillna(-1).to_numpy(dtype=np.int64)[ids]


def _combination_counts(parts: list[tuple[str, np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """One row per combination of labels that occurs, with its ``count``, sorted by the labels.

    ``parts`` are (column name, id per order, label per id). Counting integer keys instead of
    grouping a million text rows: what ``groupby(names, sort=True).size()`` on the labels gives.
    """
    key = np.zeros(len(parts[0][1]), dtype=np.int64)
    space = 1
    for _, ids, labels in parts:
        key = key * len(labels) + ids
        space *= len(labels)
    if space <= 4 * len(key) + 1_000_000:  # a count per possible key: no sort
        per_key = np.bincount(key, minlength=space)
        combos = np.flatnonzero(per_key)
        count = per_key[combos]
    else:
        combos, count = np.unique(key, return_counts=True)
    columns: dict[str, np.ndarray] = {}
    for name, _, labels in reversed(parts):
        combos, own = np.divmod(combos, len(labels))
        columns[name] = np.asarray(labels, dtype=object)[own]
    names = [name for name, _, _ in parts]
    frame = pd.DataFrame({name: columns[name] for name in names})
    frame["count"] = count
    return frame.sort_values(names, kind="stable", ignore_index=True)


def grid_stats(
    grids: pd.DataFrame,
    order_grid: np.ndarray,
    class_codes: np.ndarray | None = None,
    times: np.ndarray | None = None,
    period: str = "month",
    current: str | None = None,
    households_field: str | None = "households",
    is_repeat: np.ndarray | None = None,
    class_columns: int = 12,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """(per-grid table, long table grid × class × period, facts).

    ``grids`` has ``grid_code`` and optionally households and ``area_m2`` (else from geometry).
    ``order_grid`` is each (already filtered) order's grid code, '' where it has none. The per-grid
    table gets ``cnt_<class>`` columns for the ``class_columns`` most frequent class cases.
    ``current`` is a period label such as ``2025-06``; by default the latest period with orders.
    """
    codes = as_text(grids[GRID_CODE]).str.strip().to_numpy(dtype=object)
    table = pd.DataFrame({GRID_CODE: codes})
    positions = grid_positions(codes, order_grid)
    placed = positions >= 0
    idx = positions[placed]
    facts: dict[str, object] = {"orders": len(order_grid), "outside_grids": int((~placed).sum())}
    table["cnt_total"] = np.bincount(idx, minlength=len(codes))
    _add_rates(table, grids, households_field)
    long = [(GRID_CODE, idx, codes)]  # the long table's columns: (name, id per order, labels)
    if class_codes is not None:
        long.append(_add_class_counts(table, idx, class_codes, placed, class_columns))
    if is_repeat is not None:
        repeats = np.bincount(
            idx, weights=parse_flags(is_repeat, "is_repeat")[0][placed].astype(float), minlength=len(codes)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            table["repeat_rate"] = np.where(table["cnt_total"] > 0, repeats / table["cnt_total"], np.nan).round(4)
    if times is not None:
        labels = period_labels(np.asarray(times)[placed], period)
        period_ids, distinct = pd.factorize(labels)  # NaT: -1, the last label below
        long.append(("period", np.where(period_ids < 0, len(distinct), period_ids), _period_text(distinct)))
        facts.update(_add_period_change(table, idx, labels, period, current))
    return table, _combination_counts(long), facts


def _add_rates(table: pd.DataFrame, grids: pd.DataFrame, households_field: str | None) -> None:
    """``per_1k_hh`` (with a households field) and ``per_km2`` (from ``area_m2``, else the geometry's
    area) of ``table``'s ``cnt_total``; empty where there are no households or no area."""
    households = None
    if households_field and households_field in grids.columns:
        households = pd.to_numeric(grids[households_field], errors="coerce").to_numpy(dtype=float)
    if "area_m2" in grids.columns:
        area = pd.to_numeric(grids["area_m2"], errors="coerce").to_numpy(dtype=float)
    elif hasattr(grids, "geometry"):
        area = grids.geometry.area.to_numpy(dtype=float)
    else:
        area = np.full(len(table), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        if households is not None:
            table["per_1k_hh"] = np.where(households > 0, table["cnt_total"] / households * 1000, np.nan).round(3)
        table["per_km2"] = np.where(area > 0, table["cnt_total"] / (area / 1e6), np.nan).round(3)


def _add_class_counts(
    table: pd.DataFrame, idx: np.ndarray, class_codes: np.ndarray, placed: np.ndarray, class_columns: int
) -> tuple[str, np.ndarray, np.ndarray]:
    """``cnt_<class>`` columns for the ``class_columns`` most frequent class cases (ties by code, so
    the same orders always give the same columns, and PostGIS gives them too); returns the long
    table's class column (name, id per placed order, labels)."""
    class_ids, class_labels = text_ids(class_codes)
    class_ids = class_ids[placed]
    frequency = np.bincount(class_ids, minlength=len(class_labels))
    seen = [c for c in range(len(class_labels)) if frequency[c] and class_labels[c] != ""]
    top = sorted(seen, key=lambda c: (-frequency[c], class_labels[c]))[:class_columns]
    for c in sorted(top, key=lambda c: class_labels[c]):
        table[f"cnt_{class_labels[c]}"] = np.bincount(idx[class_ids == c], minlength=len(table))
    return CLASS_CODE, class_ids, class_labels


def _add_period_change(
    table: pd.DataFrame, idx: np.ndarray, labels: pd.PeriodIndex, period: str, current: str | None
) -> dict[str, object]:
    """ArcGIS's Summarize Percent Change of the current period (by default the latest with orders)
    against the one before: ``cur_cnt``, ``prev_cnt``, ``diff_cnt``, ``perc_chg`` and ``cur_period``;
    returns the facts (current, previous, orders without a time), none when no order has a time."""
    known = ~labels.isna()
    if not known.any():
        return {}
    periods = labels[known]
    cur = pd.Period(current, PANDAS_PERIOD[period]) if current else periods.max()
    prev = cur - 1
    table["cur_cnt"] = np.bincount(idx[known][periods == cur], minlength=len(table))
    table["prev_cnt"] = np.bincount(idx[known][periods == prev], minlength=len(table))
    table["diff_cnt"] = table["cur_cnt"] - table["prev_cnt"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["perc_chg"] = np.where(
            table["prev_cnt"] > 0, (table["diff_cnt"] / table["prev_cnt"] * 100).round(2), np.nan
        )
    table["cur_period"] = str(cur)
    return {"current": str(cur), "previous": str(prev), "no_time": int((~known).sum())}


def _period_text(distinct: pd.PeriodIndex) -> np.ndarray:
    """Each distinct period's label as ``PeriodIndex.astype(str)`` writes it, then "NaT"."""
    return np.append(np.asarray(distinct.astype(str), dtype=object), "NaT")
