"""``gridgov:geolocate`` as one SQL statement: the rules of ``grid_ops.responsibility.geolocate`` inside PostGIS.

Each order's point (and the point moved east-north that decides shared edges) is computed once
into a scratch table (``points_steps``: unlogged, sorted along the geometry's space-filling order,
with a GiST index, dropped in the same transaction). The covering grids, micro-grids and dedicated
grids then come from joins that walk the *units* and look their points up in that index: each unit
polygon stays the same for all the points it holds, so PostGIS's cached point-in-polygon tree
answers each test, where a join walking the orders deserialised a different polygon for every order
and descended a unit index a million times (measured at 1M orders: 24-34 µs a look-up, 44 s in
all). The joins are reduced per order by an aggregate or ``DISTINCT ON``; PostgreSQL 15 runs them in
parallel workers (a per-order ``LATERAL ... LIMIT 1`` or sub-select would stay in the leader). The
nearest grid, needed only for points outside every grid, comes from the index's distance order
(``<->``). The rules, in the engine's words:

- grid: the covering grid. Covered by several: the grids holding the point in their interior
  first (an *overlap*: ``inside``, every covering grid's code in ``overlap`` and a ``problem``),
  else those holding the point moved 1 mm east and 0.5 mm north (a shared edge or vertex:
  ``boundary``, ``on_boundary``), then the lowest code; outside every grid, the nearest within the
  tolerance (``nearest``, ``distance_m`` to 2 decimals; equal distances: the lowest code), else
  ``unassigned`` (to 1);
- community and street: the chosen grid's own fields, else the covering unit by the same rule
  (interior, probe, code; no flags); where no grid is responsible a covering community or street
  is (``inside``);
- micro-grid: the covering micro-grid of the point's own grid first, then the lowest code;
- dedicated grid: the covering one that takes the order's class case, lowest priority number,
  then lowest code; it is responsible before every other level.

"The lowest code" is always the order of ``grid_ops.grids.codes.code_sort_key``: codes of ASCII digits
first, by numeric value, then every other code by its text in byte order; in SQL the text key of
:func:`code_key`, compared with ``COLLATE "C"``.

Only identifiers that QGIS reported (quoted with ``psycopg2.sql.Identifier``) and values passed as
query parameters go into the SQL: names and class cases with quotes in them do no harm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg2 import sql
from psycopg2.extras import Json

from gridgov.grid_ops.grids.codes import CODE_SPACE
from gridgov.grid_ops.responsibility.geolocate import NUDGE, PEOPLE_SOURCES
from gridgov.grid_ops.responsibility.geolocate import RESULT_COLUMNS as ENGINE_COLUMNS
from gridgov.grid_ops.schema import COMMUNITY_CODE, GRID_CODE, MATCH_METHOD, OVERLAP, RESP_LEVEL, STREET_CODE

#: Result columns in the engine's order: the assignment's (``overlap`` after ``on_boundary``), then placement's own.
RESULT_COLUMNS = (*ENGINE_COLUMNS, "locate_method", "address_score", "candidates", "x_located", "y_located")
PEOPLE = tuple(PEOPLE_SOURCES)


@dataclass(frozen=True)
class Table:
    """A table as the SQL needs it: where it is and which columns play which part."""

    schema: str
    name: str
    geometry: str = ""
    srid: int = 0
    fields: tuple[str, ...] = ()

    @property
    def ident(self) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(self.name))

    def first_field(self, names) -> str | None:
        return next((n for n in names if n in self.fields), None)


@dataclass(frozen=True)
class Unit:
    table: Table
    code: str


@dataclass
class GeolocateSpec:
    orders: Table
    key: str
    grids: Unit
    result: Table
    category: str | None = None
    micro: Unit | None = None
    micro_parent: str | None = GRID_CODE
    dedicated: Unit | None = None
    priority: str | None = "priority"
    cases: str | None = "case_groups"
    communities: Unit | None = None
    streets: Unit | None = None
    tolerance: float = 50.0
    #: person field → "roster" or "grid" (where the engine would take it from), missing = empty
    people_from: dict[str, str] = field(default_factory=dict)
    #: grid code → {person field: value}, the roster as the engine indexes it (sent as one JSON parameter)
    roster: dict[str, dict[str, str]] | None = None
    #: class code → case group (one JSON parameter: a parallel worker can read it, unlike a temporary table)
    class_groups: dict[str, str] | None = None
    #: the run's scratch table of order points (see :func:`points_steps`); None: ``<result>_gg_points``
    points: Table | None = None

    @property
    def points_table(self) -> Table:
        if self.points is not None:
            return self.points
        from gridgov.layers.io.postgis_copy import MAX_IDENTIFIER_BYTES, cut_identifier

        tail = "_gg_points"
        name = cut_identifier(self.result.name, MAX_IDENTIFIER_BYTES - len(tail)) + tail
        return Table(self.result.schema, name, "g")


def np_round(expression: str, digits: int) -> str:
    """SQL text rounding ``expression`` as ``numpy.round`` does (scale, round half to even, unscale),
    so both paths give the same float, bit for bit."""
    scale = f"1e{digits}"
    return f"(round(({expression})::float8 * {scale}) / {scale})"


def key_columns(key: str, alias: str) -> sql.Composed:
    """A row's key columns (one, or those of a composite key: a month-partitioned table's primary key
    holds the month's column too), for GROUP BY, DISTINCT ON and ORDER BY."""
    return sql.SQL(", ").join(sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(k)) for k in key.split(","))


def key_select(key: str, alias: str) -> sql.Composed:
    """The key columns named gg_k0, gg_k1, ... in a select list."""
    return sql.SQL(", ").join(
        sql.SQL("{}.{} AS {}").format(sql.Identifier(alias), sql.Identifier(k), sql.Identifier(f"gg_k{i}"))
        for i, k in enumerate(key.split(","))
    )


def key_join(key: str, keyed: str, alias: str) -> sql.Composed:
    """``keyed``'s gg_k columns equal to ``alias``'s key columns: column by column, so PostgreSQL can
    hash the join (a row value would make it compare every pair)."""
    return sql.SQL(" AND ").join(
        sql.SQL("{}.{} = {}.{}").format(
            sql.Identifier(keyed), sql.Identifier(f"gg_k{i}"), sql.Identifier(alias), sql.Identifier(k)
        )
        for i, k in enumerate(key.split(","))
    )


def trimmed(value: sql.Composable) -> sql.Composed:
    """A code or class code as text, as the engine reads it (``codes.code_of``): NULL as the empty
    code, without the surrounding spaces Python strips (tabs, U+3000 ...), not only plain ones."""
    return sql.SQL("coalesce(btrim(({})::text, {}), '')").format(value, sql.Literal(CODE_SPACE))


def _code(alias: str, column: str) -> sql.Composed:
    """A unit's code as text, NULL as the empty code (``codes.code_of``)."""
    return trimmed(sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(column)))


#: Separates a code key's order prefix from the code itself (sorts before every character of a code).
KEY_SEPARATOR = "chr(1)"


def code_key(code: sql.Composable) -> sql.Composed:
    """The one code order as a text key (compare with ``COLLATE "C"``, as it is made):
    ``codes.code_sort_key`` in SQL, and the code can be read back (:func:`key_code`).

    Codes of ASCII digits: ``'0'``, the length without leading zeros (6 digits), those digits,
    ``chr(1)``, the code: numeric value first, equal values by their text (``"0126"`` < ``"126"``).
    Any other code (the empty one too): ``'1'``, ``chr(1)``, the code (byte order). ``chr(1)``
    sorts before every character a code holds, so a shorter prefix sorts first. ``min()`` of these
    keys aggregates in parallel workers; ``code`` is evaluated more than once, so give it a column
    (computed once per unit), not a costly expression.
    """
    return sql.SQL(
        "(CASE WHEN {c} ~ '^[0-9]+$' THEN '0' || lpad(length(ltrim({c}, '0'))::text, 6, '0') || ltrim({c}, '0') "
        "|| {sep} || {c} ELSE '1' || {sep} || {c} END) COLLATE \"C\""
    ).format(c=code, sep=sql.SQL(KEY_SEPARATOR))


def key_code(key: sql.Composable) -> sql.Composed:
    """The code of a :func:`code_key` key (with or without flags before it): all after the first ``chr(1)``."""
    return sql.SQL("substr({k}, strpos({k}, {sep}) + 1)").format(k=key, sep=sql.SQL(KEY_SEPARATOR))


def pick_flag(geom: sql.Composable, point: sql.Composable, probe: sql.Composable) -> sql.Composed:
    """Where a covering unit comes in the pick, before its code: ``'0'`` holding the point in its
    interior (several covering units: an overlap), ``'1'`` holding the point moved east-north (a
    shared edge: the east-north side owns it), ``'2'`` otherwise. The interior test comes first:
    a point inside one unit (nearly all) costs one point-in-polygon test."""
    return sql.SQL(
        "CASE WHEN ST_Contains({g}, {p}) THEN '0' WHEN ST_Intersects({g}, {q}) THEN '1' ELSE '2' END"
    ).format(g=geom, p=point, q=probe)


def _text(alias: str, column: str | None) -> sql.Composable:
    if not column:
        return sql.SQL("''")
    return sql.SQL("coalesce(({}.{})::text, '')").format(sql.Identifier(alias), sql.Identifier(column))


def _point(spec: GeolocateSpec, alias: str = "o") -> sql.Composed:
    """The order's point in the grids' SRID (first part of a multi-point), NULL where it has none."""
    geom = sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(spec.orders.geometry))
    single = sql.SQL(
        "ST_Force2D(CASE WHEN GeometryType({g}) = 'MULTIPOINT' THEN ST_GeometryN({g}, 1) ELSE {g} END)"
    ).format(g=geom)
    if spec.orders.srid != spec.grids.table.srid:
        single = sql.SQL("ST_Transform({}, {})").format(single, sql.Literal(int(spec.grids.table.srid)))
    return sql.SQL("CASE WHEN {g} IS NULL OR ST_IsEmpty({g}) THEN NULL ELSE {p} END").format(g=geom, p=single)


def _covering_pick(unit: Unit, alias: str, extra: list[sql.Composable], when: sql.Composable) -> sql.Composed:
    """Lateral pick of the covering unit by the responsibility rule: interior first, then the
    probe east-north, then the lowest code (one covering unit: that one, no test)."""
    geom = sql.SQL("u.{}").format(sql.Identifier(unit.table.geometry))
    columns = sql.SQL(", ").join([sql.SQL("{} AS code").format(_code("u", unit.code)), *extra])
    return sql.SQL(
        """LEFT JOIN LATERAL (
    SELECT h.* FROM (
        SELECT {columns}, {geom} AS ug, count(*) OVER () AS n FROM {table} u
        WHERE {when} AND ST_Intersects({geom}, p.g)
    ) h
    ORDER BY CASE WHEN h.n = 1 THEN '' ELSE {flag} END, {key}
    LIMIT 1
) {alias} ON true"""
    ).format(
        columns=columns,
        geom=geom,
        table=unit.table.ident,
        when=when,
        flag=pick_flag(sql.SQL("h.ug"), sql.SQL("p.g"), sql.SQL("p.gq")),
        key=code_key(sql.SQL("h.code")),
        alias=sql.Identifier(alias),
    )


def _cls(spec: GeolocateSpec, alias: str = "o") -> sql.Composable:
    if not spec.category:
        return sql.SQL("''")
    return trimmed(sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(spec.category)))


def points_steps(spec: GeolocateSpec) -> list[tuple[sql.Composed, dict | None]]:
    """Statements (with their parameters) making the scratch table of order points: key columns, the
    point in the grids' SRID (``g``), the point moved east-north (``gq``, the shared-edge probe), the
    class case and its group, and a dense ``gg_id`` to group by.

    Unlogged (nothing to recover: the transaction drops it) and a plain table, not a temporary one,
    because parallel workers cannot read a temporary table. Sorted by the geometry (PostGIS orders
    it along a space-filling curve) so neighbouring points share heap and index pages.
    """
    points = spec.points_table
    create = sql.SQL(
        """CREATE UNLOGGED TABLE {points} AS
SELECT (row_number() OVER ())::int4 AS gg_id, q.*, ST_Translate(q.g, {dx}, {dy}) AS gq,
    coalesce(%(groups)s::jsonb ->> q.cls, '') AS grp
FROM (SELECT {key_o}, {point} AS g, {cls} AS cls FROM {orders} o ORDER BY {position}) q"""
    ).format(
        points=points.ident,
        dx=sql.Literal(NUDGE[0]),
        dy=sql.Literal(NUDGE[1]),
        key_o=key_select(spec.key, "o"),
        point=_point(spec),
        cls=_cls(spec),
        orders=spec.orders.ident,
        position=sql.Literal(len(spec.key.split(",")) + 1),  # g, after the key columns
    )
    index = sql.SQL("CREATE INDEX ON {p} USING gist (g); ANALYZE {p}").format(p=points.ident)
    params = {"groups": Json(spec.class_groups or {})}
    return [(create, params), (index, None)]


def drop_points_statement(spec: GeolocateSpec) -> sql.Composed:
    """Drops the scratch table once the result is made (a failed or cancelled run rolls it back)."""
    return sql.SQL("DROP TABLE {}").format(spec.points_table.ident)


def _hits(
    spec: GeolocateSpec, unit: Unit, extra_condition: sql.Composable | None = None, flag: bool = False
) -> sql.Composed:
    """Every (unit, covering order point) pair, walking the units (``u``, with ``uk``: the unit's
    ``code`` and its :func:`code_key` ``k``, made once per unit) and finding their points (``p``:
    gg_id, cls, grp, and with ``flag`` the pair's :func:`pick_flag`) in the points' index.
    ``OFFSET 0`` keeps the units the outer side, so each polygon is tested against all its points in
    a row and PostGIS's point-in-polygon cache holds it; the flag is tested there too, so the polygon
    is not carried on into the sort that groups the pairs by order."""
    geom = sql.SQL("u.{}").format(sql.Identifier(unit.table.geometry))
    return sql.SQL(
        """{table} u CROSS JOIN LATERAL (
        SELECT c.code, {key} AS k FROM (SELECT {code} AS code) c OFFSET 0
    ) uk CROSS JOIN LATERAL (
        SELECT pi.gg_id, pi.cls, pi.grp{flag} FROM {points} pi WHERE ST_Intersects({geom}, pi.g) OFFSET 0
    ) p WHERE {extra}"""
    ).format(
        key=code_key(sql.SQL("c.code")),
        code=_code("u", unit.code),
        flag=sql.SQL(", {} AS flag").format(pick_flag(geom, sql.SQL("pi.g"), sql.SQL("pi.gq")))
        if flag
        else sql.SQL(""),
        points=spec.points_table.ident,
        table=unit.table.ident,
        geom=geom,
        extra=sql.SQL("true") if extra_condition is None else extra_condition,
    )


def _grouped_grid_pick(spec: GeolocateSpec, grid_extra: list[sql.Composable]) -> sql.Composed:
    """The covering grid by the responsibility rule as one grouped join (``gp``: gg_id, code,
    shared, overlap, a_*).

    The rule as an aggregate: each covering grid's :func:`pick_flag` then its code key; the
    smallest string wins (a single covering grid wins whatever its flag). ``min`` of text
    aggregates in parallel workers, unlike a per-order ``LIMIT 1``. Several covering grids and the
    winner holds the point in its interior: an overlap; else a shared edge (``shared``).
    """
    return sql.SQL(
        """LEFT JOIN (
    SELECT h.gg_id, h.n > 1 AND left(h.best, 1) <> '0' AS shared, h.n > 1 AND left(h.best, 1) = '0' AS overlap, ga.*
    FROM (
        SELECT p.gg_id, count(*) AS n, min((p.flag || uk.k) COLLATE "C") AS best FROM {hits} GROUP BY p.gg_id
    ) h
    JOIN (
        SELECT DISTINCT ON ({code}) {code} AS code, {extra} FROM {grids} u ORDER BY {code}
    ) ga ON ga.code = {pick}
) gp ON gp.gg_id = p.gg_id"""
    ).format(
        code=_code("u", spec.grids.code),
        hits=_hits(spec, spec.grids, flag=True),
        pick=key_code(sql.SQL("h.best")),
        extra=sql.SQL(", ").join(grid_extra),
        grids=spec.grids.table.ident,
    )


def _overlap_codes(spec: GeolocateSpec) -> sql.Composed:
    """Every covering grid's code in code order (an array), for the points in overlapping grids only
    (``gp.overlap``), NULL for the rest: a sub-select under ``CASE``, so its index look-up runs for
    those few points and nothing runs for the others (a lateral join would be entered for every
    order)."""
    geom = sql.SQL("u.{}").format(sql.Identifier(spec.grids.table.geometry))
    return sql.SQL(
        """CASE WHEN gp.overlap THEN (
        SELECT array_agg(c.code ORDER BY {key}) FROM (
            SELECT {code} AS code FROM {grids} u WHERE ST_Intersects({geom}, p.g)
        ) c
    ) END"""
    ).format(
        key=code_key(sql.SQL("c.code")),
        code=_code("u", spec.grids.code),
        geom=geom,
        grids=spec.grids.table.ident,
    )


def _grouped_micro(spec: GeolocateSpec, parent: str | None) -> sql.Composed:
    """Covering micro-grids per order (``mh``: codes in code order, with their grids' codes)."""
    return sql.SQL(
        """LEFT JOIN (
    SELECT p.gg_id, array_agg(uk.code ORDER BY uk.k) AS codes, array_agg({parent} ORDER BY uk.k) AS parents
    FROM {hits} GROUP BY p.gg_id
) mh ON mh.gg_id = p.gg_id"""
    ).format(parent=_code("u", parent) if parent else sql.SQL("''"), hits=_hits(spec, spec.micro))


def _grid_extra(spec: GeolocateSpec) -> tuple[list[sql.Composable], dict[str, str | None]]:
    """Grid fields carried along with the chosen grid: community, street and people."""
    grid = spec.grids.table
    wanted = {
        "comm": grid.first_field((COMMUNITY_CODE, "comm_code")),
        "street": grid.first_field((STREET_CODE,)),
    }
    for key in PEOPLE:
        wanted[key] = grid.first_field(PEOPLE_SOURCES[key]) if spec.people_from.get(key) == "grid" else None
    extra = [
        sql.SQL("{} AS {}").format(_text("u", column), sql.Identifier(f"a_{key}")) for key, column in wanted.items()
    ]
    return extra, wanted


def kept_order_columns(spec: GeolocateSpec) -> dict[str, str]:
    """Each order column (not the geometry) → its name in the result: one named like a result
    column (whatever the case, as in the engine) becomes ``<name>_src`` (``_src2`` …); the key keeps
    its name (the result's primary key)."""
    from gridgov.layers.io.columns import RESERVED, source_renames

    keys = set(spec.key.split(","))
    columns = [c for c in spec.orders.fields if c != spec.orders.geometry]
    results = (*RESULT_COLUMNS, "geom", RESP_LEVEL, MATCH_METHOD, OVERLAP)
    reserved = [r for r in RESERVED if r not in keys]
    renames = source_renames([c for c in columns if c not in keys], results, reserved)
    return {c: renames.get(c, c) for c in columns}


#: The responsible grid's code (``{0}`` = ``code``) or a field carried with it (``a_<key>``): the
#: covering grid, else the nearest within the tolerance.
_CHOSEN = "CASE WHEN gp.code IS NOT NULL THEN gp.{0} WHEN nn.d <= %(tolerance)s THEN nn.{0} END"

#: The nearest grid of a point outside every grid. The index orders by distance alone (a second
#: sort key would sort every grid for every point): the nearest few by the index, then distance and
#: code among them.
_NEAREST = """LEFT JOIN LATERAL (
    SELECT k.* FROM (
        SELECT {code} AS code, ST_Distance({geom}, p.g) AS d, {extra} FROM {table} u
        WHERE p.g IS NOT NULL AND gp.code IS NULL
        ORDER BY {geom} <-> p.g LIMIT 8
    ) k ORDER BY k.d, {key} LIMIT 1
) nn ON true"""

#: The dedicated grid that takes the order's class case: no subquery (it would keep the join out of
#: the parallel workers): its cases split, trimmed, and overlapping the order's group, class and class prefix.
_TAKES = r"""(btrim({cases}) = '' OR ({cls} = '' AND {group} = '') OR
    array_remove(regexp_split_to_array(btrim({cases}), '\s*[,，;]\s*'), '')
    && array_remove(ARRAY[{group}, {cls}, CASE WHEN {cls} <> '' THEN left({cls}, 2) ELSE '' END], ''))"""

#: A dedicated grid's priority as a number (1e9 where it is not one).
_PRIORITY = r"CASE WHEN {t} ~ '^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$' THEN ({t})::float8 ELSE 1e9 END"

#: The covering dedicated grid per order that takes its class case: lowest priority number, then code.
_DEDICATED = """LEFT JOIN (
    SELECT DISTINCT ON (p.gg_id) p.gg_id, uk.code{extra} FROM {hits}
    ORDER BY p.gg_id, {priority}, uk.k
) dp ON dp.gg_id = p.gg_id"""

#: Every order with its point, class case and the codes picked at each level (``gg_*``).
_INNER = """SELECT {order_columns}, p.g AS gg_point, p.cls AS gg_cls,
    coalesce({grid_code}, '') AS gg_grid, gp.code IS NOT NULL AS gg_in, coalesce(gp.shared, false) AS gg_shared,
    {overlap} AS gg_overlap,
    nn.d AS gg_d, {micro} AS gg_micro, {dedicated} AS gg_dedicated, {comm} AS gg_comm, {street} AS gg_street,
    {people}{dedicated_people}
FROM {points} p JOIN {orders} o ON {key_join}
{joins}"""

#: The match method of an order (``i``: a row of :data:`_INNER`).
_METHOD = """CASE WHEN i.gg_point IS NULL THEN 'invalid'
     WHEN i.gg_in THEN CASE WHEN i.gg_shared THEN 'boundary' ELSE 'inside' END
     WHEN i.gg_d <= %(tolerance)s THEN 'nearest'
     WHEN i.gg_comm <> '' OR i.gg_street <> '' THEN 'inside'
     ELSE 'unassigned' END"""

#: The responsible level of an order (``l``: a row with its match method).
_LEVEL = """CASE WHEN l.match_method IN ('invalid', 'unassigned') THEN ''
     WHEN l.gg_dedicated <> '' THEN 'dedicated'
     WHEN l.gg_micro <> '' AND l.match_method IN ('inside', 'boundary') THEN 'microgrid'
     WHEN l.gg_grid <> '' THEN 'grid'
     WHEN l.gg_comm <> '' THEN 'community'
     WHEN l.gg_street <> '' THEN 'street'
     ELSE '' END"""

#: The result table: the order's columns, then the engine's result columns in its order.
_RESULT = """CREATE TABLE {result} AS
SELECT {renamed},
    m.gg_grid AS grid_code, m.gg_micro AS micro_code,
    CASE WHEN {unplaced} THEN '' ELSE m.gg_dedicated END AS dedicated_code,
    m.gg_comm AS community_code, m.gg_street AS street_code,
    m.resp_level,
    CASE m.resp_level WHEN 'dedicated' THEN m.gg_dedicated WHEN 'microgrid' THEN m.gg_micro
        WHEN 'grid' THEN m.gg_grid WHEN 'community' THEN m.gg_comm WHEN 'street' THEN m.gg_street ELSE '' END
        AS resp_code,
    {people},
    m.match_method,
    m.gg_shared AS on_boundary,
    coalesce(array_to_string(m.gg_overlap, ','), '') AS overlap,
    CASE WHEN m.match_method IN ('inside', 'boundary') THEN 0.0
         WHEN m.match_method = 'nearest' THEN {near}
         WHEN m.match_method = 'unassigned' THEN {far} END AS distance_m,
    concat_ws('; ',
        CASE WHEN m.match_method = 'invalid' THEN %(no_geometry)s
             WHEN m.match_method = 'unassigned' THEN 'position is ' ||
                CASE WHEN {far} >= 1000 THEN to_char({far} / 1000, 'FM999,999,990.0') || ' km'
                     ELSE round({far})::bigint::text || ' m' END
                || %(far_suffix)s
        END,
        %(overlap_prefix)s || replace(array_to_string(m.gg_overlap, ','), ',', ', ') || %(overlap_suffix)s) AS problem,
    CASE WHEN m.gg_point IS NULL THEN 'none' ELSE 'coords' END AS locate_method,
    NULL::float8 AS address_score,
    ''::text AS candidates,
    ST_X(m.gg_point) AS x_located, ST_Y(m.gg_point) AS y_located,
    m.gg_point::geometry(Point, {srid}) AS geom
FROM (
    SELECT l.*, {level} AS resp_level FROM (
        SELECT i.*, {method} AS match_method FROM ({inner}) i
    ) l
) m"""


@dataclass
class _Picks:
    """What the statement picks for each order, as SQL over its joins: the grid's code, the code of
    each level, the people, and a responsible dedicated grid's own people."""

    joins: list[sql.Composable]
    grid_code: sql.Composable
    grid_attr: dict[str, sql.Composable]
    levels: dict[str, sql.Composable] = field(default_factory=dict)
    micro: sql.Composable = field(default_factory=lambda: sql.SQL("''"))
    dedicated: sql.Composable = field(default_factory=lambda: sql.SQL("''"))
    dedicated_people: dict[str, sql.Composable] = field(default_factory=dict)
    people: dict[str, sql.Composable] = field(default_factory=dict)


def geolocate_statement(spec: GeolocateSpec) -> tuple[sql.Composed, dict]:
    """``CREATE TABLE result AS SELECT ...``: every order row once, with the engine's result columns."""
    picks = _grid_picks(spec)
    _pick_levels(spec, picks)
    _pick_micro(spec, picks)
    if spec.dedicated is not None:
        _pick_dedicated(spec, spec.dedicated.table, picks)
    if spec.roster is not None:
        picks.joins.append(
            sql.SQL("CROSS JOIN LATERAL (SELECT %(roster)s::jsonb -> ({}) AS person) r").format(picks.grid_code)
        )
    picks.people = _people(spec, picks)
    return _result_statement(spec, _inner_statement(spec, picks), picks), _statement_params(spec)


def _grid_picks(spec: GeolocateSpec) -> _Picks:
    """The covering grid (``gp``) and the nearest (``nn``) joins, the responsible grid's code and the
    fields carried with it (inside, boundary, nearest)."""
    grid_extra, _ = _grid_extra(spec)
    grid_geom = sql.SQL("u.{}").format(sql.Identifier(spec.grids.table.geometry))
    nearest = sql.SQL(_NEAREST).format(
        key=code_key(sql.SQL("k.code")),
        code=_code("u", spec.grids.code),
        geom=grid_geom,
        extra=sql.SQL(", ").join(grid_extra),
        table=spec.grids.table.ident,
    )
    grid_attr = {key: sql.SQL(_CHOSEN.format(f"a_{key}")) for key in ("comm", "street", *PEOPLE)}
    return _Picks([_grouped_grid_pick(spec, grid_extra), nearest], sql.SQL(_CHOSEN.format("code")), grid_attr)


def _pick_levels(spec: GeolocateSpec, picks: _Picks) -> None:
    """Community and street: the responsible grid's own fields, else the covering unit."""
    for key, unit in (("comm", spec.communities), ("street", spec.streets)):
        own = sql.SQL("coalesce({}, '')").format(picks.grid_attr[key])
        if unit is None:
            picks.levels[key] = own
            continue
        alias = f"{key}_pick"
        picks.joins.append(_covering_pick(unit, alias, [], sql.SQL("p.g IS NOT NULL AND {} = ''").format(own)))
        picks.levels[key] = sql.SQL("CASE WHEN {own} <> '' THEN {own} ELSE coalesce({a}.code, '') END").format(
            own=own, a=sql.Identifier(alias)
        )


def _pick_micro(spec: GeolocateSpec, picks: _Picks) -> None:
    """The micro-grid: one of the point's own grid first (lowest code), else the lowest code."""
    if spec.micro is None:
        return
    parent = spec.micro_parent if spec.micro_parent in spec.micro.table.fields else None
    picks.joins.append(_grouped_micro(spec, parent))
    if parent:
        own = sql.SQL("mh.codes[array_position(mh.parents, coalesce({}, ''))]").format(picks.grid_code)
        picks.micro = sql.SQL("coalesce({}, mh.codes[1], '')").format(own)
    else:
        picks.micro = sql.SQL("coalesce(mh.codes[1], '')")


def _pick_dedicated(spec: GeolocateSpec, table: Table, picks: _Picks) -> None:
    """The dedicated grid (``dp``) that takes the order's class case, and its own people."""
    takes = sql.SQL("true")
    cases = spec.cases if spec.cases in table.fields else None
    if cases and spec.category:
        takes = sql.SQL(_TAKES).format(cases=_text("u", cases), group=sql.SQL("p.grp"), cls=sql.SQL("p.cls"))
    priority = sql.SQL("1e9::float8")
    if spec.priority in table.fields:
        text = sql.SQL("btrim(({})::text)").format(sql.SQL("u.{}").format(sql.Identifier(spec.priority)))
        priority = sql.SQL(_PRIORITY).format(t=text)
    own_people = [key for key in ("responsible", "resp_phone") if table.first_field(PEOPLE_SOURCES[key])]
    extra = [
        sql.SQL("{} AS {}").format(_text("u", table.first_field(PEOPLE_SOURCES[key])), sql.Identifier(f"a_{key}"))
        for key in own_people
    ]
    picks.joins.append(
        sql.SQL(_DEDICATED).format(
            extra=sql.SQL("").join(sql.SQL(", ") + e for e in extra),
            hits=_hits(spec, spec.dedicated, takes),
            priority=priority,
        )
    )
    picks.dedicated = sql.SQL("coalesce(dp.code, '')")
    for key in own_people:
        picks.dedicated_people[key] = sql.SQL("dp.{}").format(sql.Identifier(f"a_{key}"))


def _people(spec: GeolocateSpec, picks: _Picks) -> dict[str, sql.Composable]:
    """Each person field: from the roster, else from the responsible grid's own fields, else empty."""
    people = {}
    for key in PEOPLE:
        source = spec.people_from.get(key)
        if source == "roster" and spec.roster is not None:
            people[key] = sql.SQL("coalesce(r.person ->> {}, '')").format(sql.Literal(key))
        elif source == "grid":
            people[key] = sql.SQL("coalesce({}, '')").format(picks.grid_attr[key])
        else:
            people[key] = sql.SQL("''")
    return people


def _inner_statement(spec: GeolocateSpec, picks: _Picks) -> sql.Composed:
    """Every order with its point, class case and what :class:`_Picks` picked for it (``gg_*``)."""
    return sql.SQL(_INNER).format(
        order_columns=sql.SQL(", ").join(
            sql.SQL("o.{} AS {}").format(sql.Identifier(c), sql.Identifier(new))
            for c, new in kept_order_columns(spec).items()
        ),
        grid_code=picks.grid_code,
        overlap=_overlap_codes(spec),
        micro=picks.micro,
        dedicated=picks.dedicated,
        comm=picks.levels["comm"],
        street=picks.levels["street"],
        people=sql.SQL(", ").join(
            sql.SQL("{} AS {}").format(v, sql.Identifier(f"gg_{k}")) for k, v in picks.people.items()
        ),
        dedicated_people=sql.SQL("").join(
            sql.SQL(", {} AS {}").format(v, sql.Identifier(f"gg_ded_{k}")) for k, v in picks.dedicated_people.items()
        ),
        orders=spec.orders.ident,
        points=spec.points_table.ident,
        key_join=key_join(spec.key, "p", "o"),
        joins=sql.SQL("\n").join(picks.joins),
    )


def _person_columns(picks: _Picks) -> list[sql.Composed]:
    """The people of the result: a responsible dedicated grid's own, else the order's grid's."""
    columns = []
    for key in PEOPLE:
        value = sql.SQL("m.{}").format(sql.Identifier(f"gg_{key}"))
        if key in picks.dedicated_people:
            value = sql.SQL("CASE WHEN m.resp_level = 'dedicated' THEN coalesce(m.{}, '') ELSE {} END").format(
                sql.Identifier(f"gg_ded_{key}"), value
            )
        columns.append(sql.SQL("{} AS {}").format(value, sql.Identifier(key)))
    return columns


def _result_statement(spec: GeolocateSpec, inner: sql.Composed, picks: _Picks) -> sql.Composed:
    """The ``CREATE TABLE`` of the result over the orders of ``inner``, with their match method and level."""
    kept = kept_order_columns(spec)
    renamed = [sql.SQL("m.{} AS {}").format(sql.Identifier(new), sql.Identifier(new)) for new in kept.values()]
    return sql.SQL(_RESULT).format(
        result=spec.result.ident,
        near=sql.SQL(np_round("m.gg_d", 2)),
        far=sql.SQL(np_round("m.gg_d", 1)),
        renamed=sql.SQL(", ").join(renamed),
        unplaced=sql.SQL("m.match_method IN ('invalid', 'unassigned')"),
        people=sql.SQL(", ").join(_person_columns(picks)),
        srid=sql.Literal(int(spec.grids.table.srid)),
        level=sql.SQL(_LEVEL),
        method=sql.SQL(_METHOD),
        inner=inner,
    )


def _statement_params(spec: GeolocateSpec) -> dict:
    """The statement's query parameters: the tolerance, the roster and class groups as JSON, and the
    problem texts (the engine's words)."""
    return {
        "tolerance": float(spec.tolerance),
        "roster": Json(spec.roster or {}),
        "groups": Json(spec.class_groups or {}),
        "no_geometry": "geometry is empty",
        "far_suffix": f" from the nearest grid (tolerance {spec.tolerance:g} m)",
        "overlap_prefix": "inside overlapping grids ",
        "overlap_suffix": ": check the grid layer with gridgov:validategrids",
    }
