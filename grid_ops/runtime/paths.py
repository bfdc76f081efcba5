"""Where the plugin's data files live; resources are loaded by path, never compiled in."""

from __future__ import annotations

from pathlib import Path

PLUGIN_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = PLUGIN_ROOT / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``."""
    return RESOURCES.joinpath(*parts)
