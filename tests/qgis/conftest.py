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


@pytest.fixture()
def gridgov_provider(qgis_processing):
    """The gridgov provider registered for one test, removed after."""
    from gridgov.layers.processing.provider import GridGovProvider

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("gridgov")
    if existing is not None:
        yield existing
        return
    provider = GridGovProvider()
    assert registry.addProvider(provider)
    yield provider
    registry.removeProvider(provider)


@pytest.fixture(scope="session")
def demo_city_gpkg(tmp_path_factory):
    """The demo city (default seed, few orders) written once for the whole QGIS test session."""
    from gridgov.grid_ops.democity import build_demo_city, write_demo_city

    path = tmp_path_factory.mktemp("demo_city") / "city.gpkg"
    write_demo_city(build_demo_city(seed=20251, n_orders=500), path)
    return path
