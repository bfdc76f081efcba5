"""gridgov:gridstats and gridgov:hotspots through Processing on the demo city."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import processing
import pytest
from qgis.core import QgsFeatureRequest, QgsProcessingException, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QVariant


def _layer(gpkg: Path, name: str) -> str:
    return f"{gpkg}|layername={name}"


def _rows(path: str) -> pd.DataFrame:
    layer = QgsVectorLayer(path, "out", "ogr")
    names = [f.name() for f in layer.fields()]

    def plain(value):  # QGIS gives NULL as a null QVariant
        return None if isinstance(value, QVariant) and value.isNull() else value

    return pd.DataFrame([dict(zip(names, map(plain, f.attributes()))) for f in layer.getFeatures()])


@pytest.fixture()
def stats(demo_city_gpkg, tmp_path, gridgov_provider):
    result = processing.run(
        "gridgov:gridstats",
        {
            "INPUT": _layer(demo_city_gpkg, "truth_orders"),
            "GRIDS": _layer(demo_city_gpkg, "grids"),
            "TIME_FIELD": "true_time",
            "PERIOD": 1,
            "OUTPUT": str(tmp_path / "stats.gpkg"),
            "TABLE": str(tmp_path / "counts.csv"),
        },
    )
    return result, tmp_path


def test_gridstats_counts_every_order_once(stats, demo_city_gpkg):
    result, _ = stats
    table = _rows(result["OUTPUT"])
    grids = QgsVectorLayer(_layer(demo_city_gpkg, "grids"), "g", "ogr")
    assert len(table) == grids.featureCount()  # every grid, also the quiet ones
    orders = QgsVectorLayer(_layer(demo_city_gpkg, "truth_orders"), "o", "ogr")
    assert table["cnt_total"].sum() == orders.featureCount()  # the demo's true positions all lie in grids
    assert {"per_1k_hh", "per_km2", "cur_cnt", "prev_cnt", "diff_cnt", "perc_chg", "cnt_0601"} <= set(table.columns)
    assert (table["diff_cnt"] == table["cur_cnt"] - table["prev_cnt"]).all()
    with_prev = table["prev_cnt"] > 0
    expected = (table["diff_cnt"][with_prev] / table["prev_cnt"][with_prev] * 100).round(2)
    np.testing.assert_allclose(table["perc_chg"][with_prev].astype(float), expected)
    assert table["perc_chg"][~with_prev].isna().all()
    counts = pd.read_csv(result["TABLE"], dtype={"grid_code": str, "class_code": str})
    assert counts["count"].sum() == orders.featureCount()


@pytest.mark.parametrize("filtered", [False, True], ids=["GDAL", "QGIS iterator"])
def test_gridstats_with_a_grid_field_reads_no_points(stats, demo_city_gpkg, tmp_path, monkeypatch, filtered):
    """GRID_FIELD names each order's grid: the points are not read (ten million cost GBs), and the
    counts equal those placed by point."""
    import geopandas as gpd

    from gridgov.grid_ops.responsibility.geolocate import UnitLayer, pick_with_boundary_rule
    from gridgov.layers.parameters import grid_inputs

    orders = gpd.read_file(demo_city_gpkg, layer="truth_orders")
    grids = UnitLayer.from_frame(gpd.read_file(demo_city_gpkg, layer="grids"), "grid_code")
    idx, _ = pick_with_boundary_rule(grids, orders.geometry.x.to_numpy(), orders.geometry.y.to_numpy())
    orders["grid_of_order"] = np.where(idx >= 0, grids.codes[np.maximum(idx, 0)], "")
    orders.to_file(tmp_path / "placed.gpkg", layer="placed", driver="GPKG")
    layer = QgsVectorLayer(_layer(tmp_path / "placed.gpkg", "placed"), "placed", "ogr")
    if filtered:  # a subset string: read through QGIS's iterator, as a database table is
        layer.setSubsetString("fid > 0")

    asked = []
    real = grid_inputs.read_source

    def recording(alg, parameters, name, context, feedback=None, fields=None, with_geometry=True):
        frame, source = real(alg, parameters, name, context, feedback, fields, with_geometry)
        asked.append((name, with_geometry, bool(frame.geometry.isna().all())))
        return frame, source

    monkeypatch.setattr(grid_inputs, "read_source", recording)
    result = processing.run(
        "gridgov:gridstats",
        {
            "INPUT": layer,
            "GRIDS": _layer(demo_city_gpkg, "grids"),
            "GRID_FIELD": "grid_of_order",
            "TIME_FIELD": "true_time",
            "PERIOD": 1,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    assert ("INPUT", False, True) in asked
    by_field = {f["grid_code"]: f["cnt_total"] for f in result["OUTPUT"].getFeatures()}
    by_point = _rows(stats[0]["OUTPUT"]).set_index("grid_code")["cnt_total"].to_dict()
    assert by_field == by_point and sum(by_field.values()) == len(orders)


def test_gridstats_filter_to_night_noise(demo_city_gpkg, tmp_path, gridgov_provider):
    result = processing.run(
        "gridgov:gridstats",
        {
            "INPUT": _layer(demo_city_gpkg, "truth_orders"),
            "GRIDS": _layer(demo_city_gpkg, "grids"),
            "CATEGORY_FIELD": "class_code",
            "CATEGORIES": "noise",
            "TIME_FIELD": "true_time",
            "HOURS": "22-6",
            "OUTPUT": str(tmp_path / "night.gpkg"),
        },
    )
    table = _rows(result["OUTPUT"])
    orders = _rows(_layer(demo_city_gpkg, "truth_orders"))
    hour = orders["true_time"].astype(str).str[11:13].astype(int)
    night_noise = orders["class_code"].astype(str).str.startswith("06") & ((hour >= 22) | (hour < 6))
    assert table["cnt_total"].sum() == night_noise.sum() > 0


def test_hotspots_on_grid_counts(stats, gridgov_provider):
    result, tmp_path = stats
    project = QgsProject.instance()
    project.removeAllMapLayers()
    params = {"INPUT": result["OUTPUT"], "FIELD": "cnt_total", "PERMUTATIONS": 199, "LOCAL_MORAN": True}
    first = processing.runAndLoadResults("gridgov:hotspots", {**params, "OUTPUT": str(tmp_path / "hot1.gpkg")})
    second = processing.run("gridgov:hotspots", {**params, "OUTPUT": str(tmp_path / "hot2.gpkg")})
    a, b = _rows(first["OUTPUT"]), _rows(second["OUTPUT"])
    assert {"gi_z", "gi_p", "gi_p_sim", "gi_bin", "n_neigh", "lisa_i", "lisa_q", "lisa_p_sim"} <= set(a.columns)
    assert a["gi_bin"].between(-3, 3).all() and first["HOT"] == (a["gi_bin"] > 0).sum() > 0
    pd.testing.assert_frame_equal(a, b)  # same seed, same result
    loaded = [lyr for lyr in project.mapLayers().values() if lyr.name() == "Hot spots (Gi*)"]
    assert loaded and loaded[0].renderer().classAttribute() == "gi_bin"
    project.removeAllMapLayers()


@pytest.mark.parametrize(("weights", "extra"), [(1, {}), (2, {"DISTANCE": 400.0}), (3, {"K": 6})])
def test_hotspots_other_weights(stats, weights, extra):
    result, tmp_path = stats
    out = processing.run(
        "gridgov:hotspots",
        {
            "INPUT": result["OUTPUT"],
            "FIELD": "cnt_total",
            "WEIGHTS": weights,
            "TRANSFORM": 1,
            "PERMUTATIONS": 0,
            **extra,
            "OUTPUT": str(tmp_path / f"w{weights}.gpkg"),
        },
    )
    table = _rows(out["OUTPUT"])
    assert table["gi_z"].notna().all() and table["gi_p_sim"].isna().all()


def test_hotspots_refuses_empty_values(demo_city_gpkg, tmp_path, gridgov_provider):
    grids = QgsVectorLayer(_layer(demo_city_gpkg, "grids"), "g", "ogr")
    memory = grids.materialize(QgsFeatureRequest())  # a copy we may edit
    memory.startEditing()
    index = memory.fields().indexOf("households")
    first = next(memory.getFeatures())
    memory.changeAttributeValue(first.id(), index, None)
    memory.commitChanges()
    with pytest.raises(QgsProcessingException, match="have no households"):
        processing.run("gridgov:hotspots", {"INPUT": memory, "FIELD": "households", "OUTPUT": str(tmp_path / "x.gpkg")})


def test_emerging_hotspots_on_the_demo_orders(demo_city_gpkg, tmp_path, gridgov_provider):
    from gridgov.grid_ops.analytics.emerging import PATTERNS

    result = processing.run(
        "gridgov:emerginghotspots",
        {
            "INPUT": _layer(demo_city_gpkg, "truth_orders"),
            "GRIDS": _layer(demo_city_gpkg, "grids"),
            "TIME_FIELD": "true_time",
            "TIME_STEP": 1,
            "OUTPUT": str(tmp_path / "trend.gpkg"),
            "CUBE": str(tmp_path / "cube.csv"),
        },
    )
    table = _rows(result["OUTPUT"])
    grids = QgsVectorLayer(_layer(demo_city_gpkg, "grids"), "g", "ogr")
    assert len(table) == grids.featureCount()
    assert set(table["pattern"]) <= set(PATTERNS)
    assert {"pattern_zh", "mk_tau", "mk_p", "n_hot", "n_cold", "z_2025_01", "z_2025_12"} <= set(table.columns)
    cube = pd.read_csv(result["CUBE"], dtype={"grid_code": str})
    assert len(cube) == 12 * grids.featureCount() and cube["count"].sum() == table["total"].sum() == 500


def test_emerging_hotspots_needs_time(demo_city_gpkg, tmp_path, gridgov_provider):
    with pytest.raises(QgsProcessingException, match="TIME_FIELD"):
        processing.run(
            "gridgov:emerginghotspots",
            {
                "INPUT": _layer(demo_city_gpkg, "truth_orders"),
                "GRIDS": _layer(demo_city_gpkg, "grids"),
                "TIME_FIELD": "",
                "OUTPUT": str(tmp_path / "t.gpkg"),
            },
        )


def test_timeprofile_tables_and_charts(demo_city_gpkg, tmp_path, gridgov_provider):
    from osgeo import gdal

    result = processing.run(
        "gridgov:timeprofile",
        {
            "INPUT": _layer(demo_city_gpkg, "truth_orders"),
            "GROUP_FIELD": "class_code",
            "TIME_FIELD": "true_time",
            "TOP": 3,
            "OUTPUT": str(tmp_path / "peaks.csv"),
            "TABLE": str(tmp_path / "counts.csv"),
            "CHART_FOLDER": str(tmp_path / "charts"),
        },
    )
    peaks = pd.read_csv(result["OUTPUT"], dtype={"group": str})
    counts = pd.read_csv(result["TABLE"], dtype={"group": str})
    assert len(peaks) == 3 and peaks["orders"].is_monotonic_decreasing
    assert counts.groupby("group")["count"].sum().loc[peaks["group"]].tolist() == peaks["orders"].tolist()
    assert peaks["peak_hours"].str.match(r"^\d\d:00–\d\d:00$").all()
    assert len(result["CHARTS"]) == 3
    image = gdal.Open(result["CHARTS"][0])
    assert (image.RasterXSize, image.RasterYSize) == (1000, 380)
    assert image.GetRasterBand(1).ReadAsArray().std() > 10  # drawn, not blank


def test_classify_orders_with_rules_and_a_trained_model(demo_city_gpkg, tmp_path, gridgov_provider):
    rules = processing.run(
        "gridgov:classify",
        {"INPUT": _layer(demo_city_gpkg, "orders"), "TEXT_FIELD": "description", "OUTPUT": str(tmp_path / "r.csv")},
    )
    table = pd.read_csv(rules["OUTPUT"], dtype=str)
    assert len(table) == 500 and (table["class_method"].fillna("") != "learned").all()
    assert (table["class_code"] == table["class_code_src"]).mean() > 0.8
    hybrid = processing.run(
        "gridgov:classify",
        {
            "INPUT": _layer(demo_city_gpkg, "orders"),
            "TEXT_FIELD": "description",
            "LABEL_FIELD": "class_code",
            "OUTPUT": str(tmp_path / "h.csv"),
            "REPORT": str(tmp_path / "report.csv"),
        },
    )
    assert hybrid["ACCURACY_HYBRID"] is not None and 0 <= hybrid["ACCURACY_HYBRID"] <= 1
    out = pd.read_csv(hybrid["OUTPUT"], dtype=str)
    assert set(out["class_method"].dropna()) <= {"learned", "rules"} and len(out) == 500
    report = pd.read_csv(hybrid["REPORT"], dtype={"class_code": str})
    assert {"class_code", "class_name", "recall_learned", "most_confused_with"} <= set(report.columns)


def test_classify_learned_without_labels_says_so(demo_city_gpkg, tmp_path, gridgov_provider):
    with pytest.raises(QgsProcessingException, match="LABEL_FIELD"):
        processing.run(
            "gridgov:classify",
            {"INPUT": _layer(demo_city_gpkg, "orders"), "METHOD": 2, "OUTPUT": str(tmp_path / "x.csv")},
        )
