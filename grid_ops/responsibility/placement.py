"""The whole geolocation of an orders table: positions, addresses, assignment, one row out per row in.

``place_orders`` is what ``gridgov:geolocate`` runs: it reads the coordinates each row reports (in
its own coordinate system), falls back to the address where there are none, assigns the position
to the responsible unit (``geolocate.assign``) and explains every row it could not use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from gridgov.grid_ops.orders import positions
from gridgov.grid_ops.orders.gazetteer import DEFAULT_THRESHOLD, Gazetteer
from gridgov.grid_ops.responsibility import geolocate
from gridgov.grid_ops.schema import MATCH_METHOD, OVERLAP, PROBLEM, as_text


@dataclass
class OrderColumns:
    """Which input columns to use; ``coord_sys`` applies to all rows unless ``coord_sys_field`` is set."""

    x: str | None = None
    y: str | None = None
    coord_sys: str | None = "wgs84"
    coord_sys_field: str | None = None
    address: str | None = None
    category: str | None = None


def _text(frame: pd.DataFrame, column: str | None) -> np.ndarray | None:
    if not column:
        return None
    if column not in frame.columns:
        raise KeyError(f"the orders have no field {column!r} (fields: {', '.join(map(str, frame.columns))})")
    return as_text(frame[column].to_numpy(dtype=object)).to_numpy(dtype=object)


def _join(a: str, b: str) -> str:
    return a if not b or b == a else b if not a else f"{a}; {b}"


def place_orders(
    frame: pd.DataFrame,
    columns: OrderColumns,
    hierarchy: geolocate.Hierarchy,
    target_crs: str,
    gazetteer: Gazetteer | None = None,
    gazetteer_xy: np.ndarray | None = None,
    geometry_xy: np.ndarray | None = None,
    tolerance: float = 50.0,
    address_threshold: float = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Place every row of ``frame``; returns the result columns (same index and order as ``frame``).

    Positions come from ``columns.x`` / ``columns.y`` or, for a point layer, ``geometry_xy`` (an
    (n, 2) array in the system named by ``columns.coord_sys``, NaN for rows without geometry).
    ``gazetteer_xy`` holds the gazetteer's points in ``target_crs``.
    """
    n = len(frame)
    systems = _text(frame, columns.coord_sys_field) if columns.coord_sys_field else columns.coord_sys
    system_label = columns.coord_sys_field or "COORD_SYS"
    if columns.x and columns.y:
        raw_x, raw_y = _text(frame, columns.x), _text(frame, columns.y)
        pos = positions.to_target(raw_x, raw_y, systems, target_crs, columns.x, columns.y, system_label)
    elif geometry_xy is not None:
        gx = np.asarray(geometry_xy[:, 0], dtype=float)
        gy = np.asarray(geometry_xy[:, 1], dtype=float)
        pos = positions.to_target(gx, gy, systems, target_crs, "geometry x", "geometry y", system_label)
        pos.problem = np.where(~np.isfinite(gx), "geometry is empty", pos.problem)
        raw_x = raw_y = None
    else:
        pos = positions.Positions(np.full(n, np.nan), np.full(n, np.nan), np.full(n, "", dtype=object))
        if not columns.address:
            pos.problem[:] = "no coordinate fields, geometry or address field given"
        raw_x = raw_y = None
    x, y, problem = pos.x.copy(), pos.y.copy(), pos.problem.astype(object).copy()

    locate = np.where(np.isfinite(x), "coords", "none").astype(object)
    score = np.full(n, np.nan)
    candidates = np.full(n, "", dtype=object)
    address = _text(frame, columns.address)
    needs_address = ~np.isfinite(x)
    no_coords_at_all = np.ones(n, dtype=bool)
    if raw_x is not None:
        no_coords_at_all = ((as_text(raw_x).str.strip() == "") & (as_text(raw_y).str.strip() == "")).to_numpy()
    elif geometry_xy is not None:
        no_coords_at_all = ~np.isfinite(np.asarray(geometry_xy[:, 0], dtype=float))
    unlocated = np.zeros(n, dtype=bool)
    if address is not None:
        has_address = as_text(address).str.len().to_numpy() > 0
        rows = np.flatnonzero(needs_address & has_address)
        if len(rows) and gazetteer is not None and gazetteer_xy is not None:
            match = gazetteer.match(address[rows], threshold=address_threshold)
            hit = match.index >= 0
            x[rows[hit]] = gazetteer_xy[match.index[hit], 0]
            y[rows[hit]] = gazetteer_xy[match.index[hit], 1]
            locate[rows[hit]] = [f"address_{m}" for m in match.method[hit]]
            score[rows] = match.score
            candidates[rows] = match.candidates
            for i, raw in zip(rows[~hit], address[rows[~hit]]):
                problem[i] = _join(
                    problem[i], f"{columns.address} {raw[:40]!r}: no gazetteer address scores ≥ {address_threshold:g}"
                )
            unlocated[rows[~hit]] = no_coords_at_all[rows[~hit]]
            # rows placed by address keep a note of why their coordinates were not used
            keep_note = rows[hit][~no_coords_at_all[rows[hit]]]
            problem[rows[hit][no_coords_at_all[rows[hit]]]] = ""
            problem[keep_note] = [f"{p} (placed by address)" for p in problem[keep_note]]
        elif len(rows):
            for i in rows:
                problem[i] = _join(problem[i], "address given but no gazetteer to match it against")
        for i in np.flatnonzero(needs_address & ~has_address & no_coords_at_all):
            problem[i] = f"no coordinates and {columns.address} is empty"

    classes = _text(frame, columns.category)
    result = geolocate.assign(hierarchy, x, y, classes, tolerance=tolerance)
    method = result[MATCH_METHOD].to_numpy(dtype=object).copy()
    by_address = (locate != "coords") & (locate != "none") & (method != "invalid")  # "address_<how>"
    method[by_address & (method != "unassigned")] = "address"
    method[unlocated] = "unlocated"

    if raw_x is not None:
        _flag_swapped(frame, columns, systems, target_crs, hierarchy, method, problem, x, y)
    far = method == "unassigned"
    for i in np.flatnonzero(far):
        d = result["distance_m"].iat[i]
        where = f"{d / 1000:,.1f} km" if np.isfinite(d) and d >= 1000 else f"{d:,.0f} m"
        problem[i] = _join(problem[i], f"position is {where} from the nearest grid (tolerance {tolerance:g} m)")
    overlap = result[OVERLAP].to_numpy(dtype=object)
    for i in np.flatnonzero(overlap != ""):
        codes = overlap[i].replace(",", ", ")
        note = f"inside overlapping grids {codes}: check the grid layer with gridgov:validategrids"
        problem[i] = _join(problem[i], note)
    invalid = method == "invalid"
    problem[invalid & (problem == "")] = "no usable position"
    result[MATCH_METHOD] = method
    result[PROBLEM] = problem
    result["locate_method"] = locate
    result["address_score"] = score
    result["candidates"] = candidates
    result["x_located"] = np.where(method == "invalid", np.nan, x)
    result["y_located"] = np.where(method == "invalid", np.nan, y)
    result.index = frame.index
    return result


def _flag_swapped(frame, columns, systems, target_crs, hierarchy, method, problem, x, y) -> None:
    """Unassigned rows whose x and y, swapped, fall inside a grid: invalid, and say so (not guessed)."""
    rows = np.flatnonzero(method == "unassigned")
    if not len(rows):
        return
    sub = frame.iloc[rows]
    sys_sub = systems if isinstance(systems, str) or systems is None else np.asarray(systems, dtype=object)[rows]
    swapped = positions.to_target(_text(sub, columns.y), _text(sub, columns.x), sys_sub, target_crs)
    ok = np.flatnonzero(swapped.located)
    if not len(ok):
        return
    idx, _ = geolocate.pick_with_boundary_rule(hierarchy.grids, swapped.x[ok], swapped.y[ok])
    for k, g in zip(ok, idx):
        if g >= 0:
            i = rows[k]
            method[i] = "invalid"
            problem[i] = (
                f"{columns.x}/{columns.y} look swapped: as given the position is far outside, "
                f"swapped it falls in grid {hierarchy.grids.codes[g]}"
            )
            x[i] = y[i] = np.nan


def working_crs(crs: str, bounds: tuple[float, float, float, float]) -> str:
    """The grids' CRS if projected, else the UTM zone of their centre (tolerances are in metres)."""
    parsed = CRS.from_user_input(crs)
    if not parsed.is_geographic:
        return crs
    lon = (bounds[0] + bounds[2]) / 2
    lat = (bounds[1] + bounds[3]) / 2
    if parsed.to_epsg() not in (4326, None):
        lon, lat = Transformer.from_crs(parsed, 4326, always_xy=True).transform(lon, lat)
    zone = int((lon + 180) // 6) + 1
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"
