"""Benchmark set-up: the gridgov provider, so each benchmark can time the whole ``processing.run`` of
the plugin's algorithm beside QGIS's own, as the toolbox, the dock and ``qgis_process`` run them."""

from __future__ import annotations

import pytest


@pytest.fixture()
def gridgov_provider(qgis_processing):
    """The gridgov provider registered for one benchmark (removed after, unless it was there)."""
    from qgis.core import QgsApplication

    from gridgov.layers.processing.provider import GridGovProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("gridgov") is not None:
        yield registry.providerById("gridgov")
        return
    provider = GridGovProvider()
    assert registry.addProvider(provider)
    yield provider
    registry.removeProvider(provider)
