"""Positions read straight from GeoPackage point blobs (``convert.gpkg_point_xy``), issue 24: the same
numbers GDAL reads, for every blob layout the specification allows, and GDAL's path for anything else.
"""

from __future__ import annotations

import sqlite3
import struct

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from qgis.core import QgsVectorLayer

from gridgov.layers.io import convert

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
    from gridgov.layers.io.orders_input import frame_xy, point_xy

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


# one layout for every blob (the usual case, read as one byte matrix) and any mix of layouts (blob by blob)

#: little endian, envelope kind, a Z, empty
LAYOUT = st.tuples(st.booleans(), st.sampled_from([0, 1, 2, 3, 4]), st.booleans(), st.booleans())


def _layout_blob(x: float, y: float, layout: tuple, header: bool = True) -> bytes:
    little, envelope, z, empty = layout
    if empty:
        x = y = float("nan")
    blob = _blob(x, y, little=little, envelope=envelope, z=1.5 if z else None, empty=empty)
    return blob if header else blob[8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[envelope] :]


@settings(max_examples=300)
@given(
    st.lists(st.tuples(COORD, COORD, st.booleans()), max_size=30),  # x, y, NULL
    LAYOUT,
    st.lists(LAYOUT, min_size=1, max_size=4),
    st.booleans(),  # one layout for all, or a mix
    st.booleans(),  # GeoPackage blobs, or the WKB alone (GDAL's Arrow stream)
)
def test_one_layout_or_a_mix_read_alike(rows, layout, mix, uniform, header):
    """Blobs of one size take the byte-matrix path, any other list the blob-by-blob one: both give
    every coordinate exactly (NaN for NULL and empty points) and refuse a Z, whatever the byte
    order, envelope or header; a fixed-size binary array (GDAL's Arrow batches) reads the same."""
    layouts = [layout if uniform else mix[i % len(mix)] for i in range(len(rows))]
    blobs = [None if null else _layout_blob(x, y, lay, header) for (x, y, null), lay in zip(rows, layouts)]
    read = convert.gpkg_point_xy(blobs, header=header)
    general = convert._any_point_xy(blobs, header)
    # a Z is refused; an empty point's header says it is empty, whatever its WKB (the WKB alone cannot)
    z = any(lay[2] and not (lay[3] and header) for (_, _, null), lay in zip(rows, layouts) if not null)
    if z:
        assert read is None and general is None
        return
    assert read is not None and general is not None
    for got in (read, general):
        for (px, py), (x, y, null), lay in zip(zip(*got), rows, layouts):
            if null or lay[3]:
                assert np.isnan(px) and np.isnan(py)
            else:
                assert (px, py) == (x, y)
    sizes = {len(b) for b in blobs if b is not None}
    if len(sizes) == 1 and None not in blobs:
        fixed = np.frombuffer(b"".join(blobs), dtype=f"V{sizes.pop()}")
        as_array = convert.gpkg_point_xy(fixed, header=header)
        np.testing.assert_array_equal(as_array[0], read[0])
        np.testing.assert_array_equal(as_array[1], read[1])


def test_one_layout_refuses_what_is_not_a_geopackage_point():
    """The byte-matrix path checks what the blob-by-blob one checks: the magic, the envelope's kind,
    the WKB's byte order and type."""
    good = [_blob(1.0, 2.0), _blob(3.0, 4.0)]
    assert convert.gpkg_point_xy(good) is not None
    bad_magic = [good[0], b"GQ" + good[1][2:]]
    assert convert.gpkg_point_xy(bad_magic) is None
    bad_envelope = [bytes([*b[:3], b[3] | 0b1010]) + b[4:] for b in good]  # kind 5: not in the specification
    assert convert.gpkg_point_xy(bad_envelope) is None
    line = shapely.to_wkb(shapely.LineString([(0, 0), (1, 1)]))[:21]  # a 21-byte WKB of another type
    assert convert.gpkg_point_xy([line, line], header=False) is None
    assert convert.gpkg_point_xy([b"\x07" + good[0][9:], b"\x07" + good[1][9:]], header=False) is None
    # GDAL's fixed-size arrays that are not one layout go blob by blob too
    both_orders = _layout_blob(1.0, 2.0, (True, 0, False, False), False) + _layout_blob(
        3.0, 4.0, (False, 0, False, False), False
    )
    x, y = convert.gpkg_point_xy(np.frombuffer(both_orders, dtype="V21"), header=False)
    assert x.tolist() == [1.0, 3.0] and y.tolist() == [2.0, 4.0]
    with_z = b"".join(_layout_blob(1.0, 2.0, (True, 0, True, False), False) for _ in range(3))
    assert convert.gpkg_point_xy(np.frombuffer(with_z, dtype="V29"), header=False) is None


def _odd_layer(path, n: int = 5_000, gaps: bool = True, header_only: bool = False) -> QgsVectorLayer:
    """A point layer of every blob layout GDAL and the specification allow: NULLs, empty points, big
    endian with envelopes; ``gaps``: ids with gaps, as after deletions; ``header_only``: empty points
    that are a header alone (the specification allows them; GDAL's feature reader refuses them)."""
    rng = np.random.default_rng(3)
    geoms = np.asarray(shapely.points(rng.uniform(0, 1e5, n), rng.uniform(0, 1e5, n)))
    geoms[::13] = None
    pyogrio.write_dataframe(gpd.GeoDataFrame({"k": np.arange(n)}, geometry=geoms, crs=4547), path, layer="p")
    with sqlite3.connect(path) as db:
        for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            if trigger.startswith("rtree_"):
                db.execute(f'DROP TRIGGER "{trigger}"')  # they call GDAL's SQL functions (the count's stay)
        if gaps:
            db.execute("DELETE FROM p WHERE fid % 11 = 0")
        changes = [(_blob(1e5 + f, 2e5 + f, little=False, envelope=f % 5), f) for f in range(3, n, 17)]
        changes += [(_blob(np.nan, np.nan, empty=True), f) for f in range(5, n, 29)]
        if header_only:
            changes += [(b"GP\x00\x11" + struct.pack("<i", 4547), f) for f in range(7, n, 31)]
        db.executemany("UPDATE p SET geom = ? WHERE fid = ?", changes)
    return QgsVectorLayer(f"{path}|layername=p", "p", "ogr")


def _same_rows(a, b) -> None:
    for one, other in zip(a, b):
        np.testing.assert_array_equal(one, other)


def test_arrow_stream_reads_what_sqlite_reads_and_only_where_safe(tmp_path, monkeypatch):
    """GDAL's Arrow stream gives the ids and positions the SQLite cursor gives, for every layout; it is
    used only on ids 1 … n matching GDAL's kept count (GDAL's direct way, no worker thread), so ids
    with gaps, a stale count or a Z blob leave it to SQLite (and a Z to GDAL)."""
    from osgeo import ogr

    monkeypatch.setattr(convert, "READ_PART", 700)  # several Arrow batches
    points = ("p", "fid", "geom")
    path = str(tmp_path / "whole.gpkg")
    layer = _odd_layer(path, gaps=False, header_only=True)
    cursor = convert._point_rows(path, points, None)
    assert len(cursor[0]) == layer.featureCount() == 5_000 and np.isnan(cursor[1]).sum() > 385
    streamed = convert._arrow_table_points(path, points)
    if hasattr(ogr.Layer, "GetArrowStreamAsNumPy"):  # GDAL ≥ 3.6 (older: SQLite reads, as below)
        _same_rows(streamed, cursor)
    else:
        assert streamed is None
    _same_rows(cursor, _rows(path, 0, 10**9))

    gaps = str(tmp_path / "gaps.gpkg")
    _odd_layer(gaps, gaps=True, header_only=True)
    assert convert._arrow_table_points(gaps, points) is None  # GDAL would fill from its worker thread
    with sqlite3.connect(gaps) as db:  # a stale count (rows deleted behind GDAL's back): GDAL 3.6 repeats rows
        db.execute("UPDATE gpkg_ogr_contents SET feature_count = (SELECT MAX(fid) FROM p)")
    assert convert._arrow_table_points(gaps, points) is None
    _same_rows(convert._point_rows(gaps, points, '"fid" > 700 AND "fid" <= 1400'), _rows(gaps, 700, 1400))
    with sqlite3.connect(path) as db:  # no count kept (a GeoPackage not written by GDAL): GDAL's worker again
        db.execute("DELETE FROM gpkg_ogr_contents")
    assert convert._arrow_table_points(path, points) is None
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES ('p', 5000)")
    assert convert._arrow_table_points(path, points) is not None or not hasattr(ogr.Layer, "GetArrowStreamAsNumPy")

    with sqlite3.connect(path) as db:
        db.execute("UPDATE p SET geom = ? WHERE fid = 1000", (_blob(1.0, 2.0, z=3.0),))
    assert convert._arrow_table_points(path, points) is None
    assert convert._point_rows(path, points, None) is None


def _rows(path: str, low: int, high: int):
    """The oracle: ids and positions by struct, blob by blob (NaN for NULL and empty points)."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT fid, geom FROM p WHERE fid > ? AND fid <= ? ORDER BY fid", (low, high)).fetchall()
    xs, ys = [], []
    for _, blob in rows:
        if blob is None or blob[3] & 0x10:
            xs.append(np.nan), ys.append(np.nan)
            continue
        start = 8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 7]
        order = "<" if blob[start] == 1 else ">"
        x, y = struct.unpack(order + "dd", blob[start + 5 : start + 21])
        xs.append(x), ys.append(y)
    return np.array([r[0] for r in rows]), np.array(xs), np.array(ys)


@pytest.mark.parametrize("gaps", [False, True])
@pytest.mark.parametrize("rows", [None, 2_000])
def test_positions_alone_come_in_one_read_a_part(tmp_path, monkeypatch, rows, gaps):
    """Positions only: one blob read a part (not one a fid range), the same numbers, with GDAL's Arrow
    stream or without; a part with a blob GDAL must read (a Z) comes back with geometries throughout,
    never rows without a position."""
    from gridgov.layers.io.orders_input import frame_xy

    path = str(tmp_path / "odd.gpkg")
    layer = _odd_layer(path, gaps=gaps)
    monkeypatch.setattr(convert, "READ_PART", 500)
    calls = []
    real = convert._with_points

    def counted(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(convert, "_with_points", counted)

    def read() -> list:
        if rows is None:
            return [convert.ogr_file_frame(layer, [], with_geometry=convert.POSITIONS)]
        return list(convert.ogr_file_parts(layer, rows, [], with_geometry=convert.POSITIONS))

    parts = read()
    assert len(calls) == len(parts) and all(convert.POS_X in p.columns for p in parts)
    if rows is not None:
        assert len(parts) > 1 and all(len(p) <= rows for p in parts)
    fast = np.vstack([frame_xy(p) for p in parts])
    fids = np.concatenate([p["_fid"].to_numpy() for p in parts])
    _same_rows((fids, fast[:, 0], fast[:, 1]), _rows(path, 0, 10**9))
    monkeypatch.setattr(convert, "_with_points", lambda *a, **k: None)
    slow = np.vstack([frame_xy(p) for p in read()])
    np.testing.assert_array_equal(fast, slow)

    monkeypatch.setattr(convert, "_with_points", counted)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE p SET geom = ? WHERE fid = 1002", (_blob(7.0, 8.0, z=3.0),))
    mixed = read()
    xy = np.vstack([frame_xy(p) for p in mixed])
    fids = np.concatenate([p["_fid"].to_numpy() for p in mixed])
    assert xy[fids == 1002].tolist() == [[7.0, 8.0]]
    np.testing.assert_array_equal(xy[fids != 1002], fast[fids != 1002])


def test_attributes_with_positions_read_whole_or_range_by_range(tmp_path, monkeypatch):
    """With attributes, each fid range takes its positions from the table's read whole (Arrow) or reads
    them itself (SQLite): the same frame. In parts, a table above WHOLE_POSITIONS rows is never read
    whole (memory stays one part's)."""
    from gridgov.layers.io.orders_input import frame_xy

    path = str(tmp_path / "p.gpkg")
    layer = _odd_layer(path, gaps=False)
    monkeypatch.setattr(convert, "READ_PART", 500)
    monkeypatch.setattr(convert, "WHOLE_POSITIONS", 1_000)
    calls = []
    real = convert._arrow_table_points

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(convert, "_arrow_table_points", counted)
    parts = list(convert.ogr_file_parts(layer, 2_000, ["k"], with_geometry=convert.POSITIONS))
    assert not calls and len(parts) > 1
    whole = convert.ogr_file_frame(layer, ["k"], with_geometry=convert.POSITIONS)
    assert len(calls) == 1
    joined = pd.concat(parts, ignore_index=True)
    assert joined["k"].tolist() == whole["k"].tolist() and len(whole) == layer.featureCount()
    np.testing.assert_array_equal(frame_xy(joined), frame_xy(whole))
