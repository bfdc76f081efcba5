"""The PostGIS suite, on a real PostgreSQL + PostGIS server on loopback. QGIS's log goes to pytest's for every test
here (the shared fixtures are in ``tests/conftest.py``)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _qgis_log(qgis_log_to_pytest):
    yield
