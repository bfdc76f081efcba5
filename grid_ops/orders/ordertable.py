"""Read work orders as they come: CSV in any of the encodings Chinese systems export, XLSX, Open311.

12345 platforms export CSV in UTF-8, UTF-8 with a byte-order mark or GBK / GB18030 (Excel on Chinese
Windows); field names are Chinese or English and differ per vendor. ``read_orders`` returns a plain
DataFrame of text columns (nothing is parsed or dropped here, so a bad value is reported later
against its row) and ``guess_order_fields`` proposes which column holds what.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

#: Encodings tried in order; GB18030 is a superset of GBK and GB2312, so it covers them.
ENCODINGS = ("utf-8-sig", "gb18030")

#: Candidate column names per role, best first; compared case-insensitively without spaces, _ and -.
FIELD_GUESSES: dict[str, tuple[str, ...]] = {
    "x": ("x", "lng", "lon", "long", "longitude", "经度", "x坐标", "gpsx", "pointx", "xcoordinate", "xcoord"),
    "y": ("y", "lat", "latitude", "纬度", "y坐标", "gpsy", "pointy", "ycoordinate", "ycoord"),
    "coord_sys": ("coordsys", "coord_sys", "crs", "坐标系", "srs", "coordinatesystem"),
    "address": ("address", "地址", "事发地址", "详细地址", "incidentaddress", "location", "事发地点", "addr"),
    "order_id": (
        "orderid",
        "order_id",
        "工单编号",
        "工单号",
        "servicerequestid",
        "uniquekey",
        "id",
        "reportid",
        "编号",
    ),
    "time": (
        "reportedat",
        "reported_at",
        "requesteddatetime",
        "createddate",
        "受理时间",
        "上报时间",
        "time",
        "date",
        "时间",
    ),
    "category": ("classcode", "class_code", "类案", "事项类别", "servicecode", "complainttype", "category", "小类代码"),
    # an order's lifecycle (issue 26): as 12345 platforms, NYC 311 and Open311 export it
    "created": (
        "受理时间",
        "createddate",
        "createdat",
        "created",
        "创建时间",
        "登记时间",
        "来电时间",
        "立案时间",
    ),  # else the report time (the "time" role): an order is accepted when it is reported
    "dispatched": (
        "派单时间",
        "派发时间",
        "交办时间",
        "转办时间",
        "分派时间",
        "dispatchedat",
        "dispatchtime",
        "dispatcheddate",
        "dispatched",
        "assignedat",
        "assigneddate",
    ),
    "responded": (
        "签收时间",
        "响应时间",
        "接单时间",
        "首次响应时间",
        "respondedat",
        "responsetime",
        "respondeddate",
        "responded",
        "acknowledgedat",
        "acknowledgeddate",
        "signedat",
        "signofftime",
    ),
    "closed": (
        "办结时间",
        "结案时间",
        "办结日期",
        "完成时间",
        "关闭时间",
        "closeddate",
        "closedat",
        "closedtime",
        "closetime",
        "closed",
        "completeddate",
        "completedat",
        "completiondate",
    ),
    "due": (
        "办理时限",
        "截止时间",
        "办结时限",
        "处理时限",
        "办理期限",
        "到期时间",
        "duedate",
        "dueat",
        "due",
        "deadline",
        "expecteddatetime",
    ),
    "status": ("工单状态", "办理状态", "处理状态", "状态", "status", "orderstatus"),
    "department": (
        "承办单位",
        "承办部门",
        "办理单位",
        "处置单位",
        "责任单位",
        "主办单位",
        "agency",
        "department",
        "handlingunit",
        "handlingdepartment",
        "agencyresponsible",
    ),
    "resolved": ("是否解决", "解决情况", "问题是否解决", "解决状态", "resolved", "isresolved", "resolutionstatus"),
    "satisfaction": (
        "满意度",
        "满意情况",
        "满意度评价",
        "回访满意度",
        "评价结果",
        "评价",
        "satisfaction",
        "satisfactionlevel",
        "rating",
    ),
    "redispatch": (
        "改派次数",
        "退单次数",
        "退回次数",
        "回退次数",
        "重派次数",
        "redispatchcount",
        "redispatches",
        "reassigncount",
        "reassignments",
        "returncount",
    ),
    "urgency": ("紧急程度", "紧急度", "缓急程度", "优先级", "urgency", "priority"),
    "repeat": ("isrepeat", "是否重复", "是否重复件", "重复件", "重复工单", "repeat", "isduplicate", "duplicate"),
}
#: The roles whose names mark a table's header row and an orders sheet (:func:`find_header`,
#: :func:`read_xlsx`): the ones every orders table has. Lifecycle names (状态, status, 评价 ...) are as
#: common in cover sheets and notes, so they mark nothing.
HEADER_ROLES = ("x", "y", "coord_sys", "address", "order_id", "time", "category")
#: Roles that fall back on another role's column when none of their own names is found.
FALLBACK_ROLES = {"created": "time"}


class OrderFileError(ValueError):
    """A file that cannot be read as an orders table (the message says why)."""


def _key(name: str) -> str:
    return (
        str(name).strip().lower().replace(" ", "").replace("_", "").replace("-", "").replace("(", "").replace(")", "")
    )


@dataclass
class OrderFields:
    """Which column holds each role; ``None`` where the table has none."""

    x: str | None = None
    y: str | None = None
    coord_sys: str | None = None
    address: str | None = None
    order_id: str | None = None
    time: str | None = None
    category: str | None = None
    #: lifecycle (issue 26): accepted, dispatched, signed off, closed, due; state and handling unit;
    #: the citizen's answers (resolved, satisfaction); re-dispatches, urgency, repeat flag
    created: str | None = None
    dispatched: str | None = None
    responded: str | None = None
    closed: str | None = None
    due: str | None = None
    status: str | None = None
    department: str | None = None
    resolved: str | None = None
    satisfaction: str | None = None
    redispatch: str | None = None
    urgency: str | None = None
    repeat: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def guess_order_fields(columns) -> OrderFields:
    """Propose a column for each role from the names real exports use (`lng`, `经度`, `Latitude`,
    `办结时间`, `Closed Date` ...); a role in :data:`FALLBACK_ROLES` without a column of its own takes
    its fallback's (``created`` the report time's: the order is accepted when it is reported)."""
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(_key(column), str(column))
    found = {}
    for role, names in FIELD_GUESSES.items():
        found[role] = next((by_key[_key(n)] for n in names if _key(n) in by_key), None)
    for role, other in FALLBACK_ROLES.items():
        found[role] = found[role] or found[other]
    return OrderFields(**found)


def _looks_cjk(text: str) -> bool:
    """Are the non-ASCII characters of ``text`` mostly Chinese (or full-width forms and CJK punctuation)?"""
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return True
    cjk = sum(1 for c in wide if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" or "\uf900" <= c <= "\ufaff")
    return cjk >= 0.8 * len(wide)


#: A line that holds no byte invalid in UTF-8 yet holds a character beyond ASCII: valid UTF-8 text
#: (in the text decoded with ``surrogateescape``, where each invalid byte became U+DC80..U+DCFF).
#: Matched in "\n" + text: a pattern starting with a line break is searched for as a literal (fast).
_UTF8_LINE = re.compile("\n([^\n\udc80-\udcff]*[^\x00-\x7f\udc80-\udcff][^\n\udc80-\udcff]*)(?=\n|\\Z)")


def _whole_gb18030(data: bytes) -> str | None:
    """``data`` decoded as GB18030 in one call, where that gives what :func:`_decode` line by line
    would: every line GB18030 decodes and no non-ASCII line is UTF-8 reading as Chinese. Else None.

    Each line on its own or the whole at once decode alike: no GB18030 or UTF-8 multi-byte sequence
    holds the byte 0x0A, so decoding restarts at every line break either way.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None  # some line is neither: line by line names it
    escaped = "\n" + data.decode("utf-8", errors="surrogateescape")
    if any(_looks_cjk(m.group(1)) for m in _UTF8_LINE.finditer(escaped)):
        return None  # UTF-8 lines among the GBK ones
    return text


def _decode(data: bytes) -> tuple[str, str, str]:
    """(text, encoding, note): UTF-8 (with or without BOM) first, then GB18030; line by line where both mix.

    A file some of whose lines are UTF-8 and others GBK (rows appended by another program) is
    decoded line by line: a line as UTF-8 where it is valid UTF-8 and reads as Chinese text, else as
    GB18030; ``encoding`` is then ``utf-8+gb18030`` and ``note`` names the lines in the minority
    encoding. A line GB18030 cannot decode either stops the read, naming the line.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8-sig", ""
    except UnicodeDecodeError:
        pass
    whole = _whole_gb18030(data)
    if whole is not None:
        return whole, "gb18030", ""
    lines = data.split(b"\n")  # no GBK, GB18030 or UTF-8 multi-byte sequence holds the byte 0x0A
    if lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    texts: list[str] = []
    utf8_lines: list[int] = []
    gb_lines: list[int] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            texts.append(line.decode("ascii"))
            continue
        try:
            text = line.decode("utf-8")
            if _looks_cjk(text):
                texts.append(text)
                utf8_lines.append(number)
                continue
        except UnicodeDecodeError:
            pass
        try:
            texts.append(line.decode("gb18030"))
        except UnicodeDecodeError as err:
            raise OrderFileError(f"line {number}: bytes that are neither UTF-8 nor GBK/GB18030") from err
        gb_lines.append(number)
    text = "\n".join(texts)
    if not utf8_lines:
        return text, "gb18030", ""
    minority, name = (gb_lines, "GBK/GB18030") if len(gb_lines) <= len(utf8_lines) else (utf8_lines, "UTF-8")
    shown = ", ".join(str(n) for n in minority[:5]) + (" ..." if len(minority) > 5 else "")
    note = f"UTF-8 and GBK lines mixed, each decoded on its own; {len(minority)} in {name}: line {shown}"
    return text, "utf-8+gb18030", note


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and the encoding that decoded it: UTF-8 (with or without BOM) first, then GB18030;
    ``utf-8+gb18030`` where lines of both are mixed (each line decoded on its own, see :func:`_decode`)."""
    text, encoding, _ = _decode(data)
    return text, encoding


#: Separators tried for a CSV; the one that splits the first lines into the most regular table wins.
SEPARATORS = (",", "\t", ";", "|")
#: Records looked at to find the separator and the header row.
HEAD_SAMPLE = 200

_SEP_LINE = re.compile(r"^sep=(.)\s*$")
_DATA_CELL = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^\d{4}[-/.年]\d{1,2}")
_KNOWN_NAMES = {_key(name) for role in HEADER_ROLES for name in FIELD_GUESSES[role]}


def _trimmed(fields: list[str]) -> int:
    """Fields up to the last non-empty one (trailing separators add empty fields)."""
    width = len(fields)
    while width and not fields[width - 1].strip():
        width -= 1
    return width


def _choose_separator(head: str) -> str:
    best, best_score = ",", None
    for sep in SEPARATORS:
        try:
            rows = [r for r in csv.reader(io.StringIO(head, newline=""), delimiter=sep) if any(f.strip() for f in r)]
        except csv.Error:
            continue
        widths = [len(r) for r in rows[:HEAD_SAMPLE] if len(r) > 1]  # title lines split by no separator
        modal = max(set(widths), key=lambda w: (widths.count(w), w)) if widths else 1
        score = (widths.count(modal), modal, sep == ",")
        if best_score is None or score > best_score:
            best, best_score = sep, score
    return best


def find_header(rows: list[tuple[int, list[str]]], where: str = "line") -> int:
    """Index in ``rows`` ((line number, fields), blank rows left out) of the header row.

    Rule: title lines above the header fill fewer fields than the table has. The table's field count
    is the most common one among the first :data:`HEAD_SAMPLE` rows that have more than one field
    (the larger on a tie); the header is the first row whose width (fields up to its last non-empty
    one) is at least that count less one (data rows ending in a separator have one field more than
    the header) and that fills at least two fields (one for a one-column table). Where a later such
    row holds two or more known field names (工单编号, 经度, address ...) and the first holds none, that
    later row is the header. A header holding a number
    or a date is data: the file has no header row, and the read stops naming the line.
    """
    sample = rows[:HEAD_SAMPLE]
    widths = [_trimmed(f) for _, f in sample]
    first = None
    known_first = None
    counts = [len(f) for _, f in sample if len(f) > 1]  # the table's field count: the most common one
    table = max(set(counts), key=lambda w: (counts.count(w), w)) if counts else 1
    for i, (_, cells) in enumerate(sample):
        filled = sum(1 for f in cells if f.strip())
        if widths[i] < table - 1 or filled < min(2, table):
            continue
        known = sum(1 for f in cells if _key(f) in _KNOWN_NAMES)
        if first is None:
            first = i
            if known or i == len(sample) - 1:
                break
        elif known >= 2:
            known_first = i
            break
    if first is None:
        raise OrderFileError(f"{where} {rows[0][0] if rows else 1}: no header row (column names) found")
    chosen = known_first if known_first is not None else first
    line, cells = sample[chosen]
    for k, cell in enumerate(cells[: widths[chosen]], start=1):
        if _DATA_CELL.match(cell.strip()):
            raise OrderFileError(
                f"{where} {line}: expected the header row (column names) but field {k} holds data ({cell.strip()!r});"
                " add a header row naming the columns"
            )
    return chosen


def _column_names(fields: list[str], width: int) -> list[str]:
    """Header names, unnamed ones ``column_<k>``; a repeated name becomes ``name.1``, ``name.2`` ... as
    pandas does, skipping a suffix that any header cell already names (``a, a.1, a`` -> ``a, a.1, a.2``)."""
    raw = [fields[k] if k < len(fields) and fields[k].strip() else f"column_{k + 1}" for k in range(width)]
    given = set(raw)
    taken: set[str] = set()
    counts: dict[str, int] = {}
    names: list[str] = []
    for name in raw:
        if name in taken:
            base, count = name, counts.get(name, 0)
            while name in taken or name in given:
                count += 1
                name = f"{base}.{count}"
            counts[base] = count
        taken.add(name)
        names.append(name)
    return names


def table_from_rows(rows: list[tuple[int, list[str]]], where: str = "line") -> tuple[pd.DataFrame, dict[str, str]]:
    """A frame of text columns from (line number, fields) rows: header found (:func:`find_header`),
    trailing empty fields dropped, short rows padded; a row with more filled fields than the header
    stops the read, naming its line. Returns the frame and facts for the log."""
    facts: dict[str, str] = {}
    filled = [(line, f) for line, f in rows if "".join(f).strip()]
    if len(filled) < len(rows):
        facts["empty_rows"] = f"{len(rows) - len(filled)} empty rows skipped"
    if not filled:
        raise OrderFileError("the file is empty")
    at = find_header(filled, where)
    header_line, header = filled[at]
    if at:
        facts["header"] = f"header on {where} {header_line} ({at} title {'line' if at == 1 else 'lines'} skipped)"
    data = filled[at + 1 :]
    width = _trimmed(header)
    allowed = max(width, len(header))
    used = width
    for line, cells in data:
        if len(cells) <= allowed:  # the common case, no field to look at
            continue
        used_here = _trimmed(cells)
        if used_here > allowed:
            raise OrderFileError(
                f"{where} {line} has {used_here} fields but the header ({where} {header_line}) has {width}: "
                "a separator inside a value that is not quoted?"
            )
        used = max(used, used_here)
    if used < len(header):  # a header cell beyond the names: filled in some row?
        used = max([used] + [min(_trimmed(cells), len(header)) for _, cells in data if len(cells) > used])
    names = _column_names(header, used)
    short = [line for line, cells in data if len(cells) < used]
    if short:
        shown = ", ".join(str(n) for n in short[:5]) + (" ..." if len(short) > 5 else "")
        facts["short_rows"] = f"{len(short)} rows with fewer fields than the header ({where} {shown})"
    values = [c if len(c) == used else (c[:used] if len(c) > used else c + [""] * (used - len(c))) for _, c in data]
    # all cells are text: pandas 2 keeps them as objects, pandas 3 as its str dtype (as read_csv(dtype=str))
    frame = pd.DataFrame(values, columns=names) if values else pd.DataFrame(columns=names, dtype=object)
    return frame, facts


def _quote_line(lines: list[str], start: int, end: int) -> int:
    """The line (1-based) in start..end where an unclosed quote opens: where the quote count turns odd."""
    count = 0
    opened = start
    for number in range(start, min(end, len(lines)) + 1):
        before = count
        count += lines[number - 1].count('"')
        if before % 2 == 0 and count % 2 == 1:
            opened = number
    return opened


def _quote_error(line: int, field: str | None = None) -> OrderFileError:
    where = f" (field {field})" if field else ""
    return OrderFileError(
        f"line {line}: a quote opens in a value{where} and is not closed where the row ends, so the rows "
        'after it would be read as part of that value; double the quote ("") or quote the whole value'
    )


def _records(text: str, sep: str, first_line: int) -> tuple[list[tuple[int, list[str]]], list[tuple[int, int]]]:
    """(start line, fields) per record and the (start, end) lines of records that span several lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        records = list(reader)
    except csv.Error:
        records = None
    if records is not None and reader.line_num == len(records):  # no record spans lines: a line each
        return [(i + first_line, fields) for i, fields in enumerate(records) if fields], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows: list[tuple[int, list[str]]] = []
    spanning: list[tuple[int, int]] = []
    end = 0
    try:
        for fields in reader:
            start, end = end + 1, reader.line_num
            if end > start:
                spanning.append((start, end))
            if fields:
                rows.append((start + first_line - 1, fields))
    except csv.Error as err:
        lines = io.StringIO(text, newline="").readlines()
        raise _quote_error(_quote_line(lines, end + 1, reader.line_num) + first_line - 1) from err
    return rows, spanning


def _check_spanning(text: str, sep: str, first_line: int, rows, spanning, width: int) -> None:
    """Refuse records whose line breaks come from an unbalanced quote, not from a value holding a line break.

    A record spanning lines is a swallowed run of rows when it has more or fewer fields than the
    header, or when its first and last lines (or a line inside it) each hold a whole row's fields.
    """
    if not spanning:
        return
    lines = io.StringIO(text, newline="").readlines()
    by_start = {line - first_line + 1: fields for line, fields in rows}
    for start, end in spanning:
        fields = by_start.get(start, [])
        counts = [lines[n - 1].count(sep) + 1 for n in range(start, end + 1)]
        merged = _trimmed(fields) > width or len(fields) < width
        merged |= width >= 3 and ((counts[0] >= width and counts[-1] >= width) or max(counts[1:-1], default=0) >= width)
        if merged:
            raise _quote_error(_quote_line(lines, start, end) + first_line - 1)


def _fast_table(text: str, sep: str, first_line: int) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """:func:`table_from_rows` of a large CSV with pandas' C parser reading the body, or None where it
    might differ from the csv module's reading (then the caller reads every row with it).

    The csv module reads the first lines (title lines, header: :func:`find_header`); pandas the rows
    after the header. Taken only where every body line is one record of the same field count, no line
    is blank or only spaces, and each line holding a quote reads alike with the csv module (which
    also refuses quotes that do not close): so the frame is the one the csv path gives.
    """
    starts = [0]
    for _ in range(HEAD_SAMPLE):
        found = text.find("\n", starts[-1])
        if found < 0:
            return None  # a small file: the csv path is quick
        starts.append(found + 1)
    head = text[: starts[-1]]
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None
    try:
        head_rows, spanning = _records(head, sep, first_line)
    except OrderFileError:
        return None
    if spanning or len(head_rows) < HEAD_SAMPLE or any(not "".join(f).strip() for _, f in head_rows):
        return None  # the sample find_header sees would reach beyond these lines
    at = find_header(head_rows)
    header_line, header = head_rows[at]
    body = text[starts[header_line - first_line + 1] :]
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if not lines or any(not line.strip() for line in lines):
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="c",
            quotechar='"',
            doublequote=True,
            skip_blank_lines=True,
        )
    except (ValueError, pd.errors.ParserError, csv.Error, UnicodeError):  # fmt: skip
        return None
    width_here = frame.shape[1]
    if len(frame) != len(lines):
        return None
    quoted = [i for i, line in enumerate(lines) if '"' in line]
    plain = [line.count(sep) + 1 for line in lines if '"' not in line]
    if any(n != width_here for n in plain):
        return None
    if quoted:
        reader = csv.reader([lines[i] for i in quoted], delimiter=sep, strict=True)
        try:
            parsed = list(reader)
        except csv.Error:
            return None
        if len(parsed) != len(quoted) or reader.line_num != len(quoted):
            return None
        if any(len(f) != width_here for f in parsed) or frame.iloc[quoted].to_numpy().tolist() != parsed:
            return None
    width = _trimmed(header)
    if width_here > max(width, len(header)) or width_here < width:
        return None  # too many or too few fields: the csv path says which line
    used = width
    if width_here > used and used < len(header):
        return None  # header cells beyond the names: the csv path looks at each row
    names = _column_names(header, used)
    facts: dict[str, str] = {}
    if at:
        facts["header"] = f"header on line {header_line} ({at} title {'line' if at == 1 else 'lines'} skipped)"
    frame = frame.iloc[:, :used]
    frame.columns = names
    return frame, facts


def read_csv_table(data: bytes) -> tuple[pd.DataFrame, dict[str, str]]:
    """A CSV as text columns, whatever its encoding, title lines, separator line or trailing separators.

    Returns the frame and facts for the log (format, encoding, where the header was found ...).
    """
    text, encoding, note = _decode(data)
    facts = {"format": "csv", "encoding": encoding}
    if note:
        facts["decoding"] = note
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise OrderFileError("the file is empty")
    first_line = 1
    newline = text.find("\n")
    head_line = text if newline < 0 else text[:newline]
    match = _SEP_LINE.match(head_line.rstrip("\r"))
    if match:  # Excel's "sep=;" line
        sep = match.group(1)
        text = "" if newline < 0 else text[newline + 1 :]
        first_line = 2
    else:
        sample_end = 0
        for _ in range(HEAD_SAMPLE):
            found = text.find("\n", sample_end)
            if found < 0:
                sample_end = len(text)
                break
            sample_end = found + 1
        sep = _choose_separator(text[:sample_end])
    if sep != ",":
        facts["separator"] = {"\t": "tab-separated"}.get(sep, f"separator {sep!r}")
    fast = _fast_table(text, sep, first_line)
    if fast is not None:
        frame, table_facts = fast
        facts.update(table_facts)
        return frame, facts
    rows, spanning = _records(text, sep, first_line)
    frame, table_facts = table_from_rows(rows)
    _check_spanning(text, sep, first_line, rows, spanning, len(frame.columns))
    facts.update(table_facts)
    return frame, facts


def read_csv_text(data: bytes) -> tuple[pd.DataFrame, str]:
    """A CSV as text columns, whatever its encoding; returns the frame and the encoding used."""
    frame, facts = read_csv_table(data)
    return frame, facts["encoding"]


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _records_frame(records: list[dict]) -> pd.DataFrame:
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    return pd.DataFrame(
        {name: [_cell_text(r.get(name)) for r in records] for name in columns}, index=pd.RangeIndex(len(records))
    )


def read_open311(data: bytes | list | dict) -> pd.DataFrame:
    """Open311 GeoReport v2 JSON (a list of service requests, or {"service_requests": [...]})."""
    payload = _load_json(data) if isinstance(data, bytes | str) else data
    if isinstance(payload, dict):
        payload = payload.get("service_requests", payload.get("requests", [payload]))
    if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
        raise OrderFileError("Open311 JSON must be a list of service requests")
    frame = _records_frame(payload)
    if "long" in frame.columns and "coord_sys" not in frame.columns:
        frame["coord_sys"] = "wgs84"  # GeoReport v2 positions are WGS84 by definition
    return frame


def _load_json(data: bytes | str):
    text = decode_bytes(data)[0] if isinstance(data, bytes) else data
    try:
        return json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as err:
        raise OrderFileError(f"not valid JSON (line {err.lineno}, column {err.colno}): {err.msg}") from err


def is_geojson(payload) -> bool:
    """A GeoJSON FeatureCollection or Feature (or a list of Features), told by content, not by name."""
    if isinstance(payload, dict):
        return payload.get("type") in ("FeatureCollection", "Feature")
    return (
        bool(payload)
        and isinstance(payload, list)
        and all(isinstance(f, dict) and f.get("type") == "Feature" for f in payload)
    )


def read_geojson(payload) -> pd.DataFrame:
    """GeoJSON features as rows: their properties as text, plus x/y of the geometry.

    A Point gives its coordinates; any other geometry its representative point (a point inside it),
    said in ``geometry_note``; a missing or broken geometry leaves x/y empty, said there too. Where the
    properties already hold ``x``/``y``, the geometry's go to ``geom_x``/``geom_y``. Positions are
    WGS84 (RFC 7946) unless the file names a ``crs`` (GeoJSON 2008) or the properties a ``coord_sys``.
    """
    from shapely.geometry import shape

    if isinstance(payload, bytes | str):
        payload = _load_json(payload)
    crs = None
    if isinstance(payload, dict) and payload.get("type") == "FeatureCollection":
        features = payload.get("features") or []
        crs = ((payload.get("crs") or {}).get("properties") or {}).get("name")
    elif isinstance(payload, dict):
        features = [payload]
    else:
        features = payload
    records, xs, ys, notes = [], [], [], []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise OrderFileError(f"feature {number}: not a GeoJSON feature")
        records.append(dict(feature.get("properties") or {}))
        geometry = feature.get("geometry")
        x = y = ""
        note = ""
        if not geometry:
            note = "no geometry"
        else:
            try:
                geom = shape(geometry)
                if geom.is_empty:
                    note = "empty geometry"
                elif geom.geom_type == "Point":
                    x, y = (_cell_text(c) for c in geometry["coordinates"][:2])
                else:
                    point = geom.representative_point()
                    x, y = repr(point.x), repr(point.y)
                    note = f"{geom.geom_type}: its representative point"
            except Exception as err:  # shapely raises several kinds for broken coordinates
                note = f"unreadable geometry: {err}"[:120]
        xs.append(x)
        ys.append(y)
        notes.append(note)
    frame = _records_frame(records)
    x_name, y_name = ("geom_x", "geom_y") if {"x", "y"} & set(frame.columns) else ("x", "y")
    frame[x_name] = pd.Series(xs, dtype=object).astype(str) if xs else pd.Series([], dtype=object)
    frame[y_name] = pd.Series(ys, dtype=object).astype(str) if ys else pd.Series([], dtype=object)
    frame["geometry_note"] = pd.Series(notes, dtype=object).astype(str) if notes else pd.Series([], dtype=object)
    if "coord_sys" not in frame.columns:
        frame["coord_sys"] = _crs_name(crs) if crs else "wgs84"
    return frame


def _crs_name(name: str) -> str:
    match = re.search(r"EPSG:{1,2}(\d+)$", name)
    if match:
        return "wgs84" if match.group(1) in ("4326", "84") else f"EPSG:{match.group(1)}"
    return "wgs84" if name.endswith("CRS84") else name


def read_xlsx(path: Path, sheet: str | int | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The orders of a workbook: every sheet with the orders' header, or the one ``sheet`` names.

    Without ``sheet``, the orders' sheet is the first whose header (found as in a CSV: title rows
    skipped) holds a known field name (工单编号, 经度, address ...), else the first sheet with rows; every
    later sheet with the same column names is read too (months split over sheets). Cover, notes and
    field-list sheets are skipped and named in the facts (``sheets``, ``skipped_sheets``).
    """
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, dtype=str, keep_default_na=False)
    except Exception as err:  # openpyxl raises several kinds; the user needs the message
        raise OrderFileError(f"{path.name}: not a readable spreadsheet: {err}") from err
    names = list(book)
    if sheet is not None:
        chosen = names[sheet] if isinstance(sheet, int) and 0 <= sheet < len(names) else sheet
        if chosen not in book:
            raise OrderFileError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(map(str, names))})")
        names = [chosen]
    tables: dict[str, pd.DataFrame] = {}
    skipped: dict[str, str] = {}
    for name in names:
        grid = book[name]
        rows = [(i + 1, [_cell_text(v) for v in values]) for i, values in enumerate(grid.itertuples(index=False))]
        try:
            frame, _ = table_from_rows(rows, where=f"sheet {name!r} row")
        except OrderFileError as err:
            if sheet is not None:
                raise OrderFileError(f"{path.name}: {err}") from err
            skipped[name] = "empty" if "empty" in str(err) else "no header row"
            continue
        tables[name] = frame
    if sheet is not None:
        read = names
    else:
        known = [n for n, f in tables.items() if any(_key(c) in _KNOWN_NAMES for c in f.columns)]
        first = known[0] if known else next(iter(tables), None)
        if first is None:
            raise OrderFileError(f"{path.name}: no sheet holds a table")
        columns = list(tables[first].columns)
        read = [n for n in tables if set(tables[n].columns) == set(columns)]
        for n in tables:
            if n not in read:
                skipped[n] = "no order columns" if n not in known else "other columns"
        for n in read:
            tables[n] = tables[n][columns]
    frame = pd.concat([tables[n] for n in read], ignore_index=True) if len(read) > 1 else tables[read[0]]
    facts = {"format": "xlsx", "sheets": ", ".join(map(str, read))}
    if skipped:
        facts["skipped_sheets"] = "skipped sheets: " + ", ".join(f"{n} ({why})" for n, why in skipped.items())
    return frame.reset_index(drop=True), facts


def read_orders(path: str | Path, sheet: str | int | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read an orders file (CSV, TXT, XLSX, XLS, Open311 JSON, GeoJSON) into text columns.

    JSON is told by content (a file starting with ``{`` or ``[``), GeoJSON from Open311 by its
    ``type``. ``sheet`` names (or numbers, from 0) the one workbook sheet to read. Returns the frame
    and facts about the read for the log, all text: format, encoding, the sheets read and skipped,
    where the header was found, what was skipped.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise OrderFileError(f"{path}: no such file")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return read_xlsx(path, sheet)
    data = path.read_bytes()
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"[") or suffix in (".json", ".geojson"):
        try:
            payload = _load_json(data)
        except OrderFileError:
            if suffix in (".json", ".geojson"):
                raise
            payload = None  # a CSV whose first value starts with a bracket
        if payload is not None:
            if is_geojson(payload):
                return read_geojson(payload), {"format": "geojson"}
            return read_open311(payload), {"format": "open311"}
    return read_csv_table(data)


#: Texts read as true / false by :func:`parse_flags` (compared lower-case, after NFKC and strip). "-1" is
#: true: Access and VBA write True as -1, and the number -1 is true too (non-zero).
TRUE_TEXTS = frozenset({"true", "t", "yes", "y", "1", "1.0", "-1", "-1.0", "是", "真", "对", "有", "√", "✓", "on", "x"})
FALSE_TEXTS = frozenset({"false", "f", "no", "n", "0", "0.0", "否", "假", "错", "无", "×", "✗", "off"})


def parse_flags(values, field: str = "flag") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Booleans from a flag column as exports write it: (flag, known, problem) per value.

    true/false, yes/no, Y/N, T/F, 1/0 (and -1, Access's true), 是/否 (and 真/假, √/×) in any case and
    width; bools and numbers as they are (non-zero is true). Empty values are unknown (flag False,
    known False, no problem); other text is unknown with a problem naming the field.
    ``astype(bool)`` on text reads "false" as True: use this instead.
    """
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    n = len(array)
    flags = np.zeros(n, dtype=bool)
    known = np.zeros(n, dtype=bool)
    problem = np.full(n, "", dtype=object)
    codes, distinct = pd.factorize(array, use_na_sentinel=True)
    for k, value in enumerate(distinct):
        rows = codes == k
        if isinstance(value, bool | np.bool_):
            flags[rows], known[rows] = bool(value), True
            continue
        if isinstance(value, int | float | np.integer | np.floating):
            if np.isfinite(value):
                flags[rows], known[rows] = bool(value != 0), True
            continue
        text = unicodedata.normalize("NFKC", str(value)).strip().lower()
        if text in TRUE_TEXTS:
            flags[rows], known[rows] = True, True
        elif text in FALSE_TEXTS:
            known[rows] = True
        elif text and text not in ("nan", "none", "null"):
            problem[rows] = f"{field} {str(value).strip()[:30]!r} is not true or false"
    return flags, known, problem
