"""A dock form's last settings, kept in the project file (one entry per algorithm parameter).

Settings belong to the project, not to the user profile: two districts' projects remember their own
layers, fields and class cases. Values are stored as small JSON texts so a saved project stays
readable; layers are stored by id (the combo finds them again when the project is reopened).
"""

from __future__ import annotations

import json
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsMapLayer,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsProperty,
)

SCOPE = "gridgov"


def to_text(value: Any) -> str | None:
    """JSON text for a parameter value, or None for a value not worth remembering (an expression property)."""
    plain = _plain(value)
    return None if plain is _SKIP else json.dumps(plain, ensure_ascii=False)


def from_text(text: str) -> Any:
    """The parameter value stored by :func:`to_text` (a text that is not JSON is returned as it is)."""
    try:
        plain = json.loads(text)
    except (TypeError, ValueError):
        return text
    return _value(plain)


_SKIP = object()


def _plain(value: Any) -> Any:
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        return {"source": value.source.staticValue(), "selected": bool(value.selectedFeaturesOnly)}
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        return {"sink": value.sink.staticValue()}
    if isinstance(value, QgsMapLayer):
        return value.id()
    if isinstance(value, QgsCoordinateReferenceSystem):
        return {"crs": value.authid() or value.toWkt()}
    if isinstance(value, QgsProperty):
        return _SKIP
    if isinstance(value, (list, tuple)):
        items = [_plain(v) for v in value]
        return _SKIP if any(i is _SKIP for i in items) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return _SKIP


def _value(plain: Any) -> Any:
    if isinstance(plain, dict):
        if "source" in plain:
            return QgsProcessingFeatureSourceDefinition(plain["source"], bool(plain.get("selected")))
        if "sink" in plain:
            return QgsProcessingOutputLayerDefinition(plain["sink"])
        if "crs" in plain:
            return QgsCoordinateReferenceSystem(plain["crs"])
    if isinstance(plain, list):
        return [_value(p) for p in plain]
    return plain


def _key(algorithm_id: str, parameter: str) -> str:
    return f"forms/{algorithm_id.replace(':', '_')}/{parameter}"


def save(project: QgsProject, algorithm_id: str, values: dict[str, Any]) -> None:
    """Remember ``values`` in ``project`` (saved with it); values that cannot be stored are left out."""
    for name, value in values.items():
        text = to_text(value)
        if text is not None:
            project.writeEntry(SCOPE, _key(algorithm_id, name), text)


def load(project: QgsProject, algorithm_id: str, names: list[str]) -> dict[str, Any]:
    """The remembered values of ``names`` that ``project`` holds."""
    found = {}
    for name in names:
        text, ok = project.readEntry(SCOPE, _key(algorithm_id, name), "")
        if ok and text:
            found[name] = from_text(text)
    return found
