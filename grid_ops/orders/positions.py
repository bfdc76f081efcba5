"""Turn reported coordinates into positions in the grids' CRS, row by row, saying what is wrong.

Orders mix coordinate systems (app orders in GCJ-02 or BD-09, hotline orders in CGCS2000, patrol
reports in WGS84), sometimes per row in a ``coord_sys`` column. Every row gets either a position or
a problem text naming the field and the value; nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import CRS

from gridgov.grid_ops.orders import coords
from gridgov.grid_ops.schema import as_text


@dataclass
class Positions:
    """Positions in the target CRS (NaN where there is none) and a problem text per row ('' if fine)."""

    x: np.ndarray
    y: np.ndarray
    problem: np.ndarray

    @property
    def located(self) -> np.ndarray:
        return np.isfinite(self.x) & np.isfinite(self.y)


def parse_numbers(values, field: str) -> tuple[np.ndarray, np.ndarray]:
    """Floats from text (full-width digits and decimal commas accepted); problem texts for the rest."""
    array = np.asarray(values)
    if array.dtype.kind in "fiu":  # already numbers (a layer's geometry): only NaN is a problem
        numbers = array.astype(float)
        problem = np.where(np.isfinite(numbers), "", f"{field} is empty").astype(object)
        return np.where(np.isfinite(numbers), numbers, np.nan), problem
    series = pd.Series(values, dtype=object)
    text = as_text(series)
    # a writable copy: under pandas' copy-on-write (pandas 3) to_numpy() may hand out a read-only view
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, copy=True)
    retry = np.flatnonzero(~np.isfinite(numbers) & (text != "").to_numpy())
    if len(retry):  # full-width digits, decimal commas, stray spaces: only for rows that need it
        fixed = text.iloc[retry].str.normalize("NFKC").str.strip().str.replace(",", ".", regex=False)
        numbers[retry] = pd.to_numeric(fixed, errors="coerce").to_numpy(dtype=float)
    problem = np.full(len(text), "", dtype=object)
    empty = (text == "").to_numpy()
    bad = ~np.isfinite(numbers) & ~empty
    problem[empty] = f"{field} is empty"
    for i in np.flatnonzero(bad):
        problem[i] = f"{field} {str(series.iloc[i])[:40]!r} is not a number"
    numbers[~np.isfinite(numbers)] = np.nan
    return numbers, problem


def _is_geographic(system: str) -> bool:
    if system in coords.NAMED_SYSTEMS:
        return True
    try:
        return CRS.from_user_input(system).is_geographic
    except Exception:
        return False


def _join(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.where(a == "", b, a)
    both = (a != "") & (b != "") & (a != b)
    out[both] = a[both] + "; " + b[both]
    return out


def _not_horizontal(system: str) -> str:
    """'a vertical coordinate system' (or another kind) when ``system`` holds no horizontal position,
    else ''. The named systems (wgs84, gcj02 ...) are horizontal."""
    if not system.upper().startswith("EPSG:"):
        return ""
    try:
        import pyproj

        crs = pyproj.CRS.from_user_input(system)
    except Exception:
        return ""  # left to the conversion, which names it
    if crs.is_geographic or crs.is_projected:
        return ""
    return "a vertical coordinate system" if crs.is_vertical else "not a horizontal coordinate system"


def to_target(
    x,
    y,
    systems,
    target: str,
    x_field: str = "x",
    y_field: str = "y",
    system_field: str = "coord_sys",
) -> Positions:
    """Convert each row from its own system (one string, or one per row) into ``target``.

    ``target`` is an ``EPSG:n`` string or a named system. Rows whose values are missing, not numbers,
    out of range for a geographic system (longitude beyond ±180, latitude beyond ±90: usually swapped
    columns) or in an unknown system get a NaN position and a problem naming the field.
    """
    x_num, x_problem = parse_numbers(x, x_field)
    y_num, y_problem = parse_numbers(y, y_field)
    n = len(x_num)
    problem = _join(x_problem, y_problem)
    if isinstance(systems, str) or systems is None:
        systems = np.full(n, systems, dtype=object)
    systems = np.asarray(systems, dtype=object)
    out_x = np.full(n, np.nan)
    out_y = np.full(n, np.nan)
    labels = as_text(systems)
    for label in labels.unique():
        rows = np.flatnonzero(labels.to_numpy() == label)
        try:
            system = coords.normalise_coord_sys(label) if label.strip() else None
        except coords.CoordSysError:
            system = None
        if system is None:
            message = (
                f"{system_field} is empty"
                if not label.strip()
                else f"{system_field} {label[:30]!r} is not a known coordinate system"
            )
            problem[rows] = _join(problem[rows], np.full(len(rows), message, dtype=object))
            continue
        flat = _not_horizontal(system)
        if flat:  # EPSG:5773 names heights: no PROJ release may be trusted to refuse it (newer ones do not)
            message = f"{system_field} {label.strip()[:30]!r} is {flat}, not a position"
            problem[rows] = _join(problem[rows], np.full(len(rows), message, dtype=object))
            continue
        ok = rows[np.isfinite(x_num[rows]) & np.isfinite(y_num[rows])]
        if _is_geographic(system):
            lon, lat = x_num[ok], y_num[ok]
            bad_lat = np.abs(lat) > 90
            bad_lon = np.abs(lon) > 180
            swapped = bad_lat & (np.abs(lat) <= 180) & (np.abs(lon) <= 90)
            for mask, text in (
                (swapped, f"{x_field}/{y_field} look swapped: latitude {y_field} beyond ±90"),
                (bad_lat & ~swapped, f"{y_field} (latitude) beyond ±90"),
                (bad_lon & ~bad_lat, f"{x_field} (longitude) beyond ±180"),
            ):
                idx = ok[mask]
                for i, value in zip(idx, y_num[idx] if "latitude" in text else x_num[idx]):
                    problem[i] = _join(
                        np.array([problem[i]], dtype=object), np.array([f"{text} ({value:g})"], dtype=object)
                    )[0]
            ok = ok[~(bad_lat | bad_lon)]
        if len(ok):
            try:
                with np.errstate(invalid="ignore"):
                    tx, ty = coords.convert(x_num[ok], y_num[ok], system, target)
            except Exception as err:  # a system PROJ cannot convert from (a vertical one): these rows, not the run
                message = f"{system_field} {label.strip()[:30]!r} cannot be converted to {target}: {str(err)[:80]}"
                problem[ok] = _join(problem[ok], np.full(len(ok), message, dtype=object))
                continue
            finite = np.isfinite(tx) & np.isfinite(ty)
            out_x[ok[finite]] = tx[finite]
            out_y[ok[finite]] = ty[finite]
            for i in ok[~finite]:
                problem[i] = f"{x_field}/{y_field} ({x_num[i]:g}, {y_num[i]:g}) cannot be projected from {system}"
    return Positions(out_x, out_y, problem)
