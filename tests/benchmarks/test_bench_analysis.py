"""Benchmarks of the analyses (DESIGN.md §6), plugin and peer side by side in one run:

* KDE of 1,000,000 clustered points on 2,000 × 2,000 pixels, radius 300 m: the whole ``processing.run``
  of ``gridgov:heatmap`` against ``qgis:heatmapkerneldensityestimation`` (same GeoPackage in, a GeoTIFF
  out; medians of three alternated runs of each), with ``gridgov.kde.density`` alone as a breakdown,
  all against the exact kernel sum at 400 sampled pixel centres;
* Gi* with 999 permutations on the 20,000 Voronoi grids of the geolocate benchmark (QGIS has no Gi*):
  the whole ``processing.run`` of ``gridgov:hotspots`` against the same job done with PySAL as a user
  would in QGIS's Python console (geopandas reads the GeoPackage, libpysal ``Queen.from_dataframe``,
  ``esda.G_Local(y, w, "B", star=True)``, a GeoPackage written), the engine alone as a breakdown;
  z-scores compared to 1e-9;
* per-grid counts of the 1,000,000 orders: the whole ``processing.run`` of ``gridgov:gridstats`` against
  ``native:countpointsinpolygon`` (same GeoPackages in, a temporary layer out), the engine alone as a
  breakdown.

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
from qgis.core import QgsVectorLayer

from gridgov.grid_ops.analytics import hotspots, kde, weights
from gridgov.grid_ops.analytics.gridstats import grid_stats
from gridgov.grid_ops.pip import pipkernels
from gridgov.grid_ops.responsibility import geolocate


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


def test_bench_kde(city, tmp_path, gridgov_provider):
    import processing

    _grids, _micro, _dedicated, xy, _classes = city
    x, y = xy[:, 0], xy[:, 1]
    started = time.perf_counter()
    spec = kde.RasterSpec.around_points(x, y, RADIUS, PIXEL)
    ours = kde.density(x, y, spec, RADIUS)
    ours_s = time.perf_counter() - started

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:4547")
    points.to_file(tmp_path / "orders.gpkg", driver="GPKG")
    same = {
        "INPUT": str(tmp_path / "orders.gpkg"),
        "RADIUS": RADIUS,
        "PIXEL_SIZE": PIXEL,
        "KERNEL": 0,
        "OUTPUT_VALUE": 0,
    }
    # the user's view: the whole processing.run of each, same input layer, same GeoTIFF output; three
    # alternated runs of each, medians compared (one run of either can meet a busy moment of the machine)
    ours_times, qgis_times = [], []
    for run in range(3):
        started = time.perf_counter()
        ours_run = processing.run("gridgov:heatmap", {**same, "OUTPUT": str(tmp_path / f"gridgov{run}.tif")})
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = processing.run(
            "qgis:heatmapkerneldensityestimation", {**same, "OUTPUT": str(tmp_path / f"qgis{run}.tif")}
        )
        qgis_times.append(time.perf_counter() - started)
    ours_e2e, qgis_s = float(np.median(ours_times)), float(np.median(qgis_times))
    ours_ds = gdal.Open(ours_run["OUTPUT"])  # held: a band outlives no dataset
    end_to_end = ours_ds.GetRasterBand(1).ReadAsArray().astype(float)
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
    e2e_err = np.abs(end_to_end[rows[pick], cols[pick]] - exact) / exact
    print(
        f"\nKDE {len(x):,} points from a GeoPackage, {spec.cols} × {spec.rows} px of {PIXEL:g} m, radius {RADIUS:g} m, "
        f"GeoTIFF out, whole processing.run, medians of 3 alternated runs: gridgov:heatmap {ours_e2e:.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in ours_times)}), qgis:heatmapkerneldensityestimation {qgis_s:.1f} s "
        f"(runs {', '.join(f'{t:.1f}' for t in qgis_times)}), ratio {qgis_s / ours_e2e:.1f}x "
        f"(breakdown: the engine's density alone {ours_s:.2f} s, the rest is reading the layer and writing the file); "
        f"largest error against the exact kernel sum at 400 pixel centres above 1 % of the peak: "
        f"gridgov {e2e_err.max() * 100:.3f} % (engine alone {ours_err.max() * 100:.3f} %), "
        f"QGIS {their_err.max() * 100:.1f} %"
    )
    assert ours_err.max() < 0.005 and e2e_err.max() < 0.005


def _pysal_gi_star(grids_path: Path, out_path: Path) -> None:
    """The peer's whole run, as a user would write it in QGIS's Python console (QGIS has no Gi*): read the
    grid GeoPackage with geopandas, libpysal Queen weights, ``esda.G_Local`` (binary, star, 999
    permutations), the z-scores and pseudo p-values added, a GeoPackage written."""
    import esda
    from libpysal.weights import Queen

    frame = gpd.read_file(grids_path)
    w = Queen.from_dataframe(frame, use_index=False)
    gi = esda.G_Local(frame["cnt_total"].to_numpy(float), w, transform="B", star=True, permutations=999, seed=1)
    frame["gi_z"], frame["gi_p_sim"] = gi.Zs, gi.p_sim
    frame.to_file(out_path, driver="GPKG")


def test_bench_gi_star(city, tmp_path, gridgov_provider):
    import processing

    grids, _micro, _dedicated, xy, _classes = city
    layer = geolocate.UnitLayer.from_frame(grids, "grid_code")
    idx, _ = geolocate.pick_with_boundary_rule(layer, xy[:, 0], xy[:, 1])
    y = np.bincount(idx[idx >= 0], minlength=len(grids)).astype(float)
    counted = grids[["grid_code", "geometry"]].copy()
    counted["cnt_total"] = y.astype(np.int64)
    counted.to_file(tmp_path / "grids.gpkg", driver="GPKG")

    # breakdown: the engine alone (weights and statistic on arrays already in memory)
    started = time.perf_counter()
    w = weights.contiguity(grids.geometry.to_numpy(), "queen")
    hotspots.gi_star(y, w, "B", permutations=999, seed=1)
    engine_s = time.perf_counter() - started

    # the user's view: whole runs, same GeoPackage in, a GeoPackage out
    started = time.perf_counter()
    run = processing.run(
        "gridgov:hotspots",
        {
            "INPUT": str(tmp_path / "grids.gpkg"),
            "FIELD": "cnt_total",
            "WEIGHTS": 0,
            "TRANSFORM": 0,
            "PERMUTATIONS": 999,
            "SEED": 1,
            "FDR": False,
            "OUTPUT": str(tmp_path / "gridgov.gpkg"),
        },
    )
    ours_s = time.perf_counter() - started
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        _pysal_gi_star(tmp_path / "grids.gpkg", tmp_path / "pysal.gpkg")
        peer_s = time.perf_counter() - started
    ours = gpd.read_file(run["OUTPUT"]).sort_values("grid_code")
    theirs = gpd.read_file(tmp_path / "pysal.gpkg").sort_values("grid_code")
    assert len(ours) == len(theirs) == len(grids)
    z_diff = float(np.abs(ours["gi_z"].to_numpy() - theirs["gi_z"].to_numpy()).max())
    p_corr = float(np.corrcoef(ours["gi_p_sim"], theirs["gi_p_sim"])[0, 1])
    print(
        f"\nGi* {len(grids):,} grids, queen weights, 999 permutations, GeoPackage in and out, whole runs: "
        f"processing.run gridgov:hotspots {ours_s:.2f} s, geopandas + libpysal Queen + esda.G_Local + "
        f"to_file {peer_s:.2f} s, ratio {peer_s / ours_s:.1f}x (breakdown: the engine's weights and statistic "
        f"alone {engine_s:.2f} s); largest z difference {z_diff:.1e}; correlation of permutation p-values "
        f"{p_corr:.4f}"
    )
    assert z_diff < 1e-9


def test_bench_grid_counts(city, tmp_path, gridgov_provider):
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
    # the user's view: the whole processing.run of each, same layers, a temporary layer out
    started = time.perf_counter()
    ours_run = processing.run(
        "gridgov:gridstats",
        {
            "INPUT": str(tmp_path / "orders.gpkg"),
            "GRIDS": str(tmp_path / "grids.gpkg"),
            "CODE_FIELD": "grid_code",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    ours_e2e = time.perf_counter() - started
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
    ours_layer = ours_run["OUTPUT"]
    ours_layer = ours_layer if hasattr(ours_layer, "getFeatures") else QgsVectorLayer(ours_layer, "counts", "ogr")
    e2e = {f["grid_code"]: f["cnt_total"] for f in ours_layer.getFeatures()}
    same_e2e = np.mean([theirs[c] == e2e.get(c) for c in theirs])
    print(
        f"\nper-grid counts, {len(xy):,} orders, {len(grids):,} grids from GeoPackages, a temporary layer out, whole "
        f"processing.run: gridgov:gridstats {ours_e2e:.2f} s, native:countpointsinpolygon {qgis_s:.1f} s, "
        f"ratio {qgis_s / ours_e2e:.1f}x (breakdown: placing and counting alone {ours_s:.2f} s, compiled kernels "
        f"{'on' if compiled else 'off'}, loaded once per session in {load_s:.2f} s); "
        f"same count in {same_e2e * 100:.2f} % of grids (engine alone {same * 100:.2f} %)"
    )
    assert same > 0.999 and same_e2e > 0.999
