"""The PostGIS path under stress: hostile names and values, a connection dropped mid-run, a mixed input."""

from __future__ import annotations

import threading
import time

import pytest
from qgis import processing
from qgis.core import QgsDataSourceUri, QgsProcessingException, QgsVectorLayer

from gridgov.layers.backends.postgis.source import PgTable  # noqa: F401 - the module under test imports cleanly

from .pg_layers import LAYERS, LogFeedback, exists, gpkg_layer, pg_layer

EVIL_FIELD = "class \"case\"' OR '1'='1 --"  # no ";": QGIS splits field lists on it
EVIL_VALUE = "noise'); DROP TABLE city.grids; --"
EVIL_TABLE = 'orders "quoted"; drop'


def test_quotes_and_sql_in_names_and_values_do_no_harm(pg_city, authcfg, gridgov_provider):
    server, _ = pg_city
    connection = server.connect()
    with connection.cursor() as cursor:
        cursor.execute(
            'DROP TABLE IF EXISTS city."orders ""quoted""; drop";'
            'CREATE TABLE city."orders ""quoted""; drop" AS SELECT fid, order_id, geom, '
            'CASE WHEN fid %% 3 = 0 THEN %s ELSE class_code END AS "class ""case""\' OR \'1\'=\'1 --" '
            'FROM city.order_points; ALTER TABLE city."orders ""quoted""; drop" ADD PRIMARY KEY (fid)',
            (EVIL_VALUE,),
        )
    connection.close()
    layers = {k: pg_layer(server, v, authcfg) for k, v in LAYERS.items()}
    layers["INPUT"] = pg_layer(server, EVIL_TABLE, authcfg)
    assert EVIL_FIELD in layers["INPUT"].fields().names()
    feedback = LogFeedback()
    result = processing.run(
        "gridgov:geolocate",
        {**layers, "CATEGORY_FIELD": EVIL_FIELD, "OUTPUT": "TEMPORARY_OUTPUT"},
        feedback=feedback,
    )
    assert any("Running in PostGIS" in line for line in feedback.lines)
    assert exists(server, "city.grids")
    placed = QgsVectorLayer(result["OUTPUT"][len("postgres://") :], "placed", "postgres")
    assert placed.isValid() and placed.featureCount() == layers["INPUT"].featureCount() == result["ROWS_OUT"]
    values = {f[EVIL_FIELD] for f in placed.getFeatures()}
    assert EVIL_VALUE in values  # stored and returned as plain text


def test_a_connection_dropped_mid_run_leaves_no_half_written_table(pg_city, authcfg, gridgov_provider):
    server, _ = pg_city
    connection = server.connect()
    with connection.cursor() as cursor:  # enough rows that the run is still busy when the connection drops
        cursor.execute(
            "DROP TABLE IF EXISTS city.many_points CASCADE; DROP TABLE IF EXISTS city.many_points_placed;"
            "CREATE TABLE city.many_points AS SELECT row_number() OVER () AS fid, o.order_id, o.class_code, "
            "ST_Translate(o.geom, k * 0.5, 0) AS geom FROM city.order_points o, generate_series(1, 40) k;"
            "ALTER TABLE city.many_points ADD PRIMARY KEY (fid);"
            "CREATE TABLE city.many_points_placed AS SELECT 'an earlier result'::text AS note"
        )
    layers = {k: pg_layer(server, v, authcfg) for k, v in LAYERS.items()}
    layers["INPUT"] = pg_layer(server, "many_points", authcfg)
    killed = []

    def drop_the_connection():
        deadline = time.monotonic() + 60
        with connection.cursor() as cursor:
            while time.monotonic() < deadline and not killed:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gridgov' "
                    "AND state = 'active' AND query LIKE 'CREATE TABLE%%'"
                )
                killed.extend(row[0] for row in cursor.fetchall())
                time.sleep(0.02)

    killer = threading.Thread(target=drop_the_connection)
    killer.start()
    try:
        with pytest.raises(QgsProcessingException, match=r"connection to the database was lost.*nothing was written"):
            processing.run("gridgov:geolocate", {**layers, "OUTPUT": "TEMPORARY_OUTPUT"})
    finally:
        killer.join()
    assert killed == [True]
    with connection.cursor() as cursor:  # the earlier result is still there, untouched
        cursor.execute("SELECT note FROM city.many_points_placed")
        assert cursor.fetchall() == [("an earlier result",)]
    connection.close()
    assert not exists(server, "city.many_points_placed_gg_points")  # nor the run's scratch table of points


def test_inputs_from_two_sources_run_in_the_engine_and_say_why(pg_city, authcfg, gridgov_provider):
    server, path = pg_city
    layers = {k: pg_layer(server, v, authcfg) for k, v in LAYERS.items()}
    layers["MICROGRIDS"] = gpkg_layer(path, "microgrids")
    feedback = LogFeedback()
    result = processing.run("gridgov:geolocate", {**layers, "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=feedback)
    assert any("Running in the engine, not in PostGIS: MICROGRIDS is not a PostGIS layer" in x for x in feedback.lines)
    assert result["ROWS_OUT"] == layers["INPUT"].featureCount()


def _copy_orders(server, table: str, extra: str = "") -> None:
    connection = server.connect()
    with connection.cursor() as cursor:
        cursor.execute(
            f'DROP TABLE IF EXISTS city."{table}"; '
            f'CREATE TABLE city."{table}" AS SELECT fid, order_id, class_code, geom{extra} FROM city.order_points; '
            f'ALTER TABLE city."{table}" ADD PRIMARY KEY (fid)'
        )
    connection.commit()
    connection.close()


def test_placed_orders_are_placed_again_in_postgis(pg_city, authcfg, gridgov_provider):
    """A table that already has match_method, grid_code (and a Problem) is placed again: its columns stay."""
    server, _ = pg_city
    _copy_orders(
        server, "placed_before", ", 'old'::text AS match_method, 'g0'::text AS grid_code, 'p'::text AS \"Problem\""
    )
    layers = {k: pg_layer(server, v, authcfg) for k, v in LAYERS.items()}
    layers["INPUT"] = pg_layer(server, "placed_before", authcfg)
    feedback = LogFeedback()
    result = processing.run("gridgov:geolocate", {**layers, "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=feedback)
    assert any("Running in PostGIS" in line for line in feedback.lines), feedback.lines
    placed = QgsVectorLayer(result["OUTPUT"][len("postgres://") :], "placed", "postgres")
    assert placed.isValid() and placed.featureCount() == layers["INPUT"].featureCount()
    names = placed.fields().names()
    assert {"match_method_src", "grid_code_src", "Problem_src", "match_method", "grid_code", "problem"} <= set(names)
    rows = list(placed.getFeatures())
    assert {f["match_method_src"] for f in rows} == {"old"} and "old" not in {f["match_method"] for f in rows}


def test_a_long_chinese_table_name_never_drops_its_input(pg_city, authcfg, gridgov_provider):
    """63 bytes, not characters: 21 Chinese characters fill an identifier; the result must not be the input."""
    server, _ = pg_city
    name = "工单" * 10 + "表"  # 63 bytes in UTF-8
    assert len(name.encode()) == 63
    _copy_orders(server, name)
    layers = {k: pg_layer(server, v, authcfg) for k, v in LAYERS.items()}
    layers["INPUT"] = pg_layer(server, name, authcfg)
    n = layers["INPUT"].featureCount()
    result = processing.run("gridgov:geolocate", {**layers, "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=LogFeedback())
    assert exists(server, f'city."{name}"')
    assert pg_layer(server, name, authcfg).featureCount() == n
    placed = QgsVectorLayer(result["OUTPUT"][len("postgres://") :], "placed", "postgres")
    assert placed.isValid() and placed.featureCount() == n
    table = QgsDataSourceUri(placed.source()).table()
    assert table != name and table.endswith("_placed") and len(table.encode()) <= 63


def test_no_plain_password_in_results_or_log(pg_city, gridgov_provider):
    """A layer connected with user and password in its URI: results and the log never show the password."""
    server, _ = pg_city
    layers = {}
    for key, table in LAYERS.items():
        uri = QgsDataSourceUri()
        uri.setConnection("127.0.0.1", str(server.port), server.database, "gridgov", server.password)
        uri.setDataSource("city", table, "geom" if table != "roster" else None, "", "fid")
        layers[key] = QgsVectorLayer(uri.uri(False), table, "postgres")
        assert layers[key].isValid()
    feedback = LogFeedback()
    result = processing.run("gridgov:geolocate", {**layers, "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=feedback)
    assert any("Running in PostGIS" in line for line in feedback.lines), feedback.lines
    shown = " ".join(map(str, result.values())) + " ".join(feedback.lines)
    assert server.password not in shown and "password=" not in shown
    assert "postgres://" in result["OUTPUT"]
