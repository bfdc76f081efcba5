"""Issue 24, output half: nothing is lost where the rows land, result columns keep their types and
names, CSVs are safe in Excel and WPS, and bad input becomes messages, never tracebacks.

Every case here was found by trying hostile inputs; each failed before its fix.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import processing
import pytest
from qgis.core import (
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant


def _layer(gpkg: Path, name: str) -> str:
    return f"{gpkg}|layername={name}"


def _rows(layer) -> pd.DataFrame:
    if isinstance(layer, str):
        layer = QgsVectorLayer(layer, "out", "ogr")
    assert layer.isValid()
    names = [f.name() for f in layer.fields()]
    return pd.DataFrame([dict(zip(names, f.attributes())) for f in layer.getFeatures()], columns=names)


class Log(QgsProcessingFeedback):
    """Keeps every line of the log, warnings and errors apart."""

    def __init__(self) -> None:
        super().__init__()
        self.infos, self.warnings, self.errors = [], [], []

    def pushInfo(self, info: str) -> None:  # noqa: N802
        self.infos.append(info)

    def pushWarning(self, warning: str) -> None:  # noqa: N802
        self.warnings.append(warning)

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N802, N803
        self.errors.append(error)

    def text(self) -> str:
        return "\n".join(self.infos + self.warnings + self.errors)


def _orders(demo_city_gpkg, n: int = 40) -> pd.DataFrame:
    frame = _rows(_layer(demo_city_gpkg, "orders")).head(n).reset_index(drop=True)
    return frame[["order_id", "class_code", "reported_at", "x", "y", "coord_sys"]]


def _memory_table(frame: pd.DataFrame, types: dict[str, QVariant.Type], name: str = "orders") -> QgsVectorLayer:
    """A memory table with the columns of ``frame`` (text unless ``types`` says otherwise)."""
    layer = QgsVectorLayer("None", name, "memory")
    fields = [QgsField(str(c), types.get(c, QVariant.String)) for c in frame.columns]
    layer.dataProvider().addAttributes(fields)
    layer.updateFields()
    features = []
    for row in frame.itertuples(index=False, name=None):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([None if (isinstance(v, float) and math.isnan(v)) else v for v in row])
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    return layer


def _geolocate(demo_city_gpkg, orders, out, feedback=None, **extra) -> dict:
    parameters = {
        "INPUT": orders,
        "X_FIELD": "x",
        "Y_FIELD": "y",
        "COORD_SYS_FIELD": "coord_sys",
        "CATEGORY_FIELD": "class_code",
        "GRIDS": _layer(demo_city_gpkg, "grids"),
        "OUTPUT": str(out),
        **extra,
    }
    return processing.run("gridgov:geolocate", parameters, feedback=feedback or Log())


# 1. rows counted where they land -----------------------------------------------------------------


def test_rows_out_counts_the_rows_in_the_file(demo_city_gpkg, tmp_path, gridgov_provider, monkeypatch):
    """A sink that silently refuses rows: ROWS_OUT must not claim them; the run fails naming the count."""
    from qgis.core import QgsFeatureSink

    from gridgov.layers.io import convert

    real = convert.write_to_sink

    def drop_every_third(frame, sink, fields, feedback=None, multi=True):
        class Dropping(QgsFeatureSink):
            def addFeatures(self, features, flags=None):  # noqa: N802
                return sink.addFeatures([f for i, f in enumerate(features) if i % 3], flags)

            def addFeature(self, feature, flags=None):  # noqa: N802
                return sink.addFeature(feature, flags)

        return real(frame, Dropping(), fields, feedback, multi)

    monkeypatch.setattr(convert, "write_to_sink", drop_every_third)
    monkeypatch.setenv("GRIDGOV_QGIS_SINK", "1")  # QGIS's feature sink, not the bulk GeoPackage writer
    orders = _memory_table(_orders(demo_city_gpkg), {"x": QVariant.Double, "y": QVariant.Double})
    log = Log()
    with pytest.raises(QgsProcessingException) as raised:
        _geolocate(demo_city_gpkg, orders, tmp_path / "placed.gpkg", log)
    assert "14 of 40 rows" in str(raised.value) + " ".join(log.errors), (str(raised.value), log.errors)
    assert not (tmp_path / "placed.gpkg").exists()  # a failed run leaves nothing behind


def test_rows_out_counts_the_rows_in_the_file_written_in_bulk(demo_city_gpkg, tmp_path, gridgov_provider, monkeypatch):
    """The same with the bulk GeoPackage writer: rows GDAL did not store are counted in the file."""
    import numpy as np

    from gridgov.layers.outputs.gdal_sink import GdalTableSink

    real = GdalTableSink._write

    def drop_every_third(self, geometry, names, values, masks, append):
        if geometry is None or not len(geometry):
            return real(self, geometry, names, values, masks, append)
        keep = np.arange(len(geometry)) % 3 != 0
        masks = [None if m is None else m[keep] for m in masks]
        return real(self, geometry[keep], names, [v[keep] for v in values], masks, append)

    monkeypatch.setattr(GdalTableSink, "_write", drop_every_third)
    orders = _memory_table(_orders(demo_city_gpkg), {"x": QVariant.Double, "y": QVariant.Double})
    log = Log()
    with pytest.raises(QgsProcessingException) as raised:
        _geolocate(demo_city_gpkg, orders, tmp_path / "placed.gpkg", log)
    message = str(raised.value) + " ".join(log.errors)
    assert "40 rows written, 26 in the file" in message or "14 of 40 rows" in message, message
    assert not (tmp_path / "placed.gpkg").exists()
    assert not list(tmp_path.glob(".gridgov-partial-*"))  # nor its staged copy


def test_a_fid_column_that_gpkg_cannot_store_is_kept_and_every_row_lands(demo_city_gpkg, tmp_path, gridgov_provider):
    """A text column named ``fid`` (GeoPackage's own key) used to make GDAL refuse every row."""
    frame = _orders(demo_city_gpkg)
    frame.insert(0, "fid", ["A-1"] * len(frame))
    result = _geolocate(demo_city_gpkg, _memory_table(frame, {"x": QVariant.Double, "y": QVariant.Double}),
                        tmp_path / "placed.gpkg")  # fmt: skip
    placed = _rows(result["OUTPUT"])
    assert result["ROWS_IN"] == result["ROWS_OUT"] == len(frame) == len(placed)
    assert placed["fid_src"].tolist() == ["A-1"] * len(frame)


# 2. types and names ------------------------------------------------------------------------------


def test_integer_grid_code_input_does_not_make_the_result_integer(demo_city_gpkg, tmp_path, gridgov_provider):
    frame = _orders(demo_city_gpkg)
    frame["grid_code"] = range(len(frame))
    types = {"x": QVariant.Double, "y": QVariant.Double, "grid_code": QVariant.Int}
    result = _geolocate(demo_city_gpkg, _memory_table(frame, types), tmp_path / "placed.gpkg")
    out = QgsVectorLayer(result["OUTPUT"], "out", "ogr")
    assert out.fields().field("grid_code").type() == QVariant.String
    assert out.fields().field("grid_code_src").type() in (QVariant.Int, QVariant.LongLong)
    placed = _rows(out)
    grids = set(_rows(_layer(demo_city_gpkg, "grids"))["grid_code"])
    inside = placed[placed["match_method"] == "inside"]
    assert len(inside) > 30 and set(inside["grid_code"]) <= grids
    assert placed["grid_code_src"].tolist() == list(range(len(frame)))


def test_colliding_input_columns_are_renamed_never_dropped(demo_city_gpkg, tmp_path, gridgov_provider):
    """``geometry``, ``_fid``, ``fid``, ``level``, ``problem`` and every result column, whatever the case."""
    frame = _orders(demo_city_gpkg)
    clashing = ["geometry", "_fid", "level", "problem", "Match_Method", "GRID_CODE", "grid_code_src"]
    for i, name in enumerate(clashing):
        frame[name] = f"v{i}"
    log = Log()
    result = _geolocate(demo_city_gpkg, _memory_table(frame, {"x": QVariant.Double, "y": QVariant.Double}),
                        tmp_path / "placed.gpkg", log)  # fmt: skip
    placed = _rows(result["OUTPUT"])
    assert len(placed) == len(frame) == result["ROWS_OUT"]
    expected = {"geometry_src": "v0", "_fid_src": "v1", "level_src": "v2", "problem_src": "v3",
                "Match_Method_src": "v4", "GRID_CODE_src2": "v5", "grid_code_src": "v6"}  # fmt: skip
    for name, value in expected.items():
        assert placed[name].tolist() == [value] * len(frame), name
    assert set(placed["match_method"]) <= {"inside", "boundary", "nearest", "unassigned", "invalid"}
    lowered = [c.lower() for c in placed.columns]
    assert len(lowered) == len(set(lowered))
    assert "Match_Method → Match_Method_src" in log.text()


def test_placing_placed_orders_a_third_time(demo_city_gpkg, tmp_path, gridgov_provider):
    source = _memory_table(_orders(demo_city_gpkg), {"x": QVariant.Double, "y": QVariant.Double})
    first = _geolocate(demo_city_gpkg, source, tmp_path / "p1.gpkg")
    second = _geolocate(demo_city_gpkg, first["OUTPUT"], tmp_path / "p2.gpkg")
    third = _geolocate(demo_city_gpkg, second["OUTPUT"], tmp_path / "p3.gpkg")
    placed = _rows(third["OUTPUT"])
    assert len(placed) == 40
    assert {"grid_code", "grid_code_src", "grid_code_src2"} <= set(placed.columns)
    assert placed["grid_code_src2"].tolist() == _rows(first["OUTPUT"])["grid_code"].tolist()
    assert placed["grid_code"].tolist() == placed["grid_code_src"].tolist()


def test_csv_column_differing_only_by_case_keeps_the_geopackage_readable(demo_city_gpkg, tmp_path, gridgov_provider):
    frame = _orders(demo_city_gpkg, 20)
    frame["Grid_Code"] = "mine"
    frame["PROBLEM"] = "theirs"
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    result = processing.run(
        "gridgov:geolocate",
        {"INPUT_FILE": str(path), "GRIDS": _layer(demo_city_gpkg, "grids"), "OUTPUT": str(tmp_path / "out.gpkg")},
        feedback=Log(),
    )
    placed = _rows(result["OUTPUT"])
    assert len(placed) == 20
    assert placed["Grid_Code_src"].tolist() == ["mine"] * 20 and placed["PROBLEM_src"].tolist() == ["theirs"] * 20
    assert placed["grid_code"].str.len().gt(10).sum() > 15


def _grids_with_codes(demo_city_gpkg, tmp_path, codes, kind: QVariant.Type) -> str:
    """The demo grids with ``codes`` (None: NULL) in a code field of type ``kind``."""
    grids = QgsVectorLayer(_layer(demo_city_gpkg, "grids"), "grids", "ogr")
    layer = QgsVectorLayer(f"Polygon?crs={grids.crs().authid()}", "grids", "memory")
    layer.dataProvider().addAttributes([QgsField("grid_code", kind)])
    layer.updateFields()
    features = []
    for feature, code in zip(grids.getFeatures(), codes):
        new = QgsFeature(layer.fields())
        new.setGeometry(feature.geometry())
        new.setAttributes([code])
        features.append(new)
    layer.dataProvider().addFeatures(features)
    path = tmp_path / f"grids_{kind}.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV2(layer, str(path), layer.transformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return str(path)


def test_null_and_real_grid_codes_come_out_as_text(demo_city_gpkg, tmp_path, gridgov_provider):
    n_grids = QgsVectorLayer(_layer(demo_city_gpkg, "grids"), "grids", "ogr").featureCount()
    real = [440399001001000.0 + i for i in range(n_grids)]
    nulls = [None] * n_grids
    orders = _memory_table(_orders(demo_city_gpkg), {"x": QVariant.Double, "y": QVariant.Double})
    for codes, kind, name in ((real, QVariant.Double, "real"), (nulls, QVariant.String, "null")):
        grids = _grids_with_codes(demo_city_gpkg, tmp_path, codes, kind)
        dispatch = tmp_path / f"dispatch_{name}.csv"
        result = _geolocate(demo_city_gpkg, orders, tmp_path / f"p_{name}.gpkg", GRIDS=grids, DISPATCH=str(dispatch))
        placed = _rows(result["OUTPUT"])
        summary = pd.read_csv(tmp_path / f"dispatch_{name}_summary.csv", dtype=str, keep_default_na=False)
        texts = set(placed["grid_code"].astype(str)) | set(summary["resp_code"])
        assert not any(t in ("None", "nan", "NULL") or t.endswith(".0") for t in texts), texts
        if name == "real":
            assert placed["grid_code"].str.fullmatch(r"4403990010\d{5}").sum() > 30


# 5. bad input becomes messages -------------------------------------------------------------------


def test_a_vertical_coordinate_system_in_one_row_is_that_rows_problem(demo_city_gpkg, tmp_path, gridgov_provider):
    frame = _orders(demo_city_gpkg)
    frame.loc[3, "coord_sys"] = "EPSG:5773"
    result = _geolocate(demo_city_gpkg, _memory_table(frame, {"x": QVariant.Double, "y": QVariant.Double}),
                        tmp_path / "placed.gpkg")  # fmt: skip
    placed = _rows(result["OUTPUT"])
    assert len(placed) == len(frame)
    assert placed.loc[3, "match_method"] == "invalid" and "EPSG:5773" in placed.loc[3, "problem"]
    assert (placed.drop(index=3)["match_method"] != "invalid").sum() > 30


def test_a_grid_with_a_nan_vertex_is_reported_and_the_rest_work(demo_city_gpkg, tmp_path, gridgov_provider):
    grids = QgsVectorLayer(_layer(demo_city_gpkg, "grids"), "grids", "ogr")
    layer = QgsVectorLayer(f"Polygon?crs={grids.crs().authid()}", "grids", "memory")
    layer.dataProvider().addAttributes(grids.fields().toList()[1:])
    layer.updateFields()
    features = []
    for i, feature in enumerate(grids.getFeatures()):
        new = QgsFeature(layer.fields())
        new.setAttributes(feature.attributes()[1:])
        if i == 5:
            geom = feature.geometry()
            rings = geom.asMultiPolygon()[0] if geom.isMultipart() else geom.asPolygon()
            ring = [QgsPointXY(p) for p in rings[0]]
            ring[1] = QgsPointXY(float("nan"), ring[1].y())
            new.setGeometry(QgsGeometry.fromPolygonXY([ring]))
        else:
            new.setGeometry(feature.geometry())
        features.append(new)
    layer.dataProvider().addFeatures(features)
    log = Log()
    orders = _memory_table(_orders(demo_city_gpkg), {"x": QVariant.Double, "y": QVariant.Double})
    result = _geolocate(demo_city_gpkg, orders, tmp_path / "placed.gpkg", log, GRIDS=layer)
    placed = _rows(result["OUTPUT"])
    assert len(placed) == 40 and (placed["match_method"] == "inside").sum() > 30
    bad_code = features[5]["grid_code"]
    assert any(bad_code in w and "NaN" in w for w in log.warnings), log.warnings


def test_grids_without_a_crs_stop_with_a_message_naming_the_layer(demo_city_gpkg, tmp_path, gridgov_provider):
    """Grids without a CRS (a shapefile without its .prj): guessing would place every order wrong, so the
    run stops and names the layer; micro-grids without one take the grids' CRS, with a warning."""
    import geopandas as gpd

    path = tmp_path / "grids_no_crs.gpkg"
    gpd.read_file(demo_city_gpkg, layer="grids").set_crs(None, allow_override=True).to_file(path, layer="grids_no_crs")
    layer = QgsVectorLayer(str(path), "grids_no_crs", "ogr")
    assert layer.isValid() and not layer.crs().authid()  # QGIS shows GDAL's 'Undefined geographic SRS'
    # the layers go by path: a failed run's traceback keeps its frames (and any layer object in them) until
    # Python exits, after QGIS has unloaded GDAL, where a GDAL layer's destructor would crash the process
    del layer
    log = Log()
    orders = _memory_table(_orders(demo_city_gpkg), {"x": QVariant.Double, "y": QVariant.Double})
    with pytest.raises(QgsProcessingException) as raised:
        _geolocate(demo_city_gpkg, orders, tmp_path / "placed.gpkg", log, GRIDS=f"{path}|layername=grids_no_crs")
    message = str(raised.value)
    assert "grids_no_crs" in message and "coordinate reference system" in message and "Traceback" not in message
    log = Log()
    result = _geolocate(demo_city_gpkg, orders, tmp_path / "placed.gpkg", log,
                        MICROGRIDS=f"{path}|layername=grids_no_crs", MICRO_CODE_FIELD="grid_code")  # fmt: skip
    assert len(_rows(result["OUTPUT"])) == 40
    assert any("grids_no_crs" in w and "CRS" in w for w in log.warnings), log.warnings


def test_date_from_filters_on_this_qgis(tmp_path, gridgov_provider):
    """``parameterAsDate`` is missing on QGIS 3.22: DATE_FROM must still work."""
    layer = QgsVectorLayer("Point?crs=EPSG:4547", "orders", "memory")
    layer.dataProvider().addAttributes([QgsField("reported_at", QVariant.String)])
    layer.updateFields()
    features = []
    for i in range(20):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([f"2025-0{1 + i % 2}-1{i % 10} 10:00:00"])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(500000 + 37 * i, 2500000 + 53 * i)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    result = processing.run(
        "gridgov:heatmap",
        {
            "INPUT": layer,
            "TIME_FIELD": "reported_at",
            "DATE_FROM": "2025-02-01",
            "RADIUS": 100,
            "PIXEL_SIZE": 20,
            "OUTPUT": str(tmp_path / "h.tif"),
        },
    )
    assert result["POINTS_USED"] == 10


# 3. CSV outputs safe in Excel and WPS -----------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "plain"]


def test_csv_cells_that_start_like_formulas_are_escaped_numbers_are_not():
    from gridgov.grid_ops.orders.dispatch_table import csv_safe

    table = pd.DataFrame({"text": HOSTILE, "n": [-1, 2, -3, 4, 5, 6, 7], "mixed": [-1.5, "-x", None, 3, "=a", "b", 0]})
    safe = csv_safe(table)
    assert safe["text"].tolist() == ["'" + v for v in HOSTILE[:-1]] + ["plain"]
    assert safe["n"].tolist() == [-1, 2, -3, 4, 5, 6, 7] and safe["n"].dtype == table["n"].dtype
    assert safe["mixed"].tolist()[:2] == [-1.5, "'-x"] and safe["mixed"].tolist()[4] == "'=a"
    assert table["text"].tolist() == HOSTILE  # the input is left as it was


#: Numbers held as text (a longitude read from a CSV): no spreadsheet runs them, so they stay as they are.
NUMBERS_AS_TEXT = ["-73.985", "+86", "-1,5", "-.5", "+1e-3", "-2E+10", "-7 "]
#: Look like numbers but are not plain ones, or start with a tab / CR: still escaped. A lone ``-`` is
#: not a number and is escaped too (only plain numbers are exempt).
NOT_PLAIN_NUMBERS = ["-", "+", "-2+3", "+1+1", "-1e", "-1-1", "\t-5", "\r5", "=1", "@1", "-73.985)"]


def test_csv_numbers_held_as_text_are_not_escaped():
    from gridgov.grid_ops.orders.dispatch_table import csv_safe

    table = pd.DataFrame({"text": NUMBERS_AS_TEXT + NOT_PLAIN_NUMBERS})
    safe = csv_safe(table)
    assert safe["text"].tolist() == NUMBERS_AS_TEXT + ["'" + v for v in NOT_PLAIN_NUMBERS]


def test_dispatch_csv_and_csv_outputs_are_safe(demo_city_gpkg, tmp_path, gridgov_provider):
    frame = _orders(demo_city_gpkg, len(HOSTILE))
    frame["order_id"] = HOSTILE
    orders = _memory_table(frame, {"x": QVariant.Double, "y": QVariant.Double})
    result = _geolocate(demo_city_gpkg, orders, tmp_path / "placed.gpkg", DISPATCH=str(tmp_path / "派单表.csv"))
    detail = pd.read_csv(tmp_path / "派单表.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert sorted(detail["order_id"]) == sorted(["'" + v for v in HOSTILE[:-1]] + ["plain"])
    placed = _rows(result["OUTPUT"])
    assert placed["order_id"].tolist() == HOSTILE  # the GeoPackage keeps the text as it is
    # a CSV written through a QGIS sink (findrepeats' rates per grid)
    placed_layer = QgsVectorLayer(result["OUTPUT"], "placed", "ogr")
    placed_layer.startEditing()
    for feature in placed_layer.getFeatures():
        placed_layer.changeAttributeValue(feature.id(), placed_layer.fields().indexOf("grid_code"), "=1+1")
    placed_layer.commitChanges()
    out = processing.run(
        "gridgov:findrepeats",
        {
            "INPUT": result["OUTPUT"],
            "CATEGORY_FIELD": "class_code",
            "TIME_FIELD": "reported_at",
            "GRID_FIELD": "grid_code",
            "OUTPUT": str(tmp_path / "cases.gpkg"),
            "RATES": str(tmp_path / "rates.csv"),
        },
    )
    rates = pd.read_csv(out["RATES"], dtype=str)
    assert rates["grid_code"].tolist() == ["'=1+1"]


def test_convertcoords_reports_a_vertical_system_per_row(tmp_path, gridgov_provider):
    path = tmp_path / "pts.csv"
    pd.DataFrame(
        {"lng": [113.9, 113.91, 113.92], "lat": [22.5, 22.51, 22.52], "sys": ["wgs84", "EPSG:5773", "gcj02"]}
    ).to_csv(path, index=False)
    out = processing.run(
        "gridgov:convertcoords",
        {"INPUT_FILE": str(path), "COORD_SYS_FIELD": "sys", "TO": "EPSG:4547", "OUTPUT": str(tmp_path / "c.gpkg")},
    )
    rows = _rows(out["OUTPUT"])
    assert out["FAILED"] == 1 and len(rows) == 3 and "EPSG:5773" in rows["problem"][1]
    assert rows["problem"][0] == "" or rows["problem"][0] is None or str(rows["problem"][0]) == "NULL"
