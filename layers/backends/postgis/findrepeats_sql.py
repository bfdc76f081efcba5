"""``gridgov:findrepeats`` in PostgreSQL: the rule of ``grid_ops.orders.repeats.find_repeats`` as PL/pgSQL.

The rule is sequential (an order joins the nearest open case of its class whose first report lies
within the distance and whose latest report lies within the days), so it runs as one loop over the
orders in class, time and key order. Open cases live in a temporary table indexed by class and a
cell of the distance's size, the look-up the engine makes with its dictionary of cells. Everything
temporary is dropped at the end of the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg2 import sql

from gridgov.grid_ops.orders.repeats import RepeatsRequest
from gridgov.layers.backends.postgis.geolocate_sql import Table, key_columns, key_join, key_select, np_round

#: The loop; a temporary function, so nothing is left in the database.
REPEATS_FUNCTION = """
CREATE FUNCTION pg_temp.gridgov_find_repeats(dist float8, window_s float8) RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
    r record;
    hit record;
    n bigint := 0;
    d2 float8 := dist * dist;
    cell_x bigint;
    cell_y bigint;
BEGIN
    CREATE TEMP TABLE gridgov_open (idx bigint PRIMARY KEY, cls text, cx bigint, cy bigint, ax float8, ay float8,
        last_t float8, anchor_rk bigint, anchor_t timestamp) ON COMMIT DROP;
    CREATE INDEX ON gridgov_open (cls, cx, cy);
    CREATE TEMP TABLE gridgov_case (rk bigint PRIMARY KEY, idx bigint) ON COMMIT DROP;
    FOR r IN SELECT g.rk, g.cls, g.x, g.y, g.t, g.ts FROM gridgov_rows g
             WHERE g.x IS NOT NULL AND g.ts IS NOT NULL ORDER BY g.cls, g.ts, g.rk LOOP
        cell_x := floor(r.x / dist);
        cell_y := floor(r.y / dist);
        SELECT o.idx INTO hit FROM gridgov_open o
        WHERE o.cls = r.cls AND o.cx BETWEEN cell_x - 1 AND cell_x + 1 AND o.cy BETWEEN cell_y - 1 AND cell_y + 1
          AND r.ts - o.last_t <= window_s
          AND (o.ax - r.x) * (o.ax - r.x) + (o.ay - r.y) * (o.ay - r.y) <= d2
        ORDER BY (o.ax - r.x) * (o.ax - r.x) + (o.ay - r.y) * (o.ay - r.y), o.idx
        LIMIT 1;
        IF FOUND THEN
            UPDATE gridgov_open SET last_t = r.ts WHERE idx = hit.idx;
            INSERT INTO gridgov_case VALUES (r.rk, hit.idx);
        ELSE
            INSERT INTO gridgov_open VALUES (n, r.cls, cell_x, cell_y, r.x, r.y, r.ts, r.rk, r.t);
            INSERT INTO gridgov_case VALUES (r.rk, n);
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END
$fn$
"""


@dataclass
class RepeatsSpec:
    """The tables of one run of ``request`` in the database: the orders (and their key), the result
    and, with a grid field, the rates per grid."""

    orders: Table
    key: str
    request: RepeatsRequest
    result: Table
    rates: Table | None = None


def rows_statement(spec: RepeatsSpec) -> sql.Composed:
    """The orders as the loop reads them: row number in key order, class, time (whole seconds), x, y."""
    geom = sql.SQL("o.{}").format(sql.Identifier(spec.orders.geometry))
    point = sql.SQL(
        "CASE WHEN {g} IS NULL OR ST_IsEmpty({g}) THEN NULL ELSE "
        "CASE WHEN GeometryType({g}) = 'MULTIPOINT' THEN ST_GeometryN({g}, 1) ELSE {g} END END"
    ).format(g=geom)
    return sql.SQL(
        """CREATE TEMP TABLE gridgov_rows ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY {key_cols}) AS rk, {key_select}, coalesce((o.{cls})::text, '') AS cls,
    date_trunc('second', (o.{time})::timestamp) AS t, floor(extract(epoch FROM (o.{time})::timestamp))::float8 AS ts,
    ST_X(p.pt) AS x, ST_Y(p.pt) AS y
FROM {orders} o CROSS JOIN LATERAL (SELECT {point} AS pt OFFSET 0) p;
CREATE INDEX ON gridgov_rows (rk);
ANALYZE gridgov_rows"""
    ).format(
        key_cols=key_columns(spec.key, "o"),
        key_select=key_select(spec.key, "o"),
        cls=sql.Identifier(spec.request.category_field),
        time=sql.Identifier(spec.request.time_field),
        orders=spec.orders.ident,
        point=point,
    )


def loop_statement() -> tuple[sql.Composed, None]:
    return sql.SQL(REPEATS_FUNCTION), None


def run_statement(spec: RepeatsSpec) -> tuple[sql.Composed, tuple]:
    window = float(spec.request.days) * 86400.0
    return sql.SQL("SELECT pg_temp.gridgov_find_repeats(%s, %s)"), (float(spec.request.distance), window)


def result_statement(spec: RepeatsSpec) -> tuple[sql.Composed, dict]:
    """The orders with case_id, repeat_count, first_seen, is_repeat and repeat_problem (the engine's names)."""
    taken = ("case_id", "repeat_count", "first_seen", "is_repeat")
    renamed = [
        sql.SQL("o.{} AS {}").format(sql.Identifier(c), sql.Identifier(f"{c}_src" if c in taken else c))
        for c in spec.orders.fields
        if c != spec.orders.geometry
    ]
    statement = sql.SQL(
        """CREATE TABLE {result} AS
WITH cases AS (
    SELECT k.idx, count(*) AS n FROM gridgov_case k GROUP BY k.idx
), numbered AS (
    SELECT c.idx, c.anchor_rk, c.anchor_t, row_number() OVER (ORDER BY c.anchor_t, c.anchor_rk) AS number,
        count(*) OVER () AS total
    FROM gridgov_open c
)
SELECT {renamed},
    coalesce('C' || lpad(nb.number::text, greatest(6, length(nb.total::text)), '0'), '') AS case_id,
    coalesce(cs.n, 0)::bigint AS repeat_count,
    nb.anchor_t AS first_seen,
    coalesce(nb.anchor_rk <> g.rk, false) AS is_repeat,
    CASE WHEN g.t IS NULL AND (o.{time}) IS NULL THEN %(time_empty)s
         WHEN g.x IS NULL THEN 'no position' ELSE '' END AS repeat_problem,
    o.{geom} AS geom
FROM {orders} o
JOIN gridgov_rows g ON {join}
LEFT JOIN gridgov_case k ON k.rk = g.rk
LEFT JOIN cases cs ON cs.idx = k.idx
LEFT JOIN numbered nb ON nb.idx = k.idx"""
    ).format(
        result=spec.result.ident,
        renamed=sql.SQL(", ").join(renamed),
        geom=sql.Identifier(spec.orders.geometry),
        time=sql.Identifier(spec.request.time_field),
        orders=spec.orders.ident,
        join=key_join(spec.key, "g", "o"),
    )
    return statement, {"time_empty": f"{spec.request.time_field} is empty"}


def rates_statement(spec: RepeatsSpec) -> sql.Composed:
    """Per grid: orders checked, cases, repeat orders and the repeat rate (``repeats.repeat_rates``)."""
    unit = sql.Identifier(spec.request.grid_field)
    return sql.SQL(
        """CREATE TABLE {rates} AS
SELECT unit AS {unit}, orders, cases, orders - cases AS repeat_orders,
    {rate} AS repeat_rate
FROM (
    SELECT coalesce((r.{unit})::text, '') AS unit, count(*) AS orders, count(DISTINCT r.case_id) AS cases
    FROM {result} r WHERE r.case_id <> '' AND coalesce((r.{unit})::text, '') <> '' GROUP BY 1
) t;
ALTER TABLE {rates} ADD PRIMARY KEY ({unit})"""
    ).format(
        rates=spec.rates.ident,
        unit=unit,
        rate=sql.SQL(np_round("(orders - cases)::float8 / orders", 4)),
        result=spec.result.ident,
    )
