"""The public contract of every gridgov algorithm (DESIGN.md): parameter names, types, labels,
defaults, flags and choices, and the outputs, as one snapshot (``tests/data/algorithm_contract.json``).

Restructuring the algorithms (issue 25: declarations instead of initAlgorithm scripts) must not
change what a model, a script or ``qgis_process`` sees. A deliberate change of the contract is
written to the snapshot with ``GRIDGOV_UPDATE_CONTRACT=1`` and shows in the diff for review.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from qgis.core import QgsApplication

SNAPSHOT = Path(__file__).resolve().parents[2] / "data" / "algorithm_contract.json"


def _value(value):
    """A default or bound as JSON can hold it (QGIS hands back QVariants, enums and lists)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    return str(value)


def _parameter(definition) -> dict:
    described = {
        "type": definition.type(),
        "description": definition.description(),
        "default": _value(definition.defaultValue()),
        "flags": int(definition.flags()),
    }
    for getter in (
        "options",
        "allowMultiple",
        "parentLayerParameterName",
        "dataType",
        "dataTypes",
        "minimum",
        "maximum",
        "fileFilter",
        "defaultFileExtension",
        "behavior",
        "createByDefault",
        "multiLine",
    ):
        method = getattr(definition, getter, None)
        if callable(method):
            try:
                described[getter] = _value(method())
            except TypeError:
                continue
    return described


def contract() -> dict:
    provider = QgsApplication.processingRegistry().providerById("gridgov")
    algorithms = {}
    for alg in sorted(provider.algorithms(), key=lambda a: a.id()):
        algorithms[alg.id()] = {
            "name": alg.displayName(),
            "group": alg.groupId(),
            "flags": int(alg.flags()),
            "parameters": {d.name(): _parameter(d) for d in alg.parameterDefinitions()},
            "parameter_order": [d.name() for d in alg.parameterDefinitions()],
            "outputs": {o.name(): [o.type(), o.description()] for o in alg.outputDefinitions()},
        }
    return algorithms


def test_the_algorithms_contract_is_the_snapshot(gridgov_provider):
    found = contract()
    if os.environ.get("GRIDGOV_UPDATE_CONTRACT"):
        SNAPSHOT.write_text(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(found) == sorted(expected)
    changed = _differences(json.loads(json.dumps(found)), expected)
    assert not changed, "the contract changed:\n" + "\n".join(changed)


def _differences(found, expected, path: str = "") -> list[str]:
    """Every place where ``found`` and ``expected`` differ, as 'path: found != expected'."""
    if isinstance(found, dict) and isinstance(expected, dict):
        return [
            line
            for key in sorted(set(found) | set(expected))
            for line in _differences(found.get(key, "<absent>"), expected.get(key, "<absent>"), f"{path}/{key}")
        ]
    return [] if found == expected else [f"{path}: {found!r} != {expected!r}"]
