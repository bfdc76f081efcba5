"""Damage a copy of a grid layer in known ways, for validation tests (each damage, its expected error)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely


def _interior_point(geom, margin: float) -> shapely.Point:
    """A point at least ``margin`` metres inside ``geom`` (the centre of its largest inscribed circle)."""
    centre = shapely.maximum_inscribed_circle(geom)
    p = shapely.get_point(centre, 0)
    assert geom.boundary.distance(p) > margin, "grid too small to damage"
    return p


def damage_grids(grids: gpd.GeoDataFrame, district) -> tuple[gpd.GeoDataFrame, set[tuple[str, str]]]:
    """Return damaged grids and the expected (error_type, grid_code) set.

    Each damage goes to a grid of a different community so that no two interact.
    """
    g = grids.copy().reset_index(drop=True)
    by_comm = g.groupby("community_code").indices
    communities = sorted(by_comm)
    inner = [c for c in communities if len(by_comm[c]) >= 4]
    boundary = district.boundary
    expected: set[tuple[str, str]] = set()
    pick = iter(inner[::5])

    def interior_grids(comm):
        rows = list(by_comm[comm])
        return [r for r in rows if g.geometry[r].distance(boundary) > 300]

    # overlap: grid b takes a 20 m disc out of a neighbour c of the same community
    comm = next(pick)
    rows = interior_grids(comm)
    for b in rows:
        neighbours = [
            c
            for c in rows
            if c != b and g.geometry[b].touches(g.geometry[c]) and g.geometry[b].intersection(g.geometry[c]).length > 60
        ]
        if neighbours:
            c = neighbours[0]
            break
    edge = g.geometry[b].intersection(g.geometry[c])
    mid = shapely.line_interpolate_point(
        shapely.line_merge(edge) if edge.geom_type == "MultiLineString" else edge, 0.5, normalized=True
    )
    bump = shapely.intersection(mid.buffer(20), g.geometry[c])
    g.loc[b, "geometry"] = shapely.union(g.geometry[b], bump)
    expected.add(("overlap", g.grid_code[b]))

    # gap: a hole of radius 15 m inside grid d
    d = interior_grids(next(pick))[0]
    g.loc[d, "geometry"] = shapely.difference(g.geometry[d], _interior_point(g.geometry[d], 40).buffer(15))
    expected.add(("gap", ""))

    # sliver: a 3 m x 120 m strip cut out of grid e becomes a grid of its own (valid code, same community)
    e = interior_grids(next(pick))[0]
    p = _interior_point(g.geometry[e], 70)
    strip = shapely.box(p.x - 60, p.y - 1.5, p.x + 60, p.y + 1.5)
    g.loc[e, "geometry"] = shapely.difference(g.geometry[e], strip)
    new = g.iloc[[e]].copy()
    new["grid_code"] = g.grid_code[e][:12] + "900"
    new["geometry"] = [strip]
    g = gpd.GeoDataFrame(np.concatenate([g.values, new.values]), columns=g.columns, geometry="geometry", crs=g.crs)
    expected.add(("sliver", new.grid_code.iloc[0]))

    # invalid geometry: a bow-tie spike on grid f's exterior (the rest of it stays a valid cover)
    f = interior_grids(next(pick))[0]
    ring = np.asarray(g.geometry[f].exterior.coords)
    x0, y0 = ring[0]
    x1, y1 = ring[1]
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = (x1 - x0), (y1 - y0)
    n = np.hypot(dx, dy)
    ox, oy = -dy / n * 0.5, dx / n * 0.5
    spike = [(mx + ox + dx / n, my + oy + dy / n), (mx + ox, my + oy), (mx + dx / n, my + dy / n)]
    bad = shapely.Polygon(
        [tuple(ring[0]), (mx, my), *spike, *map(tuple, ring[1:])], [list(i.coords) for i in g.geometry[f].interiors]
    )
    assert not bad.is_valid
    g.loc[f, "geometry"] = bad
    expected.add(("invalid_geometry", g.grid_code[f]))

    # duplicate codes: grid h takes the code of grid i in the same community
    rows = interior_grids(next(pick))
    h, i = rows[0], rows[1]
    g.loc[h, "grid_code"] = g.grid_code[i]
    expected.add(("duplicate_code", g.grid_code[i]))

    # bad code: letters in grid j's code
    j = interior_grids(next(pick))[0]
    g.loc[j, "grid_code"] = g.grid_code[j][:-3] + "X01"
    expected.add(("bad_code", g.grid_code[j]))

    # orphan: grid k names a community that does not exist
    k = interior_grids(next(pick))[0]
    g.loc[k, "community_code"] = "440399099099"
    expected.add(("orphan", g.grid_code[k]))

    # outside its parent: grid m on the district edge grows 25 m outwards
    used = {g.community_code[x] for x in (b, d, e, f, h, j, k)}
    m = next(
        r
        for r in range(len(g))
        if g.community_code[r] not in used
        and g.geometry[r].is_valid
        and g.geometry[r].intersection(boundary).length > 200
    )
    shared = g.geometry[m].intersection(boundary)
    where = shapely.line_interpolate_point(
        shapely.line_merge(shared) if shared.geom_type == "MultiLineString" else shared, 0.5, normalized=True
    )
    g.loc[m, "geometry"] = shapely.union(g.geometry[m], shapely.difference(where.buffer(25), district))
    expected.add(("outside_parent", g.grid_code[m]))
    return g, expected
