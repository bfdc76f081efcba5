"""一案带一类: from one case (or one class case) to the list of every grid with the same problem.

A low signpost reported once led Shenzhen to check every similar signpost in the city. The sweep
takes the class of the case (``case_id``: the most frequent class among its orders, the window
ending at its latest report) or the class cases asked for (codes, or a case group such as
``noise``, the window ending at the latest order of those classes), keeps the orders of the last
``months`` months, and ranks the grids by how many cases they had (distinct ``case_id`` where the
orders carry one, else orders), then by how recently (the latest first). For each grid it lists
the places its orders' texts name (the roads, estates and landmarks of :class:`PlaceBook`, the most
named first), so the inspection list says where to look, not only which grid.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.clues.places import PlaceBook, normalise
from gridgov.grid_ops.orders.times import parse_times
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, REPORTED_AT, as_text

#: The columns of a sweep, one row per grid.
SWEEP_COLUMNS = (
    "sweep_rank",
    GRID_CODE,
    "cases",
    "orders",
    "recent_orders",
    "first_seen",
    "last_seen",
    "days_since_last",
    "places",
    CLASS_CODE,
)
#: Orders of the last this many days of the window are the ``recent_orders``.
RECENT_DAYS = 30


@dataclass(frozen=True)
class SweepRequest:
    """A class sweep as the toolbox, the dock or a script asks for it (``gridgov:classsweep``)."""

    #: Class codes (comma separated) or case groups (noise, parking ...); '' : the class of ``case_id``.
    class_code: str = ""
    #: A case (as ``gridgov:findrepeats`` or ``gridgov:clues`` number them) whose class is swept.
    case_id: str = ""
    #: The months up to the latest report swept.
    months: int = 12
    class_field: str = CLASS_CODE
    time_field: str = REPORTED_AT
    case_field: str = "case_id"
    grid_field: str = GRID_CODE
    text_field: str = "description"
    #: The time column of the table holding the case when it is not the orders ('' : ``time_field``).
    case_time_field: str = ""
    #: How many named places each grid lists.
    top_places: int = 5


class SweepError(ValueError):
    """The sweep cannot start: no class asked for, a case that is not there, a class nobody reported."""


@dataclass
class Sweep:
    """The grids to inspect (``SWEEP_COLUMNS``, ranked), the classes swept and the window."""

    table: pd.DataFrame
    classes: tuple[str, ...]
    start: np.datetime64
    end: np.datetime64


def sweep_classes(
    request: SweepRequest,
    classes: np.ndarray,
    times: np.ndarray,
    cases: np.ndarray | None,
    groups: dict[str, str],
) -> tuple[tuple[str, ...], np.datetime64]:
    """The class codes swept and the end of the window (see the module docstring)."""
    if request.case_id:
        if request.class_code.strip():
            raise SweepError("give CLASS or CASE_ID, not both: a case sweeps its own class")
        if cases is None:
            raise SweepError(f"the orders have no case field {request.case_field!r} to find case {request.case_id}")
        rows = np.flatnonzero(cases == request.case_id.strip())
        if not len(rows):
            raise SweepError(f"case {request.case_id!r} is not among the orders")
        found = pd.Series(classes[rows])
        found = found[found != ""]
        if found.empty:
            raise SweepError(f"case {request.case_id!r} has no class case")
        known = times[rows][~np.isnat(times[rows])]
        if not len(known):
            raise SweepError(f"case {request.case_id!r} has no readable time to end the window at")
        return (str(found.value_counts().index[0]),), known.max()
    asked = [c.strip() for c in request.class_code.replace("，", ",").split(",") if c.strip()]
    if not asked:
        raise SweepError("name a class case (CLASS) or a case (CASE_ID) to sweep")
    codes = tuple(
        sorted(
            {c for c in asked if c not in set(groups.values())}
            | {code for code, group in groups.items() if group in asked}
        )
    )
    of_class = np.isin(classes, codes)
    if not of_class.any() or np.isnat(times[of_class]).all():
        raise SweepError(f"no order of class {', '.join(codes)} has a readable time")
    return codes, times[of_class][~np.isnat(times[of_class])].max()


def class_sweep(
    orders: pd.DataFrame,
    request: SweepRequest,
    book: PlaceBook | None = None,
    groups: dict[str, str] | None = None,
    grid_codes: np.ndarray | None = None,
    case_source: pd.DataFrame | None = None,
) -> Sweep:
    """The grids with orders of the swept classes in the window, ranked (module docstring).

    ``grid_codes`` gives each order's grid when the orders carry no ``grid_field``; ``case_source``
    holds the case ``case_id`` names when it is not among the orders (a new case of ``gridgov:clues``),
    with the same class, time and case columns.
    """
    classes, times, cases = _columns(orders, request)
    if not len(orders):
        raise SweepError("INPUT has no orders")
    if request.case_id and case_source is not None:
        in_source = dataclasses.replace(request, time_field=request.case_time_field or request.time_field)
        codes, end = sweep_classes(request, *_columns(case_source, in_source, "CASE_"), groups or {})
    else:
        codes, end = sweep_classes(request, classes, times, cases, groups or {})
    start = (pd.Timestamp(end) - pd.DateOffset(months=request.months)).to_datetime64().astype("datetime64[s]")
    grid = grid_codes if grid_codes is not None else as_text(orders[request.grid_field]).to_numpy(dtype=object)
    keep = np.isin(classes, codes) & (times > start) & (times <= end) & (np.asarray(grid, dtype=object) != "")
    rows = np.flatnonzero(keep)
    own = np.array([f"row {r + 1}" for r in rows], dtype=object)  # an order without a case is its own case
    case_of = own if cases is None else np.where(cases[rows] != "", cases[rows], own)
    frame = pd.DataFrame(
        {
            GRID_CODE: np.asarray(grid, dtype=object)[rows],
            "time": times[rows],
            "case": case_of,
            CLASS_CODE: classes[rows],
        }
    )
    recent_from = end - np.timedelta64(RECENT_DAYS, "D")
    table = frame.groupby(GRID_CODE, sort=True).agg(
        cases=("case", "nunique"),
        orders=("case", "size"),
        recent_orders=("time", lambda t: int((t > recent_from).sum())),
        first_seen=("time", "min"),
        last_seen=("time", "max"),
        class_code=(CLASS_CODE, lambda c: ",".join(sorted(set(c)))),
    )
    table["days_since_last"] = ((end - table["last_seen"].to_numpy()) / np.timedelta64(1, "D")).round(1)
    table = table.reset_index().sort_values(
        ["cases", "last_seen", GRID_CODE], ascending=[False, False, True], kind="stable"
    )
    table["sweep_rank"] = np.arange(1, len(table) + 1)
    table["places"] = _named_places(
        orders, rows, frame[GRID_CODE].to_numpy(dtype=object), table[GRID_CODE], book, request
    )
    return Sweep(table[list(SWEEP_COLUMNS)].reset_index(drop=True), codes, start, end)


def _columns(
    frame: pd.DataFrame, request: SweepRequest, prefix: str = ""
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Class codes, times and case ids (None without a case field) of a table of orders or cases
    (``prefix`` CASE_: the case's own table, its fields named so in a message)."""
    named = (
        (("CLASS_FIELD (in CASE_LAYER)", request.class_field), ("CASE_TIME_FIELD", request.time_field))
        if prefix
        else (("CLASS_FIELD", request.class_field), ("TIME_FIELD", request.time_field))
    )
    for parameter, column in named:
        if column not in frame.columns:
            raise SweepError(f"{parameter}: no field {column!r} (fields: {', '.join(map(str, frame.columns))})")
    classes = as_text(frame[request.class_field]).str.strip().to_numpy(dtype=object)
    times = parse_times(frame[request.time_field], request.time_field).times
    has_case = request.case_field and request.case_field in frame.columns
    cases = as_text(frame[request.case_field]).str.strip().to_numpy(dtype=object) if has_case else None
    return classes, times, cases


def _named_places(orders, rows, grid_of_row, grid_order, book: PlaceBook | None, request: SweepRequest) -> list[str]:
    """Per grid (in ``grid_order``): the places its orders' texts name, the most named first, with counts."""
    if book is None or not len(book) or not request.text_field or request.text_field not in orders.columns:
        return [""] * len(grid_order)
    texts = as_text(orders[request.text_field].iloc[rows]).to_numpy(dtype=object)
    named: dict[str, Counter] = {}
    for grid, text in zip(grid_of_row, texts):
        hits = book.exact_hits(normalise(str(text)))
        counter = named.setdefault(grid, Counter())
        counter.update(set(book.names[h.places[0]] for h in hits))
    return [
        "、".join(f"{name}({count})" for name, count in named.get(g, Counter()).most_common(request.top_places))
        for g in grid_order
    ]
