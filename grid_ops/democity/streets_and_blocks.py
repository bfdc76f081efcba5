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
from shapely.ops import polygonize, unary_union

from gridgov.grid_ops.regions import absorb_slivers

#: Centre of the district in EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E), near 114.05E 22.60N.
CENTRE_X = 505000.0
CENTRE_Y = 2500000.0
HALF_WIDTH = 4600.0
HALF_HEIGHT = 3700.0


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
    return shapely.set_precision(Polygon(np.column_stack([x, y])), 0.01)


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
    return [clipped for line in lines for clipped in _parts(line.intersection(district))]


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
            lines.extend(p for p in _parts(line) if p.length > 60)
    return lines


def build_road_network(rng: np.random.Generator) -> RoadNetwork:
    """Outline, arterials, superblocks, local roads and the blocks they enclose."""
    district = district_outline(rng)
    arterials = arterial_roads(district, rng)
    noded = unary_union([*arterials, district.exterior])
    faces = [p for p in polygonize(noded) if p.area > 1.0]
    superblocks = sorted(
        absorb_slivers(faces, min_area=20000.0, min_compactness=0.12),
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
    faces = polygonize(unary_union([*lines, district.exterior]))
    faces = [f for f in faces if f.area > 1.0]
    # every face lies in one superblock; slivers merge only with a face of the same superblock
    reps = shapely.point_on_surface(np.asarray(faces, dtype=object))
    face_idx, sb_idx = shapely.STRtree(superblocks).query(reps, predicate="within")
    superblock_of_face = np.full(len(faces), -1)
    superblock_of_face[face_idx] = sb_idx
    blocks = absorb_slivers(faces, min_area=1500.0, min_compactness=0.15, group=superblock_of_face)
    blocks = [b for b in blocks if not b.is_empty and b.geom_type == "Polygon"]
    blocks.sort(key=lambda p: (round(-p.centroid.y, 3), round(p.centroid.x, 3)))
    return RoadNetwork(district, superblocks, lines, road_class, superblock_of_line, blocks)
