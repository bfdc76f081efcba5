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
}


class OrderFileError(ValueError):
    """A file that cannot be read as an orders table (the message says why)."""


def as_text(values) -> pd.Series:
    """Text of each value, '' for None / NaN (vectorised): how every column of an order table is read."""
    series = pd.Series(values, dtype=object)
    return series.where(series.notna(), "").astype(str)


def text_ids(values) -> tuple[np.ndarray, np.ndarray]:
    """(id per value, distinct labels) with ``labels[ids]`` equal to ``as_text(values).str.strip()``.

    A column of a million codes holds a few thousand distinct ones: a text column is hashed once
    and each distinct value stripped once, instead of a million string operations.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array
    if isinstance(values, pd.Categorical):  # the ids are there already; missing (-1) reads as ""
        ids = np.where(values.codes < 0, len(values.categories), values.codes)
        distinct = as_text(np.append(values.categories.to_numpy(dtype=object), None)).to_numpy(dtype=object)
    else:
        array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        if pd.api.types.infer_dtype(array, skipna=False) != "string":  # None, NaN, numbers: through as_text
            array = as_text(array).to_numpy(dtype=object)
        ids, distinct = pd.factorize(array)
    stripped = np.array([value.strip() for value in distinct], dtype=object)
    merged, labels = pd.factorize(stripped)  # " a" and "a" are one label
    return merged[ids], np.asarray(labels, dtype=object)


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

    def as_dict(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def guess_order_fields(columns) -> OrderFields:
    """Propose a column for each role from the names real exports use (`lng`, `经度`, `Latitude` ...)."""
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(_key(column), str(column))
    found = {}
    for role, names in FIELD_GUESSES.items():
        found[role] = next((by_key[_key(n)] for n in names if _key(n) in by_key), None)
    return OrderFields(**found)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and the encoding that decoded it: UTF-8 (with or without BOM) first, then GB18030."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # GB18030 maps every byte sequence but a few; report where the text is broken
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise OrderFileError(f"line {line}: bytes that are neither UTF-8 nor GBK/GB18030") from err
    raise OrderFileError("unreadable text")  # pragma: no cover - gb18030 either decodes or raises


def read_csv_text(data: bytes) -> tuple[pd.DataFrame, str]:
    """A CSV as text columns, whatever its encoding; returns the frame and the encoding used."""
    text, encoding = decode_bytes(data)
    if not text.strip():
        raise OrderFileError("the file is empty")
    first_line = text.lstrip().splitlines()[0]
    # comma unless the header clearly uses another separator (tab, semicolon, |) more often
    sep = max([",", "\t", ";", "|"], key=lambda c: (first_line.count(c), c == ","))
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep)
    except (pd.errors.ParserError, csv.Error) as err:
        raise OrderFileError(f"not a readable CSV table: {err}") from err
    except pd.errors.EmptyDataError as err:
        raise OrderFileError("the file is empty") from err
    return frame, encoding


def read_open311(data: bytes) -> pd.DataFrame:
    """Open311 GeoReport v2 JSON (a list of service requests, or {"service_requests": [...]})."""
    text, _ = decode_bytes(data)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as err:
        raise OrderFileError(f"not valid JSON (line {err.lineno}, column {err.colno}): {err.msg}") from err
    if isinstance(payload, dict):
        payload = payload.get("service_requests", payload.get("requests", [payload]))
    if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
        raise OrderFileError("Open311 JSON must be a list of service requests")
    frame = pd.DataFrame(payload)
    frame = frame.astype(object).where(frame.notna(), "")
    frame = frame.map(
        lambda v: (
            v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v)
        )
    )
    if "long" in frame.columns and "coord_sys" not in frame.columns:
        frame["coord_sys"] = "wgs84"  # GeoReport v2 positions are WGS84 by definition
    return frame


def read_orders(path: str | Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read an orders file (CSV, TXT, XLSX, XLS, JSON) into text columns.

    Returns the frame and facts about the read (format, encoding) for the log.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise OrderFileError(f"{path}: no such file")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        except Exception as err:  # openpyxl raises several kinds; the user needs the message
            raise OrderFileError(f"{path.name}: not a readable spreadsheet: {err}") from err
        return frame, {"format": "xlsx"}
    data = path.read_bytes()
    if suffix in (".json", ".geojson") and not data.lstrip().startswith(b'{"type"'):
        return read_open311(data), {"format": "open311"}
    frame, encoding = read_csv_text(data)
    return frame, {"format": "csv", "encoding": encoding}
