"""Dispatch tables: one summary row per responsible unit, every order in the detail, nothing lost."""

from __future__ import annotations

import pandas as pd

from gridgov.grid_ops.orders.dispatch_table import DETAIL_SHEET, MANUAL, SUMMARY_SHEET, dispatch_tables, write_dispatch

PLACED = pd.DataFrame(
    {
        "order_id": ["A", "B", "C", "D", "E"],
        "resp_level": ["dedicated", "dedicated", "grid", "", "dedicated"],
        "resp_code": ["Z1", "Z1", "G1", "", "Z1"],
        "responsible": ["王", "王", "李", "", "王"],
        "resp_phone": ["139", "139", "138", "", "139"],
        "team_id": ["T1", "T2", "T1", "", "T1"],
        "street_office": ["南湖街道办事处", "东门街道办事处", "南湖街道办事处", "", "南湖街道办事处"],
        "match_method": ["inside", "boundary", "inside", "unassigned", "inside"],
        "on_boundary": [False, True, False, False, False],
        "problem": ["", "", "", "position is 3 km from the nearest grid", ""],
    }
)


def test_one_row_per_unit_and_every_order_listed():
    summary, detail = dispatch_tables(PLACED, ["order_id"])
    assert summary["orders"].sum() == len(detail) == len(PLACED)
    z1 = summary[summary["resp_code"] == "Z1"].iloc[0]
    assert z1["orders"] == 3 and z1["on_boundary"] == 1
    assert z1["street_office"] == "南湖街道办事处" and z1["team_id"] == "T1"  # most of its orders
    assert summary["resp_code"].is_unique
    manual = detail[detail["street_office"] == MANUAL]
    assert manual["order_id"].tolist() == ["D"] and "3 km" in manual["problem"].iloc[0]


def test_written_as_xlsx_and_as_csv(tmp_path):
    [xlsx] = write_dispatch(PLACED, tmp_path / "d.xlsx", ["order_id"])
    sheets = pd.read_excel(xlsx, sheet_name=None, dtype=str)
    assert set(sheets) == {SUMMARY_SHEET, DETAIL_SHEET} and len(sheets[DETAIL_SHEET]) == 5
    assert sheets[SUMMARY_SHEET]["resp_phone"].tolist().count("139") == 1  # phone kept as text
    detail_csv, summary_csv = write_dispatch(PLACED, tmp_path / "d.csv", ["order_id"])
    assert detail_csv.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel on Chinese Windows reads UTF-8
    assert len(pd.read_csv(summary_csv, dtype=str)) == 3


def test_workbook_read_back_keeps_text_as_text(tmp_path):
    """openpyxl reads the workbook back: both sheets, a bold frozen header, widened columns, and texts
    Excel would take for a formula or an error stored as strings, unchanged."""
    import openpyxl

    hostile = ["=1+1", "+8613912345678", "-3", "@SUM(A1:A2)", "#N/A"]
    placed = PLACED.assign(order_id=hostile, resp_phone=["0139", "0139", "0138", "", "0139"])
    [xlsx] = write_dispatch(placed, tmp_path / "d.xlsx", ["order_id"])
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == [SUMMARY_SHEET, DETAIL_SHEET]
    detail = book[DETAIL_SHEET]
    header = [cell.value for cell in detail[1]]
    assert header[:7] == [
        "street_office",
        "resp_level",
        "resp_code",
        "responsible",
        "resp_phone",
        "team_id",
        "order_id",
    ]
    assert all(cell.font.bold for cell in detail[1])
    assert detail.freeze_panes == "A2" and book[SUMMARY_SHEET].freeze_panes == "A2"
    assert detail.column_dimensions["A"].width >= 2 * len("南湖街道办事处")  # CJK counted twice as wide
    column = header.index("order_id") + 1
    cells = [detail.cell(row=r, column=column) for r in range(2, detail.max_row + 1)]
    assert sorted(cell.value for cell in cells) == sorted(hostile)
    assert all(cell.data_type == "s" for cell in cells)
    phones = [detail.cell(row=r, column=header.index("resp_phone") + 1) for r in range(2, detail.max_row + 1)]
    assert {cell.value for cell in phones} >= {"0139", "0138"} and all(
        cell.data_type == "s" for cell in phones if cell.value is not None
    )
    summary = book[SUMMARY_SHEET]
    orders = [row[0] for row in summary.iter_rows(min_row=2, min_col=7, max_col=7, values_only=True)]
    assert sorted(orders) == [1, 1, 3]  # numbers stay numbers
