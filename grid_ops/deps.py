"""Which engine dependencies are missing from QGIS's Python, and the command that installs them.

Checked before the plugin touches the engine, so a missing package gives a clear message in
QGIS instead of an import error.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from dataclasses import dataclass
from pathlib import Path

#: import name, distribution name, pip requirement
REQUIRED = (
    ("numpy", "numpy", "numpy<2"),
    ("shapely", "shapely", "shapely>=2"),
    ("geopandas", "geopandas", "geopandas>=1"),
    ("pyproj", "pyproj", "pyproj>=3.6"),
    ("rtree", "rtree", "rtree>=1.2"),
    ("scipy", "scipy", "scipy>=1.11"),
    ("pyogrio", "pyogrio", "pyogrio>=0.9"),
)
#: Not needed to run, but big inputs are several times faster with them (numba: compiled point-in-polygon).
RECOMMENDED = (("numba", "numba", "numba>=0.60"),)


@dataclass(frozen=True)
class MissingDependency:
    """A package the engine needs that cannot be imported at a suitable version."""

    module: str
    requirement: str
    reason: str


def _major(version: str) -> int:
    return int(version.split(".")[0])


def missing_dependencies(required=REQUIRED) -> list[MissingDependency]:
    """The required packages that are absent or too old (shapely must be 2.x)."""
    missing = []
    for module, dist, requirement in required:
        try:
            importlib.import_module(module)
        except Exception as exc:  # ImportError, or a broken binary wheel
            missing.append(MissingDependency(module, requirement, f"cannot import {module}: {exc}"))
            continue
        if module == "shapely":
            version = importlib.metadata.version(dist)
            if _major(version) < 2:
                missing.append(MissingDependency(module, requirement, f"shapely {version} is older than 2.0"))
    return missing


def _interpreter() -> str:
    """The Python QGIS embeds: inside QGIS ``sys.executable`` is often QGIS itself or a PATH shim."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = Path("/usr/bin") / version
    if sys.platform.startswith("linux") and system.exists() and sys.base_prefix == "/usr":
        return str(system)
    name = Path(sys.executable or "").name.lower()
    if not name.startswith("python"):
        return "python3"
    return sys.executable


#: Packages with native libraries that QGIS also loads (see scripts/check_system_libs.py).
NATIVE_PACKAGES = {"shapely", "pyproj", "pyogrio", "rtree"}


def install_command(missing: list[MissingDependency]) -> str:
    """The exact pip command that installs the missing packages into this Python."""
    python = _interpreter()
    extra = ""
    if (
        any(Path(sys.prefix, "lib").glob("python3*/EXTERNALLY-MANAGED"))
        or Path(f"/usr/lib/python{sys.version_info.major}.{sys.version_info.minor}/EXTERNALLY-MANAGED").exists()
    ):
        extra = " --break-system-packages"
    reqs = " ".join(f'"{m.requirement}"' for m in missing)
    # on Linux QGIS links the system GEOS / PROJ / GDAL / libspatialindex; the wheels bundle their own
    # copies, which crash QGIS at exit: build these against the system libraries instead
    native = sorted({m.module for m in missing} & NATIVE_PACKAGES)
    if native and sys.platform.startswith("linux"):
        extra += f" --no-binary {','.join(native)}"
    return f"{python} -m pip install --user{extra} {reqs}"
