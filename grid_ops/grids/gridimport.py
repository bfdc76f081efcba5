"""Bring an existing grid layer (any source, any field names) into the plugin's standard fields.

Grid centres already have grid layers, drawn by a surveying firm or exported from a platform, with
field names of every kind (``WGBM``, ``网格编码``, ``grid_id`` ...). A field mapping, guessed from
the names and editable by the user, turns them into the standard fields; every row comes through
with an ``import_status`` (``ok`` or ``problem``) and a ``problem`` text naming the field, so nothing
is lost silently.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from gridgov.grid_ops.grids import codes
from gridgov.grid_ops.schema import PROBLEM

STANDARD_FIELDS = ("code", "name", "level", "parent_code", "manager", "phone", "households", "priority")
LEVELS = codes.LEVELS

#: Field names seen in the wild for each standard field (compared lower-case, without spaces,
#: underscores or hyphens). Pinyin initials (wgbm = 网格编码) are common in Chinese exports.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "code": (
        "code",
        "gridcode",
        "grid_code",
        "microcode",
        "micro_code",
        "dedicatedcode",
        "unitcode",
        "wgbm",
        "wgdm",
        "bm",
        "dm",
        "编码",
        "网格编码",
        "网格代码",
        "代码",
        "标识码",
        "网格标识码",
        "单元网格标识码",
        "微网格编码",
        "专属网格编码",
        "社区编码",
        "街道编码",
        "id",
        "gridid",
        "grid_id",
        "fid_code",
    ),
    "name": ("name", "gridname", "grid_name", "wgmc", "mc", "名称", "网格名称", "微网格名称", "专属网格名称", "title"),
    "level": ("level", "type", "grade", "层级", "级别", "类型", "网格类型", "wglx"),
    "parent_code": (
        "parent",
        "parentcode",
        "parent_code",
        "pcode",
        "sqbm",
        "jdbm",
        "communitycode",
        "community_code",
        "上级编码",
        "所属社区编码",
        "社区编码",
        "所属网格编码",
        "父编码",
    ),
    "manager": (
        "manager",
        "gridmanager",
        "grid_manager",
        "wgy",
        "wgz",
        "网格员",
        "网格长",
        "负责人",
        "责任人",
        "联系人",
        "person",
        "staff",
    ),
    "phone": ("phone", "tel", "telephone", "mobile", "lxdh", "dh", "电话", "联系电话", "手机", "手机号"),
    "households": ("households", "hh", "hushu", "hs", "户数", "住户数", "户", "家庭户数", "homes", "dwellings"),
    "priority": ("priority", "prio", "yxj", "优先级", "优先", "rank"),
}

_FULL_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)})


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", unicodedata.normalize("NFKC", str(name)).lower())


def guess_mapping(columns: list[str]) -> dict[str, str | None]:
    """Standard field → source column, by name; None where nothing fits. Each column is used once."""
    keyed = {_key(c): c for c in columns}
    mapping: dict[str, str | None] = {}
    used: set[str] = set()
    for field in STANDARD_FIELDS:
        found = None
        for cand in CANDIDATES[field]:
            col = keyed.get(_key(cand))
            if col is not None and col not in used:
                found = col
                break
        mapping[field] = found
        if found:
            used.add(found)
    return mapping


def normalise_code(value) -> str:
    """A code as it should read: ASCII digits, no spaces; Excel's 4.40399001001001e+14 repaired."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else str(value)
    text = unicodedata.normalize("NFKC", str(value)).translate(_FULL_WIDTH)
    text = re.sub(r"\s+", "", text)
    if re.fullmatch(r"[0-9]+\.0+", text):
        text = text.split(".")[0]
    if re.fullmatch(r"[0-9.]+[eE]\+?[0-9]+", text):
        text = str(int(float(text)))
    return text.upper() if "z" in text else text


@dataclass(frozen=True)
class ChosenFields:
    """The layer's field for each standard field, as the user chose it ('': guessed from the names)."""

    code: str = ""
    name: str = ""
    parent_code: str = ""
    manager: str = ""
    phone: str = ""
    households: str = ""
    priority: str = ""


@dataclass(frozen=True)
class ImportGridsRequest:
    """A grid layer's import as the toolbox, the dock or a script asks for it (``gridgov:importgrids``)."""

    #: The level of every row: street, community, grid, microgrid or dedicated.
    level: str = "grid"
    fields: ChosenFields = dataclasses.field(default_factory=ChosenFields)
    #: The CRS to reproject to (an authority id or WKT; '': keep the layer's).
    target_crs: str = ""


@dataclass(frozen=True)
class ImportedGrids:
    """The field each standard field was read from (None: none) and the rows in the standard
    fields; ``grids`` is None when no code field was chosen or guessed (nothing to import by), or
    when a chosen field is not in the layer (``missing`` names them)."""

    mapping: dict[str, str | None]
    grids: gpd.GeoDataFrame | None
    missing: tuple[str, ...] = ()


#: The standard fields a user may map, in the order the toolbox lists them.
MAPPED_FIELDS = tuple(f.name for f in dataclasses.fields(ChosenFields))


def import_grids(frame: gpd.GeoDataFrame, request: ImportGridsRequest) -> ImportedGrids:
    """The import ``request`` asks for: each standard field read from the field chosen, else from
    the one its name suggests (:func:`guess_mapping`), then every row standardised (:func:`standardise`)."""
    guessed = guess_mapping([c for c in frame.columns if c != frame.geometry.name])
    mapping = {field: getattr(request.fields, field) or guessed.get(field) for field in MAPPED_FIELDS}
    missing = tuple(column for column in mapping.values() if column and column not in frame.columns)
    if not mapping["code"] or missing:
        return ImportedGrids(mapping, None, missing)
    return ImportedGrids(mapping, standardise(frame, mapping, request.level))


def standardise(frame: gpd.GeoDataFrame, mapping: dict[str, str | None], level: str) -> gpd.GeoDataFrame:
    """Standard fields for every row, plus ``import_status`` and ``problem`` (row and field named).

    Other columns are kept after the standard ones. Geometries are kept as they are (the
    validator reports invalid ones); a missing geometry is a problem, not a dropped row.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    unknown = [c for c in mapping.values() if c and c not in frame.columns]
    if unknown:
        raise KeyError(f"mapped field(s) not in the layer: {', '.join(unknown)}")
    problems: list[list[str]] = [[] for _ in range(len(frame))]
    code = _column(frame, mapping, "code").map(normalise_code).reset_index(drop=True)
    _note_code_problems(code, mapping, level, problems)
    out = pd.DataFrame(
        {
            "code": code,
            "name": _column(frame, mapping, "name").map(_text).reset_index(drop=True),
            "level": level,
            "parent_code": _parent_codes(frame, mapping, code, level),
            "manager": _column(frame, mapping, "manager").map(_text).reset_index(drop=True),
            "phone": _column(frame, mapping, "phone").map(_phone).reset_index(drop=True),
        }
    )
    for field in ("households", "priority"):
        out[field] = _whole_numbers(frame, mapping, field, problems)
    geoms = frame.geometry.reset_index(drop=True)
    for i in np.flatnonzero((geoms.isna() | geoms.is_empty).to_numpy()):
        problems[i].append(f"row {i + 1}: no geometry")
    dupes = out["code"].duplicated(keep=False) & (out["code"] != "")
    for i in np.flatnonzero(dupes.to_numpy()):
        problems[i].append(f"row {i + 1}: code {out['code'].iloc[i]} is used more than once")
    out["import_status"] = ["ok" if not p else "problem" for p in problems]
    out[PROBLEM] = ["; ".join(p) for p in problems]
    rest = [
        c for c in frame.columns if c not in set(mapping.values()) and c != frame.geometry.name and c not in out.columns
    ]
    for c in rest:
        out[c] = frame[c].reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry=geoms.values, crs=frame.crs)


def _column(frame: gpd.GeoDataFrame, mapping: dict[str, str | None], field: str) -> pd.Series:
    """The layer's column mapped to ``field``, or a column of None where nothing is mapped."""
    source = mapping.get(field)
    return frame[source] if source else pd.Series([None] * len(frame), index=frame.index)


def _text(value) -> str:
    """A name or a manager as text, without surrounding spaces ('' for none)."""
    return "" if value is None else str(value).strip()


def _note_code_problems(code: pd.Series, mapping: dict[str, str | None], level: str, problems: list[list[str]]) -> None:
    """An empty code, or a code of another level or of none, is a problem of its row."""
    for i, c in enumerate(code):
        if not c:
            problems[i].append(f"row {i + 1}: field {mapping.get('code') or 'code'} is empty")
        elif codes.level_of_code(c) not in (level, None) and level != "dedicated":
            problems[i].append(f"row {i + 1}: code {c} looks like a {codes.level_of_code(c)} code, not a {level} code")
        elif codes.level_of_code(c) is None:
            problems[i].append(f"row {i + 1}: code {c!r} is not a valid {level} code")


def _parent_codes(frame: gpd.GeoDataFrame, mapping: dict[str, str | None], code: pd.Series, level: str) -> pd.Series:
    """Each row's parent code: the mapped field, or (grids, micro-grids, communities without one)
    read from the row's own code when that code is of the level."""
    parent = _column(frame, mapping, "parent_code").map(normalise_code).reset_index(drop=True)
    if not mapping.get("parent_code") and level in ("grid", "microgrid", "community"):
        width = {"grid": 12, "community": 9}.get(level)
        parent = pd.Series([(c[:width] if width else c[:-3]) if codes.level_of_code(c) == level else "" for c in code])
    return parent


def _whole_numbers(
    frame: gpd.GeoDataFrame, mapping: dict[str, str | None], field: str, problems: list[list[str]]
) -> pd.Series:
    """The mapped column as whole numbers (households, priority); a value that is not a usable
    number is empty and a problem of its row."""
    raw = _column(frame, mapping, field).reset_index(drop=True)
    num = pd.to_numeric(raw, errors="coerce").astype(float)
    num = num.where(np.isfinite(num) & (num.abs() < 2**31))  # 'INFINITY', 1e300: not a count
    bad = raw.notna() & (raw.astype(str).str.strip() != "") & num.isna()
    for i in np.flatnonzero(bad.to_numpy()):
        problems[i].append(f"row {i + 1}: {field} {raw.iloc[i]!r} in field {mapping[field]} is not a usable number")
    return num.round().astype("Int64")


def _phone(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    return re.sub(r"[^\d+\-]", "", unicodedata.normalize("NFKC", str(value)))
