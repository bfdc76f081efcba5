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
- ``nearest``: outside every grid but within ``tolerance`` metres of one: that grid, with
  ``distance_m``;
- ``address``: placed from its address by the gazetteer, then assigned as above;
- ``unlocated``: only an address, and the gazetteer found no match above the threshold (the best
  candidates are listed in ``candidates``);
- ``unassigned``: a usable position, but further than ``tolerance`` from every unit (``distance_m``
  says how far);
- ``invalid``: no usable position: ``problem`` names the field and what was wrong with it.

All work is vectorised: a bounding-box query on an STR tree, then point-in-polygon tests on
prepared polygons, so a million orders against 20,000 grids take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.ordertable import as_text
from gridgov.grid_ops.pointindex import EdgeRaster

#: From this many points on, the edge raster (``pointindex``) pays for its build.
RASTER_MIN_POINTS = 200_000
NUDGE = (1e-3, 5e-4)  # metres east, north: the boundary rule's probe
MATCH_METHODS = ("inside", "boundary", "nearest", "address", "unlocated", "unassigned", "invalid")
RESULT_COLUMNS = (
    "grid_code",
    "micro_code",
    "dedicated_code",
    "community_code",
    "street_code",
    "resp_level",
    "resp_code",
    "responsible",
    "resp_phone",
    "team_id",
    "street_office",
    "match_method",
    "on_boundary",
    "distance_m",
    "problem",
)

#: Where each person field comes from (first column present wins), on the roster and on the layers.
PEOPLE_SOURCES = {
    "responsible": ("manager", "负责人", "网格员"),
    "resp_phone": ("phone", "电话"),
    "team_id": ("team_id",),
    "street_office": ("street_office",),
}


@dataclass
class UnitLayer:
    """Polygons of one level with their codes, indexed for point look-up."""

    codes: np.ndarray
    geoms: np.ndarray
    attrs: pd.DataFrame
    tree: shapely.STRtree = field(init=False)
    rank: np.ndarray = field(init=False, repr=False)  # each polygon's place in code order (ties: lower code wins)
    _raster: EdgeRaster | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.codes = np.asarray(self.codes, dtype=object)
        self.geoms = np.asarray(self.geoms, dtype=object)
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)
        order = np.argsort(self.codes.astype(str), kind="stable")
        self.rank = np.empty(len(self.codes), dtype=np.int64)
        self.rank[order] = np.arange(len(self.codes))

    @classmethod
    def from_frame(cls, frame: gpd.GeoDataFrame, code_field: str) -> UnitLayer:
        if code_field not in frame.columns:
            raise KeyError(f"the layer has no code field {code_field!r} (fields: {', '.join(map(str, frame.columns))})")
        keep = ~(frame.geometry.isna() | frame.geometry.is_empty)
        frame = frame[keep].reset_index(drop=True)
        geoms = np.asarray(frame.geometry.values, dtype=object)
        invalid = ~shapely.is_valid(geoms)
        if invalid.any():  # repair only what needs it: make_valid on every polygon costs seconds
            geoms = geoms.copy()
            geoms[invalid] = shapely.make_valid(geoms[invalid])
        codes = frame[code_field].astype(str).str.strip().to_numpy(dtype=object)
        return cls(codes, np.asarray(geoms), pd.DataFrame(frame.drop(columns=frame.geometry.name)))

    def covering(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point index, polygon index) for every polygon covering each point (edges included)."""
        if len(x) == 0 or len(self.geoms) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if len(x) >= RASTER_MIN_POINTS:
            if self._raster is None:
                self._raster = EdgeRaster(self.geoms)
            pts_fast, polys_fast, rest = self._raster.lookup(x, y)
            pts_rest, polys_rest = self._exact(x[rest], y[rest])
            return np.concatenate([pts_fast, rest[pts_rest]]), np.concatenate([polys_fast, polys_rest])
        return self._exact(x, y)

    def _exact(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(x) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        pts, polys = self.tree.query(shapely.points(x, y))  # bounding boxes only: cheap
        hit = shapely.intersects_xy(self.geoms[polys], x[pts], y[pts])  # prepared point-in-polygon
        return pts[hit], polys[hit]


def _best_of_pairs(pts: np.ndarray, polys: np.ndarray, key: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per point, the polygon of the pair with the smallest ``key``; and the pairs per point.

    Most points have one pair: they are taken directly; only the others are sorted.
    """
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


def pick_with_boundary_rule(layer: UnitLayer, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The covering polygon per point by the boundary rule; returns (index or -1, on_boundary)."""
    pts, polys = layer.covering(x, y)
    best, count = _best_of_pairs(pts, polys, layer.rank[polys], len(x))
    sel = count[pts] > 1
    if sel.any():  # points on shared edges: polygons holding the probe first, then by code
        s_pts, s_polys = pts[sel], polys[sel]
        probe = shapely.intersects_xy(layer.geoms[s_polys], x[s_pts] + NUDGE[0], y[s_pts] + NUDGE[1])
        key = np.where(probe, 0, len(layer.codes)) + layer.rank[s_polys]
        shared_best, _ = _best_of_pairs(s_pts, s_polys, key, len(x))
        best[count > 1] = shared_best[count > 1]
    return best, count > 1


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
    micro_grid_field: str | None = "grid_code"
    priority_field: str | None = "priority"
    cases_field: str | None = "case_groups"
    roster: pd.DataFrame | None = None  # indexed by grid code: manager, phone, team_id, street_office
    class_groups: dict[str, str] = field(default_factory=dict)  # class code → case group


def _attr(layer: UnitLayer, names: tuple[str, ...]) -> np.ndarray | None:
    for name in names:
        if name in layer.attrs.columns:
            return as_text(layer.attrs[name].to_numpy(dtype=object)).to_numpy(dtype=object)
    return None


def assign(
    h: Hierarchy,
    x: np.ndarray,
    y: np.ndarray,
    class_codes: np.ndarray | None = None,
    tolerance: float = 50.0,
) -> pd.DataFrame:
    """Assign points (in the hierarchy's CRS, NaN where there is none) to their responsible units.

    Returns one row per point with the columns of ``RESULT_COLUMNS`` except ``problem``; rows with
    no position get ``match_method = invalid`` here (the caller adds the reason).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    xo, yo = x[ok], y[ok]
    empty = np.full(n, "", dtype=object)
    out = {
        name: empty.copy() for name in ("grid_code", "micro_code", "dedicated_code", "community_code", "street_code")
    }
    method = np.full(n, "invalid", dtype=object)
    on_boundary = np.zeros(n, dtype=bool)
    distance = np.full(n, np.nan)

    g_idx, g_shared = pick_with_boundary_rule(h.grids, xo, yo)
    m_inside = g_idx >= 0
    method[ok[m_inside]] = np.where(g_shared[m_inside], "boundary", "inside")
    on_boundary[ok] = g_shared
    distance[ok[m_inside]] = 0.0

    # outside every grid: the nearest grid within the tolerance, else unassigned with its distance
    outside = np.flatnonzero(~m_inside)
    if len(outside):
        out_points = shapely.points(xo[outside], yo[outside])
        (p, g), d = h.grids.tree.query_nearest(
            out_points, max_distance=tolerance, return_distance=True, all_matches=False
        )
        g_idx[outside[p]] = g
        method[ok[outside[p]]] = "nearest"
        distance[ok[outside[p]]] = np.round(d, 2)
        far = np.setdiff1d(np.arange(len(outside)), p)
        method[ok[outside[far]]] = "unassigned"
        if len(far) and len(h.grids.geoms):
            (pf, _gf), df = h.grids.tree.query_nearest(out_points[far], return_distance=True, all_matches=False)
            distance[ok[outside[far[pf]]]] = np.round(df, 1)
    has_grid = g_idx >= 0
    out["grid_code"][ok[has_grid]] = h.grids.codes[g_idx[has_grid]]

    for level, layer, names in (
        ("community_code", h.communities, ("community_code", "comm_code")),
        ("street_code", h.streets, ("street_code",)),
    ):
        from_grid = _attr(h.grids, names)
        if from_grid is not None:
            out[level][ok[has_grid]] = from_grid[g_idx[has_grid]]
        if layer is not None:
            need = np.flatnonzero(out[level][ok] == "")
            idx, _ = pick_with_boundary_rule(layer, xo[need], yo[need])
            found = idx >= 0
            out[level][ok[need[found]]] = layer.codes[idx[found]]
    # where no grid is responsible, a community or street that covers the point is
    fallback = (~has_grid) & ((out["community_code"][ok] != "") | (out["street_code"][ok] != ""))
    method[ok[fallback]] = "inside"
    distance[ok[fallback]] = 0.0

    if h.micro is not None:
        m_pts, m_polys = h.micro.covering(xo, yo)
        rank = h.micro.rank
        parent = _attr(h.micro, (h.micro_grid_field,) if h.micro_grid_field else ())
        if parent is not None and len(m_pts):
            # a micro-grid of the point's own grid first, so the chain stays consistent on edges
            own = parent[m_polys] == out["grid_code"][ok[m_pts]]
            rank_pairs = np.where(own, 0, len(rank)) + rank[m_polys]
        else:
            rank_pairs = rank[m_polys] if len(m_pts) else np.zeros(0, dtype=np.int64)
        best, _ = _best_of_pairs(m_pts, m_polys, rank_pairs, len(xo))
        found = best >= 0
        out["micro_code"][ok[found]] = h.micro.codes[best[found]]

    if h.dedicated is not None:
        d_pts, d_polys = h.dedicated.covering(xo, yo)
        if len(d_pts):
            cases = _attr(h.dedicated, (h.cases_field,) if h.cases_field else ())
            if cases is not None and class_codes is not None:
                # decide once per (dedicated grid, class case) combination, not once per order
                picked = as_text(np.asarray(class_codes, dtype=object)[ok][d_pts]).str.strip().to_numpy(dtype=object)
                pairs = pd.DataFrame({"poly": d_polys, "cls": picked})
                combos = pairs.drop_duplicates().copy()
                combos["takes"] = [
                    _takes_class(cases[g], h.class_groups.get(c, ""), c) for g, c in zip(combos["poly"], combos["cls"])
                ]
                takes = pairs.merge(combos, on=["poly", "cls"], how="left")["takes"].to_numpy(dtype=bool)
                d_pts, d_polys = d_pts[takes], d_polys[takes]
            priority = None
            if h.priority_field and h.priority_field in h.dedicated.attrs.columns:
                priority = pd.to_numeric(h.dedicated.attrs[h.priority_field], errors="coerce").fillna(1e9).to_numpy()
            code_rank = h.dedicated.rank
            rank = code_rank if priority is None else np.lexsort((code_rank, priority)).argsort()
            best, _ = _best_of_pairs(d_pts, d_polys, rank[d_polys], len(xo))
            found = best >= 0
            out["dedicated_code"][ok[found]] = h.dedicated.codes[best[found]]

    level = np.full(n, "", dtype=object)
    code = np.full(n, "", dtype=object)
    for name, key in (
        ("street", "street_code"),
        ("community", "community_code"),
        ("grid", "grid_code"),
        ("microgrid", "micro_code"),
        ("dedicated", "dedicated_code"),
    ):
        present = out[key] != ""
        if name == "microgrid":
            present &= (method == "inside") | (method == "boundary")  # a nearest point stays with its grid
        level[present] = name
        code[present] = out[key][present]
    unplaced = (method == "invalid") | (method == "unassigned")
    level[unplaced] = ""
    code[unplaced] = ""
    out["dedicated_code"][unplaced] = ""

    frame = pd.DataFrame(out)
    frame["resp_level"] = level
    frame["resp_code"] = code
    _add_people(frame, h)
    frame["match_method"] = method
    frame["on_boundary"] = on_boundary
    frame["distance_m"] = distance
    return frame


def _add_people(frame: pd.DataFrame, h: Hierarchy) -> None:
    """Manager, phone, team and street office: the dedicated grid's own manager where it is
    responsible, otherwise the grid's roster entry (or the grid layer's own fields)."""
    n = len(frame)
    people = {k: np.full(n, "", dtype=object) for k in ("responsible", "resp_phone", "team_id", "street_office")}
    sources = PEOPLE_SOURCES
    grid_codes = frame["grid_code"].to_numpy()
    if h.roster is not None and len(h.roster):
        roster = h.roster
        for key, names in sources.items():
            column = next((c for c in names if c in roster.columns), None)
            if column is not None:
                values = roster[column].astype(str).to_dict()
                people[key] = np.asarray([values.get(g, "") if g else "" for g in grid_codes], dtype=object)
    for key, names in sources.items():
        own = _attr(h.grids, names)
        if own is not None and not (people[key] != "").any():
            lookup = dict(zip(h.grids.codes, own))
            people[key] = np.asarray([lookup.get(g, "") for g in grid_codes], dtype=object)
    if h.dedicated is not None:
        ded = frame["resp_level"].to_numpy() == "dedicated"
        for key in ("responsible", "resp_phone"):
            own = _attr(h.dedicated, sources[key])
            if own is not None and ded.any():
                lookup = dict(zip(h.dedicated.codes, own))
                people[key][ded] = [lookup.get(c, "") for c in frame["dedicated_code"].to_numpy()[ded]]
    for key, values in people.items():
        frame[key] = values
