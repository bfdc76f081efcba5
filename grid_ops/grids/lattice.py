"""Regular square or hexagon grids over an extent or clipped to boundary polygons, each cell coded.

Where a city has no grid layer yet (or for a quick analysis lattice), the grid centre starts from
a regular lattice: cells of a given size over the jurisdiction, clipped to its boundaries, and
numbered west→east, north→south inside each boundary so the codes read like DB11/T 2157 codes.
Cell pieces that clipping leaves too small merge into the neighbouring cell of the same boundary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from gridgov.grid_ops.grids.regions import order_west_east_north_south
from gridgov.grid_ops.grids.shapes import polygonal
from gridgov.grid_ops.schema import GRID_CODE

CELL_TYPES = ("square", "hexagon")


def _square_cells(bounds: tuple[float, float, float, float], size: float) -> np.ndarray:
    minx, miny, maxx, maxy = bounds
    # anchor on multiples of the size so neighbouring runs line up
    x0, y0 = math.floor(minx / size) * size, math.floor(miny / size) * size
    xs = np.arange(x0, maxx, size)
    ys = np.arange(y0, maxy, size)
    gx, gy = np.meshgrid(xs, ys)
    return shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + size, gy.ravel() + size)


def _hexagon_cells(bounds: tuple[float, float, float, float], size: float) -> np.ndarray:
    """Flat-topped hexagons; ``size`` is the distance between opposite edges, so a cell's area is (√3/2)·size²."""
    minx, miny, maxx, maxy = bounds
    r = size / math.sqrt(3)  # circumradius (side length) for flat-to-flat distance ``size``
    dx = 1.5 * r  # column spacing
    dy = size  # row spacing
    cols = np.arange(math.floor(minx / dx) - 1, math.ceil(maxx / dx) + 1)
    rows = np.arange(math.floor(miny / dy) - 1, math.ceil(maxy / dy) + 1)
    cx, cy = np.meshgrid(cols * dx, rows * dy)
    cy = cy + np.where((np.meshgrid(cols, rows)[0] % 2) == 1, dy / 2, 0.0)
    cx, cy = cx.ravel(), cy.ravel()
    keep = (cx + r >= minx) & (cx - r <= maxx) & (cy + dy / 2 >= miny) & (cy - dy / 2 <= maxy)
    cx, cy = cx[keep], cy[keep]
    angles = np.deg2rad(np.arange(0, 360, 60))
    ring_x = cx[:, None] + r * np.cos(angles)[None, :]
    ring_y = cy[:, None] + r * np.sin(angles)[None, :]
    coords = np.stack([ring_x, ring_y], axis=-1)
    coords = np.concatenate([coords, coords[:, :1]], axis=1)
    return shapely.polygons(coords)


def lattice(bounds: tuple[float, float, float, float], size: float, cell_type: str = "square") -> np.ndarray:
    """Cells covering ``bounds`` (minx, miny, maxx, maxy)."""
    if size <= 0:
        raise ValueError("the cell size must be positive")
    if cell_type not in CELL_TYPES:
        raise ValueError(f"cell type must be one of {CELL_TYPES}, not {cell_type!r}")
    minx, miny, maxx, maxy = bounds
    n = ((maxx - minx) / size + 2) * ((maxy - miny) / size + 2)
    if n > 5_000_000:
        raise ValueError(f"{int(n):,} cells of {size:g} m: choose a larger cell size or a smaller extent")
    return _square_cells(bounds, size) if cell_type == "square" else _hexagon_cells(bounds, size)


@dataclass(frozen=True)
class Extent:
    """A rectangle to cover, in its coordinate reference system (an authority id such as
    ``EPSG:4547``, or WKT; '' when it names none)."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    crs: str = ""

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy), as shapely and :func:`lattice` take them."""
        return (self.xmin, self.ymin, self.xmax, self.ymax)


@dataclass(frozen=True)
class BuildGridRequest:
    """A coded lattice as the toolbox, the dock or a script asks for it (``gridgov:buildgrid``)."""

    #: The rectangle covered when there are no boundary polygons (None: none given).
    extent: Extent | None = None
    #: square or hexagon.
    type: str = "square"
    #: Cell size in metres (hexagons: the distance between opposite edges).
    size: float = 250.0
    #: The code before every sequence when the boundaries have no code field (or there are none).
    code_prefix: str = ""
    #: The boundaries' field whose value starts the codes of their cells ('': ``code_prefix``).
    code_field: str = ""
    #: Digits of the sequence numbered west to east, north to south.
    digits: int = 3
    #: Pieces smaller than this share of a full cell join their neighbour.
    min_fraction: float = 0.1


def grid_of(boundaries: gpd.GeoDataFrame | None, crs, request: BuildGridRequest) -> gpd.GeoDataFrame:
    """The cells ``request`` asks for (:func:`build_grid`): clipped to ``boundaries`` when they are
    given, else over the request's extent; ``crs`` is the output's (the boundaries' or the extent's)."""
    extent = None if boundaries is not None or request.extent is None else request.extent.bounds
    return build_grid(
        size=request.size,
        cell_type=request.type,
        boundaries=boundaries,
        boundary_code_field=request.code_field or None,
        extent=extent,
        crs=crs,
        code_prefix=request.code_prefix,
        code_digits=request.digits,
        min_fraction=request.min_fraction,
    )


def build_grid(
    size: float,
    cell_type: str = "square",
    boundaries: gpd.GeoDataFrame | None = None,
    boundary_code_field: str | None = None,
    extent: tuple[float, float, float, float] | None = None,
    crs=None,
    code_prefix: str = "",
    code_digits: int = 3,
    min_fraction: float = 0.1,
) -> gpd.GeoDataFrame:
    """Coded cells: ``grid_code``, ``parent_code``, ``seq``, ``area_m2``.

    With ``boundaries``, cells are clipped to each boundary polygon; each cell's code is the
    boundary's code (``boundary_code_field``, or ``code_prefix``) plus a ``code_digits`` sequence
    numbered west→east, north→south inside the boundary. Pieces smaller than ``min_fraction`` of a
    full cell join the neighbouring piece of the same boundary they share most edge with.
    Without boundaries the cells cover ``extent`` and are numbered over the whole extent.
    """
    if boundaries is None and extent is None:
        raise ValueError("give boundary polygons or an extent")
    if boundaries is not None and len(boundaries):
        crs = boundaries.crs if crs is None else crs
    units = _coded_units(boundaries, boundary_code_field, code_prefix, extent)
    full_area = size * size if cell_type == "square" else math.sqrt(3) / 2 * size * size
    rows = []
    for parent_code, geom in units:
        pieces = _clipped_cells(geom, size, cell_type, min_fraction * full_area)
        rows.extend(_numbered(pieces, parent_code, size, cell_type, code_digits))
    out = gpd.GeoDataFrame(rows, columns=[GRID_CODE, "parent_code", "seq", "geometry"], geometry="geometry", crs=crs)
    out = out.sort_values(GRID_CODE, kind="stable").reset_index(drop=True)
    out["area_m2"] = out.geometry.area.round(1)
    return out


def _coded_units(
    boundaries: gpd.GeoDataFrame | None,
    code_field: str | None,
    code_prefix: str,
    extent: tuple[float, float, float, float] | None,
) -> list[tuple[str, shapely.Geometry]]:
    """(code, polygon) of every boundary with a geometry, or the extent as one unit: what is
    covered and numbered on its own."""
    if boundaries is not None and len(boundaries):
        codes = boundaries[code_field] if code_field else [None] * len(boundaries)
        return [
            (str(code) if code_field else code_prefix, geom)
            for code, geom in zip(codes, boundaries.geometry.values)
            if geom is not None and not geom.is_empty
        ]
    return [(code_prefix, shapely.box(*extent))]


def _clipped_cells(geom: shapely.Geometry, size: float, cell_type: str, min_area: float) -> list:
    """The lattice's cells over ``geom``, clipped to it; pieces under ``min_area`` merged away."""
    geom = shapely.make_valid(geom)
    cells = lattice(geom.bounds, size, cell_type)
    shapely.prepare(geom)
    cells = cells[shapely.intersects(geom, cells)]
    covered = shapely.covers(geom, cells)
    pieces = np.where(covered, cells, shapely.intersection(cells, geom))
    pieces = [p for p in map(polygonal, pieces) if not p.is_empty]
    return _merge_small(pieces, min_area)


def _numbered(pieces: list, parent_code: str, size: float, cell_type: str, code_digits: int) -> list[dict]:
    """One row per piece, its sequence numbered west→east, north→south (in bands of a cell's row)."""
    cx = np.array([p.centroid.x for p in pieces])
    cy = np.array([p.centroid.y for p in pieces])
    band = size if cell_type == "square" else size / 2
    seq = order_west_east_north_south(cx, cy, band=band) + 1
    if len(pieces) >= 10**code_digits:
        raise ValueError(
            f"{len(pieces)} cells in {parent_code or 'the extent'} do not fit a {code_digits}-digit "
            "sequence: raise the cell size or the number of digits"
        )
    return [
        {GRID_CODE: f"{parent_code}{int(s):0{code_digits}d}", "parent_code": parent_code, "seq": int(s), "geometry": p}
        for p, s in zip(pieces, seq)
    ]


def _merge_small(pieces: list, min_area: float) -> list:
    """Pieces under ``min_area`` join the neighbour they share most edge with (if any)."""
    if not pieces:
        return pieces
    pieces = list(pieces)
    alive = [True] * len(pieces)
    tree = shapely.STRtree(pieces)
    for i in sorted(range(len(pieces)), key=lambda k: pieces[k].area):
        if pieces[i].area >= min_area:
            break
        near = [j for j in tree.query(pieces[i], predicate="intersects") if j != i and alive[j]]
        if not near:
            continue
        shared = [shapely.length(shapely.intersection(pieces[i].boundary, pieces[j].boundary)) for j in near]
        if max(shared) <= 0:
            continue
        j = near[int(np.argmax(shared))]
        pieces[j] = shapely.union(pieces[j], pieces[i])
        alive[i] = False
    return [p for p, a in zip(pieces, alive) if a]
