"""Dispatch tables (派单表): placed orders grouped by the unit responsible for them, for CSV and XLSX.

A grid centre forwards each order to one responsible person. The summary lists each responsible unit
with its manager, phone, team and street office and how many orders it received; the detail lists
every order under its unit. Orders nobody could take (unassigned, unlocated, invalid) are listed
too, under "待人工处理 (manual)", so nothing silently disappears from the hand-over.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from gridgov.grid_ops.schema import MATCH_METHOD, ON_BOUNDARY, PROBLEM, RESP_CODE, RESP_LEVEL

MANUAL = "待人工处理 manual"
UNIT_COLUMNS = ["street_office", RESP_LEVEL, RESP_CODE, "responsible", "resp_phone", "team_id"]
SUMMARY_SHEET = "汇总 Summary"
DETAIL_SHEET = "派单 Dispatch"


def dispatch_tables(
    placed: pd.DataFrame, extra_columns: list[str] | tuple[str, ...] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, detail) of a geolocation result; ``extra_columns`` (order id, class ...) go into the detail."""
    frame = pd.DataFrame(placed).copy()
    for column in [*UNIT_COLUMNS, MATCH_METHOD, PROBLEM]:
        if column not in frame.columns:
            frame[column] = ""
    frame[UNIT_COLUMNS] = frame[UNIT_COLUMNS].fillna("").astype(str)
    manual = frame[RESP_CODE] == ""
    frame.loc[manual, "street_office"] = MANUAL
    # one row per responsible unit; a dedicated grid spans several grids, so its street office and
    # team are the ones most of its orders came from
    keys = [RESP_LEVEL, RESP_CODE]
    frame["_boundary"] = frame[ON_BOUNDARY].astype(bool) if ON_BOUNDARY in frame else False
    summary = frame.groupby(keys, sort=False).agg(orders=(MATCH_METHOD, "size"), **{ON_BOUNDARY: ("_boundary", "sum")})
    summary = summary.reset_index()
    for column in ("street_office", "responsible", "resp_phone", "team_id"):
        counts = frame.groupby([*keys, column], sort=False).size().reset_index(name="n")
        mode = counts.sort_values("n", ascending=False, kind="stable").drop_duplicates(keys)[[*keys, column]]
        summary = summary.merge(mode, on=keys, how="left")
    summary = summary[[*UNIT_COLUMNS, "orders", ON_BOUNDARY]]
    summary = summary.sort_values(["street_office", "orders"], ascending=[True, False], kind="stable")
    keep = [c for c in extra_columns if c in frame.columns and c not in UNIT_COLUMNS]
    detail = frame[[*UNIT_COLUMNS, *keep, MATCH_METHOD, PROBLEM]].sort_values(
        ["street_office", RESP_CODE], kind="stable"
    )
    return summary.reset_index(drop=True), detail.reset_index(drop=True)


def write_dispatch(placed: pd.DataFrame, path: str | Path, extra_columns=()) -> list[Path]:
    """Write the dispatch table to ``path`` (.xlsx: two sheets; .csv: detail, plus ``*_summary.csv``).

    CSV is written as UTF-8 with a byte-order mark, which Excel on Chinese Windows opens correctly,
    with CRLF line ends (so a cell holding a line break is quoted) and formula-like text escaped
    (:func:`csv_safe`).
    Returns the files written.
    """
    path = Path(path)
    summary, detail = dispatch_tables(placed, extra_columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, ((SUMMARY_SHEET, summary), (DETAIL_SHEET, detail)))
        return [path]
    summary_path = path.with_name(path.stem + "_summary.csv")
    csv_safe(detail).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    csv_safe(summary).to_csv(summary_path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
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
        csv_safe(table).to_csv(csv_path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        written.append(csv_path)
    return written


#: What makes Excel or WPS read a CSV cell as a formula (OWASP, "CSV injection").
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
#: A cell that is a plain signed number held as text (``-73.985``, ``+86``, ``-1,5``, ``-1e-3``): it
#: cannot run as a formula, so it is left as it is (escaping it would corrupt a longitude read from a
#: CSV). Only a ``+`` / ``-`` start is exempted: a tab- or CR-led cell is escaped even when a number.
_PLAIN_NUMBER = re.compile(r"^[+-](\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?\s*$")


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return prefixed by a single quote (OWASP's rule), so a spreadsheet shows it as text instead of
    running it. Only text is touched: a negative number stays a number, and so does a text cell that
    is wholly a plain number (``"-73.985"``, ``"+86"``). A lone ``"-"`` or ``"+"`` is not a number and
    is escaped (the rule stays "only plain numbers are exempt"). Vectorised per column."""
    out = None
    for column in table.columns:
        series = table[column]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        try:  # non-text cells of a mixed column give NA here, and stay as they are
            risky = series.str.contains(_FORMULA_START, na=False).to_numpy(dtype=bool)
            if risky.any():
                risky &= ~series.str.fullmatch(_PLAIN_NUMBER, na=False).to_numpy(dtype=bool)
        except AttributeError:  # no text in the column at all
            continue
        if risky.any():
            if out is None:
                out = table.copy()
            values = series.to_numpy(dtype=object).copy()
            values[risky] = "'" + series[risky].astype(str).to_numpy(dtype=object)
            out[column] = values
    return table if out is None else out


#: Excel's limit of characters in one cell.
MAX_CELL_CHARS = 32_767


def _write_xlsx(path: Path, sheets) -> None:
    """Sheets row by row with openpyxl in write-only mode (streamed: the memory stays small on
    100,000 rows; the CSV form is the quick one). Header bold and frozen, columns as wide as their
    text. Text stays text: phone numbers and codes, and texts that Excel would otherwise read as a
    formula or an error (``=…``, ``+…``, ``-…``, ``@…``, ``#N/A``) are stored as strings.

    openpyxl, not XlsxWriter: QGIS on Windows (OSGeo4W) ships openpyxl only.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)

    def text_cell(sheet, value: str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]  # control characters: not allowed in XML
        if not value.startswith(("=", "+", "-", "@", "#")):
            return value  # openpyxl stores any other str as a string
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula or an error value
        return cell

    for name, table in sheets:
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for i, column in enumerate(table.columns, start=1):
            sample = [str(column), *map(str, table[column].head(200).tolist())]
            width = max(len(v) + sum(1 for c in v if ord(c) > 0x2E80) for v in sample)  # CJK: 2 wide
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 1))
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(column)))
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.itertuples(index=False, name=None):
            sheet.append([_xlsx_value(sheet, value, text_cell) for value in row])
    workbook.save(str(path))


def _xlsx_value(sheet, value, text_cell):
    """A value as openpyxl should store it: None (an empty cell) for missing, numbers and booleans
    as such, everything else as text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return text_cell(sheet, value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        value = value.item() if isinstance(value, np.generic) else value
        if isinstance(value, float) and not math.isfinite(value):
            return None if math.isnan(value) else text_cell(sheet, str(value))  # Excel has no infinity
        return value
    return text_cell(sheet, str(value))
