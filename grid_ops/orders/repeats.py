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
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, as_text

#: Time parsing lives in :mod:`gridgov.grid_ops.orders.times`; these names stay importable from here.
__all__ = [
    "PARSE_PART",
    "ParsedTimes",
    "RepeatCases",
    "RepeatResult",
    "RepeatsRequest",
    "count_unread",
    "find_repeats",
    "parse_times",
    "repeat_rates",
    "repeats_of",
]

#: The columns a result adds to every order.
REPEAT_COLUMNS = ("case_id", "repeat_count", "first_seen", "is_repeat", "repeat_problem")


@dataclass(frozen=True)
class RepeatsRequest:
    """Repeat orders found as the toolbox, the dock or a script asks for it (``gridgov:findrepeats``);
    the engine and the PostGIS backend run the same request."""

    #: The column of each order's class case: only orders of one class form a case.
    category_field: str = CLASS_CODE
    #: The column of each order's report time.
    time_field: str = "reported_at"
    #: How far (in the layer's units, metres) an order may lie from its case's first report.
    distance: float = 50.0
    #: How many days after its case's latest report an order still joins it.
    days: float = 7.0
    #: The column of each order's grid, for the repeat rate per grid; '' for none.
    grid_field: str = GRID_CODE

    def missing_column(self, columns) -> tuple[str, str] | None:
        """(parameter, column) of the first column the request names that ``columns`` lack, the
        parameter as the toolbox names it (CATEGORY_FIELD ...); None when all are there."""
        named = (("CATEGORY_FIELD", self.category_field), ("TIME_FIELD", self.time_field))
        for parameter, column in (*named, ("GRID_FIELD", self.grid_field)):
            if column and column not in columns:
                return parameter, column
        return None


@dataclass
class RepeatResult:
    """Per row: case id ('' where the row could not be checked), orders in its case, the case's first time."""

    case_id: np.ndarray
    repeat_count: np.ndarray
    first_seen: np.ndarray
    is_repeat: np.ndarray
    problem: np.ndarray

    @property
    def cases(self) -> int:
        """The number of cases."""
        return len(set(self.case_id) - {""})

    def columns(self) -> dict[str, np.ndarray]:
        """The ``REPEAT_COLUMNS`` as a table takes them (times in nanoseconds, as pandas keeps them)."""
        values = (self.case_id, self.repeat_count, self.first_seen.astype("datetime64[ns]"), self.is_repeat)
        return dict(zip(REPEAT_COLUMNS, (*values, self.problem)))


@dataclass
class RepeatCases:
    """The cases of a request's orders and, when asked, the repeat rate per grid (``repeat_rates``,
    its unit column named after the request's grid field)."""

    result: RepeatResult
    rates: pd.DataFrame | None = None


def repeats_of(
    frame: pd.DataFrame, x, y, times: np.ndarray, problem: np.ndarray | None, request: RepeatsRequest, rates: bool
) -> RepeatCases:
    """The repeat cases of the orders in ``frame`` (class and grid read from the columns ``request``
    names; positions ``x``/``y`` in metres, ``times`` and their ``problem`` texts as parsed) and, with
    ``rates`` and a grid field, the repeat rate per grid."""
    categories = frame[request.category_field].to_numpy(dtype=object)
    result = find_repeats(x, y, categories, times, request.distance, request.days, problem)
    if not (rates and request.grid_field):
        return RepeatCases(result)
    table = repeat_rates(frame[request.grid_field].to_numpy(dtype=object), result)
    return RepeatCases(result, table.rename(columns={"unit": request.grid_field}))


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
    cases = _OpenCases(x, y, t, distance, days * 86400.0)
    case_of = np.full(n, -1, dtype=np.int64)
    for cat in np.unique(category[usable]):
        rows = np.flatnonzero(usable & (category == cat))
        cases.take(rows[np.lexsort((rows, t[rows]))], case_of)
    return _numbered(case_of, np.asarray(cases.anchors, dtype=np.int64), t, times, problem)


class _OpenCases:
    """The cases found so far and, per class, the open ones by cell of the distance's size: an
    order looks only at the nine cells around its own, so a million orders take seconds."""

    def __init__(self, x: np.ndarray, y: np.ndarray, t: np.ndarray, distance: float, window: float) -> None:
        self.x, self.y, self.t = x, y, t
        self.distance, self.window, self.d2 = distance, window, distance * distance
        self.anchors: list[int] = []  # case → row of its first report
        self.last_time: list[float] = []

    def take(self, rows: np.ndarray, case_of: np.ndarray) -> None:
        """Put the orders ``rows`` of one class, in time order, each into its case (``case_of``)."""
        cells: dict[tuple[int, int], list[int]] = {}
        x, y, t, distance, anchors, last_time = self.x, self.y, self.t, self.distance, self.anchors, self.last_time
        for i in rows:
            xi, yi, ti = x[i], y[i], t[i]
            cx, cy = int(xi // distance), int(yi // distance)
            best = self._nearest(cells, cx, cy, xi, yi, ti)
            if best < 0:
                best = len(anchors)
                anchors.append(i)
                last_time.append(ti)
                cells.setdefault((cx, cy), []).append(best)
            else:
                last_time[best] = ti
            case_of[i] = best

    def _nearest(self, cells: dict, cx: int, cy: int, xi: float, yi: float, ti: float) -> int:
        """The open case whose first report is nearest within the distance (the older on a tie), -1
        when none; cases closed by time are dropped from their cell on the way."""
        x, y, anchors, last_time, window, d2 = self.x, self.y, self.anchors, self.last_time, self.window, self.d2
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
        return best


def _numbered(
    case_of: np.ndarray, anchor_rows: np.ndarray, t: np.ndarray, times: np.ndarray, problem: np.ndarray
) -> RepeatResult:
    """Each row's case as a result: case ids numbered by first report time (so they read in order),
    the orders per case, the case's first time and whether the row repeats an earlier report."""
    n, n_cases = len(case_of), len(anchor_rows)
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
