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
    QgsProcessingOutputLayerDefinition,
    QgsVectorLayer,
    QgsWkbTypes,
)

from gridgov.layers.postgis.geolocate_sql import Table
from gridgov.layers.postgis.source import NotInDatabase, PgTable
from gridgov.layers.processing.base import StyleOnLoad, tr

TEMPORARY = ("TEMPORARY_OUTPUT", "")


@dataclass
class Destination:
    """Where a run's result goes: the database table, and the file it is copied to (if any)."""

    table: Table
    copy_to_sink: bool


def _sink_text(parameters, name: str, context) -> str:
    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink.valueAsString(context.expressionContext())[0]
    return "" if value is None else str(value)


def destination(parameters, name: str, context, near: PgTable, suffix: str) -> Destination:
    """The result table for output ``name``: a ``postgis:`` destination on ``near``'s database, else
    ``<near's table>_<suffix>`` in ``near``'s schema (copied on to the file the user chose, if any)."""
    text = _sink_text(parameters, name, context)
    if text.startswith("postgis:"):
        uri = QgsDataSourceUri(text[len("postgis:") :])
        same = (uri.service(), uri.host(), uri.port() or "5432", uri.database()) == near.database
        if not same or not uri.table():
            raise NotInDatabase(tr("{0} is a table of another database").format(name))
        return Destination(Table(uri.schema() or near.schema, uri.table(), "geom"), False)
    table = Table(near.schema, f"{near.table}_{suffix}"[:63], "geom")
    return Destination(table, text not in TEMPORARY and not text.startswith("memory:"))


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
        sink, dest_id = alg.parameterAsSink(parameters, name, context, layer.fields(), layer.wkbType(), layer.crs())
        if sink is None:
            raise QgsProcessingException(alg.invalidSinkError(parameters, name))
        for feature in layer.getFeatures():
            if feedback.isCanceled():
                break
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        if style:
            StyleOnLoad.attach(context, dest_id, style, title, events=events)
        return dest_id
    details = QgsProcessingContext.LayerDetails(title, context.project(), name)
    context.addLayerToLoadOnCompletion(source, details)
    if style:
        StyleOnLoad.attach(context, source, style, title, events=events)
    feedback.pushInfo(tr("Result table {0}.{1}").format(dest.table.schema, dest.table.name))
    return source
