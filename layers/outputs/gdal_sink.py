"""Rows written straight into a GeoPackage through GDAL, in bulk: the fast backend of ``outputs.RowSink``.

Handing a million rows to QGIS's feature sink costs a QgsFeature and a QgsGeometry per row (about
20 s), then QGIS's writer spends as long again finishing the file. Here every column of a part goes to
GDAL as one array (``pyogrio.raw.write``, appending part after part), with the field types
``convert.fields_for`` chose for the QGIS sink, so either backend writes the same table. The spatial
index is built once at the end (GDAL 3.7+ in bulk itself; on older GDAL by ``gpkg_index``).

Which destinations take this path (:func:`bulk_target`): a GeoPackage file or a layer in one, and a
temporary output (written as a GeoPackage in Processing's temporary folder, then handed to QGIS as a
temporary layer of the run, as a memory layer would be; ``memory:`` destinations too). Everything else
(PostGIS, shapefiles, CSV, ...) keeps QGIS's sink, and so does everything when the environment sets
``GRIDGOV_QGIS_SINK`` (for comparisons).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsFields,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingUtils,
    QgsProperty,
    QgsVectorLayer,
    QgsWkbTypes,
)

from gridgov.layers.io.convert import field_type_number, value_text
from gridgov.layers.outputs.point_columns import point_columns, point_wkb
from gridgov.layers.runtime.translation import tr, tr_noop

logging.getLogger("pyogrio._io").setLevel(logging.WARNING)  # "Created N records" for every part

#: QVariant / QMetaType numbers of the field types this backend writes (the same in Qt 5 and 6).
_BOOL, _INT, _LONG, _DOUBLE, _STRING, _DATE, _DATETIME = 1, 2, 4, 6, 10, 14, 16
_WRITABLE = {_BOOL, _INT, _LONG, _DOUBLE, _STRING, _DATE, _DATETIME}
_TYPE_NAMES = {
    _BOOL: tr_noop("boolean"), _INT: tr_noop("integer"), _LONG: tr_noop("64-bit integer"), _DOUBLE: tr_noop("real"),
    _STRING: tr_noop("text"), _DATE: tr_noop("date"), _DATETIME: tr_noop("date and time"),
}  # fmt: skip
_GEOMETRY_NAMES = {
    QgsWkbTypes.Type.Point: "Point",
    QgsWkbTypes.Type.MultiPoint: "MultiPoint",
    QgsWkbTypes.Type.MultiLineString: "MultiLineString",
    QgsWkbTypes.Type.MultiPolygon: "MultiPolygon",
}


def gdal_crs(crs: QgsCoordinateReferenceSystem | None) -> str | None:
    """The CRS as GDAL reads it: an EPSG / ESRI code, else WKT (a user CRS's ``USER:100000`` means
    nothing to GDAL)."""
    if crs is None or not crs.isValid():
        return None
    if crs.authid().upper().startswith(("EPSG:", "ESRI:")):
        return crs.authid()
    variant = getattr(getattr(Qgis, "CrsWktVariant", None), "PreferredGdal", None)
    if variant is None:  # QGIS < 3.36
        variant = QgsCoordinateReferenceSystem.WKT_PREFERRED_GDAL
    return crs.toWkt(variant)


@dataclass
class BulkTarget:
    """Where a bulk sink writes: the file (a staged place while the run lasts), the layer in it, the
    destination id the run returns and whether the output is a temporary layer of the run."""

    path: str
    layer: str
    dest: str
    temporary: bool
    key: str  # the destination as QGIS registered it for loading
    replaces: str | None = None  # an existing layer this output replaces once it is complete


def _raw_destination(parameters, name: str) -> str | None:
    """The destination text of the sink parameter ``name`` without evaluating anything (None: not
    given, or not a plain text such as an expression-based name)."""
    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink
    if isinstance(value, QgsProperty):
        kind = value.propertyType()
        if int(getattr(kind, "value", kind)) != 1:  # 1: a static value (StaticProperty, Qgis.PropertyType.Static)
            return None
        value = value.staticValue()
    if value is None:
        return None  # not given: QGIS's sink applies the parameter's default
    return str(value)


def _gpkg_file(dest: str) -> tuple[str, str | None] | None:
    """(file, layer or None) when ``dest`` is a GeoPackage file or a layer in one."""
    from gridgov.layers.outputs.run_outputs import file_and_layer

    path, layer = file_and_layer(dest)
    if not path.lower().endswith(".gpkg"):
        return None
    if not dest.lower().startswith("ogr:") and "|" in dest and layer is None:
        return None
    return path, layer


def bulk_target(alg, parameters, name: str, context, fields: QgsFields) -> BulkTarget | None:
    """Whether the sink ``name`` can be written in bulk, and where; None keeps QGIS's sink."""
    if os.environ.get("GRIDGOV_QGIS_SINK"):  # the plain QGIS path, for comparisons and as a way out
        return None
    if not isinstance(alg.parameterDefinition(name), QgsProcessingParameterFeatureSink):
        return None
    if any(field_type_number(fields.at(i)) not in _WRITABLE for i in range(fields.count())):
        return None
    fid = fields.lookupField("fid")
    if fid >= 0 and field_type_number(fields.at(fid)) not in (_INT, _LONG):
        return None  # a text "fid" cannot be the GeoPackage's feature id: QGIS's sink refuses it row by row
    raw = _raw_destination(parameters, name)
    if not raw:
        return None
    temporary = raw == "TEMPORARY_OUTPUT" or raw.lower().startswith("memory:")
    if not temporary and _gpkg_file(raw) is None:
        return None
    if raw.lower().startswith("ogr:") and "table=" in raw and _gpkg_file(raw)[1] is None:
        return None  # a table this parser cannot read: QGIS's sink, never the whole file
    key = alg.parameterAsOutputLayer(parameters, name, context)  # registers the layer for loading
    if temporary or key.lower().startswith("memory:"):
        table = re.sub(r"\W+", "_", name.lower()).strip("_") or "output"
        path = QgsProcessingUtils.generateTempFilename(f"{table}.gpkg")
        return BulkTarget(path, table, path, True, key)
    gpkg = _gpkg_file(key)
    if gpkg is None:
        return None
    path, layer = gpkg
    if layer is None:  # a plain file: the whole file is the output, named after it (as QGIS's writer does)
        from gridgov.layers.outputs.run_outputs import staged_path

        staged = staged_path(path)
        if staged == Path(path) and os.path.exists(path):
            os.remove(path)  # no run to stage it: replaced, as QGIS replaces it
        return BulkTarget(str(staged), Path(path).stem, path, False, key)
    from gridgov.layers.outputs.run_outputs import layers_in

    existing = {name.lower(): name for name in (layers_in(path) or ())}
    if layer.lower() in existing:
        # written beside the layer it replaces, which stays whole until this one is complete (a
        # cancel leaves it as it was; the output may even be the layer the run reads)
        partial = f"{layer}__gridgov_partial_{os.getpid()}"
        return BulkTarget(path, partial, f"{path}|layername={layer}", False, key, replaces=existing[layer.lower()])
    return BulkTarget(path, layer, f"{path}|layername={layer}", False, key)


# values as GDAL takes them -------------------------------------------------------------------------


def _refused(row: int, field: str, value, kind: int) -> QgsProcessingException:
    return QgsProcessingException(
        tr("row {0}, field {1}: the value {2!r} cannot be stored as {3}").format(
            row, field, value, tr(_TYPE_NAMES[kind]) if kind in _TYPE_NAMES else str(kind)
        )
    )


def _column(series: pd.Series, kind: int, name: str, first_row: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The values of ``series`` for a field of type ``kind`` and the null mask (None: no nulls or
    NaN marks them); a value the type cannot hold is a :class:`QgsProcessingException` naming it."""
    if kind == _STRING and series.dtype == object:
        values = series.to_numpy(dtype=object, copy=False)
        if pd.api.types.infer_dtype(values, skipna=False) == "string":
            return values, None  # all text, nothing missing: one pass and no copy (GDAL only reads it)
    missing = series.isna().to_numpy()
    if kind == _STRING:
        values = series.to_numpy(dtype=object, copy=True)
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            values = np.array([value_text(v) for v in values.tolist()], dtype=object)
        values[missing] = None
        return values, None
    if kind in (_INT, _LONG, _DOUBLE):
        if series.dtype == np.uint64 and (series > np.iinfo(np.int64).max).any():
            row = int(np.flatnonzero((series > np.iinfo(np.int64).max).to_numpy())[0])
            raise _refused(first_row + row + 1, name, series.iloc[row], kind)
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            numbers = series
        else:  # text (object, string, pandas 3's str), booleans: as QGIS converts them, each checked
            numbers = pd.to_numeric(series.astype(object), errors="coerce")
        if not pd.api.types.is_integer_dtype(numbers):
            numbers = np.asarray(numbers, dtype=float)
        if kind == _DOUBLE:
            values = np.asarray(numbers, dtype=np.float64)
            bad = np.isnan(values) & ~missing
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise _refused(first_row + row + 1, name, series.iloc[row], kind)
            return values, None
        if pd.api.types.is_integer_dtype(numbers):  # nullable integers too: every digit kept, no float
            values = pd.Series(numbers).to_numpy(dtype=np.int64, na_value=0)
        else:
            floats = np.asarray(numbers, dtype=float)
            bad = ~missing & ~(np.isfinite(floats) & (np.floor(floats) == floats))
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise _refused(first_row + row + 1, name, series.iloc[row], kind)
            values = np.where(missing, 0, floats).astype(np.int64)
        if kind == _INT:
            bad = ~missing & ((values > 2**31 - 1) | (values < -(2**31)))
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise _refused(first_row + row + 1, name, series.iloc[row], kind)
            values = values.astype(np.int32)
        return values, (missing if missing.any() else None)
    if kind == _BOOL:
        values = np.zeros(len(series), dtype=bool)
        present = ~missing
        for row in np.flatnonzero(present) if not pd.api.types.is_bool_dtype(series) else ():
            if not isinstance(series.iloc[row], (bool, np.bool_)):
                raise _refused(first_row + row + 1, name, series.iloc[row], kind)
        values[present] = np.asarray(series.to_numpy(dtype=object)[present], dtype=bool)
        return values, (missing if missing.any() else None)
    # dates and times
    stamps = pd.to_datetime(series, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    bad = stamps.isna().to_numpy() & ~missing
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _refused(first_row + row + 1, name, series.iloc[row], kind)
    unit = "datetime64[D]" if kind == _DATE else "datetime64[ms]"
    return stamps.to_numpy().astype(unit), None


# the sink ------------------------------------------------------------------------------------------------


class GdalTableSink:
    """A table written part by part by GDAL; :meth:`finish` builds the spatial index and counts the rows."""

    def __init__(self, target: BulkTarget, fields: QgsFields, wkb_type, crs: QgsCoordinateReferenceSystem) -> None:
        self.target = target
        self.fields = fields
        self.geometry_type = _GEOMETRY_NAMES.get(wkb_type)
        self.multi = self.geometry_type in ("MultiPolygon", "MultiLineString")
        self.crs = gdal_crs(crs)
        self.written = 0
        self.parts = 0
        self.bounds: list[np.ndarray] = []
        self.aside = None
        names = [fields.at(i).name().lower() for i in range(fields.count())]
        # a layer's own ids kept as "fid" become the GeoPackage's feature ids, as QGIS's writer makes
        # them; GDAL takes them only when it creates the table, so such a table is written in one call
        self.fid_index = names.index("fid") if "fid" in names else None
        self.pending: list[tuple] = []

    def _write(self, geometry, names, values, masks, append: bool) -> None:
        import pyogrio.raw

        try:
            self._pyogrio_write(pyogrio.raw, geometry, names, values, masks, append)
        except (OSError, ValueError, RuntimeError) as err:  # pyogrio's errors are of these kinds
            raise QgsProcessingException(
                tr("{0}: GDAL could not write rows {1} to {2}: {3}").format(
                    self.target.layer, self.written + 1, self.written + len(values[0]) if values else self.written, err
                )
            ) from err

    def _pyogrio_write(self, raw, geometry, names, values, masks, append: bool) -> None:
        raw.write(
            self.target.path,
            geometry,
            values,
            names,
            field_mask=masks if any(m is not None for m in masks) else None,
            layer=self.target.layer,
            driver="GPKG",
            geometry_type=self.geometry_type,
            crs=self.crs,
            encoding="UTF-8",
            append=append,
            layer_options=None if append else {"SPATIAL_INDEX": "NO"},
        )

    def write(self, frame: pd.DataFrame) -> int:
        """Append every row of ``frame`` (columns in the sink's field order, absent ones empty)."""
        from gridgov.layers.io.convert import _to_multi

        names = [self.fields.at(i).name() for i in range(self.fields.count())]
        values, masks = [], []
        for i, name in enumerate(names):
            kind = field_type_number(self.fields.at(i))
            series = frame[name] if name in frame.columns else pd.Series([None] * len(frame), dtype=object)
            column, mask = _column(series.reset_index(drop=True), kind, name, self.written)
            values.append(column)
            masks.append(mask)
        geometry = None
        points = point_columns(frame)
        if self.geometry_type is not None and points is not None:  # WKB straight from the two columns
            geometry, bounds = point_wkb(frame[points[0]], frame[points[1]])
            self.bounds.append(bounds)
        elif self.geometry_type is not None:
            geoms = np.asarray(frame.geometry.values, dtype=object) if isinstance(frame, gpd.GeoDataFrame) else None
            if geoms is None:
                geoms = np.full(len(frame), None, dtype=object)
            if self.multi:
                geoms = _to_multi(geoms)
            geometry = shapely.to_wkb(geoms, output_dimension=2)  # the layer is 2D, as QGIS's sink makes it
            self.bounds.append(shapely.bounds(geoms))  # NaN for none / empty: outside the index
        if self.fid_index is not None:
            self.pending.append((geometry, values, masks))
        elif self.parts == 0:
            self._write(geometry, names, values, masks, append=False)
        elif len(frame):
            self._write(geometry, names, values, masks, append=True)
        self.parts += 1
        self.written += len(frame)
        return len(frame)

    def _write_pending(self) -> np.ndarray:
        """A table with its own ids: every part in one call; returns the ids."""
        names = [self.fields.at(i).name() for i in range(self.fields.count())]
        parts = self.pending
        geometry = np.concatenate([p[0] for p in parts]) if self.geometry_type is not None else None
        values = [np.concatenate([p[1][i] for p in parts]) for i in range(len(names))]
        masks = []
        for i in range(len(names)):
            pieces = [p[2][i] for p in parts]
            if all(m is None for m in pieces):
                masks.append(None)
            else:
                masks.append(
                    np.concatenate([np.zeros(len(p[1][i]), bool) if m is None else m for p, m in zip(parts, pieces)])
                )
        fids, fid_mask = values[self.fid_index], masks[self.fid_index]
        if fid_mask is not None and fid_mask.any():
            row = int(np.flatnonzero(fid_mask)[0])
            raise _refused(row + 1, names[self.fid_index], None, _LONG)
        negative = np.asarray(fids) < 0
        if negative.any():  # GDAL takes -1 for "no id" and numbers the row itself
            row = int(np.flatnonzero(negative)[0])
            raise _refused(row + 1, names[self.fid_index], fids[row], _LONG)
        repeated = pd.Series(fids).duplicated()
        if repeated.any():
            row = int(np.flatnonzero(repeated.to_numpy())[0])
            raise QgsProcessingException(
                tr("row {0}, field {1}: the feature id {2} is there twice").format(
                    row + 1, names[self.fid_index], fids[row]
                )
            )
        values[self.fid_index] = np.asarray(fids, dtype=np.int64)
        self._write(geometry, names, values, masks, append=False)
        self.pending = []
        return values[self.fid_index]

    def finish(self) -> int:
        """Write what waits, build the spatial index and count the rows in the table.

        A temporary output gets no spatial index, as QGIS's own temporary outputs (memory layers)
        have none: a million rows would cost 2-3 s more than QGIS's run of the same job. Saving it
        (*Make Permanent*, *Export*) writes one."""
        if self.parts == 0:  # nothing handed: the table still exists, with its columns
            empty = gpd.GeoDataFrame(geometry=[]) if self.geometry_type else pd.DataFrame()
            self.write(empty)
        fids = self._write_pending() if self.fid_index is not None else None
        if self.geometry_type is not None and not self.target.temporary:
            from gridgov.layers.outputs import gpkg_index

            column = _geometry_column(self.target.path, self.target.layer)
            if gpkg_index.gdal_builds_in_bulk():
                from osgeo import gdal

                dataset = gdal.OpenEx(self.target.path, gdal.OF_VECTOR | gdal.OF_UPDATE)
                try:
                    table, quoted = self.target.layer.replace("'", "''"), column.replace("'", "''")
                    dataset.ExecuteSQL(f"SELECT CreateSpatialIndex('{table}', '{quoted}')")
                finally:
                    dataset = None
            else:
                if self.aside is None:
                    self.aside = gpkg_index.prepare(self.target.path, self.target.layer, column)
                if fids is None:
                    fids = _fids(self.target.path, self.target.layer)
                bounds = np.concatenate(self.bounds) if self.bounds else np.zeros((0, 4))
                if len(fids) != len(bounds):
                    raise QgsProcessingException(
                        tr("{0}: {1} rows written, {2} in the file").format(self.target.layer, len(bounds), len(fids))
                    )
                gpkg_index.fill(self.aside, fids, bounds)
        rows = count_rows(self.target.path, self.target.layer)
        if self.target.replaces:
            self._replace()
        return rows

    def _replace(self) -> None:
        """The complete output takes the place (and name) of the layer it replaces."""
        from osgeo import gdal

        dataset = gdal.OpenEx(self.target.path, gdal.OF_VECTOR | gdal.OF_UPDATE)
        try:
            for index in range(dataset.GetLayerCount()):
                if dataset.GetLayerByIndex(index).GetName() == self.target.replaces:
                    dataset.DeleteLayer(index)
                    break
            layer = dataset.GetLayerByName(self.target.layer)
            if layer.Rename(self.target.replaces) != 0:
                raise QgsProcessingException(
                    tr("{0} cannot be renamed {1}").format(self.target.layer, self.target.replaces)
                )
        finally:
            dataset = None
        self.target.layer, self.target.replaces = self.target.replaces, None

    def discard(self, keeps_file: bool) -> None:
        """Remove what was written: a temporary or staged file whole; at the destination itself, the
        layer only when the file was there before the run (``keeps_file``), else the file."""
        from gridgov.layers.outputs.run_outputs import _remove_output, drop_layer, file_and_layer

        if self.target.temporary or file_and_layer(self.target.dest)[0] != self.target.path:
            _remove_output(self.target.path)
        elif keeps_file and "|layername=" in self.target.dest:
            drop_layer(self.target.path, self.target.layer)  # this run's layer only (a partial one, if replacing)
        else:
            _remove_output(self.target.dest, keeps_file)


def _geometry_column(path: str, layer: str) -> str:
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as connection:
        row = connection.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (layer,)
        ).fetchone()
    return row[0] if row else "geom"


def _fids(path: str, layer: str) -> np.ndarray:
    """The feature ids of a table GDAL has just written, in the order the rows were written."""
    import sqlite3

    quoted = '"' + layer.replace('"', '""') + '"'
    with contextlib.closing(sqlite3.connect(path)) as connection:
        pk = next((r[1] for r in connection.execute(f"PRAGMA table_info({quoted})") if r[5]), "fid")
        pk = '"' + pk.replace('"', '""') + '"'
        low, high, count = connection.execute(f"SELECT min({pk}), max({pk}), count(*) FROM {quoted}").fetchone()
        if count and high - low + 1 == count:  # a new table numbers its rows 1, 2, 3 … without a gap
            return np.arange(low, high + 1, dtype=np.int64)
        rows = connection.execute(f"SELECT {pk} FROM {quoted} ORDER BY {pk}").fetchall()
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def count_rows(path: str, layer: str) -> int:
    """The rows in the table as SQLite counts them (not GDAL's cached count)."""
    import sqlite3

    quoted = '"' + layer.replace('"', '""') + '"'
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])


def as_temporary_layer(target: BulkTarget, context, description: str) -> str:
    """Hand a temporary output to QGIS as a temporary layer of the run (as a memory layer would be);
    returns its layer id, under which QGIS loads it (the details registered for the destination move
    to it)."""
    layer = QgsVectorLayer(f"{target.path}|layername={target.layer}", description, "ogr")
    if not layer.isValid():
        raise QgsProcessingException(tr("The temporary output {0} cannot be read back").format(target.path))
    context.temporaryLayerStore().addMapLayer(layer)
    _move_load_details(context, target.key, layer.id())
    return layer.id()


def _move_load_details(context, old: str, new: str) -> None:
    if old == new or not context.willLoadLayerOnCompletion(old):
        return
    layers = dict(context.layersToLoadOnCompletion())
    layers[new] = layers.pop(old)
    context.setLayersToLoadOnCompletion(layers)


def register_file(target: BulkTarget, context) -> None:
    """A file destination: the details registered under the text the user gave move to the id QGIS loads."""
    _move_load_details(context, target.key, target.dest)
