"""Run ``gridgov:findrepeats`` in PostGIS when its inputs allow it; say why not otherwise."""

from __future__ import annotations

from psycopg2 import sql

from gridgov.layers.postgis import connection as pg
from gridgov.layers.postgis.findrepeats_sql import (
    RepeatsSpec,
    loop_statement,
    rates_statement,
    result_statement,
    rows_statement,
    run_statement,
)
from gridgov.layers.postgis.geolocate_sql import Table
from gridgov.layers.postgis.pushdown import destination, load_result, replace_steps
from gridgov.layers.postgis.source import NotInDatabase, pg_table, require_time_field
from gridgov.layers.processing.base import tr


def plan(alg, parameters, context):
    orders = pg_table(alg, parameters, "INPUT", context, required=True)
    layer = alg.parameterAsVectorLayer(parameters, "INPUT", context)
    if layer.crs().isGeographic():
        raise NotInDatabase(tr("INPUT is in geographic coordinates"))
    names = {}
    for name in ("CATEGORY_FIELD", "TIME_FIELD", "GRID_FIELD"):
        names[name] = alg.parameterAsString(parameters, name, context)
        if names[name] and names[name] not in orders.fields:
            raise NotInDatabase(tr("{0}: no field {1!r}").format(name, names[name]))
    require_time_field(alg, parameters, context, names["TIME_FIELD"])
    return orders, names


def findrepeats_in_database(alg, parameters, context, feedback) -> dict | None:
    try:
        orders, names = plan(alg, parameters, context)
        dest = destination(parameters, "OUTPUT", context, orders, "repeats")
        rates = None
        if names["GRID_FIELD"] and parameters.get("RATES") is not None:
            rates = destination(parameters, "RATES", context, orders, "repeat_rates")
            rates.table = Table(rates.table.schema, rates.table.name, "")  # a table without geometry
    except NotInDatabase as reason:
        feedback.pushInfo(tr("Running in the engine, not in PostGIS: {0}").format(reason))
        return None
    feedback.pushInfo(
        tr("Running in PostGIS ({0}): every input is a table of that database").format(orders.uri.database())
    )
    spec = RepeatsSpec(
        orders=orders.sql_table(),
        key=orders.key,
        category=names["CATEGORY_FIELD"],
        time=names["TIME_FIELD"],
        result=dest.table,
        distance=alg.parameterAsDouble(parameters, "DISTANCE", context),
        days=alg.parameterAsDouble(parameters, "DAYS", context),
        grid_field=names["GRID_FIELD"] or None,
        rates=rates.table if rates else None,
    )
    steps = [
        (tr("orders in time order"), rows_statement(spec), None),
        (tr("the repeat rule"), *loop_statement()),
        (tr("the repeat rule"), *run_statement(spec)),
        *replace_steps(dest.table, orders.key, *result_statement(spec)),
    ]
    if rates is not None:
        steps += [
            (
                tr("drop the earlier {0}").format(rates.table.name),
                sql.SQL("DROP TABLE IF EXISTS {}").format(rates.table.ident),
                None,
            ),
            (tr("create {0}").format(rates.table.name), rates_statement(spec), None),
        ]
    connection = pg.connect(orders)
    try:
        seconds = pg.run_job(connection, steps, feedback)
        ((cases, unchecked),) = pg.fetch(
            connection,
            sql.SQL(
                "SELECT count(DISTINCT case_id) FILTER (WHERE case_id <> ''), "
                "count(*) FILTER (WHERE case_id = '') FROM {}"
            ).format(dest.table.ident),
        )
        connection.rollback()
    finally:
        connection.close()
    feedback.pushInfo(
        tr("PostGIS grouped the orders into {0} cases in {1:.1f} s; {2} orders could not be checked").format(
            cases, seconds, unchecked
        )
    )
    output = load_result(
        alg, parameters, "OUTPUT", context, feedback, orders, dest, orders.key, "orders_points",
        tr("Orders with cases"), events=True,
    )  # fmt: skip
    results = {"OUTPUT": output, "CASES": int(cases)}
    if rates is not None:
        results["RATES"] = load_result(
            alg,
            parameters,
            "RATES",
            context,
            feedback,
            orders,
            rates,
            names["GRID_FIELD"],
            "",
            tr("Repeat rate per grid"),
        )
    return results
