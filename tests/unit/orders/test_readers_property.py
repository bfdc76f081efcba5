"""Readers against random hostile files (issue 24): every generated data row comes back once, in order,
in the right column, with its text untouched (ids with leading zeros stay text).

The files are built as exports write them: random column names (Chinese, English, with quotes and
separators), values with quotes and separators inside, empty values, blank and empty rows, data
rows ending with a separator, title lines above the header, Excel's ``sep=`` line, a byte-order
mark, GBK, workbooks with a cover sheet and the orders split over sheets, Open311 JSON and GeoJSON.
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.orders.ordertable import read_orders

#: The first column: an order id (known name, so the header is recognised) holding the row's number.
MARKERS = ("工单编号", "order_id", "编号", "Unique Key")
CHINESE = "工单地址经度纬度事发类案时间描述泰然街号南湖街道园岭东一深圳市滨河区是否"
NAME_CHARS = st.sampled_from(list(CHINESE + "abcdefgxyzXYZ_ -()#\"'"))
VALUE_CHARS = list(CHINESE + "abcxyz0123456789 .-_/:#\"'()（）【】，。")


def _name() -> st.SearchStrategy[str]:
    return st.text(NAME_CHARS, min_size=1, max_size=8).filter(lambda s: s.strip() and not s.strip()[0].isdigit())


def _value(separator: str) -> st.SearchStrategy[str]:
    chars = st.sampled_from([*VALUE_CHARS, separator])
    return st.one_of(
        st.just(""),
        st.text(chars, max_size=10),
        st.integers(0, 99999).map(lambda i: f"{i:07d}"),  # leading zeros
        st.decimals(-180, 180, places=6, allow_nan=False).map(str),
        st.sampled_from(["None", "null", "NaN", "TRUE", "false", "是", "  ", "2025/1/5 8:00", "8:00"]),
    )


@st.composite
def tables(draw, separator: str = ",", unique: bool = False):
    """(header names, rows). Unless ``unique``, names may repeat, and a repeat may come with a name
    pandas would give it (``a, a.1, a``): the reader must rename as pandas does (:func:`_read_names`)."""
    names = draw(st.lists(_name(), min_size=1, max_size=5, unique_by=lambda s: s))
    if not unique and draw(st.booleans()):
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)):
            at = draw(st.integers(0, len(names)))
            numbered = [f"{name}.1", f"{name}.2"] if any(c.isalpha() for c in name) else []  # "-.1" is a number
            names.insert(at, draw(st.sampled_from([name, name, *numbered])))
    marker = draw(st.sampled_from(MARKERS))
    names = [marker] + [n for n in names if n != marker]
    n_rows = draw(st.integers(0, 12))
    rows = []
    for i in range(n_rows):
        # some rows fill only their id: a sparse export must not hide the header
        sparse = draw(st.booleans()) and draw(st.booleans())
        values = [f"{i:05d}"] + [("" if sparse else draw(_value(separator))) for _ in names[1:]]
        rows.append(values)
    return names, rows


def _csv_text(names, rows, sep, trailing, titles, blanks, sep_line) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    lines = []
    if sep_line:
        lines.append(f"sep={sep}\n")
    lines += [f"{t}\n" for t in titles]
    for record in [names, *rows]:
        out.seek(0)
        out.truncate()
        writer.writerow(record)
        text = out.getvalue()
        lines.append(text[:-1] + sep + "\n" if trailing and record is not names else text)
    for at in sorted(blanks, reverse=True):  # blank and all-empty rows: not rows of the table
        lines.insert(min(len(lines), at + len(titles) + 1 + int(sep_line)), "\n" if at % 2 else sep * len(names) + "\n")
    return "".join(lines)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_names(names: list[str]) -> list[str]:
    """The column names pandas gives a header row: repeats renamed a.1, a.2 ... past names already there."""
    out = io.StringIO()
    csv.writer(out).writerow(names)
    return pd.read_csv(io.StringIO(out.getvalue()), dtype=str).columns.tolist()


def _check(frame, names, rows):
    names = _read_names(names)
    assert len(set(names)) == len(names)
    assert frame.columns.tolist() == names
    assert len(frame) == len(rows)
    assert frame[names[0]].tolist() == [r[0] for r in rows]  # the marker, in order, in its column
    for k, name in enumerate(names):
        assert frame[name].tolist() == [r[k] for r in rows], name


TITLES = st.lists(st.text(st.sampled_from(list(CHINESE + "0123456789年月日：- ")), min_size=1, max_size=15), max_size=3)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    trailing=st.booleans(),
    titles=TITLES,
    blanks=st.lists(st.integers(0, 12), max_size=3),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]),
)
def test_random_csv_reads_back_every_row_in_its_column(tmp_path_factory, data, sep, trailing, titles, blanks, encoding):
    names, rows = data.draw(tables(sep))
    sep_line = sep != "," or data.draw(st.booleans())
    text = _csv_text(names, rows, sep, trailing, [t for t in titles if t.strip()], blanks, sep_line)
    data_bytes = text.encode(encoding)
    if encoding == "gbk" and _valid_utf8(data_bytes):
        # a few GBK characters can also be valid UTF-8 (址 is D6 B7, a Hebrew point in UTF-8): such a
        # file is UTF-8 to every reader; real exports hold enough Chinese text never to be one
        data_bytes = text.encode("utf-8")
    path = tmp_path_factory.mktemp("csv") / "orders.csv"
    path.write_bytes(data_bytes)
    frame, facts = read_orders(path)
    _check(frame, names, rows)
    assert facts["format"] == "csv"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(table=tables(","), trailing=st.booleans(), titles=TITLES, blanks=st.lists(st.integers(0, 12), max_size=3))
def test_random_comma_csv_without_sep_line(tmp_path_factory, table, trailing, titles, blanks):
    names, rows = table
    text = _csv_text(names, rows, ",", trailing, [t for t in titles if t.strip()], blanks, False)
    path = tmp_path_factory.mktemp("csv") / "orders.csv"
    path.write_bytes(text.encode("utf-8"))
    frame, _ = read_orders(path)
    _check(frame, names, rows)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(table=tables(","), cover=st.booleans(), parts=st.integers(1, 3), title=st.booleans())
def test_random_workbooks_read_every_orders_sheet(tmp_path_factory, table, cover, parts, title):
    names, rows = table
    book = openpyxl.Workbook()
    book.remove(book.active)
    if cover:
        sheet = book.create_sheet("封面")
        sheet.append(["本表为工单导出"])
        sheet.append(["共", str(len(rows)), "条"])
    cut = [round(len(rows) * k / parts) for k in range(parts + 1)]
    for k in range(parts):
        sheet = book.create_sheet(f"第{k + 1}部分")
        if title:
            sheet.append(["工单明细"])
        sheet.append(names)
        for row in rows[cut[k] : cut[k + 1]]:
            sheet.append([v if v != "" else None for v in row])
    path = tmp_path_factory.mktemp("xlsx") / "orders.xlsx"
    book.save(path)
    frame, facts = read_orders(path)
    _check(frame, names, rows)
    assert facts["sheets"] == ", ".join(f"第{k + 1}部分" for k in range(parts))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(table=tables(",", unique=True), geojson=st.booleans(), wrapped=st.booleans(), indent=st.sampled_from([None, 2]))
def test_random_json_reads_every_record(tmp_path_factory, table, geojson, wrapped, indent):
    names, rows = table
    records = [{n: (v if v != "" else None) for n, v in zip(names, row)} for row in rows]  # null reads as ""
    if geojson:
        features = [
            {"type": "Feature", "properties": r, "geometry": {"type": "Point", "coordinates": [114.0 + i, 22.5]}}
            for i, r in enumerate(records)
        ]
        payload = {"type": "FeatureCollection", "features": features}
    else:
        payload = {"service_requests": records} if wrapped else records
    path = tmp_path_factory.mktemp("json") / "orders.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=indent), encoding="utf-8")
    frame, facts = read_orders(path)
    assert facts["format"] == ("geojson" if geojson else "open311")
    assert len(frame) == len(rows)
    if rows:
        for k, name in enumerate(names):
            assert frame[name].tolist() == [r[k] for r in rows], name
    if geojson and rows:
        x_name = "geom_x" if {"x", "y"} & set(names) else "x"
        assert frame[x_name].tolist() == [repr(114.0 + i) for i in range(len(rows))]
