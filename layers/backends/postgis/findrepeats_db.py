"""Run ``gridgov:findrepeats`` in PostGIS when its inputs allow it; say why not otherwise.

The run takes the algorithm's :class:`~gridgov.grid_ops.orders.repeats.RepeatsRequest`, the one the
engine runs: the database and the engine are two backends of one request.
"""

from __future__ import annotations

from psycopg2 import sql

from gridgov.grid_ops.orders.repeats import RepeatsRequest
from gridgov.layers.backends.postgis import connection as pg
from gridgov.layers.backends.postgis.findrepeats_sql import (
    RepeatsSpec,
    loop_statement,
    rates_statement,
    result_statement,
    rows_statement,
    run_statement,
)
from gridgov.layers.backends.postgis.geolocate_sql import Table
from gridgov.layers.backends.postgis.pushdown import Destination, destination, load_result, replace_steps
from gridgov.layers.backends.postgis.source import NotInDatabase, PgTable, pg_table, require_time_field
from gridgov.layers.runtime.translation import tr


def plan(alg, parameters, context, request: RepeatsRequest) -> PgTable:
    """The orders' table, once the request can run on it in the database (else NotInDatabase says why)."""
    orders = pg_table(alg, parameters, "INPUT", context, required=True)
    layer = alg.parameterAsVectorLayer(parameters, "INPUT", context)
    if layer.crs().isGeographic():
        raise NotInDatabase(tr("INPUT is in geographic coordinates"))
    missing = request.missing_column(orders.fields)
    if missing:
        raise NotInDatabase(tr("{0}: no field {1!r}").format(*missing))
    require_time_field(alg, parameters, context, request.time_field)
    return orders


def findrepeats_in_database(alg, parameters, context, feedback, request: RepeatsRequest) -> dict | None:
    """The results of ``request`` (the run's request, parsed by the algorithm) run in PostGIS, or None
    (the reason logged) when the engine has to run it."""
    try:
        orders = plan(alg, parameters, context, request)
        dest, rates = _destinations(parameters, context, orders, request)
    except NotInDatabase as reason:
        feedback.pushInfo(tr("Running in the engine, not in PostGIS: {0}").format(reason))
        return None
    feedback.pushInfo(
        tr("Running in PostGIS ({0}): every input is a table of that database").format(orders.uri.database())
    )
    spec = RepeatsSpec(
        orders=orders.sql_table(),
        key=orders.key,
        request=request,
        result=dest.table,
        rates=rates.table if rates else None,
    )
    cases = _run(orders, spec, feedback)
    output = load_result(
        alg, parameters, "OUTPUT", context, feedback, orders, dest, orders.key, "orders_points",
        tr("Orders with cases"), events=True,
    )  # fmt: skip
    results = {"OUTPUT": output, "CASES": cases}
    if rates is not None:
        results["RATES"] = load_result(
            alg, parameters, "RATES", context, feedback, orders, rates, request.grid_field, "",
            tr("Repeat rate per grid"),
        )  # fmt: skip
    return results


def _destinations(
    parameters, context, orders: PgTable, request: RepeatsRequest
) -> tuple[Destination, Destination | None]:
    """Where the orders with cases go and, with a grid field and RATES asked for, the rates per grid."""
    dest = destination(parameters, "OUTPUT", context, orders, "repeats")
    if not (request.grid_field and parameters.get("RATES") is not None):
        return dest, None
    rates = destination(parameters, "RATES", context, orders, "repeat_rates")
    rates.table = Table(rates.table.schema, rates.table.name, "")  # a table without geometry
    return dest, rates


def _steps(spec: RepeatsSpec) -> list[tuple]:
    """The job: the orders in time order, the repeat rule as a loop, the result table and the rates."""
    steps = [
        (tr("orders in time order"), rows_statement(spec), None),
        (tr("the repeat rule"), *loop_statement()),
        (tr("the repeat rule"), *run_statement(spec)),
        *replace_steps(spec.result, spec.key, *result_statement(spec)),
    ]
    if spec.rates is not None:
        steps += [
            (
                tr("drop the earlier {0}").format(spec.rates.name),
                sql.SQL("DROP TABLE IF EXISTS {}").format(spec.rates.ident),
                None,
            ),
            (tr("create {0}").format(spec.rates.name), rates_statement(spec), None),
        ]
    return steps


def _run(orders: PgTable, spec: RepeatsSpec, feedback) -> int:
    """Run the job in one transaction; the number of cases it found (also said in the log)."""
    connection = pg.connect(orders)
    try:
        seconds = pg.run_job(connection, _steps(spec), feedback)
        ((cases, unchecked),) = pg.fetch(
            connection,
            sql.SQL(
                "SELECT count(DISTINCT case_id) FILTER (WHERE case_id <> ''), "
                "count(*) FILTER (WHERE case_id = '') FROM {}"
            ).format(spec.result.ident),
        )
        connection.rollback()
    finally:
        connection.close()
    feedback.pushInfo(
        tr("PostGIS grouped the orders into {0} cases in {1:.1f} s; {2} orders could not be checked").format(
            cases, seconds, unchecked
        )
    )
    return int(cases)
