"""``gridgov:gridstats`` as SQL: the counts of ``grid_ops.analytics.gridstats.grid_stats`` made by PostgreSQL.

The orders are counted per grid in one grouped pass (parallel aggregate where PostgreSQL can); the
grid table is joined to the counts, so every grid gets a row, also the quiet ones. As in the engine,
an order counts for the first grid of its code (lowest key), a period is a calendar week (Monday to
Sunday), month, quarter or year, and the class-case columns are the most frequent class cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg2 import sql

from gridgov.layers.backends.postgis.geolocate_sql import (
    NUDGE,
    Table,
    code_key,
    key_code,
    key_columns,
    key_join,
    key_select,
    np_round,
    pick_flag,
    trimmed,
)

#: Label of a period as pandas writes it (``str(pd.Period)``), from a timestamp expression ``{t}``.
PERIOD_LABEL = {
    "week": "to_char(date_trunc('week', {t}), 'YYYY-MM-DD') || '/' || "
    "to_char(date_trunc('week', {t}) + interval '6 days', 'YYYY-MM-DD')",
    "month": "to_char({t}, 'YYYY-MM')",
    "quarter": "to_char({t}, 'YYYY\"Q\"Q')",
    "year": "to_char({t}, 'YYYY')",
}


@dataclass
class GridStatsSpec:
    orders: Table
    grids: Table
    grid_key: str
    code: str  # the grids' code field
    result: Table
    grid_field: str | None = None  # the orders' grid code; None: by where each point lies
    order_key: str = "fid"  # the orders' key column(s), comma-joined (a partitioned table's is composite)
    category: str | None = None
    time: str | None = None
    period: str = "month"
    repeat: str | None = None
    households: str | None = None
    area_field: str | None = None  # area_m2 when the grids carry it, else the geometry's area


def order_rows(spec: GridStatsSpec) -> sql.Composed:
    """One row per order: its grid's key (the first grid of its code), class case and period label.

    Without the orders' grid field the grid is picked by the responsibility rule as an aggregate (as
    in geolocate): each covering grid's ``pick_flag`` (interior, then the point moved east-north)
    then its ``code_key`` (the code order); the smallest wins. A plain join grouped by order runs in
    parallel workers; a per-order ``LATERAL … LIMIT 1`` would run in the leader only.
    """
    columns = {"cls": _order_class(spec), "label": _order_period(spec), "repeat": _order_repeat(spec)}
    if spec.grid_field:
        where = trimmed(sql.SQL("o.{}").format(sql.Identifier(spec.grid_field)))
        return sql.SQL(
            "SELECT c.gkey, {cls} AS cls, {label} AS label, {repeat} AS rep FROM {orders} o "
            "JOIN codes c ON c.code = {where}"
        ).format(**columns, orders=spec.orders.ident, where=where)
    return sql.SQL(
        """SELECT c.gkey, {cls} AS cls, {label} AS label, {repeat} AS rep FROM {orders} o
JOIN (
    SELECT {key_oi},
        min(({flag} || uk.k) COLLATE "C") AS best
    FROM {orders} oi JOIN {grids} u ON ST_Intersects(u.{geom}, {point})
    CROSS JOIN LATERAL (SELECT {key} AS k FROM (SELECT {code} AS code) c OFFSET 0) uk
    GROUP BY {key_cols}
) h ON {join}
JOIN codes c ON c.code = {pick}"""
    ).format(
        **columns,
        orders=spec.orders.ident,
        point=_point(spec),
        flag=pick_flag(
            sql.SQL("u.{}").format(sql.Identifier(spec.grids.geometry)),
            _point(spec),
            sql.SQL("ST_Translate({}, {}, {})").format(_point(spec), sql.Literal(NUDGE[0]), sql.Literal(NUDGE[1])),
        ),
        key=code_key(sql.SQL("c.code")),
        code=trimmed(sql.SQL("u.{}").format(sql.Identifier(spec.code))),
        pick=key_code(sql.SQL("h.best")),
        geom=sql.Identifier(spec.grids.geometry),
        grids=spec.grids.ident,
        key_oi=key_select(spec.order_key, "oi"),
        key_cols=key_columns(spec.order_key, "oi"),
        join=key_join(spec.order_key, "h", "o"),
    )


def _order_class(spec: GridStatsSpec) -> sql.Composable:
    """The order's class case (alias ``o``), trimmed; '' without a class field."""
    return trimmed(sql.SQL("o.{}").format(sql.Identifier(spec.category))) if spec.category else sql.SQL("''")


def _order_period(spec: GridStatsSpec) -> sql.Composable:
    """The label of the order's period as pandas writes it; NULL without a time field."""
    if not spec.time:
        return sql.SQL("NULL::text")
    return sql.SQL(PERIOD_LABEL[spec.period].replace("{t}", "(o.{t})::timestamp")).format(t=sql.Identifier(spec.time))


def _order_repeat(spec: GridStatsSpec) -> sql.Composable:
    """Whether the order is a repeat (its flag, NULL as false); false without a repeat field."""
    if not spec.repeat:
        return sql.SQL("false")
    return sql.SQL("coalesce((o.{})::boolean, false)").format(sql.Identifier(spec.repeat))


def _point(spec: GridStatsSpec) -> sql.Composed:
    """The order's point (alias ``oi``) in the grids' SRID (first part of a multi-point), NULL where it
    has none."""
    geom = sql.SQL("oi.{}").format(sql.Identifier(spec.orders.geometry))
    point = sql.SQL(
        "CASE WHEN {g} IS NULL OR ST_IsEmpty({g}) THEN NULL ELSE "
        "ST_Force2D(CASE WHEN GeometryType({g}) = 'MULTIPOINT' THEN ST_GeometryN({g}, 1) ELSE {g} END) END"
    ).format(g=geom)
    if spec.orders.srid != spec.grids.srid:
        point = sql.SQL("ST_Transform({}, {})").format(point, sql.Literal(int(spec.grids.srid)))
    return point


def codes_cte(spec: GridStatsSpec) -> sql.Composed:
    """Each grid code with the key of its first grid (the engine counts an order there)."""
    return sql.SQL("codes AS (SELECT {code} AS code, min(u.{key}) AS gkey FROM {grids} u GROUP BY 1)").format(
        code=trimmed(sql.SQL("u.{}").format(sql.Identifier(spec.code))),
        key=sql.Identifier(spec.grid_key),
        grids=spec.grids.ident,
    )


def facts_statement(spec: GridStatsSpec) -> sql.Composed:
    """Class cases by frequency and the latest period, which name the result's columns."""
    return sql.SQL(
        """WITH {codes}, o AS ({rows})
SELECT 'class' AS kind, cls AS value, count(*) AS n FROM o WHERE cls <> '' GROUP BY cls
UNION ALL SELECT 'latest', max(label), count(*) FROM o WHERE label IS NOT NULL"""
    ).format(codes=codes_cte(spec), rows=order_rows(spec))


def stats_statement(
    spec: GridStatsSpec, grid_columns: list[str], classes: list[str], current: str | None, previous: str | None
) -> tuple[sql.Composed, dict]:
    """``CREATE TABLE result AS``: the grids with their counts (column names as the engine's)."""
    params: dict = {"current": current, "previous": previous}
    taken = set(grid_columns) | {spec.grids.geometry}

    def out(name: str) -> sql.Identifier:
        return sql.Identifier(name if name not in taken else f"{name}_stat")

    statement = sql.SQL(
        """CREATE TABLE {result} AS
WITH {codes}, s AS (SELECT gkey, {counts} FROM ({rows}) o GROUP BY gkey)
SELECT {grid_columns}, {columns}, u.{geom} AS geom
FROM {grids} u LEFT JOIN s ON s.gkey = u.{key}"""
    ).format(
        result=spec.result.ident,
        codes=codes_cte(spec),
        counts=sql.SQL(", ").join(_counts(classes, current is not None, params)),
        rows=order_rows(spec),
        grid_columns=sql.SQL(", ").join(sql.SQL("u.{}").format(sql.Identifier(c)) for c in grid_columns),
        columns=sql.SQL(", ").join(_stat_columns(spec, classes, current is not None, out)),
        geom=sql.Identifier(spec.grids.geometry),
        grids=spec.grids.ident,
        key=sql.Identifier(spec.grid_key),
    )
    return statement, params


def _counts(classes: list[str], change: bool, params: dict) -> list[sql.Composable]:
    """The aggregates per grid: orders, repeats, each class case (its code a parameter, added to
    ``params``) and, with ``change``, the orders of the current and the previous period."""
    counts = [sql.SQL("count(*) AS cnt_total"), sql.SQL("sum(rep::int) AS reps")]
    for i, code in enumerate(classes):
        params[f"class_{i}"] = code
        counts.append(
            sql.SQL("count(*) FILTER (WHERE cls = %({})s) AS {}").format(
                sql.SQL(f"class_{i}"), sql.Identifier(f"cnt_{code}")
            )
        )
    if change:
        counts += [
            sql.SQL("count(*) FILTER (WHERE label = %(current)s) AS cur_cnt"),
            sql.SQL("count(*) FILTER (WHERE label = %(previous)s) AS prev_cnt"),
        ]
    return counts


def _stat_columns(spec: GridStatsSpec, classes: list[str], change: bool, out) -> list[sql.Composable]:
    """The result's count columns in the engine's order, each named by ``out``: cnt_total, the rates,
    the class cases (by code), repeat_rate and, with ``change``, the period change."""
    total = sql.SQL("coalesce(s.cnt_total, 0)")
    columns = [sql.SQL("{} AS {}").format(total, out("cnt_total")), *_rates(spec, total, out)]
    for code in sorted(classes):
        columns.append(
            sql.SQL("coalesce(s.{c}, 0) AS {o}").format(c=sql.Identifier(f"cnt_{code}"), o=out(f"cnt_{code}"))
        )
    if spec.repeat:
        columns.append(
            sql.SQL("CASE WHEN {t} > 0 THEN " + np_round("s.reps::float8 / {t}", 4) + " END AS {}").format(
                out("repeat_rate"), t=total
            )
        )
    if change:
        columns += _change(out)
    return columns


def _rates(spec: GridStatsSpec, total: sql.Composable, out) -> list[sql.Composable]:
    """per_1k_hh (with a households field) and per_km2 (from area_m2, else the geometry's area)."""
    columns = []
    if spec.households:
        hh = sql.SQL("(u.{})::float8").format(sql.Identifier(spec.households))
        columns.append(
            sql.SQL("CASE WHEN {hh} > 0 THEN " + np_round("{t} / {hh} * 1000", 3) + " END AS {}").format(
                out("per_1k_hh"), hh=hh, t=total
            )
        )
    area = (
        sql.SQL("(u.{})::float8").format(sql.Identifier(spec.area_field))
        if spec.area_field
        else sql.SQL("ST_Area(u.{})").format(sql.Identifier(spec.grids.geometry))
    )
    columns.append(
        sql.SQL("CASE WHEN {a} > 0 THEN " + np_round("{t} / ({a} / 1e6)", 3) + " END AS {}").format(
            out("per_km2"), a=area, t=total
        )
    )
    return columns


def _change(out) -> list[sql.Composable]:
    """ArcGIS's Summarize Percent Change: cur_cnt, prev_cnt, diff_cnt, perc_chg and cur_period."""
    cur, prev = sql.SQL("coalesce(s.cur_cnt, 0)"), sql.SQL("coalesce(s.prev_cnt, 0)")
    return [
        sql.SQL("{} AS {}").format(cur, out("cur_cnt")),
        sql.SQL("{} AS {}").format(prev, out("prev_cnt")),
        sql.SQL("{} - {} AS {}").format(cur, prev, out("diff_cnt")),
        sql.SQL("CASE WHEN {p} > 0 THEN " + np_round("({c} - {p})::float8 / {p} * 100", 2) + " END AS {}").format(
            out("perc_chg"), c=cur, p=prev
        ),
        sql.SQL("%(current)s::text AS {}").format(out("cur_period")),
    ]
