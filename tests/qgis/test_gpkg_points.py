"""Positions read straight from GeoPackage point blobs (``convert.gpkg_point_xy``), issue 24: the same
numbers GDAL reads, for every blob layout the specification allows, and GDAL's path for anything else.
"""

from __future__ import annotations

import sqlite3
import struct

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from qgis.core import QgsVectorLayer

from gridgov.layers import convert

COORD = st.floats(-1e7, 1e7, allow_nan=False)


def _blob(x: float, y: float, little: bool = True, envelope: int = 0, z: float | None = None, empty=False) -> bytes:
    """A GeoPackage geometry blob as the specification lays it out (§2.1.3)."""
    order = "<" if little else ">"
    flags = (1 if little else 0) | (envelope << 1) | (0x10 if empty else 0)
    header = b"GP" + bytes([0, flags]) + struct.pack(order + "i", 4547)
    sizes = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}
    header += struct.pack(order + "d" * sizes[envelope], *([x, x, y, y, 0, 0, 0, 0][: sizes[envelope]]))
    kind = 1001 if z is not None else 1
    wkb = bytes([1 if little else 0]) + struct.pack(order + "I", kind) + struct.pack(order + "dd", x, y)
    if z is not None:
        wkb += struct.pack(order + "d", z)
    return header + wkb


@settings(max_examples=200)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.tuples(COORD, COORD, st.booleans(), st.sampled_from([0, 1, 2, 3, 4]), st.none()),
        ),
        max_size=40,
    )
)
def test_every_blob_layout_gives_its_coordinates(points):
    blobs = [None if p is None else _blob(p[0], p[1], little=p[2], envelope=p[3], z=p[4]) for p in points]
    x, y = convert.gpkg_point_xy(blobs)
    for (px, py), p in zip(zip(x, y), points):
        if p is None:
            assert np.isnan(px) and np.isnan(py)
        else:
            assert (px, py) == (p[0], p[1])


def test_empty_points_are_no_position_and_other_geometries_go_to_gdal():
    x, y = convert.gpkg_point_xy([_blob(np.nan, np.nan, empty=True), _blob(1.0, 2.0)])
    assert np.isnan(x[0]) and (x[1], y[1]) == (1.0, 2.0)
    assert convert.gpkg_point_xy([_blob(1.0, 2.0), _blob(1.0, 2.0, z=3.0)]) is None  # a Z would be lost
    line = b"GP\x00\x01" + struct.pack("<i", 0) + shapely.to_wkb(shapely.LineString([(0, 0), (1, 1)]))
    assert convert.gpkg_point_xy([line]) is None
    assert convert.gpkg_point_xy([b"not a geopackage blob"]) is None


def test_layers_read_by_blobs_equal_gdals_reading(tmp_path):
    """A point layer with nulls, text and gaps in its ids: the frame read by the blob path is GDAL's;
    a layer of 3D points is GDAL's to read (its Z kept)."""
    rng = np.random.default_rng(5)
    n = 70_000  # more than one fid range
    geoms = np.asarray(shapely.points(rng.uniform(0, 1e5, n), rng.uniform(0, 1e5, n)))
    geoms[rng.random(n) < 0.05] = None
    frame = gpd.GeoDataFrame({"name": [f"订单{i}" for i in range(n)], "v": rng.random(n)}, geometry=geoms, crs=4547)
    pyogrio.write_dataframe(frame, tmp_path / "p.gpkg", layer="p")
    with sqlite3.connect(tmp_path / "p.gpkg") as db:  # gaps in the ids, as after deletions
        db.execute("DELETE FROM p WHERE fid % 7 = 0")
    layer = QgsVectorLayer(str(tmp_path / "p.gpkg"), "p", "ogr")
    original = convert._with_points
    for fields in (None, ["name"], []):
        used: list = []

        def counted(*args, used=used, **kwargs):
            used.append(original(*args, **kwargs))
            return used[-1]

        convert._with_points = counted
        try:
            fast = convert.ogr_file_frame(layer, fields)
        finally:
            convert._with_points = original
        assert used and all(part is not None for part in used)  # the blob path read every part
        convert._with_points = lambda *a, **k: None
        try:
            slow = convert.ogr_file_frame(layer, fields)
        finally:
            convert._with_points = original
        assert list(fast.columns) == list(slow.columns) and len(fast) == len(slow) == layer.featureCount()
        for column in fast.columns:
            if column == fast.geometry.name:
                a, b = fast.geometry.to_numpy(), slow.geometry.to_numpy()
                assert (shapely.is_missing(a) == shapely.is_missing(b)).all()
                have = ~shapely.is_missing(a)
                np.testing.assert_array_equal(shapely.get_coordinates(a[have]), shapely.get_coordinates(b[have]))
            else:
                assert fast[column].tolist() == slow[column].tolist(), column
    pyogrio.write_dataframe(
        gpd.GeoDataFrame(geometry=shapely.points([1.0], [2.0], [3.0]), crs=4547), tmp_path / "z.gpkg", layer="z"
    )
    read = convert.ogr_file_frame(QgsVectorLayer(str(tmp_path / "z.gpkg"), "z", "ogr"), [])
    assert read.geometry.iloc[0].has_z and read.geometry.iloc[0].z == 3.0


def test_positions_only_reads_numbers_and_makes_no_geometry(tmp_path):
    """A step that needs positions only (heatmap, counts, geolocate) gets the numbers, no objects, and
    the same positions as the geometry gives; a layer the blobs cannot serve keeps its geometry."""
    from gridgov.layers.orders_input import frame_xy, point_xy

    rng = np.random.default_rng(8)
    n = 40_000
    geoms = np.asarray(shapely.points(rng.uniform(0, 1e5, n), rng.uniform(0, 1e5, n)))
    geoms[::9] = None
    pyogrio.write_dataframe(gpd.GeoDataFrame({"k": np.arange(n)}, geometry=geoms, crs=4547), tmp_path / "p.gpkg")
    layer = QgsVectorLayer(str(tmp_path / "p.gpkg"), "p", "ogr")
    fast = convert.ogr_file_frame(layer, [], with_geometry=convert.POSITIONS)
    assert fast.geometry.isna().all() and {convert.POS_X, convert.POS_Y} <= set(fast.columns)
    whole = convert.ogr_file_frame(layer, [])
    np.testing.assert_array_equal(frame_xy(fast), point_xy(whole.geometry.values))
    polygons = gpd.GeoDataFrame(geometry=shapely.buffer(shapely.points([1.0], [2.0]), 1), crs=4547)
    pyogrio.write_dataframe(polygons, tmp_path / "a.gpkg")
    other = convert.ogr_file_frame(
        QgsVectorLayer(str(tmp_path / "a.gpkg"), "a", "ogr"), [], with_geometry=convert.POSITIONS
    )
    assert convert.POS_X not in other.columns and other.geometry.iloc[0].geom_type == "Polygon"


def test_a_short_empty_blob_at_the_end_is_read_safely():
    empty_header_only = b"GP\x00\x11" + struct.pack("<i", 4547)  # empty flag, no WKB at all
    x, y = convert.gpkg_point_xy([_blob(1.0, 2.0), empty_header_only])
    assert (x[0], y[0]) == (1.0, 2.0) and np.isnan(x[1])
