"""Split grids (or communities) into micro-grids of an even number of households.

A grid manager's micro-grids should each hold about the same number of households, be compact
(a patrol walks them), follow roads where a road runs the right way, and never cut a building in
two. Recursive bisection gives all of that: each step cuts a polygon in two so that the household
weight on each side matches the number of micro-grids that side will get. Candidate cuts are
straight lines at several angles placed at the weighted quantile of the building points (exact
balance up to one building) and, when roads are given, unions of road-bounded sub-blocks (a cut
that follows roads), accepted when they are nearly as balanced. Without household points, area is
the weight (a lattice of sample points stands in for buildings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.grids import codes
from gridgov.grid_ops.grids.regions import order_west_east_north_south
from gridgov.grid_ops.grids.shapes import polsby_popper, polygonal
from gridgov.grid_ops.schema import GRID_CODE, MICRO_CODE

#: Angles (degrees) of the straight cuts tried at every bisection, besides the shape's own axes.
CUT_ANGLES = tuple(range(0, 180, 5))
#: A road-following cut is taken when its balance error is at most this share of the smaller side.
ROAD_CUT_TOLERANCE = 0.06
#: Weight of shape (Polsby-Popper) against balance when cuts are compared.
COMPACTNESS_WEIGHT = 0.1
#: A side thinner than this compactness costs THIN_PENALTY per unit below it (strips are hard to patrol).
THIN_COMPACTNESS = 0.25
THIN_PENALTY = 2.0
#: Score bonus of a cut that follows roads, and the least compactness its sides may have.
ROAD_BONUS = 0.2
MIN_ROAD_CUT_COMPACTNESS = 0.25
#: Straight cuts (the best balanced) whose geometry is computed and compared at each bisection.
STRAIGHT_CANDIDATES = 8
#: Relative balance error below which a one-piece cut counts as good (the search stops after a few).
GOOD_BALANCE = 0.12
#: Cuts are made on this grid (m): about 1 mm, so the pieces share their cut edges exactly (a snapped
#: cut vertex bends a long edge by at most half a millimetre). A power of two: every GEOS version
#: rounds to the same doubles (GEOS 3.12 changed how it rounds to a decimal grid such as 0.001, by
#: one unit in the last place, enough to change later overlays). The finished micro-grids are fitted
#: back onto the grid's own, unsnapped outline (see _exact_partition).
GRID_SIZE = 2.0**-10
#: Pieces smaller than this (m²) left by floating-point overlays are noise, not territory.
SPECK_AREA = 1e-7
#: Sample points per polygon when area stands in for households.
AREA_SAMPLES = 900


def _area_samples(poly: shapely.Geometry, n: int = AREA_SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """A regular lattice of points inside ``poly``, each weighted by the area it stands for."""
    minx, miny, maxx, maxy = poly.bounds
    step = math.sqrt(max(poly.area, 1e-9) / n)
    xs = np.arange(minx + step / 2, maxx, step)
    ys = np.arange(miny + step / 2, maxy, step)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(poly, gx, gy)
    xy = np.column_stack([gx[inside], gy[inside]])
    if len(xy) == 0:
        c = poly.representative_point()
        xy = np.array([[c.x, c.y]])
    return xy, np.full(len(xy), poly.area / len(xy))


def _half_planes(poly: shapely.Geometry, angle: float, offset: float) -> tuple[shapely.Geometry, shapely.Geometry]:
    """``poly`` cut by the line {p : p·u = offset}, u = (cos angle, sin angle): (below, above).

    Results are snapped to GRID_SIZE; the far side is what remains of the polygon, so both sides
    share one exact cut edge (two separate intersections would leave hairline gaps).
    """
    minx, miny, maxx, maxy = poly.bounds
    big = 4 * (maxx - minx + maxy - miny + 1)
    ux, uy = math.cos(angle), math.sin(angle)
    vx, vy = -uy, ux
    px, py = ux * offset, uy * offset
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    # move the line's anchor next to the polygon so the half-plane boxes stay small and exact
    t = (cx - px) * vx + (cy - py) * vy
    px, py = px + t * vx, py + t * vy
    below = shapely.Polygon(
        [
            (px + vx * big, py + vy * big),
            (px - vx * big, py - vy * big),
            (px - vx * big - ux * big, py - vy * big - uy * big),
            (px + vx * big - ux * big, py + vy * big - uy * big),
        ]
    )
    near = polygonal(shapely.intersection(poly, below, grid_size=GRID_SIZE))
    return near, polygonal(shapely.difference(poly, near, grid_size=GRID_SIZE))


def _n_pieces(geom: shapely.Geometry) -> int:
    return int(shapely.get_num_geometries(geom)) if not geom.is_empty else 0


@dataclass
class _Cut:
    parts: tuple[shapely.Geometry, shapely.Geometry]
    masks: tuple[np.ndarray, np.ndarray]
    score: float


def _regroup(poly, below, above, xy, w, mask):
    """Keep each side's heaviest piece; hand its other pieces to the opposite side."""

    def split_side(side, side_mask):
        pieces = list(shapely.get_parts(side))
        if len(pieces) == 1:
            return pieces[0], []
        weights = [w[side_mask & shapely.contains_xy(p, xy[:, 0], xy[:, 1])].sum() + 1e-9 * p.area for p in pieces]
        main = int(np.argmax(weights))
        return pieces[main], [p for i, p in enumerate(pieces) if i != main]

    main_b, strays_b = split_side(below, mask)
    _, strays_a = split_side(above, ~mask)
    new_below = polygonal(shapely.union_all([main_b, *strays_a], grid_size=GRID_SIZE)) if strays_a else main_b
    new_above = polygonal(shapely.difference(poly, new_below, grid_size=GRID_SIZE))
    new_mask = mask.copy()
    for piece in strays_a:
        new_mask |= shapely.contains_xy(piece, xy[:, 0], xy[:, 1])
    for piece in strays_b:
        new_mask &= ~shapely.contains_xy(piece, xy[:, 0], xy[:, 1])
    return new_below, new_above, new_mask


def _rectangle_axes(poly: shapely.Geometry) -> list[float]:
    """Directions (radians, in [0, π)) of the sides of the smallest-area rectangle around ``poly``.

    Computed here rather than with shapely.oriented_envelope: GEOS 3.12 changed that from the
    minimum-width to the minimum-area rectangle and the order of its corners, which turned a cut
    by π (the sides swap, so an uneven split lands elsewhere) and made the same grid split differently.
    Rectangles of (nearly) equal area are common (any acute triangle has three): the one at the
    smallest angle wins, whatever the last bits of the trigonometry (numpy versions differ there).
    """
    hull = shapely.get_coordinates(shapely.convex_hull(poly))
    x0, y0 = hull.mean(axis=0)
    pts = [(x - x0, y - y0) for x, y in hull]
    angles = sorted(
        {
            math.atan2(by - ay, bx - ax) % (math.pi / 2)
            for (ax, ay), (bx, by) in zip(pts[:-1], pts[1:])
            if (ax, ay) != (bx, by)
        }
    )
    if not angles:
        return []
    areas = []
    for angle in angles:
        c, s = math.cos(angle), math.sin(angle)
        along = [x * c + y * s for x, y in pts]
        across = [y * c - x * s for x, y in pts]
        areas.append((max(along) - min(along)) * (max(across) - min(across)))
    least = min(areas)
    best = next(a for a, area in zip(angles, areas) if area <= least * (1 + 1e-9))
    return [best, best + math.pi / 2]


def _straight_cuts(poly, xy, w, fraction) -> list[_Cut]:
    """Straight cuts through the best-balanced lines (:func:`_balanced_lines`), a stray piece a
    line leaves in a concave grid handed to the other side."""
    total = w.sum()
    cuts = []
    good = 0
    for err, angle, offset in _balanced_lines(poly, xy, w, fraction):
        if good >= STRAIGHT_CANDIDATES:
            break
        below, above = _half_planes(poly, angle, offset)
        if below.is_empty or above.is_empty:
            continue
        mask = (xy[:, 0] * math.cos(angle) + xy[:, 1] * math.sin(angle)) < offset
        if _n_pieces(below) + _n_pieces(above) > 2:
            # a straight line through a concave grid leaves stray pieces: each joins the other side
            below, above, mask = _regroup(poly, below, above, xy, w, mask)
            err = abs(w[mask].sum() / total - fraction) / min(fraction, 1 - fraction)
        pieces = _n_pieces(below) + _n_pieces(above)
        cuts.append(_Cut((below, above), (mask, ~mask), _straight_score(err, below, above, pieces)))
        good += pieces == 2 and err <= GOOD_BALANCE
    return cuts


def _balanced_lines(poly, xy, w, fraction) -> list[tuple[float, float, float]]:
    """(balance error, angle, offset) of the lines through the weighted quantile ``fraction`` of
    the points, along the shape's own axes and every CUT_ANGLES, best balanced first: geometry is
    then made only for the best few, since cutting polygons is what costs time."""
    total = w.sum()
    options = []
    for angle in [*_rectangle_axes(poly), *(math.radians(a) for a in CUT_ANGLES)]:
        ux, uy = math.cos(angle), math.sin(angle)
        proj = xy[:, 0] * ux + xy[:, 1] * uy
        order = np.argsort(proj, kind="stable")
        cum = np.cumsum(w[order])
        i = int(np.searchsorted(cum, fraction * total))
        for j in (i, i + 1):  # the first j points go below the cut
            if not 0 < j < len(order):
                continue
            lo, hi = proj[order[j - 1]], proj[order[j]]
            if hi - lo < 1e-6:
                continue
            options.append((abs(cum[j - 1] / total - fraction) / min(fraction, 1 - fraction), angle, (lo + hi) / 2))
    options.sort(key=lambda o: o[0])
    return options


def _straight_score(err: float, below: shapely.Geometry, above: shapely.Geometry, pieces: int) -> float:
    """Lower is better: the balance error, plus the sides' lack of compactness, a penalty for every
    piece beyond two and one for a side thinner than THIN_COMPACTNESS."""
    pp_below, pp_above = polsby_popper(below), polsby_popper(above)
    return (
        err
        + COMPACTNESS_WEIGHT * (2 - pp_below - pp_above)
        + 5.0 * (pieces - 2)
        + THIN_PENALTY * max(0.0, THIN_COMPACTNESS - min(pp_below, pp_above))
    )


def _road_cuts(poly, xy, w, fraction, roads, tolerance) -> list[_Cut]:
    """Cuts along roads: sweep the road-bounded sub-blocks in several directions, keep balanced ones."""
    if roads is None or not shapely.intersects(roads, poly):
        return []
    pieces = _road_blocks(poly, roads)
    if len(pieces) < 2:
        return []
    owner = _block_of_points(pieces, xy)
    piece_w = np.bincount(owner[owner >= 0], weights=w[owner >= 0], minlength=len(pieces))
    cent = np.array([[p.centroid.x, p.centroid.y] for p in pieces])
    total = w.sum()
    cuts = []
    seen = set()
    for a in CUT_ANGLES:
        angle = math.radians(a)
        proj = cent[:, 0] * math.cos(angle) + cent[:, 1] * math.sin(angle)
        order = np.argsort(proj, kind="stable")
        cum = np.cumsum(piece_w[order]) / total
        j = int(np.argmin(np.abs(cum[:-1] - fraction))) + 1
        err = abs(cum[j - 1] - fraction) / min(fraction, 1 - fraction)
        key = frozenset(order[:j].tolist())
        if err > tolerance or key in seen:
            continue
        seen.add(key)
        cut = _road_cut(poly, [pieces[i] for i in order[:j]], np.isin(owner, order[:j]), err)
        if cut is not None:
            cuts.append(cut)
    return cuts


def _road_blocks(poly: shapely.Geometry, roads: shapely.Geometry) -> list[shapely.Geometry]:
    """The sub-blocks the roads cut ``poly`` into, in a canonical order.

    The whole roads are noded (cut to a box a little larger than the polygon), not roads clipped
    to it: a clipped road ends on the outline only up to rounding and may miss it (an open
    sub-block), while a road crossing the outline is noded for sure; snapping merges a road running
    within a millimetre of the outline (an earlier cut along it) with the outline.
    """
    minx, miny, maxx, maxy = poly.bounds
    near = shapely.clip_by_rect(roads, minx - 1.0, miny - 1.0, maxx + 1.0, maxy + 1.0)
    lines = shapely.union(poly.boundary, near, grid_size=GRID_SIZE)
    pieces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    pieces = [p for p in pieces if p.area > 1e-6 * poly.area and shapely.contains(poly, p.representative_point())]
    # polygonize's order differs between GEOS versions; a canonical order keeps ties resolved alike
    pieces.sort(key=lambda p: (*p.bounds, p.area))
    return pieces


def _block_of_points(pieces: list[shapely.Geometry], xy: np.ndarray) -> np.ndarray:
    """The sub-block each point lies in; a point on a road line goes to the nearest."""
    tree = shapely.STRtree(pieces)
    pt_idx, piece_idx = tree.query(shapely.points(xy), predicate="intersects")
    owner = np.full(len(xy), -1)
    owner[pt_idx] = piece_idx
    lost = np.flatnonzero(owner < 0)
    if len(lost):
        owner[lost] = tree.query_nearest(shapely.points(xy[lost]), all_matches=False)[1]
    return owner


def _road_cut(poly: shapely.Geometry, blocks: list[shapely.Geometry], mask: np.ndarray, err: float) -> _Cut | None:
    """``poly`` cut into ``blocks`` and the rest (``mask``: the points of the blocks), or None when
    either side is not one piece or is too thin to patrol."""
    below = polygonal(shapely.union_all(blocks, grid_size=GRID_SIZE))
    above = polygonal(shapely.difference(poly, below, grid_size=GRID_SIZE))
    if _n_pieces(below) != 1 or _n_pieces(above) != 1:
        return None
    pp_below, pp_above = polsby_popper(below), polsby_popper(above)
    if min(pp_below, pp_above) < MIN_ROAD_CUT_COMPACTNESS:
        return None
    # a balanced road cut beats a straight cut of similar balance and shape
    return _Cut((below, above), (mask, ~mask), err + COMPACTNESS_WEIGHT * (2 - pp_below - pp_above) - ROAD_BONUS)


def split_polygon(
    poly: shapely.Geometry,
    k: int,
    xy: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    roads: shapely.Geometry | None = None,
    road_tolerance: float = ROAD_CUT_TOLERANCE,
) -> list[shapely.Geometry]:
    """Cut ``poly`` into ``k`` pieces of even weight (household points ``xy`` with ``weights``, or area)."""
    if k <= 1:
        return [poly]
    if xy is None or len(xy) == 0 or weights is None or float(np.sum(weights)) <= 0:
        xy, weights = _area_samples(poly)
    xy = np.asarray(xy, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if len(xy) < 2:
        xy, weights = _area_samples(poly)
    k_below = k // 2
    fraction = k_below / k
    cuts = _road_cuts(poly, xy, weights, fraction, roads, road_tolerance) + _straight_cuts(poly, xy, weights, fraction)
    if not cuts:
        return [poly]
    best = min(cuts, key=lambda c: c.score)
    out = []
    for part, mask, parts_k in zip(best.parts, best.masks, (k_below, k - k_below)):
        sub_xy, sub_w = xy[mask], weights[mask]
        out.extend(split_polygon(part, parts_k, sub_xy, sub_w, roads, road_tolerance))
    return out


def _merge_stray_pieces(
    parts: list[shapely.Geometry], keep: int | None = None, grid_size: float | None = GRID_SIZE
) -> list[shapely.Geometry]:
    """Each micro-grid keeps its largest piece; a stray piece joins the neighbour sharing most edge.

    With ``keep``, only the first ``keep`` parts are micro-grids; the rest are all strays. A stray
    touching no micro-grid along an edge joins the nearest. ``grid_size`` None: unions in floating
    point (for parts already fitted onto an unsnapped outline).
    """
    keep = len(parts) if keep is None else keep
    main, strays = [], list(parts[keep:])
    for part in parts[:keep]:
        pieces = sorted(shapely.get_parts(part), key=lambda g: -g.area)
        main.append(pieces[0])
        strays.extend(pieces[1:])
    for stray in sorted(strays, key=lambda g: -g.area):
        shared = np.array([shapely.length(shapely.intersection(stray.boundary, m.boundary)) for m in main])
        target = int(np.argmax(shared)) if shared.max() > 0 else int(np.argmin(shapely.distance(stray, main)))
        main[target] = polygonal(shapely.union(main[target], stray, grid_size=grid_size))
    return main


def _exact_partition(poly: shapely.Geometry, parts: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Make the parts tile ``poly`` exactly, with every shared edge noded on both sides.

    Recursive cuts leave T-junctions (a later cut adds a vertex on an edge the neighbour does not
    have); after snapping, those become hairline slivers that QGIS's topology checks and any
    floating-point union would trip on. Polygonizing the noded linework of all parts gives faces
    that share edges exactly; each face goes back to the part it lies in.
    """
    if len(parts) == 1:
        return [poly]
    lines = shapely.union_all([poly.boundary, *[p.boundary for p in parts]], grid_size=GRID_SIZE)
    faces = [f for f in shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))) if f.area > 0]
    reps = shapely.point_on_surface(np.asarray(faces, dtype=object)) if faces else np.zeros(0, dtype=object)
    inside_poly = shapely.contains(poly, reps) if faces else np.zeros(0, bool)
    owner = np.full(len(faces), -1)
    for index, part in enumerate(parts):
        shapely.prepare(part)
        hit = shapely.contains(part, reps) & (owner < 0)
        owner[hit] = index
    groups: list[list[shapely.Geometry]] = [[] for _ in parts]
    for face, who, inside in zip(faces, owner, inside_poly):
        if not inside:
            continue
        if who < 0:  # a hairline gap: the part sharing most edge takes it
            who = int(np.argmax([shapely.length(shapely.intersection(face.boundary, p.boundary)) for p in parts]))
        groups[who].append(face)
    tiles = []
    for faces_of_part in groups:
        if faces_of_part:
            merged = polygonal(shapely.union_all(faces_of_part, grid_size=GRID_SIZE))
            tiles.append(merged)
    return _fit_to_outline(poly, _merge_stray_pieces(tiles))


def _fit_to_outline(poly: shapely.Geometry, tiles: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Tiles of the snapped polygon made into an exact partition of ``poly`` itself.

    Snapping moves the outline by up to half a grid step, and by a different hair in each grid, so
    micro-grids of two neighbouring grids would overlap or leave hairline gaps along their common
    edge; and overlays of a tile with ``poly`` (clip, difference) meet its edges at a hair's angle,
    where GEOS falls back to snapping and leaves needles of up to 1e-4 m². Instead the tiles' edges
    are noded with ``poly``'s own boundary, once, plus a short stub across the outline wherever
    tiles meet on it (so a hairline between the two outlines is cut where the tiles change): the
    faces of that linework tile ``poly`` exactly, and each goes to the tile it lies in or borders most.
    """
    if len(tiles) <= 1:
        return [poly]
    lines = shapely.union_all([t.boundary for t in tiles], grid_size=GRID_SIZE)
    noded = shapely.union_all([poly.boundary, lines, *_stubs(lines, poly)])
    faces = [f for f in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))) if f.area > 0]
    if not faces:
        return [poly]
    reps = shapely.point_on_surface(np.asarray(faces, dtype=object))
    inside = shapely.contains(poly, reps)
    tile_arr = np.asarray(tiles, dtype=object)
    shapely.prepare(tile_arr)
    groups: list[list[shapely.Geometry]] = [[] for _ in tiles]
    for face, rep, keep in zip(faces, reps, inside):
        if not keep:
            continue
        hit = np.flatnonzero(shapely.contains(tile_arr, rep))
        if len(hit):
            who = int(hit[0])
        else:  # a hairline between the two outlines: the tile it borders most
            shared = shapely.length(shapely.intersection(face.boundary, shapely.boundary(tile_arr)))
            who = int(np.argmax(shared)) if shared.max() > 0 else int(np.argmin(shapely.distance(tile_arr, rep)))
        groups[who].append(face)
    pieces = [polygonal(shapely.union_all(g)) for g in groups if g]
    return [_without_specks(p) for p in _merge_stray_pieces(pieces, grid_size=None)]


#: Half-length (m) of the stubs laid across the outline where tiles meet on it.
STUB = 0.05


def _stubs(lines: shapely.Geometry, poly: shapely.Geometry) -> list[shapely.Geometry]:
    """Short segments across ``poly``'s boundary at every node of ``lines`` lying on it (up to snapping)."""
    ends = np.unique(
        np.concatenate([shapely.get_coordinates(shapely.boundary(p)) for p in shapely.get_parts(lines)])
        if not lines.is_empty
        else np.zeros((0, 2)),
        axis=0,
    )
    if not len(ends):
        return []
    ends = ends[shapely.distance(poly.boundary, shapely.points(ends)) <= 2 * GRID_SIZE]
    rings = [shapely.get_coordinates(r) for r in shapely.get_parts(shapely.get_rings(poly))]
    a = np.concatenate([r[:-1] for r in rings])
    b = np.concatenate([r[1:] for r in rings])
    ab = b - a
    length2 = np.maximum((ab**2).sum(axis=1), 1e-18)
    stubs = []
    for p in ends:
        t = np.clip(((p - a) * ab).sum(axis=1) / length2, 0.0, 1.0)
        gap = ((a + t[:, None] * ab - p) ** 2).sum(axis=1)
        k = int(np.argmin(gap))
        normal = np.array([-ab[k, 1], ab[k, 0]]) / math.sqrt(length2[k])
        stubs.append(shapely.LineString([p - STUB * normal, p + STUB * normal]))
    return stubs


def _without_specks(geom: shapely.Geometry) -> shapely.Geometry:
    """``geom`` without needle pieces of floating-point noise (a billionth of a square metre)."""
    parts = [p for p in shapely.get_parts(geom) if p.area >= SPECK_AREA]
    if len(parts) == shapely.get_num_geometries(geom):
        return geom
    return max(parts, key=lambda g: g.area) if len(parts) == 1 else shapely.MultiPolygon(parts)


def parts_for(total: float, target: float, min_parts: int = 1, max_parts: int = 999) -> int:
    """How many micro-grids a unit of ``total`` weight gets for ``target`` per micro-grid."""
    if target <= 0:
        raise ValueError("the target per micro-grid must be positive")
    return int(np.clip(round(total / target), max(1, min_parts), max_parts))


@dataclass(frozen=True)
class SplitMicrogridsRequest:
    """A split into micro-grids as the toolbox, the dock or a script asks for it
    (``gridgov:splitmicrogrids``)."""

    #: The grids' code field: micro-grid codes are the grid's code plus a 3-digit sequence.
    code_field: str = GRID_CODE
    #: The household points' field of households per point ('': one per point).
    weight_field: str = ""
    #: Households per micro-grid (m² when there are no household points).
    target: float = 100.0
    min_parts: int = 1
    max_parts: int = 999


@dataclass(frozen=True)
class Microgrids:
    """The micro-grids (:func:`split_grids`) and how even they are: ``basis`` is the column
    compared (households, or area_m2 without household points), ``worst`` and ``median`` the
    largest and the median max/min ratio inside one grid (1 when no grid has two micro-grids)."""

    micro: gpd.GeoDataFrame
    basis: str
    worst: float
    median: float


def microgrids_of(
    grids: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame | None,
    roads: gpd.GeoDataFrame | None,
    request: SplitMicrogridsRequest,
    progress=None,
) -> Microgrids:
    """The micro-grids ``request`` asks for, with their evenness; household points in another CRS
    than the grids' are reprojected to it first."""
    if households is not None and grids.crs and households.crs and households.crs != grids.crs:
        households = households.to_crs(grids.crs)
    micro = split_grids(
        grids,
        request.code_field,
        request.target,
        households,
        request.weight_field or None,
        roads,
        request.min_parts,
        request.max_parts,
        progress=progress,
    )
    basis = "households" if households is not None else "area_m2"
    stats = evenness(micro[micro["weight_basis"] == ("households" if households is not None else "area")], basis)
    finite = stats["ratio"][stats["ratio"] < float("inf")]
    worst = float(finite.max()) if len(finite) else 1.0
    median = float(finite.median()) if len(finite) else 1.0
    return Microgrids(micro, basis, worst, median)


def split_grids(
    grids: gpd.GeoDataFrame,
    code_field: str,
    target: float,
    households: gpd.GeoDataFrame | None = None,
    weight_field: str | None = None,
    roads: gpd.GeoDataFrame | None = None,
    min_parts: int = 1,
    max_parts: int = 999,
    progress=None,
) -> gpd.GeoDataFrame:
    """Micro-grids of every grid, coded ``<grid code><3-digit sequence>`` west→east, north→south.

    ``households`` are points (buildings) with ``weight_field`` households each (1 per point when
    the field is None); a grid without any gets ``min_parts`` micro-grids split by area. Without a
    household layer, ``target`` is an area in m² and every grid is split by area. Returns columns ``micro_code``,
    ``grid_code``, ``households``, ``area_m2``, ``compactness``, ``weight_basis``.
    """
    if code_field not in grids.columns:
        raise KeyError(f"the grid layer has no field {code_field!r}")
    crs = grids.crs
    splitter = _Splitter.of(target, min_parts, max_parts, households is not None, roads, crs)
    pts, hw, p_idx, g_idx = _households_in_grids(grids, households, weight_field, crs)
    rows = []
    n = len(grids)
    for gi, (code, poly) in enumerate(zip(grids[code_field].astype(str), grids.geometry.values)):
        if progress is not None and progress(gi / max(n, 1)) is False:
            break
        if poly is None or poly.is_empty:
            continue
        mine = p_idx[g_idx == gi]
        rows.extend(splitter.micro_rows(code, poly, pts[mine], hw[mine]))
    return _micro_layer(rows, crs, pts, hw)


@dataclass(frozen=True)
class _Splitter:
    """What the split of every grid shares: the target per micro-grid and its bounds, whether there
    is a household layer at all, and the road lines to follow with their spatial index."""

    target: float
    min_parts: int
    max_parts: int
    household_layer: bool
    road_lines: np.ndarray | None = None
    road_tree: shapely.STRtree | None = None

    @classmethod
    def of(cls, target, min_parts, max_parts, household_layer: bool, roads, crs) -> _Splitter:
        """The splitter for ``roads`` (a layer, or None) in the grids' ``crs``."""
        if roads is None or not len(roads):
            return cls(target, min_parts, max_parts, household_layer)
        road_lines = (roads.to_crs(crs) if crs and roads.crs else roads).geometry.values
        return cls(target, min_parts, max_parts, household_layer, road_lines, shapely.STRtree(road_lines))

    def parts(self, poly: shapely.Geometry, xy: np.ndarray, w: np.ndarray) -> tuple[int, bool]:
        """How many micro-grids ``poly`` gets, and whether its households decide the split: where
        there are enough of them to share out; a park or a factory with a handful of flats gets as
        few micro-grids as allowed (with no household layer at all the target is an area in m²)."""
        k = parts_for(float(w.sum()), self.target, self.min_parts, self.max_parts)
        by_households = len(xy) >= 2 * k and w.sum() >= 0.5 * k * self.target
        if not by_households:
            k = (
                max(1, self.min_parts)
                if self.household_layer
                else parts_for(float(poly.area), self.target, self.min_parts, self.max_parts)
            )
        return k, by_households

    def roads_in(self, poly: shapely.Geometry) -> shapely.Geometry | None:
        """The road lines crossing ``poly`` as one geometry (None: none)."""
        if self.road_tree is None:
            return None
        near = self.road_tree.query(poly, predicate="intersects")
        return shapely.union_all(self.road_lines[near]) if len(near) else None

    def micro_rows(self, code: str, poly: shapely.Geometry, xy: np.ndarray, w: np.ndarray) -> list[dict]:
        """The micro-grids of one grid, coded and numbered west→east, north→south."""
        k, by_households = self.parts(poly, xy, w)
        local_roads = self.roads_in(poly) if k > 1 else None
        parts = split_polygon(poly, k, xy if by_households else None, w if by_households else None, local_roads)
        parts = _merge_stray_pieces([p for p in parts if not p.is_empty and p.area > 0])
        parts = _exact_partition(poly, parts)
        cx = np.array([p.centroid.x for p in parts])
        cy = np.array([p.centroid.y for p in parts])
        seq = order_west_east_north_south(cx, cy) + 1
        return [
            {
                MICRO_CODE: codes.micro_code(code, int(s)) if codes.GRID_CODE_RE.match(code) else f"{code}{int(s):03d}",
                GRID_CODE: code,
                "weight_basis": "households" if by_households else "area",
                "geometry": part,
            }
            for part, s in zip(parts, seq)
        ]


def _households_in_grids(grids: gpd.GeoDataFrame, households, weight_field: str | None, crs) -> tuple:
    """The household points (x, y), their households, and which point lies within which grid
    (point positions, grid positions); all empty without households."""
    if households is None or not len(households):
        return np.zeros((0, 2)), np.zeros(0), np.zeros(0, int), np.zeros(0, int)
    hh = households.to_crs(crs) if crs and households.crs else households
    pts = shapely.get_coordinates(hh.geometry.values)
    hw = (
        pd.to_numeric(hh[weight_field], errors="coerce").fillna(0).to_numpy(float)
        if weight_field
        else np.ones(len(pts))
    )
    g_tree = shapely.STRtree(grids.geometry.values)
    p_idx, g_idx = g_tree.query(hh.geometry.values, predicate="within")
    return pts, hw, p_idx, g_idx


def _micro_layer(rows: list[dict], crs, pts: np.ndarray, hw: np.ndarray) -> gpd.GeoDataFrame:
    """The micro-grid rows as a layer ordered by code, with the households within each, area and
    compactness."""
    columns = [MICRO_CODE, GRID_CODE, "households", "area_m2", "compactness", "weight_basis", "geometry"]
    micro = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    if len(micro) == 0:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=crs)
    micro = micro.sort_values(MICRO_CODE).reset_index(drop=True)
    if len(pts):
        m_tree = shapely.STRtree(micro.geometry.values)
        bi, mi = m_tree.query(shapely.points(pts), predicate="within")
        micro["households"] = np.bincount(mi, weights=hw[bi], minlength=len(micro)).round(3)
    else:
        micro["households"] = np.nan
    micro["area_m2"] = micro.geometry.area.round(1)
    micro["compactness"] = [round(polsby_popper(g), 3) for g in micro.geometry.values]
    return micro[columns]


def evenness(micro: gpd.GeoDataFrame, value: str = "households") -> pd.DataFrame:
    """Per grid: number of micro-grids, min, max and max/min of ``value`` (households or area)."""
    stats = micro.groupby(GRID_CODE)[value].agg(parts="count", min="min", max="max")
    stats["ratio"] = np.where(stats["min"] > 0, stats["max"] / stats["min"].where(stats["min"] > 0), np.inf)
    stats.loc[stats["parts"] == 1, "ratio"] = 1.0
    return stats.reset_index()
