"""``gridgov:assessment`` through ``processing.run``: on the demo city's planted truth (the slow street
office, the low-satisfaction department), on NYC 311's own closing dates, and on what comes out: every
order once, polygons where the units have them, the report."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from qgis import processing
from qgis.core import QgsProcessingException, QgsVectorLayer

from gridgov.grid_ops.democity.lifecycle import lifecycle_truth

NYC = Path(__file__).resolve().parents[3] / "data" / "nyc" / "nyc311_2022-05-01.csv"


def _layer(path, name) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    assert layer.isValid()
    return layer


@pytest.fixture()
def placed(demo_city_gpkg, gridgov_provider, tmp_path_factory):
    """The demo city's orders placed (so each has its street), with their lifecycle columns."""
    out = tmp_path_factory.mktemp("assessment") / "placed.gpkg"
    processing.run(
        "gridgov:geolocate",
        {"INPUT": _layer(demo_city_gpkg, "orders"), "X_FIELD": "x", "Y_FIELD": "y", "COORD_SYS_FIELD": "coord_sys",
         "CATEGORY_FIELD": "class_code", "GRIDS": _layer(demo_city_gpkg, "grids"),
         "COMMUNITIES": _layer(demo_city_gpkg, "communities"), "STREETS": _layer(demo_city_gpkg, "streets"),
         "OUTPUT": str(out)},
    )  # fmt: skip
    return out


def test_the_slow_street_office_is_slowest_and_drawn_on_its_polygon(placed, demo_city_gpkg, gridgov_provider, tmp_path):
    result = processing.run(
        "gridgov:assessment",
        {"INPUT": str(placed), "UNIT_FIELD": "street_code", "PERIOD": 3, "MIN_ORDERS": 5,
         "UNITS": _layer(demo_city_gpkg, "streets"), "UNITS_CODE_FIELD": "street_code",
         "OUTPUT": str(tmp_path / "units.gpkg"), "OVERDUE": str(tmp_path / "overdue.csv"),
         "TOPICS": str(tmp_path / "topics.csv"), "ORDERS": str(tmp_path / "orders.csv"),
         "REPORT": str(tmp_path / "report.xlsx")},
    )  # fmt: skip
    units = gpd.read_file(result["OUTPUT"])
    streets = gpd.read_file(demo_city_gpkg, layer="streets")
    truth = lifecycle_truth(streets)
    coded = units[units["unit"].fillna("") != ""]  # orders placed nowhere have no street: a row, no polygon
    assert set(coded["unit"]) == set(streets["street_code"]) and coded.geometry.notna().all()
    assert coded.loc[coded["median_hours"].idxmax(), "unit"] == truth.slow_street_code
    assert (units["period"] == "all").all() and units["latest"].all()
    orders = pd.read_csv(tmp_path / "orders.csv")
    assert len(orders) == 500 and orders["row_status"].notna().all()  # every order once, with its status
    assert Path(result["REPORT"]).exists() and result["RATED"] == units["rated"].sum()


def test_the_low_satisfaction_department_is_found(demo_city_gpkg, gridgov_provider, tmp_path):
    result = processing.run(
        "gridgov:assessment",
        {"INPUT": _layer(demo_city_gpkg, "orders"), "UNIT_FIELD": "承办单位", "PERIOD": 3, "MIN_ORDERS": 5,
         "OUTPUT": str(tmp_path / "departments.csv"), "OVERDUE": "TEMPORARY_OUTPUT", "TOPICS": "TEMPORARY_OUTPUT"},
    )  # fmt: skip
    units = pd.read_csv(result["OUTPUT"])
    rated = units[units["rated"].astype(bool)]
    # 500 orders: the planted department has the lowest satisfaction; that it also ranks last every
    # month is checked on 20,000 (tests/unit/assessment)
    assert rated.loc[rated["satisfaction_rate"].idxmin(), "unit"] == "住建局物业科"
    assert rated["rank"].between(1, len(rated)).all()


def test_nyc_closure_times_per_agency_equal_a_direct_computation(gridgov_provider, tmp_path):
    """NYC 311 read as its export comes (INPUT_FILE): Created Date → Closed Date per Agency."""
    result = processing.run(
        "gridgov:assessment",
        {"INPUT_FILE": str(NYC), "UNIT_FIELD": "Agency", "PERIOD": 3, "WEIGHTS": "close=100", "MIN_ORDERS": 1,
         "OUTPUT": str(tmp_path / "agencies.csv"), "OVERDUE": "TEMPORARY_OUTPUT", "TOPICS": "TEMPORARY_OUTPUT"},
    )  # fmt: skip
    units = pd.read_csv(result["OUTPUT"]).set_index("unit")
    raw = pd.read_csv(NYC, dtype=str)
    fmt = "%m/%d/%Y %I:%M:%S %p"
    hours = pd.to_datetime(raw["Closed Date"], format=fmt) - pd.to_datetime(raw["Created Date"], format=fmt)
    hours = hours.dt.total_seconds() / 3600
    direct = hours[hours >= 0].groupby(raw["Agency"]).median()
    assert np.allclose(units.loc[direct.index, "median_hours"], direct.to_numpy(), rtol=1e-9)
    assert units["n_orders"].sum() == len(raw)


def test_bad_weights_are_named(demo_city_gpkg, gridgov_provider):
    with pytest.raises(QgsProcessingException, match="WEIGHTS"):
        processing.run(
            "gridgov:assessment",
            {"INPUT": _layer(demo_city_gpkg, "orders"), "UNIT_FIELD": "承办单位", "WEIGHTS": "speed=100",
             "OUTPUT": "TEMPORARY_OUTPUT", "OVERDUE": "TEMPORARY_OUTPUT", "TOPICS": "TEMPORARY_OUTPUT"},
        )  # fmt: skip


def test_a_unit_field_the_orders_lack_is_named(demo_city_gpkg, gridgov_provider):
    with pytest.raises(QgsProcessingException, match="UNIT_FIELD"):
        processing.run(
            "gridgov:assessment",
            {"INPUT": _layer(demo_city_gpkg, "orders"), "UNIT_FIELD": "no_such_field",
             "OUTPUT": "TEMPORARY_OUTPUT", "OVERDUE": "TEMPORARY_OUTPUT", "TOPICS": "TEMPORARY_OUTPUT"},
        )  # fmt: skip
