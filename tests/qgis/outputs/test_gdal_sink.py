"""The bulk GeoPackage backend of RowSink (``layers/outputs/gdal_sink.py``, ``layers/outputs/gpkg_index.py``), issue 24.

Oracles: SQLite's own ``rtreecheck`` and GDAL's own spatial index (built by GDAL on a copy of the same
table, cell by cell equal), a brute-force window count, and QGIS's own sink (``GRIDGOV_QGIS_SINK``)
writing the same result, column by column equal.
"""

from __future__ import annotations

import shutil
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import processing
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from osgeo import gdal
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)

from gridgov.layers.io.convert import fields_for, wkb_type_of
from gridgov.layers.outputs import gpkg_index
from gridgov.layers.outputs.gdal_sink import BulkTarget, GdalTableSink

CRS = QgsCoordinateReferenceSystem("EPSG:4547")


def _write(frame: gpd.GeoDataFrame, path, parts: list[int], layer: str = "t") -> int:
    sink = GdalTableSink(BulkTarget(str(path), layer, str(path), False, ""), fields_for(frame), wkb_type_of(frame), CRS)
    start = 0
    for size in [*parts, len(frame)]:
        sink.write(frame.iloc[start : start + size])
        start += size
        if start >= len(frame):
            break
    return sink.finish()


def _cells(path, rtree: str) -> np.ndarray:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f'SELECT id, minx, maxx, miny, maxy FROM "{rtree}" ORDER BY id').fetchall()
    return np.array(rows, dtype=float).reshape(-1, 5)


def _gdal_index_of_copy(path, tmp_path, layer: str = "t") -> np.ndarray:
    """GDAL's own index of the same table: a copy with our index dropped and GDAL's built."""
    copy = tmp_path / "gdal_index.gpkg"
    shutil.copy(path, copy)
    dataset = gdal.OpenEx(str(copy), gdal.OF_VECTOR | gdal.OF_UPDATE)
    dataset.ExecuteSQL(f"SELECT DisableSpatialIndex('{layer}', 'geom')")
    dataset.ExecuteSQL(f'DROP TABLE IF EXISTS "rtree_{layer}_geom"')  # GDAL >= 3.7 drops it itself
    dataset.ExecuteSQL(f"SELECT CreateSpatialIndex('{layer}', 'geom')")
    dataset = None
    return _cells(copy, f"rtree_{layer}_geom")


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    n=st.sampled_from([0, 1, 2, 50, 51, 52, 53, 2601, 2602, 9000]),
    polygons=st.booleans(),
    holes=st.floats(0, 0.3),
    parts=st.lists(st.integers(1, 4000), max_size=4),
    seed=st.integers(0, 2**16),
)
def test_bulk_index_is_sqlites_and_gdals_own(tmp_path_factory, n, polygons, holes, parts, seed):
    """Any size (one node, full nodes, one cell over, three levels), points or polygons, with rows
    without a geometry or with an empty one, written in random parts: SQLite finds the tree sound,
    and it holds exactly the cells GDAL's own index of the same table holds (ids and 32-bit bounds)."""
    tmp_path = tmp_path_factory.mktemp("rtree")
    rng = np.random.default_rng(seed)
    x = rng.uniform(480_000, 520_000, n) * rng.choice([1.0, -1.0, 1e-3], n)  # signs and small values round apart
    y = rng.uniform(2_480_000, 2_520_000, n)
    geoms = shapely.points(x, y) if n else np.array([], dtype=object)
    if polygons and n:
        geoms = shapely.buffer(geoms, rng.uniform(0.001, 500, n), quad_segs=2)
    geoms = np.asarray(geoms, dtype=object)
    missing = rng.random(n) < holes
    geoms[missing] = None
    empty = (rng.random(n) < holes / 2) & ~missing
    geoms[empty] = shapely.Point() if not polygons else shapely.Polygon()
    frame = gpd.GeoDataFrame({"k": np.arange(n)}, geometry=list(geoms) if n else [], crs="EPSG:4547")
    path = tmp_path / "t.gpkg"
    assert _write(frame, path, parts) == n
    if not n:
        assert pyogrio.read_info(path, layer="t")["features"] == 0
        return
    if missing.all():  # no geometry to tell the type: a table without geometry, as QGIS's sink writes it
        assert pyogrio.read_info(path, layer="t")["geometry_type"] is None
        return
    assert gpkg_index.check(str(path), "rtree_t_geom") == "ok"
    ours = _cells(path, "rtree_t_geom")
    assert len(ours) == int((~missing & ~empty).sum())
    np.testing.assert_array_equal(ours, _gdal_index_of_copy(path, tmp_path))
    # the rows, in their order, with their geometries
    back = pyogrio.read_dataframe(path, layer="t")
    assert back["k"].tolist() == list(range(n))
    assert back.geometry.isna().sum() + back.geometry.is_empty.sum() == int((missing | empty).sum())


def test_window_queries_through_the_index_equal_brute_force(tmp_path):
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 10_000, 30_000), rng.uniform(0, 10_000, 30_000)
    frame = gpd.GeoDataFrame({"k": np.arange(len(x))}, geometry=shapely.points(x, y), crs="EPSG:4547")
    _write(frame, tmp_path / "w.gpkg", [7_000, 7_000])
    for _ in range(20):
        x0, y0 = rng.uniform(0, 9_000, 2)
        box = (x0, y0, x0 + rng.uniform(10, 1000), y0 + rng.uniform(10, 1000))
        through_index = pyogrio.read_dataframe(tmp_path / "w.gpkg", bbox=box, columns=["k"])
        brute = np.flatnonzero((x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3]))
        assert sorted(through_index["k"]) == brute.tolist()


def test_values_keep_their_types_and_nulls(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "text": ["a", None, "泰然九路", ""],
            "code_real": [440303001.0, np.nan, 7.0, 7.5],  # a text column of numbers (like-typed) below
            "count": pd.array([1, None, 3, 2**62 + 1], dtype="Int64"),  # beyond a float's 53 bits
            "ratio": [0.5, np.nan, 1e300, -0.0],
            "flag": pd.array([True, None, False, True], dtype="boolean"),
            "day": [pd.Timestamp("2025-01-05"), pd.NaT, pd.Timestamp("2024-02-29"), pd.NaT],
        },
        geometry=shapely.points([1, 2, 3, 4], [1, 2, 3, 4]),
        crs="EPSG:4547",
    )
    fields = fields_for(frame)
    text_like = fields_for(pd.DataFrame({"code_real": ["x"]}))
    fields.remove(fields.indexFromName("code_real"))
    fields.append(text_like.at(0))  # the result's type decides: text, not the frame's float
    sink = GdalTableSink(BulkTarget(str(tmp_path / "v.gpkg"), "v", "", False, ""), fields, wkb_type_of(frame), CRS)
    sink.write(frame)
    assert sink.finish() == 4
    back = pyogrio.read_dataframe(tmp_path / "v.gpkg")
    assert back["text"].tolist() == ["a", None, "泰然九路", ""]
    assert back["code_real"].tolist() == ["440303001", None, "7", "7.5"]
    assert back["count"].isna().tolist() == [False, True, False, False]
    with sqlite3.connect(tmp_path / "v.gpkg") as connection:
        assert [r[0] for r in connection.execute("SELECT count FROM v ORDER BY fid")] == [1, None, 3, 2**62 + 1]
    assert back["ratio"].isna().tolist() == [False, True, False, False]
    assert back["flag"].isna().tolist() == [False, True, False, False]
    assert back["day"].isna().tolist() == [False, True, False, True]
    info = pyogrio.read_info(tmp_path / "v.gpkg")
    assert dict(zip(info["fields"], info["dtypes"]))["count"] == "int64"


def test_a_value_the_field_cannot_hold_names_the_row_and_field(tmp_path):
    frame = gpd.GeoDataFrame({"n": ["1", "2", "三"]}, geometry=shapely.points([1, 2, 3], [1, 2, 3]), crs="EPSG:4547")
    fields = fields_for(gpd.GeoDataFrame({"n": [1]}, geometry=shapely.points([1], [1])))
    sink = GdalTableSink(BulkTarget(str(tmp_path / "bad.gpkg"), "bad", "", False, ""), fields, wkb_type_of(frame), CRS)
    with pytest.raises(QgsProcessingException, match=r"row 3, field n: the value '三'"):
        sink.write(frame)


def _run_geolocate(demo_city_gpkg, out, **extra):
    return processing.run(
        "gridgov:geolocate",
        {
            "INPUT": f"{demo_city_gpkg}|layername=orders",
            "GRIDS": f"{demo_city_gpkg}|layername=grids",
            "OUTPUT": out,
            **extra,
        },
        feedback=QgsProcessingFeedback(),
    )


def test_bulk_and_qgis_sinks_write_the_same_table(demo_city_gpkg, tmp_path, gridgov_provider, monkeypatch):
    """The same run written by GDAL in bulk and by QGIS's feature sink: same columns, types, rows, values."""
    bulk = _run_geolocate(demo_city_gpkg, str(tmp_path / "bulk.gpkg"))
    monkeypatch.setenv("GRIDGOV_QGIS_SINK", "1")
    plain = _run_geolocate(demo_city_gpkg, str(tmp_path / "plain.gpkg"))
    assert bulk["ROWS_OUT"] == plain["ROWS_OUT"] == bulk["ROWS_IN"] > 0
    ours, theirs = pyogrio.read_info(bulk["OUTPUT"]), pyogrio.read_info(plain["OUTPUT"])
    assert list(ours["fields"]) == list(theirs["fields"])
    assert list(ours["dtypes"]) == list(theirs["dtypes"])
    assert ours["geometry_type"] == theirs["geometry_type"] and ours["crs"] == theirs["crs"]
    a, b = pyogrio.read_dataframe(bulk["OUTPUT"]), pyogrio.read_dataframe(plain["OUTPUT"])
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry")))
    # a row placed nowhere: no geometry (QGIS's writer stores an empty point for a feature without one)
    nowhere = a.geometry.isna()
    assert (b.geometry[nowhere].is_empty | b.geometry[nowhere].isna()).all()
    assert a.geometry[~nowhere].geom_equals_exact(b.geometry[~nowhere], 0).all()
    with sqlite3.connect(bulk["OUTPUT"]) as connection:
        table = connection.execute("SELECT table_name FROM gpkg_contents").fetchone()[0]
    assert gpkg_index.check(bulk["OUTPUT"], f"rtree_{table}_geom") == "ok"


def test_temporary_output_is_a_layer_of_the_run_loaded_like_a_memory_layer(demo_city_gpkg, gridgov_provider):
    result = _run_geolocate(demo_city_gpkg, "TEMPORARY_OUTPUT")
    layer = result["OUTPUT"]
    assert isinstance(layer, QgsVectorLayer) and layer.isValid()
    assert layer.featureCount() == result["ROWS_IN"] > 0
    assert layer.providerType() == "ogr" and layer.source().endswith("|layername=output")
    with sqlite3.connect(layer.source().split("|")[0]) as connection:  # no spatial index, as a memory layer
        assert not connection.execute("SELECT name FROM sqlite_master WHERE name LIKE 'rtree%'").fetchall()

    # as the toolbox runs it: the layer is loaded into the project under its id, with its style
    project = QgsProject()
    context = QgsProcessingContext()
    context.setProject(project)
    definition = QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", project)
    alg = gridgov_provider.algorithm("geolocate")
    parameters = {
        "INPUT": f"{demo_city_gpkg}|layername=orders",
        "GRIDS": f"{demo_city_gpkg}|layername=grids",
        "OUTPUT": definition,
    }
    results, ok = alg.run(parameters, context, QgsProcessingFeedback())
    assert ok
    loading = context.layersToLoadOnCompletion()
    assert list(loading) == [results["OUTPUT"]]
    assert context.getMapLayer(results["OUTPUT"]).featureCount() == results["ROWS_OUT"]


def test_a_layer_into_an_existing_geopackage_keeps_the_other_layers(demo_city_gpkg, tmp_path, gridgov_provider):
    city = tmp_path / "city.gpkg"
    shutil.copy(demo_city_gpkg, city)
    before = set(pyogrio.list_layers(city)[:, 0])
    result = _run_geolocate(demo_city_gpkg, f"ogr:dbname='{city}' table=\"placed\" (geom)")
    assert result["OUTPUT"] == f"{city}|layername=placed"
    assert set(pyogrio.list_layers(city)[:, 0]) == before | {"placed"}
    assert pyogrio.read_info(city, layer="placed")["features"] == result["ROWS_IN"]
    # placed again into the same layer: replaced, not appended
    again = _run_geolocate(demo_city_gpkg, f"ogr:dbname='{city}' table=\"placed\" (geom)")
    assert pyogrio.read_info(city, layer="placed")["features"] == again["ROWS_IN"]


def test_a_layers_own_ids_stay_its_feature_ids(tmp_path):
    """An integer ``fid`` column (a layer's own ids, with gaps) becomes the GeoPackage's feature ids,
    as QGIS's writer makes it, even when the rows come in several parts; the index follows them."""
    rng = np.random.default_rng(11)
    fids = np.sort(rng.choice(np.arange(1, 10_000), 3_000, replace=False))
    frame = gpd.GeoDataFrame(
        {"fid": fids, "name": [f"网格{i}" for i in fids]},
        geometry=shapely.points(rng.uniform(0, 1e4, len(fids)), rng.uniform(0, 1e4, len(fids))),
        crs="EPSG:4547",
    )
    assert _write(frame, tmp_path / "ids.gpkg", [1000, 1000]) == len(fids)
    back = pyogrio.read_dataframe(tmp_path / "ids.gpkg", fid_as_index=True)
    assert back.index.tolist() == fids.tolist() and back["name"].tolist() == frame["name"].tolist()
    assert gpkg_index.check(str(tmp_path / "ids.gpkg"), "rtree_t_geom") == "ok"
    np.testing.assert_array_equal(
        _cells(tmp_path / "ids.gpkg", "rtree_t_geom"), _gdal_index_of_copy(tmp_path / "ids.gpkg", tmp_path)
    )


def test_repeated_own_ids_are_refused_naming_the_row(tmp_path):
    frame = gpd.GeoDataFrame({"fid": [3, 4, 3]}, geometry=shapely.points([1, 2, 3], [1, 2, 3]), crs="EPSG:4547")
    with pytest.raises(QgsProcessingException, match="row 3, field fid: the feature id 3 is there twice"):
        _write(frame, tmp_path / "twice.gpkg", [])


# found by review (each failed before its fix) ------------------------------------------------------


def test_an_unquoted_table_name_adds_a_layer_and_keeps_the_file(demo_city_gpkg, tmp_path, gridgov_provider):
    city = tmp_path / "city.gpkg"
    shutil.copy(demo_city_gpkg, city)
    before = set(pyogrio.list_layers(city)[:, 0])
    _run_geolocate(demo_city_gpkg, f"ogr:dbname='{city}' table=placed (geom)")
    assert set(pyogrio.list_layers(city)[:, 0]) == before | {"placed"}


def test_replacing_a_layer_keeps_the_old_one_until_the_new_one_is_complete(demo_city_gpkg, tmp_path, gridgov_provider):
    from qgis.core import QgsProcessingFeedback as Feedback

    city = tmp_path / "city.gpkg"
    shutil.copy(demo_city_gpkg, city)
    first = _run_geolocate(demo_city_gpkg, f"ogr:dbname='{city}' table=\"placed\" (geom)")

    class CancelAtWriting(Feedback):
        def setProgress(self, progress):  # noqa: N802
            super().setProgress(progress)
            if progress > 50:
                self.cancel()

    with pytest.raises(QgsProcessingException, match="Cancelled"):
        processing.run(
            "gridgov:geolocate",
            {
                "INPUT": f"{demo_city_gpkg}|layername=orders",
                "GRIDS": f"{demo_city_gpkg}|layername=grids",
                "OUTPUT": f"ogr:dbname='{city}' table=\"placed\" (geom)",
            },
            feedback=CancelAtWriting(),
        )
    names = list(pyogrio.list_layers(city)[:, 0])
    assert "placed" in names and not any("partial" in n for n in names)
    assert pyogrio.read_info(city, layer="placed")["features"] == first["ROWS_OUT"]
    # the output is the very layer the run reads: read whole, then replaced
    again = processing.run(
        "gridgov:geolocate",
        {
            "INPUT": f"{city}|layername=placed",
            "GRIDS": f"{city}|layername=grids",
            "OUTPUT": f"ogr:dbname='{city}' table=\"placed\" (geom)",
        },
    )
    assert again["ROWS_OUT"] == first["ROWS_OUT"] == pyogrio.read_info(city, layer="placed")["features"]
    assert gpkg_index.check(str(city), "rtree_placed_geom") == "ok"


def test_z_coordinates_are_written_2d_as_the_layer_declares(tmp_path):
    frame = gpd.GeoDataFrame(
        {"k": [1]}, geometry=[shapely.Polygon([(0, 0, 5), (1, 0, 5), (1, 1, 5), (0, 0, 5)])], crs="EPSG:4547"
    )
    _write(frame, tmp_path / "z.gpkg", [])
    back = pyogrio.read_dataframe(tmp_path / "z.gpkg")
    assert not back.geometry.iloc[0].has_z and back.geometry.iloc[0].geom_type == "MultiPolygon"


def test_a_user_crs_reaches_gdal_as_wkt():
    from gridgov.layers.outputs.gdal_sink import gdal_crs

    local = QgsCoordinateReferenceSystem.fromProj(
        "+proj=tmerc +lat_0=0 +lon_0=114.1 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80"
    )
    assert local.isValid() and not local.authid().startswith("EPSG")
    assert gdal_crs(local).startswith(("PROJCRS", "PROJCS"))
    assert gdal_crs(CRS) == "EPSG:4547"


def test_a_negative_own_id_is_refused_naming_the_row(tmp_path):
    frame = gpd.GeoDataFrame({"fid": [3, -1]}, geometry=shapely.points([1, 2], [1, 2]), crs="EPSG:4547")
    with pytest.raises(QgsProcessingException, match="row 2, field fid"):
        _write(frame, tmp_path / "neg.gpkg", [])


def test_text_dtypes_are_checked_value_by_value(tmp_path):
    frame = gpd.GeoDataFrame(
        {"flag": pd.array(["false"], dtype="string"), "n": pd.array(["12"], dtype="string")},
        geometry=shapely.points([1], [1]),
        crs="EPSG:4547",
    )
    typed = fields_for(gpd.GeoDataFrame({"flag": [True], "n": [1]}, geometry=shapely.points([1], [1])))
    sink = GdalTableSink(BulkTarget(str(tmp_path / "s.gpkg"), "s", "", False, ""), typed, wkb_type_of(frame), CRS)
    with pytest.raises(QgsProcessingException, match="row 1, field flag"):
        sink.write(frame)
    sink = GdalTableSink(BulkTarget(str(tmp_path / "n.gpkg"), "n", "", False, ""), typed, wkb_type_of(frame), CRS)
    sink.write(frame.assign(flag=[True]))
    sink.finish()
    assert pyogrio.read_dataframe(tmp_path / "n.gpkg")["n"].tolist() == [12]


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 5e-324])),
            st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 5e-324])),
        ),
        max_size=40,
    )
)
def test_point_wkb_is_shapelys_wkb_and_bounds(xy):
    """Points carried as two columns (``point_columns``) become the bytes and bounds shapely gives,
    zeros, negative zero and subnormals included; a non-finite coordinate is no geometry."""
    from gridgov.layers.io.convert import points_array
    from gridgov.layers.outputs.point_columns import point_wkb

    x = np.array([p[0] for p in xy], dtype=float)
    y = np.array([p[1] for p in xy], dtype=float)
    wkb, bounds = point_wkb(x, y)
    points = points_array(x, y)
    expected = shapely.to_wkb(points, output_dimension=2)
    assert len(wkb) == len(xy)
    assert all(a == b for a, b in zip(wkb.tolist(), expected.tolist()))
    assert np.array_equal(bounds, shapely.bounds(points).reshape(-1, 4), equal_nan=True)


def test_points_carried_as_columns_write_the_same_table_and_index(tmp_path):
    """A frame carrying its points as x / y columns writes the table and spatial index a GeoDataFrame
    of the same points writes."""
    from gridgov.layers.outputs.point_columns import carry_points, materialised

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x": rng.uniform(0, 1e4, 3000), "y": rng.uniform(0, 1e4, 3000), "code": ["a"] * 3000})
    frame.loc[[5, 700], "x"] = np.nan
    carried = carry_points(frame, "x", "y", "EPSG:4547")
    geo = materialised(carried)
    assert isinstance(geo, gpd.GeoDataFrame) and geo.geometry.isna().sum() == 2
    sink = GdalTableSink(
        BulkTarget(str(tmp_path / "a.gpkg"), "t", "", False, ""), fields_for(frame), QgsWkbTypes.Type.Point, CRS
    )
    for start in range(0, 3000, 1100):
        sink.write(carried.iloc[start : start + 1100])
    assert sink.finish() == 3000
    assert _write(geo, tmp_path / "b.gpkg", [1100, 1100]) == 3000
    a, b = pyogrio.read_dataframe(tmp_path / "a.gpkg"), pyogrio.read_dataframe(tmp_path / "b.gpkg")
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry")))
    assert (a.geometry.isna() == b.geometry.isna()).all()
    assert a.geometry.dropna().geom_equals_exact(b.geometry.dropna(), 0).all()
    assert np.array_equal(_cells(tmp_path / "a.gpkg", "rtree_t_geom"), _cells(tmp_path / "b.gpkg", "rtree_t_geom"))
    assert gpkg_index.check(str(tmp_path / "a.gpkg"), "rtree_t_geom") == "ok"
