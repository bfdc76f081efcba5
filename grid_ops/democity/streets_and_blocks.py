"""The demo district's outline, road network and the city blocks between its roads.

Arterial roads are gently curving lines about a kilometre apart; inside each superblock between
arterials, local roads run at their own spacing and angle, so they meet the arterials in
T-junctions as in a real Chinese district. Blocks are the faces of the noded network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from gridgov.grid_ops.grids.regions import absorb_slivers

#: Centre of the district in EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E), near 114.05E 22.60N.
CENTRE_X = 505000.0
CENTRE_Y = 2500000.0
HALF_WIDTH = 4600.0
HALF_HEIGHT = 3700.0
#: Every vertex of the demo's roads and units lies on this grid (m), just under 1 cm. A power of two:
#: rounding to it is exact, so GEOS 3.11 and GEOS >= 3.12 (which round to a decimal grid such as
#: 0.01 one unit in the last place apart) give the same doubles, hence the same city.
GRID = 2.0**-7
#: Local roads reach this far (m) past the road they end at, so the junction is a true crossing
#: (noded for sure) instead of an end point lying on the other road only up to rounding.
OVERSHOOT = 0.5


@dataclass
class RoadNetwork:
    """Road centrelines and the blocks they enclose."""

    district: Polygon
    superblocks: list[Polygon]
    lines: list[LineString]
    road_class: list[str]  # arterial | local
    superblock_of_line: list[int]  # -1 for arterials
    blocks: list[Polygon]


def district_outline(rng: np.random.Generator) -> Polygon:
    """An irregular outline: a rounded rectangle whose radius wobbles with low-frequency noise."""
    t = np.linspace(0, 2 * np.pi, 181)[:-1]
    wobble = 1.0 + sum(rng.uniform(0.015, 0.05) * np.sin(k * t + rng.uniform(0, 2 * np.pi)) for k in (2, 3, 5, 7))
    # superellipse: square-ish with rounded corners
    p = 4.0
    cx = np.sign(np.cos(t)) * np.abs(np.cos(t)) ** (2 / p)
    cy = np.sign(np.sin(t)) * np.abs(np.sin(t)) ** (2 / p)
    x = CENTRE_X + HALF_WIDTH * cx * wobble
    y = CENTRE_Y + HALF_HEIGHT * cy * wobble
    return shapely.normalize(shapely.set_precision(Polygon(_on_grid(np.column_stack([x, y]))), GRID))


def _on_grid(xy: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(xy, dtype=float) / GRID) * GRID


def _faces(lines: list[shapely.Geometry], district: Polygon) -> list[Polygon]:
    """The faces of the noded lines inside the district, snap-rounded to GRID, in a canonical form.

    Snap rounding nodes a line end lying within a grid step of another line, so a junction does
    not hang on the last bits of a computed intersection point (which differ between GEOS versions).
    """
    noded = shapely.union_all(lines, grid_size=GRID)
    faces = [shapely.normalize(f) for f in shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))]
    faces = [f for f in faces if f.area > 1.0]
    reps = shapely.point_on_surface(np.asarray(faces, dtype=object))
    return [f for f, inside in zip(faces, shapely.contains(district, reps)) if inside]


def _curvy_line(start: np.ndarray, end: np.ndarray, amplitude: float, rng: np.random.Generator) -> LineString:
    t = np.linspace(0.0, 1.0, 40)
    direction = end - start
    normal = np.array([-direction[1], direction[0]]) / np.linalg.norm(direction)
    phase = rng.uniform(0, 2 * np.pi)
    waves = rng.uniform(0.6, 1.6)
    offset = amplitude * np.sin(2 * np.pi * waves * t + phase)
    pts = start + np.outer(t, direction) + np.outer(offset, normal)
    return LineString(pts)


def arterial_roads(district: Polygon, rng: np.random.Generator) -> list[LineString]:
    """North-south and east-west arterials about 1.1 km apart, plus one diagonal avenue."""
    return _clipped(_arterial_lines(district, rng), district)


def _clipped(lines: list[LineString], district: Polygon) -> list[LineString]:
    """The lines inside the district, on the GRID."""
    return [shapely.set_precision(clipped, GRID) for line in lines for clipped in _parts(line.intersection(district))]


def _arterial_lines(district: Polygon, rng: np.random.Generator) -> list[LineString]:
    """The arterials before clipping: they run 500 m past the district on both sides."""
    minx, miny, maxx, maxy = district.bounds
    pad = 500.0
    lines = []
    for axis in (0, 1):
        lo, hi = (minx, maxx) if axis == 0 else (miny, maxy)
        spacing = 1150.0 if axis == 0 else 1050.0
        positions = np.arange(lo + spacing * 0.75, hi - spacing * 0.5, spacing)
        positions = positions + rng.uniform(-180, 180, len(positions))
        for pos in positions:
            if axis == 0:
                start, end = np.array([pos, miny - pad]), np.array([pos + rng.uniform(-150, 150), maxy + pad])
            else:
                start, end = np.array([minx - pad, pos]), np.array([maxx + pad, pos + rng.uniform(-150, 150)])
            lines.append(_curvy_line(start, end, rng.uniform(20, 70), rng))
    diagonal = _curvy_line(
        np.array([minx - pad, miny + 0.15 * (maxy - miny)]),
        np.array([maxx + pad, maxy - 0.1 * (maxy - miny)]),
        90.0,
        rng,
    )
    lines.append(diagonal)
    return lines


def _parts(geom: shapely.Geometry) -> list[LineString]:
    if geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if g.geom_type == "LineString" and g.length > 1.0]


def local_roads(superblock: Polygon, rng: np.random.Generator) -> list[LineString]:
    """Local roads inside one superblock at their own spacing and angle, clipped to it."""
    if superblock.area < 40000:
        return []
    angle = rng.choice([0.0, 0.0, rng.uniform(-25, 25)]) * np.pi / 180.0
    spacing_x = rng.uniform(190, 300)
    spacing_y = rng.uniform(170, 280)
    cx, cy = superblock.centroid.x, superblock.centroid.y
    radius = np.hypot(*(np.array(superblock.bounds[2:]) - np.array(superblock.bounds[:2]))) / 2 + 50
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    lines = []
    for spacing, vertical in ((spacing_x, True), (spacing_y, False)):
        offsets = np.arange(-radius + rng.uniform(0, spacing), radius, spacing)
        for off in offsets:
            if rng.random() < 0.12:  # some lines do not exist: bigger, irregular blocks
                continue
            a, b = (
                (np.array([off, -radius]), np.array([off, radius]))
                if vertical
                else (np.array([-radius, off]), np.array([radius, off]))
            )
            # a local road may stop part-way, giving T-junctions and dead-end lanes
            if rng.random() < 0.3:
                cut = rng.uniform(0.35, 0.75)
                b = a + (b - a) * cut if rng.random() < 0.5 else b
                a = b - (b - a) * cut if rng.random() >= 0.5 else a
            pts = (np.vstack([a, b]) @ rot.T) + np.array([cx, cy])
            line = LineString(pts).intersection(superblock)
            lines.extend(_across(p, superblock) for p in _parts(line) if p.length > 60)
    return lines


def _across(line: LineString, superblock: Polygon) -> LineString:
    """``line`` on the GRID, each end on the superblock's edge pushed OVERSHOOT across it."""
    xy = shapely.get_coordinates(line)
    on_edge = shapely.distance(superblock.boundary, shapely.points(xy[[0, -1]])) < 1e-6
    for end, inner, hit in ((0, 1, on_edge[0]), (-1, -2, on_edge[1])):
        if hit:
            d = xy[end] - xy[inner]
            xy[end] = xy[end] + OVERSHOOT * d / np.hypot(*d)
    return LineString(_on_grid(xy))


def build_road_network(rng: np.random.Generator) -> RoadNetwork:
    """Outline, arterials, superblocks, local roads and the blocks they enclose."""
    district = district_outline(rng)
    full_arterials = _arterial_lines(district, rng)
    arterials = _clipped(full_arterials, district)
    # the arterials are noded whole: they cross the outline instead of ending on it
    faces = _faces([*full_arterials, district.exterior], district)
    superblocks = sorted(
        absorb_slivers(faces, min_area=20000.0, min_compactness=0.12, grid_size=GRID),
        key=lambda p: (round(-p.centroid.y, 3), round(p.centroid.x, 3)),
    )
    lines: list[LineString] = list(arterials)
    road_class = ["arterial"] * len(arterials)
    superblock_of_line = [-1] * len(arterials)
    for index, block in enumerate(superblocks):
        for line in local_roads(block, rng):
            lines.append(line)
            road_class.append("local")
            superblock_of_line.append(index)
    faces = _faces([*full_arterials, *lines[len(arterials) :], district.exterior], district)
    # every face lies in one superblock; slivers merge only with a face of the same superblock
    reps = shapely.point_on_surface(np.asarray(faces, dtype=object))
    face_idx, sb_idx = shapely.STRtree(superblocks).query(reps, predicate="within")
    superblock_of_face = np.full(len(faces), -1)
    superblock_of_face[face_idx] = sb_idx
    blocks = absorb_slivers(faces, min_area=1500.0, min_compactness=0.15, group=superblock_of_face, grid_size=GRID)
    blocks = [b for b in blocks if not b.is_empty and b.geom_type == "Polygon"]
    blocks.sort(key=lambda p: (round(-p.centroid.y, 3), round(p.centroid.x, 3)))
    return RoadNetwork(district, superblocks, lines, road_class, superblock_of_line, blocks)
