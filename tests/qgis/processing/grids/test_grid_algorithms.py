"""Grid algorithms through Processing: import, build, split, validate (golden file), renumber."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import processing
import pytest
from qgis.core import QgsVectorFileWriter, QgsVectorLayer

DATA = Path(__file__).resolve().parents[3] / "data"


@pytest.fixture(scope="module")
def demo_gpkg(demo_city_gpkg):
    return demo_city_gpkg


def _layer(gpkg: Path, name: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    assert layer.isValid(), name
    return layer


def _rows(layer) -> list[dict]:
    names = [f.name() for f in layer.fields()]
    return [dict(zip(names, f.attributes())) for f in layer.getFeatures()]


def test_grid_algorithms_listed(gridgov_provider):
    ids = {alg.id() for alg in gridgov_provider.algorithms()}
    assert {
        "gridgov:importgrids",
        "gridgov:buildgrid",
        "gridgov:splitmicrogrids",
        "gridgov:validategrids",
        "gridgov:renumbergrids",
    } <= ids
    for alg in gridgov_provider.algorithms():
        assert alg.shortHelpString(), alg.id()


def test_golden_damaged_grid_set(gridgov_provider):
    result = processing.run(
        "gridgov:validategrids",
        {
            "INPUT": str(DATA / "damaged_grids.geojson"),
            "CODE_FIELD": "grid_code",
            "LEVEL": 3,
            "PARENT": str(DATA / "golden_community.geojson"),
            "PARENT_CODE_FIELD": "community_code",
            "PARENT_FIELD": "community_code",
            "REPAIR": True,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    got = sorted(
        (r["error_type"], r["grid_code"] or "", r["detail"], round(r["area_m2"], 2)) for r in _rows(result["OUTPUT"])
    )
    with open(DATA / "damaged_grids_expected.csv", encoding="utf-8") as handle:
        expected = sorted(
            (r["error_type"], r["grid_code"], r["detail"], round(float(r["area_m2"]), 2))
            for r in csv.DictReader(handle)
        )
    assert got == expected
    assert result["ERROR_COUNT"] == 9
    assert result["COVERAGE_PCT"] == pytest.approx(99.666, abs=1e-3)
    # the style Processing applies when it loads the layer: one colour per error type
    from gridgov.layers.styling.layer_styles import apply_style

    layer = result["OUTPUT"]
    assert apply_style(layer, "validation_errors")
    assert layer.renderer().type() == "categorizedSymbol"
    assert {c.value() for c in layer.renderer().categories()} == {
        "gap",
        "overlap",
        "sliver",
        "invalid_geometry",
        "outside_parent",
        "duplicate_code",
        "bad_code",
        "orphan",
    }


def test_validate_demo_grids_clean(demo_gpkg, gridgov_provider):
    result = processing.run(
        "gridgov:validategrids",
        {
            "INPUT": f"{demo_gpkg}|layername=grids",
            "CODE_FIELD": "grid_code",
            "PARENT": f"{demo_gpkg}|layername=communities",
            "PARENT_CODE_FIELD": "community_code",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    assert result["ERROR_COUNT"] == 0
    assert result["COVERAGE_PCT"] == pytest.approx(100.0, abs=1e-3)


def test_buildgrid_clipped_to_communities(demo_gpkg, gridgov_provider):
    result = processing.run(
        "gridgov:buildgrid",
        {
            "INPUT": f"{demo_gpkg}|layername=communities",
            "CODE_FIELD": "community_code",
            "TYPE": 0,
            "SIZE": 300,
            "DIGITS": 3,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    cells = result["OUTPUT"]
    rows = _rows(cells)
    assert all(re.fullmatch(r"[0-9]{15}", r["grid_code"]) for r in rows)
    assert all(r["grid_code"][:12] == r["parent_code"] for r in rows)
    check = processing.run(
        "gridgov:validategrids",
        {
            "INPUT": cells,
            "CODE_FIELD": "grid_code",
            "PARENT": f"{demo_gpkg}|layername=communities",
            "PARENT_CODE_FIELD": "community_code",
            "SLIVER_WIDTH": 0.0,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    assert check["ERROR_COUNT"] == 0
    assert check["COVERAGE_PCT"] == pytest.approx(100.0, abs=0.01)


def test_buildgrid_hexagons_over_an_extent(gridgov_provider):
    result = processing.run(
        "gridgov:buildgrid",
        {
            "EXTENT": "500000,502000,2500000,2501000 [EPSG:4547]",
            "TYPE": 1,
            "SIZE": 100,
            "CODE_PREFIX": "HX",
            "DIGITS": 4,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    cells = result["OUTPUT"]
    area = sum(f.geometry().area() for f in cells.getFeatures())
    assert area == pytest.approx(2000 * 1000, rel=1e-6)
    hexagon = 3**0.5 / 2 * 100**2
    assert 0.9 * 2e6 / hexagon < cells.featureCount() < 1.3 * 2e6 / hexagon
    assert all(r["grid_code"].startswith("HX") and len(r["grid_code"]) == 6 for r in _rows(cells))


def test_split_microgrids_even_and_nested(demo_gpkg, gridgov_provider):
    grids = _layer(demo_gpkg, "grids")
    grids.setSubsetString("\"community_code\" IN ('440399003002', '440399005004')")
    result = processing.run(
        "gridgov:splitmicrogrids",
        {
            "INPUT": grids,
            "CODE_FIELD": "grid_code",
            "HOUSEHOLDS": f"{demo_gpkg}|layername=buildings",
            "WEIGHT_FIELD": "households",
            "TARGET": 96,
            "ROADS": f"{demo_gpkg}|layername=roads",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    assert result["EVENNESS_MAX"] < 1.5
    micro = _rows(result["OUTPUT"])
    codes = {f["grid_code"] for f in grids.getFeatures()}
    assert {m["grid_code"] for m in micro} == codes
    assert all(m["micro_code"][:-3] == m["grid_code"] and re.fullmatch(r"[0-9]{18}", m["micro_code"]) for m in micro)
    check = processing.run(
        "gridgov:validategrids",
        {
            "INPUT": result["OUTPUT"],
            "CODE_FIELD": "micro_code",
            "PARENT": grids,
            "PARENT_CODE_FIELD": "grid_code",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    assert check["ERROR_COUNT"] == 0


def _export(layer: QgsVectorLayer, path: Path, driver: str) -> Path:
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = driver
    options.fileEncoding = "UTF-8"
    from qgis.core import QgsCoordinateTransformContext

    error = QgsVectorFileWriter.writeAsVectorFormatV2(layer, str(path), QgsCoordinateTransformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return path


@pytest.mark.parametrize("driver,suffix", [("ESRI Shapefile", ".shp"), ("GeoJSON", ".geojson")])
def test_import_other_field_names(tmp_path, gridgov_provider, driver, suffix):
    source = QgsVectorLayer(
        "Polygon?crs=EPSG:4547&field=WGBM:string&field=WGMC:string&field=WGY:string&field=LXDH:string&field=HS:integer",
        "foreign",
        "memory",
    )
    from qgis.core import QgsFeature, QgsGeometry

    feats = []
    for i, (code, hh) in enumerate(
        [("４４０３９９００１００１００１", 120), (" 440399001001002", 80), ("", 40), ("440399001001004", None)]
    ):
        f = QgsFeature(source.fields())
        f.setAttributes([code, f"第{i + 1}网格", f"张{i}", f"1380000000{i}", hh])
        f.setGeometry(
            QgsGeometry.fromWkt(
                f"POLYGON(({i * 100} 0, {i * 100 + 100} 0, {i * 100 + 100} 100, {i * 100} 100, {i * 100} 0))"
            )
        )
        feats.append(f)
    source.dataProvider().addFeatures(feats)
    path = _export(source, tmp_path / f"foreign{suffix}", driver)
    result = processing.run("gridgov:importgrids", {"INPUT": str(path), "LEVEL": 2, "OUTPUT": "TEMPORARY_OUTPUT"})
    rows = _rows(result["OUTPUT"])
    assert len(rows) == 4
    assert [r["code"] for r in rows] == ["440399001001001", "440399001001002", "", "440399001001004"]
    assert [r["name"] for r in rows][:2] == ["第1网格", "第2网格"]
    assert rows[0]["manager"] == "张0" and rows[0]["phone"] == "13800000000"
    assert rows[0]["households"] == 120 and rows[0]["parent_code"] == "440399001001"
    assert [r["import_status"] for r in rows] == ["ok", "ok", "problem", "ok"]
    assert "row 3" in rows[2]["problem"] and "WGBM" in rows[2]["problem"]
    assert result["PROBLEMS"] == 1


def test_renumber_west_east_north_south(gridgov_provider):
    layer = QgsVectorLayer("Polygon?crs=EPSG:4547&field=grid_code:string&field=community_code:string", "g", "memory")
    from qgis.core import QgsFeature, QgsGeometry

    feats = []
    # 2 x 2 cells given in a scrambled order with wrong codes
    for code, (x, y) in [("A", (100, 0)), ("B", (0, 100)), ("C", (0, 0)), ("D", (100, 100))]:
        f = QgsFeature(layer.fields())
        f.setAttributes([code, "440399001001"])
        f.setGeometry(
            QgsGeometry.fromWkt(f"POLYGON(({x} {y}, {x + 100} {y}, {x + 100} {y + 100}, {x} {y + 100}, {x} {y}))")
        )
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    result = processing.run(
        "gridgov:renumbergrids",
        {"INPUT": layer, "CODE_FIELD": "grid_code", "COMMUNITY_FIELD": "community_code", "OUTPUT": "TEMPORARY_OUTPUT"},
    )
    new = {r["old_code"]: r["grid_code"] for r in _rows(result["OUTPUT"])}
    assert new == {"B": "440399001001001", "D": "440399001001002", "C": "440399001001003", "A": "440399001001004"}


def test_import_with_a_chosen_field_the_layer_lacks_names_it(gridgov_provider):
    """A field chosen for the import that the layer does not have stops the run with a message naming
    it and the layer's fields, after the log has said which field each standard field was read from
    (it was a KeyError traceback)."""
    from qgis.core import QgsFeature, QgsGeometry, QgsProcessingException, QgsProcessingFeedback

    layer = QgsVectorLayer("Polygon?crs=EPSG:4547&field=WGBM:string", "grids", "memory")
    feature = QgsFeature(layer.fields())
    feature.setAttributes(["440399001001001"])
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))"))
    layer.dataProvider().addFeatures([feature])
    lines = []

    class Log(QgsProcessingFeedback):
        def pushInfo(self, info):  # noqa: N802
            lines.append(info)

    with pytest.raises(QgsProcessingException, match=r"NOPE.*WGBM"):
        processing.run(
            "gridgov:importgrids",
            {"INPUT": layer, "LEVEL": 2, "NAME_FIELD": "NOPE", "OUTPUT": "TEMPORARY_OUTPUT"},
            feedback=Log(),
        )
    assert any(line.startswith("name ← NOPE") for line in lines)
