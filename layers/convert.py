"""Layer ⇄ engine: QGIS feature sources to GeoDataFrames and GeoDataFrames to feature sinks.

The engine works on arrays; QGIS on features. Geometries cross as WKB in one vectorised call
(``shapely.from_wkb`` / ``to_wkb``), attributes as plain Python values. Row order is kept and the
source feature id travels along as ``_fid`` so results can be joined back.
"""

from __future__ import annotations

import datetime as dt
import math

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


def crs_string(crs: QgsCoordinateReferenceSystem) -> str | None:
    """What pyproj understands: the authority id where there is one, else WKT."""
    if not crs.isValid():
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


def source_to_gdf(
    source,
    fields: list[str] | None = None,
    feedback=None,
    request: QgsFeatureRequest | None = None,
    with_geometry: bool = True,
) -> gpd.GeoDataFrame:
    """Read a QgsFeatureSource (or layer) into a GeoDataFrame in the source's CRS.

    Null or empty geometries become None (the engine reports them; nothing is dropped here).
    """
    names = [f.name() for f in source.fields()] if fields is None else list(fields)
    index = [source.fields().lookupField(n) for n in names]
    if any(i < 0 for i in index):
        missing = [n for n, i in zip(names, index) if i < 0]
        raise KeyError(f"missing field(s): {', '.join(missing)}")
    req = request or QgsFeatureRequest()
    if not with_geometry:
        req.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    total = max(1, source.featureCount())
    fids, wkbs, columns = [], [], [[] for _ in names]
    for n, feature in enumerate(source.getFeatures(req)):
        if feedback is not None and n % 5000 == 0:
            if feedback.isCanceled():
                break
            feedback.setProgress(100.0 * n / total)
        fids.append(feature.id())
        attrs = feature.attributes()
        for col, i in zip(columns, index):
            col.append(_python_value(attrs[i]))
        if with_geometry:
            geom = feature.geometry()
            wkbs.append(None if geom is None or geom.isNull() or geom.isEmpty() else bytes(geom.asWkb()))
    data = {name: col for name, col in zip(names, columns)}
    data[FID] = fids
    geometry = shapely.from_wkb(np.asarray(wkbs, dtype=object)) if with_geometry else None
    crs = crs_string(source.sourceCrs()) if hasattr(source, "sourceCrs") else None
    frame = gpd.GeoDataFrame(data, geometry=geometry if with_geometry else [None] * len(fids), crs=crs)
    return frame


#: File formats whose text is always UTF-8, so GDAL reads them exactly as QGIS shows them.
UTF8_FORMATS = (".gpkg", ".geojson", ".json", ".fgb", ".sqlite")


#: Features read per call from a GeoPackage. GDAL's read holds Python's lock, and a dock run reads in
#: the background: at 30,000 features a call the QGIS window never waits more than about 0.2 s.
READ_PART = 30_000


def read_in_parts(pyogrio, path: str, layer_name: str | None, fields: list[str] | None, read_geometry: bool = True):
    """``pyogrio.read_dataframe`` of a whole layer; a large GeoPackage table is read in fid ranges
    (an indexed ``WHERE fid > a AND fid <= b``: faster than one call, and short holds of the lock)."""
    info = pyogrio.read_info(path, layer=layer_name)
    fid = info.get("fid_column") or ""
    whole = dict(layer=layer_name, columns=fields, fid_as_index=True, read_geometry=read_geometry)
    if info.get("driver") != "GPKG" or not fid or info.get("features", 0) <= READ_PART:
        return pyogrio.read_dataframe(path, **whole)
    import sqlite3

    table = (layer_name or pyogrio.list_layers(path)[0][0]).replace('"', '""')
    fid = fid.replace('"', '""')
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        low, high = db.execute(f'SELECT MIN("{fid}"), MAX("{fid}") FROM "{table}"').fetchone()
    if low is None:
        return pyogrio.read_dataframe(path, **whole)
    parts = [
        pyogrio.read_dataframe(path, where=f'"{fid}" > {start} AND "{fid}" <= {start + READ_PART}', **whole)
        for start in range(int(low) - 1, int(high), READ_PART)
    ]
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def ogr_file_frame(layer, fields: list[str] | None = None) -> gpd.GeoDataFrame | None:
    """The whole of a file layer read in one vectorised call (pyogrio), or None when that is not safe.

    Reading feature by feature through PyQGIS costs about 0.1 ms a feature (10 s for 100,000 orders);
    GDAL reads the same file in a fraction of that. Only plain OGR file layers in a UTF-8 format
    qualify (GeoPackage, GeoJSON, FlatGeobuf, SpatiaLite): no subset string, a named layer (or a
    single-layer file). Feature ids (``_fid``) are OGR's, which are the
    ids QGIS's OGR provider shows.
    """
    import pyogrio
    from qgis.core import QgsProviderRegistry

    if layer is None or layer.providerType() != "ogr" or layer.subsetString():
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path")
    if not path or (parts.get("layerId") not in (None, "") and not parts.get("layerName")):
        return None
    if not str(path).lower().endswith(UTF8_FORMATS):
        return None  # Shapefile, CSV ...: their encoding is the provider's business (.cpg, settings)
    try:
        frame = read_in_parts(pyogrio, path, parts.get("layerName") or None, fields)
    except Exception:
        return None
    count = layer.featureCount()  # -1 when the provider has not counted yet (it is then not a filter)
    if count >= 0 and len(frame) != count:
        return None
    names = [f.name() for f in layer.fields()] if fields is None else list(fields)
    columns = {}
    for n in names:  # a GeoPackage's fid column is a field in QGIS, the index in pyogrio
        if n in frame.columns:
            columns[n] = frame[n].to_numpy()
        elif n == frame.index.name:
            columns[n] = frame.index.to_numpy()
        else:
            return None
    frame = gpd.GeoDataFrame(
        {**columns, FID: frame.index.to_numpy()},
        # the GeometryArray as it is: an array of objects would be checked one by one again (1 s a million)
        geometry=frame.geometry.values if isinstance(frame, gpd.GeoDataFrame) else [None] * len(frame),
        crs=crs_string(layer.crs()),
    ).reset_index(drop=True)
    geoms = frame.geometry.to_numpy()
    empty = ~shapely.is_missing(geoms) & shapely.is_empty(geoms)
    if empty.any():
        frame.loc[empty, frame.geometry.name] = None
    return frame


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


def fields_for(frame: pd.DataFrame, skip: tuple[str, ...] = (FID,)) -> QgsFields:
    """QgsFields for the non-geometry columns of ``frame`` (types from the pandas dtypes)."""
    fields = QgsFields()
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for name in frame.columns:
        if name == geometry_name or name in skip:
            continue
        fields.append(make_field(str(name), _kind(frame[name])))
    return fields


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
