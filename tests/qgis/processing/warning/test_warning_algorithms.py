"""``gridgov:forecast`` and ``gridgov:earlywarning`` through ``processing.run`` on a city with planted
truth: a hundred square grids, three years of monthly orders of two class cases, surges planted in
the last month of some grids and a heating season planted in others."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from qgis import processing
from qgis.core import QgsProcessingException, QgsVectorLayer

from gridgov.grid_ops.forecasting import ForecastRequest, forecast

SIDE = 500.0
N = 10  # grids per side
MONTHS = pd.date_range("2023-01-01", "2025-12-01", freq="MS")
SURGED = [f"G{i:03d}" for i in (3, 17, 42, 58, 77, 91)]
HEATED = [f"G{i:03d}" for i in (5, 23, 64)]


def _grids() -> gpd.GeoDataFrame:
    cells = [shapely.box(c * SIDE, r * SIDE, (c + 1) * SIDE, (r + 1) * SIDE) for r in range(N) for c in range(N)]
    codes = [f"G{i:03d}" for i in range(N * N)]
    return gpd.GeoDataFrame({"grid_code": codes, "name": [f"网格{i}" for i in range(N * N)]}, geometry=cells, crs=4547)


def _orders(grids: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for code, cell in zip(grids.grid_code, grids.geometry):
        x0, y0, x1, y1 = cell.bounds
        for m, month in enumerate(MONTHS):
            season = 1 + 0.4 * np.cos(2 * np.pi * (month.month - 7) / 12)
            counts = {"0601": rng.poisson(3 * season), "0801": rng.poisson(0.6)}
            if code in SURGED and m == len(MONTHS) - 1:
                counts["0601"] += 25
            if code in HEATED and month.month in (11, 12, 1, 2, 3):
                counts["0801"] += 8
            for cls, k in counts.items():
                days = rng.integers(0, month.days_in_month, k)
                for d in days:
                    rows.append(
                        (cls, month + pd.Timedelta(days=int(d), hours=10), rng.uniform(x0, x1), rng.uniform(y0, y1))
                    )
    frame = pd.DataFrame(rows, columns=["class_code", "reported_at", "x", "y"])
    frame["reported_at"] = frame["reported_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame["order_id"] = [f"O{i}" for i in range(len(frame))]
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.x, frame.y), crs=4547)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warning_city")
    grids = _grids()
    orders = _orders(grids)
    grids.to_file(folder / "city.gpkg", layer="grids")
    orders.to_file(folder / "city.gpkg", layer="orders")
    return folder / "city.gpkg", grids, orders


def _layer(path, name) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    assert layer.isValid()
    return layer


def _frame(path) -> gpd.GeoDataFrame:
    return gpd.read_file(path)


def test_forecast_has_every_grid_class_and_step_on_its_polygon(city, gridgov_provider, tmp_path):
    path, grids, orders = city
    result = processing.run(
        "gridgov:forecast",
        {"INPUT": _layer(path, "orders"), "GRIDS": _layer(path, "grids"), "PERIOD": 0, "HORIZON": 3,
         "OUTPUT": str(tmp_path / "forecast.gpkg"), "MODELS": str(tmp_path / "models.csv")},
    )  # fmt: skip
    out = _frame(result["OUTPUT"])
    assert len(out) == len(grids) * 2 * 3 == result["SERIES"] * 3
    assert set(out.columns) >= {"grid_code", "class_code", "period", "step", "forecast", "lo", "hi", "model",
                                "backtest_error", "name"}  # fmt: skip
    assert (out["lo"] <= out["forecast"]).all() and (out["forecast"] <= out["hi"]).all() and (out["lo"] >= 0).all()
    assert out.geometry.notna().all()
    first = out[out.step == 1].set_index(["grid_code", "class_code"])
    assert set(first["period"]) == {"2026-01-01"}
    # the same numbers as the engine on the same orders (the algorithm adds reading and the polygons only)
    engine = forecast(
        pd.DataFrame({"grid_code": [f"G{int(y // SIDE) * N + int(x // SIDE):03d}" for x, y in zip(orders.x, orders.y)],
                      "class_code": orders.class_code, "reported_at": pd.to_datetime(orders.reported_at)}),
        ForecastRequest(horizon=3), grids=grids.grid_code.to_numpy(),
    ).forecasts.set_index(["grid_code", "class_code", "step"])  # fmt: skip
    mine = out.set_index(["grid_code", "class_code", "step"])
    assert np.allclose(mine.loc[engine.index, "forecast"], engine["forecast"])
    models = pd.read_csv(tmp_path / "models.csv", dtype=str)
    assert sorted(models["class_code"]) == ["0601", "0801"]


def test_early_warning_finds_the_planted_surges_and_the_heating_grids(city, gridgov_provider, tmp_path):
    path, grids, _orders = city
    result = processing.run(
        "gridgov:earlywarning",
        {"INPUT": _layer(path, "orders"), "GRIDS": _layer(path, "grids"), "SEASON": "11-3", "TOP": 5,
         "OUTPUT": str(tmp_path / "alerts.gpkg"), "SEASON_LIST": str(tmp_path / "season.gpkg")},
    )  # fmt: skip
    alerts = _frame(result["OUTPUT"])
    surges = alerts[(alerts.alert_kind == "surge") & (alerts.class_code == "0601")]
    found = set(surges.grid_code) & set(SURGED)
    assert len(found) >= 0.9 * len(SURGED), sorted(found)
    quiet = set(grids.grid_code) - set(SURGED)
    assert len(set(surges.grid_code) & quiet) <= 0.05 * len(quiet)
    assert result["ALERTS"] == len(alerts) and alerts.geometry.notna().all()
    season = _frame(result["SEASON_LIST"])
    heating = season[season.class_code == "0801"].sort_values("rank")
    assert set(heating.grid_code.head(3)) == set(HEATED)
    assert season.groupby("class_code").size().max() <= 5 and season.geometry.notna().all()
    assert {"grid_code", "name", "rank", "expected"} <= set(season.columns)  # ready for Patrol plan's INPUT


def test_a_season_that_is_no_season_is_named(city, gridgov_provider, tmp_path):
    path, _grids, _orders = city
    with pytest.raises(QgsProcessingException, match="SEASON"):
        processing.run(
            "gridgov:earlywarning",
            {"INPUT": _layer(path, "orders"), "GRIDS": _layer(path, "grids"), "SEASON": "13-2",
             "OUTPUT": "TEMPORARY_OUTPUT", "SEASON_LIST": "TEMPORARY_OUTPUT"},
        )  # fmt: skip


def test_orders_without_a_time_field_are_refused_clearly(city, gridgov_provider):
    path, _grids, _orders = city
    with pytest.raises(QgsProcessingException, match="TIME_FIELD"):
        processing.run(
            "gridgov:forecast",
            {"INPUT": _layer(path, "orders"), "GRIDS": _layer(path, "grids"), "TIME_FIELD": "no_such_field",
             "OUTPUT": "TEMPORARY_OUTPUT"},
        )  # fmt: skip


def test_the_season_list_of_estates_puts_the_flooded_estates_first(city, gridgov_provider, tmp_path):
    """Estates as the gazetteer gives them (points named by estate): the heating orders of a planted
    grid lie around its estate's buildings, so that estate leads its class case's list."""
    path, grids, _orders = city
    centres = grids.set_index("grid_code").geometry.centroid
    estates = gpd.GeoDataFrame(
        {"estate": [f"{code}苑" for code in grids.grid_code for _ in range(4)]},
        geometry=[c.buffer(100).exterior.interpolate(k / 4, normalized=True) for c in centres for k in range(4)],
        crs=grids.crs,
    )
    estates.to_file(tmp_path / "estates.gpkg", layer="addresses")
    result = processing.run(
        "gridgov:earlywarning",
        {"INPUT": _layer(path, "orders"), "GRIDS": _layer(path, "grids"), "SEASON": "11-3",
         "ESTATES": _layer(tmp_path / "estates.gpkg", "addresses"), "ESTATE_DISTANCE": 500,
         "OUTPUT": "TEMPORARY_OUTPUT", "SEASON_LIST": "TEMPORARY_OUTPUT", "ESTATE_LIST": str(tmp_path / "e.gpkg")},
    )  # fmt: skip
    listed = _frame(result["ESTATE_LIST"])
    heating = listed[listed.class_code == "0801"].sort_values("rank")
    assert set(heating.estate.head(3)) == {f"{code}苑" for code in HEATED}
    assert (heating.head(3).grid_code.to_numpy() == heating.head(3).estate.str[:-1].to_numpy()).all()
    assert listed.geometry.notna().all()
