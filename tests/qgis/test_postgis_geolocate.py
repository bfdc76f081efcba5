"""``gridgov:geolocate`` in PostGIS against the engine, row by row, on a real PostgreSQL server."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from qgis import processing
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsDataSourceUri, QgsProcessingFeedback, QgsVectorLayer

LAYERS = {
    "INPUT": "order_points",
    "GRIDS": "grids",
    "MICROGRIDS": "microgrids",
    "DEDICATED": "dedicated_grids",
    "COMMUNITIES": "communities",
    "STREETS": "streets",
    "ROSTER": "roster",
}
COMPARED = (
    "grid_code", "micro_code", "dedicated_code", "community_code", "street_code", "resp_level", "resp_code",
    "responsible", "resp_phone", "team_id", "street_office", "match_method", "on_boundary", "problem",
    "locate_method",
)  # fmt: skip


class LogFeedback(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def pushInfo(self, info):  # noqa: N802
        self.lines.append(info)
        super().pushInfo(info)


def auth_config(server) -> str:
    """A QGIS authentication configuration (basic, user and password) for the test server."""
    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword("gridgov-master", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("gridgov test server")
    config.setConfig("username", "gridgov")
    config.setConfig("password", server.password)
    ok, config = manager.storeAuthenticationConfig(config)
    assert ok
    return config.id()


def pg_layer(server, table: str, authcfg: str, schema: str = "city", geometry: str | None = "geom") -> QgsVectorLayer:
    uri = QgsDataSourceUri()
    uri.setConnection(
        "127.0.0.1", str(server.port), server.database, "", "", QgsDataSourceUri.SslMode.SslDisable, authcfg
    )
    uri.setDataSource(schema, table, geometry if table != "roster" else None, "", "fid")
    layer = QgsVectorLayer(uri.uri(False), table, "postgres")
    assert layer.isValid(), f"PostGIS layer {table} did not load"
    return layer


def gpkg_layer(path, table: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
    assert layer.isValid()
    return layer


def frame_of(layer: QgsVectorLayer) -> pd.DataFrame:
    names = layer.fields().names()
    rows = [dict(zip(names, f.attributes())) for f in layer.getFeatures()]
    return pd.DataFrame(rows).set_index("order_id").sort_index()


@pytest.fixture(scope="module")
def authcfg(pg_city, qgis_app):
    server, _ = pg_city
    return auth_config(server)


def run(layers: dict, feedback=None, **extra) -> dict:
    params = {**layers, "CATEGORY_FIELD": "class_code", "TOLERANCE": 50.0, "OUTPUT": "TEMPORARY_OUTPUT", **extra}
    return processing.run("gridgov:geolocate", params, feedback=feedback)


def test_geolocate_in_postgis_matches_the_engine_row_by_row(pg_city, authcfg, gridgov_provider):
    server, path = pg_city
    feedback = LogFeedback()
    in_db = run({k: pg_layer(server, v, authcfg) for k, v in LAYERS.items()}, feedback)
    assert any("Running in PostGIS" in line for line in feedback.lines), feedback.lines
    engine_feedback = LogFeedback()
    in_engine = run({k: gpkg_layer(path, v) for k, v in LAYERS.items()}, engine_feedback)
    assert not any("PostGIS" in line for line in engine_feedback.lines)

    assert in_db["OUTPUT"].startswith("postgres://")
    connection = server.connect()
    with connection.cursor() as cursor:  # the run's scratch table of order points went with its transaction
        cursor.execute("SELECT to_regclass('city.order_points_placed_gg_points') IS NULL")
        assert cursor.fetchone()[0]
    connection.close()
    db_layer = QgsVectorLayer(in_db["OUTPUT"][len("postgres://") :], "placed", "postgres")
    assert db_layer.isValid()
    assert "password" not in db_layer.source()  # the credentials stay in QGIS's authentication database
    db = frame_of(db_layer)
    engine_out = in_engine["OUTPUT"]
    engine = frame_of(engine_out if isinstance(engine_out, QgsVectorLayer) else QgsVectorLayer(engine_out, "e", "ogr"))
    assert len(db) == len(engine) == in_db["ROWS_IN"] == in_db["ROWS_OUT"]
    assert in_db["PLACED"] == in_engine["PLACED"] and in_db["NOT_PLACED"] == in_engine["NOT_PLACED"]
    assert db.index.equals(engine.index)
    # every rule is exercised by the data
    methods = set(engine["match_method"])
    assert {"inside", "boundary", "nearest", "unassigned", "invalid"} <= methods, methods
    assert (engine["resp_level"] == "dedicated").any() and (engine["resp_level"] == "microgrid").any()
    for column in COMPARED:
        a = db[column].astype(str).replace({"NULL": "", "None": ""})
        b = engine[column].astype(str).replace({"NULL": "", "None": ""})
        differ = a != b
        assert not differ.any(), (
            f"{column} differs on {differ.sum()} rows:\n{pd.DataFrame({'db': a, 'engine': b})[differ].head(10)}"
        )
    for column in ("distance_m", "x_located", "y_located"):
        a = pd.to_numeric(db[column], errors="coerce").to_numpy(dtype=float)
        b = pd.to_numeric(engine[column], errors="coerce").to_numpy(dtype=float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), column
        assert np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], atol=0.0051 if column == "distance_m" else 1e-6), column
