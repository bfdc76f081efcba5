"""Algorithms declared as data (layers/parameters/declare.py): each request field is read from a
declared parameter and each value read lands in the request, and the toolbox's defaults are the
engine request's defaults, so a script calling the engine gets what the toolbox gets."""

from __future__ import annotations

import dataclasses

import pytest
from qgis.core import QgsProcessingContext

from gridgov.layers.processing.base import DeclaredAlgorithm


@pytest.fixture()
def declared(gridgov_provider):
    found = [alg for alg in gridgov_provider.algorithms() if isinstance(alg, DeclaredAlgorithm)]
    assert found, "no algorithm is declared"
    return found


def test_every_request_field_has_one_declared_reader_and_back(declared):
    for alg in declared:
        read = {p.key for p in alg.PARAMETERS if p.read is not None}
        wanted = {f.name for f in dataclasses.fields(alg.REQUEST)}
        assert read == wanted, alg.id()


def test_the_toolbox_defaults_are_the_engine_requests_defaults(declared):
    context = QgsProcessingContext()
    for alg in declared:
        assert alg.request({}, context) == alg.REQUEST(), alg.id()


def test_declared_parameters_are_the_definitions(declared):
    for alg in declared:
        names = [d.name() for d in alg.parameterDefinitions()]
        own = [p.name for p in alg.PARAMETERS if hasattr(p, "name")]
        assert all(name in names for name in own), alg.id()
