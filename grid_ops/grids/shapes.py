"""Small geometry helpers shared by the grid builders and the validator."""

from __future__ import annotations

import math

import shapely


def polygonal(geom: shapely.Geometry | None) -> shapely.Geometry:
    """The polygons of an overlay result, as a Polygon or MultiPolygon (an empty Polygon if none).

    Overlays and make_valid can return collections with stray lines or points (snap rounding,
    touching edges); only the areas matter for grids.
    """
    if geom is None:
        return shapely.Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    flat = [
        part
        for g in shapely.get_parts(geom)
        if g.geom_type in ("Polygon", "MultiPolygon")
        for part in shapely.get_parts(g)
        if part.area > 0
    ]
    if not flat:
        return shapely.Polygon()
    return flat[0] if len(flat) == 1 else shapely.MultiPolygon(flat)


def polsby_popper(geom: shapely.Geometry) -> float:
    """Compactness 4πA/P²: 1 for a disc, about 0.785 for a square, near 0 for a sliver."""
    perimeter = shapely.length(geom)
    return float(4 * math.pi * shapely.area(geom) / perimeter**2) if perimeter > 0 else 0.0
