"""Run ``gridgov:geolocate`` in PostGIS when its inputs allow it; say why not otherwise.

It takes the ``GeolocateRequest`` the algorithm parsed, as the engine does: the fields, tolerance
and unit code fields come from the request; only the layers are looked at here (which tables, in
which database).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from psycopg2 import sql
from qgis.core import QgsProcessingException

from gridgov.grid_ops.orders.classify import class_groups_of
from gridgov.grid_ops.responsibility.placement import placed_and_not, roster_by_grid
from gridgov.grid_ops.responsibility.request import GeolocateRequest
from gridgov.layers.backends.postgis import connection as pg
from gridgov.layers.backends.postgis.geolocate_sql import (
    PEOPLE,
    PEOPLE_SOURCES,
    GeolocateSpec,
    Table,
    Unit,
    drop_points_statement,
    geolocate_statement,
    points_steps,
)
from gridgov.layers.backends.postgis.pushdown import destination, gist_index_steps, load_result, replace_steps
from gridgov.layers.backends.postgis.source import NotInDatabase, PgTable, is_given, one_database, pg_table
from gridgov.layers.parameters.unit_layers import UNIT_LAYERS, code_field_of, read_class_cases, read_table
from gridgov.layers.runtime.translation import tr


def engine_only(request: GeolocateRequest, parameters) -> list[str]:
    """The inputs given that only the engine handles: a file, positions from columns or per-row
    systems, addresses, inspections, the dispatch table (by parameter name, in the dialog's order)."""
    given = {
        "INPUT_FILE": is_given(parameters, "INPUT_FILE"),
        "X_FIELD": request.x_field,
        "Y_FIELD": request.y_field,
        "COORD_SYS_FIELD": request.coord_sys_field,
        "COORD_SYS": request.coord_sys,
        "GAZETTEER": is_given(parameters, "GAZETTEER"),
        "OWN_GRID_FIELD": request.own_grid_field,
        "INSPECTOR_FIELD": request.inspector_field,
        "DISPATCH": request.dispatch,
    }
    return [name for name, value in given.items() if value]


def plan(alg, parameters, context, request: GeolocateRequest) -> tuple[dict[str, PgTable], PgTable]:
    """The PostGIS tables of the run; raises :class:`NotInDatabase` with the reason it cannot be one."""
    skipped = engine_only(request, parameters)
    if skipped:
        raise NotInDatabase(tr("{0} is set").format(skipped[0]))
    tables = {"INPUT": pg_table(alg, parameters, "INPUT", context, required=True)}
    for param, *_ in UNIT_LAYERS:
        tables[param] = pg_table(alg, parameters, param, context, required=param == "GRIDS")
    near = one_database(tables)
    grids_layer = alg.parameterAsVectorLayer(parameters, "GRIDS", context)
    if grids_layer.crs().isGeographic():
        raise NotInDatabase(tr("the grids are in geographic coordinates"))
    orders = tables["INPUT"]
    if not orders.geometry or orders.srid <= 0:
        raise NotInDatabase(tr("INPUT has no point geometry with a known SRID"))
    for param, table in tables.items():
        if param != "INPUT" and table is not None and table.srid != tables["GRIDS"].srid:
            raise NotInDatabase(tr("{0} is not in the grids' coordinate system").format(param))
    return {k: v for k, v in tables.items() if v is not None}, near


def units_of(tables: dict[str, PgTable], request: GeolocateRequest) -> dict[str, Unit]:
    """Each unit table given with its code field (the request's, else one named like a code)."""
    units = {}
    for param, _, code_param, default in UNIT_LAYERS:
        if param in tables:
            chosen = request.code_fields.of(param.lower())
            code = code_field_of(chosen, default, tables[param].fields)
            if code is None:
                raise NotInDatabase(tr("{0}: no code field {1!r}").format(code_param, chosen or default))
            units[param] = Unit(tables[param].sql_table(), code)
    return units


@dataclass
class Planned:
    """A run PostGIS can make: its tables, their database, the unit tables, the orders' class case
    field and where the result goes."""

    orders: PgTable
    near: PgTable
    units: dict[str, Unit]
    category: str | None
    dest: object


def planned(alg, parameters, context, request: GeolocateRequest) -> Planned:
    """The run in PostGIS, or :class:`NotInDatabase` with the reason it cannot be one."""
    from gridgov.grid_ops.orders.ordertable import guess_order_fields

    tables, near = plan(alg, parameters, context, request)
    orders = tables["INPUT"]
    units = units_of(tables, request)
    guessed = guess_order_fields([f for f in orders.fields if f != orders.geometry])
    category = request.category_field or guessed.category
    address = request.address_field or guessed.address
    if address:
        raise NotInDatabase(tr("the orders have an address field ({0}), matched by the engine").format(address))
    dest = destination(parameters, "OUTPUT", context, orders, "placed")
    return Planned(orders, near, units, category, dest)


def _roster(alg, parameters, context) -> tuple[dict[str, dict[str, str]], set[str]]:
    """The roster by grid code (first row per grid, as the engine keeps it) and the fields it fills."""
    roster = roster_by_grid(read_table(alg, parameters, "ROSTER", context))
    if roster is None:
        return {}, set()
    columns = {p: next((c for c in PEOPLE_SOURCES[p] if c in roster.columns), None) for p in PEOPLE}
    useful = {p for p, c in columns.items() if c is not None and (roster[c] != "").any()}
    by_grid = {code: {p: row[columns[p]] for p in useful} for code, row in roster.to_dict("index").items()}
    return by_grid, useful


def spec_of(alg, parameters, context, request: GeolocateRequest, run: Planned) -> GeolocateSpec:
    """The statement's specification: the tables, the request's fields and tolerance, where each
    person comes from (the roster, else the grid layer), and the class cases' groups."""
    roster, roster_people = _roster(alg, parameters, context)
    grid_table = run.units["GRIDS"].table
    people_from = {}
    for person in PEOPLE:
        if person in roster_people:
            people_from[person] = "roster"
        elif grid_table.first_field(PEOPLE_SOURCES[person]):
            people_from[person] = "grid"
    class_groups = class_groups_of(read_class_cases(alg, parameters, context)) if run.category else {}
    return GeolocateSpec(
        orders=run.orders.sql_table(),
        key=run.orders.key,
        grids=run.units["GRIDS"],
        result=run.dest.table,
        category=run.category,
        micro=run.units.get("MICROGRIDS"),
        micro_parent=request.micro_parent_field,
        dedicated=run.units.get("DEDICATED"),
        priority=request.priority_field,
        cases=request.cases_field,
        communities=run.units.get("COMMUNITIES"),
        streets=run.units.get("STREETS"),
        tolerance=request.tolerance,
        people_from=people_from,
        roster=roster or None,
        class_groups=class_groups,
    )


def run_job(spec: GeolocateSpec, run: Planned, feedback) -> tuple[Counter, int, float]:
    """The statements run as one job: the rows per match method, the orders' rows and the seconds."""
    statement, params = geolocate_statement(spec)
    connection = pg.connect(run.orders)
    try:
        steps = gist_index_steps([u.table for u in run.units.values()], connection)
        (points, points_params), (points_index, _) = points_steps(spec)
        steps += [(tr("order points"), points, points_params), (tr("index of the order points"), points_index, None)]
        steps += replace_steps(run.dest.table, run.orders.key, statement, params)
        steps.append((tr("drop the order points"), drop_points_statement(spec), None))
        seconds = pg.run_job(connection, steps, feedback)
        counts = Counter(dict(pg.fetch(connection, count_statement(run.dest.table))))
        ((rows_in,),) = pg.fetch(connection, sql.SQL("SELECT count(*) FROM {}").format(spec.orders.ident))
        connection.rollback()
    finally:
        connection.close()
    return counts, rows_in, seconds


def geolocate_in_database(alg, parameters, context, feedback, request: GeolocateRequest) -> dict | None:
    """Results of the in-database run of ``request``, or None (with the reason in the log) to run the engine."""
    try:
        run = planned(alg, parameters, context, request)
    except NotInDatabase as reason:
        feedback.pushInfo(tr("Running in the engine, not in PostGIS: {0}").format(reason))
        return None
    feedback.pushInfo(
        tr("Running in PostGIS ({0}): every input is a table of that database").format(run.near.uri.database())
    )
    spec = spec_of(alg, parameters, context, request, run)
    counts, rows_in, seconds = run_job(spec, run, feedback)
    rows_out = sum(counts.values())
    if rows_in != rows_out:
        raise QgsProcessingException(tr("internal error: {0} rows in, {1} out").format(rows_in, rows_out))
    feedback.pushInfo(tr("PostGIS placed {0} rows in {1:.1f} s").format(sum(counts.values()), seconds))
    for method, count in sorted(counts.items()):
        feedback.pushInfo(f"{method}: {count}")
    output = load_result(
        alg, parameters, "OUTPUT", context, feedback, run.orders, run.dest, run.orders.key, "placed_orders",
        tr("Placed orders"), events=True,
    )  # fmt: skip
    placed, not_placed = placed_and_not(counts)
    return {"OUTPUT": output, "ROWS_IN": rows_in, "ROWS_OUT": rows_out, "PLACED": placed, "NOT_PLACED": not_placed}


def count_statement(table: Table) -> sql.Composed:
    """Rows of the result per match method."""
    return sql.SQL("SELECT match_method, count(*) FROM {} GROUP BY 1").format(table.ident)
