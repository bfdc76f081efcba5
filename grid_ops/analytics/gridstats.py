"""Per-grid statistics of placed orders: counts by class case and period, rates, period change.

Every grid of the grid layer gets a row, also those without orders (a zero is information: a
quiet grid). Rates are per 1,000 households and per km². Period change follows ArcGIS's Summarize
Percent Change: ``cur_cnt`` (the current period), ``prev_cnt`` (the one before), ``diff_cnt`` and
``perc_chg`` = (C − P) / P × 100, empty where P = 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gridgov.grid_ops.orders.ordertable import parse_flags
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, as_text, text_ids

PERIODS = ("week", "month", "quarter", "year")
PANDAS_PERIOD = {"week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


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

    households = None
    if households_field and households_field in grids.columns:
        households = pd.to_numeric(grids[households_field], errors="coerce").to_numpy(dtype=float)
    if "area_m2" in grids.columns:
        area = pd.to_numeric(grids["area_m2"], errors="coerce").to_numpy(dtype=float)
    elif hasattr(grids, "geometry"):
        area = grids.geometry.area.to_numpy(dtype=float)
    else:
        area = np.full(len(codes), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        if households is not None:
            table["per_1k_hh"] = np.where(households > 0, table["cnt_total"] / households * 1000, np.nan).round(3)
        table["per_km2"] = np.where(area > 0, table["cnt_total"] / (area / 1e6), np.nan).round(3)

    long = [(GRID_CODE, idx, codes)]  # the long table's columns: (name, id per order, labels)
    if class_codes is not None:
        class_ids, class_labels = text_ids(class_codes)
        class_ids = class_ids[placed]
        long.append((CLASS_CODE, class_ids, class_labels))
        frequency = np.bincount(class_ids, minlength=len(class_labels))
        seen = [c for c in range(len(class_labels)) if frequency[c] and class_labels[c] != ""]
        # ties go by code, so the same orders always give the same columns (and PostGIS gives them too)
        top = sorted(seen, key=lambda c: (-frequency[c], class_labels[c]))[:class_columns]
        for c in sorted(top, key=lambda c: class_labels[c]):
            table[f"cnt_{class_labels[c]}"] = np.bincount(idx[class_ids == c], minlength=len(codes))
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
        known = ~labels.isna()
        if known.any():
            periods = labels[known]
            cur = pd.Period(current, PANDAS_PERIOD[period]) if current else periods.max()
            prev = cur - 1
            table["cur_cnt"] = np.bincount(idx[known][periods == cur], minlength=len(codes))
            table["prev_cnt"] = np.bincount(idx[known][periods == prev], minlength=len(codes))
            table["diff_cnt"] = table["cur_cnt"] - table["prev_cnt"]
            with np.errstate(divide="ignore", invalid="ignore"):
                table["perc_chg"] = np.where(
                    table["prev_cnt"] > 0, (table["diff_cnt"] / table["prev_cnt"] * 100).round(2), np.nan
                )
            table["cur_period"] = str(cur)
            facts.update(current=str(cur), previous=str(prev), no_time=int((~known).sum()))
    return table, _combination_counts(long), facts


def _period_text(distinct: pd.PeriodIndex) -> np.ndarray:
    """Each distinct period's label as ``PeriodIndex.astype(str)`` writes it, then "NaT"."""
    return np.append(np.asarray(distinct.astype(str), dtype=object), "NaT")
