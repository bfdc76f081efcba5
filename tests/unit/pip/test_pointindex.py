"""The edge raster gives exactly the pairs of the exact point-in-polygon test, edges and vertices included."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.pip.pointindex import EdgeRaster
from gridgov.grid_ops.responsibility import geolocate

ORIGIN = np.array([500_000.0, 2_500_000.0])


def voronoi_layer(n: int, seed: int, overlap: bool = False) -> geolocate.UnitLayer:
    rng = np.random.default_rng(seed)
    frame = shapely.box(500_000, 2_500_000, 503_000, 2_503_000)
    seeds = rng.uniform(0, 3000, (n, 2)) + ORIGIN
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    cells = shapely.intersection(cells, frame, grid_size=0.01)
    if overlap:  # dedicated-grid style: squares that overlap each other
        centres = rng.uniform(200, 2800, (n, 2)) + ORIGIN
        cells = shapely.box(centres[:, 0] - 150, centres[:, 1] - 150, centres[:, 0] + 150, centres[:, 1] + 150)
    layer = gpd.GeoDataFrame({"code": [f"g{i:04d}" for i in range(len(cells))]}, geometry=cells, crs="EPSG:4547")
    return geolocate.UnitLayer.from_frame(layer, "code")


def tricky_points(layer: geolocate.UnitLayer, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Random points plus every vertex and edge midpoint of the polygons, and points just off them."""
    vertices = shapely.get_coordinates(layer.geoms)
    mids = (vertices[1:] + vertices[:-1]) / 2
    random = rng.uniform(-100, 3100, (n, 2)) + ORIGIN
    near = vertices + rng.normal(0, 1e-6, vertices.shape)
    xy = np.vstack([random, vertices, mids, near])
    return xy[:, 0], xy[:, 1]


@pytest.mark.parametrize("overlap", [False, True])
def test_raster_lookup_equals_the_exact_test(overlap):
    layer = voronoi_layer(300, seed=5, overlap=overlap)
    x, y = tricky_points(layer, np.random.default_rng(1), 50_000)
    raster = EdgeRaster(layer.geoms, max_cells=200_000)
    fast_pts, fast_polys, rest = raster.lookup(x, y)
    assert 0 < len(rest) < 0.6 * len(x)
    exact_pts, exact_polys = layer._exact(x, y)
    resolved = np.ones(len(x), dtype=bool)
    resolved[rest] = False
    expected = {(p, g) for p, g in zip(exact_pts.tolist(), exact_polys.tolist()) if resolved[p]}
    assert set(zip(fast_pts.tolist(), fast_polys.tolist())) == expected


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "vectorised"])
def test_covering_with_and_without_raster_agree(monkeypatch, compiled):
    """From RASTER_MIN_POINTS on, covering takes the compiled kernels (or, without numba, the raster)."""
    if not compiled:
        monkeypatch.setenv("GRIDGOV_NO_NUMBA", "1")
    layer = voronoi_layer(200, seed=9)
    x, y = tricky_points(layer, np.random.default_rng(2), 20_000)
    monkeypatch.setattr(geolocate, "RASTER_MIN_POINTS", 10)
    with_raster = layer.covering(x, y)
    monkeypatch.setattr(geolocate, "RASTER_MIN_POINTS", 10**12)
    exact = layer.covering(x, y)
    assert sorted(zip(*map(np.ndarray.tolist, with_raster))) == sorted(zip(*map(np.ndarray.tolist, exact)))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 60))
def test_any_layout(seed, n):
    layer = voronoi_layer(n, seed=seed, overlap=seed % 2 == 1)
    x, y = tricky_points(layer, np.random.default_rng(seed), 2_000)
    raster = EdgeRaster(layer.geoms, max_cells=50_000)
    fast_pts, fast_polys, rest = raster.lookup(x, y)
    exact_pts, exact_polys = layer._exact(x, y)
    left = set(rest.tolist())
    expected = {(p, g) for p, g in zip(exact_pts.tolist(), exact_polys.tolist()) if p not in left}
    assert set(zip(fast_pts.tolist(), fast_polys.tolist())) == expected
