"""QGIS test set-up (DataPlotly style): QGIS log messages go to pytest's log, the provider is loaded."""

from __future__ import annotations

import logging

import pytest
from qgis.core import Qgis, QgsApplication

QGIS_LOG = logging.getLogger("qgis")


def _forward(message: str, tag: str, level) -> None:
    level_map = {Qgis.MessageLevel.Critical: logging.ERROR, Qgis.MessageLevel.Warning: logging.WARNING}
    QGIS_LOG.log(level_map.get(level, logging.INFO), "[%s] %s", tag, message)


def pytest_report_header(config):
    from osgeo import gdal
    from qgis.PyQt.QtCore import QT_VERSION_STR

    return f"QGIS {Qgis.QGIS_VERSION}, GDAL {gdal.__version__}, Qt {QT_VERSION_STR}"


@pytest.fixture(scope="session", autouse=True)
def qgis_log_to_pytest(qgis_app):
    QgsApplication.messageLog().messageReceived.connect(_forward)
    yield
    QgsApplication.messageLog().messageReceived.disconnect(_forward)


@pytest.fixture(scope="session")
def demo_city_gpkg(tmp_path_factory):
    """The demo city (default seed, few orders) written once for the whole QGIS test session."""
    from gridgov.grid_ops.democity import build_demo_city, write_demo_city

    path = tmp_path_factory.mktemp("demo_city") / "city.gpkg"
    write_demo_city(build_demo_city(seed=20251, n_orders=500), path)
    return path


def _postgis_helpers():
    """``tests/postgis`` holds the server and the demo-city loader (imported by path: no package)."""
    import importlib.util
    import sys
    from pathlib import Path

    modules = {}
    for name in ("server", "pg_city"):
        path = Path(__file__).resolve().parent.parent / "postgis" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"gridgov_tests_{name}", path)
        module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
        if spec.name not in sys.modules:
            sys.modules[spec.name] = module  # dataclasses look their module up there
            spec.loader.exec_module(module)
        modules[name] = module
    return modules


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL + PostGIS server (the newest installed) on loopback, stopped and removed after."""
    server = _postgis_helpers()["server"].PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_city(pg_server, tmp_path_factory):
    """(server, GeoPackage path): the demo city in PostGIS (schema ``city``) and the same rows in the file."""
    path = tmp_path_factory.mktemp("pg_city") / "city.gpkg"
    _postgis_helpers()["pg_city"].load_city(pg_server, path)
    return pg_server, path
