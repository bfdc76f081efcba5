"""Run ``gridgov:geolocate`` in PostGIS when its inputs allow it; say why not otherwise."""

from __future__ import annotations

from collections import Counter

from psycopg2 import sql
from qgis.core import QgsProcessingException

from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE
from gridgov.layers.postgis import connection as pg
from gridgov.layers.postgis.geolocate_sql import (
    PEOPLE,
    PEOPLE_SOURCES,
    GeolocateSpec,
    Table,
    Unit,
    drop_points_statement,
    geolocate_statement,
    points_steps,
)
from gridgov.layers.postgis.pushdown import destination, gist_index_steps, load_result, replace_steps
from gridgov.layers.postgis.source import NotInDatabase, PgTable, is_given, one_database, pg_table
from gridgov.layers.processing.base import read_source, tr
from gridgov.layers.processing.unit_layers import UNIT_LAYERS, code_field_of

#: Inputs only the engine handles: positions from columns or per-row systems, addresses, inspections.
ENGINE_ONLY = (
    "INPUT_FILE", "X_FIELD", "Y_FIELD", "COORD_SYS_FIELD", "COORD_SYS", "GAZETTEER", "OWN_GRID_FIELD",
    "INSPECTOR_FIELD", "DISPATCH",
)  # fmt: skip


def plan(alg, parameters, context) -> tuple[dict[str, PgTable], PgTable]:
    """The PostGIS tables of the run; raises :class:`NotInDatabase` with the reason it cannot be one."""
    for name in ENGINE_ONLY:
        if is_given(parameters, name):
            raise NotInDatabase(tr("{0} is set").format(name))
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


def _roster(alg, parameters, context) -> tuple[dict[str, dict[str, str]], set[str]]:
    """The roster by grid code (first row per grid, as the engine keeps it) and the fields it fills."""
    frame, _ = read_source(alg, parameters, "ROSTER", context)
    if frame is None:
        return {}, set()
    frame = frame.drop(columns=[c for c in (frame.geometry.name, "_fid") if c in frame.columns])
    key = GRID_CODE if GRID_CODE in frame.columns else frame.columns[0]
    frame = frame.astype(str).drop_duplicates(key)
    columns = {p: next((c for c in PEOPLE_SOURCES[p] if c in frame.columns), None) for p in PEOPLE}
    useful = {p for p, c in columns.items() if c is not None and (frame[c] != "").any()}
    records = frame.to_dict("records")
    roster = {row[key]: {p: row[columns[p]] for p in useful} for row in records}
    return roster, useful


def _class_groups(alg, parameters, context) -> dict[str, str]:
    import pandas as pd

    frame, _ = read_source(alg, parameters, "TAXONOMY", context)
    if frame is None:
        from gridgov.grid_ops.runtime.paths import resource_path

        frame = pd.read_csv(resource_path("taxonomy", "class_cases.csv"), dtype=str)
    if not {CLASS_CODE, "case_group"} <= set(frame.columns):
        return {}
    return dict(zip(frame[CLASS_CODE].astype(str), frame["case_group"].astype(str)))


def geolocate_in_database(alg, parameters, context, feedback) -> dict | None:
    """Results of the in-database run, or None (with the reason in the log) to run the engine."""
    from gridgov.grid_ops.orders.ordertable import guess_order_fields

    try:
        tables, near = plan(alg, parameters, context)
        orders = tables["INPUT"]
        units = {}
        for param, _, code_param, default in UNIT_LAYERS:
            if param in tables:
                chosen = alg.parameterAsString(parameters, code_param, context)
                code = code_field_of(chosen, default, tables[param].fields)
                if code is None:
                    raise NotInDatabase(tr("{0}: no code field {1!r}").format(code_param, chosen or default))
                units[param] = Unit(tables[param].sql_table(), code)
        fields = [f for f in orders.fields if f != orders.geometry]
        guessed = guess_order_fields(fields)
        category = alg.parameterAsString(parameters, "CATEGORY_FIELD", context) or guessed.category
        address = alg.parameterAsString(parameters, "ADDRESS_FIELD", context) or guessed.address
        if address:
            raise NotInDatabase(tr("the orders have an address field ({0}), matched by the engine").format(address))
        dest = destination(parameters, "OUTPUT", context, orders, "placed")
    except NotInDatabase as reason:
        feedback.pushInfo(tr("Running in the engine, not in PostGIS: {0}").format(reason))
        return None
    feedback.pushInfo(
        tr("Running in PostGIS ({0}): every input is a table of that database").format(near.uri.database())
    )
    roster, roster_people = _roster(alg, parameters, context)
    grid_table = units["GRIDS"].table
    people_from = {}
    for person in PEOPLE:
        if person in roster_people:
            people_from[person] = "roster"
        elif grid_table.first_field(PEOPLE_SOURCES[person]):
            people_from[person] = "grid"
    class_groups = _class_groups(alg, parameters, context) if category else {}
    spec = GeolocateSpec(
        orders=orders.sql_table(),
        key=orders.key,
        grids=units["GRIDS"],
        result=dest.table,
        category=category,
        micro=units.get("MICROGRIDS"),
        micro_parent=alg.parameterAsString(parameters, "MICRO_PARENT_FIELD", context) or GRID_CODE,
        dedicated=units.get("DEDICATED"),
        priority=alg.parameterAsString(parameters, "PRIORITY_FIELD", context) or "priority",
        cases=alg.parameterAsString(parameters, "CASES_FIELD", context) or "case_groups",
        communities=units.get("COMMUNITIES"),
        streets=units.get("STREETS"),
        tolerance=alg.parameterAsDouble(parameters, "TOLERANCE", context),
        people_from=people_from,
        roster=roster or None,
        class_groups=class_groups,
    )
    statement, params = geolocate_statement(spec)
    connection = pg.connect(orders)
    try:
        steps = gist_index_steps([u.table for u in units.values()], connection)
        (points, points_params), (points_index, _) = points_steps(spec)
        steps += [(tr("order points"), points, points_params), (tr("index of the order points"), points_index, None)]
        steps += replace_steps(dest.table, orders.key, statement, params)
        steps.append((tr("drop the order points"), drop_points_statement(spec), None))
        seconds = pg.run_job(connection, steps, feedback)
        counts = Counter(dict(pg.fetch(connection, count_statement(dest.table))))
        ((rows_in,),) = pg.fetch(connection, sql.SQL("SELECT count(*) FROM {}").format(spec.orders.ident))
        connection.rollback()
    finally:
        connection.close()
    rows_out = sum(counts.values())
    if rows_in != rows_out:
        raise QgsProcessingException(tr("internal error: {0} rows in, {1} out").format(rows_in, rows_out))
    feedback.pushInfo(tr("PostGIS placed {0} rows in {1:.1f} s").format(sum(counts.values()), seconds))
    for method, count in sorted(counts.items()):
        feedback.pushInfo(f"{method}: {count}")
    output = load_result(
        alg, parameters, "OUTPUT", context, feedback, orders, dest, orders.key, "placed_orders", tr("Placed orders"),
        events=True,
    )  # fmt: skip
    return {
        "OUTPUT": output,
        "ROWS_IN": rows_in,
        "ROWS_OUT": rows_out,
        "PLACED": int(sum(counts[m] for m in ("inside", "boundary", "nearest", "address"))),
        "NOT_PLACED": int(sum(counts[m] for m in ("unlocated", "unassigned", "invalid"))),
    }


def count_statement(table: Table) -> sql.Composed:
    """Rows of the result per match method."""
    return sql.SQL("SELECT match_method, count(*) FROM {} GROUP BY 1").format(table.ident)
