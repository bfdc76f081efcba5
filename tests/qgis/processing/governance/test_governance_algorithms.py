"""gridgov:hotareas and gridgov:patrolplan through Processing on the demo city."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import processing
import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer


def _layer(gpkg: Path, name: str) -> str:
    return f"{gpkg}|layername={name}"


def test_hot_areas_ranked_with_a_governance_sheet(demo_city_gpkg, tmp_path, gridgov_provider):
    result = processing.run(
        "gridgov:hotareas",
        {
            "INPUT": _layer(demo_city_gpkg, "grids"),
            "FIELD": "households",  # density mode: any field and threshold
            "THRESHOLD": 1500,
            "ORDERS": _layer(demo_city_gpkg, "truth_orders"),
            "TIME_FIELD": "true_time",
            "OUTPUT": str(tmp_path / "areas.gpkg"),
            "OUTPUT_XLSX": str(tmp_path / "list.xlsx"),
        },
    )
    layer = QgsVectorLayer(result["OUTPUT"], "areas", "ogr")
    assert layer.featureCount() == result["AREAS"] > 0
    rows = sorted((f["rank"], f["score"]) for f in layer.getFeatures())
    assert [r for r, _ in rows] == list(range(1, len(rows) + 1))
    assert all(a[1] >= b[1] for a, b in zip(rows, rows[1:]))  # rank 1 has the highest score
    sheet = openpyxl.load_workbook(tmp_path / "list.xlsx").worksheets[0]
    assert sheet.title.startswith("治理清单") and sheet.max_row == len(rows) + 1
    assert (tmp_path / "list.csv").exists()


def test_hot_areas_bad_weights_say_what(demo_city_gpkg, tmp_path, gridgov_provider):
    # its own test: a traceback that keeps the test's layers alive past QGIS's exit crashes the process
    with pytest.raises(QgsProcessingException, match="SCORE_WEIGHTS"):
        processing.run(
            "gridgov:hotareas",
            {
                "INPUT": _layer(demo_city_gpkg, "grids"),
                "FIELD": "households",
                "ORDERS": _layer(demo_city_gpkg, "truth_orders"),
                "SCORE_WEIGHTS": "loudness=1",
                "OUTPUT": str(tmp_path / "never.gpkg"),
            },
        )


def _plan(gpkg, tmp_path, **extra):
    return processing.run(
        "gridgov:patrolplan",
        {
            "INPUT": _layer(gpkg, "grids"),
            "STREET": "440399003",
            "ORDERS": _layer(gpkg, "truth_orders"),
            "CATEGORY_FIELD": "class_code",
            "TIME_FIELD": "true_time",
            "DAYS": 365,
            "TEAMS": _layer(gpkg, "patrol_teams"),
            "START": _layer(gpkg, "street_offices"),
            "WINDOWS": "08:00-12:00;19:00-23:00",
            "ROADS": _layer(gpkg, "roads"),
            "OUTPUT_STOPS": str(tmp_path / "stops.gpkg"),
            "OUTPUT_ROUTES": str(tmp_path / "routes.gpkg"),
            "OUTPUT_SCHEDULE": str(tmp_path / "schedule.xlsx"),
            **extra,
        },
    )


def test_patrol_plan_layers_and_schedule(demo_city_gpkg, tmp_path, gridgov_provider):
    result = _plan(demo_city_gpkg, tmp_path)
    stops = QgsVectorLayer(result["OUTPUT_STOPS"], "stops", "ogr")
    routes = QgsVectorLayer(result["OUTPUT_ROUTES"], "routes", "ogr")
    teams = {f["team_id"] for f in QgsVectorLayer(_layer(demo_city_gpkg, "patrol_teams"), "t", "ogr").getFeatures()
             if f["street_code"] == "440399003"}  # fmt: skip
    assert routes.featureCount() == 2 * len(teams)  # one route per team and shift
    planned = [f for f in stops.getFeatures() if f["status"] == "planned"]
    assert planned and all(f["team_id"] in teams and f["seq"] >= 1 for f in planned)
    assert all(f["status"] in ("planned", "dropped: no time in the shift") for f in stops.getFeatures())
    book = openpyxl.load_workbook(tmp_path / "schedule.xlsx")
    assert [s.title for s in book.worksheets] == ["排班 Schedule", "路线 Routes", "评估 Measure"]
    assert book.worksheets[0].max_row == len(planned) + 1
    for suffix in ("", "_routes", "_measure"):
        assert (tmp_path / f"schedule{suffix}.csv").exists()
    assert result["BALANCE"] >= 1.0
    # pin a place to a team and drop another, then re-plan
    first = planned[0]
    other = sorted(teams - {first["team_id"]})[0]
    dropped = planned[-1]["place_id"]
    (tmp_path / "again").mkdir()
    again = _plan(demo_city_gpkg, tmp_path / "again", PINS=f"{first['place_id']}={other}", DROPS=dropped)
    replanned = list(QgsVectorLayer(again["OUTPUT_STOPS"], "s", "ogr").getFeatures())
    assert {f["team_id"] for f in replanned if f["place_id"] == first["place_id"] and f["status"] == "planned"} <= {
        other
    }
    assert not [f for f in replanned if f["place_id"] == dropped]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"WINDOWS": "evening"}, "evening"),
        ({"PINS": "440399999999999=X"}, "440399999999999"),
        ({"PINS": "nonsense"}, "PINS"),
        ({"STREET": "999"}, "999"),
    ],
)
def test_patrol_plan_bad_input_says_what(demo_city_gpkg, tmp_path, gridgov_provider, extra, message):
    (tmp_path / "again").mkdir(exist_ok=True)
    with pytest.raises(QgsProcessingException, match=message):
        _plan(demo_city_gpkg, tmp_path, **extra)
