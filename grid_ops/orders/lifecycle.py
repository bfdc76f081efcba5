"""An order's lifecycle as exports write it: accepted, dispatched, signed off, closed, due; its state,
handling unit, the citizen's answers (resolved? satisfied?), re-dispatches, urgency, repeat flag.

12345 platforms and NYC 311 export these as text in their own words (``办结`` / ``Closed``,
``基本满意``, ``已解决``, ``紧急``, ``5个工作日``). :func:`read_lifecycle` turns each column into numbers
a unit assessment can sum, without dropping a row: a value it cannot read becomes "not known" (NaN /
NaT) and a problem text naming the row's field and value, so the user sees what was left out and why.
Which column holds what is recognised in one place, :func:`~gridgov.grid_ops.orders.ordertable.
guess_order_fields`; :func:`lifecycle_fields` adds the columns a request names to those guesses.

Vocabularies (compared after NFKC, in lower case, without spaces, ``_`` and ``-``):

- satisfaction (满意度): :data:`SATISFIED` 满意 / 非常满意 / satisfied; :data:`BASIC` 基本满意 /
  比较满意 / somewhat satisfied; :data:`NEUTRAL` 一般 / neutral; :data:`DISSATISFIED` 不满意 /
  非常不满意 / dissatisfied; not rated (未评价, 未回访, 拒评, empty) is NaN and no problem. Any other
  word is NaN with a problem.
- yes / no (是否解决, repeat flags): 是 / 已解决 / 基本解决 / yes / true / 1 and 否 / 未解决 / 部分解决 /
  no / false / 0. 基本解决 (essentially resolved) counts as resolved, as 基本满意 counts as satisfied;
  部分解决 (partly resolved) does not: a citizen who says so still has the problem.
- state (状态 / Status): closed (办结, 已办结, 结案, 已完成, Closed ...) or open (办理中, 待签收,
  延期, In Progress, Open, Pending, Assigned ...); NYC's ``Unspecified`` is not known.
- urgency (紧急程度): urgent (紧急, 特急, 加急, urgent, high ...) or not (一般, 普通, normal, low ...).
- re-dispatches (退单/改派次数): a whole number ≥ 0; an empty cell is 0 (exports leave it blank for
  an order never sent back).
- due (办理时限 / 截止时间): a date and time, or a time limit counted from acceptance: ``5天`` /
  ``7 days`` (calendar days), ``5个工作日`` / ``5 working days`` (Monday to Friday, no holiday
  calendar), ``48小时`` / ``48 hours``.

Times are read by :func:`read_times`: the platform formats (``2025-01-05 08:00:00`` …) by one
pandas call each, the rest by :func:`~gridgov.grid_ops.orders.times.parse_times` (mixed formats,
offsets, Chinese forms), with the same result as that parser on every value.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass, field, fields, make_dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.orders.ordertable import OrderFields, guess_order_fields
from gridgov.grid_ops.orders.positions import MissingColumnError
from gridgov.grid_ops.orders.times import CHINA_TZ, parse_times
from gridgov.grid_ops.schema import text_ids

#: The lifecycle roles of :class:`~gridgov.grid_ops.orders.ordertable.OrderFields`.
LIFECYCLE_ROLES = (
    "created",
    "dispatched",
    "responded",
    "closed",
    "due",
    "status",
    "department",
    "resolved",
    "satisfaction",
    "redispatch",
    "urgency",
    "repeat",
)
#: The roles holding a time.
TIME_ROLES = ("created", "dispatched", "responded", "closed", "due")

# satisfaction levels: satisfied means BASIC or better (基本满意 counts as satisfied, as 12345 practice has it)
SATISFIED = 3.0
BASIC = 2.0
NEUTRAL = 1.0
DISSATISFIED = 0.0

_SATISFACTION_WORDS = {
    SATISFIED: "满意 非常满意 很满意 十分满意 特别满意 satisfied verysatisfied highlysatisfied",
    BASIC: "基本满意 比较满意 较满意 还算满意 somewhatsatisfied basicallysatisfied fairlysatisfied mostlysatisfied",
    NEUTRAL: "一般 说不清 neutral",
    DISSATISFIED: "不满意 非常不满意 很不满意 不太满意 较不满意 比较不满意 十分不满意 特别不满意 dissatisfied "
    "unsatisfied notsatisfied verydissatisfied veryunsatisfied",
}
#: Words that say "no answer": not known, and not a problem either.
_NO_ANSWER = (
    "未评价 未回访 无评价 未评 暂无评价 无法联系 联系不上 拒绝评价 拒评 暂无 无 未知 不详 "
    "notrated unrated noresponse none na n/a null - / unspecified unknown"
)
_YES = "是 是的 已解决 解决 已经解决 基本解决 已处理好 y yes true t 1 1.0 resolved 重复 重复件 是重复件"
_NO = (
    "否 不是 未解决 没解决 没有解决 未能解决 部分解决 n no false f 0 0.0 "
    "unresolved notresolved partlyresolved partiallyresolved 不重复 非重复 非重复件"
)
_CLOSED = (
    "办结 已办结 结案 已结案 完成 已完成 办理完成 办理完毕 处理完毕 已处理 已关闭 关闭 归档 已归档 "
    "已回访 已评价 待回访 "
    "closed completed complete done resolved finished archived"
)
_OPEN = (
    "办理中 处理中 待处理 待办 待签收 已签收 已派单 待派单 派单中 未办结 未处理 退回 已退回 退单 "
    "延期 延期办理 挂起 督办 受理 已受理 待审核 审核中 "
    "open inprogress pending assigned started new submitted onhold emailsent acknowledged"
)
_URGENT = "紧急 特急 加急 特别紧急 非常紧急 急 急件 特急件 紧急件 高 urgent high critical emergency immediate"
_NORMAL = "一般 普通 正常 不紧急 平件 一般件 普通件 中 低 normal low medium routine standard"


def _norm(text: str) -> str:
    """A word as it is looked up: NFKC (full-width forms), lower case, without spaces, ``_`` and ``-``
    (``In Progress``, ``in_progress`` and ``in-progress`` are one word); a lone ``-`` stays."""
    word = re.sub(r"[\s_]+", "", unicodedata.normalize("NFKC", str(text)).lower())
    return word if word == "-" else word.replace("-", "")


def _table(groups: dict[float, str]) -> dict[str, float]:
    return {_norm(word): value for value, words in groups.items() for word in words.split()}


SATISFACTION_LEVELS = _table(_SATISFACTION_WORDS)
_NO_ANSWER_WORDS = set(_table({np.nan: _NO_ANSWER}))
YES_NO = _table({1.0: _YES, 0.0: _NO})
STATES = _table({1.0: _CLOSED, 0.0: _OPEN})
URGENCY = _table({1.0: _URGENT, 0.0: _NORMAL})

_DURATION = re.compile(
    r"^(?P<n>\d+(?:\.\d+)?)\s*(?:个)?\s*"
    r"(?P<unit>工作日|workingdays?|businessdays?|workdays?|天|日|days?|d|小时|时|hours?|hrs?|h)$"
)


def _as_dict(self) -> dict[str, str | None]:
    return {f.name: getattr(self, f.name) for f in fields(self)}


#: The column of each lifecycle role (None where the orders have none), with the order id and class:
#: the lifecycle part of ``OrderFields``, its roles named once (``LIFECYCLE_ROLES``).
LifecycleFields = make_dataclass(
    "LifecycleFields",
    [(role, "str | None", None) for role in (*LIFECYCLE_ROLES, "order_id", "category")],
    frozen=True,
    namespace={"as_dict": _as_dict, "__doc__": "The column of each lifecycle role, the order id and the class."},
)


def lifecycle_fields(
    columns, chosen: dict[str, str] | None = None, parameters: dict[str, str] | None = None
) -> LifecycleFields:
    """The lifecycle columns: ``chosen`` (role → column; '' for "recognise it") where named, else the
    column :func:`guess_order_fields` recognises. A chosen column the orders lack raises
    :class:`~gridgov.grid_ops.orders.positions.MissingColumnError`, naming the parameter
    (``parameters``: role → parameter as the toolbox names it, e.g. ``CREATED_FIELD``)."""
    columns = [str(c) for c in columns]
    guessed: OrderFields = guess_order_fields(columns)
    found = {}
    for role in (*LIFECYCLE_ROLES, "order_id", "category"):
        name = (chosen or {}).get(role) or ""
        if name and name not in columns:
            parameter = (parameters or {}).get(role, f"{role.upper()}_FIELD")
            raise MissingColumnError(parameter, name, columns)
        found[role] = name or getattr(guessed, role)
    return LifecycleFields(**found)


@dataclass
class Lifecycle:
    """Every order's lifecycle as numbers, one value per input row, NaN / NaT where not known; None for
    a role the orders have no column for. ``problem`` holds, per row, what could not be read ('' where
    all was read), ``unread`` how many values of each field could not be read."""

    n: int
    created: np.ndarray
    dispatched: np.ndarray | None = None
    responded: np.ndarray | None = None
    closed: np.ndarray | None = None
    #: the closed column holds something for the row (read or not): a closure was recorded
    closed_given: np.ndarray | None = None
    #: the deadline where the due column gives one (a time, or acceptance + a time limit)
    due: np.ndarray | None = None
    #: 1 closed, 0 open, NaN not known (the status column's word)
    state: np.ndarray | None = None
    department: np.ndarray | None = None
    resolved: np.ndarray | None = None
    #: :data:`SATISFIED`, :data:`BASIC`, :data:`NEUTRAL`, :data:`DISSATISFIED`; NaN not rated
    satisfaction: np.ndarray | None = None
    redispatch: np.ndarray | None = None
    #: 1 urgent, 0 not, NaN not known; ``urgent`` is True where 1
    urgency: np.ndarray | None = None
    urgent: np.ndarray | None = None
    #: 1 the order repeats an earlier one, 0 it does not, NaN not known
    repeat: np.ndarray | None = None
    problem: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    unread: dict[str, int] = field(default_factory=dict)


class _Problems:
    """Problem texts gathered per row and joined with '; ' once at the end (a million rows, few problems)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, rows: np.ndarray, texts) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows):
            texts = np.broadcast_to(np.asarray(texts, dtype=object), rows.shape)
            self.parts.append((rows, np.asarray(texts, dtype=object)))

    def joined(self) -> np.ndarray:
        out = np.full(self.n, "", dtype=object)
        for rows, texts in self.parts:
            current = out[rows]
            out[rows] = np.where(current == "", texts, current + "; " + texts)
        return out


#: Formats exports write every time in, and the offset after it: '' for none, ``+08:00`` for China
#: Standard Time (app exports: ``2025-01-05T08:00:00+08:00``), cut off and the rest read as local time
#: (pandas reads an offset at two microseconds a value, twenty times slower). China kept summer time
#: from 1986 to 1991, so only times from 1992 on are read that way; earlier ones, and years before
#: 1900 or after 2199, go to parse_times with the rest.
_FORMATS = (
    ("%Y-%m-%d %H:%M:%S", ""),
    ("%Y-%m-%dT%H:%M:%S", "+08:00"),
    ("%Y/%m/%d %H:%M", ""),
    ("%Y-%m-%d %H:%M", ""),
    ("%Y/%m/%d %H:%M:%S", ""),
    ("%Y-%m-%d %H:%M:%S", "+08:00"),
    ("%Y-%m-%dT%H:%M:%S", ""),
    ("%m/%d/%Y %I:%M:%S %p", ""),  # NYC 311 (month first, as parse_times reads it)
)
_YEARS = (np.datetime64("1900-01-01T00:00:00", "s"), np.datetime64("2200-01-01T00:00:00", "s"))
_NO_SUMMER_TIME = np.datetime64("1992-01-01T00:00:00", "s")
#: Texts a format is first tried on, per text length: one that fits none of them is not tried on the
#: rest (they go on to the next format and at last to parse_times: only the speed depends on this).
_SAMPLE = 200


def _formatted(texts: np.ndarray, form: str, offset: str) -> np.ndarray:
    """``texts`` read in one format followed by ``offset`` (NaT where they do not fit it)."""
    out = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[s]")
    text = pd.Series(texts, dtype=object)
    rows = slice(None)
    if offset:
        rows = np.flatnonzero(text.str.endswith(offset).to_numpy(dtype=bool))
        text = text.iloc[rows].str[: -len(offset)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times = pd.to_datetime(text, format=form, errors="coerce").to_numpy(dtype="datetime64[s]", copy=True)
    times[(times < (_NO_SUMMER_TIME if offset else _YEARS[0])) | (times >= _YEARS[1])] = np.datetime64("NaT")
    out[rows] = times
    return out


def read_times(values, field: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, problem, empty) of a column of times: datetime64[s] on China Standard Time (NaT where
    not read), a problem text per value ('' where read or empty) and which values are empty.

    Texts of one length are read by one pandas call per format (:data:`_FORMATS`) that fits them, a
    million in a tenth of a second when they share a format; what no format fits goes to
    :func:`~gridgov.grid_ops.orders.times.parse_times` (mixed and Chinese forms, other offsets, Excel
    serials), whose result this equals on every value (tested). parse_times alone takes about a second
    a million values, too slow for the five time columns of a million orders. Grouping by length keeps
    each call to texts that mostly fit it (pandas is slow on a text that does not).
    """
    n = len(values)
    if not isinstance(values, pd.Series):
        if not hasattr(values, "dtype"):  # a list as objects: numpy would make ['', 0.0] texts
            array = np.empty(n, dtype=object)
            array[:] = list(values)
            values = array
        values = pd.Series(values)
    series = values.reset_index(drop=True)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        out[:] = series.dt.tz_convert(CHINA_TZ).dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
        return out, np.full(n, "", dtype=object), np.isnat(out)
    if dtype.kind == "M":
        out[:] = series.to_numpy(dtype="datetime64[s]")
        return out, np.full(n, "", dtype=object), np.isnat(out)
    problem = np.full(n, "", dtype=object)
    empty = np.zeros(n, dtype=bool)
    rows = np.arange(n)
    if pd.api.types.is_string_dtype(dtype) and pd.api.types.infer_dtype(series, skipna=True) == "string":
        texts = series.to_numpy(dtype=object)  # texts only: a number is no text in a format (Excel serials)
        blank = series.isna().to_numpy() | (series == "").to_numpy(dtype=bool, na_value=False)
        empty[blank] = True
        rows = np.flatnonzero(~blank)
        lengths = np.fromiter(map(len, texts[rows]), dtype=np.int64, count=len(rows))
        left = []
        for size in np.flatnonzero(np.bincount(lengths)):  # the lengths present, without sorting a million
            group = rows[lengths == size]
            for form, offset in _FORMATS:
                if not len(group):
                    break
                if len(group) > _SAMPLE and np.isnat(_formatted(texts[group[:_SAMPLE]], form, offset)).all():
                    continue
                times = _formatted(texts[group], form, offset)
                out[group] = times
                group = group[np.isnat(times)]
            left.append(group)
        rows = np.concatenate(left) if left else rows[:0]
    if len(rows):
        parsed = parse_times(series.iloc[rows], field)
        out[rows] = parsed.times
        texts = np.asarray(parsed.problem, dtype=object)
        blank = texts == f"{field} is empty"
        empty[rows] = blank
        problem[rows] = np.where(blank, "", texts)
    return out, problem, empty


def _words(values, table: dict[str, float], field_name: str, meaning: str, problems: _Problems):
    """(value per row from ``table``, NaN where not known; how many values were no word of it), each
    distinct text looked up once; a word neither in ``table`` nor a "no answer" gets a problem."""
    ids, labels = text_ids(values)
    keys = [_norm(label) for label in labels]
    found = np.array([table.get(key, np.nan) for key in keys], dtype=float)
    unknown = np.array([key not in table and key not in _NO_ANSWER_WORDS and key != "" for key in keys], dtype=bool)
    rows = np.flatnonzero(unknown[ids])
    if len(rows):
        texts = np.array([f"{field_name} {label[:40]!r} is not {meaning}" for label in labels], dtype=object)
        problems.add(rows, texts[ids[rows]])
    return found[ids], len(rows)


def _counts(values, field_name: str, problems: _Problems) -> tuple[np.ndarray, int]:
    """Re-dispatch counts: whole numbers ≥ 0, empty = 0, anything else NaN with a problem."""
    ids, labels = text_ids(values)
    keys = [unicodedata.normalize("NFKC", label).strip() for label in labels]
    numbers = pd.to_numeric(pd.Series(keys, dtype=object), errors="coerce").to_numpy(dtype=float)
    good = np.isfinite(numbers) & (numbers >= 0) & (numbers == np.floor(numbers))
    value = np.where(good, numbers, np.nan)
    blank = np.array([k == "" for k in keys], dtype=bool)
    value[blank] = 0.0
    per_row = value[ids]
    bad = np.flatnonzero(np.isnan(per_row))
    if len(bad):
        texts = [f"{field_name} {labels[ids[i]][:40]!r} is not a count (0, 1, 2 ...)" for i in bad]
        problems.add(bad, np.asarray(texts, dtype=object))
    return per_row, len(bad)


def _limits(texts: np.ndarray, created: np.ndarray) -> np.ndarray:
    """Deadlines from time limits (``5天``, ``5个工作日``, ``48小时``) counted from ``created``; NaT where
    a text is no time limit."""
    out = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[s]")
    ids, labels = pd.factorize(pd.Series(texts, dtype=object).map(_norm))
    for k, label in enumerate(labels):
        match = _DURATION.match(label)
        if not match:
            continue
        amount = float(match.group("n"))
        unit = match.group("unit")
        rows = np.flatnonzero((ids == k) & ~np.isnat(created))
        start = created[rows]
        if unit in ("工作日",) or unit.startswith(("working", "business", "workday")):
            days = start.astype("datetime64[D]")
            clock = start - days.astype("datetime64[s]")
            whole = int(amount)
            ends = np.busday_offset(days, whole, roll="forward")
            out[rows] = ends.astype("datetime64[s]") + clock + np.timedelta64(int((amount - whole) * 86400), "s")
        elif unit in ("天", "日", "d") or unit.startswith("day"):
            out[rows] = start + np.timedelta64(round(amount * 86400), "s")
        else:
            out[rows] = start + np.timedelta64(round(amount * 3600), "s")
    return out


#: The roles read as words: (role, vocabulary, what a value should be, for the problem text).
_WORD_ROLES = (
    ("status", STATES, "a state (办结, 办理中, Closed, Open ...)"),
    ("resolved", YES_NO, "a yes or no (是, 否, 已解决, 未解决 ...)"),
    ("satisfaction", SATISFACTION_LEVELS, "a satisfaction answer (满意, 基本满意, 不满意, 未评价 ...)"),
    ("urgency", URGENCY, "an urgency (紧急, 一般, urgent, normal ...): read as not urgent"),
    ("repeat", YES_NO, "a yes or no (是, 否, True, False ...)"),
)


def read_lifecycle(frame: pd.DataFrame, fields_: LifecycleFields) -> Lifecycle:
    """Every row's lifecycle from the columns ``fields_`` names (see the module docstring for the words
    read); a value that cannot be read is NaN / NaT with a problem naming its field and value. An empty
    created time is a problem too (the order has no period); other empty cells are simply not known."""
    n = len(frame)
    problems = _Problems(n)
    unread: dict[str, int] = {}
    result = Lifecycle(n=n, created=np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"))
    for role in TIME_ROLES:
        column = getattr(fields_, role)
        if not column:
            continue
        times, problem, empty = read_times(frame[column], column)
        bad = np.flatnonzero(problem != "")
        if role == "due":  # a time limit (5个工作日) instead of a date: counted from acceptance
            texts = frame[column].to_numpy(dtype=object)[bad]
            limits = _limits(np.asarray([str(t) for t in texts], dtype=object), result.created[bad])
            read = ~np.isnat(limits)
            times[bad[read]] = limits[read]
            problem[bad[read]] = ""
            bad = bad[~read]
        problems.add(bad, problem[bad])
        unread[column] = len(bad)
        if role == "created":
            blank = np.flatnonzero(empty)
            problems.add(blank, f"{column} is empty: the order has no period")
            unread[column] += len(blank)
        if role == "closed":
            result.closed_given = ~empty
        setattr(result, role, times)
    for role, table, meaning in _WORD_ROLES:
        column = getattr(fields_, role)
        if column:
            value, unread[column] = _words(frame[column], table, column, meaning, problems)
            setattr(result, role if role != "status" else "state", value)
    if result.urgency is not None:
        result.urgent = result.urgency == 1.0
    if fields_.department:
        ids, labels = text_ids(frame[fields_.department])
        result.department = labels[ids]
    if fields_.redispatch:
        result.redispatch, unread[fields_.redispatch] = _counts(frame[fields_.redispatch], fields_.redispatch, problems)
    result.problem = problems.joined()
    result.unread = {k: v for k, v in unread.items() if v}
    return result
