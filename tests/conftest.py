"""Shared test set-up: the plugin is imported as the package ``gridgov`` from ``.build/pkg`` (on the
path through ``pythonpath`` in pyproject.toml; the link itself is made by ``make pkglink``, or by
``pytest_configure`` below for a run without make). Nothing happens when this module is imported:
each step is a pytest hook or a fixture."""

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


@pytest.fixture()
def gridgov_provider(qgis_processing):
    """The gridgov provider registered for one QGIS test or benchmark (removed after, unless it was there).

    Defined here, beside the engine fixtures, so tests/qgis and tests/benchmarks share one; QGIS is
    imported only when a test asks for it (tests/unit runs without QGIS)."""
    from qgis.core import QgsApplication

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
