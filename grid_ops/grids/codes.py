"""Unit-grid codes (单元网格标识码) and the codes nested in them.

Two unit-grid formats are accepted (DESIGN.md §4):

* CJ/T 213-2005, 14 digits: 6 administrative division + 3 street + 3 community + 2 grid sequence;
* Beijing DB11/T 2157-2023, 15 digits: the same with a 3-digit grid sequence.

Street codes are the first 9 digits, community codes the first 12 (the stats bureau's 12-digit
village code). A micro-grid code is its grid's code plus a 3-digit sequence. Dedicated grids
(专属网格) have their own series: administrative division + ``Z`` + 2-digit kind + 3-digit
sequence, e.g. ``440399Z01001``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.grids.regions import order_west_east_north_south
from gridgov.grid_ops.schema import COMMUNITY_CODE, GRID_CODE

#: The characters Python's ``str.strip()`` removes (every Unicode space, U+3000 the highest): what
#: :func:`code_of` strips around a code, and what the PostGIS push-down passes to ``btrim``, whose
#: default strips plain spaces only.
CODE_SPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def code_of(value) -> str:
    """One unit code as text, the one rule every layer's codes are read by: NULL (None, NaN, NA) is
    empty, never the text ``None``; a code a GIS stored as a Real (``440399001001001.0``) is its
    integer text; anything else its text without surrounding spaces."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
    return str(value).strip()


def code_texts(values) -> np.ndarray:
    """:func:`code_of` of each value (one pass over a layer's units: thousands, not millions)."""
    if isinstance(values, pd.Series):
        values = values.tolist()
    return np.array([code_of(v) for v in values], dtype=object)


_DIGITS = re.compile(r"[0-9]+")


def code_sort_key(code: str) -> tuple:
    """The one order of unit codes, for every tie the rules break by "the lowest code": codes of
    ASCII digits first, by numeric value (``"41"`` before ``"126"``; length without leading zeros,
    then those digits: no integer overflow on long codes), equal values by their text (``"0126"``
    before ``"126"``); then every other code, the empty one included, by its text in code-point
    order (PostgreSQL's ``COLLATE "C"``). The PostGIS push-down builds the same order in SQL."""
    if _DIGITS.fullmatch(code):
        digits = code.lstrip("0")
        return (0, len(digits), digits, code)
    return (1, 0, "", code)


def code_ranks(codes) -> np.ndarray:
    """Each code's place in :func:`code_sort_key` order (0 first; equal codes get distinct places,
    the earlier row first)."""
    codes = [str(c) for c in codes]
    order = sorted(range(len(codes)), key=lambda i: code_sort_key(codes[i]))
    ranks = np.empty(len(codes), dtype=np.int64)
    ranks[order] = np.arange(len(codes))
    return ranks


GRID_CODE_RE = re.compile(r"^([0-9]{6})([0-9]{3})([0-9]{3})([0-9]{2,3})$")
MICRO_CODE_RE = re.compile(r"^([0-9]{14,15})([0-9]{3})$")
DEDICATED_CODE_RE = re.compile(r"^([0-9]{6})Z([0-9]{2})([0-9]{3})$")
STREET_CODE_RE = re.compile(r"^[0-9]{9}$")
COMMUNITY_CODE_RE = re.compile(r"^[0-9]{12}$")

#: The levels of the hierarchy, street first.
LEVELS = ("street", "community", "grid", "microgrid", "dedicated")
#: The code format of each level (DESIGN.md §4) and how a message names it.
LEVEL_CODE_RE = {
    "street": STREET_CODE_RE,
    "community": COMMUNITY_CODE_RE,
    "grid": GRID_CODE_RE,
    "microgrid": MICRO_CODE_RE,
    "dedicated": DEDICATED_CODE_RE,
}
LEVEL_FORMATS = {
    "street": "9-digit street code",
    "community": "12-digit community code",
    "grid": "14-digit (CJ/T 213) or 15-digit (DB11/T 2157) grid code",
    "microgrid": "grid code + 3 digits (17 or 18 digits)",
    "dedicated": "dedicated-grid code <6 digits>Z<2><3>",
}


@dataclass(frozen=True)
class GridCode:
    """A parsed unit-grid code."""

    admin: str
    street: str
    community: str
    sequence: str

    @property
    def street_code(self) -> str:
        """The 9-digit street (街道) code."""
        return self.admin + self.street

    @property
    def community_code(self) -> str:
        """The 12-digit community (社区) code."""
        return self.admin + self.street + self.community

    def __str__(self) -> str:
        return self.community_code + self.sequence


def parse_grid_code(code: str) -> GridCode:
    """Split a 14- or 15-digit unit-grid code; raise ``ValueError`` naming what is wrong."""
    text = "" if code is None else str(code).strip()
    match = GRID_CODE_RE.match(text)
    if not match:
        raise ValueError(f"grid code {text!r} is not 14 (CJ/T 213) or 15 (DB11/T 2157) digits")
    admin, street, community, seq = match.groups()
    if int(seq) == 0:
        raise ValueError(f"grid code {text!r} has sequence 0")
    return GridCode(admin, street, community, seq)


def street_code(admin: str, street_no: int) -> str:
    """9-digit street code; street numbers 001-099 are 街道 in GB/T 10114."""
    return f"{admin}{street_no:03d}"


def community_code(street: str, community_no: int) -> str:
    """12-digit community code under a 9-digit street code."""
    return f"{street}{community_no:03d}"


def grid_code(community: str, sequence: int, digits: int = 15) -> str:
    """Unit-grid code under a 12-digit community code (15 digits by default, 14 for CJ/T 213)."""
    width = digits - 12
    if width not in (2, 3):
        raise ValueError("grid codes have 14 or 15 digits")
    if not 0 < sequence < 10**width:
        raise ValueError(f"grid sequence {sequence} does not fit in {width} digits")
    return f"{community}{sequence:0{width}d}"


def micro_code(grid: str, sequence: int) -> str:
    """Micro-grid code: the grid's code plus a 3-digit sequence."""
    if not 0 < sequence < 1000:
        raise ValueError(f"micro-grid sequence {sequence} does not fit in 3 digits")
    return f"{grid}{sequence:03d}"


def dedicated_code(admin: str, kind: int, sequence: int) -> str:
    """Dedicated-grid code: ``<admin>Z<kind:02><seq:03>``."""
    return f"{admin}Z{kind:02d}{sequence:03d}"


def check_code(code: str, level: str = "grid") -> str | None:
    """None when ``code`` is a well-formed code of ``level``; else what is wrong with it."""
    text = "" if code is None else str(code).strip()
    if level not in LEVEL_CODE_RE:
        raise ValueError(f"unknown level {level!r}")
    if not LEVEL_CODE_RE[level].fullmatch(text):
        return f"{text!r} is not a {LEVEL_FORMATS[level]}"
    if level == "grid" and int(GRID_CODE_RE.fullmatch(text).group(4)) == 0:
        return f"{text!r} has grid sequence 0"
    if level == "microgrid" and text.endswith("000"):
        return f"{text!r} has micro-grid sequence 0"
    return None


def level_of_code(code: str) -> str | None:
    """The level a well-formed code belongs to, from its format (None when none fits)."""
    for level in ("dedicated", "microgrid", "grid", "community", "street"):
        if LEVEL_CODE_RE[level].fullmatch(code):
            return level
    return None


def renumber(parents: list[str], xs, ys, digits: int = 15) -> list[str]:
    """New unit-grid codes: inside each parent (12-digit community code), sequence west→east,
    north→south from the centroids ``xs``, ``ys``. Same order in, same order out."""
    parents = [str(p) for p in parents]
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    out = [""] * len(parents)
    for parent in sorted(set(parents)):
        idx = [i for i, p in enumerate(parents) if p == parent]
        rank = order_west_east_north_south(xs[idx], ys[idx])
        for i, r in zip(idx, rank):
            out[i] = grid_code(parent, int(r) + 1, digits)
    return out


@dataclass(frozen=True)
class RenumberRequest:
    """A renumbering as the toolbox, the dock or a script asks for it (``gridgov:renumbergrids``)."""

    #: The grids' code field: it gets the new codes, the old ones move to ``old_code``.
    code_field: str = GRID_CODE
    #: The field holding each grid's 12-digit community code.
    community_field: str = COMMUNITY_CODE
    #: Digits of the new codes: 15 (DB11/T 2157) or 14 (CJ/T 213).
    format: int = 15


def community_codes(grids: pd.DataFrame, field: str) -> pd.Series:
    """Each grid's community code as text, without surrounding spaces."""
    return grids[field].astype(str).str.strip()


def renumber_grids(grids, request: RenumberRequest):
    """``grids`` (a GeoDataFrame) with new codes (:func:`renumber`, from each grid's representative
    point) in the code field and the old ones first, in ``old_code``; the other columns as they were."""
    points = grids.geometry.representative_point()
    new = renumber(community_codes(grids, request.community_field).tolist(), points.x, points.y, request.format)
    out = grids.copy()
    out.insert(0, "old_code", out[request.code_field])
    out[request.code_field] = new
    return out
