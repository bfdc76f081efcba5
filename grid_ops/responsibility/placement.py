"""The whole geolocation of an orders table: positions, addresses, assignment, one row out per row in.

``gridgov:geolocate`` runs :class:`Placement`: made once from the run's :class:`GeolocateRequest`
(the columns it resolves to, the unit hierarchy of :func:`unit_hierarchy`, the working CRS and the
gazetteer), it places each part of the orders with ``place_orders``, which reads the coordinates
each row reports (in its own coordinate system), falls back to the address where there are none,
assigns the position to the responsible unit (``geolocate.assign``) and explains every row it could
not use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from gridgov.grid_ops.orders import positions
from gridgov.grid_ops.orders.classify import class_groups_of
from gridgov.grid_ops.orders.gazetteer import DEFAULT_THRESHOLD, Gazetteer
from gridgov.grid_ops.responsibility import geolocate, inspections
from gridgov.grid_ops.responsibility.request import UNIT_KEYS, GeolocateRequest
from gridgov.grid_ops.schema import GRID_CODE, MATCH_METHOD, OVERLAP, PROBLEM, as_text

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass
class OrderColumns:
    """Which input columns to use; ``coord_sys`` applies to all rows unless ``coord_sys_field`` is set."""

    x: str | None = None
    y: str | None = None
    coord_sys: str | None = "wgs84"
    coord_sys_field: str | None = None
    address: str | None = None
    category: str | None = None


@dataclass(frozen=True, eq=False)
class Placement:
    """One geolocation made ready: the request, the order columns it resolved to, the unit hierarchy,
    the working CRS and the gazetteer (its points in that CRS). ``place`` places each part of the
    orders with them, so a table of millions of orders is placed part by part."""

    request: GeolocateRequest
    columns: OrderColumns
    hierarchy: geolocate.Hierarchy
    target_crs: str
    gazetteer: Gazetteer | None = None
    gazetteer_xy: np.ndarray | None = None

    def place(self, frame: pd.DataFrame, geometry_xy: np.ndarray | None = None, first_row: int = 0) -> pd.DataFrame:
        """The result columns of one part of the orders (``place_orders``), its rows numbered over
        all parts from ``first_row`` (a problem names the row of the whole input), with
        ``outside_own`` for inspection reports."""
        request = self.request
        placed = place_orders(
            frame,
            self.columns,
            self.hierarchy,
            self.target_crs,
            self.gazetteer,
            self.gazetteer_xy,
            geometry_xy,
            tolerance=request.tolerance,
            address_threshold=request.address_threshold,
        )
        placed.index = pd.RangeIndex(first_row, first_row + len(frame))
        if request.own_grid_field:
            placed["outside_own"] = inspections.outside_own(placed, frame[request.own_grid_field])
        return placed

    def for_coverage(self, placed: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame | None:
        """What the inspectors' coverage keeps of one part (None when it is not asked for)."""
        if not self.request.wants_coverage:
            return None
        inspector, own = frame[self.request.inspector_field], frame[self.request.own_grid_field]
        return placed.assign(_inspector=inspector.to_numpy(), _own=own.to_numpy())

    def coverage(self, kept: list[pd.DataFrame]) -> pd.DataFrame:
        """Each inspector's coverage of their own grid over the parts kept by :meth:`for_coverage`."""
        placed = pd.concat(kept)
        return inspections.inspector_coverage(
            placed, placed["_inspector"], placed["_own"], placed["x_located"], placed["y_located"], self.hierarchy
        )


#: Match methods of a placed row, and of a row placed nowhere.
PLACED_METHODS = ("inside", "boundary", "nearest", "address")
NOT_PLACED_METHODS = ("unlocated", "unassigned", "invalid")


def placed_and_not(counts: Mapping[str, int]) -> tuple[int, int]:
    """Rows placed and rows not placed, of the rows per match method (the run's PLACED, NOT_PLACED)."""
    return (
        int(sum(counts.get(m, 0) for m in PLACED_METHODS)),
        int(sum(counts.get(m, 0) for m in NOT_PLACED_METHODS)),
    )


def unit_hierarchy(
    frames: dict[str, gpd.GeoDataFrame],
    code_fields: dict[str, str],
    request: GeolocateRequest,
    roster: pd.DataFrame | None = None,
    taxonomy: pd.DataFrame | None = None,
) -> geolocate.Hierarchy:
    """The unit layers given (``frames`` and their ``code_fields`` by :data:`request.UNIT_KEYS`,
    in the working CRS) as the hierarchy the assignment walks, with the request's micro-grid,
    priority and cases fields, the roster and the class-case table."""
    layers = {
        key: geolocate.UnitLayer.from_frame(frames[key], code_fields[key]) if key in frames else None
        for key in UNIT_KEYS
    }
    return geolocate.Hierarchy(
        grids=layers["grids"],
        micro=layers["microgrids"],
        dedicated=layers["dedicated"],
        communities=layers["communities"],
        streets=layers["streets"],
        micro_grid_field=request.micro_parent_field,
        priority_field=request.priority_field,
        cases_field=request.cases_field,
        roster=roster_by_grid(roster),
        class_groups=class_groups_of(taxonomy),
    )


def roster_by_grid(roster: pd.DataFrame | None) -> pd.DataFrame | None:
    """The roster as text, one row per grid (its first), indexed by grid code (``grid_code``, else
    the first column): as the engine and the PostGIS backend both read it."""
    if roster is None:
        return None
    key = GRID_CODE if GRID_CODE in roster.columns else roster.columns[0]
    return roster.astype(str).drop_duplicates(key).set_index(key)


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
    rows = _positions(frame, columns, target_crs, geometry_xy)
    address = _text(frame, columns.address)
    if address is not None:
        _place_by_address(rows, address, columns.address, gazetteer, gazetteer_xy, address_threshold)
    classes = _text(frame, columns.category)
    result = geolocate.assign(hierarchy, rows.x, rows.y, classes, tolerance=tolerance)
    method = _match_methods(result, rows)
    if rows.raw_x is not None:
        _flag_swapped(frame, columns, rows.systems, target_crs, hierarchy, method, rows.problem, rows.x, rows.y)
    _explain(result, method, rows.problem, tolerance)
    result[MATCH_METHOD] = method
    result[PROBLEM] = rows.problem
    result["locate_method"] = rows.locate
    result["address_score"] = rows.score
    result["candidates"] = rows.candidates
    result["x_located"] = np.where(method == "invalid", np.nan, rows.x)
    result["y_located"] = np.where(method == "invalid", np.nan, rows.y)
    result.index = frame.index
    return result


@dataclass
class _Rows:
    """The rows being placed: their positions in the target CRS, how each was found, its problem,
    and what they were read from (text coordinates, or a point layer's x)."""

    x: np.ndarray
    y: np.ndarray
    problem: np.ndarray
    systems: str | np.ndarray | None
    raw_x: np.ndarray | None = None
    raw_y: np.ndarray | None = None
    geometry_x: np.ndarray | None = None

    #: "coords", "none" or "address_<how>"; the address score and candidates; rows left unlocated
    locate: np.ndarray = dataclasses.field(init=False)
    score: np.ndarray = dataclasses.field(init=False)
    candidates: np.ndarray = dataclasses.field(init=False)
    unlocated: np.ndarray = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        n = len(self.x)
        self.locate = np.where(np.isfinite(self.x), "coords", "none").astype(object)
        self.score = np.full(n, np.nan)
        self.candidates = np.full(n, "", dtype=object)
        self.unlocated = np.zeros(n, dtype=bool)

    def no_coordinates(self) -> np.ndarray:
        """Rows that give no coordinates at all (empty text, or no geometry): only an address can
        place them. Asked only where there is an address field: it reads the text of every row."""
        if self.raw_x is not None:
            return ((as_text(self.raw_x).str.strip() == "") & (as_text(self.raw_y).str.strip() == "")).to_numpy()
        if self.geometry_x is not None:
            return ~np.isfinite(self.geometry_x)
        return np.ones(len(self.x), dtype=bool)


def _positions(frame: pd.DataFrame, columns: OrderColumns, target_crs: str, geometry_xy: np.ndarray | None) -> _Rows:
    """Each row's position in ``target_crs`` from its coordinate fields, else its point, with the
    problem of each row whose position is unusable."""
    n = len(frame)
    systems = _text(frame, columns.coord_sys_field) if columns.coord_sys_field else columns.coord_sys
    system_label = columns.coord_sys_field or "COORD_SYS"
    raw_x = raw_y = gx = None
    if columns.x and columns.y:
        raw_x, raw_y = _text(frame, columns.x), _text(frame, columns.y)
        pos = positions.to_target(raw_x, raw_y, systems, target_crs, columns.x, columns.y, system_label)
    elif geometry_xy is not None:
        gx = np.asarray(geometry_xy[:, 0], dtype=float)
        gy = np.asarray(geometry_xy[:, 1], dtype=float)
        pos = positions.to_target(gx, gy, systems, target_crs, "geometry x", "geometry y", system_label)
        pos.problem = np.where(~np.isfinite(gx), "geometry is empty", pos.problem)
    else:
        pos = positions.Positions(np.full(n, np.nan), np.full(n, np.nan), np.full(n, "", dtype=object))
        if not columns.address:
            pos.problem[:] = "no coordinate fields, geometry or address field given"
    problem = pos.problem.astype(object).copy()
    return _Rows(pos.x.copy(), pos.y.copy(), problem, systems, raw_x, raw_y, gx)


def _place_by_address(
    rows: _Rows,
    address: np.ndarray,
    field: str,
    gazetteer: Gazetteer | None,
    gazetteer_xy: np.ndarray | None,
    threshold: float,
) -> None:
    """Rows without a usable position placed at the gazetteer address their ``field`` matches."""
    needs_address = ~np.isfinite(rows.x)
    no_coords_at_all = rows.no_coordinates()
    has_address = as_text(address).str.len().to_numpy() > 0
    todo = np.flatnonzero(needs_address & has_address)
    if len(todo) and gazetteer is not None and gazetteer_xy is not None:
        match = gazetteer.match(address[todo], threshold=threshold)
        _take_matches(rows, todo, match, address, field, gazetteer_xy, threshold, no_coords_at_all)
    elif len(todo):
        for i in todo:
            rows.problem[i] = _join(rows.problem[i], "address given but no gazetteer to match it against")
    for i in np.flatnonzero(needs_address & ~has_address & no_coords_at_all):
        rows.problem[i] = f"no coordinates and {field} is empty"


def _take_matches(rows: _Rows, todo, match, address, field, gazetteer_xy, threshold, no_coords_at_all) -> None:
    """The gazetteer's answer for the rows ``todo``: the matched point, how it matched, the score
    and the candidates; a row it could not match says so and, without coordinates, is unlocated."""
    hit = match.index >= 0
    rows.x[todo[hit]] = gazetteer_xy[match.index[hit], 0]
    rows.y[todo[hit]] = gazetteer_xy[match.index[hit], 1]
    rows.locate[todo[hit]] = [f"address_{m}" for m in match.method[hit]]
    rows.score[todo] = match.score
    rows.candidates[todo] = match.candidates
    problem = rows.problem
    for i, raw in zip(todo[~hit], address[todo[~hit]]):
        problem[i] = _join(problem[i], f"{field} {raw[:40]!r}: no gazetteer address scores ≥ {threshold:g}")
    rows.unlocated[todo[~hit]] = no_coords_at_all[todo[~hit]]
    # rows placed by address keep a note of why their coordinates were not used
    keep_note = todo[hit][~no_coords_at_all[todo[hit]]]
    problem[todo[hit][no_coords_at_all[todo[hit]]]] = ""
    problem[keep_note] = [f"{p} (placed by address)" for p in problem[keep_note]]


def _match_methods(result: pd.DataFrame, rows: _Rows) -> np.ndarray:
    """The assignment's match method, with 'address' for rows the gazetteer placed and 'unlocated'
    for rows it could not."""
    method = result[MATCH_METHOD].to_numpy(dtype=object).copy()
    by_address = (rows.locate != "coords") & (rows.locate != "none") & (method != "invalid")  # "address_<how>"
    method[by_address & (method != "unassigned")] = "address"
    method[rows.unlocated] = "unlocated"
    return method


def _explain(result: pd.DataFrame, method: np.ndarray, problem: np.ndarray, tolerance: float) -> None:
    """The problem of rows too far from every grid, inside overlapping grids, or without a position."""
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
