"""Report times from the text that exports hold, fast, without inventing dates.

Exports mix formats: ISO 8601 with ``T`` or a space (with or without seconds, fraction or offset),
``2025/1/5 8:00``, ``2025-1-5``, Chinese forms (``2025年1月5日 8时30分``, ``2025-01-05 8点``,
``下午3点``), full-width digits, Excel serial day numbers in numeric columns. :func:`parse_times`
reads them group by group, each with a vectorised parser:

1. values that are numbers: Excel serial days (1 ≤ v < 2958466, day 0 = 1899-12-30) or
   ``yyyymmdd`` integers;
2. text ending in an offset (``Z``, ``+08:00``, ``-0500``, ``+08``) right after a clock time
   (``08:00``, ``08:00:00.5``, ISO's ``T0800``): ISO 8601, converted to China Standard Time
   (``Asia/Shanghai``) and made naive. An offset needs a clock time before it: in ``2025 01-05`` the
   ``-05`` is no offset. A range of clock times, ``2025-01-05 08:00-10:00`` (minutes, no seconds, no
   ``T``, then ``-hh:mm``), reads as its start, 08:00: ``-10:00`` is then the range's end, not an
   offset (write ``2025-01-05T08:00-10:00`` or ``08:00:00-10:00`` for the offset);
3. the other text: pandas' ISO 8601 parser (C code, which also takes ``2025/1/5 8:00``, ``2025-1-5``
   and ``20250105``);
4. what is left, normalised (NFKC: full-width digits and colons) and matched by one regular
   expression for the Chinese and clock forms (年月日, 时/点/分/秒, 半, 上午/下午, AM/PM);
5. only the rest goes to pandas' slow per-value ``format="mixed"`` parser, and is kept only where the
   text holds a year (four digits, or a day/month/two-digit-year date): a parser that fills a
   missing date from the calendar would date a bare ``8:00`` or ``Jan 5`` to the day the analysis
   runs and move a district's "current period".

A time of day without a date (``8:00``, ``8时30分``) is no date: NaT with the problem "… is a time of
day without a date", and its clock time in :attr:`ParsedTimes.time_of_day` (for hour filters). A year
or a year and month without a day (``2025``, ``2025-01``, ``2025/1``, ``2025年1月``) is no date either:
NaT with the problem "… has no day" (parsers would date it to the 1st).
Every value is read on its own, so parsing in parts of :data:`PARSE_PART` gives the same result.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from gridgov.grid_ops.schema import as_text

#: Texts parsed per pandas call. A call holds Python's lock for its whole length; in parts, an
#: algorithm parsing a million report times in a QGIS task never stalls the window for long.
PARSE_PART = 50_000

#: The clock all times end on (offsets are converted to it, then dropped).
CHINA_TZ = "Asia/Shanghai"

#: Excel serial day numbers accepted in numeric columns (1900-01-01 … 9999-12-31).
EXCEL_SERIALS = (1.0, 2958466.0)
_EXCEL_DAY0 = np.datetime64("1899-12-30T00:00:00", "s")

_TZ = re.compile(
    r"\d[Tt ]\d.*?(?:\d:\d{2}(?::\d{2}(?:\.\d+)?)?|[Tt]\d{2}(?:\d{2}(?:\d{2}(?:\.\d+)?)?)?)"  # a clock time
    r"\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"  # then the offset
)
#: A year, or a year and a month, without a day: no date (parsers would invent the 1st).
_NO_DAY = re.compile(r"^\s*\d{4}\s*(?:(?:[-/.]|年)\s*\d{1,2}\s*月?)?\s*$")
_AMPM = r"上午|早上|早晨|凌晨|中午|下午|傍晚|晚上|夜间|[AaPp]\.?[Mm]\.?"
_PM = ("中午", "下午", "傍晚", "晚上", "夜间", "p")
_DATE = r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号號]?"
_CLOCK = (
    rf"(?P<ap1>{_AMPM})?\s*(?P<H>\d{{1,2}})\s*[:时時点點]\s*"
    r"(?:(?P<half>半)|(?P<M>\d{1,2})(?:\s*分)?(?:\s*:?\s*(?P<S>\d{1,2})(?:\.\d+)?(?:\s*秒)?)?)?"
    rf"\s*(?P<ap2>{_AMPM})?"
)
_DATE_CLOCK = re.compile(rf"^(?:{_DATE})?(?:\s*[Tt,]?\s*{_CLOCK})?$")
#: Characters that make the plain Chinese forms ISO text (2025年1月5日 8时30分 → 2025-1-5 8:30:).
_TO_ISO = str.maketrans({"年": "-", "月": "-", "日": " ", "号": " ", "時": ":", "时": ":", "點": ":", "点": ":",
                         "分": ":", "秒": ""})  # fmt: skip
_HAS_YEAR = re.compile(r"\d{4}|(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?!\d)")


class ParsedTimes(tuple):
    """``(times, problem)`` as before (so ``times, problem = parse_times(...)`` still works), plus:

    - ``time_of_day``: timedelta64[s] since midnight, also for a bare time without a date (NaT where
      no clock time is known);
    - ``unread``: values that hold something but gave no date and time (bare times included);
    - ``empty``: empty values (None, NaN, blank text).
    """

    def __new__(cls, times: np.ndarray, problem: np.ndarray, time_of_day: np.ndarray, empty: int):
        self = super().__new__(cls, (times, problem))
        self.time_of_day = time_of_day
        self.empty = int(empty)
        self.unread = int(np.isnat(times).sum()) - self.empty
        return self

    @property
    def times(self) -> np.ndarray:
        return self[0]

    @property
    def problem(self) -> np.ndarray:
        return self[1]


def count_unread(problem) -> int:
    """Values that hold something but could not be read as a date and time, from the problem texts of
    :func:`parse_times` (for callers that kept only the ``(times, problem)`` tuple)."""
    texts = pd.Series(np.asarray(problem, dtype=object), dtype=object).fillna("").astype(str)
    return int(((texts != "") & ~texts.str.endswith(" is empty")).sum())


def parse_times(values, field: str = "time") -> ParsedTimes:
    """Timestamps (datetime64[s], NaT where unread) and a problem text per value; see the module docstring.

    Times with an offset are converted to China Standard Time (UTC+8) and made naive, so all rows
    are on one clock. Each value is read on its own, so parsing in parts of :data:`PARSE_PART` gives
    the same result.
    """
    if not hasattr(values, "__len__"):
        values = list(values)
    if len(values) <= PARSE_PART:
        return _parse_part(values, field)
    take = values.iloc if isinstance(values, pd.Series) else values
    parts = [_parse_part(take[start : start + PARSE_PART], field) for start in range(0, len(values), PARSE_PART)]
    return ParsedTimes(
        np.concatenate([p.times for p in parts]),
        np.concatenate([p.problem for p in parts]),
        np.concatenate([p.time_of_day for p in parts]),
        sum(p.empty for p in parts),
    )


def _datetime_values(values) -> np.ndarray | None:
    """datetime64[s] of a datetime column (naive, or aware converted to China Standard Time), else None."""
    dtype = getattr(values, "dtype", None)
    if dtype is None:
        return None
    if isinstance(dtype, pd.DatetimeTZDtype):
        series = pd.Series(values).dt.tz_convert(CHINA_TZ).dt.tz_localize(None)
        return series.to_numpy(dtype="datetime64[s]")
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return np.asarray(values).astype("datetime64[s]")
    return None


def _numbers(raw: np.ndarray) -> np.ndarray:
    """Rows that hold a number (not a bool, not text)."""
    if raw.dtype.kind in "fiu":
        return np.ones(len(raw), dtype=bool)
    if raw.dtype.kind != "O" or pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty"):
        return np.zeros(len(raw), dtype=bool)
    return np.fromiter(
        (isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_) for v in raw),
        dtype=bool,
        count=len(raw),
    )


def _from_numbers(numbers: np.ndarray, field: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, problem, empty) for numbers: Excel serial days or yyyymmdd integers."""
    n = len(numbers)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    problem = np.full(n, "", dtype=object)
    empty = ~np.isfinite(numbers)
    serial = ~empty & (numbers >= EXCEL_SERIALS[0]) & (numbers < EXCEL_SERIALS[1])
    out[serial] = _EXCEL_DAY0 + np.round(numbers[serial] * 86400).astype(np.int64).astype("timedelta64[s]")
    ymd = ~empty & ~serial & (numbers >= 10000101) & (numbers <= 99991231) & (numbers == np.floor(numbers))
    if ymd.any():
        text = pd.Series(numbers[ymd].astype(np.int64).astype(str))
        out[ymd] = pd.to_datetime(text, format="%Y%m%d", errors="coerce").to_numpy(dtype="datetime64[s]")
    problem[empty] = f"{field} is empty"
    for i in np.flatnonzero(~empty & np.isnat(out)):
        value = numbers[i].item()
        problem[i] = f"{field} {value} is a number, not a date and time"
    return out, problem, empty


def _parse_part(values, field: str) -> ParsedTimes:
    n = len(values)
    direct = _datetime_values(values)
    if direct is not None:
        empty = np.isnat(direct)
        problem = np.where(empty, f"{field} is empty", "").astype(object)
        return ParsedTimes(direct, problem, _time_of_day(direct), int(empty.sum()))
    if isinstance(values, pd.Series | pd.Index):
        raw = values.to_numpy(dtype=object)
    elif isinstance(values, np.ndarray):
        raw = values
    else:  # a list: as objects, or numpy would turn ['', 0.0] into the texts '' and '0.0'
        raw = np.empty(len(values), dtype=object)
        raw[:] = list(values)
    if raw.dtype.kind not in "fiuO":
        raw = raw.astype(object)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    problem = np.full(n, "", dtype=object)
    clock = np.full(n, np.timedelta64("NaT"), dtype="timedelta64[s]")
    empty = np.zeros(n, dtype=bool)
    numeric = _numbers(raw)
    if numeric.any():
        rows = np.flatnonzero(numeric)
        out[rows], problem[rows], empty[rows] = _from_numbers(raw[rows].astype(float), field)
    rows = np.flatnonzero(~numeric)
    if len(rows):
        times, texts_problem, bare, blank = _from_text(raw[rows], field)
        out[rows], problem[rows], clock[rows], empty[rows] = times, texts_problem, bare, blank
    clock = np.where(np.isnat(out), clock, _time_of_day(out))
    return ParsedTimes(out, problem, clock, int(empty.sum()))


def _time_of_day(times: np.ndarray) -> np.ndarray:
    return times - times.astype("datetime64[D]").astype("datetime64[s]")


def _from_text(raw: np.ndarray, field: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(times, problem, time of day of bare times, empty) for text values."""
    text = as_text(raw).str.strip().reset_index(drop=True)
    n = len(text)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    clock = np.full(n, np.timedelta64("NaT"), dtype="timedelta64[s]")
    problem = np.full(n, "", dtype=object)
    empty = (text == "").to_numpy(dtype=bool)
    problem[empty] = f"{field} is empty"
    todo = ~empty
    # 2. an offset after a date and a clock time: cut off, the rest read as ISO 8601, moved to UTC+8;
    # a range of clock times (08:00-10:00) read from its start
    found, cut, east, ranges = _offsets(text)
    shown = text  # the texts as given, for the problem texts
    if ranges.any():
        text = text.copy()
        text.iloc[np.flatnonzero(ranges)] = text[ranges].str[:-6].str.rstrip()
    aware = np.flatnonzero(todo & found)
    for size in np.unique(cut[aware]):
        rows = aware[cut[aware] == size]
        if size < 0:
            out[rows] = _aware_iso(text.iloc[rows])
        else:
            local = _naive_iso(text.iloc[rows].str[:-size].str.rstrip())
            out[rows] = _utc_to_china(local - east[rows].astype("timedelta64[s]"))
    if len(aware):
        todo[aware] = False
        todo[aware[np.isnat(out[aware])]] = True  # not ISO after all: the later steps try
    # 3. ISO 8601 (pandas' C parser, lenient about / and one-digit months, days and hours)
    rows = np.flatnonzero(todo & np.isnat(out))
    if len(rows):
        out[rows] = _naive_iso(text.iloc[rows])
    # 4. after NFKC (full-width digits, colons, spaces): the plain Chinese forms made ISO text by
    # replacing characters (C speed), then one pattern for the rest (半, 上午/下午, AM/PM, bare clock times)
    rows = np.flatnonzero(todo & np.isnat(out))
    if not len(rows):
        return _explain(shown, out, problem, clock, empty, field)
    normal = text.iloc[rows].str.normalize("NFKC").str.strip()
    iso = normal.str.translate(_TO_ISO).str.replace("  ", " ", regex=False).str.rstrip(":")
    out[rows] = _naive_iso(iso)
    left = np.isnat(out[rows])
    rows, normal = rows[left], normal[left]
    if not len(rows):
        return _explain(shown, out, problem, clock, empty, field)
    parts = normal.str.extract(_DATE_CLOCK)
    dated, bare_clock, matched = _assemble(parts)
    out[rows] = dated
    bare = matched & np.isnat(dated) & parts["y"].isna().to_numpy() & ~np.isnat(bare_clock)
    clock[rows[bare]] = bare_clock[bare]
    for i in rows[bare]:
        problem[i] = f"{field} {shown.iat[i][:40]!r} is a time of day without a date"
    # 5. the slow parser, only for what no format above read; kept only where the text holds a year
    rows, normal = rows[~matched], normal[~matched]
    if len(rows):
        slow = _mixed(normal)
        has_year = normal.str.contains(_HAS_YEAR).to_numpy(dtype=bool)
        out[rows[has_year]] = slow[has_year]
        for i in rows[~has_year & ~np.isnat(slow)]:
            problem[i] = f"{field} {shown.iat[i][:40]!r} has no year: not read as a date"
    return _explain(shown, out, problem, clock, empty, field)


def _explain(text, out, problem, clock, empty, field):
    """The result of :func:`_from_text`, with a problem text for every value left unread. A year, or a
    year and month, without a day (``2025``, ``2025-01``) is unread: parsers date it to the 1st."""
    short = np.flatnonzero(~empty & (~np.isnat(out) | (problem == "")) & (text.str.len() <= 12).to_numpy(dtype=bool))
    if len(short):
        no_day = short[text.iloc[short].str.normalize("NFKC").str.match(_NO_DAY).to_numpy(dtype=bool)]
        out[no_day] = np.datetime64("NaT")
        for i in no_day:
            problem[i] = f"{field} {text.iat[i][:40]!r} has no day: not read as a date"
    for i in np.flatnonzero(~empty & np.isnat(out) & (problem == "")):
        problem[i] = f"{field} {text.iat[i][:40]!r} is not a date and time"
    return out, problem, clock, empty


#: Texts up to this length are tested as a matrix of character codes; longer ones by the pattern.
_MATRIX_WIDTH = 40


def _offsets(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per text: does it end in an offset (``Z``, ``+08:00``, ``-0500``, ``+08``) after a date and a clock
    time; the length of that offset (-1: a text too long for the matrix, read by pandas), its seconds
    east, and does it end in a range of clock times instead (``08:00-10:00``: its last 6 characters).

    Character tests on a matrix of character codes: no regular expression per value, and the offset
    is cut off and applied here, as pandas' parser of offsets takes microseconds per value.
    """
    n = len(text)
    lengths = text.str.len().to_numpy(dtype=np.int64)
    short = lengths <= _MATRIX_WIDTH
    found = np.zeros(n, dtype=bool)
    cut = np.zeros(n, dtype=np.int64)
    east = np.zeros(n, dtype=np.int64)
    ranges = np.zeros(n, dtype=bool)
    if (~short).any():
        found[~short] = text[~short].str.contains(_TZ).to_numpy(dtype=bool)
        cut[~short] = -1
    rows = np.flatnonzero(short & (lengths >= 8))
    if not len(rows):
        return found, cut, east, ranges
    codes = np.asarray(text.iloc[rows].to_numpy(dtype=object).astype(f"U{_MATRIX_WIDTH}"))
    matrix = codes.view(np.uint32).reshape(len(rows), _MATRIX_WIDTH)
    size = lengths[rows]
    line = np.arange(len(rows))

    def back(k: int) -> np.ndarray:  # the k-th character from the end (0 before the start)
        return np.where(size >= k, matrix[line, np.maximum(size - k, 0)], 0).astype(np.int64)

    def digit(c: np.ndarray) -> np.ndarray:
        return (c >= 48) & (c <= 57)

    def sign(c: np.ndarray) -> np.ndarray:
        return (c == 43) | (c == 45)

    c1, c2, c3, c4, c5, c6 = (back(k) for k in range(1, 7))
    zulu = ((c1 == 90) | (c1 == 122)) & digit(c2)
    colon = sign(c6) & digit(c5) & digit(c4) & (c3 == 58) & digit(c2) & digit(c1)
    four = ~colon & sign(c5) & digit(c4) & digit(c3) & digit(c2) & digit(c1)
    two = ~colon & ~four & sign(c3) & digit(c2) & digit(c1)
    is_digit = digit(matrix)
    tee = (matrix == 84) | (matrix == 116)
    between = tee | (matrix == 32)
    date_time = (is_digit[:, :-2] & between[:, 1:-1] & is_digit[:, 2:]).any(axis=1)
    size_cut = np.select([zulu, colon, four, two], [1, 6, 5, 3], 0)
    clock, seconds = _clock_before(matrix, size - size_cut)
    # hh:mm (no seconds, no T) then -hh:mm: a range of clock times, read from its start (module docstring)
    span = colon & (c6 == 45) & clock & ~seconds & ~tee.any(axis=1)
    found[rows] = date_time & (zulu | colon | four | two) & clock & ~span
    ranges[rows] = span  # also after a Chinese date (2025年1月5日 8:00-10:00)
    cut[rows] = size_cut
    value = np.select(
        [colon, four, two],
        [(c5 - 48) * 36000 + (c4 - 48) * 3600 + (c2 - 48) * 600 + (c1 - 48) * 60,
         (c4 - 48) * 36000 + (c3 - 48) * 3600 + (c2 - 48) * 600 + (c1 - 48) * 60,
         (c2 - 48) * 36000 + (c1 - 48) * 3600],
        0,
    )  # fmt: skip
    sign_char = np.select([colon, four, two], [c6, c5, c3], 43)
    east[rows] = np.where(sign_char == 45, -value, value)
    return found, cut, east, ranges


def _clock_before(matrix: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of character codes: does the text before column ``end`` end in a clock time (``8:00``,
    ``08:00:00``, ``08:00:00.5``, ISO's ``T08``, ``T0800``, ``T080000``), and does that hold seconds."""
    line = np.arange(len(matrix))

    def at(k: np.ndarray) -> np.ndarray:  # the character at column k (0 before the start)
        return np.where(k >= 0, matrix[line, np.clip(k, 0, matrix.shape[1] - 1)], 0).astype(np.int64)

    def digits_before(k: np.ndarray) -> np.ndarray:  # digits in a row ending at column k - 1
        run = np.zeros(len(matrix), dtype=np.int64)
        going = np.ones(len(matrix), dtype=bool)
        for j in range(1, matrix.shape[1] + 1):
            c = at(k - j)
            going &= (c >= 48) & (c <= 57) & (k - j >= 0)
            if not going.any():
                break
            run += going
        return run

    run = digits_before(end)
    fraction = (run > 0) & (at(end - run - 1) == 46)  # 08:00:00.5
    last = np.where(fraction, end - run - 1, end)  # the end of the whole seconds or minutes
    run = np.where(fraction, digits_before(last), run)
    before = at(last - run - 1)
    colon_field = (run == 2) & (before == 58) & ((at(last - 4) >= 48) & (at(last - 4) <= 57))
    # seconds: hh:mm:ss, i.e. another ":dd" before the last field
    seconds = fraction | (colon_field & (at(last - 6) == 58) & (at(last - 5) >= 48) & (at(last - 5) <= 57))
    iso_basic = ~fraction & np.isin(run, (2, 4, 6)) & ((before == 84) | (before == 116))
    iso_basic |= fraction & (run == 6) & ((before == 84) | (before == 116))
    seconds |= iso_basic & (run == 6)
    return colon_field | iso_basic, seconds


def _utc_to_china(times: np.ndarray) -> np.ndarray:
    utc = pd.Series(times.astype("datetime64[ns]")).dt.tz_localize("UTC")
    return utc.dt.tz_convert(CHINA_TZ).dt.tz_localize(None).to_numpy(dtype="datetime64[s]")


def _aware_iso(text: pd.Series) -> np.ndarray:
    aware = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    return aware.dt.tz_convert(CHINA_TZ).dt.tz_localize(None).to_numpy(dtype="datetime64[s]")


def _naive_iso(text: pd.Series) -> np.ndarray:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        return np.full(len(text), np.datetime64("NaT"), dtype="datetime64[s]")
    if not (isinstance(parsed, pd.Series) and parsed.dtype.kind == "M") or isinstance(parsed.dtype, pd.DatetimeTZDtype):
        # an offset slipped in (one without a clock time before it, read in step 2 if it had one): later steps
        return np.full(len(text), np.datetime64("NaT"), dtype="datetime64[s]")
    return parsed.to_numpy(dtype="datetime64[s]")


def _number(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def _assemble(parts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dated times, clock time, matched) from the groups of :data:`_DATE_CLOCK`."""
    has_date = parts["y"].notna().to_numpy()
    has_clock = parts["H"].notna().to_numpy()
    matched = has_date | has_clock
    hour = _number(parts["H"])
    minute = np.where(parts["half"].notna().to_numpy(), 30.0, np.nan_to_num(_number(parts["M"])))
    second = np.nan_to_num(_number(parts["S"]))
    marker = pd.Series(np.where(parts["ap1"].notna(), parts["ap1"], parts["ap2"]), dtype=object)
    marker = marker.where(marker.notna(), "").astype(str).str.lower()
    pm = marker.str.startswith(_PM).to_numpy(dtype=bool)
    am = (marker != "").to_numpy(dtype=bool) & ~pm
    hour = np.where(pm & (hour < 12), hour + 12, np.where(am & (hour == 12), 0, hour))
    good_clock = has_clock & (hour <= 23) & (minute <= 59) & (second <= 59)
    seconds = np.where(good_clock, hour * 3600 + minute * 60 + second, 0).astype(np.int64)
    clock = np.where(good_clock, seconds.astype("timedelta64[s]"), np.timedelta64("NaT"))
    dated = np.full(len(parts), np.datetime64("NaT"), dtype="datetime64[s]")
    rows = np.flatnonzero(has_date & (good_clock | ~has_clock))
    if len(rows):
        ymd = pd.DataFrame(
            {
                "year": _number(parts["y"].iloc[rows]),
                "month": _number(parts["m"].iloc[rows]),
                "day": _number(parts["d"].iloc[rows]),
            }
        )
        days = pd.to_datetime(ymd, errors="coerce").to_numpy(dtype="datetime64[s]")
        dated[rows] = days + np.where(has_clock[rows], clock[rows], np.timedelta64(0, "s"))
    return dated, clock, matched


def _mixed(text: pd.Series) -> np.ndarray:
    """pandas' per-value parser (dateutil), each distinct text once; offsets to China Standard Time."""
    codes, distinct = pd.factorize(text.to_numpy(dtype=object))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(pd.Series(distinct, dtype=object), errors="coerce", format="mixed")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_convert(CHINA_TZ).dt.tz_localize(None)
        if parsed.dtype.kind != "M":
            raise TypeError("mixed offsets")
        values = parsed.to_numpy(dtype="datetime64[s]")
    except (ValueError, TypeError, OverflowError):  # naive and aware mixed: one value at a time
        values = np.array([_one_mixed(v) for v in distinct], dtype="datetime64[s]")
    return values[codes]


def _one_mixed(value: str) -> np.datetime64:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stamp = pd.to_datetime(value, errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError):
        return np.datetime64("NaT")
    if stamp is pd.NaT or stamp is None:
        return np.datetime64("NaT")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(CHINA_TZ).tz_localize(None)
    return np.datetime64(stamp.to_datetime64(), "s")


def parse_times_slowly(values, field: str = "time") -> tuple[np.ndarray, np.ndarray]:
    """The parser before issue 24 (pandas ``format="mixed"`` for every naive value): the reference the
    fast path is tested against. Do not use it in algorithms (it dates a bare ``8:00`` to today)."""
    text = as_text(values).str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    has_tz = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True) & text.str.contains(r"\d[T ]\d", regex=True)
    if has_tz.any():
        aware = pd.to_datetime(text[has_tz], errors="coerce", utc=True, format="ISO8601")
        out[has_tz] = aware.dt.tz_convert(CHINA_TZ).dt.tz_localize(None)
    naive = ~has_tz & (text != "")
    if naive.any():
        out[naive] = pd.to_datetime(text[naive], errors="coerce", format="mixed")
    times = out.to_numpy(dtype="datetime64[s]")
    problem = np.where(np.isnat(times), f"{field} is not a date and time", "").astype(object)
    return times, problem
