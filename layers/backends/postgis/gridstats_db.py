"""Run ``gridgov:gridstats`` in PostGIS when its inputs allow it; say why not otherwise."""

from __future__ import annotations

import pandas as pd

from gridgov.grid_ops.analytics.gridstats import PANDAS_PERIOD, GridStatsRequest
from gridgov.layers.backends.postgis import connection as pg
from gridgov.layers.backends.postgis.geolocate_sql import Table
from gridgov.layers.backends.postgis.gridstats_sql import GridStatsSpec, facts_statement, stats_statement
from gridgov.layers.backends.postgis.pushdown import destination, gist_index_steps, load_result, replace_steps
from gridgov.layers.backends.postgis.source import (
    NotInDatabase,
    PgTable,
    is_given,
    one_database,
    pg_table,
    require_time_field,
)
from gridgov.layers.runtime.translation import tr

#: Filters the engine applies (mixed-format times, hours across midnight, case groups).
ENGINE_ONLY = ("CATEGORIES", "DATE_FROM", "DATE_TO", "HOURS", "TABLE")


def engine_only(request: GridStatsRequest, parameters) -> list[str]:
    """The parameters of ENGINE_ONLY that are set: the filters ``request`` names, and the TABLE output."""
    chosen = request.filter
    given = {
        "CATEGORIES": bool(chosen.categories),
        "DATE_FROM": chosen.date_from is not None,
        "DATE_TO": chosen.date_to is not None,
        "HOURS": bool(chosen.hours),
        "TABLE": is_given(parameters, "TABLE"),
    }
    return [name for name in ENGINE_ONLY if given[name]]


def _field(name: str, chosen: str, table: PgTable) -> str:
    """A field the request names (``chosen``, '' for none) that the table must have."""
    if chosen and chosen not in table.fields:
        raise NotInDatabase(tr("{0}: the layer has no field {1!r}").format(name, chosen))
    return chosen


def plan(request: GridStatsRequest, alg, parameters, context) -> tuple[GridStatsSpec, PgTable, PgTable]:
    """The SQL's spec of ``request``, and the orders' and grids' tables; NotInDatabase says why the
    engine has to run it instead."""
    for name in engine_only(request, parameters):
        raise NotInDatabase(tr("{0} is set").format(name))
    orders = pg_table(alg, parameters, "INPUT", context, required=True)
    grids = pg_table(alg, parameters, "GRIDS", context, required=True)
    one_database({"INPUT": orders, "GRIDS": grids})
    if "," in grids.key:
        raise NotInDatabase(tr("{0} has no single key column").format("GRIDS"))
    code = request.grid_fields.code_field
    if code not in grids.fields:
        raise NotInDatabase(tr("CODE_FIELD: the grids have no field {0!r}").format(code))
    category, time = request.filter.fields_in(orders.fields)
    time = _field("TIME_FIELD", time, orders)
    if time:
        require_time_field(alg, parameters, context, time)
    return _spec(request, orders, grids, category, time), orders, grids


def _spec(request: GridStatsRequest, orders: PgTable, grids: PgTable, category: str, time: str) -> GridStatsSpec:
    """The SQL's spec: the tables, and the fields ``request`` names that they have (the grid and
    category fields must be there when given; a repeat or households field may be missing)."""
    return GridStatsSpec(
        orders=orders.sql_table(),
        grids=grids.sql_table(),
        grid_key=grids.key,
        order_key=orders.key,
        code=request.grid_fields.code_field,
        result=Table("", "", "geom"),
        grid_field=_field("GRID_FIELD", request.grid_fields.grid_field_in(orders.fields), orders) or None,
        category=_field("CATEGORY_FIELD", category, orders) or None,
        time=time or None,
        period=request.period,
        repeat=request.repeat_field if request.repeat_field in orders.fields else None,
        households=request.population_field if request.population_field in grids.fields else None,
        area_field="area_m2" if "area_m2" in grids.fields else None,
    )


def gridstats_in_database(alg, parameters, context, feedback, request: GridStatsRequest) -> dict | None:
    """``request`` run in PostGIS: the results, or None when the engine has to run it (the reason is
    logged)."""
    try:
        spec, orders, grids = plan(request, alg, parameters, context)
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
        seconds = _count(connection, spec, grids, dest, request.current, feedback)
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


def _count(connection, spec: GridStatsSpec, grids: PgTable, dest, current: str, feedback) -> float:
    """The counts written to ``dest`` by one job; the seconds it took. The class-case columns and the
    current period (``current``, '' for the latest) come from a first look at the orders."""
    facts = pg.fetch(connection, facts_statement(spec))
    connection.rollback()
    frequency = {value: n for kind, value, n in facts if kind == "class"}
    classes = sorted(frequency, key=lambda c: (-frequency[c], c))[:12] if spec.category else []
    latest = next((value for kind, value, _ in facts if kind == "latest"), None)
    current_label = previous = None
    if spec.time and latest is not None:
        try:
            cur = pd.Period(current or latest, PANDAS_PERIOD[spec.period])
        except ValueError as err:
            raise NotInDatabase(str(err)) from err
        current_label, previous = str(cur), str(cur - 1)
        feedback.pushInfo(tr("Current period {0}, previous {1}").format(current_label, previous))
    grid_columns = [f for f in grids.fields if f != grids.geometry]
    statement, params = stats_statement(spec, grid_columns, classes, current_label, previous)
    steps = gist_index_steps([spec.grids], connection) if not spec.grid_field else []
    steps += replace_steps(dest.table, grids.key, statement, params)
    return pg.run_job(connection, steps, feedback)
