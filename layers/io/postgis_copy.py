"""PostGIS tables read and written with ``COPY``, not QGIS's provider row by row.

QGIS's provider builds a QgsFeature, a QgsGeometry and a QVariant per value, in Python row by row
(pulling ten million orders into the engine and writing them back took 32 minutes here). ``COPY ... TO
STDOUT`` streams the rows as CSV, which pandas' C reader parses a part at a time; geometries come as
PostGIS's own hex EWKB text and shapely decodes a whole part in one call. Writing goes the other way:
each part becomes COPY text with column-wide conversions and one ``join``, streamed into a table made
inside one transaction, so a failed or cancelled run leaves the earlier table as it was.

Only plain column types whose text form is unambiguous take this path (numbers, booleans, text,
dates, times, timestamps without time zone, geometry); a layer with any other column (json, arrays,
timestamps with time zone, ...), a query layer or an expression / joined field keeps QGIS's iterator
(:func:`copy_parts` returns None), so a value is never read differently from the way QGIS reads it.

Credentials are the layer's own, resolved by QGIS (an ``authcfg`` id is expanded only for the
connection, never logged).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import queue
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

try:
    from psycopg2 import sql
except ImportError:  # a QGIS without psycopg2: QGIS's provider reads and writes PostGIS layers
    sql = None
from qgis.core import QgsDataSourceUri, QgsFields, QgsProcessingException, QgsProcessingOutputLayerDefinition

from gridgov.layers.io.convert import field_type_number, value_text
from gridgov.layers.runtime.translation import tr

#: PostgreSQL types read by COPY, by the kind of column they become in the frame.
READ_KINDS = {
    "smallint": "int", "integer": "int", "bigint": "int",
    "real": "float", "double precision": "float", "numeric": "float",
    "boolean": "bool",
    "text": "text", "character varying": "text", "character": "text", "name": "text", "uuid": "text",
    "citext": "text",
    "date": "date", "time without time zone": "time", "timestamp without time zone": "datetime",
    "geometry": "geometry",
}  # fmt: skip
#: Rows per CSV chunk handed from the COPY thread to the parser when no part size is asked for.
CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class PgColumn:
    name: str
    kind: str


def _base_type(type_name: str) -> str:
    """``character varying(20)`` → ``character varying``; ``geometry(Point,4547)`` → ``geometry``."""
    return type_name.split("(")[0].strip()


def _connect(uri: QgsDataSourceUri):
    import psycopg2

    try:
        connection = psycopg2.connect(uri.connectionInfo(True), application_name="gridgov")
    except psycopg2.Error as err:
        raise QgsProcessingException(
            tr("Cannot connect to the database of {0}: {1}").format(uri.table(), str(err).strip())
        ) from err
    connection.set_client_encoding("UTF8")
    with connection.cursor() as cursor:
        # exact doubles on every server (3, as QGIS sets it); a table another session holds locked (an
        # open edit, DB Manager) stops the run with PostgreSQL's message instead of waiting for ever
        cursor.execute(
            "SET DateStyle = ISO, YMD; SET extra_float_digits = 3; SET IntervalStyle = postgres; "
            "SET lock_timeout = '30s'"
        )
    connection.commit()
    return connection


def _table_types(connection, schema: str, table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
               JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped""",
            (schema, table),
        )
        rows = cursor.fetchall()
    connection.rollback()
    return {name: _base_type(kind) for name, kind in rows}


def copy_plan(layer, fields: list[str] | None = None) -> tuple[QgsDataSourceUri, list[str]] | None:
    """(uri, field names) for reading ``layer`` by COPY; None when it is not a plain PostGIS table or a
    requested field is not a column of it (an expression or joined field)."""
    if layer is None or layer.providerType() != "postgres":
        return None
    uri = QgsDataSourceUri(layer.source())
    if not uri.table() or uri.table().startswith("("):
        return None
    layer_fields = layer.fields()
    names = [f.name() for f in layer_fields] if fields is None else list(fields)
    for name in names:
        index = layer_fields.lookupField(name)
        if index < 0 or layer_fields.fieldOrigin(index) != QgsFields.FieldOrigin.OriginProvider:
            return None
    return uri, names


def copy_parts(
    layer, rows: int | None = None, fields: list[str] | None = None, with_geometry: bool = True, feedback=None
) -> Iterator[gpd.GeoDataFrame] | None:
    """``layer`` (a PostGIS table) as GeoDataFrames of about ``rows`` rows (None: one frame), in the
    frame layout of ``convert.source_parts`` (fields, ``_fid``, geometry in the layer's CRS, None
    for a NULL or empty geometry); None when COPY cannot read it exactly (QGIS's iterator then does).

    The rows COPY reports are checked against the rows parsed: a difference stops the run."""
    if sql is None:
        return None
    plan = copy_plan(layer, fields)
    if plan is None:
        return None
    uri, names = plan
    schema, table = uri.schema() or "public", uri.table()
    connection = _connect(uri)
    try:
        types = _table_types(connection, schema, table)
        columns = []
        for name in names:
            kind = READ_KINDS.get(types.get(name, ""))
            if kind is None or kind == "geometry":
                connection.close()
                return None
            columns.append(PgColumn(name, kind))
        geometry = uri.geometryColumn() if with_geometry and layer.isSpatial() else ""
        if geometry and READ_KINDS.get(types.get(geometry, "")) != "geometry":
            connection.close()
            return None
        if uri.geometryColumn() and not _constrained_as_the_layer(connection, schema, table, uri):
            connection.close()  # QGIS filters such a column by type and SRID: its reader does
            return None
        keys = [k.strip().strip('"') for k in uri.keyColumn().split(",") if k.strip()]
        key = keys[0] if len(keys) == 1 and READ_KINDS.get(types.get(keys[0], "")) == "int" else None
    except Exception:
        connection.close()
        raise
    subset = layer.subsetString() or uri.sql()
    from gridgov.layers.io.convert import crs_string

    crs = crs_string(layer.crs())
    return _parts(connection, schema, table, columns, geometry, key, subset, crs, rows, feedback, layer.name())


def _constrained_as_the_layer(connection, schema: str, table: str, uri: QgsDataSourceUri) -> bool:
    """Whether the column's declared type and SRID already hold every row the layer shows: QGIS
    opens a column without them (``geometry``, SRID 0) filtered by the URI's type and SRID, which the
    COPY query does not repeat."""
    from qgis.core import QgsWkbTypes

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, srid FROM geometry_columns WHERE f_table_schema = %s AND f_table_name = %s "
            "AND f_geometry_column = %s",
            (schema, table, uri.geometryColumn()),
        )
        row = cursor.fetchone()
    connection.rollback()
    if row is None:
        return False
    kind, srid = str(row[0] or "").upper(), int(row[1] or 0)
    wants_type = uri.wkbType() not in (QgsWkbTypes.Type.Unknown, QgsWkbTypes.Type.NoGeometry)
    wants_srid = bool(uri.srid()) and uri.srid() != "0"
    if wants_type and kind in ("GEOMETRY", "GEOMETRYCOLLECTION", ""):
        return False
    return not (wants_srid and srid == 0)


def _select(schema, table, columns, geometry, key, subset) -> sql.Composed:
    """The COPY query: text columns prefixed with ``x`` so that an empty text ('' → ``"x"``) is
    told from a NULL (an empty CSV field), which pandas cannot tell apart otherwise."""
    items = []
    for column in columns:
        ident = sql.Identifier(column.name)
        if column.kind == "text":
            items.append(sql.SQL("'x' || {}::text").format(ident))
        else:
            items.append(ident)
    items.append(sql.Identifier(key) if key else sql.SQL("NULL::int8"))
    items.append(sql.Identifier(geometry) if geometry else sql.SQL("NULL::text"))
    query = sql.SQL("SELECT {} FROM {}.{}").format(
        sql.SQL(", ").join(items), sql.Identifier(schema), sql.Identifier(table)
    )
    if subset:
        query = query + sql.SQL(" WHERE ({})").format(sql.SQL(subset))
    return sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv)").format(query)


class _StoppedError(Exception):
    """The reader stopped listening (finished early, failed or cancelled)."""


class _ChunkWriter:
    """The file COPY writes to: gathers rows (psycopg2 hands one CopyData message, one row, per
    call) and hands ``rows`` of them at a time to the parser; blocks while the parser is two
    chunks behind, so memory stays at a few parts."""

    def __init__(self, chunks: queue.Queue, rows: int, stop: threading.Event) -> None:
        self.chunks, self.rows, self.stop = chunks, rows, stop
        self.buffer: list[bytes] = []
        self.total = 0

    def write(self, data) -> int:
        self.buffer.append(data)
        if len(self.buffer) >= self.rows:
            self.hand()
        return len(data)

    def hand(self) -> None:
        if not self.buffer:
            return
        chunk, count = b"".join(self.buffer), len(self.buffer)
        self.buffer = []
        self.total += count
        while True:
            if self.stop.is_set():
                raise _StoppedError
            with contextlib.suppress(queue.Full):
                self.chunks.put((chunk, count), timeout=0.2)
                return


def _parts(connection, schema, table, columns, geometry, key, subset, crs, rows, feedback, label):
    statement = _select(schema, table, columns, geometry, key, subset).as_string(connection)
    chunks: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()
    writer = _ChunkWriter(chunks, rows or CHUNK_ROWS, stop)
    outcome: dict = {}

    def run() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.copy_expert(statement, writer)
                outcome["reported"] = cursor.rowcount
            writer.hand()
            connection.rollback()
        except BaseException as err:  # handed to the reading side
            outcome["error"] = err
        finally:
            while not stop.is_set():
                with contextlib.suppress(queue.Full):
                    chunks.put(None, timeout=0.2)
                    break

    thread = threading.Thread(target=run, name="gridgov-copy", daemon=True)

    def close() -> None:
        """Stop the COPY (cancelled on the server if it still runs) and close the connection."""
        stop.set()
        if thread.is_alive():
            with contextlib.suppress(Exception):
                connection.cancel()
        thread.join(timeout=10)
        with contextlib.suppress(Exception):
            connection.close()

    thread.start()
    parsed = 0
    pending: list[pd.DataFrame] = []
    pending_rows = 0
    yielded = False
    try:
        while True:
            if feedback is not None and feedback.isCanceled():
                from gridgov.layers.runtime.cancel import raise_cancelled

                raise_cancelled()
            try:
                item = chunks.get(timeout=0.2)
            except queue.Empty:
                continue
            if item is None:
                break
            chunk, count = item
            frame = _parse(chunk, columns, crs, first=parsed + 1)
            if len(frame) != count:
                raise QgsProcessingException(
                    tr("{0}: COPY sent {1} rows, {2} were read from them").format(label, count, len(frame))
                )
            parsed += len(frame)
            if rows is None:  # one frame: gather the chunks
                pending.append(frame)
                pending_rows += len(frame)
                continue
            yielded = True
            yield frame
        if "error" in outcome:
            err = outcome["error"]
            raise QgsProcessingException(
                tr("{0}: reading the table by COPY failed: {1}").format(label, str(err).strip() or type(err).__name__)
            ) from err
        reported = outcome.get("reported", parsed)
        if reported >= 0 and reported != parsed:
            raise QgsProcessingException(
                tr("{0}: the database sent {1} rows, {2} were read").format(label, reported, parsed)
            )
        close()  # before the last frame: a caller taking one frame may never resume this generator
        if rows is None:
            yield _concat(pending, columns, crs)
        elif not yielded:
            yield _parse(b"", columns, crs)
    finally:
        close()


def _concat(frames: list[pd.DataFrame], columns, crs) -> gpd.GeoDataFrame:
    if not frames:
        return _parse(b"", columns, crs)
    if len(frames) == 1:
        return frames[0]
    frame = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)


def _parse(chunk: bytes, columns: list[PgColumn], crs, first: int = 1) -> gpd.GeoDataFrame:
    """One CSV chunk as a frame in ``source_parts``' layout; without an integer key, ``_fid`` counts
    the rows from ``first``."""
    from gridgov.layers.io.convert import FID, frame_names

    names = [f"c{i}" for i in range(len(columns))] + ["fid", "geom"]
    dtypes = {f"c{i}": _CSV_DTYPES[c.kind] for i, c in enumerate(columns) if _CSV_DTYPES[c.kind] is not None}
    dtypes["geom"] = object
    if not chunk:  # no rows (pandas refuses empty input): the columns alone
        raw = pd.DataFrame({name: pd.Series(dtype=object) for name in names})
    else:
        raw = _read_csv(chunk, names, dtypes)
    data = {}
    n = len(raw)
    for key, (i, column) in zip(frame_names([c.name for c in columns]), enumerate(columns)):
        values = raw[f"c{i}"]
        # a column of NULLs only: None, as the feature iterator's values make it
        data[key] = np.full(n, None, dtype=object) if n and values.isna().all() else _CONVERT[column.kind](values)
    fids = raw["fid"]
    keyed = n and pd.api.types.is_integer_dtype(fids)
    data[FID] = fids.to_numpy(dtype=np.int64) if keyed else np.arange(first, first + n, dtype=np.int64)
    hexes = raw["geom"].to_numpy(dtype=object)
    geometry = np.full(n, None, dtype=object)
    present = np.flatnonzero(pd.notna(hexes))
    if len(present):
        # bytes.fromhex then binary WKB: GEOS decodes hex text three times slower
        wkb = np.empty(len(present), dtype=object)
        wkb[:] = [bytes.fromhex(h) for h in hexes[present].tolist()]
        shapes = shapely.from_wkb(wkb)
        shapes[shapely.is_empty(shapes)] = None
        geometry[present] = shapes
    return gpd.GeoDataFrame(data, geometry=geometry, crs=crs)


def _read_csv(chunk: bytes, names: list[str], dtypes: dict) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(chunk),
        header=None,
        names=names,
        dtype=dtypes,
        keep_default_na=False,
        # PostgreSQL writes a float NaN as "NaN": NaN in the frame either way (as QGIS's reader gives it)
        na_values={n: ["", "NaN"] if dtypes.get(n) == "float64" else [""] for n in names},
        quotechar='"',
        doublequote=True,
        escapechar=None,
        encoding="utf-8",
        engine="c",
        float_precision="round_trip",  # exact: pandas' own float parser can be one unit in the last place off
        low_memory=False,
    )


#: How pandas reads each kind; integers by inference (int64, or float64 where a NULL is: the
#: nullable Int64 parser is half as fast again and the feature iterator's columns are the same).
_CSV_DTYPES = {
    "int": None, "float": "float64", "bool": object, "text": object, "date": object, "time": object,
    "datetime": object,
}  # fmt: skip


def _ints(series: pd.Series):
    """As the feature iterator's values become: int64, or float64 with NaN where a value is NULL."""
    if series.isna().any() or not pd.api.types.is_integer_dtype(series):
        return series.astype("float64")
    return series.astype("int64")


def _text(series: pd.Series):
    values = series.to_numpy(dtype=object)
    out = np.full(len(values), None, dtype=object)
    present = np.flatnonzero(pd.notna(values))
    out[present] = [v[1:] for v in values[present].tolist()]
    return out


def _bools(series: pd.Series):
    values = series.map({"t": True, "f": False})
    return values.astype(bool) if values.notna().all() else values.astype(object).where(values.notna(), None)


def _by_unique(parse):
    """Parse each distinct value once (a column of dates has few): python objects, None for NULL."""

    def convert(series: pd.Series):
        values = series.to_numpy(dtype=object)
        out = np.full(len(values), None, dtype=object)
        present = pd.notna(values)
        if present.any():
            codes, uniques = pd.factorize(values[present])
            parsed = np.array([parse(u) for u in uniques] + [None], dtype=object)[:-1]
            out[present] = parsed[codes]
        return out

    return convert


def _date(text: str):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # 'infinity', dates before year 1: QGIS reads them as no date either
        return None


def _time(text: str):
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        return None


def _datetime(text: str):
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:  # 'infinity': QGIS reads it as no time either
        return None


def _datetimes(series: pd.Series):
    """datetime64 (NaT for NULL), as a column of QGIS's datetimes becomes; 'infinity' is no time.
    A column with a time pandas cannot hold (before 1677, after 2262: ``9999-12-31`` for "open")
    is read as Python datetimes instead, each kept."""
    stamps = pd.to_datetime(series, format="ISO8601", errors="coerce")
    lost = stamps.isna().to_numpy() & series.notna().to_numpy()
    if lost.any() and any(_datetime(v) is not None for v in series[lost].unique().tolist()):
        return _by_unique(_datetime)(series)
    return stamps.to_numpy()


_CONVERT = {
    "int": _ints,
    "float": lambda s: s.to_numpy(dtype="float64"),
    "bool": _bools,
    "text": _text,
    "date": _by_unique(_date),
    "time": _by_unique(_time),
    "datetime": _datetimes,
}


# writing ---------------------------------------------------------------------------------------------

#: QVariant / QMetaType numbers of the field types written by COPY (the same in Qt 5 and 6), and
#: the PostgreSQL type each becomes.
_BOOL, _INT, _LONG, _DOUBLE, _STRING, _DATE, _TIME, _DATETIME = 1, 2, 4, 6, 10, 14, 15, 16
WRITE_TYPES = {
    _BOOL: "boolean", _INT: "integer", _LONG: "bigint", _DOUBLE: "double precision", _STRING: "text",
    _DATE: "date", _TIME: "time", _DATETIME: "timestamp",
}  # fmt: skip
_GEOMETRY_TYPES = {1: "Point", 2: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon"}
#: COPY text escapes (backslash first is implied by ``str.translate``, which maps each character once).
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"
#: Rows turned into COPY text at a time.
TEXT_ROWS = 50_000


@dataclass
class PgTarget:
    """Where a COPY sink writes: the table's connection and name, and the destination text QGIS
    registered for loading (``key``)."""

    uri: QgsDataSourceUri
    schema: str
    table: str
    geometry: str
    key: str

    @property
    def dest(self) -> str:
        return self.key


def copy_sink(alg, parameters, name: str, context, fields: QgsFields, wkb_type, crs) -> CopyTableSink | None:
    """A COPY sink for output ``name`` when it is a PostGIS table (``postgis:`` destination) whose
    every field type COPY writes; None keeps the other backends."""
    import os

    from qgis.core import QgsProcessingParameterFeatureSink, QgsWkbTypes

    if os.environ.get("GRIDGOV_QGIS_SINK"):  # the plain QGIS path, for comparisons and as a way out
        return None
    if not isinstance(alg.parameterDefinition(name), QgsProcessingParameterFeatureSink):
        return None
    text = sink_text(parameters, name, context)
    if not text.lower().startswith("postgis:"):
        return None
    if any(field_type_number(fields.at(i)) not in WRITE_TYPES for i in range(fields.count())):
        return None
    flat = QgsWkbTypes.flatType(wkb_type)
    if flat != QgsWkbTypes.Type.NoGeometry and int(getattr(flat, "value", flat)) not in _GEOMETRY_TYPES:
        return None
    if sql is None:
        return None
    uri = QgsDataSourceUri(text[len("postgis:") :])
    if not uri.table():
        return None

    key = alg.parameterAsOutputLayer(parameters, name, context)  # registers the layer for loading
    target = PgTarget(uri, uri.schema() or "public", cut_identifier(uri.table()), uri.geometryColumn() or "geom", key)
    return CopyTableSink(target, fields, wkb_type, crs)


class CopyTableSink:
    """A PostGIS table written part by part with ``COPY ... FROM STDIN`` in one transaction.

    The rows go into a new table under a scratch name; :meth:`finish` counts them there, adds the key,
    the spatial index and statistics and commits it under that name; :meth:`committed` (the whole run
    succeeded) puts it in the place of an earlier table of the destination's name. A failed or
    cancelled run (:meth:`discard`, before or after :meth:`finish`) leaves the earlier table as it was."""

    def __init__(self, target: PgTarget, fields: QgsFields, wkb_type, crs) -> None:
        from qgis.core import QgsWkbTypes

        self.target = target
        self.fields = fields
        self.names = [fields.at(i).name() for i in range(fields.count())]
        self.kinds = [field_type_number(fields.at(i)) for i in range(fields.count())]
        flat = QgsWkbTypes.flatType(wkb_type)
        self.geometry_type = _GEOMETRY_TYPES.get(int(getattr(flat, "value", flat)))
        self.srid = int(crs.postgisSrid()) if crs is not None and crs.isValid() else 0
        taken = {n.lower() for n in self.names}
        self.key = next(k for k in ("fid", "gg_fid", "gg_fid2") if k not in taken)
        self.geometry = target.geometry if target.geometry.lower() not in taken else "gg_geom"
        run = uuid.uuid4().hex[:6]  # two runs to one destination never share a scratch table
        tail = f"_gg_new_{run}"
        self.staging = cut_identifier(target.table, MAX_IDENTIFIER_BYTES - len(tail)) + tail
        self.constraint = cut_identifier(target.table, MAX_IDENTIFIER_BYTES - 10) + f"_pk_{run}"
        self.finished = self.swapped = False
        self.layer = None
        self.written = 0
        self._copying: threading.Thread | None = None
        self._failed: tuple | None = None
        self.connection = _connect(target.uri)
        columns = [sql.SQL("{} bigint").format(sql.Identifier(self.key))]
        columns += [
            sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(WRITE_TYPES[k])) for n, k in zip(self.names, self.kinds)
        ]
        if self.geometry_type:
            columns.append(
                sql.SQL("{} geometry({}, {})").format(
                    sql.Identifier(self.geometry), sql.SQL(self.geometry_type), sql.Literal(self.srid)
                )
            )
        self._execute(sql.SQL("CREATE TABLE {} ({})").format(self._ident(self.staging), sql.SQL(", ").join(columns)))
        copied = [self.key, *self.names] + ([self.geometry] if self.geometry_type else [])
        self.copy_statement = (
            sql.SQL("COPY {} ({}) FROM STDIN")
            .format(self._ident(self.staging), sql.SQL(", ").join(map(sql.Identifier, copied)))
            .as_string(self.connection)
        )

    def _ident(self, table: str) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.target.schema), sql.Identifier(table))

    def _execute(self, statement, params=None) -> list:
        import psycopg2

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchall() if cursor.description else []
        except psycopg2.Error as err:
            self.discard()
            raise QgsProcessingException(
                tr("{0}: the database refused the output; nothing was written: {1}").format(
                    self.target.table, str(err).strip()
                )
            ) from err

    def write(self, frame: pd.DataFrame) -> int:
        """Copy every row of ``frame`` (columns in the sink's field order, absent ones NULL).

        The COPY of a part runs in a thread while the caller prepares the next part: the server parses
        and stores rows (about 4 s a million here) while this process places the next ones."""
        n = len(frame)
        if not n:
            return 0
        try:
            data = self._text(frame, n)
        except BaseException:
            self.discard()  # whatever stopped the write, nothing of it stays
            raise
        self._wait()
        self._copying = threading.Thread(
            target=self._copy, args=(data, self.written + 1, self.written + n), name="gridgov-copy-in", daemon=True
        )
        self._copying.start()
        self.written += n
        return n

    def _text(self, frame: pd.DataFrame, n: int) -> bytes:
        """``frame``'s rows as COPY text, UTF-8."""
        geoms = None
        if self.geometry_type and isinstance(frame, gpd.GeoDataFrame):
            geoms = np.asarray(frame.geometry.values, dtype=object)
        pieces = []
        # the text of TEXT_ROWS rows at a time: a value as a Python string costs ~50 bytes, so a whole
        # part's columns as strings would hold ~300 MB more at the peak
        for start in range(0, n, TEXT_ROWS):
            rows = slice(start, min(n, start + TEXT_ROWS))
            first = self.written + start
            columns = [[str(i) for i in range(first + 1, first + rows.stop - start + 1)]]
            for name, kind in zip(self.names, self.kinds):
                if name in frame.columns:
                    series = frame[name].iloc[rows].reset_index(drop=True)
                else:
                    series = pd.Series([None] * (rows.stop - start), dtype=object)
                columns.append(_copy_text(series, kind, name, first))
            if self.geometry_type:
                columns.append(self._geometry_text(None if geoms is None else geoms[rows], rows.stop - start))
            text = "\n".join(map("\t".join, zip(*columns))) + "\n"
            try:
                pieces.append(text.encode("utf-8"))
            except UnicodeEncodeError as err:  # a lone surrogate (from a broken decoding upstream)
                raise _not_utf8(columns, [self.key, *self.names], first) from err
            del columns, text
        return b"".join(pieces)

    def _copy(self, data: bytes, first: int, last: int) -> None:
        try:
            with self.connection.cursor() as cursor:
                cursor.copy_expert(self.copy_statement, io.BytesIO(data), size=1 << 20)
        except Exception as err:  # raised in the caller's thread by _wait
            self._failed = (first, last, err)

    def _wait(self) -> None:
        """Wait for the COPY under way; its failure stops the run with the rows it held."""
        if self._copying is not None:
            self._copying.join()
            self._copying = None
        if self._failed is not None:
            first, last, err = self._failed
            self.discard()
            raise QgsProcessingException(
                tr("{0}: the database refused rows {1} to {2}; nothing was written: {3}").format(
                    self.target.table, first, last, str(err).strip() or type(err).__name__
                )
            ) from err

    def _geometry_text(self, geoms: np.ndarray | None, n: int) -> list[str]:
        """Hex EWKB (the SRID in the header, as the column's type wants), NULL for no geometry."""
        if geoms is None:
            return [NULL] * n
        present = np.flatnonzero(pd.notna(geoms))
        out = np.full(n, NULL, dtype=object)
        if len(present):
            shapes = geoms[present]
            if self.geometry_type.startswith("Multi"):
                shapes = _as_multi(shapes, self.geometry_type)
            # little-endian WKB with the SRID flag and the SRID put into its header: twice as fast as
            # shapely writing hex EWKB of geometries given an SRID first
            srid = self.srid.to_bytes(4, "little", signed=True)
            wkb = shapely.to_wkb(shapes, output_dimension=2, byte_order=1)
            out[present] = [
                (w[:1] + (int.from_bytes(w[1:5], "little") | 0x20000000).to_bytes(4, "little") + srid + w[5:]).hex()
                for w in wkb.tolist()
            ]
        return out.tolist()

    def finish(self) -> int:
        """Count the rows in the new table, key, index and analyse it, and commit it under its scratch
        name. The destination is not touched: :meth:`committed` swaps it in when the whole run has
        succeeded, :meth:`discard` drops it when the run fails or is cancelled after this."""
        self._wait()
        staging = self._ident(self.staging)
        ((landed,),) = self._execute(sql.SQL("SELECT count(*) FROM {}").format(staging))
        steps = [
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})").format(
                staging, sql.Identifier(self.constraint), sql.Identifier(self.key)
            )
        ]
        if self.geometry_type:
            steps.append(sql.SQL("CREATE INDEX ON {} USING gist ({})").format(staging, sql.Identifier(self.geometry)))
        steps.append(sql.SQL("ANALYZE {}").format(staging))
        for statement in steps:
            self._execute(statement)
        self.connection.commit()
        self.connection.close()
        self.finished = True
        return int(landed)

    def committed(self) -> None:
        """The run succeeded: the new table takes the destination's place (and name) in one transaction,
        and the layer handed to QGIS follows it."""
        import psycopg2

        if not self.finished or self.swapped:
            return
        connection = _connect(self.target.uri)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self._ident(self.target.table)))
                cursor.execute(
                    sql.SQL("ALTER TABLE {} RENAME TO {}").format(
                        self._ident(self.staging), sql.Identifier(self.target.table)
                    )
                )
            connection.commit()
        except psycopg2.Error as err:
            connection.rollback()
            raise QgsProcessingException(
                tr("{0}: the database refused the output; nothing was written: {1}").format(
                    self.target.table, str(err).strip()
                )
            ) from err
        finally:
            connection.close()
        self.swapped = True
        if self.layer is not None:
            self.layer.setDataSource(self._uri(self.target.table).uri(False), self.layer.name(), "postgres")

    def discard(self, keeps_file: bool = False) -> None:
        """Roll everything back: no new table, an earlier one as it was."""
        copying, self._copying = self._copying, None
        if copying is not None and copying.is_alive():
            with contextlib.suppress(Exception):
                self.connection.cancel()
            copying.join(timeout=30)
        with contextlib.suppress(Exception):
            self.connection.rollback()
        with contextlib.suppress(Exception):
            self.connection.close()
        if self.finished and not self.swapped:  # committed under its scratch name: dropped
            with contextlib.suppress(Exception):
                connection = _connect(self.target.uri)
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self._ident(self.staging)))
                    connection.commit()
                finally:
                    connection.close()

    def _uri(self, table: str) -> QgsDataSourceUri:
        from qgis.core import QgsWkbTypes

        uri = QgsDataSourceUri(self.target.uri)
        uri.setDataSource(self.target.schema, table, self.geometry if self.geometry_type else None, "", self.key)
        uri.setSrid("")
        uri.setWkbType(QgsWkbTypes.Type.Unknown)
        return uri

    def publish(self, context, description: str) -> str:
        """Hand the table to QGIS as a layer of the run; returns its layer id (what the run returns:
        no connection text, so no password, reaches the results or the log)."""
        from qgis.core import QgsVectorLayer

        # the table under its scratch name until the run succeeds (committed() moves the layer along)
        table = self.target.table if self.swapped else self.staging
        layer = QgsVectorLayer(self._uri(table).uri(False), description, "postgres")
        if not layer.isValid():
            raise QgsProcessingException(tr("The output table {0} cannot be read back").format(self.target.table))
        context.temporaryLayerStore().addMapLayer(layer)
        self.layer = layer
        if self.target.key != layer.id() and context.willLoadLayerOnCompletion(self.target.key):
            layers = dict(context.layersToLoadOnCompletion())
            layers[layer.id()] = layers.pop(self.target.key)
            context.setLayersToLoadOnCompletion(layers)
        return layer.id()


def _as_multi(shapes: np.ndarray, kind: str) -> np.ndarray:
    """Single parts as one-part multi-geometries (the column's type), vectorised."""
    out = np.array(shapes, dtype=object, copy=True)
    single = {"MultiPolygon": (3, shapely.multipolygons), "MultiLineString": (1, shapely.multilinestrings),
              "MultiPoint": (0, shapely.multipoints)}[kind]  # fmt: skip
    where = np.flatnonzero(shapely.get_type_id(out) == single[0])
    if len(where):
        out[where] = single[1](out[where], indices=np.arange(len(where)))
    return out


def _not_utf8(columns: list[list[str]], names: list[str], first_row: int) -> QgsProcessingException:
    """The first value that cannot be written as UTF-8, named by row and field."""
    for name, values in zip(names, columns):
        for row, value in enumerate(values):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return QgsProcessingException(
                    tr("row {0}, field {1}: the text {2!r} is not valid Unicode and cannot be stored").format(
                        first_row + row + 1, name, value
                    )
                )
    return QgsProcessingException(tr("A text is not valid Unicode and cannot be stored"))


def _refused(row: int, field: str, value, kind: int) -> QgsProcessingException:
    return QgsProcessingException(
        tr("row {0}, field {1}: the value {2!r} cannot be stored as {3}").format(row, field, value, WRITE_TYPES[kind])
    )


def _first_bad(bad: np.ndarray, series: pd.Series, name: str, kind: int, first_row: int) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _refused(first_row + row + 1, name, series.iloc[row], kind)


def _copy_text(series: pd.Series, kind: int, name: str, first_row: int) -> list[str]:
    """A column as COPY text values (``\\N`` for NULL), converted column-wide; a value the field type
    cannot hold is a :class:`QgsProcessingException` naming its row and field."""
    missing = series.isna().to_numpy()
    n = len(series)
    out = np.full(n, NULL, dtype=object)
    present = np.flatnonzero(~missing)
    if not len(present):
        return out.tolist()
    if kind == _STRING:
        values = series.to_numpy(dtype=object)[present]
        if pd.api.types.infer_dtype(values, skipna=True) != "string":
            values = np.array([value_text(v) for v in values.tolist()], dtype=object)
        texts = values.tolist()
        joined = "".join(texts)
        if "\x00" in joined:
            bad = np.array(["\x00" in t for t in texts])
            row = int(present[np.flatnonzero(bad)[0]])
            raise QgsProcessingException(
                tr("row {0}, field {1}: the text holds a NUL character, which PostgreSQL cannot store").format(
                    first_row + row + 1, name
                )
            )
        if any(c in joined for c in "\\\t\n\r"):
            texts = [t.translate(_ESCAPES) for t in texts]
        out[present] = texts
        return out.tolist()
    if kind in (_INT, _LONG, _DOUBLE):
        numbers = pd.to_numeric(series, errors="coerce") if series.dtype == object else series
        if kind != _DOUBLE and series.dtype == object:
            with contextlib.suppress(TypeError, ValueError, OverflowError):  # Python ints: every digit kept
                numbers = pd.Series(pd.array(series.tolist(), dtype="Int64"))
        if pd.api.types.is_bool_dtype(numbers):
            numbers = numbers.astype(np.int64)
        floats = np.asarray(numbers, dtype=float)
        _first_bad(np.isnan(floats) & ~missing, series, name, kind, first_row)
        if kind == _DOUBLE:
            out[present] = list(map(repr, floats[present].tolist()))
            return out.tolist()
        if pd.api.types.is_integer_dtype(numbers):
            ints = pd.Series(numbers).to_numpy(dtype=np.int64, na_value=0)[present]  # nullable: no float on the way
        else:
            whole = np.isfinite(floats) & (np.floor(floats) == floats) & (np.abs(floats) < 2.0**63)
            _first_bad(~missing & ~whole, series, name, kind, first_row)
            ints = floats[present].astype(np.int64)
        if kind == _INT:
            too_big = np.zeros(n, dtype=bool)
            too_big[present] = (ints > 2**31 - 1) | (ints < -(2**31))
            _first_bad(too_big, series, name, kind, first_row)
        out[present] = list(map(str, ints.tolist()))
        return out.tolist()
    if kind == _BOOL:
        values = series.to_numpy(dtype=object)[present]
        bad = np.zeros(n, dtype=bool)
        bad[present] = [not isinstance(v, (bool, np.bool_)) for v in values.tolist()]
        _first_bad(bad, series, name, kind, first_row)
        out[present] = ["t" if v else "f" for v in values.tolist()]
        return out.tolist()
    if kind == _TIME:
        values = series.to_numpy(dtype=object)[present]
        bad = np.zeros(n, dtype=bool)
        bad[present] = [not isinstance(v, dt.time) for v in values.tolist()]
        _first_bad(bad, series, name, kind, first_row)
        out[present] = [v.isoformat() for v in values.tolist()]
        return out.tolist()
    stamps = pd.to_datetime(series, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    lost = stamps.isna().to_numpy() & ~missing
    unit = "datetime64[D]" if kind == _DATE else "datetime64[us]"
    out[present] = np.datetime_as_string(stamps.to_numpy()[present].astype(unit)).tolist()
    for row in np.flatnonzero(lost):  # dates pandas cannot hold (9999-12-31 for "open"): written as they are
        value = series.iloc[row]
        if isinstance(value, dt.datetime):
            out[row] = value.date().isoformat() if kind == _DATE else value.replace(tzinfo=None).isoformat(sep=" ")
        elif isinstance(value, dt.date):
            out[row] = value.isoformat()
        else:
            raise _refused(first_row + row + 1, name, value, kind)
    return out.tolist()


#: PostgreSQL cuts identifiers at NAMEDATALEN - 1 = 63 bytes (not characters).
MAX_IDENTIFIER_BYTES = 63


def cut_identifier(name: str, limit: int = MAX_IDENTIFIER_BYTES) -> str:
    """``name`` cut to ``limit`` UTF-8 bytes on a character boundary, as PostgreSQL would keep it
    (PostgreSQL itself may cut inside a character)."""
    data = name.encode("utf-8")
    if len(data) <= limit:
        return name
    return data[:limit].decode("utf-8", errors="ignore")


def sink_text(parameters, name: str, context) -> str:
    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink.valueAsString(context.expressionContext())[0]
    return "" if value is None else str(value)
