"""What every in-database run shares: the result table, its indexes, side tables and loading it.

A run writes one result table next to its orders (``<orders>_<suffix>`` in the orders' schema) or
where a ``postgis:`` destination points, replacing an earlier result of the same name inside the
run's transaction; the table is loaded into QGIS as a PostGIS layer. When the user asked for a file
instead, the result is copied into that file after the database has done the work.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg2 import sql
from qgis.core import (
    QgsDataSourceUri,
    QgsFeatureSink,
    QgsProcessingContext,
    QgsProcessingException,
    QgsVectorLayer,
    QgsWkbTypes,
)

from gridgov.layers.backends.postgis.geolocate_sql import Table
from gridgov.layers.backends.postgis.source import NotInDatabase, PgTable
from gridgov.layers.io.postgis_copy import MAX_IDENTIFIER_BYTES, cut_identifier, sink_text
from gridgov.layers.runtime.translation import tr
from gridgov.layers.styling.layer_styles import StyleOnLoad

TEMPORARY = ("TEMPORARY_OUTPUT", "")


@dataclass
class Destination:
    """Where a run's result goes: the database table, and the file it is copied to (if any)."""

    table: Table
    copy_to_sink: bool


def destination(parameters, name: str, context, near: PgTable, suffix: str) -> Destination:
    """The result table for output ``name``: a ``postgis:`` destination on ``near``'s database, else
    ``<near's table>_<suffix>`` in ``near``'s schema (copied on to the file the user chose, if any)."""
    text = sink_text(parameters, name, context)
    if text.startswith("postgis:"):
        uri = QgsDataSourceUri(text[len("postgis:") :])
        same = (uri.service(), uri.host(), uri.port() or "5432", uri.database()) == near.database
        if not same or not uri.table():
            raise NotInDatabase(tr("{0} is a table of another database").format(name))
        table = Table(uri.schema() or near.schema, cut_identifier(uri.table()), "geom")
        if (table.schema, table.name) == (near.schema, cut_identifier(near.table)):
            raise QgsProcessingException(
                tr("{0} names the input table {1}.{2}: the result would replace its own input").format(
                    name, near.schema, near.table
                )
            )
        return Destination(table, False)
    table = Table(near.schema, result_name(near.table, suffix), "geom")
    return Destination(table, text not in TEMPORARY and not text.startswith("memory:"))


def result_name(table: str, suffix: str) -> str:
    """``<table>_<suffix>`` within 63 bytes: the table's part is cut (on a character boundary) so the
    suffix stays, and the name never equals the input's own (which the run would drop)."""
    own = cut_identifier(table)
    for number in ("", *map(str, range(2, 100))):
        tail = f"_{suffix}{number}"
        name = cut_identifier(table, MAX_IDENTIFIER_BYTES - len(tail.encode("utf-8"))) + tail
        if name != own:
            return name
    raise QgsProcessingException(tr("No name for the result of {0}").format(table))


def without_password(source: str) -> str:
    """A layer source (``postgres://…`` or a plain data source URI) with its password left out, for
    results and the log: QgsDataSourceUri rebuilds it, so quoting stays right."""
    prefix = "postgres://" if source.startswith("postgres://") else ""
    uri = QgsDataSourceUri(source[len(prefix) :])
    if not uri.password():
        return source
    uri.setPassword("")
    return prefix + uri.uri(False)


def gist_index_steps(tables: list[Table], connection) -> list[tuple[str, object, None]]:
    """Statements creating the GiST index each table's geometry column lacks."""
    steps = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                """SELECT count(*) FROM pg_index i
                   JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                   JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
                   WHERE n.nspname = %s AND c.relname = %s AND a.attname = %s AND am.amname IN ('gist', 'spgist')""",
                (table.schema, table.name, table.geometry),
            )
            if cursor.fetchone()[0] == 0:
                steps.append(
                    (
                        tr("GiST index on {0}.{1}").format(table.name, table.geometry),
                        sql.SQL("CREATE INDEX ON {} USING gist ({})").format(
                            table.ident, sql.Identifier(table.geometry)
                        ),
                        None,
                    )
                )
        connection.rollback()  # the look-up opened a transaction: the job starts its own
    return steps


def replace_steps(result: Table, key: str, statement, params) -> list[tuple[str, object, object]]:
    """Drop an earlier result, create the new one, give it its key, spatial index and statistics.

    The result statement joins keys and codes by hash: before a partitioned table's partitions are
    analysed the planner may join a million orders to 20,000 grid codes in a nested loop (minutes).
    Spatial joins have no other method and keep their nested loops.
    """
    return [
        (tr("plan"), sql.SQL("SET LOCAL enable_nestloop = off"), None),
        (tr("drop the earlier {0}").format(result.name), sql.SQL("DROP TABLE IF EXISTS {}").format(result.ident), None),
        (tr("create {0}").format(result.name), statement, params),
        (
            tr("key and index of {0}").format(result.name),
            sql.SQL("ALTER TABLE {t} ADD PRIMARY KEY ({k}); CREATE INDEX ON {t} USING gist (geom); ANALYZE {t}").format(
                t=result.ident, k=sql.SQL(", ").join(sql.Identifier(k) for k in key.split(","))
            ),
            None,
        ),
    ]


def result_layer_source(near: PgTable, result: Table, key: str) -> str:
    """The result table as a ``postgres://`` layer string: the connection of ``near``, credentials
    left as QGIS keeps them (an ``authcfg`` id is not expanded)."""
    uri = QgsDataSourceUri(near.uri)
    uri.setDataSource(result.schema, result.name, result.geometry or None, "", key)
    uri.setSrid("")
    uri.setWkbType(QgsWkbTypes.Type.Unknown)  # the enum: QGIS 3.40's binding refuses a plain 0
    return "postgres://" + uri.uri(False)


#: Features handed to the file sink at a time when a result table is copied to a file.
COPY_BATCH = 10_000


def load_result(
    alg,
    parameters,
    name: str,
    context,
    feedback,
    near: PgTable,
    dest: Destination,
    key: str,
    style: str,
    title: str,
    events: bool = False,
) -> str:
    """Hand the result table to QGIS: loaded on completion (and styled), or copied to the user's file."""
    source = result_layer_source(near, dest.table, key)
    if dest.copy_to_sink:
        layer = QgsVectorLayer(source[len("postgres://") :], title, "postgres")
        if not layer.isValid():
            raise QgsProcessingException(tr("Cannot open the result table {0}").format(dest.table.name))
        from gridgov.layers.outputs.run_outputs import RowSink
        from gridgov.layers.runtime.cancel import raise_cancelled

        # through RowSink: the rows are counted in the file, and a cancelled run leaves no file
        sink = RowSink.opened(alg, parameters, name, context, layer.fields(), layer.wkbType(), layer.crs())
        batch = []
        for feature in layer.getFeatures():
            if feedback.isCanceled():
                raise_cancelled()
            batch.append(feature)
            if len(batch) >= COPY_BATCH:
                sink.add(batch, QgsFeatureSink.Flag.FastInsert)
                batch = []
        if batch:
            sink.add(batch, QgsFeatureSink.Flag.FastInsert)
        sink.close()
        if style:
            StyleOnLoad.attach(context, sink.dest, style, title, events=events)
        return sink.dest
    details = QgsProcessingContext.LayerDetails(title, context.project(), name)
    # the layer QGIS loads keeps the connection as given; what results and the log show has no password
    context.addLayerToLoadOnCompletion(source, details)
    if style:
        StyleOnLoad.attach(context, source, style, title, events=events)
    feedback.pushInfo(tr("Result table {0}.{1}").format(dest.table.schema, dest.table.name))
    return without_password(source)
