"""What the PostGIS tests share: the demo city's layers in the database and in the GeoPackage, the
compared columns, an authentication configuration for the test server, a feedback that keeps its log."""

from __future__ import annotations

import pandas as pd
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


def exists(server, table: str) -> bool:
    connection = server.connect()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
        found = cursor.fetchone()[0]
    connection.close()
    return found
