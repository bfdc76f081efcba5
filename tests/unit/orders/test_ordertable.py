"""Reading orders: encodings, Excel sheets, Open311 and GeoJSON, header detection, field guesses and
flags; an unreadable file says why."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from gridgov.grid_ops.orders.ordertable import OrderFileError, guess_order_fields, read_orders

ROWS = pd.DataFrame(
    {
        "工单编号": ["GD1", "GD2"],
        "经度": ["114.0601", "114.0702"],
        "纬度": ["22.6012", "22.6103"],
        "事发地址": ["深圳市滨河区南湖街道泰然街41号", "桂园街道园岭东一街32号"],
    }
)


HEADER = "工单编号,经度,纬度,事发地址"


DATA = ["GD001,114.06,22.60,泰然街41号", "GD002,114.07,22.61,园岭东一街32号"]


def _csv(tmp_path, text: str, encoding: str = "utf-8", name: str = "o.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_reads_the_same(tmp_path, encoding):
    path = tmp_path / "orders.csv"
    ROWS.to_csv(path, index=False, encoding=encoding)
    frame, facts = read_orders(path)
    assert frame.equals(ROWS)
    assert facts["encoding"] in ("utf-8-sig", "gb18030")


def test_xlsx_and_open311(tmp_path):
    ROWS.to_excel(tmp_path / "o.xlsx", index=False)
    frame, facts = read_orders(tmp_path / "o.xlsx")
    assert facts["format"] == "xlsx" and frame.equals(ROWS)
    requests = [
        {
            "service_request_id": "638344",
            "service_code": "006",
            "lat": 37.76,
            "long": -122.41,
            "requested_datetime": "2010-04-14T06:37:38-08:00",
        },
        {
            "service_request_id": "638349",
            "service_code": "006",
            "lat": None,
            "long": None,
            "address": "8TH AVE and JUDAH ST",
        },
    ]
    (tmp_path / "r.json").write_text(json.dumps(requests))
    frame, facts = read_orders(tmp_path / "r.json")
    assert facts["format"] == "open311" and len(frame) == 2
    fields = guess_order_fields(frame.columns)
    assert (fields.x, fields.y, fields.order_id, fields.time, fields.category) == (
        "long",
        "lat",
        "service_request_id",
        "requested_datetime",
        "service_code",
    )
    assert frame["coord_sys"].tolist() == ["wgs84", "wgs84"] and frame["lat"][1] == ""


def test_unreadable_files_say_why(tmp_path):
    (tmp_path / "bad.json").write_text("[{]")
    with pytest.raises(OrderFileError, match="not valid JSON"):
        read_orders(tmp_path / "bad.json")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(OrderFileError, match="empty"):
        read_orders(tmp_path / "empty.csv")
    with pytest.raises(OrderFileError, match="no such file"):
        read_orders(tmp_path / "missing.csv")


def test_field_guesses_for_common_exports():
    assert guess_order_fields(["经度", "纬度", "坐标系", "事发地址"]).as_dict()["x"] == "经度"
    fields = guess_order_fields(["Unique Key", "Created Date", "Complaint Type", "Latitude", "Longitude"])
    assert (fields.x, fields.y, fields.order_id, fields.time, fields.category) == (
        "Longitude",
        "Latitude",
        "Unique Key",
        "Created Date",
        "Complaint Type",
    )


@pytest.mark.parametrize(
    "text",
    [
        "\n".join([HEADER] + [row + "," for row in DATA]) + "\n",  # data rows end with a comma
        "\n".join([HEADER + ","] + [row + "," for row in DATA]) + "\n",  # so does the header
        "\n".join(["2025年1月 工单明细", HEADER, *DATA]) + "\n",  # a title line
        "\n".join(["滨河区12345工单导出", "导出时间：2025-02-01,导出人：张三", "", HEADER, *DATA]) + "\n",
        "\n".join(["工单明细,,,", HEADER, *DATA]) + "\n",  # a merged title cell as Excel writes it
        "\n".join(["sep=;", HEADER.replace(",", ";")] + [r.replace(",", ";") for r in DATA]) + "\n",
        "\n".join(["sep=,", HEADER] + [row + "," for row in DATA]) + "\n",
    ],
    ids=["trailing-comma", "trailing-comma-header", "title", "titles", "title-cells", "excel-sep", "sep-and-comma"],
)
def test_header_is_found_and_columns_do_not_shift(tmp_path, text):
    frame, _facts = read_orders(_csv(tmp_path, text))
    assert frame.columns.tolist() == HEADER.split(",")
    assert frame["工单编号"].tolist() == ["GD001", "GD002"]
    assert frame["事发地址"].tolist() == ["泰然街41号", "园岭东一街32号"]


def test_header_line_is_said(tmp_path):
    _, facts = read_orders(_csv(tmp_path, "\n".join(["标题", "副标题", HEADER, *DATA])))
    assert "line 3" in facts["header"] and "2 title lines" in facts["header"]


def test_no_header_or_extra_fields_stop_with_the_line(tmp_path):
    with pytest.raises(OrderFileError, match=r"line 1: .*header"):
        read_orders(_csv(tmp_path, "\n".join(DATA * 3)))  # no header row at all
    with pytest.raises(OrderFileError, match=r"line 3 has 5 fields.*header \(line 1\) has 4"):
        read_orders(_csv(tmp_path, "\n".join([HEADER, DATA[0], DATA[1] + ",多出来的值"])))


def test_an_unbalanced_quote_is_refused_naming_its_line(tmp_path):
    rows = [HEADER, DATA[0], 'GD002,114.07,22.61,"园岭东一街32号', "GD003,114.08,22.62,某路1号",
            "GD004,114.09,22.63,某路2号", 'GD005,114.10,22.64,"有逗号, 的地址"']  # fmt: skip
    with pytest.raises(OrderFileError, match=r"line 3: .*quote"):
        read_orders(_csv(tmp_path, "\n".join(rows)))
    # the quote closes at a value's end on a later line: still several rows in one value
    rows = [HEADER, DATA[0], 'GD002,114.07,22.61,"园岭东一街32号', "GD003,114.08,22.62,某路1号",
            'GD004,114.09,22.63,某路2号"']  # fmt: skip
    with pytest.raises(OrderFileError, match=r"line 3: .*quote"):
        read_orders(_csv(tmp_path, "\n".join(rows)))
    # a value that really holds a line break, quoted as it should be, is read
    frame, _ = read_orders(_csv(tmp_path, "\n".join([HEADER, DATA[0], 'GD002,114.07,22.61,"园岭东\n一街32号"'])))
    assert frame["事发地址"].tolist() == ["泰然街41号", "园岭东\n一街32号"]


def test_every_sheet_with_the_orders_header_is_read(tmp_path):
    first, second = ROWS.iloc[:1], ROWS.iloc[1:]
    path = tmp_path / "o.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"说明": ["本表为2025年1月工单", "共2条"]}).to_excel(writer, sheet_name="封面", index=False)
        first.to_excel(writer, sheet_name="1月上", index=False)
        pd.DataFrame({"字段": ["工单编号"], "含义": ["编号"]}).to_excel(writer, sheet_name="字段说明", index=False)
        second.to_excel(writer, sheet_name="1月下", index=False, startrow=1)  # a title row above
    frame, facts = read_orders(path)
    assert frame.equals(ROWS)
    assert facts["sheets"] == "1月上, 1月下" and "封面" in facts["skipped_sheets"]
    frame, facts = read_orders(path, sheet="1月下")
    assert frame["工单编号"].tolist() == ["GD2"] and facts["sheets"] == "1月下"
    with pytest.raises(OrderFileError, match=r"no sheet '2月'.*1月上"):
        read_orders(path, sheet="2月")


def test_a_workbook_without_orders_says_so(tmp_path):
    path = tmp_path / "cover.xlsx"
    pd.DataFrame({"说明": ["本表为空"]}).to_excel(path, index=False)
    frame, _facts = read_orders(path)  # a single sheet is read whatever its header: its rows are the orders
    assert len(frame) == 1


@pytest.mark.parametrize("pretty", [False, True])
def test_geojson_is_told_from_open311_by_content(tmp_path, pretty):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"order_id": "007", "类案": "0601"},
             "geometry": {"type": "Point", "coordinates": [114.06, 22.6]}},
            {"type": "Feature", "properties": {"order_id": "008", "类案": "0503"},
             "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}},
            {"type": "Feature", "properties": {"order_id": "009", "类案": None}, "geometry": None},
        ],
    }  # fmt: skip
    text = json.dumps(collection, ensure_ascii=False, indent=2 if pretty else None)
    for name in ("o.geojson", "o.json", "o.txt"):
        frame, facts = read_orders(_csv(tmp_path, text, name=name))
        assert facts["format"] == "geojson" and len(frame) == 3
        assert frame["order_id"].tolist() == ["007", "008", "009"]
        assert frame["x"].tolist()[0] == "114.06" and frame["y"].tolist()[0] == "22.6"
        assert frame["类案"].tolist() == ["0601", "0503", ""]
        assert frame["geometry_note"].tolist()[0] == ""
        assert "Polygon" in frame["geometry_note"][1] and frame["geometry_note"][2] == "no geometry"
        assert frame["x"][2] == "" and 0 < float(frame["x"][1]) < 2
    one = {"type": "Feature", "properties": {"id": "1"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
    frame, facts = read_orders(_csv(tmp_path, json.dumps(one), name="one.json"))
    assert facts["format"] == "geojson" and frame["x"].tolist() == ["1"]
    wrapped = {"service_requests": [{"service_request_id": "1", "lat": 1, "long": 2}]}
    frame, facts = read_orders(_csv(tmp_path, json.dumps(wrapped, indent=2), name="w.json"))
    assert facts["format"] == "open311" and frame["service_request_id"].tolist() == ["1"]


def test_mixed_utf8_and_gbk_lines_are_each_decoded(tmp_path):
    lines = [
        HEADER.encode("utf-8"),
        DATA[0].encode("utf-8"),
        DATA[1].encode("gbk"),
        "GD003,114.08,22.62,某路1号".encode(),
    ]
    (tmp_path / "mixed.csv").write_bytes(b"\r\n".join(lines) + b"\r\n")
    frame, facts = read_orders(tmp_path / "mixed.csv")
    assert frame["事发地址"].tolist() == ["泰然街41号", "园岭东一街32号", "某路1号"]
    assert frame.columns.tolist() == HEADER.split(",")
    assert facts["encoding"] == "utf-8+gb18030" and "line 3" in facts["decoding"]
    # and the other way round: a GBK file with one UTF-8 line
    lines = [HEADER.encode("gbk"), DATA[0].encode("utf-8"), DATA[1].encode("gbk")]
    (tmp_path / "mixed2.csv").write_bytes(b"\n".join(lines))
    frame, facts = read_orders(tmp_path / "mixed2.csv")
    assert frame.columns.tolist() == HEADER.split(",") and frame["事发地址"][0] == "泰然街41号"
    assert "line 2" in facts["decoding"]


def test_text_flags_read_as_booleans():
    from gridgov.grid_ops.orders.ordertable import parse_flags

    values = ["true", "false", "FALSE", "是", "否", "1", "0", "Y", "n", "", None, "yes", "No", "maybe", 1, 0.0,
              True, False, float("nan"), "１", " true "]  # fmt: skip
    flags, known, problem = parse_flags(values, "is_repeat")
    assert flags.tolist() == [True, False, False, True, False, True, False, True, False, False, False, True, False,
                              False, True, False, True, False, False, True, True]  # fmt: skip
    assert known.tolist() == [True] * 9 + [False, False] + [True, True, False] + [True] * 4 + [False] + [True, True]
    assert problem[13] == "is_repeat 'maybe' is not true or false" and problem[9] == ""
    # the bug: what the algorithms did with a text column
    assert pd.Series(["false"]).fillna(False).astype(bool).tolist() == [True]


def test_minus_one_is_true_as_text_and_as_number():
    """Access and VBA write True as -1: the text reads as the number does."""
    from gridgov.grid_ops.orders.ordertable import parse_flags

    flags, known, problem = parse_flags(["-1", -1, " -1 ", "-1.0", -1.0, "0"], "is_repeat")
    assert flags.tolist() == [True, True, True, True, True, False]
    assert known.all() and not any(problem)


@pytest.mark.parametrize(
    "tail",
    ["", "1,2,3,", "9,x", '9,"a\nb",c', "\n\n5,6,7", "  ", '9,a"b,c'],
    ids=["plain", "trailing-separator", "short-row", "value-with-line-break", "blank-lines", "spaces", "bare-quote"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_large_csv_body_read_by_pandas_equals_the_csv_module(monkeypatch, tail, encoding):
    """Above HEAD_SAMPLE lines pandas' C parser reads the body, only where that gives what the csv
    module gives (else the csv module reads every row): frame and facts alike either way."""
    from gridgov.grid_ops.orders import ordertable

    rows = ["标题：工单导出", "工单编号,地址,描述"] + [f'{i:05d},"深圳,{i}号","说""明"' for i in range(300)]
    data = ("\r\n".join(rows + ([tail] if tail else [])) + "\r\n").encode(encoding)
    taken = []
    fast = ordertable._fast_table
    monkeypatch.setattr(ordertable, "_fast_table", lambda *a: taken.append(fast(*a)) or taken[-1])
    frame, facts = ordertable.read_csv_table(data)
    assert (taken[0] is not None) == (tail in ("", '9,a"b,c')), taken  # pandas reads the plain ones
    monkeypatch.setattr(ordertable, "_fast_table", lambda *a: None)
    slow_frame, slow_facts = ordertable.read_csv_table(data)
    pd.testing.assert_frame_equal(frame, slow_frame)
    assert facts == slow_facts
    assert frame["工单编号"].iloc[0] == "00000" and frame["地址"].iloc[299] == "深圳,299号"
    assert frame["描述"].iloc[0] == '说"明' and facts["header"].startswith("header on line 2")
