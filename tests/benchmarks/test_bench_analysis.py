"""Benchmarks of the analyses (DESIGN.md §6), plugin and peer side by side in one run:

* KDE of 1,000,000 clustered points on 2,000 × 2,000 pixels, radius 300 m: ``gridgov.kde.density``
  against ``qgis:heatmapkerneldensityestimation`` (same points, same raster layout), and both against
  the exact kernel sum at 400 sampled pixel centres;
* Gi* with 999 permutations on the 20,000 Voronoi grids of the geolocate benchmark: weights plus
  statistic, gridgov against libpysal ``Queen.from_dataframe`` + ``esda.G_Local(y, w, "B", star=True)``;
  z-scores compared to 1e-9;
* per-grid counts of the 1,000,000 orders: gridgov against ``native:countpointsinpolygon``.

Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import importlib.util
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from osgeo import gdal

from gridgov.grid_ops import geolocate, hotspots, kde, pipkernels, weights
from gridgov.grid_ops.gridstats import grid_stats


def _geolocate_benchmark():
    """The city of the geolocate benchmark (imported by path: pytest runs with --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location(
        "bench_geolocate", Path(__file__).with_name("test_bench_geolocate.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _geolocate_benchmark()
SIDE = BENCH.SIDE
synthetic_city = BENCH.synthetic_city
PIXEL = SIDE / 2000
RADIUS = 300.0


@pytest.fixture(scope="module")
def city():
    return synthetic_city()


def _exact(x, y, px, py):
    out = np.zeros(len(px))
    for i, (cx, cy) in enumerate(zip(px, py)):
        near = (np.abs(x - cx) <= RADIUS) & (np.abs(y - cy) <= RADIUS)
        s = np.hypot(x[near] - cx, y[near] - cy) / RADIUS
        out[i] = float(((1 - s[s <= 1] ** 2) ** 2).sum())
    return out


def test_bench_kde(city, tmp_path, qgis_processing):
    import processing

    _grids, _micro, _dedicated, xy, _classes = city
    x, y = xy[:, 0], xy[:, 1]
    started = time.perf_counter()
    spec = kde.RasterSpec.around_points(x, y, RADIUS, PIXEL)
    ours = kde.density(x, y, spec, RADIUS)
    ours_s = time.perf_counter() - started

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:4547")
    points.to_file(tmp_path / "orders.gpkg", driver="GPKG")
    started = time.perf_counter()
    result = processing.run(
        "qgis:heatmapkerneldensityestimation",
        {
            "INPUT": str(tmp_path / "orders.gpkg"),
            "RADIUS": RADIUS,
            "PIXEL_SIZE": PIXEL,
            "KERNEL": 0,
            "OUTPUT_VALUE": 0,
            "OUTPUT": str(tmp_path / "qgis.tif"),
        },
    )
    qgis_s = time.perf_counter() - started
    ds = gdal.Open(result["OUTPUT"])
    theirs = ds.GetRasterBand(1).ReadAsArray().astype(float)
    theirs[theirs == -9999] = 0
    assert ds.GetGeoTransform() == pytest.approx(spec.geotransform())

    rng = np.random.default_rng(9)
    rows, cols = np.nonzero(ours > 0.01 * ours.max())
    pick = rng.choice(len(rows), 400, replace=False)
    cx, cy = spec.centres()
    exact = _exact(x, y, cx[cols[pick]], cy[rows[pick]])
    ours_err = np.abs(ours[rows[pick], cols[pick]] - exact) / exact
    their_err = np.abs(theirs[rows[pick], cols[pick]] - exact) / exact
    print(
        f"\nKDE {len(x):,} points, {spec.cols} × {spec.rows} px of {PIXEL:g} m, radius {RADIUS:g} m: "
        f"gridgov {ours_s:.2f} s, qgis:heatmapkerneldensityestimation {qgis_s:.1f} s, ratio {qgis_s / ours_s:.1f}x; "
        f"largest error against the exact kernel sum at 400 pixel centres above 1 % of the peak: "
        f"gridgov {ours_err.max() * 100:.3f} %, QGIS {their_err.max() * 100:.1f} %"
    )
    assert ours_err.max() < 0.005


def test_bench_gi_star(city):
    from libpysal.weights import Queen

    grids, _micro, _dedicated, xy, _classes = city
    layer = geolocate.UnitLayer.from_frame(grids, "grid_code")
    idx, _ = geolocate.pick_with_boundary_rule(layer, xy[:, 0], xy[:, 1])
    y = np.bincount(idx[idx >= 0], minlength=len(grids)).astype(float)

    started = time.perf_counter()
    w = weights.contiguity(grids.geometry.to_numpy(), "queen")
    ours = hotspots.gi_star(y, w, "B", permutations=999, seed=1)
    ours_s = time.perf_counter() - started

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        w_lps = Queen.from_dataframe(grids, use_index=False)
        weights_s = time.perf_counter() - started
        import esda

        started = time.perf_counter()
        theirs = esda.G_Local(y, w_lps, transform="B", star=True, permutations=999, seed=1)
        esda_s = time.perf_counter() - started
    z_diff = float(np.abs(ours["gi_z"].to_numpy() - theirs.Zs).max())
    p_corr = float(np.corrcoef(ours["gi_p_sim"], theirs.p_sim)[0, 1])
    peer = weights_s + esda_s
    print(
        f"\nGi* {len(grids):,} grids, 999 permutations: gridgov {ours_s:.2f} s (weights and statistic), "
        f"libpysal Queen {weights_s:.2f} s + esda.G_Local {esda_s:.2f} s = {peer:.2f} s, ratio {peer / ours_s:.1f}x; "
        f"largest z difference {z_diff:.1e}; correlation of permutation p-values {p_corr:.4f}"
    )
    assert z_diff < 1e-9


def test_bench_grid_counts(city, tmp_path, qgis_processing):
    import processing

    grids, _micro, _dedicated, xy, _classes = city
    # numba and the cached kernels load once per QGIS session (as in test_bench_geolocate): apart
    started = time.perf_counter()
    compiled = pipkernels.kernels() is not None
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    layer = geolocate.UnitLayer.from_frame(grids, "grid_code")
    codes = geolocate.grid_of_points(layer, xy[:, 0], xy[:, 1])  # as gridgov:gridstats places orders
    table, _, _ = grid_stats(grids, codes)
    ours_s = time.perf_counter() - started

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs="EPSG:4547")
    points.to_file(tmp_path / "orders.gpkg", driver="GPKG")
    grids.to_file(tmp_path / "grids.gpkg", driver="GPKG")
    started = time.perf_counter()
    result = processing.run(
        "native:countpointsinpolygon",
        {
            "POLYGONS": str(tmp_path / "grids.gpkg"),
            "POINTS": str(tmp_path / "orders.gpkg"),
            "FIELD": "NUMPOINTS",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    qgis_s = time.perf_counter() - started
    theirs = {f["grid_code"]: f["NUMPOINTS"] for f in result["OUTPUT"].getFeatures()}
    same = np.mean([theirs[c] == n for c, n in zip(table["grid_code"], table["cnt_total"])])
    print(
        f"\nper-grid counts, {len(xy):,} orders, {len(grids):,} grids: gridgov {ours_s:.2f} s (placing included; "
        f"compiled kernels {'on' if compiled else 'off'}, loaded once per session in {load_s:.2f} s), "
        f"native:countpointsinpolygon {qgis_s:.1f} s, ratio {qgis_s / ours_s:.1f}x; "
        f"same count in {same * 100:.2f} % of grids"
    )
    assert same > 0.999
