"""Assign each work order to the unit responsible for where it happened (DESIGN.md §4).

Precedence: the dedicated grid (专属网格) of highest priority (lowest ``priority`` number, then lowest
code) that covers the point and takes the order's class case; else the micro-grid; else the grid;
else the community; else the street. Every row comes out exactly once with a ``match_method``:

- ``inside``: the point lies inside one grid (or, where no grid covers it, inside a community or
  street, which is then responsible);
- ``boundary``: the point lies on an edge shared by two or more grids. Rule: the grid that holds the
  point moved 1 mm east and 0.5 mm north wins (east-north side owns the edge, like the half-open
  pixel rule), and where that still does not decide (a vertex where several grids meet at that very
  angle), the lowest grid code. ``on_boundary`` is true;
- overlapping grids (a data error): a point that two or more grids cover and at least one holds in
  its interior is ``inside`` the lowest-coded grid holding it in its interior, with ``on_boundary``
  false and ``overlap`` naming every covering grid (``placement`` adds a problem pointing at
  ``gridgov:validategrids``).

"Lowest code" is ``codes.code_sort_key``'s order everywhere: codes of digits as numbers ("41"
before "126"), then other codes as text.
- ``nearest``: outside every grid but within ``tolerance`` metres of one: that grid, with
  ``distance_m`` (on equal distances the lowest code, as in the PostGIS push-down);
- ``address``: placed from its address by the gazetteer, then assigned as above;
- ``unlocated``: only an address, and the gazetteer found no match above the threshold (the best
  candidates are listed in ``candidates``);
- ``unassigned``: a usable position, but further than ``tolerance`` from every unit (``distance_m``
  says how far);
- ``invalid``: no usable position: ``problem`` names the field and what was wrong with it.

How points find their polygons: small inputs take a bounding-box query on an STR tree, then
point-in-polygon tests on prepared polygons (GEOS). From ``RASTER_MIN_POINTS`` points on, the
compiled kernels of ``pipkernels`` (numba) give the same pairs in one pass over points sorted in
space order; without numba, the edge raster of ``pointindex``. The same arrays answer the nearest
grid and, for big layers, most of the validity check. A million orders against 20,000 grids,
80,000 micro-grids and 200 dedicated grids take about 0.9 s with every rule on two cores, reading
the layers included (``docs/benchmarks.md``).
"""

from __future__ import annotations

import functools
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.grids.codes import code_ranks, code_texts
from gridgov.grid_ops.pip import pipkernels
from gridgov.grid_ops.pip.pointindex import EdgeRaster
from gridgov.grid_ops.schema import (
    COMMUNITY_CODE,
    DEDICATED_CODE,
    GRID_CODE,
    MATCH_METHOD,
    MICRO_CODE,
    ON_BOUNDARY,
    OVERLAP,
    PROBLEM,
    RESP_CODE,
    RESP_LEVEL,
    STREET_CODE,
    as_text,
)

#: From this many points on, the compiled kernels (or, without numba, the edge raster) pay for their set-up.
RASTER_MIN_POINTS = 200_000
#: From this many polygons on, a layer's validity is settled by the compiled kernels where they can.
QUICK_VALIDITY_MIN_POLYGONS = 10_000
NUDGE = (1e-3, 5e-4)  # metres east, north: the boundary rule's probe
#: Metres outside every grid within which the nearest grid still answers (``gridgov:geolocate``'s
#: TOLERANCE default, and the map tool's).
DEFAULT_TOLERANCE = 50.0
MATCH_METHODS = ("inside", "boundary", "nearest", "address", "unlocated", "unassigned", "invalid")
RESULT_COLUMNS = (
    GRID_CODE,
    MICRO_CODE,
    DEDICATED_CODE,
    COMMUNITY_CODE,
    STREET_CODE,
    RESP_LEVEL,
    RESP_CODE,
    "responsible",
    "resp_phone",
    "team_id",
    "street_office",
    MATCH_METHOD,
    ON_BOUNDARY,
    OVERLAP,
    "distance_m",
    PROBLEM,
)

#: Where each person field comes from (first column present wins), on the roster and on the layers.
PEOPLE_SOURCES = {
    "responsible": ("manager", "负责人", "网格员"),
    "resp_phone": ("phone", "电话"),
    "team_id": ("team_id",),
    "street_office": ("street_office",),
}
#: What a responsible dedicated grid's own fields replace (its team and street office stay the grid's).
_DEDICATED_PEOPLE = ("responsible", "resp_phone")


@dataclass
class UnitLayer:
    """Polygons of one level with their codes, indexed for point look-up."""

    codes: np.ndarray
    geoms: np.ndarray
    attrs: pd.DataFrame
    rank: np.ndarray = field(init=False, repr=False)  # each polygon's place in code order (ties: lower code wins)
    _tree: shapely.STRtree | None = field(init=False, default=None, repr=False)
    _raster: EdgeRaster | None = field(init=False, default=None, repr=False)
    _arrays: pipkernels.PolygonArrays | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.codes = np.asarray(self.codes, dtype=object)
        self.geoms = np.asarray(self.geoms, dtype=object)
        self.rank = code_ranks(self.codes)

    @property
    def tree(self) -> shapely.STRtree:
        """The R-tree of the polygons, with the polygons prepared, built at first use.

        The compiled look-up needs neither, so a big input never builds the micro-grids' tree.
        """
        if self._tree is None:
            shapely.prepare(self.geoms)
            self._tree = shapely.STRtree(self.geoms)
        return self._tree

    @functools.cached_property
    def code_ids(self) -> tuple[np.ndarray, np.ndarray]:
        """(each polygon's code id, the distinct codes): codes compared as integers."""
        ids, distinct = pd.factorize(pd.Series(self.codes, dtype=object))
        return ids, np.asarray(distinct, dtype=object)

    @classmethod
    def from_frame(cls, frame: gpd.GeoDataFrame, code_field: str) -> UnitLayer:
        if code_field not in frame.columns:
            raise KeyError(f"the layer has no code field {code_field!r} (fields: {', '.join(map(str, frame.columns))})")
        keep = ~(frame.geometry.isna() | frame.geometry.is_empty)
        frame = frame[keep].reset_index(drop=True)
        geoms = np.asarray(frame.geometry.values, dtype=object)
        arrays, invalid = _validity(geoms)
        if invalid.any():  # repair only what needs it: make_valid on every polygon costs seconds
            geoms = geoms.copy()
            geoms[invalid] = shapely.make_valid(geoms[invalid])
            arrays = None  # built again from the repaired polygons at first use
        codes = code_texts(frame[code_field])  # NULL empty, Real codes as integers
        layer = cls(codes, np.asarray(geoms), pd.DataFrame(frame.drop(columns=frame.geometry.name)))
        layer._arrays = arrays
        return layer

    def covering(self, x: np.ndarray, y: np.ndarray, in_space_order: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(point index, polygon index) for every polygon covering each point (edges included).

        ``in_space_order``: the caller has already sorted the points with ``pipkernels.spatial_sort``.
        """
        if len(x) == 0 or len(self.geoms) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        path = point_lookup(len(x))
        if path == "exact":
            return self._exact(x, y)
        if path == "compiled":  # one compiled pass over the points, taken in space order
            compiled = pipkernels.kernels()
            if self._arrays is None:
                self._arrays = pipkernels.PolygonArrays.build(self.geoms, compiled)
            in_space = None if in_space_order else pipkernels.spatial_sort(x, y)
            if in_space is None:
                return self._arrays.covering(x, y, compiled)
            rows, xs, ys = in_space  # the points with a position, sorted with their coordinates
            pts, polys = self._arrays.covering(xs, ys, compiled)
            return rows[pts], polys
        if self._raster is None:
            self._raster = EdgeRaster(self.geoms)
        pts_fast, polys_fast, rest = self._raster.lookup(x, y)
        pts_rest, polys_rest = self._exact(x[rest], y[rest])
        return np.concatenate([pts_fast, rest[pts_rest]]), np.concatenate([polys_fast, polys_rest])

    def _exact(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(x) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        pts, polys = self.tree.query(shapely.points(x, y))  # bounding boxes only: cheap
        hit = shapely.intersects_xy(self.geoms[polys], x[pts], y[pts])  # prepared point-in-polygon
        return pts[hit], polys[hit]


def point_lookup(n_points: int) -> str:
    """How ``UnitLayer.covering`` finds the polygons of ``n_points`` points: ``exact`` (R-tree and
    GEOS), ``compiled`` (numba kernels) or ``raster`` (the edge raster, without numba)."""
    if n_points < RASTER_MIN_POINTS:
        return "exact"
    return "compiled" if pipkernels.kernels() is not None else "raster"


def _validity(geoms: np.ndarray) -> tuple[pipkernels.PolygonArrays | None, np.ndarray]:
    """(the compiled look-up's arrays when they were built for the check, or None; which polygons
    are invalid by GEOS's rules).

    A big layer, with the compiled kernels at hand, has its arrays built now rather than at the
    first big look-up: the simple rings among them are settled there (``surely_valid``), and GEOS
    checks only the rest. On 100,000 grids that is 0.2 s of GEOS work down to a few hundredths.
    The kernels must be loaded already (``pipkernels.loaded``): the check alone saves less than
    numba's load costs, so a small job on a big layer in a fresh process does not pay for it.
    """
    compiled = pipkernels.loaded() if len(geoms) >= QUICK_VALIDITY_MIN_POLYGONS else None
    if compiled is None:
        return None, ~_in_threads(shapely.is_valid, geoms)
    arrays = pipkernels.PolygonArrays.build(geoms, compiled)
    check = np.flatnonzero(~arrays.surely_valid(compiled))
    invalid = np.zeros(len(geoms), dtype=bool)
    invalid[check] = ~_in_threads(shapely.is_valid, geoms[check])
    return arrays, invalid


def _in_threads(func, values: np.ndarray, parts: int = 2) -> np.ndarray:
    """``func(values)`` for a vectorised shapely function, in ``parts`` threads (GEOS releases the GIL).

    Checking 100,000 polygons for validity takes about 0.3 s; two threads halve it on two cores.
    """
    if len(values) < 10_000:
        return func(values)
    chunks = np.array_split(values, parts)
    with ThreadPoolExecutor(max_workers=parts) as pool:
        return np.concatenate(list(pool.map(func, chunks)))


def _best_of_pairs(pts: np.ndarray, polys: np.ndarray, key: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per point, the polygon of the pair with the smallest ``key`` (on a tie the first pair); and
    the number of pairs per point.

    A big input takes one compiled pass. Otherwise most points have one pair: they are taken
    directly; only the others are sorted.
    """
    if point_lookup(n) == "compiled":
        return pipkernels.kernels().best_of_pairs(pts, polys, np.ascontiguousarray(key, dtype=np.int64), n)
    best = np.full(n, -1, dtype=np.int64)
    count = np.bincount(pts, minlength=n)
    if len(pts):
        single = count[pts] == 1
        best[pts[single]] = polys[single]
        multi = np.flatnonzero(~single)
        if len(multi):
            order = multi[np.lexsort((key[multi], pts[multi]))]
            pts_sorted, polys_sorted = pts[order], polys[order]
            first = np.ones(len(order), dtype=bool)
            first[1:] = pts_sorted[1:] != pts_sorted[:-1]
            best[pts_sorted[first]] = polys_sorted[first]
    return best, count


@dataclass
class UnitPick:
    """Each point's unit by the responsibility rule, and how it was decided.

    ``best``: the polygon index (-1: none covers the point); ``on_boundary``: the point lies on an
    edge or vertex shared by two or more units and no unit holds it in its interior; ``overlap``:
    two or more units cover it and at least one holds it in its interior (a data error, reported,
    never called a boundary); ``overlap_codes``: for those points, every covering unit's code in
    code order, joined by ``,`` ("" elsewhere).
    """

    best: np.ndarray
    on_boundary: np.ndarray
    overlap: np.ndarray
    overlap_codes: np.ndarray


def pick_units(layer: UnitLayer, x: np.ndarray, y: np.ndarray, in_space_order: bool = False) -> UnitPick:
    """The responsibility rule for one level, the only place it is written in the engine (the
    PostGIS push-down writes it in SQL, the map tool calls this; ``tests/parity`` holds all three
    to the same answers).

    A point covered by one unit: that unit. Covered by several (their closures hold it): the units
    holding it in their *interior* first — then it is an overlap —, else those holding the point
    moved ``NUDGE`` east-north (the shared-edge rule: the east-north side owns the edge), then the
    lowest code in ``codes.code_sort_key`` order (codes of digits as numbers).
    """
    n = len(x)
    pts, polys = layer.covering(x, y, in_space_order)
    best, count = _best_of_pairs(pts, polys, layer.rank[polys], n)
    shared = count > 1
    overlap = np.zeros(n, dtype=bool)
    codes = np.full(n, "", dtype=object)
    if shared.any():
        sel = shared[pts]
        s_pts, s_polys = pts[sel], polys[sel]
        interior = shapely.contains_xy(layer.geoms[s_polys], x[s_pts], y[s_pts])
        # an overlap needs a second unit that GEOS also finds covering the point: a point a hair's
        # breadth inside one unit, which the compiled test put on the other's edge too, is no overlap
        covers = shapely.intersects_xy(layer.geoms[s_polys], x[s_pts], y[s_pts])
        covered_by = np.bincount(s_pts[covers], minlength=n)
        interior &= covered_by[s_pts] > 1
        probe = shapely.intersects_xy(layer.geoms[s_polys], x[s_pts] + NUDGE[0], y[s_pts] + NUDGE[1])
        step = len(layer.codes)
        key = np.where(interior, 0, np.where(probe, step, 2 * step)) + layer.rank[s_polys]
        shared_best, _ = _best_of_pairs(s_pts, s_polys, key, n)
        best[shared] = shared_best[shared]
        overlap[s_pts[interior]] = True
        if overlap.any():
            keep = overlap[s_pts]
            o_pts, o_polys = s_pts[keep], s_polys[keep]
            order = np.lexsort((layer.rank[o_polys], o_pts))
            o_pts, o_codes = o_pts[order], layer.codes[o_polys[order]]
            starts = np.flatnonzero(np.r_[True, o_pts[1:] != o_pts[:-1]])
            for start, end in zip(starts, np.r_[starts[1:], len(o_pts)]):
                codes[o_pts[start]] = ",".join(o_codes[start:end])
    return UnitPick(best, shared & ~overlap, overlap, codes)


def pick_with_boundary_rule(
    layer: UnitLayer, x: np.ndarray, y: np.ndarray, in_space_order: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pick_units` as (index or -1, on_boundary), for steps that need nothing else."""
    pick = pick_units(layer, x, y, in_space_order)
    return pick.best, pick.on_boundary


def grid_of_points(layer: UnitLayer, x: np.ndarray, y: np.ndarray) -> pd.Categorical:
    """Each point's grid code by the boundary rule, missing where no grid covers it or there is no
    position (NaN): what per-grid counts need, without the rest of ``assign``.

    A categorical: a million orders share a few thousand codes, which later steps (``text_ids``)
    then read once each instead of a million times.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    idx, _ = pick_with_boundary_rule(layer, x[ok], y[ok])
    code_ids, distinct = layer.code_ids
    ids = np.full(len(x), -1, dtype=np.int64)
    found = idx >= 0
    ids[ok[found]] = code_ids[idx[found]]
    return pd.Categorical.from_codes(ids, categories=pd.Index(distinct, dtype=object))


def _takes_class(cases: str, group: str, class_code: str) -> bool:
    if not cases or not cases.strip():
        return True
    wanted = {c.strip() for c in cases.replace("，", ",").replace(";", ",").split(",") if c.strip()}
    if not class_code and not group:
        return True  # an order without a class case: the dedicated grid takes it
    return bool(wanted & {group, class_code, class_code[:2] if class_code else ""})


@dataclass
class Hierarchy:
    """The unit layers an assignment uses; only ``grids`` is required."""

    grids: UnitLayer
    micro: UnitLayer | None = None
    dedicated: UnitLayer | None = None
    communities: UnitLayer | None = None
    streets: UnitLayer | None = None
    micro_grid_field: str | None = GRID_CODE
    priority_field: str | None = "priority"
    cases_field: str | None = "case_groups"
    roster: pd.DataFrame | None = None  # indexed by grid code: manager, phone, team_id, street_office
    class_groups: dict[str, str] = field(default_factory=dict)  # class code → case group


def _attr(layer: UnitLayer, names: tuple[str, ...]) -> np.ndarray | None:
    for name in names:
        if name in layer.attrs.columns:
            return as_text(layer.attrs[name].to_numpy(dtype=object)).to_numpy(dtype=object)
    return None


class _CodeColumn:
    """One code column as an index per point into a small table of codes (0 is the empty code).

    The assignment moves integers, not a million Python strings; the strings are taken from the
    table once at the end, in row order.
    """

    def __init__(self, m: int) -> None:
        self.table = np.array([""], dtype=object)
        self.idx = np.zeros(m, dtype=np.int64)

    def add_table(self, codes: np.ndarray) -> int:
        """Append ``codes``; returns the offset of its first entry."""
        offset = len(self.table)
        self.table = np.concatenate([self.table, np.asarray(codes, dtype=object)])
        return offset

    def put(self, codes: np.ndarray, pick: np.ndarray) -> None:
        """Each point's code from ``codes[pick]`` where ``pick`` (one per point) is not -1."""
        offset = self.add_table(codes)
        found = pick >= 0
        self.idx[found] = offset + pick[found]

    def present(self) -> np.ndarray:
        return (self.table != "")[self.idx]


def _nearest_outside(h: Hierarchy, xo, yo, g_idx, method, distance, tolerance: float) -> np.ndarray:
    """Points outside every grid: the nearest grid within the tolerance, else unassigned.

    Returns the unassigned points: ``_far_distances`` measures how far they are, which nothing else
    waits for.
    """
    outside = np.flatnonzero(g_idx < 0)
    if not len(outside):
        return outside
    if tolerance > 0:
        near, d = nearest_units(h.grids, xo[outside], yo[outside], tolerance)
    else:  # TOLERANCE 0: no nearest rule
        near, d = np.full(len(outside), -1, dtype=np.int64), np.full(len(outside), np.inf)
    hit = near >= 0
    g_idx[outside[hit]] = near[hit]
    method[outside[hit]] = _NEAREST
    distance[outside[hit]] = np.round(d[hit], 2)
    far = outside[~hit]
    method[far] = _UNASSIGNED
    return far


def _far_distances(h: Hierarchy, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which of the points have a nearest grid, its distance in metres to 0.1 m)."""
    near, d = nearest_units(h.grids, x, y, np.inf)
    found = np.flatnonzero(near >= 0)
    return found, np.round(d[found], 1)


def nearest_units(layer: UnitLayer, x: np.ndarray, y: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray]:
    """Per point outside every polygon of ``layer``: (the nearest polygon within ``max_distance``
    (inf: at any distance), -1 if none; its distance, inf if none). Equal distances: the lowest code,
    so the answer does not hang on the order of an index.

    Where the layer has its compiled arrays, they answer (with GEOS's own distance formula); GEOS's
    R-tree answers the rest.
    """
    n = len(x)
    near, dist = np.full(n, -1, dtype=np.int64), np.full(n, np.inf)
    if not n or not len(layer.geoms):
        return near, dist
    rest = np.arange(n)
    compiled = pipkernels.kernels() if layer._arrays is not None else None
    if compiled is not None:
        near, dist = layer._arrays.nearest(x, y, layer.rank, max_distance, compiled)
        rest = np.flatnonzero(near == -2)  # a polygon the compiled test does not read may be nearest
        near[rest] = -1
    if len(rest):
        limit = {} if np.isinf(max_distance) else {"max_distance": max_distance}
        (p, g), d = layer.tree.query_nearest(
            shapely.points(x[rest], y[rest]), return_distance=True, all_matches=True, **limit
        )
        best, _ = _best_of_pairs(p, g, layer.rank[g], len(rest))  # all matches of a point are equally near
        near[rest] = best
        dist[rest[p]] = d
    return near, dist


def _micro_pick(h: Hierarchy, pairs: tuple[np.ndarray, np.ndarray], g_idx: np.ndarray) -> np.ndarray:
    """Per point the micro-grid covering it: one of its own grid first (the chain stays consistent on edges)."""
    m_pts, m_polys = pairs
    rank = h.micro.rank
    parent = _attr(h.micro, (h.micro_grid_field,) if h.micro_grid_field else ())
    if parent is not None:
        parent = code_texts(parent)  # read by the codes' one rule, as the grids' own codes are
    if parent is not None and len(m_pts):
        # compare codes as integers: each grid's code id, each micro-grid's parent code id (-1: no such grid)
        grid_code_id, distinct = h.grids.code_ids
        parent_code_id = pd.Index(distinct).get_indexer(parent)
        no_parent = parent == ""  # for a point in no grid: as the code "" compared before
        rank_pairs = _own_first_keys(m_pts, m_polys, g_idx, grid_code_id, parent_code_id, no_parent, rank)
    else:
        rank_pairs = rank[m_polys] if len(m_pts) else np.zeros(0, dtype=np.int64)
    best, _ = _best_of_pairs(m_pts, m_polys, rank_pairs, len(g_idx))
    return best


def _own_first_keys(pts, polys, point_unit, unit_id, poly_unit_id, poly_no_unit, rank) -> np.ndarray:
    """Per (point, polygon) pair: the polygon's rank, plus ``len(rank)`` unless the polygon belongs
    to the point's unit (``poly_unit_id[polygon] == unit_id[point_unit[point]]``; for a point in no
    unit, ``poly_no_unit[polygon]``). A big input takes one compiled pass."""
    if point_lookup(len(point_unit)) == "compiled":
        return pipkernels.kernels().own_first_keys(
            pts,
            polys,
            np.ascontiguousarray(point_unit, dtype=np.int64),
            np.ascontiguousarray(unit_id, dtype=np.int64),
            np.ascontiguousarray(poly_unit_id, dtype=np.int64),
            np.ascontiguousarray(poly_no_unit, dtype=bool),
            np.ascontiguousarray(rank, dtype=np.int64),
        )
    point_grid = point_unit[pts]
    own = np.where(point_grid >= 0, poly_unit_id[polys] == unit_id[np.maximum(point_grid, 0)], poly_no_unit[polys])
    return np.where(own, 0, len(rank)) + rank[polys]


def _dedicated_pick(h: Hierarchy, pairs: tuple[np.ndarray, np.ndarray], classes, n_points: int) -> np.ndarray:
    """Per point the dedicated grid of highest priority that covers it and takes its class case.

    ``pairs`` are the (point, dedicated grid) pairs of ``covering``; ``classes`` is a function of
    point indices giving their class codes (only the covered points' codes are read).
    """
    d_pts, d_polys = pairs
    cases = _attr(h.dedicated, (h.cases_field,) if h.cases_field else ())
    if len(d_pts) and cases is not None and classes is not None:
        # decide once per (dedicated grid, class case) combination, not once per order
        class_id, distinct = pd.factorize(pd.Series(classes(d_pts), dtype=object), use_na_sentinel=False)
        distinct = as_text(np.asarray(distinct, dtype=object)).str.strip().to_numpy(dtype=object)
        combo = d_polys * len(distinct) + class_id
        unique_combos, combo_id = np.unique(combo, return_inverse=True)
        combo_poly, combo_class = np.divmod(unique_combos, len(distinct))
        takes = np.array(
            [
                _takes_class(cases[g], h.class_groups.get(distinct[c], ""), distinct[c])
                for g, c in zip(combo_poly, combo_class)
            ],
            dtype=bool,
        )[combo_id]
        d_pts, d_polys = d_pts[takes], d_polys[takes]
    priority = None
    if h.priority_field and h.priority_field in h.dedicated.attrs.columns:
        priority = pd.to_numeric(h.dedicated.attrs[h.priority_field], errors="coerce").fillna(1e9).to_numpy()
    code_rank = h.dedicated.rank
    rank = code_rank if priority is None else np.lexsort((code_rank, priority)).argsort()
    best, _ = _best_of_pairs(d_pts, d_polys, rank[d_polys], n_points)
    return best


def _other_pairs(h: Hierarchy, x: np.ndarray, y: np.ndarray):
    """The (point, polygon) pairs of the micro-grids and of the dedicated grids (None without the layer)."""
    micro = h.micro.covering(x, y, in_space_order=True) if h.micro is not None else None
    dedicated = h.dedicated.covering(x, y, in_space_order=True) if h.dedicated is not None else None
    return micro, dedicated


class _Background:
    """Jobs that run one after another in a second thread on a big input, or at once on a small one.

    The compiled kernels and GEOS release the GIL, so on two cores the second thread's look-ups
    cost no wall time while the main thread places the points in grids.
    """

    def __init__(self, threaded: bool) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1) if threaded else None

    def submit(self, fn, *args) -> Future:
        if self._pool is not None:
            return self._pool.submit(fn, *args)
        done: Future = Future()
        done.set_result(fn(*args))
        return done

    def __enter__(self) -> _Background:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


_INSIDE, _BOUNDARY, _NEAREST = 0, 1, 2
_UNASSIGNED, _INVALID = MATCH_METHODS.index("unassigned"), MATCH_METHODS.index("invalid")
#: resp_level values by precedence (index 0: nobody), and the code column of each
_LEVELS = ("", "street", "community", "grid", "microgrid", "dedicated")
_LEVEL_COLUMNS = (STREET_CODE, COMMUNITY_CODE, GRID_CODE, MICRO_CODE, DEDICATED_CODE)


def assign(
    h: Hierarchy,
    x: np.ndarray,
    y: np.ndarray,
    class_codes: np.ndarray | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> pd.DataFrame:
    """Assign points (in the hierarchy's CRS, NaN where there is none) to their responsible units.

    Returns one row per point with the columns of ``RESULT_COLUMNS`` except ``problem``; rows with
    no position get ``match_method = invalid`` here (the caller adds the reason).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    # work through the points in space order on a big input; everything below is per usable point
    # ("ok space") and goes back to the rows once, at the end
    in_space = pipkernels.spatial_sort(x, y) if n >= RASTER_MIN_POINTS else None
    if in_space is not None and len(in_space[0]) >= RASTER_MIN_POINTS:
        ok, xo, yo = in_space
    else:
        ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        xo, yo = x[ok], y[ok]
    m = len(ok)
    class_array = None if class_codes is None else np.asarray(class_codes)
    classes = None if class_array is None else (lambda pts: class_array[ok[pts]])
    with _Background(threaded=m >= RASTER_MIN_POINTS) as background:
        # the micro-grid and dedicated look-ups need no grid result: they run beside it
        others = background.submit(_other_pairs, h, xo, yo)
        grid_pick = pick_units(h.grids, xo, yo, in_space_order=True)
        g_idx, on_boundary = grid_pick.best, grid_pick.on_boundary
        method = np.where(on_boundary, _BOUNDARY, _INSIDE).astype(np.int8)
        distance = np.where(g_idx >= 0, 0.0, np.nan)
        far = _nearest_outside(h, xo, yo, g_idx, method, distance, tolerance)
        far_distances = background.submit(_far_distances, h, xo[far], yo[far])
        has_grid = g_idx >= 0
        columns = {name: _CodeColumn(m) for name in RESULT_COLUMNS[:5]}
        columns[GRID_CODE].put(h.grids.codes, g_idx)
        _add_areas(h, columns, g_idx, xo, yo)
        # where no grid is responsible, a community or street that covers the point is
        fallback = (~has_grid) & (columns[COMMUNITY_CODE].present() | columns[STREET_CODE].present())
        method[fallback] = _INSIDE
        distance[fallback] = 0.0

        micro_pairs, dedicated_pairs = others.result()
        ded_best = np.full(m, -1, dtype=np.int64)
        if h.micro is not None:
            columns[MICRO_CODE].put(h.micro.codes, _micro_pick(h, micro_pairs, g_idx))
        if h.dedicated is not None:
            ded_best = _dedicated_pick(h, dedicated_pairs, classes, m)
            columns[DEDICATED_CODE].put(h.dedicated.codes, ded_best)

        return _result_frame(
            h,
            n,
            ok,
            columns,
            (method, on_boundary, grid_pick.overlap_codes, g_idx, ded_best, distance),
            lambda: _fill_far(far_distances, far, distance, method),
        )


def _fill_far(future: Future, far: np.ndarray, distance: np.ndarray, method: np.ndarray) -> None:
    """The distances of the unassigned points, measured in the background; a point a community or
    street took meanwhile (``inside``, distance 0) keeps its 0."""
    found, d = future.result()
    still = method[far[found]] == _UNASSIGNED
    distance[far[found][still]] = d[still]


def _result_frame(h: Hierarchy, n: int, ok: np.ndarray, columns: dict[str, _CodeColumn], picks, fill_far_distances):
    """One row per input point: the codes taken from their tables, the responsible level, people.

    ``picks`` holds the per-point (ok space) arrays: method, on_boundary, overlap codes, grid index,
    dedicated grid index, distance. ``fill_far_distances()`` completes ``distance`` when it is needed.
    """
    method, on_boundary, overlap, g_idx, ded_best, distance = picks
    # the responsible level: the most specific unit present (a nearest point stays with its grid)
    level = np.zeros(len(ok), dtype=np.int8)
    for value, name in enumerate(_LEVEL_COLUMNS, 1):
        present = columns[name].present()
        if name == MICRO_CODE:
            present &= method <= _BOUNDARY
        level[present] = value
    unplaced = method >= _UNASSIGNED
    level[unplaced] = 0
    columns[DEDICATED_CODE].idx[unplaced] = 0

    rows = _Rows(n, ok)
    out = {name: rows.take(column.table, column.idx, 0) for name, column in columns.items()}
    out[RESP_LEVEL] = rows.take(np.asarray(_LEVELS, dtype=object), level, 0)
    out[RESP_CODE] = _responsible_codes(columns, level, rows)
    out.update(_people(h, rows, g_idx, ded_best, level == _LEVELS.index("dedicated")))
    out[MATCH_METHOD] = rows.take(np.asarray(MATCH_METHODS, dtype=object), method, _INVALID)
    out[ON_BOUNDARY] = rows(on_boundary, False)
    out[OVERLAP] = rows(overlap, "")
    fill_far_distances()  # measured in the background meanwhile
    out["distance_m"] = rows(distance, np.nan)
    return pd.DataFrame(out, copy=False)  # every array here is its own: no copy needed


class _Rows:
    """Takes per-point values (ok space, in the order of ``ok``) back to one value per input row.

    ``take`` goes through one index buffer, reused for every column: on a million rows each fresh
    8 MB array costs page faults, which the columns' index arrays no longer pay.
    """

    def __init__(self, n: int, ok: np.ndarray) -> None:
        self.n, self.ok = n, ok
        self._index = np.empty(n, dtype=np.int64)

    def take(self, table: np.ndarray, idx: np.ndarray, missing: int) -> np.ndarray:
        """``table[idx]`` per row; the rows with no position get ``table[missing]``.

        A table of one value (a people field nobody filled in, a level with no layer) is a fill:
        a third of the time of a take, with no index to build.
        """
        if table[0] == table[-1] and (table == table[0]).all():  # the first test rejects most tables cheaply
            column = np.empty(self.n, dtype=object)
            column.fill(table[missing])
            return column
        if len(self.ok) < self.n:
            self._index.fill(missing)
        self._index[self.ok] = idx
        return table.take(self._index)

    def __call__(self, values: np.ndarray, fill) -> np.ndarray:
        full = np.full(self.n, fill, dtype=values.dtype)
        full[self.ok] = values
        return full


def _responsible_codes(columns: dict[str, _CodeColumn], level: np.ndarray, rows: _Rows) -> np.ndarray:
    """``resp_code``: each point's code at its responsible level, in one take from the joined tables."""
    tables, index, offset = [], np.zeros(len(level), dtype=np.int64), 0
    for value, name in enumerate(_LEVEL_COLUMNS, 1):
        at = level == value
        index[at] = offset + columns[name].idx[at]
        tables.append(columns[name].table)
        offset += len(columns[name].table)
    return rows.take(np.concatenate(tables), index, 0)  # entry 0: the first table's "" (nobody)


def _add_areas(h: Hierarchy, columns: dict[str, _CodeColumn], g_idx: np.ndarray, xo, yo) -> None:
    """Community and street codes: the grid's own fields where it has them, else the covering unit."""
    has_grid = g_idx >= 0
    for level, layer, names in (
        (COMMUNITY_CODE, h.communities, (COMMUNITY_CODE, "comm_code")),
        (STREET_CODE, h.streets, (STREET_CODE,)),
    ):
        column = columns[level]
        from_grid = _attr(h.grids, names)
        if from_grid is not None:
            offset = column.add_table(from_grid)
            column.idx[has_grid] = np.where(from_grid[g_idx[has_grid]] != "", offset + g_idx[has_grid], 0)
        if layer is not None:
            need = np.flatnonzero(~column.present())
            idx, _ = pick_with_boundary_rule(layer, xo[need], yo[need], in_space_order=True)
            pick = np.full(len(column.idx), -1, dtype=np.int64)
            pick[need] = idx
            column.put(layer.codes, pick)


def _people(
    h: Hierarchy, rows: _Rows, grid: np.ndarray, dedicated: np.ndarray, ded: np.ndarray
) -> dict[str, np.ndarray]:
    """Manager, phone, team and street office: the dedicated grid's own manager where it is
    responsible, otherwise the grid's roster entry (or the grid layer's own fields).

    ``grid`` and ``dedicated`` are each point's polygon index (-1: none), ``ded`` marks the points
    whose dedicated grid is responsible (all in ok space). Values are looked up once per grid (and
    dedicated grid), then taken per row.
    """
    codes = h.grids.codes
    no_grid = len(codes)  # the "" entry after the grids' values
    position = np.where(grid >= 0, grid, no_grid)
    has_rows = np.zeros(no_grid + 1, dtype=bool)
    has_rows[position] = True
    has_rows = has_rows[:no_grid]
    per_grid: dict[str, np.ndarray] = {}
    if h.roster is not None and len(h.roster):
        for key, names in PEOPLE_SOURCES.items():
            column = next((c for c in names if c in h.roster.columns), None)
            if column is not None:
                values = h.roster[column].astype(str).to_dict()
                per_grid[key] = np.array([values.get(g, "") if g else "" for g in codes] + [""], dtype=object)
    for key, names in PEOPLE_SOURCES.items():
        own = _attr(h.grids, names)
        # the grid layer's own field where the roster says nothing for the grids that have orders
        if own is not None and (key not in per_grid or not (per_grid[key][:no_grid] != "")[has_rows].any()):
            lookup = dict(zip(codes, own))  # a duplicated code: its last grid's value, for every copy
            per_grid[key] = np.array([lookup.get(c, "") for c in codes] + [""], dtype=object)
    any_dedicated = h.dedicated is not None and ded.any()
    people = {}
    for key in PEOPLE_SOURCES:
        table = per_grid.get(key, np.full(no_grid + 1, "", dtype=object))
        index = position
        own = _attr(h.dedicated, PEOPLE_SOURCES[key]) if any_dedicated and key in _DEDICATED_PEOPLE else None
        if own is not None:
            lookup = dict(zip(h.dedicated.codes, own))  # a duplicated code: its last value, as for grids
            table = np.concatenate([table, np.asarray([lookup.get(c, "") for c in h.dedicated.codes], dtype=object)])
            index = np.where(ded, no_grid + 1 + dedicated, position)
        people[key] = rows.take(table, index, no_grid)
    return people
