"""Issue 26's speed figures, as a user meets them: the whole ``processing.run``.

* Forecast + backtest of 20,000 grids × 5 class cases × 36 months (100,000 series; about 0.9 million
  orders carrying their grid code, in a GeoPackage; the 20,000 Voronoi grids of the geolocate
  benchmark): ``gridgov:forecast`` to a GeoPackage, and ``gridgov:earlywarning`` (which forecasts again
  without the latest month, then the trend turns and the season list). QGIS has no forecasting
  algorithm to set beside them; the engine alone is printed as a breakdown. Target: at most 60 s.

Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from qgis import processing
from qgis.core import QgsVectorLayer

from gridgov.grid_ops.forecasting import ForecastRequest, forecast

CLASSES = ("0101", "0204", "0601", "0602", "0801")
MONTHS = pd.date_range("2023-01-01", "2025-12-01", freq="MS")


def _geolocate_benchmark():
    spec = importlib.util.spec_from_file_location(
        "bench_geolocate", Path(__file__).with_name("test_bench_geolocate.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The grids and about 0.9 million orders: per grid a level (gamma), per class case a seasonal
    profile, Poisson counts per month; each order at its grid's centroid with its grid code."""
    grids = _geolocate_benchmark().synthetic_city()[0][["grid_code", "geometry"]]
    rng = np.random.default_rng(26)
    n_grids = len(grids)
    level = rng.gamma(0.8, 0.3, (len(CLASSES), n_grids, 1))
    season = 1 + 0.5 * np.cos(2 * np.pi * (MONTHS.month.to_numpy() - rng.integers(1, 13, (len(CLASSES), 1, 1))) / 12)
    counts = rng.poisson(level * season)
    cls, grid, month = np.nonzero(counts)
    repeat = counts[cls, grid, month]
    cls, grid, month = np.repeat(cls, repeat), np.repeat(grid, repeat), np.repeat(month, repeat)
    days = rng.integers(0, 28, len(month))
    times = MONTHS.to_numpy()[month] + days.astype("timedelta64[D]") + np.timedelta64(9, "h")
    centroids = shapely.centroid(grids.geometry.to_numpy())
    orders = gpd.GeoDataFrame(
        {
            "grid_code": grids["grid_code"].to_numpy()[grid],
            "class_code": np.array(CLASSES, dtype=object)[cls],
            "reported_at": pd.to_datetime(times).strftime("%Y-%m-%d %H:%M:%S"),
        },
        geometry=centroids[grid],
        crs=grids.crs,
    )
    path = tmp_path_factory.mktemp("warning_bench") / "city.gpkg"
    grids.to_file(path, layer="grids")
    orders.to_file(path, layer="orders")
    return path, grids, orders


def _layer(path, name):
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    assert layer.isValid()
    return layer


def test_bench_forecast_and_early_warning(city, gridgov_provider, tmp_path):
    path, grids, orders = city
    common = {"INPUT": _layer(path, "orders"), "GRID_FIELD": "grid_code", "GRIDS": _layer(path, "grids")}
    start = time.perf_counter()
    result = processing.run("gridgov:forecast", {**common, "HORIZON": 3, "OUTPUT": str(tmp_path / "forecast.gpkg")})
    forecast_run = time.perf_counter() - start
    start = time.perf_counter()
    warned = processing.run(
        "gridgov:earlywarning",
        {**common, "SEASON": "11-3", "OUTPUT": str(tmp_path / "alerts.gpkg"), "SEASON_LIST": str(tmp_path / "s.gpkg")},
    )
    warning_run = time.perf_counter() - start
    frame = pd.DataFrame(
        {"grid_code": orders["grid_code"], "class_code": orders["class_code"],
         "reported_at": pd.to_datetime(orders["reported_at"])}
    )  # fmt: skip
    start = time.perf_counter()
    engine = forecast(frame, ForecastRequest(horizon=3), grids=grids["grid_code"].to_numpy())
    engine_only = time.perf_counter() - start
    assert result["SERIES"] == len(grids) * len(CLASSES) == len(engine.forecasts) // 3
    print(
        f"\nforecast, {len(grids):,} grids x {len(CLASSES)} class cases x {len(MONTHS)} months "
        f"({len(orders):,} orders): processing.run {forecast_run:.1f} s (engine alone {engine_only:.1f} s); "
        f"earlywarning processing.run {warning_run:.1f} s ({warned['ALERTS']} alerts)"
    )
    assert forecast_run <= 60.0 and warning_run <= 60.0
