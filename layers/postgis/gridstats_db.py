"""Run ``gridgov:gridstats`` in PostGIS when its inputs allow it; say why not otherwise."""

from __future__ import annotations

import pandas as pd

from gridgov.grid_ops.analytics.gridstats import PANDAS_PERIOD, PERIODS
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.postgis import connection as pg
from gridgov.layers.postgis.geolocate_sql import Table
from gridgov.layers.postgis.gridstats_sql import GridStatsSpec, facts_statement, stats_statement
from gridgov.layers.postgis.pushdown import destination, gist_index_steps, load_result, replace_steps
from gridgov.layers.postgis.source import NotInDatabase, PgTable, is_given, one_database, pg_table, require_time_field
from gridgov.layers.processing.base import tr

#: Filters the engine applies (mixed-format times, hours across midnight, case groups).
ENGINE_ONLY = ("CATEGORIES", "DATE_FROM", "DATE_TO", "HOURS", "TABLE")


def _field(alg, parameters, name: str, context, table: PgTable) -> str:
    """The field chosen for ``name``; a default name the table lacks counts as no field (as the engine)."""
    field = alg.parameterAsString(parameters, name, context)
    if field and field not in table.fields:
        if parameters.get(name):
            raise NotInDatabase(tr("{0}: the layer has no field {1!r}").format(name, field))
        return ""
    return field


def plan(alg, parameters, context) -> tuple[GridStatsSpec, PgTable, PgTable]:
    for name in ENGINE_ONLY:
        if is_given(parameters, name):
            raise NotInDatabase(tr("{0} is set").format(name))
    orders = pg_table(alg, parameters, "INPUT", context, required=True)
    grids = pg_table(alg, parameters, "GRIDS", context, required=True)
    one_database({"INPUT": orders, "GRIDS": grids})
    if "," in grids.key:
        raise NotInDatabase(tr("{0} has no single key column").format("GRIDS"))
    code = alg.parameterAsString(parameters, "CODE_FIELD", context) or GRID_CODE
    if code not in grids.fields:
        raise NotInDatabase(tr("CODE_FIELD: the grids have no field {0!r}").format(code))
    time = _field(alg, parameters, "TIME_FIELD", context, orders)
    if time:
        require_time_field(alg, parameters, context, time)
    repeat = alg.parameterAsString(parameters, "REPEAT_FIELD", context)
    households = alg.parameterAsString(parameters, "POPULATION_FIELD", context)
    return (
        GridStatsSpec(
            orders=orders.sql_table(),
            grids=grids.sql_table(),
            grid_key=grids.key,
            order_key=orders.key,
            code=code,
            result=Table("", "", "geom"),
            grid_field=_field(alg, parameters, "GRID_FIELD", context, orders) or None,
            category=_field(alg, parameters, "CATEGORY_FIELD", context, orders) or None,
            time=time or None,
            period=PERIODS[alg.parameterAsEnum(parameters, "PERIOD", context)],
            repeat=repeat if repeat in orders.fields else None,
            households=households if households in grids.fields else None,
            area_field="area_m2" if "area_m2" in grids.fields else None,
        ),
        orders,
        grids,
    )


def gridstats_in_database(alg, parameters, context, feedback) -> dict | None:
    try:
        spec, orders, grids = plan(alg, parameters, context)
        dest = destination(parameters, "OUTPUT", context, orders, "gridstats")
    except NotInDatabase as reason:
        feedback.pushInfo(tr("Running in the engine, not in PostGIS: {0}").format(reason))
        return None
    spec.result = dest.table
    feedback.pushInfo(
        tr("Running in PostGIS ({0}): every input is a table of that database").format(orders.uri.database())
    )
    connection = pg.connect(orders)
    try:
        facts = pg.fetch(connection, facts_statement(spec))
        connection.rollback()
        frequency = {value: n for kind, value, n in facts if kind == "class"}
        classes = sorted(frequency, key=lambda c: (-frequency[c], c))[:12] if spec.category else []
        latest = next((value for kind, value, _ in facts if kind == "latest"), None)
        current = previous = None
        if spec.time and latest is not None:
            freq = PANDAS_PERIOD[spec.period]
            chosen = alg.parameterAsString(parameters, "CURRENT", context)
            try:
                cur = pd.Period(chosen or latest, freq)
            except ValueError as err:
                raise NotInDatabase(str(err)) from err
            current, previous = str(cur), str(cur - 1)
            feedback.pushInfo(tr("Current period {0}, previous {1}").format(current, previous))
        grid_columns = [f for f in grids.fields if f != grids.geometry]
        statement, params = stats_statement(spec, grid_columns, classes, current, previous)
        steps = gist_index_steps([spec.grids], connection) if not spec.grid_field else []
        steps += replace_steps(dest.table, grids.key, statement, params)
        seconds = pg.run_job(connection, steps, feedback)
    except NotInDatabase as reason:
        feedback.pushInfo(tr("Running in the engine, not in PostGIS: {0}").format(reason))
        return None
    finally:
        connection.close()
    feedback.pushInfo(tr("PostGIS counted the orders of every grid in {0:.1f} s").format(seconds))
    output = load_result(
        alg, parameters, "OUTPUT", context, feedback, orders, dest, grids.key, "grids", tr("Grid statistics")
    )
    return {"OUTPUT": output}
