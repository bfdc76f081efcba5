"""``gridgov:geolocate`` in PostGIS on small hand-made layouts (issue 25): the code order of every
tie-break (codes of digits by numeric value) and overlapping grids flagged in ``overlap`` and
``problem`` instead of being called boundaries.

Each test builds its own schema on the session's PostgreSQL + PostGIS server and runs the SQL of
``layers/backends/postgis/geolocate_sql.py`` as the in-database run does (scratch points, result table);
the last test runs the whole ``processing.run`` on PostGIS layers. Expected values are written
by hand from the rules, not taken from the engine.
"""

from __future__ import annotations

import pytest
from psycopg2 import sql

from gridgov.layers.backends.postgis.geolocate_sql import (
    GeolocateSpec,
    Table,
    Unit,
    code_key,
    drop_points_statement,
    geolocate_statement,
    key_code,
    points_steps,
)

SRID = 3857
SUFFIX = ": check the grid layer with gridgov:validategrids"


def box(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"POLYGON(({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"


def pt(x: float, y: float) -> str:
    return f"POINT({x} {y})"


def overlap_problem(*codes: str) -> str:
    return "inside overlapping grids " + ", ".join(codes) + SUFFIX


def _create(cursor, schema: str, name: str, columns: dict[str, str], rows: list[dict]) -> Table:
    """A table ``schema.name`` with ``fid`` and ``columns`` (name → SQL type; ``geom`` is the
    geometry, given as WKT, None for an empty one) and the rows."""
    cursor.execute(
        f'CREATE TABLE "{schema}"."{name}" (fid serial PRIMARY KEY, '
        + ", ".join(f'"{c}" {t}' for c, t in columns.items())
        + ")"
    )
    names = list(columns)
    for row in rows:
        values = [(f"ST_GeomFromText(%s, {SRID})" if c == "geom" else "%s") for c in names]
        cursor.execute(
            f'INSERT INTO "{schema}"."{name}" ('
            + ", ".join(f'"{c}"' for c in names)
            + ") VALUES ("
            + ", ".join(values)
            + ")",
            [row.get(c) for c in names],
        )
    return Table(schema, name, "geom", SRID, ("fid", *names))


def _units(cursor, schema: str, name: str, code: str, rows: list[tuple], extra: tuple[str, ...] = ()) -> Unit:
    """A unit layer from ``(code, wkt, *extra values)`` rows; the extra columns are text."""
    columns = {code: "text", **{c: "text" for c in extra}, "geom": f"geometry(Polygon, {SRID})"}
    dicts = [{code: r[0], "geom": r[1], **dict(zip(extra, r[2:]))} for r in rows]
    return Unit(_create(cursor, schema, name, columns, dicts), code)


def place(server, schema: str, grids: list[tuple], orders: list[tuple], **units) -> tuple[dict[str, dict], list[str]]:
    """Run the push-down's statements on a fresh ``schema``: ``grids`` as ``(code, wkt)``, ``orders``
    as ``(order_id, wkt or None[, class_code])``; ``units`` may give ``micro`` (code, wkt, parent
    grid), ``dedicated`` (code, wkt, priority, case_groups), ``communities`` (code, wkt),
    ``tolerance`` and ``class_groups``. Returns (result rows by order_id, result column names)."""
    connection = server.connect()
    connection.autocommit = False
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
            order_table = _create(
                cursor,
                schema,
                "orders",
                {"order_id": "text", "class_code": "text", "overlap": "text", "geom": f"geometry(Point, {SRID})"},
                [
                    {"order_id": o[0], "geom": o[1], "class_code": o[2] if len(o) > 2 else "0601", "overlap": "mine"}
                    for o in orders
                ],
            )
            spec = GeolocateSpec(
                orders=order_table,
                key="fid",
                grids=_units(cursor, schema, "grids", "grid_code", grids),
                result=Table(schema, "placed", "geom"),
                category="class_code",
                micro=_units(cursor, schema, "micro", "micro_code", units["micro"], ("grid_code",))
                if "micro" in units
                else None,
                dedicated=_units(
                    cursor, schema, "dedicated", "dedicated_code", units["dedicated"], ("priority", "case_groups")
                )
                if "dedicated" in units
                else None,
                communities=_units(cursor, schema, "communities", "community_code", units["communities"])
                if "communities" in units
                else None,
                tolerance=units.get("tolerance", 50.0),
                class_groups=units.get("class_groups", {"0601": "noise", "0503": "garbage"}),
                points=Table(schema, "points", "g"),
            )
            for statement, params in points_steps(spec):
                cursor.execute(statement, params)
            cursor.execute("SET LOCAL enable_nestloop = off")  # as the run does (pushdown.replace_steps)
            statement, params = geolocate_statement(spec)
            cursor.execute(statement, params)
            cursor.execute(drop_points_statement(spec))
            cursor.execute(f'SELECT * FROM "{schema}"."placed"')
            names = [d[0] for d in cursor.description]
            rows = {r[names.index("order_id")]: dict(zip(names, r)) for r in cursor.fetchall()}
        connection.rollback()
    finally:
        connection.close()
    assert len(rows) == len(orders)
    return rows, names


def check(row: dict, **expected) -> None:
    got = {k: row[k] for k in expected}
    assert got == expected, f"order {row['order_id']}: {got} != {expected}"


@pytest.fixture(scope="module")
def server(pg_server, qgis_app):
    return pg_server


def test_code_key_orders_codes_of_digits_by_value_then_the_rest_by_bytes(server):
    codes = ["Z9", "a1", "A1", "", "440399001001001", "126", "0126", "41", "7", "00", "0", "1a", "-1", "٣", "10"]
    expected = ["0", "00", "7", "10", "41", "0126", "126", "440399001001001", "", "-1", "1a", "A1", "Z9", "a1", "٣"]
    connection = server.connect()
    try:
        with connection.cursor() as cursor:
            query = (
                "SELECT c.code, {key_code} FROM (SELECT c.code, {key} AS k FROM unnest(%s::text[]) AS c(code)) c "
                "ORDER BY c.k"
            )
            cursor.execute(
                sql.SQL(query).format(key=code_key(sql.SQL("c.code")), key_code=key_code(sql.SQL("c.k"))),
                (codes,),
            )
            rows = cursor.fetchall()
            # min() of the keys (the grouped picks' aggregate) gives the first code back
            cursor.execute(
                sql.SQL("SELECT {} FROM (SELECT min({}) AS k FROM unnest(%s::text[]) AS c(code)) m").format(
                    key_code(sql.SQL("m.k")), code_key(sql.SQL("c.code"))
                ),
                (["126", "A1", "41", "0126"],),
            )
            lowest = cursor.fetchone()[0]
    finally:
        connection.close()
    assert [r[0] for r in rows] == expected
    assert all(code == back for code, back in rows)  # the code comes back from its key
    assert lowest == "41"


def test_overlapping_grids_are_flagged_not_called_boundaries(server):
    # "126" and "41" overlap where 50 < x < 100
    grids = [("126", box(0, 0, 100, 100)), ("41", box(50, 0, 150, 100))]
    orders = [
        ("both_inside", pt(75, 50)),  # interior of both: the lowest code among them, "41" (not "126" by text)
        ("only_126", pt(25, 50)),
        ("edge_of_41_inside_126", pt(50, 50)),  # interior of "126" only: "126", though "41" is lower
        ("edge_of_126_inside_41", pt(100, 50)),
        ("outer_edge_of_41", pt(150, 50)),  # one grid holds it (on its edge): inside, no flag
        ("just_outside", pt(160, 50)),
        ("no_position", None),
    ]
    rows, names = place(server, "ov_grids", grids, orders)
    assert names.index("overlap") == names.index("on_boundary") + 1
    assert "overlap_src" in names  # the orders' own "overlap" column is kept under another name
    assert {r["overlap_src"] for r in rows.values()} == {"mine"}
    inside = {"match_method": "inside", "on_boundary": False, "distance_m": 0.0}
    check(
        rows["both_inside"],
        grid_code="41",
        resp_level="grid",
        resp_code="41",
        overlap="41,126",
        problem=overlap_problem("41", "126"),
        **inside,
    )
    check(rows["only_126"], grid_code="126", overlap="", problem="", **inside)
    check(
        rows["edge_of_41_inside_126"],
        grid_code="126",
        overlap="41,126",
        problem=overlap_problem("41", "126"),
        **inside,
    )
    check(
        rows["edge_of_126_inside_41"],
        grid_code="41",
        overlap="41,126",
        problem=overlap_problem("41", "126"),
        **inside,
    )
    check(rows["outer_edge_of_41"], grid_code="41", overlap="", problem="", **inside)
    check(
        rows["just_outside"],
        grid_code="41",
        match_method="nearest",
        on_boundary=False,
        distance_m=10.0,
        overlap="",
        problem="",
    )
    check(
        rows["no_position"],
        grid_code="",
        match_method="invalid",
        on_boundary=False,
        overlap="",
        problem="geometry is empty",
    )


def test_three_overlapping_grids_list_every_covering_code_in_code_order(server):
    grids = [
        ("A1", box(0, 0, 100, 100)),
        ("126", box(0, 0, 100, 100)),
        ("0126", box(-50, 0, 50, 100)),
        ("7", box(50, 0, 150, 100)),  # holds the point on its edge only
        ("440399001001001", box(200, 0, 300, 100)),  # elsewhere
    ]
    rows, _ = place(server, "ov_three", grids, [("p", pt(50, 50))])
    check(
        rows["p"],
        grid_code="126",  # interior of "A1" and "126": "126" (digits first); "0126" and "7" only on their edges
        match_method="inside",
        on_boundary=False,
        overlap="7,0126,126,A1",
        problem=overlap_problem("7", "0126", "126", "A1"),
    )
    rows, _ = place(server, "ov_three", grids, [("p", pt(25, 50))])
    check(rows["p"], grid_code="0126", overlap="0126,126,A1", problem=overlap_problem("0126", "126", "A1"))


def test_shared_edges_and_vertices_stay_boundaries(server):
    grids = [
        # a vertical edge at x = 200: the east side owns it, though "41" is the lower code
        ("41", box(100, 0, 200, 100)),
        ("126", box(200, 0, 300, 100)),
        # four grids meeting at (0, 0): the north-east one owns the vertex
        ("7", box(-100, -100, 0, 0)),
        ("0126", box(0, -100, 100, 0)),
        ("440399001001001", box(-100, 0, 0, 100)),
        ("Z9", box(0, 0, 100, 100)),
    ]
    orders = [
        ("shared_edge", pt(200, 50)),
        ("shared_vertex", pt(0, 0)),
        ("edge_of_two", pt(50, 0)),  # between "0126" (south) and "Z9" (north): north owns it
        ("inside_41", pt(150, 50)),
    ]
    rows, _ = place(server, "ov_edges", grids, orders)
    boundary = {"match_method": "boundary", "on_boundary": True, "overlap": "", "problem": "", "distance_m": 0.0}
    check(rows["shared_edge"], grid_code="126", **boundary)
    check(rows["shared_vertex"], grid_code="Z9", **boundary)
    check(rows["edge_of_two"], grid_code="Z9", **boundary)
    check(rows["inside_41"], grid_code="41", match_method="inside", on_boundary=False, overlap="")


def test_a_vertex_the_probe_cannot_decide_takes_the_lowest_code(server):
    # four grids meet at (0, 0); the north-east quadrant is cut along the probe's own direction
    # (1 mm east, 0.5 mm north), so the moved point lies on the edge of "126" and "0126": both
    # hold it, the same value, "0126" the lower text. "41" and "7" do not hold the probe.
    grids = [
        ("126", "POLYGON((0 0, 200 0, 200 100, 0 0))"),
        ("0126", "POLYGON((0 0, 200 100, 200 200, 0 200, 0 0))"),
        ("41", box(-200, 0, 0, 200)),
        ("7", box(-200, -200, 200, 0)),
    ]
    rows, _ = place(server, "ov_vertex", grids, [("vertex", pt(0, 0))])
    check(rows["vertex"], grid_code="0126", match_method="boundary", on_boundary=True, overlap="", problem="")


def test_nearest_grid_on_equal_distances_takes_the_lowest_code(server):
    grids = [("126", box(0, 0, 100, 100)), ("41", box(200, 0, 300, 100)), ("A1", box(200, 200, 300, 300))]
    orders = [
        ("between", pt(150, 50)),  # 50 m from "126" and "41"
        ("three_ways", pt(150, 150)),  # 70.71 m from all three: tolerance 80
        ("far", pt(250, 700)),  # 400 m from "A1"
    ]
    rows, _ = place(server, "ov_nearest", grids, orders, tolerance=80.0)
    check(rows["between"], grid_code="41", match_method="nearest", distance_m=50.0, overlap="", problem="")
    check(rows["three_ways"], grid_code="41", match_method="nearest", distance_m=70.71, overlap="")
    check(
        rows["far"],
        grid_code="",
        match_method="unassigned",
        distance_m=400.0,
        overlap="",
        problem="position is 400 m from the nearest grid (tolerance 80 m)",
    )


def test_micro_grids_own_grid_first_then_code_order(server):
    grids = [("126", box(0, 0, 100, 100)), ("555", box(200, 0, 300, 100))]
    micro = [
        ("1", box(0, 0, 60, 60), "555"),  # the lowest code, but another grid's
        ("10", box(0, 0, 60, 60), "126"),
        ("9", box(0, 0, 60, 60), "126"),  # "9" before "10": by value
        ("0009", box(40, 40, 100, 100), "126"),  # same value as "9", lower text
        ("A", box(40, 40, 100, 100), "126"),
        ("3", box(-50, -50, -10, -10), ""),
        ("2", box(-50, -50, -10, -10), "555"),
    ]
    orders = [("p", pt(20, 20)), ("q", pt(50, 50)), ("r", pt(80, 80)), ("s", pt(-20, -20))]
    rows, _ = place(server, "ov_micro", grids, orders, micro=micro)
    check(rows["p"], grid_code="126", micro_code="9", resp_level="microgrid", resp_code="9")
    check(rows["q"], micro_code="0009", resp_code="0009")  # "0009", "9", "10", "A": equal values by text
    check(rows["r"], micro_code="0009")
    # "s": nearest grid "126" (28.28 m) owns neither: the lowest code; not inside, so the grid is responsible
    check(rows["s"], grid_code="126", match_method="nearest", micro_code="2", resp_level="grid")


def test_dedicated_grids_class_then_priority_then_code_order(server):
    grids = [("126", box(0, 0, 100, 100))]
    dedicated = [
        ("3", box(0, 0, 100, 100), "0", "garbage"),  # first by priority, but does not take noise
        ("126", box(0, 0, 100, 100), "1", ""),
        ("41", box(0, 0, 100, 100), "1", "noise"),  # same priority: "41" before "126"
        ("7", box(0, 0, 100, 100), "2", ""),
        ("A1", box(0, 0, 100, 100), "", ""),  # no priority: last
    ]
    orders = [("noise", pt(50, 50), "0601"), ("garbage", pt(50, 50), "0503"), ("other", pt(50, 50), "0101")]
    rows, _ = place(server, "ov_dedicated", grids, orders, dedicated=dedicated)
    check(rows["noise"], dedicated_code="41", resp_level="dedicated", resp_code="41")
    check(rows["garbage"], dedicated_code="3", resp_code="3")
    check(rows["other"], dedicated_code="126", resp_code="126")  # "41" takes noise only


def test_overlapping_communities_take_the_one_holding_the_point_inside(server):
    # no grid within the tolerance: the covering community is responsible, by the same rule, unflagged
    grids = [("900", box(10_000, 10_000, 10_100, 10_100))]
    communities = [
        ("126", box(0, 0, 100, 100)),
        ("41", box(50, 0, 150, 100)),
        ("7", box(0, 100, 100, 200)),  # shares the edge y = 100 with "126"
    ]
    orders = [
        ("both_inside", pt(75, 50)),
        ("edge_of_41_inside_126", pt(50, 50)),
        ("edge_of_126_inside_41", pt(100, 50)),
        ("shared_edge", pt(25, 100)),  # the north side ("7") owns it
    ]
    rows, _ = place(server, "ov_communities", grids, orders, communities=communities)
    unflagged = {"match_method": "inside", "on_boundary": False, "overlap": "", "problem": "", "grid_code": ""}
    check(rows["both_inside"], community_code="41", resp_level="community", resp_code="41", **unflagged)
    check(rows["edge_of_41_inside_126"], community_code="126", **unflagged)
    check(rows["edge_of_126_inside_41"], community_code="41", **unflagged)
    check(rows["shared_edge"], community_code="7", **unflagged)


def test_processing_run_in_postgis_writes_the_overlap_column(server, gridgov_provider):
    from qgis import processing
    from qgis.core import QgsVectorLayer

    from .pg_layers import LogFeedback, auth_config, pg_layer

    connection = server.connect()
    with connection.cursor() as cursor:
        cursor.execute('DROP SCHEMA IF EXISTS "ov_run" CASCADE; CREATE SCHEMA "ov_run"')
        _units(cursor, "ov_run", "grids", "grid_code", [("126", box(0, 0, 100, 100)), ("41", box(50, 0, 150, 100))])
        _create(
            cursor,
            "ov_run",
            "orders",
            {"order_id": "text", "geom": f"geometry(Point, {SRID})"},
            [{"order_id": "a", "geom": pt(75, 50)}, {"order_id": "b", "geom": pt(25, 50)}],
        )
    connection.close()
    authcfg = auth_config(server)
    feedback = LogFeedback()
    result = processing.run(
        "gridgov:geolocate",
        {
            "INPUT": pg_layer(server, "orders", authcfg, schema="ov_run"),
            "GRIDS": pg_layer(server, "grids", authcfg, schema="ov_run"),
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
        feedback=feedback,
    )
    assert any("Running in PostGIS" in line for line in feedback.lines), feedback.lines
    layer = QgsVectorLayer(result["OUTPUT"][len("postgres://") :], "placed", "postgres")
    assert layer.isValid()
    names = layer.fields().names()
    assert names.index("overlap") == names.index("on_boundary") + 1
    rows = {f["order_id"]: f for f in layer.getFeatures()}
    assert (rows["a"]["grid_code"], rows["a"]["match_method"], rows["a"]["overlap"]) == ("41", "inside", "41,126")
    assert rows["a"]["problem"] == overlap_problem("41", "126")
    assert (rows["b"]["grid_code"], rows["b"]["overlap"], rows["b"]["problem"]) == ("126", "", "")
    assert result["PLACED"] == 2
