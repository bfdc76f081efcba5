"""Dispatch tables (派单表): placed orders grouped by the unit responsible for them, for CSV and XLSX.

A grid centre forwards each order to one responsible person. The summary lists each responsible unit
with its manager, phone, team and street office and how many orders it received; the detail lists
every order under its unit. Orders nobody could take (unassigned, unlocated, invalid) are listed
too, under "待人工处理 (manual)", so nothing silently disappears from the hand-over.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

MANUAL = "待人工处理 manual"
UNIT_COLUMNS = ["street_office", "resp_level", "resp_code", "responsible", "resp_phone", "team_id"]
SUMMARY_SHEET = "汇总 Summary"
DETAIL_SHEET = "派单 Dispatch"


def dispatch_tables(
    placed: pd.DataFrame, extra_columns: list[str] | tuple[str, ...] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, detail) of a geolocation result; ``extra_columns`` (order id, class ...) go into the detail."""
    frame = pd.DataFrame(placed).copy()
    for column in [*UNIT_COLUMNS, "match_method", "problem"]:
        if column not in frame.columns:
            frame[column] = ""
    frame[UNIT_COLUMNS] = frame[UNIT_COLUMNS].fillna("").astype(str)
    manual = frame["resp_code"] == ""
    frame.loc[manual, "street_office"] = MANUAL
    # one row per responsible unit; a dedicated grid spans several grids, so its street office and
    # team are the ones most of its orders came from
    keys = ["resp_level", "resp_code"]
    frame["_boundary"] = frame["on_boundary"].astype(bool) if "on_boundary" in frame else False
    summary = frame.groupby(keys, sort=False).agg(orders=("match_method", "size"), on_boundary=("_boundary", "sum"))
    summary = summary.reset_index()
    for column in ("street_office", "responsible", "resp_phone", "team_id"):
        counts = frame.groupby([*keys, column], sort=False).size().reset_index(name="n")
        mode = counts.sort_values("n", ascending=False, kind="stable").drop_duplicates(keys)[[*keys, column]]
        summary = summary.merge(mode, on=keys, how="left")
    summary = summary[[*UNIT_COLUMNS, "orders", "on_boundary"]]
    summary = summary.sort_values(["street_office", "orders"], ascending=[True, False], kind="stable")
    keep = [c for c in extra_columns if c in frame.columns and c not in UNIT_COLUMNS]
    detail = frame[[*UNIT_COLUMNS, *keep, "match_method", "problem"]].sort_values(
        ["street_office", "resp_code"], kind="stable"
    )
    return summary.reset_index(drop=True), detail.reset_index(drop=True)


def write_dispatch(placed: pd.DataFrame, path: str | Path, extra_columns=()) -> list[Path]:
    """Write the dispatch table to ``path`` (.xlsx: two sheets; .csv: detail, plus ``*_summary.csv``).

    CSV is written as UTF-8 with a byte-order mark, which Excel on Chinese Windows opens correctly.
    Returns the files written.
    """
    path = Path(path)
    summary, detail = dispatch_tables(placed, extra_columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, ((SUMMARY_SHEET, summary), (DETAIL_SHEET, detail)))
        return [path]
    summary_path = path.with_name(path.stem + "_summary.csv")
    detail.to_csv(path, index=False, encoding="utf-8-sig")
    summary.to_csv(summary_path, index=False, encoding="utf-8-sig")
    return [path, summary_path]


def write_sheets(path: str | Path, sheets) -> list[Path]:
    """``sheets``: (sheet name, table, CSV suffix). An .xlsx path gets one workbook plus one CSV per
    sheet (``<stem><suffix>.csv``, UTF-8 with BOM so Excel reads the Chinese); a .csv path gets the CSVs."""
    path = Path(path)
    written = []
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, [(name, table) for name, table, _ in sheets])
        written.append(path)
    for _, table, suffix in sheets:
        csv_path = path.with_name(path.stem + suffix + ".csv")
        table.to_csv(csv_path, index=False, encoding="utf-8-sig")
        written.append(csv_path)
    return written


def _write_xlsx(path: Path, sheets) -> None:
    """Sheets row by row with XlsxWriter: about three times faster than pandas' ``to_excel`` on
    100,000 rows (18 s here; the CSV form is the quick one). Text stays text (phone numbers, codes)."""
    import math

    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    try:
        bold = workbook.add_format({"bold": True})
        for name, table in sheets:
            sheet = workbook.add_worksheet(name)
            sheet.freeze_panes(1, 0)
            for i, column in enumerate(table.columns):
                sample = [str(column), *map(str, table[column].head(200).tolist())]
                width = max(len(v) + sum(1 for c in v if ord(c) > 0x2E80) for v in sample)  # CJK: 2 wide
                sheet.set_column(i, i, min(60, max(8, width + 1)))
            sheet.write_row(0, 0, [str(c) for c in table.columns], bold)
            for r, row in enumerate(table.itertuples(index=False, name=None), start=1):
                for c, value in enumerate(row):
                    if value is None or (isinstance(value, float) and math.isnan(value)):
                        continue
                    if isinstance(value, str):
                        sheet.write_string(r, c, value)
                    elif isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r, c, value)
                    else:
                        sheet.write_string(r, c, str(value))
    finally:
        workbook.close()
