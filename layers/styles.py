"""Apply the QML styles shipped in ``resources/styles`` to layers."""

from __future__ import annotations

import logging

from qgis.core import QgsMapLayer

from gridgov.grid_ops.runtime.paths import resource_path

LOGGER = logging.getLogger("gridgov")


def apply_style(layer: QgsMapLayer, style_name: str) -> bool:
    """Load ``resources/styles/<style_name>.qml`` into ``layer``; log and return False if it fails."""
    path = resource_path("styles", f"{style_name}.qml")
    if not path.exists():
        LOGGER.warning("style %s not found at %s", style_name, path)
        return False
    message, ok = layer.loadNamedStyle(str(path))
    if not ok:
        LOGGER.warning("style %s could not be applied to %s: %s", style_name, layer.name(), message)
    layer.triggerRepaint()
    return bool(ok)
