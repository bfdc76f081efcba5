"""Unit assessment (考评, the "三率"): per unit and period, how fast orders were signed off and closed,
how many were resolved and left citizens satisfied, a weighted score and a rank; the open orders past
their deadline with their owners; and the class cases to take on next (每月一题).

Definitions, per unit and period (an order belongs to the period of its acceptance time, 受理时间;
"now" is the request's ``as_of``, by default the latest time in the data):

- ``n_orders``: orders accepted in the period (an order without a readable acceptance time has no
  period: it is counted in the messages and listed in :attr:`Assessment.orders`, never dropped);
- ``response_rate`` (响应率): orders signed off within the sign-off deadline (dispatch time, else
  acceptance, + the sign-off time: 24 h by default, 2 h if urgent) / orders whose sign-off deadline
  has passed by now, signed or not. An order not yet signed whose deadline is still ahead is pending
  and left out; one signed before it was dispatched is a data error, left out and reported. NaN
  without a sign-off column;
- ``ontime_close_rate`` (按期办结率): orders closed by their deadline (their due time, 办理时限; else
  acceptance + the closure days, 7 by default) / (closed orders with a readable closing time + open
  orders past their deadline);
- ``close_rate`` (办结率): closed orders / ``n_orders``. An order is closed where its status says so
  (办结, Closed ...) or, without a status word, where a closing time is given; a closing time beside
  an "open" status counts as closed (and is reported);
- ``median_hours``, ``p90_hours``: the median and 90th percentile (linear interpolation, as pandas and
  numpy) of acceptance → closing time, in hours, over closed orders with both times, closing not
  before acceptance;
- ``resolution_rate`` (解决率): orders the citizen called resolved / orders with a yes-or-no answer;
- ``satisfaction_rate`` (满意率): orders rated 满意 or 基本满意 (basically satisfied counts as satisfied,
  as 12345 practice has it) / orders rated at all (满意, 基本满意, 一般, 不满意; 未评价 is left out);
- ``repeat_rate``: orders flagged as repeating an earlier one (``is_repeat`` of gridgov:findrepeats,
  是否重复件) / orders with a flag;
- ``redispatch_rate``: orders sent back or re-dispatched at least once / orders with a readable count;
- ``score``: 100 × Σ weight × rate over the weighted rates (shares summing to 1). A weighted rate the
  data cannot give at all (no satisfaction column ...) is left out and the other weights scaled up to
  100 %, said in the messages; a unit missing a weighted rate in a period gets no score;
- ``rated``: the unit has a code, at least ``min_orders`` orders and a score; ``rank``: 1 for the best
  score among the rated units of the period (ties share the better rank); ``rank_change``: the rank in
  the previous period minus this one (positive: moved up), null where the unit was not ranked in both.

Every rate is a share in 0..1 and NaN where its denominator is 0.

The tables (:class:`Assessment`):

- ``units``: the columns above in DESIGN.md's order (:data:`~gridgov.grid_ops.schema.ASSESSMENT_COLUMNS`)
  and ``note`` (why a unit is not ranked), per period the best first;
- ``overdue``: open orders past their deadline, longest first: ``row`` (0-based input row),
  ``order_id``, ``unit``, ``department`` (承办单位), ``class_code``, ``status`` (as given), ``period``,
  ``created``, ``deadline``, ``hours_overdue``, ``redispatch_count``;
- ``topics`` (每月一题): per period and class case ``n_orders``, ``n_units``, ``resolution_rate``,
  ``satisfaction_rate``, ``close_rate``, ``ontime_close_rate``, ``median_hours``, ``unresolved`` (orders
  expected unresolved: n_orders × (1 − resolution rate)) and ``topic_rank`` (1: the month's topic);
- ``orders``: every input row once: ``row``, ``order_id``, ``unit``, ``period``, ``closed``,
  ``handling_hours``, ``responded_on_time``, ``closed_on_time``, ``resolved``, ``satisfied``,
  ``repeat``, ``redispatched`` (empty where the order does not count in that rate), ``deadline``,
  ``hours_overdue``, ``row_status`` (``ok`` or ``no_created_time``) and ``problem`` (every value
  that could not be read, by field, and every contradiction found, '' where none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gridgov.grid_ops.assessment.request import FIELD_PARAMETERS, AssessmentRequest, AssessmentRequestError
from gridgov.grid_ops.orders.lifecycle import BASIC, Lifecycle, LifecycleFields, lifecycle_fields, read_lifecycle
from gridgov.grid_ops.orders.positions import MissingColumnError
from gridgov.grid_ops.orders.times import parse_times
from gridgov.grid_ops.schema import (
    ASSESSMENT_COLUMNS,
    CLASS_CODE,
    CLOSE_RATE,
    DEPARTMENT,
    HOURS_OVERDUE,
    MEDIAN_HOURS,
    N_ORDERS,
    ONTIME_CLOSE_RATE,
    P90_HOURS,
    PERIOD,
    PROBLEM,
    RANK,
    RANK_CHANGE,
    RATED,
    REDISPATCH_RATE,
    REPEAT_RATE,
    RESOLUTION_RATE,
    RESPONSE_RATE,
    SATISFACTION_RATE,
    SCORE,
    UNIT,
    text_ids,
)

#: Why a unit was not rated, beside the table's columns.
NOTE = "note"
#: Per order: what kept it out of the units' table ('ok', 'no_created_time').
ROW_STATUS = "row_status"
#: The order id in the orders' and the overdue tables (whatever the input calls it).
ORDER_ID = "order_id"
#: The class cases' table: orders expected unresolved (n_orders × (1 − resolution rate)) and the rank.
UNRESOLVED = "unresolved"
TOPIC_RANK = "topic_rank"

_SECOND = np.timedelta64(1, "s")
_NAT = np.datetime64("NaT", "s")


class NoCreatedTimeError(ValueError):
    """The orders have no column of the time an order was accepted, and none was named."""


@dataclass
class Assessment:
    """What :func:`assess` found: the units' table, the overdue orders, the class cases (每月一题), one
    row per input order, the messages for the log, the columns read, "now", the weights applied and the
    request it answers."""

    units: pd.DataFrame
    overdue: pd.DataFrame
    topics: pd.DataFrame
    orders: pd.DataFrame
    messages: list[str] = field(default_factory=list)
    fields: dict[str, str | None] = field(default_factory=dict)
    as_of: np.datetime64 = _NAT
    weights: dict[str, float] = field(default_factory=dict)
    request: AssessmentRequest | None = None


def _hours(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Hours from ``start`` to ``end`` (NaN where either is NaT)."""
    return (end - start) / _SECOND / 3600.0


def _as_of(request: AssessmentRequest, life: Lifecycle) -> tuple[np.datetime64, str]:
    if request.as_of is not None and str(request.as_of).strip():
        parsed = parse_times(pd.Series([request.as_of], dtype=object), "AS_OF")
        if np.isnat(parsed.times[0]):
            raise AssessmentRequestError(f"AS_OF: {request.as_of!r} is not a date and time")
        return parsed.times[0], "as requested"
    latest = _NAT
    for times in (life.created, life.dispatched, life.responded, life.closed):
        if times is not None and (~np.isnat(times)).any():
            top = times[~np.isnat(times)].max()
            latest = top if np.isnat(latest) else max(latest, top)
    return latest, "the latest time in the data"


def _span(index: np.ndarray) -> tuple[int, int]:
    """(first period, number of periods from the first to the last) of the periods ``index``."""
    if not len(index):
        return 0, 1
    first = int(index.min())
    return first, int(index.max()) - first + 1


def _periods(created: np.ndarray, period: str) -> tuple[np.ndarray, Callable[[int], str]]:
    """(period index per order, consecutive periods one apart; a function of an index to its label)."""
    if period == "all":
        return np.zeros(len(created), dtype=np.int64), lambda _k: "all"
    if period in ("month", "quarter"):
        months = created.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        if period == "month":
            return months, lambda k: f"{1970 + k // 12:04d}-{k % 12 + 1:02d}"
        return months // 3, lambda k: f"{1970 + k // 4:04d}Q{k % 4 + 1}"
    days = created.astype("datetime64[D]").astype(np.int64)  # 1970-01-01 was a Thursday
    weeks = (days + 3) // 7  # weeks from Monday 1969-12-29

    def week_label(k: int) -> str:
        thursday = np.datetime64(k * 7, "D")  # week k runs from day 7k − 3 (a Monday); ISO: its Thursday's year
        year = thursday.astype("datetime64[Y]")
        number = (thursday - year.astype("datetime64[D]")).astype(np.int64) // 7 + 1
        return f"{int(year.astype(np.int64)) + 1970:04d}-W{int(number):02d}"

    return weeks, week_label


def _share(group: np.ndarray, size: int, values: np.ndarray | None) -> np.ndarray:
    """Per group: the share of 1 among the known (not NaN) values; NaN where none is known."""
    if values is None:
        return np.full(size, np.nan)
    known = ~np.isnan(values)
    hits = np.bincount(group, weights=np.where(known, values, 0.0), minlength=size)
    count = np.bincount(group, weights=known.astype(float), minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, hits / np.maximum(count, 1), np.nan)


def _quantiles(group: np.ndarray, size: int, values: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Per group: quantiles of the known values (linear interpolation, as numpy's and pandas' default)."""
    known = ~np.isnan(values)
    g, v = group[known], values[known]
    order = np.argsort(v, kind="stable")
    order = order[np.argsort(g[order], kind="stable")]  # by group, values ascending within each
    g, v = g[order], v[order]
    count = np.bincount(g, minlength=size)
    start = np.cumsum(count) - count
    out = []
    has = count > 0
    for q in qs:
        pos = q * np.maximum(count - 1, 0)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, np.maximum(count - 1, 0))
        frac = pos - lo
        result = np.full(size, np.nan)
        a = v[(start + lo)[has]]
        b = v[(start + hi)[has]]
        result[has] = a + (b - a) * frac[has]
        out.append(result)
    return out


@dataclass
class _Orders:
    """Per order, what the tables sum (1 / 0 / NaN where a rate leaves the order out)."""

    valid: np.ndarray
    closed: np.ndarray
    hours: np.ndarray
    responded_on_time: np.ndarray | None
    closed_on_time: np.ndarray
    deadline: np.ndarray
    overdue_hours: np.ndarray
    resolved: np.ndarray | None
    satisfied: np.ndarray | None
    repeat: np.ndarray | None
    redispatched: np.ndarray | None


def _per_order(life: Lifecycle, request: AssessmentRequest, as_of: np.datetime64, problems: list) -> _Orders:
    n = life.n
    created = life.created
    valid = ~np.isnat(created)
    closed_time = life.closed if life.closed is not None else np.full(n, _NAT)
    has_closed_time = ~np.isnat(closed_time)
    given = life.closed_given if life.closed_given is not None else np.zeros(n, dtype=bool)
    if life.state is not None:
        state = life.state
        closed = np.where(np.isnan(state), given, state == 1.0)
        conflict = np.flatnonzero((state == 0.0) & given)
        closed[conflict] = True
        problems.append((conflict, "a closing time beside an open status: read as closed"))
    else:
        closed = given.copy()
    hours = np.where(closed, _hours(created, closed_time), np.nan)
    backwards = np.flatnonzero(hours < 0)
    hours[backwards] = np.nan
    problems.append((backwards, "closed before it was accepted: its handling time is left out"))
    if life.state is not None and life.closed is not None:
        untimed = np.flatnonzero(closed & ~has_closed_time & valid)
        problems.append((untimed, "closed without a closing time: left out of the handling times"))

    responded_on_time = None
    if life.responded is not None:
        start = created.copy()
        if life.dispatched is not None:
            dispatched = life.dispatched
            early = np.flatnonzero(dispatched < created)
            problems.append((early, "dispatched before it was accepted: sign-off counted from acceptance"))
            use = ~np.isnat(dispatched) & ~(dispatched < created)
            start = np.where(use, dispatched, created)
        limit = np.full(n, request.response_hours * 3600.0)
        if life.urgent is not None:
            limit[life.urgent] = request.urgent_response_hours * 3600.0
        deadline = start + np.round(limit).astype(np.int64).astype("timedelta64[s]")
        responded = life.responded
        signed = ~np.isnat(responded)
        too_early = signed & (responded < start)
        problems.append(
            (np.flatnonzero(too_early), "signed off before it was dispatched: left out of the response rate")
        )
        late_unsigned = ~signed & (as_of > deadline)
        responded_on_time = np.where(
            signed & ~too_early, (responded <= deadline).astype(float), np.where(late_unsigned, 0.0, np.nan)
        )

    default_deadline = created + np.round(request.closure_days * 86400.0).astype(np.int64).astype("timedelta64[s]")
    deadline = default_deadline
    if life.due is not None:
        due = life.due
        before = ~np.isnat(due) & (due < created)
        problems.append((np.flatnonzero(before), "due before it was accepted: the default deadline used"))
        deadline = np.where(~np.isnat(due) & ~before, due, default_deadline)
    timed = closed & ~np.isnan(hours)
    open_late = ~closed & (as_of > deadline)
    closed_on_time = np.where(timed, (closed_time <= deadline).astype(float), np.where(open_late, 0.0, np.nan))
    closure_known = life.closed is not None or life.state is not None
    if not closure_known:
        closed_on_time[:] = np.nan
        open_late[:] = False
    overdue_hours = np.where(open_late, _hours(deadline, np.full(n, as_of)), np.nan)

    satisfied = None
    if life.satisfaction is not None:
        satisfied = np.where(np.isnan(life.satisfaction), np.nan, (life.satisfaction >= BASIC).astype(float))
    redispatched = None
    if life.redispatch is not None:
        redispatched = np.where(np.isnan(life.redispatch), np.nan, (life.redispatch >= 1).astype(float))
    return _Orders(
        valid=valid,
        closed=closed if closure_known else np.zeros(n, dtype=bool),
        hours=hours,
        responded_on_time=responded_on_time,
        closed_on_time=closed_on_time,
        deadline=deadline,
        overdue_hours=overdue_hours,
        resolved=life.resolved,
        satisfied=satisfied,
        repeat=life.repeat,
        redispatched=redispatched,
    )


def _rates(group: np.ndarray, size: int, per: _Orders, rows: np.ndarray, closure_known: bool) -> dict[str, np.ndarray]:
    """The rates of each group over the orders ``rows`` (group[i] is the group of rows[i])."""

    def pick(values):
        return None if values is None else values[rows]

    closed = per.closed[rows].astype(float) if closure_known else None
    median, p90 = _quantiles(group, size, per.hours[rows], (0.5, 0.9))
    return {
        N_ORDERS: np.bincount(group, minlength=size),
        RESPONSE_RATE: _share(group, size, pick(per.responded_on_time)),
        ONTIME_CLOSE_RATE: _share(group, size, pick(per.closed_on_time) if closure_known else None),
        CLOSE_RATE: _share(group, size, closed),
        MEDIAN_HOURS: median,
        P90_HOURS: p90,
        RESOLUTION_RATE: _share(group, size, pick(per.resolved)),
        SATISFACTION_RATE: _share(group, size, pick(per.satisfied)),
        REPEAT_RATE: _share(group, size, pick(per.repeat)),
        REDISPATCH_RATE: _share(group, size, pick(per.redispatched)),
    }


def _fields_used(frame: pd.DataFrame, request: AssessmentRequest) -> LifecycleFields:
    if request.unit_field not in frame.columns:
        raise MissingColumnError("UNIT_FIELD", request.unit_field, frame.columns)
    fields_ = lifecycle_fields(frame.columns, request.chosen_fields(), FIELD_PARAMETERS)
    if not fields_.created:
        raise NoCreatedTimeError(
            "CREATED_FIELD: no column of the time an order was accepted (受理时间, Created Date ...) "
            f"recognised; choose one (fields: {', '.join(map(str, frame.columns))})"
        )
    return fields_


def columns_read(columns, request: AssessmentRequest) -> list[str]:
    """The columns an assessment of orders with these ``columns`` reads: the unit and the lifecycle
    columns, chosen or recognised; a caller reads only those (an export of 41 columns has 12 of use).
    Raises as :func:`assess` would for a unit or chosen column the orders lack."""
    fields_ = _fields_used(pd.DataFrame(columns=[str(c) for c in columns]), request)
    used = [request.unit_field, *(name for name in fields_.as_dict().values() if name)]
    return list(dict.fromkeys(used))


def assess(frame: pd.DataFrame, request: AssessmentRequest | None = None) -> Assessment:
    """Assess the units of ``frame`` (one row per order) as ``request`` asks (defaults:
    :class:`~gridgov.grid_ops.assessment.request.AssessmentRequest`); see the module docstring for the
    definitions. Every input row appears once in :attr:`Assessment.orders`; a value that cannot be read
    is reported there and in the messages, never a traceback. A missing column the request names
    raises :class:`~gridgov.grid_ops.orders.positions.MissingColumnError` naming its parameter."""
    request = request or AssessmentRequest()
    fields_ = _fields_used(frame, request)  # columns are read by position: the index does not matter
    n = len(frame)
    life = read_lifecycle(frame, fields_)
    as_of, as_of_said = _as_of(request, life)
    problems: list[tuple[np.ndarray, str]] = []
    per = _per_order(life, request, as_of, problems)
    closure_known = fields_.closed is not None or fields_.status is not None

    unit_ids, unit_labels = text_ids(frame[request.unit_field])
    period_index, label_of = _periods(life.created, request.period)
    rows = np.flatnonzero(per.valid)
    p_first, span = _span(period_index[rows])
    group, keys = pd.factorize(unit_ids[rows].astype(np.int64) * span + (period_index[rows] - p_first), sort=True)
    size = len(keys)
    group_unit = (keys // span).astype(np.int64)
    group_period = (keys % span).astype(np.int64) + p_first
    rates = _rates(group, size, per, rows, closure_known)

    labels = {k: label_of(int(k)) for k in np.unique(group_period)}
    units = pd.DataFrame(
        {
            UNIT: unit_labels[group_unit] if size else np.array([], dtype=object),
            PERIOD: np.array([labels[k] for k in group_period], dtype=object),
            **rates,
        }
    )
    weights, messages = _weights(request, fields_)
    score = np.zeros(size)
    for rate, share in weights.items():
        score = score + share * units[rate].to_numpy(dtype=float)
    units[SCORE] = 100.0 * score if weights else np.nan
    enough = units[N_ORDERS].to_numpy() >= request.min_orders
    has_unit = units[UNIT].to_numpy(dtype=object) != ""
    scored = units[SCORE].notna().to_numpy()
    units[RATED] = enough & has_unit & scored
    units[NOTE] = _notes(units, weights, request.min_orders, enough, has_unit)
    _rank(units, group_unit, group_period, request.period != "all")
    units["_p"] = group_period
    units = units.sort_values(["_p", RANK, SCORE, UNIT], ascending=[True, True, False, True], na_position="last")
    units = units.drop(columns="_p")[[*ASSESSMENT_COLUMNS, NOTE]].reset_index(drop=True)

    texts = _problem_texts(n, life.problem, problems)
    row_status = np.where(per.valid, "ok", "no_created_time").astype(object)
    unit_per_row = unit_labels[unit_ids]
    period_per_row = np.full(n, "", dtype=object)
    if len(rows):
        distinct = np.unique(period_index[rows])
        names = np.array([label_of(int(k)) for k in distinct], dtype=object)
        period_per_row[rows] = names[np.searchsorted(distinct, period_index[rows])]
    orders = _orders_table(frame, fields_, per, unit_per_row, period_per_row, row_status, texts)
    overdue = _overdue(frame, fields_, per, life, unit_per_row, period_per_row)
    topics = _topics(frame, fields_, per, rows, unit_ids, period_index, label_of, request, closure_known, messages)
    messages = [
        *_read_messages(fields_, life, per, request, as_of, as_of_said, unit_per_row),
        *messages,
        f"{len(overdue)} open orders past their deadline",
    ]
    return Assessment(
        units=units,
        overdue=overdue,
        topics=topics,
        orders=orders,
        messages=messages,
        fields={**fields_.as_dict(), "unit": request.unit_field},
        as_of=as_of,
        weights=weights,
        request=request,
    )


#: What each weighted rate needs (the role whose column gives it).
_NEEDS = {
    RESPONSE_RATE: ("responded",),
    ONTIME_CLOSE_RATE: ("closed", "status"),
    CLOSE_RATE: ("closed", "status"),
    RESOLUTION_RATE: ("resolved",),
    SATISFACTION_RATE: ("satisfaction",),
}


def _weights(request: AssessmentRequest, fields_: LifecycleFields) -> tuple[dict, list[str]]:
    """The weights applied: those of the request whose rate the columns can give, scaled to sum 1."""
    kept = {r: w for r, w in request.weights if any(getattr(fields_, role) for role in _NEEDS[r])}
    dropped = [f"{r} ({w:.0%})" for r, w in request.weights if r not in kept]
    total = sum(kept.values())
    kept = {r: w / total for r, w in kept.items()} if total > 0 else {}
    messages = []
    if dropped:
        needs = "; ".join(f"{r.split(' ')[0]} needs a {' or '.join(_NEEDS[r.split(' ')[0]])} column" for r in dropped)
        if kept:
            messages.append(f"left out of the score (no column for it): {', '.join(dropped)}; {needs}")
        else:
            messages.append(f"no score: the orders have no column for any weighted rate ({needs}); nothing is ranked")
    if kept:
        messages.append("score = 100 × (" + " + ".join(f"{w:.1%} {r}" for r, w in kept.items()) + ")")
    return kept, messages


def _notes(units: pd.DataFrame, weights: dict, min_orders: int, enough: np.ndarray, has_unit: np.ndarray) -> np.ndarray:
    """Why each unit was not ranked ('' where it was): each distinct set of reasons worded once (a
    month of 20,000 grids is 20,000 rows, most with the same few reasons)."""
    size = len(units)
    if not size:
        return np.zeros(0, dtype=object)
    missing = [units[rate].isna().to_numpy() for rate in weights]
    flags = np.stack([~has_unit, ~enough, *missing], axis=1)
    count = np.where(~enough, units[N_ORDERS].to_numpy(), -1)
    rated = units[RATED].to_numpy(dtype=bool)
    bits = (flags * (1 << np.arange(flags.shape[1]))).sum(axis=1).astype(np.int64)
    # one integer per (reasons, orders when too few, rated): np.unique on rows of three sorts far slower
    key = (bits << 40) | ((count.astype(np.int64) + 1) << 1) | rated.astype(np.int64)
    distinct, inverse = np.unique(key, return_inverse=True)
    combos = [(int(k >> 40), int(((k >> 1) & ((1 << 39) - 1)) - 1), bool(k & 1)) for k in distinct]
    texts = []
    for bit, few, is_rated in combos:
        if is_rated:
            texts.append("")
            continue
        why = ["no unit"] if bit & 1 else []
        why += [f"too few orders ({few} < {min_orders})"] if bit & 2 else []
        why += [f"no {rate}" for k, rate in enumerate(weights) if bit & (4 << k)]
        why += [] if weights else ["no weighted rate in the data"]
        texts.append("not ranked: " + "; ".join(why))
    return np.asarray(texts, dtype=object)[inverse.reshape(-1)]


def _rank(units: pd.DataFrame, group_unit: np.ndarray, group_period: np.ndarray, has_previous: bool) -> None:
    """``rank`` within each period among the rated units (1 = best score, ties share the better rank),
    and ``rank_change`` = the rank in the previous period − this rank."""
    rated = units[RATED].to_numpy(dtype=bool)
    score = units[SCORE].round(9)
    rank = pd.Series(np.nan, index=units.index)
    if rated.any():
        rank[rated] = score[rated].groupby(group_period[rated]).rank(ascending=False, method="min")
    units[RANK] = rank.astype("Int64")
    change = pd.Series(pd.NA, index=units.index, dtype="Int64")
    if has_previous and rated.any():
        ranked = pd.DataFrame({"u": group_unit[rated], "p": group_period[rated], "r": rank[rated].to_numpy()})
        previous = ranked.assign(p=ranked["p"] + 1).rename(columns={"r": "before"})
        joined = pd.DataFrame({"u": group_unit, "p": group_period}).merge(previous, on=["u", "p"], how="left")
        before = joined["before"].to_numpy(dtype=float)
        now = rank.to_numpy(dtype=float)
        diff = before - now
        change = pd.Series(np.where(np.isnan(diff), np.nan, diff), index=units.index).astype("Int64")
    units[RANK_CHANGE] = change


def _problem_texts(n: int, read: np.ndarray, found: list[tuple[np.ndarray, str]]) -> np.ndarray:
    out = np.asarray(read, dtype=object).copy() if len(read) == n else np.full(n, "", dtype=object)
    for rows, text in found:
        if len(rows):
            current = out[rows]
            out[rows] = np.where(current == "", text, current + "; " + text)
    return out


def _boolean(values: np.ndarray | None, n: int) -> pd.Series:
    """1 / 0 / NaN as a nullable boolean column (empty where not known)."""
    if values is None:
        return pd.Series(pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool)))
    return pd.Series(pd.arrays.BooleanArray(values == 1.0, np.isnan(values)))


def _orders_table(frame, fields_, per: _Orders, unit, period, row_status, problem) -> pd.DataFrame:
    n = len(frame)
    table = pd.DataFrame({"row": np.arange(n, dtype=np.int64)})
    table[ORDER_ID] = frame[fields_.order_id].to_numpy(dtype=object) if fields_.order_id else ""
    table[UNIT] = unit
    table[PERIOD] = period
    table["closed"] = per.closed
    table["handling_hours"] = per.hours
    table["responded_on_time"] = _boolean(per.responded_on_time, n)
    table["closed_on_time"] = _boolean(per.closed_on_time, n)
    table["resolved"] = _boolean(per.resolved, n)
    table["satisfied"] = _boolean(per.satisfied, n)
    table["repeat"] = _boolean(per.repeat, n)
    table["redispatched"] = _boolean(per.redispatched, n)
    table["deadline"] = per.deadline
    table[HOURS_OVERDUE] = per.overdue_hours
    table[ROW_STATUS] = row_status
    table[PROBLEM] = problem
    return table


def _overdue(frame, fields_, per: _Orders, life: Lifecycle, unit, period) -> pd.DataFrame:
    """Open orders past their deadline, longest overdue first, with who owns them."""
    rows = np.flatnonzero(~np.isnan(per.overdue_hours))
    rows = rows[np.argsort(-per.overdue_hours[rows], kind="stable")]
    table = pd.DataFrame({"row": rows.astype(np.int64)})
    table[ORDER_ID] = frame[fields_.order_id].to_numpy(dtype=object)[rows] if fields_.order_id else ""
    table[UNIT] = unit[rows]
    table[DEPARTMENT] = life.department[rows] if life.department is not None else ""
    table[CLASS_CODE] = frame[fields_.category].to_numpy(dtype=object)[rows] if fields_.category else ""
    table["status"] = frame[fields_.status].to_numpy(dtype=object)[rows] if fields_.status else ""
    table[PERIOD] = period[rows]
    table["created"] = life.created[rows]
    table["deadline"] = per.deadline[rows]
    table[HOURS_OVERDUE] = per.overdue_hours[rows]
    table["redispatch_count"] = life.redispatch[rows] if life.redispatch is not None else np.nan
    return table


def _topics(frame, fields_, per: _Orders, rows, unit_ids, period_index, label_of, request, closure_known, messages):
    """每月一题: per period, the class cases ranked by the orders expected unresolved: n_orders × (1 −
    resolution rate); without answers on resolution, × (1 − on-time closure rate) (said in the messages).
    A class needs ``min_orders`` orders in the period to be ranked."""
    columns = [PERIOD, CLASS_CODE, N_ORDERS, "n_units", RESOLUTION_RATE, SATISFACTION_RATE, CLOSE_RATE]
    columns += [ONTIME_CLOSE_RATE, MEDIAN_HOURS, UNRESOLVED, TOPIC_RANK]
    if not fields_.category:
        messages.append("no class case column (class_code, Complaint Type ...): no topics table")
        return pd.DataFrame({c: [] for c in columns})
    class_ids, class_labels = text_ids(frame[fields_.category])
    c = class_ids[rows].astype(np.int64)
    p = period_index[rows]
    p_first, span = _span(p)
    group, keys = pd.factorize(c * span + (p - p_first), sort=True)
    size = len(keys)
    rates = _rates(group, size, per, rows, closure_known)
    many = int(unit_ids.max()) + 1 if len(unit_ids) else 1
    pairs = pd.unique(group.astype(np.int64) * many + unit_ids[rows])  # (class and period, unit) once each
    n_units = np.bincount(pairs // many, minlength=size)
    group_period = keys % span + p_first
    table = pd.DataFrame(
        {
            PERIOD: np.array([label_of(int(k)) for k in group_period], dtype=object),
            CLASS_CODE: class_labels[keys // span] if size else np.array([], dtype=object),
            N_ORDERS: rates[N_ORDERS],
            "n_units": n_units,
            RESOLUTION_RATE: rates[RESOLUTION_RATE],
            SATISFACTION_RATE: rates[SATISFACTION_RATE],
            CLOSE_RATE: rates[CLOSE_RATE],
            ONTIME_CLOSE_RATE: rates[ONTIME_CLOSE_RATE],
            MEDIAN_HOURS: rates[MEDIAN_HOURS],
        }
    )
    basis = RESOLUTION_RATE if fields_.resolved else ONTIME_CLOSE_RATE
    if not fields_.resolved:
        messages.append("topics: no resolution answers, classes ranked by orders not closed on time instead")
    table[UNRESOLVED] = table[N_ORDERS] * (1.0 - table[basis])
    rankable = (table[N_ORDERS] >= request.min_orders) & table[UNRESOLVED].notna() & (table[CLASS_CODE] != "")
    order_key = table[UNRESOLVED] + table[N_ORDERS] * 1e-9  # ties: the larger class first
    rank = pd.Series(np.nan, index=table.index)
    if rankable.any():
        rank[rankable] = (
            order_key[rankable].groupby(group_period[rankable.to_numpy()]).rank(ascending=False, method="first")
        )
    table[TOPIC_RANK] = rank.astype("Int64")
    table["_p"] = group_period
    table = table.sort_values(["_p", TOPIC_RANK, N_ORDERS], ascending=[True, True, False], na_position="last")
    return table.drop(columns="_p")[columns].reset_index(drop=True)


def _read_messages(fields_, life: Lifecycle, per: _Orders, request, as_of, as_of_said, unit) -> list[str]:
    used = ", ".join(f"{role} ← {column}" for role, column in fields_.as_dict().items() if column)
    messages = [f"unit ← {request.unit_field}; {used}"]
    messages.append(
        f"now: {np.datetime_as_string(as_of, unit='s') if not np.isnat(as_of) else 'unknown'} ({as_of_said})"
    )
    for column, count in life.unread.items():
        messages.append(f"{column}: {count} values not read (see the problem column of the orders)")
    lost = int((~per.valid).sum())
    if lost:
        messages.append(f"{lost} orders without a readable acceptance time: in no period, not assessed")
    no_unit = int(((unit == "") & per.valid).sum())
    if no_unit:
        messages.append(f"{no_unit} orders without a unit ({request.unit_field} empty): shown as unit '', not ranked")
    if life.responded is None:
        messages.append("no sign-off column (签收时间, responded ...): response_rate not measured")
    if life.closed is None and life.state is None:
        messages.append("no closing time or status column: closure rates and overdue orders not measured")
    return messages
