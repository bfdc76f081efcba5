"""Internet clues and the class sweep through Processing, on the demo city's posts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import processing
import pyogrio
import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsVectorLayer


def _layer(gpkg: Path, name: str) -> str:
    return f"{gpkg}|layername={name}"


@pytest.fixture(scope="module")
def city(demo_city_gpkg, tmp_path_factory) -> Path:
    """This module's own copy of the demo city: its runs open every layer of it, and the session's
    copy is read by the dock's tests, which count its rows."""
    copy = tmp_path_factory.mktemp("clues_city") / "city.gpkg"
    shutil.copyfile(demo_city_gpkg, copy)
    return copy


def _rows(path: str) -> pd.DataFrame:
    layer = QgsVectorLayer(path, "out", "ogr")
    names = [f.name() for f in layer.fields()]
    return pd.DataFrame([dict(zip(names, f.attributes())) for f in layer.getFeatures()])


def _clue_parameters(gpkg: Path, out: Path) -> dict:
    return {
        "INPUT": _layer(gpkg, "posts"),
        "GRIDS": _layer(gpkg, "grids"),
        "MICROGRIDS": _layer(gpkg, "microgrids"),
        "DEDICATED": _layer(gpkg, "dedicated_grids"),
        "ROADS": _layer(gpkg, "roads"),
        "GAZETTEER": _layer(gpkg, "addresses"),
        "ROSTER": _layer(gpkg, "roster"),
        "EXISTING": _layer(gpkg, "truth_orders"),
        "EXISTING_TIME_FIELD": "true_time",
        "OUTPUT": str(out),
    }


@pytest.fixture(scope="module")
def clues_run(city, tmp_path_factory, module_provider):
    out = tmp_path_factory.mktemp("clues") / "clues.gpkg"
    return processing.run("gridgov:clues", _clue_parameters(city, out)), out


def test_every_post_comes_out_once_with_its_status(clues_run, city):
    result, out = clues_run
    table = _rows(str(out))
    posts = pyogrio.read_info(city, layer="posts")["features"]
    assert result["POSTS_IN"] == result["POSTS_OUT"] == len(table) == posts > 0
    counts = table["clue_status"].value_counts()
    assert {"new_case", "duplicate_of", "not_a_case"} <= set(counts.index)
    assert sum(result[k] for k in ("NEW_CASES", "DUPLICATES", "UNPLACED", "NOT_A_CASE")) == posts
    assert sorted(table["post_id"]) == sorted(_rows(_layer(city, "posts"))["post_id"])
    new = table[table["clue_status"] == "new_case"]
    assert (new["case_id"].str.startswith("XS")).all() and (new["grid_code"] != "").all()
    assert (new["responsible"] != "").all()  # ready to dispatch: the unit's person


def test_new_cases_are_points_on_the_map(clues_run):
    _, out = clues_run
    layer = QgsVectorLayer(str(out), "clues", "ogr")
    placed = [f for f in layer.getFeatures() if f["clue_status"] in ("new_case", "duplicate_of")]
    assert placed and all(not f.geometry().isEmpty() for f in placed)
    assert layer.crs().authid() == "EPSG:4547"


def test_posts_from_a_csv_file(city, tmp_path, gridgov_provider):
    posts = _rows(_layer(city, "posts")).head(40)
    posts.to_csv(tmp_path / "posts.csv", index=False, encoding="gb18030")
    parameters = _clue_parameters(city, tmp_path / "from_csv.gpkg")
    parameters.pop("INPUT")
    parameters["INPUT_FILE"] = str(tmp_path / "posts.csv")
    result = processing.run("gridgov:clues", parameters)
    assert result["POSTS_OUT"] == 40


def test_a_missing_text_field_is_named(city, tmp_path, gridgov_provider):
    parameters = _clue_parameters(city, tmp_path / "x.gpkg")
    parameters["TEXT_FIELD"] = "正文"
    with pytest.raises(QgsProcessingException, match=r"TEXT_FIELD.*正文"):
        processing.run("gridgov:clues", parameters)
    assert not (tmp_path / "x.gpkg").exists()


def test_a_cancelled_run_leaves_nothing(city, tmp_path, gridgov_provider):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.cancel()
    alg = QgsApplication.processingRegistry().createAlgorithmById("gridgov:clues")
    with pytest.raises(QgsProcessingException):
        alg.run(
            _clue_parameters(city, tmp_path / "c.gpkg"),
            QgsProcessingContext(),
            feedback,
            catchExceptions=False,
        )
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_from_a_new_case_feeds_a_patrol_plan(clues_run, city, tmp_path):
    _, out = clues_run
    table = _rows(str(out))
    case = table[table["clue_status"] == "new_case"].sort_values("case_id").iloc[-1]  # the latest: a year before it
    sweep = processing.run(
        "gridgov:classsweep",
        {
            "INPUT": _layer(city, "truth_orders"),
            "TIME_FIELD": "true_time",
            "GRIDS": _layer(city, "grids"),
            "CASE_ID": case["case_id"],
            "CASE_LAYER": str(out),
            "CASE_FIELD": "case_id",
            "CASE_TIME_FIELD": "posted_at",
            "MONTHS": 12,
            "ROADS": _layer(city, "roads"),
            "GAZETTEER": _layer(city, "addresses"),
            "OUTPUT": str(tmp_path / "sweep.gpkg"),
        },
    )
    rows = _rows(sweep["OUTPUT"])
    assert sweep["CLASSES"] == case["class_code"]
    assert sweep["GRIDS_FOUND"] == len(rows) > 0
    assert list(rows["sweep_rank"]) == list(range(1, len(rows) + 1))
    assert (rows["cases"].diff().dropna() <= 0).all()
    plan = processing.run(
        "gridgov:patrolplan",
        {
            "INPUT": sweep["OUTPUT"],
            "STREET": rows["grid_code"][0][:9],  # the street office of the grid ranked first
            "SOLVER": 2,  # the plain fallback: the plan's quality is patrolplan's own tests'
            "ORDERS": _layer(city, "truth_orders"),
            "TIME_FIELD": "true_time",
            "CATEGORIES": case["class_code"],
            "DAYS": 365,
            "WINDOWS": "08:00-22:00",
            "TEAMS": _layer(city, "patrol_teams"),
            "START": _layer(city, "street_offices"),
            "OUTPUT_STOPS": str(tmp_path / "stops.gpkg"),
            "OUTPUT_ROUTES": str(tmp_path / "routes.gpkg"),
        },
    )
    assert QgsVectorLayer(plan["OUTPUT_STOPS"], "stops", "ogr").featureCount() > 0


def test_a_sweep_without_a_class_says_so(city, tmp_path, gridgov_provider):
    with pytest.raises(QgsProcessingException, match="CLASS"):
        processing.run(
            "gridgov:classsweep",
            {
                "INPUT": _layer(city, "truth_orders"),
                "TIME_FIELD": "true_time",
                "GRIDS": _layer(city, "grids"),
                "OUTPUT": str(tmp_path / "s.gpkg"),
            },
        )


def test_existing_orders_without_their_time_field_are_refused_by_name(city, tmp_path, gridgov_provider):
    parameters = _clue_parameters(city, tmp_path / "x.gpkg")
    parameters.pop("EXISTING_TIME_FIELD")  # reported_at: truth_orders has true_time
    with pytest.raises(QgsProcessingException, match=r"EXISTING_TIME_FIELD.*reported_at"):
        processing.run("gridgov:clues", parameters)


def test_posts_without_geotag_columns_and_a_bad_coordinate_system(city, tmp_path, gridgov_provider):
    posts = _rows(_layer(city, "posts"))[["post_id", "posted_at", "text"]].head(30)
    posts.to_csv(tmp_path / "plain.csv", index=False)
    parameters = _clue_parameters(city, tmp_path / "plain.gpkg")
    parameters.pop("INPUT")
    parameters["INPUT_FILE"] = str(tmp_path / "plain.csv")
    assert processing.run("gridgov:clues", parameters)["POSTS_OUT"] == 30  # the geotag is optional
    full = _rows(_layer(city, "posts")).head(30)
    full.to_csv(tmp_path / "tagged.csv", index=False)
    parameters.update(INPUT_FILE=str(tmp_path / "tagged.csv"), COORD_SYS_FIELD="", COORD_SYS="火星坐标")
    with pytest.raises(QgsProcessingException, match="COORD_SYS"):
        processing.run("gridgov:clues", parameters)


def test_a_point_layer_of_posts_gives_its_points_as_geotags(city, tmp_path, gridgov_provider):
    """Posts digitised or imported as points (here the true points, in EPSG:4547) need no text place."""
    parameters = _clue_parameters(city, tmp_path / "points.gpkg")
    parameters["INPUT"] = _layer(city, "truth_posts")
    parameters["TIME_FIELD"] = "true_time"
    parameters["TEXT_FIELD"] = "place_name"
    result = processing.run("gridgov:clues", parameters)
    table = _rows(str(tmp_path / "points.gpkg"))
    truth = _rows(_layer(city, "truth_posts"))
    has_point = truth["grid_code"] != ""
    assert result["POSTS_OUT"] == len(truth)
    assert (table["grid_code"][has_point] == truth["grid_code"][has_point]).mean() > 0.99
