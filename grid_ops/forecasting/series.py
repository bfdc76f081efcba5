"""Dense counts per grid × class case × period: the series every forecast starts from.

Zeros are information (a quiet grid, a quiet month), so the table is the full cross product of the
grids, the class cases and every period from the first to the last, and a grid without an order
has a series of zeros. Rows that cannot be counted (no time, no grid code, no class case, a grid code
not among the grids, a time outside the range asked for) are listed in ``problems`` with the reason,
never dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gridgov.grid_ops.forecasting.request import ForecastRequest
from gridgov.grid_ops.orders.times import parse_times
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, PERIOD, as_text, text_ids

#: Cells (series × periods) above which the count matrix would not fit comfortably in memory.
MAX_CELLS = 400_000_000
#: Day 0 of the week numbering: Monday 1969-12-29 (1970-01-01 was a Thursday).
_WEEK_OFFSET = 3
COUNT = "count"
ROW = "row"
FIELD = "field"
PROBLEM = "problem"


@dataclass(frozen=True, eq=False)
class PeriodSeries:
    """Counts (``counts``: series × periods, float) of every grid × class case, class-major: the
    series of grid ``g`` in class case ``c`` is row ``c * len(grid_codes) + g``.

    ``periods`` holds each period's first day; ``problems`` the order rows not counted (``row``: the
    orders' index label, ``field``, ``problem``); ``facts`` the numbers a report quotes.
    """

    counts: np.ndarray
    grid_codes: np.ndarray
    class_codes: np.ndarray
    periods: pd.DatetimeIndex
    period: str
    problems: pd.DataFrame
    facts: dict = field(default_factory=dict)

    @property
    def n_grids(self) -> int:
        return len(self.grid_codes)

    @property
    def n_classes(self) -> int:
        return len(self.class_codes)

    def series_grid(self) -> np.ndarray:
        """Each series' grid (position in ``grid_codes``)."""
        return np.tile(np.arange(self.n_grids), self.n_classes)

    def series_class(self) -> np.ndarray:
        """Each series' class case (position in ``class_codes``)."""
        return np.repeat(np.arange(self.n_classes), self.n_grids)

    def period_labels(self) -> np.ndarray:
        """Each period's first day as ISO text (``2025-01-01``)."""
        return np.asarray(self.periods.strftime("%Y-%m-%d"), dtype=object)

    def truncated(self, n_periods: int) -> PeriodSeries:
        """The same series with only the first ``n_periods`` periods (an early warning forecasts the
        latest period from the ones before it)."""
        return PeriodSeries(
            self.counts[:, :n_periods],
            self.grid_codes,
            self.class_codes,
            self.periods[:n_periods],
            self.period,
            self.problems,
            dict(self.facts),
        )

    def table(self) -> pd.DataFrame:
        """The long table: ``grid_code``, ``class_code``, ``period`` (first day), ``count``."""
        n_series, n_periods = self.counts.shape
        return pd.DataFrame(
            {
                GRID_CODE: np.repeat(self.grid_codes[self.series_grid()], n_periods),
                CLASS_CODE: np.repeat(self.class_codes[self.series_class()], n_periods),
                PERIOD: np.tile(self.period_labels(), n_series),
                COUNT: self.counts.ravel().astype(np.int64),
            }
        )


def period_index(times: np.ndarray, period: str) -> np.ndarray:
    """Each time's period as an integer (months since 1970-01, or weeks since Monday 1969-12-29);
    NaT gives the smallest int64."""
    times = np.asarray(times, dtype="datetime64[s]")
    if period == "month":
        out = times.astype("datetime64[M]").astype(np.int64)
    else:
        days = times.astype("datetime64[D]").astype(np.int64)
        out = (days + _WEEK_OFFSET) // 7
    return np.where(np.isnat(times), np.iinfo(np.int64).min, out)


def period_starts(first: int, last: int, period: str) -> pd.DatetimeIndex:
    """The first day of each period from index ``first`` to ``last`` (inclusive)."""
    index = np.arange(first, last + 1, dtype=np.int64)
    if period == "month":
        days = index.astype("datetime64[M]").astype("datetime64[D]")
    else:
        days = (index * 7 - _WEEK_OFFSET).astype("datetime64[D]")
    return pd.DatetimeIndex(days.astype("datetime64[ns]"))


def _bound(value, period: str, what: str) -> int | None:
    """The period index of a ``start`` / ``end`` setting (None: not set)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{what} {value!r} is not a date") from exc
    if stamp is pd.NaT:
        raise ValueError(f"{what} {value!r} is not a date")
    return int(period_index(np.array([stamp.to_datetime64()]), period)[0])


def _codes(values: Sequence[str] | None) -> np.ndarray | None:
    """Distinct stripped non-empty codes, in first-seen order (None stays None)."""
    if values is None:
        return None
    text = as_text(pd.Series(list(values), dtype=object)).str.strip()
    return pd.unique(text[text != ""].to_numpy(dtype=object))


def period_series(
    orders: pd.DataFrame,
    request: ForecastRequest | None = None,
    grids: Sequence[str] | None = None,
    classes: Sequence[str] | None = None,
) -> PeriodSeries:
    """Counts of ``orders`` per grid × class case × period (``request.period``), zeros included.

    ``grids`` are every grid's code (a grid without orders gets a series of zeros; an order whose
    code is none of them is a problem); None takes the codes the orders hold. ``classes`` likewise
    for class cases. The periods run from ``request.start`` (else the first counted order's period)
    to ``request.end`` (else the last one's). ValueError for a missing column or nothing to count.
    """
    request = request or ForecastRequest()
    request.validate()
    for name in (request.grid_field, request.class_field, request.time_field):
        if name not in orders.columns:
            raise ValueError(f"the orders have no column {name!r} (columns: {', '.join(map(str, orders.columns))})")
    n = len(orders)
    problem = np.full(n, "", dtype=object)
    problem_field = np.full(n, "", dtype=object)

    def note(rows: np.ndarray, name: str, texts) -> None:
        """Each row of ``rows`` without a problem yet gets this one: text, or a function of the rows'
        positions giving their texts (so a million good rows build no text)."""
        free = np.flatnonzero(rows & (problem == ""))  # the first problem of a row is the one reported
        problem[free] = texts(free) if callable(texts) else texts
        problem_field[free] = name

    grid_ids, grid_labels = text_ids(orders[request.grid_field])
    class_ids, class_labels = text_ids(orders[request.class_field])
    parsed = parse_times(orders[request.time_field], field=request.time_field)
    times = np.asarray(parsed.times, dtype="datetime64[s]")
    no_time = np.isnat(times)
    parse_problem = np.asarray(parsed.problem, dtype=object)
    note(no_time & (parse_problem != ""), request.time_field, lambda rows: parse_problem[rows])
    note(no_time, request.time_field, f"{request.time_field} is not a date and time")
    note(grid_labels[grid_ids] == "", request.grid_field, f"{request.grid_field} is empty")
    note(class_labels[class_ids] == "", request.class_field, f"{request.class_field} is empty")

    grid_codes = _codes(grids)
    if grid_codes is None:
        grid_codes = grid_labels[grid_labels != ""]
    class_codes = _codes(classes)
    if class_codes is None:
        class_codes = class_labels[class_labels != ""]
    grid_codes = np.asarray(grid_codes, dtype=object)
    class_codes = np.asarray(class_codes, dtype=object)
    # each order label's position among the grids / classes (-1: none of them)
    grid_of_label = pd.Index(grid_codes).get_indexer(grid_labels)
    class_of_label = pd.Index(class_codes).get_indexer(class_labels)
    order_grid = grid_of_label[grid_ids]
    order_class = class_of_label[class_ids]
    unknown_grid = (order_grid < 0) & (grid_labels[grid_ids] != "")
    note(
        unknown_grid,
        request.grid_field,
        lambda rows: [f"grid code {c} is not a grid's" for c in grid_labels[grid_ids[rows]]],
    )
    unknown_class = (order_class < 0) & (class_labels[class_ids] != "")
    note(
        unknown_class,
        request.class_field,
        lambda rows: [f"class case {c} is not among the classes asked for" for c in class_labels[class_ids[rows]]],
    )

    index = period_index(times, request.period)
    first = _bound(request.start, request.period, "start")
    last = _bound(request.end, request.period, "end")
    usable = problem == ""
    if first is None:
        first = int(index[usable].min()) if usable.any() else None
    if last is None:
        last = int(index[usable].max()) if usable.any() else None
    if first is None or last is None:
        raise ValueError("no order has a date and time, a grid code and a class case to count (see the problems)")
    if last < first:
        raise ValueError(f"end ({request.end}) is before start ({request.start})")
    note(~no_time & (index < first), request.time_field, "before the first period counted")
    note(~no_time & (index > last), request.time_field, "after the last period counted")

    n_periods = last - first + 1
    n_series = len(grid_codes) * len(class_codes)
    if n_series * n_periods > MAX_CELLS:
        raise ValueError(
            f"{len(grid_codes)} grids × {len(class_codes)} class cases × {n_periods} periods is too many "
            "counts: choose fewer class cases, a shorter range or months instead of weeks"
        )
    counted = problem == ""
    key = (order_class[counted].astype(np.int64) * len(grid_codes) + order_grid[counted]) * n_periods + (
        index[counted] - first
    )
    counts = np.bincount(key, minlength=n_series * n_periods).astype(np.float64).reshape(n_series, n_periods)
    bad = np.flatnonzero(~counted)
    problems = pd.DataFrame(
        {ROW: orders.index.to_numpy()[bad], FIELD: problem_field[bad], PROBLEM: problem[bad]},
        columns=[ROW, FIELD, PROBLEM],
    )
    facts = {
        "orders": n,
        "counted": int(counted.sum()),
        "not_counted": len(bad),
        "no_time": int(no_time.sum()),
        "grids": len(grid_codes),
        "classes": len(class_codes),
        "periods": n_periods,
        "latest_time": str(times[counted].max()) if counted.any() else "",
    }
    return PeriodSeries(
        counts, grid_codes, class_codes, period_starts(first, last, request.period), request.period, problems, facts
    )
