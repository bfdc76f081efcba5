"""Repeat orders (重复工单): the same class case reported again at the same place within days.

Rule, deterministic and easy to explain to a dispatcher: orders are taken in time order. An order
joins an open case of its class case when it lies within ``distance`` metres of that case's *first*
report and within ``days`` days of the case's *latest* report; where several cases qualify, it joins
the one whose first report is nearest (then the older one). Otherwise it opens a new case. Anchoring
on the first report keeps a case from drifting along a street: every order of a case lies within
``distance`` of where it was first reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.orders.times import PARSE_PART, ParsedTimes, count_unread, parse_times
from gridgov.grid_ops.schema import as_text

#: Time parsing lives in :mod:`gridgov.grid_ops.orders.times`; these names stay importable from here.
__all__ = ["PARSE_PART", "ParsedTimes", "RepeatResult", "count_unread", "find_repeats", "parse_times", "repeat_rates"]


@dataclass
class RepeatResult:
    """Per row: case id ('' where the row could not be checked), orders in its case, the case's first time."""

    case_id: np.ndarray
    repeat_count: np.ndarray
    first_seen: np.ndarray
    is_repeat: np.ndarray
    problem: np.ndarray


def find_repeats(
    x: np.ndarray,
    y: np.ndarray,
    category,
    times: np.ndarray,
    distance: float = 50.0,
    days: float = 7.0,
    problem: np.ndarray | None = None,
) -> RepeatResult:
    """Group repeat orders into cases (see the module docstring); ``x``/``y`` in metres."""
    if not distance > 0 or not days >= 0:
        raise ValueError(f"distance must be > 0 and days >= 0 (got {distance}, {days})")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    category = as_text(category).to_numpy()
    times = np.asarray(times, dtype="datetime64[s]")
    problem = np.full(n, "", dtype=object) if problem is None else np.asarray(problem, dtype=object).copy()
    no_pos = ~(np.isfinite(x) & np.isfinite(y))
    problem[no_pos & (problem == "")] = "no position"
    usable = ~no_pos & ~np.isnat(times)
    t = np.where(usable, times.astype("int64"), 0).astype(np.float64)
    window = days * 86400.0
    case_of = np.full(n, -1, dtype=np.int64)
    anchors: list[int] = []  # case → row of its first report
    last_time: list[float] = []
    d2 = distance * distance
    for cat in np.unique(category[usable]):
        rows = np.flatnonzero(usable & (category == cat))
        rows = rows[np.lexsort((rows, t[rows]))]
        cells: dict[tuple[int, int], list[int]] = {}
        for i in rows:
            xi, yi, ti = x[i], y[i], t[i]
            cx, cy = int(xi // distance), int(yi // distance)
            best, best_d = -1, np.inf
            for key in ((cx + a, cy + b) for a in (-1, 0, 1) for b in (-1, 0, 1)):
                bucket = cells.get(key)
                if not bucket:
                    continue
                alive = [c for c in bucket if ti - last_time[c] <= window]
                if len(alive) != len(bucket):
                    cells[key] = alive
                for c in alive:
                    a = anchors[c]
                    dd = (x[a] - xi) ** 2 + (y[a] - yi) ** 2
                    if dd <= d2 and (dd < best_d or (dd == best_d and c < best)):
                        best, best_d = c, dd
            if best < 0:
                best = len(anchors)
                anchors.append(i)
                last_time.append(ti)
                cells.setdefault((cx, cy), []).append(best)
            else:
                last_time[best] = ti
            case_of[i] = best
    # case ids numbered by first report time, so they read in order
    n_cases = len(anchors)
    anchor_rows = np.asarray(anchors, dtype=np.int64)
    order = np.lexsort((anchor_rows, t[anchor_rows])) if n_cases else np.zeros(0, dtype=np.int64)
    number = np.empty(n_cases, dtype=np.int64)
    number[order] = np.arange(1, n_cases + 1)
    width = max(6, len(str(n_cases)))
    has_case = case_of >= 0
    case_id = np.full(n, "", dtype=object)
    case_id[has_case] = [f"C{v:0{width}d}" for v in number[case_of[has_case]]]
    counts = np.bincount(case_of[has_case], minlength=n_cases)
    repeat_count = np.zeros(n, dtype=np.int64)
    repeat_count[has_case] = counts[case_of[has_case]]
    first_seen = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    first_seen[has_case] = times[anchor_rows[case_of[has_case]]]
    is_repeat = np.zeros(n, dtype=bool)
    is_repeat[has_case] = anchor_rows[case_of[has_case]] != np.flatnonzero(has_case)
    return RepeatResult(case_id, repeat_count, first_seen, is_repeat, problem)


def repeat_rates(unit_codes, result: RepeatResult) -> pd.DataFrame:
    """Per unit (e.g. grid): checked orders, cases, repeat orders and the repeat rate (repeats / orders)."""
    frame = pd.DataFrame({"unit": as_text(unit_codes), "case": result.case_id})
    frame = frame[(frame["case"] != "") & (frame["unit"] != "")]
    table = frame.groupby("unit").agg(orders=("case", "size"), cases=("case", "nunique")).reset_index()
    table["repeat_orders"] = table["orders"] - table["cases"]
    table["repeat_rate"] = (table["repeat_orders"] / table["orders"]).round(4)
    return table.sort_values(["repeat_rate", "orders"], ascending=[False, False], kind="stable").reset_index(drop=True)
