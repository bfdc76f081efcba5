"""The parity suite: engine, map tool and SQL give the same unit. QGIS's log goes to pytest's for every test
here (the shared fixtures are in ``tests/conftest.py``)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _qgis_log(qgis_log_to_pytest):
    yield
