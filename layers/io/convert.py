"""Layer ⇄ engine: QGIS feature sources to GeoDataFrames and GeoDataFrames to feature sinks.

The engine works on arrays; QGIS on features. Geometries cross as WKB in one vectorised call
(``shapely.from_wkb`` / ``to_wkb``), attributes as plain Python values. Row order is kept and the
source feature id travels along as ``_fid`` so results can be joined back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QMetaType, QTime, QVariant

FID = "_fid"
#: ``with_geometry=POSITIONS``: the caller needs the points' positions only. A 2D GeoPackage point
#: layer then comes with x and y in the columns POS_X / POS_Y and no geometry objects (a million
#: shapely points cost about 0.4 s to make); any other layer comes with its geometry as usual.
POSITIONS = "positions"
POS_X, POS_Y = "_gridgov_x", "_gridgov_y"


def crs_is_unknown(crs) -> bool:
    """No CRS at all, or GDAL's stand-in for none ("Undefined geographic SRS" of a GeoPackage whose
    table has srs_id 0, "Undefined Cartesian SRS" for -1)."""
    if crs is None or not crs.isValid():
        return True
    if crs.authid():
        return False
    text = f"{crs.description()} {crs.toWkt()[:200]}".lower()
    return "undefined geographic srs" in text or "undefined cartesian srs" in text


def crs_string(crs: QgsCoordinateReferenceSystem) -> str | None:
    """What pyproj understands: the authority id where there is one, else WKT; None for no CRS."""
    if crs_is_unknown(crs):
        return None
    return crs.authid() or crs.toWkt()


def _python_value(value):
    if value is None or (isinstance(value, QVariant) and value.isNull()):
        return None
    if isinstance(value, QDateTime):
        return value.toPyDateTime() if value.isValid() else None
    if isinstance(value, QDate):
        return value.toPyDate() if value.isValid() else None
    if isinstance(value, QTime):
        return value.toPyTime() if value.isValid() else None
    if isinstance(value, QVariant):
        return value.value()
    return value


def frame_names(names: list[str]) -> list[str]:
    """The frame's column names for fields ``names``: a field called ``geometry`` or ``_fid`` (the
    frame's own columns) is kept as ``geometry_src`` / ``_fid_src`` rather than overwritten."""
    from gridgov.layers.io.columns import source_renames

    renames = source_renames(names, (), reserved=("geometry", FID), dedupe=False)
    return [renames.get(n, n) for n in names]


def source_parts(
    source,
    rows: int,
    fields: list[str] | None = None,
    feedback=None,
    request: QgsFeatureRequest | None = None,
    with_geometry: bool = True,
) -> Iterator[gpd.GeoDataFrame]:
    """A QgsFeatureSource (or layer) as GeoDataFrames of at most ``rows`` features, in source order.

    One feature iterator reads them all, so only one part is held at a time: a million orders pulled
    from a database never sit in memory whole. There is always at least one (maybe empty) part, so a
    caller sees the columns. Null or empty geometries become None (the engine reports them).
    """
    names = [f.name() for f in source.fields()] if fields is None else list(fields)
    index = [source.fields().lookupField(n) for n in names]
    if any(i < 0 for i in index):
        missing = [n for n, i in zip(names, index) if i < 0]
        raise KeyError(f"missing field(s): {', '.join(missing)}")
    req = request or QgsFeatureRequest()
    if not with_geometry:
        req.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    crs = crs_string(source.sourceCrs()) if hasattr(source, "sourceCrs") else None
    total = source.featureCount()  # -1 where the provider does not know yet
    rows = max(1, int(rows))
    whole = 0 < total <= rows  # read in parts, the caller reports progress over its own work

    keys = frame_names(names)

    def part(fids, wkbs, columns) -> gpd.GeoDataFrame:
        data = {name: col for name, col in zip(keys, columns)}
        data[FID] = fids
        geometry = shapely.from_wkb(np.asarray(wkbs, dtype=object)) if with_geometry else [None] * len(fids)
        return gpd.GeoDataFrame(data, geometry=geometry, crs=crs)

    fids, wkbs, columns = [], [], [[] for _ in names]
    yielded = False
    for n, feature in enumerate(source.getFeatures(req)):
        if feedback is not None and n % 5000 == 0:
            if feedback.isCanceled():
                break
            if whole:
                feedback.setProgress(100.0 * n / total)
        fids.append(feature.id())
        attrs = feature.attributes()
        for col, i in zip(columns, index):
            col.append(_python_value(attrs[i]))
        if with_geometry:
            geom = feature.geometry()
            wkbs.append(None if geom is None or geom.isNull() or geom.isEmpty() else bytes(geom.asWkb()))
        if len(fids) >= rows:
            yield part(fids, wkbs, columns)
            yielded = True
            fids, wkbs, columns = [], [], [[] for _ in names]
    if fids or not yielded:
        yield part(fids, wkbs, columns)


def source_to_gdf(
    source,
    fields: list[str] | None = None,
    feedback=None,
    request: QgsFeatureRequest | None = None,
    with_geometry: bool = True,
) -> gpd.GeoDataFrame:
    """Read a QgsFeatureSource (or layer) whole into a GeoDataFrame in the source's CRS."""
    parts = list(source_parts(source, 2**62, fields, feedback, request, with_geometry))
    return parts[0]


#: File formats whose text is always UTF-8, so GDAL reads them exactly as QGIS shows them.
UTF8_FORMATS = (".gpkg", ".geojson", ".json", ".fgb", ".sqlite")


#: Features read per call from a GeoPackage. GDAL's read holds Python's lock, and a dock run reads in
#: the background: at 30,000 features a call the QGIS window never waits more than about 0.2 s.
READ_PART = 30_000


def read_only(path: str):
    """An SQLite connection to ``path`` that cannot write (``query_only``). Opened by path, not by a
    ``file:`` URI: SQLite refuses the server of a Windows network path (``\\\\server\\share``) in one."""
    import sqlite3

    connection = sqlite3.connect(str(path))
    connection.execute("PRAGMA query_only = 1")
    return connection


def _fid_ranges(path: str, table: str, fid: str, step: int) -> list[tuple[int, int]] | None:
    """(low, high] fid ranges of ``step`` ids covering a GeoPackage table; None when it is empty."""

    with contextlib.closing(read_only(path)) as db:
        low, high = _fid_span(db, table, fid)
    if low is None:
        return None
    return [(start, start + step) for start in range(int(low) - 1, int(high), step)]


def _fid_span(db, table: str, fid: str) -> tuple[int | None, int | None]:
    """The smallest and largest id of a table, each from the id index. One ``SELECT MIN(id), MAX(id)``
    would scan the whole table (SQLite looks the extreme up only for a lone MIN or MAX): 70 ms a
    million rows instead of 0.1 ms."""
    table, fid = table.replace('"', '""'), fid.replace('"', '""')
    return db.execute(f'SELECT (SELECT MIN("{fid}") FROM "{table}"), (SELECT MAX("{fid}") FROM "{table}")').fetchone()


def _fid_between(fid: str, low: int, high: int) -> str:
    """The indexed filter ``low < fid <= high`` (SQLite's and OGR's syntax alike)."""
    quoted = fid.replace('"', '""')
    return f'"{quoted}" > {int(low)} AND "{quoted}" <= {int(high)}'


def _read_range(pyogrio, path: str, fid: str, low: int, high: int, **whole) -> pd.DataFrame:
    """The rows ``low < fid <= high`` of a GeoPackage layer as pyogrio reads them; a point layer's
    positions from the blobs (:func:`_with_points`) when ``whole`` names its ``points`` (taken from
    ``known``, the table's positions read whole, when given)."""
    where = _fid_between(fid, low, high)
    points = whole.pop("points", None)
    positions = whole.pop("positions", False)
    known = whole.pop("known", None)
    if points is not None and whole.get("read_geometry", True):
        read = None if known is None else _rows_between(known, low, high)
        frame = _with_points(pyogrio, path, where, points, whole, positions, read)
        if frame is not None:
            return frame
    return pyogrio.read_dataframe(path, where=where, **whole)


#: GeoPackage point geometry types whose blobs :func:`gpkg_point_xy` reads: 2D points only (a Z or M
#: would be lost on the way; GDAL reads those).
_GPKG_POINT_TYPES = {"Point"}
#: Bytes of a GeoPackage header's envelope by its kind (flag bits 1-3): none, xy, xyz, xym, xyzm; 5-7 are
#: not in the specification.
_ENVELOPE_BYTES = np.array([0, 32, 48, 48, 64, -1, -1, -1])
#: A 2D point's WKB: byte order (1 byte), type 1 (4 bytes in that order), x and y (8 bytes each).
_WKB_POINT_BYTES = 21


def gpkg_point_xy(blobs, header: bool = True) -> tuple[np.ndarray, np.ndarray] | None:
    """x and y of GeoPackage point blobs, vectorised (NaN for none or an empty point), or None when a
    blob is not a plain 2D point (then GDAL reads the layer).

    GeoPackage's geometry blob (spec §2.1.3) is a header (``GP``, version, flags: bit 0 the header's
    byte order, bits 1-3 the envelope's kind, bit 4 empty) then ISO WKB. Turning a million WKB
    points into shapely objects costs GDAL's read plus ``from_wkb`` about 3 s; reading x and y
    straight from the blobs takes a tenth of that, and a heatmap or a count needs nothing else.
    ``header=False``: the blobs are the WKB alone (GDAL's Arrow stream gives them so), where an empty
    point is NaN, NaN.

    ``blobs``: bytes or None each (a list or an object array), or a fixed-size binary array (numpy ``V``
    dtype), which GDAL's Arrow stream gives for a batch without NULLs whose blobs all have one size.
    A writer lays every point out alike (one byte order, one envelope kind), so nearly always every blob
    has one size; then the blobs are rows of one byte matrix and x and y two strided views of it (a
    million blobs in 0.1 s from a list, 0.015 s from GDAL's arrays; finding each blob's fields takes
    0.3 s). Anything else (NULLs, mixed layouts, empty points) goes the general way, blob by blob.
    Both check the same: the ``GP`` magic, the envelope's kind, the empty flag, the WKB's byte order and
    its type (a 2D point).
    """
    n = len(blobs)
    if n == 0:
        return np.empty(0), np.empty(0)
    if isinstance(blobs, np.ndarray) and blobs.dtype.kind == "V":
        matrix = np.ascontiguousarray(blobs).view(np.uint8).reshape(n, blobs.dtype.itemsize)
        fixed = _fixed_point_xy(matrix, header)
        if fixed is not None:
            return fixed
        blobs = [bytes(b) for b in blobs]
    try:
        sizes = np.fromiter(map(len, blobs), dtype=np.int64, count=n)
    except TypeError:  # a NULL geometry
        sizes = None
    if sizes is not None and sizes.min() == sizes.max():
        fixed = _fixed_point_xy(np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(n, int(sizes[0])), header)
        if fixed is not None:
            return fixed
    return _any_point_xy(blobs, header)


def _fixed_point_xy(matrix: np.ndarray, header: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """x and y of blobs of one size, one per row of the byte ``matrix``, when they share one layout:
    the same header flags (not empty), the same WKB byte order, every one a 2D point. None when not:
    the general path then decides, blob by blob."""
    rows, size = matrix.shape
    offset = 0
    if header:
        if size < 8:
            return None
        flags = matrix[:, 3]
        if not ((matrix[:, 0] == 0x47).all() and (matrix[:, 1] == 0x50).all() and (flags == flags[0]).all()):
            return None
        envelope = int(_ENVELOPE_BYTES[(int(flags[0]) >> 1) & 7])
        if envelope < 0 or flags[0] & 0x10:
            return None
        offset = 8 + envelope
    if size != offset + _WKB_POINT_BYTES:
        return None
    order = matrix[:, offset]
    if int(order[0]) not in (0, 1) or not (order == order[0]).all():
        return None
    little = int(order[0]) == 1
    point = np.frombuffer((1).to_bytes(4, "little" if little else "big"), dtype=np.uint8)
    if not (matrix[:, offset + 1 : offset + 5] == point).all():
        return None
    matrix = np.ascontiguousarray(matrix)
    kind = np.dtype("<f8" if little else ">f8")

    def coordinate(at: int) -> np.ndarray:  # every row's 8 bytes at ``at``, in place, then native and aligned
        view = np.ndarray((rows,), dtype=kind, buffer=matrix, offset=at, strides=(size,))
        return view.astype(np.float64)

    return coordinate(offset + 5), coordinate(offset + 13)


def _any_point_xy(blobs, header: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`gpkg_point_xy` blob by blob (vectorised over their offsets): NULLs, layouts of any mix."""
    n = len(blobs)
    x, y = np.full(n, np.nan), np.full(n, np.nan)
    present = np.fromiter((b is not None for b in blobs), dtype=bool, count=n)
    if not present.any():
        return x, y
    chunks = [b for b in blobs if b is not None]
    sizes = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks))
    buffer = np.frombuffer(b"".join(chunks) + bytes(32), dtype=np.uint8)  # padded: a short last blob is read safely
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    if header:
        if (sizes < 8).any():
            return None
        if (buffer[starts] != 0x47).any() or (buffer[starts + 1] != 0x50).any():
            return None
        flags = buffer[starts + 3]
        envelope = _ENVELOPE_BYTES[(flags >> 1) & 7]
        if (envelope < 0).any():
            return None
        wkb = starts + 8 + envelope
        empty = (flags & 0x10) > 0
    else:
        wkb, empty = starts, np.zeros(len(chunks), dtype=bool)
    short = sizes < (wkb - starts) + _WKB_POINT_BYTES
    if (short & ~empty).any():
        return None
    ok = ~short
    wkb = np.where(ok, wkb, starts)
    little = buffer[wkb] == 1
    kind_bytes = buffer[wkb[:, None] + 1 + np.arange(4)]
    kind = np.where(little, kind_bytes.copy().view("<u4").ravel(), kind_bytes.copy().view(">u4").ravel())
    if (kind[ok & ~empty] != 1).any():  # 2D points only
        return None

    def coordinate(offset: int) -> np.ndarray:
        raw = buffer[wkb[:, None] + offset + np.arange(8)].copy()
        return np.where(little, raw.view("<f8").ravel(), raw.view(">f8").ravel())

    where = np.flatnonzero(present)
    good = ok & ~empty
    x[where[good]] = coordinate(5)[good]
    y[where[good]] = coordinate(13)[good]
    return x, y


#: Points: ids (ascending), x and y of rows of a point table.
PointRows = tuple[np.ndarray, np.ndarray, np.ndarray]


def _arrow_table_points(path: str, points: tuple[str, str, str]) -> PointRows | None:
    """ids, x and y of every row of a GeoPackage point table ``points`` (table, fid column, geometry
    column) through GDAL's Arrow stream; None wherever that is not both safe and certainly right (the
    blobs are then read with SQLite, range by range).

    Why: an SQLite cursor makes three Python objects a row (a tuple, an id, a blob), 0.4 s for a
    million points before one is read; GDAL's Arrow stream (GDAL ≥ 3.6, no pyarrow needed) reads the
    table in C++ and hands over arrays, READ_PART rows a batch (Python's lock is free between them):
    the million in 0.1 s.

    When: GDAL streams a GeoPackage table two ways. With an attribute filter, or ids with gaps, a
    worker thread fills the batches, and GDAL before 3.11.4 can corrupt memory there (GDAL issue 12934;
    the GDAL 3.10 of QGIS 3.40 aborted within a few reads of a stress test). Without a filter, on ids
    exactly 1 … n where n is the count GDAL keeps in ``gpkg_ogr_contents``, it reads id ranges
    straight (150 reads in a row ran clean on GDAL 3.6 and 3.10): only that way is used, so those
    conditions are checked first; and the ids read back must be 1 … n exactly (with a stale count
    GDAL 3.6 repeats rows). Attribute columns are left out (ignored fields).
    """
    table, fid, geometry = points
    try:
        from osgeo import gdal, ogr
    except ImportError:
        return None
    if not hasattr(ogr.Layer, "GetArrowStreamAsNumPy"):
        return None
    try:
        with contextlib.closing(read_only(path)) as db:
            low, high = _fid_span(db, table, fid)
            kept = db.execute(
                "SELECT feature_count FROM gpkg_ogr_contents WHERE lower(table_name) = lower(?)", (table,)
            ).fetchall()
    except Exception:  # no gpkg_ogr_contents (a GeoPackage not written by GDAL): GDAL would use the worker
        return None
    if low != 1 or len(kept) != 1 or kept[0][0] is None or int(kept[0][0]) != high:
        return None
    count = int(high)
    fids, xs, ys = [], [], []
    try:
        dataset = gdal.OpenEx(str(path), gdal.OF_VECTOR | gdal.OF_READONLY)
        layer = None if dataset is None else dataset.GetLayerByName(table)
        if layer is None or layer.GetFIDColumn() != fid or layer.GetGeometryColumn() != geometry:
            return None
        definition = layer.GetLayerDefn()
        layer.SetIgnoredFields([definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())])
        options = ["USE_MASKED_ARRAYS=NO", f"MAX_FEATURES_IN_BATCH={max(int(READ_PART), 1000)}"]
        for batch in layer.GetArrowStreamAsNumPy(options=options):
            xy = gpkg_point_xy(batch[geometry], header=False)
            if xy is None:
                return None  # not plain 2D points: SQLite finds which range, and GDAL reads that one
            fids.append(np.array(batch[fid], dtype=np.int64))
            xs.append(xy[0])
            ys.append(xy[1])
        del layer, dataset
    except Exception:  # any failure of the stream: SQLite reads the blobs instead
        return None
    ids = np.concatenate(fids) if fids else np.empty(0, dtype=np.int64)
    if len(ids) != count or not np.array_equal(ids, np.arange(1, count + 1)):
        return None
    return ids, np.concatenate(xs), np.concatenate(ys)


def _point_rows(path: str, points: tuple[str, str, str], where: str | None) -> PointRows | None:
    """ids (ascending), x and y of the rows ``where`` (None: all) of a GeoPackage point table ``points``
    (table, fid column, geometry column), from its blobs through SQLite, READ_PART rows at a time (the
    lock is free between them); None when a blob is not a plain 2D point."""
    table, fid, geometry = (name.replace('"', '""') for name in points)
    sql = f'SELECT "{fid}", "{geometry}" FROM "{table}"' + (f" WHERE {where}" if where else "") + f' ORDER BY "{fid}"'
    fids, xs, ys = [np.empty(0, dtype=np.int64)], [np.empty(0)], [np.empty(0)]
    with contextlib.closing(read_only(path)) as db:
        cursor = db.execute(sql)
        while True:
            rows = cursor.fetchmany(max(int(READ_PART), 1))
            if not rows:
                break
            xy = gpkg_point_xy([r[1] for r in rows])
            if xy is None:
                return None
            fids.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
            xs.append(xy[0])
            ys.append(xy[1])
    return np.concatenate(fids), np.concatenate(xs), np.concatenate(ys)


def _rows_between(known: PointRows, low: int, high: int) -> PointRows:
    """The rows ``low < id <= high`` of positions read whole (ids ascending)."""
    first, last = np.searchsorted(known[0], [low, high], side="right")
    return known[0][first:last], known[1][first:last], known[2][first:last]


def _with_points(
    pyogrio,
    path: str,
    where: str | None,
    points: tuple[str, str, str],
    whole: dict,
    positions=False,
    read: PointRows | None = None,
):
    """A point layer's part: attributes by GDAL without geometry, positions from the blobs (None:
    not plain points, read by GDAL as usual); with ``positions`` the positions stay numbers
    (columns POS_X, POS_Y, no geometry objects). ``read``: the part's positions when they are known
    already (read whole by :func:`_arrow_table_points`), else they are read here."""
    read = _point_rows(path, points, where) if read is None else read
    if read is None:
        return None
    fids, x, y = read
    if whole.get("columns") is not None and not list(whole["columns"]):  # positions only: GDAL not needed
        frame = pd.DataFrame(index=pd.Index(fids, name=points[1]))
    else:
        frame = pyogrio.read_dataframe(path, where=where, **{**whole, "read_geometry": False})
        if len(frame) != len(fids) or not np.array_equal(frame.index.to_numpy(), fids):
            return None
    if positions and POS_X not in frame.columns and POS_Y not in frame.columns:
        frame[POS_X], frame[POS_Y] = x, y
        geometry = np.full(len(frame), None, dtype=object)
    else:
        geometry = points_array(x, y)
    # copy=False: geopandas copies a DataFrame it is given, and the copy joins every float column into
    # one block first (90 ms for a million positions); this frame is ours alone
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=whole.get("crs"), copy=False)


def read_in_parts(pyogrio, path: str, layer_name: str | None, fields: list[str] | None, read_geometry: bool = True):
    """``pyogrio.read_dataframe`` of a whole layer; a large GeoPackage table is read in fid ranges
    (an indexed ``WHERE fid > a AND fid <= b``: faster than one call, and short holds of the lock)."""
    parts = list(_file_parts(pyogrio, path, layer_name, fields, read_geometry, None))
    return parts[0] if len(parts) == 1 else pd.concat(parts)


#: A table read in parts has its positions read whole first (:func:`_arrow_table_points`) up to this
#: many rows: 24 bytes a row, 240 MB at most beside the part in hand; a larger one is read range by range.
WHOLE_POSITIONS = 10_000_000


def _file_parts(pyogrio, path, layer_name, fields, read_geometry, rows: int | None):
    """The layer as pyogrio frames of about ``rows`` features (None: one frame), each read in fid
    ranges of ``READ_PART`` from a GeoPackage.

    A large point table's positions are read whole first where GDAL's Arrow stream can
    (:func:`_arrow_table_points`; 24 bytes a row, a fraction of what a part of attributes holds; in
    parts, up to WHOLE_POSITIONS rows), and each range takes its rows from them. The positions alone
    (``fields`` empty) come one frame a part, not one a range: building and joining dozens of frames
    costs 0.2 s a million points.
    """
    info = pyogrio.read_info(path, layer=layer_name)
    fid = info.get("fid_column") or ""
    positions, read_geometry = read_geometry == POSITIONS, bool(read_geometry)
    whole = dict(layer=layer_name, columns=fields, fid_as_index=True, read_geometry=read_geometry)
    table = layer_name or pyogrio.list_layers(path)[0][0]
    geometry = info.get("geometry_name") or ""
    if info.get("driver") == "GPKG" and fid and geometry and info.get("geometry_type") in _GPKG_POINT_TYPES:
        points = (table, fid, geometry)  # positions straight from the blobs
    else:
        points = None
    if info.get("driver") != "GPKG" or not fid or info.get("features", 0) <= READ_PART:
        frame = _with_points(pyogrio, path, None, points, whole, positions) if points and read_geometry else None
        yield frame if frame is not None else pyogrio.read_dataframe(path, **whole)
        return
    ranges = _fid_ranges(path, table, fid, READ_PART)
    if ranges is None:
        yield pyogrio.read_dataframe(path, **whole)
        return
    whole_fits = rows is None or info.get("features", 0) <= WHOLE_POSITIONS
    known = _arrow_table_points(path, points) if points and read_geometry and whole_fits else None
    only_positions = bool(points and read_geometry and fields is not None and not list(fields))
    per_part = len(ranges) if rows is None else max(1, rows // READ_PART)
    for first in range(0, len(ranges), per_part):
        part = ranges[first : first + per_part]
        low, high = part[0][0], part[-1][1]
        if only_positions:
            read = None if known is None else _rows_between(known, low, high)
            frame = _with_points(pyogrio, path, _fid_between(fid, low, high), points, whole, positions, read)
            if frame is not None:
                yield frame
                continue
        pieces = [
            _read_range(pyogrio, path, fid, a, b, **whole, points=points, positions=positions, known=known)
            for a, b in part
        ]
        pieces = _one_kind(pieces) if positions else pieces
        yield pd.concat(pieces) if len(pieces) > 1 else pieces[0]


def _one_kind(pieces: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """The fid ranges of one part all with positions as numbers (POS_X, POS_Y), or all with point
    geometries when GDAL had to read one of them (a blob that is not a plain 2D point): joined, a
    mix would leave the rows GDAL read without a position (a reader takes POS_X where it is)."""
    if all(POS_X in p.columns for p in pieces) or not any(POS_X in p.columns for p in pieces):
        return pieces
    crs = next(getattr(p, "crs", None) for p in pieces if POS_X not in p.columns)  # GDAL knows the CRS
    out = []
    for piece in pieces:
        if POS_X in piece.columns:
            geometry = points_array(piece[POS_X].to_numpy(), piece[POS_Y].to_numpy())
            columns = [POS_X, POS_Y, piece.geometry.name]
            piece = gpd.GeoDataFrame(piece.drop(columns=columns), geometry=geometry, crs=crs)
        out.append(piece)
    return out


def _ogr_file(layer) -> tuple[str, str | None] | None:
    """(path, layer name) of a layer GDAL can read exactly as QGIS shows it, else None.

    Only plain OGR file layers in a UTF-8 format qualify (GeoPackage, GeoJSON, FlatGeobuf,
    SpatiaLite): no subset string, a named layer (or a single-layer file).
    """
    from qgis.core import QgsProviderRegistry

    if layer is None or layer.providerType() != "ogr" or layer.subsetString():
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path")
    if not path or (parts.get("layerId") not in (None, "") and not parts.get("layerName")):
        return None
    if not str(path).lower().endswith(UTF8_FORMATS):
        return None  # Shapefile, CSV ...: their encoding is the provider's business (.cpg, settings)
    return str(path), parts.get("layerName") or None


def _as_layer_frame(frame, layer, fields: list[str] | None) -> gpd.GeoDataFrame | None:
    """A pyogrio frame with the layer's field names and ``_fid`` (None if a field is missing)."""
    names = [f.name() for f in layer.fields()] if fields is None else list(fields)
    columns = {}
    for n, key in zip(names, frame_names(names)):  # a GeoPackage's fid column is a field in QGIS, the index in pyogrio
        if n in frame.columns:
            columns[key] = frame[n].to_numpy()
        elif n == frame.index.name:
            columns[key] = frame.index.to_numpy()
        else:
            return None
    if POS_X in frame.columns and POS_Y in frame.columns and POS_X not in columns and POS_Y not in columns:
        columns[POS_X], columns[POS_Y] = frame[POS_X].to_numpy(), frame[POS_Y].to_numpy()
    frame = gpd.GeoDataFrame(
        {**columns, FID: frame.index.to_numpy()},
        # the GeometryArray as it is: an array of objects would be checked one by one again (1 s a million)
        geometry=frame.geometry.values if isinstance(frame, gpd.GeoDataFrame) else [None] * len(frame),
        crs=crs_string(layer.crs()),
    )  # columns are arrays, so the index is 0 … n - 1 already (reset_index would copy every column)
    geoms = frame.geometry.to_numpy()
    empty = ~shapely.is_missing(geoms) & shapely.is_empty(geoms)
    if empty.any():
        frame.loc[empty, frame.geometry.name] = None
    return frame


def ogr_file_frame(layer, fields: list[str] | None = None, with_geometry: bool = True) -> gpd.GeoDataFrame | None:
    """The whole of a file layer read in one vectorised call (pyogrio), or None when that is not safe.

    Reading feature by feature through PyQGIS costs about 0.1 ms a feature (10 s for 100,000 orders);
    GDAL reads the same file in a fraction of that. Feature ids (``_fid``) are OGR's, which are the
    ids QGIS's OGR provider shows.
    """
    import pyogrio

    where = _ogr_file(layer)
    if where is None:
        return None
    try:
        frame = read_in_parts(pyogrio, where[0], where[1], fields, read_geometry=with_geometry)
    except Exception:
        return None
    count = layer.featureCount()  # -1 when the provider has not counted yet (it is then not a filter)
    if count >= 0 and len(frame) != count:
        return None
    return _as_layer_frame(frame, layer, fields)


def ogr_file_parts(
    layer, rows: int, fields: list[str] | None = None, with_geometry: bool = True
) -> Iterator[gpd.GeoDataFrame] | None:
    """:func:`ogr_file_frame` in parts of about ``rows`` features (fid ranges), or None when the
    layer does not qualify. The caller checks the total against the layer's feature count."""
    import pyogrio

    where = _ogr_file(layer)
    if where is None:
        return None
    try:
        pyogrio.read_info(where[0], layer=where[1])
    except Exception:
        return None

    def parts():
        for frame in _file_parts(pyogrio, where[0], where[1], fields, with_geometry, rows):
            converted = _as_layer_frame(frame, layer, fields)
            if converted is None:
                raise KeyError(f"GDAL does not show the fields QGIS shows in {where[0]}")
            yield converted

    return parts()


# kind -> (QMetaType.Type name for QGIS >= 3.38 / Qt 6, QVariant.Type name for older QGIS, provider type)
_FIELD_TYPES = {
    "int": ("Int", "Int", "integer"),
    "int64": ("LongLong", "LongLong", "integer64"),
    "float": ("Double", "Double", "double"),
    "bool": ("Bool", "Bool", "boolean"),
    "str": ("QString", "String", "string"),
    "datetime": ("QDateTime", "DateTime", "datetime"),
    "date": ("QDate", "Date", "date"),
}


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        biggest = series.abs().max() if series.notna().any() else 0
        return "int64" if biggest > 2**31 - 1 else "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    sample = series.dropna()
    if len(sample) and isinstance(sample.iloc[0], dt.date) and not isinstance(sample.iloc[0], dt.datetime):
        return "date"
    return "str"


def fields_for(
    frame: pd.DataFrame, skip: tuple[str, ...] = (FID,), like: QgsFields | None = None, results=()
) -> QgsFields:
    """QgsFields for the non-geometry columns of ``frame`` (types from the pandas dtypes).

    A column that comes from a field of ``like`` (same name, or that name plus ``_src``, ``_src2`` …)
    keeps that field's type: a part of rows whose values are all empty cannot tell it. Columns named
    in ``results`` are the algorithm's own and never take an input field's type (an integer
    ``grid_code`` in the input must not make the result's codes integers).
    """
    fields = QgsFields()
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    own = {str(r) for r in results}
    for name in frame.columns:
        if name == geometry_name or name in skip:
            continue
        source = -1
        if like is not None and str(name) not in own:
            source = _exact_field(like, str(name))
            base = re.sub(r"_src\d*$", "", str(name))
            if source < 0 and base != str(name):
                source = _exact_field(like, base)
        if source >= 0:
            field = QgsField(like.at(source))
            field.setName(str(name))
            fields.append(field)
        else:
            fields.append(make_field(str(name), _kind(frame[name])))
    return fields


def _exact_field(fields: QgsFields, name: str) -> int:
    """The index of the field named exactly ``name`` (``lookupField`` also matches other cases)."""
    index = fields.indexFromName(name)
    return index if index >= 0 and fields.at(index).name() == name else -1


def field_type_number(field) -> int:
    """A field's type as a number: QVariant.Type in QGIS < 3.38, QMetaType.Type after, Python enums in
    Qt 6 (the numbers are the same in all: 1 bool, 2 int, 4 int64, 6 double, 10 text, 14 date …)."""
    kind = field.type()
    return int(getattr(kind, "value", kind))


#: The type numbers of date and date-time fields (QVariant.Type and QMetaType.Type agree on them; Qt 6
#: has no QVariant.Date or QVariant.DateTime, so these are compared as numbers).
DATE_TYPE, DATETIME_TYPE = 14, 16


def is_time_field(field) -> bool:
    """Whether ``field`` holds dates or date-times, on every QGIS from 3.22 to 4."""
    return field_type_number(field) in (DATE_TYPE, DATETIME_TYPE)


def value_text(value) -> str | None:
    """A value written into a text field, as QGIS converts it (None for NULL): a whole float is its
    integer text, booleans ``true`` / ``false``, dates and times ISO 8601. The bulk writers of
    GeoPackage and PostGIS outputs both take their text this way."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def make_field(name: str, kind: str) -> QgsField:
    """A QgsField of kind int, int64, float, bool, str, datetime or date.

    QGIS >= 3.38 (and QGIS 4) takes a QMetaType.Type; QGIS 3.22 to 3.36 a QVariant.Type.
    """
    meta, variant, type_name = _FIELD_TYPES[kind]
    try:
        return QgsField(name, getattr(QMetaType.Type, meta), type_name)
    except TypeError:
        return QgsField(name, getattr(QVariant, variant), type_name)


def _qt_value(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else QDateTime(value.to_pydatetime())
    if isinstance(value, dt.datetime):
        return QDateTime(value)
    if isinstance(value, dt.date):
        return QDate(value)
    if value is pd.NaT:
        return None
    return value


def column_values(series: pd.Series) -> list:
    """A column as the Python values QGIS attributes take, converted once per column.

    Numbers, booleans and text need no per-value work beyond NaN → None; only dates and values of
    mixed object columns go through ``_qt_value``.
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        if series.isna().any():  # nullable integer / boolean columns
            return [None if v is pd.NA else v for v in series.astype(object).tolist()]
        return series.tolist()
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float)
        out = values.tolist()
        for i in np.flatnonzero(np.isnan(values)):
            out[i] = None
        return out
    values = series.tolist()
    if series.dtype == object and all(type(v) is str for v in values):
        return values
    return [_qt_value(v) for v in values]


def wkb_type_of(frame: gpd.GeoDataFrame) -> QgsWkbTypes.Type:
    """The layer geometry type for a frame: multi-polygon for polygons, and so on."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        return QgsWkbTypes.Type.NoGeometry
    kinds = set(frame.geometry.dropna().geom_type) if len(frame) else set()
    if kinds & {"Polygon", "MultiPolygon"}:
        return QgsWkbTypes.Type.MultiPolygon
    if kinds & {"LineString", "MultiLineString"}:
        return QgsWkbTypes.Type.MultiLineString
    if kinds == {"Point"}:
        return QgsWkbTypes.Type.Point
    if kinds & {"Point", "MultiPoint"}:
        return QgsWkbTypes.Type.MultiPoint
    return QgsWkbTypes.Type.NoGeometry


#: Rows turned into features per step: each step's vectorised calls hold Python's lock, so a dock run
#: writing a million orders in the background never stalls the QGIS window for long.
WRITE_PART = 20_000


def write_to_sink(frame: pd.DataFrame, sink, fields: QgsFields, feedback=None, multi: bool = True) -> int:
    """Add every row of ``frame`` to ``sink`` (fields in ``fields`` order); returns the number written."""
    names = [fields.at(i).name() for i in range(fields.count())]
    has_geom = isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns
    geoms = np.asarray(frame.geometry.values) if has_geom else None
    total = max(1, len(frame))
    written = 0
    for start in range(0, len(frame), WRITE_PART):
        part = slice(start, start + WRITE_PART)
        rows = frame.iloc[part]
        values = [column_values(rows[n]) if n in frame.columns else [None] * len(rows) for n in names]
        wkb = shapely.to_wkb(_to_multi(geoms[part]) if multi else geoms[part]) if has_geom else None
        batch = []
        for row in range(len(rows)):
            feature = QgsFeature(fields)
            feature.setAttributes([col[row] for col in values])
            if wkb is not None and wkb[row] is not None:
                geom = QgsGeometry()
                geom.fromWkb(bytes(wkb[row]))
                feature.setGeometry(geom)
            batch.append(feature)
            if len(batch) >= 5000:
                sink.addFeatures(batch, QgsFeatureSink.Flag.FastInsert)
                written += len(batch)
                batch = []
        if batch:
            sink.addFeatures(batch, QgsFeatureSink.Flag.FastInsert)
            written += len(batch)
        if feedback is not None:
            if feedback.isCanceled():
                return written
            feedback.setProgress(100.0 * written / total)
    return written


def points_array(x, y, part: int = WRITE_PART) -> np.ndarray:
    """Point geometries of ``x``, ``y`` as an object array, None where a coordinate is not finite.

    Made in parts: creating a million shapely objects at once holds Python's lock for half a second,
    and an array (not a list) lets geopandas check them in one vectorised call.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    out = np.full(len(x), None, dtype=object)
    rows = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    for start in range(0, len(rows), part):
        chunk = rows[start : start + part]
        out[chunk] = shapely.points(x[chunk], y[chunk])
    return out


def _to_multi(geoms: np.ndarray) -> np.ndarray:
    """Polygons as one-part multi-polygons and lines as multi-lines, vectorised (a list of a million
    objects would hold Python's lock for a second); collections go through :func:`_as_multi`."""
    out = np.array(geoms, dtype=object, copy=True)
    kind = shapely.get_type_id(out)
    for single, make in ((3, shapely.multipolygons), (1, shapely.multilinestrings)):
        where = np.flatnonzero(kind == single)
        if len(where):
            out[where] = make(out[where], indices=np.arange(len(where)))
    for i in np.flatnonzero(kind == 7):  # geometry collection
        out[i] = _as_multi(out[i])
    return out


def _as_multi(geom):
    if geom is None:
        return None
    kind = geom.geom_type
    if kind == "Polygon":
        return shapely.MultiPolygon([geom])
    if kind == "LineString":
        return shapely.MultiLineString([geom])
    if kind == "GeometryCollection":
        polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
        return shapely.MultiPolygon(polys) if polys else None
    return geom
