"""Shared test set-up: the plugin is imported as the package ``gridgov`` from ``.build/pkg`` (on the
path through ``pythonpath`` in pyproject.toml; the link itself is made by ``make pkglink``, or by
``pytest_configure`` below for a run without make). Nothing happens when this module is imported:
each step is a pytest hook or a fixture, and QGIS is imported only by a fixture that needs it, so
tests/unit runs where QGIS is absent (``make test-engine-latest``).

The fixtures the QGIS suites share (tests/qgis, tests/postgis, tests/parity, tests/benchmarks) live
here once: the demo city as a GeoPackage, a PostgreSQL + PostGIS server with the demo city loaded,
an authentication configuration for it, and QGIS's log forwarded to pytest's (each QGIS suite's
``conftest.py`` switches it on for its tests)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG_DIR = ROOT / ".build" / "pkg"


def pytest_configure(config) -> None:
    """The package link, if missing, and the hypothesis profile: the shared machine's load makes
    single examples slow now and then, so a deadline would turn that into a flaky failure (speed
    has its own benchmarks)."""
    from hypothesis import settings

    link = PKG_DIR / "gridgov"
    if not link.exists():
        PKG_DIR.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path("..") / "..", target_is_directory=True)
        sys.path_importer_cache.pop(str(PKG_DIR), None)  # looked up while it did not exist yet
        importlib.invalidate_caches()
    settings.register_profile("gridgov", deadline=None)
    settings.load_profile("gridgov")


@pytest.fixture(scope="session")
def demo_city_20k():
    """The demo city with 20,000 orders, built once for every engine test that needs it."""
    from gridgov.grid_ops.democity import build_demo_city

    return build_demo_city(seed=20251, n_orders=20_000)


def _registered_provider():
    """The gridgov provider in QGIS's registry: (provider, whether this call added it)."""
    from qgis.core import QgsApplication

    from gridgov.layers.processing.provider import GridGovProvider

    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("gridgov")
    if existing is not None:
        return existing, False
    provider = GridGovProvider()
    assert registry.addProvider(provider)
    return provider, True


@pytest.fixture(scope="module")
def module_provider(qgis_processing):
    """The gridgov provider for a whole test module (a result made once and read by several tests)."""
    from qgis.core import QgsApplication

    provider, added = _registered_provider()
    yield provider
    if added:
        QgsApplication.processingRegistry().removeProvider(provider)


@pytest.fixture()
def gridgov_provider(qgis_processing):
    """The gridgov provider registered for one QGIS test or benchmark (removed after, unless it was there).

    Defined here, beside the engine fixtures, so tests/qgis and tests/benchmarks share one; QGIS is
    imported only when a test asks for it (tests/unit runs without QGIS)."""
    from qgis.core import QgsApplication

    provider, added = _registered_provider()
    yield provider
    if added:
        QgsApplication.processingRegistry().removeProvider(provider)


def pytest_report_header(config):
    try:
        from osgeo import gdal
        from qgis.core import Qgis
        from qgis.PyQt.QtCore import QT_VERSION_STR
    except ImportError:
        return "QGIS: not importable here (engine tests only)"
    return f"QGIS {Qgis.QGIS_VERSION}, GDAL {gdal.__version__}, Qt {QT_VERSION_STR}"



@pytest.fixture(scope="session")
def qgis_log_to_pytest(qgis_app):
    """QGIS's message log forwarded to pytest's log (DataPlotly style), for the whole session."""
    import logging

    from qgis.core import Qgis, QgsApplication

    qgis_log = logging.getLogger("qgis")
    levels = {Qgis.MessageLevel.Critical: logging.ERROR, Qgis.MessageLevel.Warning: logging.WARNING}

    def forward(message: str, tag: str, level) -> None:
        qgis_log.log(levels.get(level, logging.INFO), "[%s] %s", tag, message)

    QgsApplication.messageLog().messageReceived.connect(forward)
    yield
    QgsApplication.messageLog().messageReceived.disconnect(forward)


@pytest.fixture(scope="session")
def demo_city_gpkg(tmp_path_factory):
    """The demo city (default seed, few orders) written once for the whole QGIS test session."""
    from gridgov.grid_ops.democity import build_demo_city, write_demo_city

    path = tmp_path_factory.mktemp("demo_city") / "city.gpkg"
    write_demo_city(build_demo_city(seed=20251, n_orders=500), path)
    return path


def _postgis_helper(name: str):
    """A module of ``tests/postgis`` (the server, the demo-city loader, the shared layers), imported by
    path: the test folders are not packages."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"gridgov_tests_{name}", ROOT / "tests" / "postgis" / f"{name}.py")
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL + PostGIS server (the newest installed) on loopback, stopped and removed after."""
    server = _postgis_helper("server").PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_city(pg_server, tmp_path_factory):
    """(server, GeoPackage path): the demo city in PostGIS (schema ``city``) and the same rows in the file."""
    path = tmp_path_factory.mktemp("pg_city") / "city.gpkg"
    _postgis_helper("pg_city").load_city(pg_server, path)
    return pg_server, path


@pytest.fixture(scope="session")
def pg_layers(qgis_app):
    """``tests/postgis/pg_layers.py``: PostGIS layers of the test server, for suites outside tests/postgis."""
    return _postgis_helper("pg_layers")


@pytest.fixture(scope="session")
def authcfg(pg_server, pg_layers):
    """A QGIS authentication configuration (user and password) for the test server."""
    return pg_layers.auth_config(pg_server)
