"""The assessment as a workbook for the monthly review meeting: the units' table, the overdue list, the
class cases (每月一题) and a sheet saying how every number was defined and what was left out.

Written by the orders package's sheet writer (openpyxl in write-only mode, the same as the dispatch
table: bold frozen header, columns as wide as their text, text never read as a formula), so the
assessment's XLSX looks like the plugin's other workbooks; an ``.xlsx`` path gets one CSV per sheet
beside it, a ``.csv`` path only the CSVs.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from gridgov.grid_ops.assessment import engine
from gridgov.grid_ops.orders.dispatch_table import write_sheets

UNITS_SHEET = "考评 Assessment"
OVERDUE_SHEET = "超期 Overdue"
TOPICS_SHEET = "每月一题 Topics"
NOTES_SHEET = "说明 Notes"

#: Rates shown as percentages with one decimal, hours with one decimal, the score with two.
_PERCENT = ("response_rate", "ontime_close_rate", "close_rate", "resolution_rate", "satisfaction_rate")
_PERCENT += ("repeat_rate", "redispatch_rate")


def _for_people(table: pd.DataFrame) -> pd.DataFrame:
    """Times as text (``2025-03-01 08:00:00``), rates in percent, hours and scores rounded: the numbers
    a meeting reads, the engine's own table keeps full precision."""
    out = table.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype.kind == "M":
            text = series.dt.strftime("%Y-%m-%d %H:%M:%S")
            out[column] = text.where(series.notna(), None).astype(object)
        elif column in _PERCENT:
            out[column] = (series.astype(float) * 100).round(1)
        elif column in ("median_hours", "p90_hours", "hours_overdue", "unresolved"):
            out[column] = series.astype(float).round(1)
        elif column == "score":
            out[column] = series.astype(float).round(2)
    return out.rename(columns={c: f"{c} %" for c in _PERCENT if c in out.columns})


def definitions() -> list[str]:
    """The definitions of the engine's docstring, one plain sentence each (no markup, no line breaks)."""
    text = (engine.__doc__ or "").split("\n- ", 1)[1].split("\n\nEvery rate", 1)[0]
    out = []
    for item in text.split("\n- "):
        plain = re.sub(r":\w+:`~?(?:[\w.]+\.)?([^`]+)`", r"\1", item).replace("``", "")
        out.append(" ".join(plain.split()).rstrip(";"))
    return out


def notes_table(assessment: engine.Assessment) -> pd.DataFrame:
    """The settings, the definitions, the columns read, "now", the weights and every message, one per row."""
    rows = []
    request = assessment.request
    if request is not None:
        rows += [
            ("setting", f"unit: {request.unit_field}; period: {request.period}"),
            (
                "setting",
                f"sign-off within {request.response_hours:g} h, {request.urgent_response_hours:g} h if urgent",
            ),
            ("setting", f"closure by the order's due time, else within {request.closure_days:g} days"),
            ("setting", f"a unit is ranked with at least {request.min_orders} orders in a period"),
        ]
    rows += [("definition", line) for line in definitions()]
    rows += [("column", f"{role} ← {column}") for role, column in assessment.fields.items() if column]
    as_of = "unknown" if np.isnat(assessment.as_of) else np.datetime_as_string(assessment.as_of, unit="s")
    rows.append(("now", as_of))
    rows += [("weight", f"{rate}: {share:.1%}") for rate, share in assessment.weights.items()]
    rows += [("message", message) for message in assessment.messages]
    return pd.DataFrame(rows, columns=["item", "text"])


def write_report(assessment: engine.Assessment, path: str | Path) -> list[Path]:
    """Write the assessment to ``path`` (.xlsx: a workbook of four sheets and a CSV per sheet; .csv:
    the CSVs ``<stem>_units.csv`` …); returns the files written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheets = (
        (UNITS_SHEET, _for_people(assessment.units), "_units"),
        (OVERDUE_SHEET, _for_people(assessment.overdue), "_overdue"),
        (TOPICS_SHEET, _for_people(assessment.topics), "_topics"),
        (NOTES_SHEET, notes_table(assessment), "_notes"),
    )
    return write_sheets(path, sheets)
