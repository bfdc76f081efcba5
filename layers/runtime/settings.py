"""The plugin's QGIS settings, typed and in one place (as qfieldsync keeps its own): each key, its
default and its type are written once here and read nowhere else by string."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from qgis.core import QgsSettings

T = TypeVar("T", bool, str)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One key under ``gridgov/`` in QGIS's settings (the user's profile), with its default."""

    key: str
    default: T

    def value(self) -> T:
        """The stored value, or the default where none is stored (of the default's type)."""
        return QgsSettings().value(self.key, self.default, type=type(self.default))

    def set_value(self, value: T) -> None:
        QgsSettings().setValue(self.key, value)


#: False keeps every run in the engine, also where the inputs are PostGIS tables of one database
#: (results are then written where OUTPUT says).
RUN_IN_POSTGIS = Setting("gridgov/run_in_postgis", True)
#: False keeps every dock run in the QGIS process (large inputs otherwise run in a child process).
OUT_OF_PROCESS = Setting("gridgov/out_of_process", True)
#: The grid hierarchy GeoPackage the dock loaded last (where its file dialog opens).
LAST_HIERARCHY_GPKG = Setting("gridgov/last_hierarchy_gpkg", "")
