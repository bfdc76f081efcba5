"""The PostGIS path under stress: hostile names and values, a connection dropped mid-run, a mixed input."""

from __future__ import annotations

import threading
import time

import pytest
from qgis import processing
from qgis.core import QgsProcessingException, QgsVectorLayer

from gridgov.layers.postgis.source import PgTable  # noqa: F401 - the module under test imports cleanly

from .test_postgis_geolocate import LAYERS, LogFeedback, auth_config, gpkg_layer, pg_layer

EVIL_FIELD = "class \"case\"' OR '1'='1 --"  # no ";": QGIS splits field lists on it
EVIL_VALUE = "noise'); DROP TABLE city.grids; --"
EVIL_TABLE = 'orders "quoted"; drop'


@pytest.fixture(scope="module")
def authcfg(pg_city, qgis_app):
    return auth_config(pg_city[0])


def _exists(server, table: str) -> bool:
    connection = server.connect()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
        found = cursor.fetchone()[0]
    connection.close()
    return found


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
    assert _exists(server, "city.grids")
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


def test_inputs_from_two_sources_run_in_the_engine_and_say_why(pg_city, authcfg, gridgov_provider):
    server, path = pg_city
    layers = {k: pg_layer(server, v, authcfg) for k, v in LAYERS.items()}
    layers["MICROGRIDS"] = gpkg_layer(path, "microgrids")
    feedback = LogFeedback()
    result = processing.run("gridgov:geolocate", {**layers, "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=feedback)
    assert any("Running in the engine, not in PostGIS: MICROGRIDS is not a PostGIS layer" in x for x in feedback.lines)
    assert result["ROWS_OUT"] == layers["INPUT"].featureCount()
