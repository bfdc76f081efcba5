"""The Python packages the plugin needs (required) or uses when present (optional), declared in one place.

Required: imported unconditionally by the engine or the algorithms; without one, the Processing
provider registers disabled (every algorithm says which package is missing) and QGIS offers to
install it. Optional: imported lazily by one feature; without one the plugin loads fully and only
that feature stops, with a message naming the package and the *Install* action.

Checked before the plugin touches the engine, so a missing package gives a clear message in QGIS
instead of an import error. The install itself (which Python, which pip command, which folder) is
``grid_ops/runtime/install.py``. Neither module imports QGIS.

numpy's upper bound is not a runtime requirement: QGIS 3.40 and OSGeo4W ship numpy 2. Only the
Debian 12 / QGIS 3.22 development environment pins ``numpy<2`` (``requirements/runtime.txt`` says why).
GDAL's ``osgeo`` bindings are part of every QGIS and are not declared here.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
from dataclasses import dataclass


def tr_noop(text: str) -> str:
    """Marks a purpose for translation (``scripts/i18n.py`` finds it); the interface translates it where shown."""
    return text


@dataclass(frozen=True)
class Package:
    """One package: how it is imported, its PyPI name, the pip requirement and what it is for."""

    module: str  # import name
    dist: str  # distribution (PyPI) name
    requirement: str  # pip requirement for an install
    purpose: str  # what the plugin does with it (English; translated where shown)
    minimum: str = ""  # oldest version that works ("" = any)
    native: bool = False  # links GEOS / PROJ / GDAL: on Linux built from source against QGIS's copies


#: Imported unconditionally (module level of the engine or of an algorithm). No upper bounds: QGIS ships
#: what it ships (numpy 2 and pandas 3 in OSGeo4W), and the engine's tests pass on both.
REQUIRED = (
    Package("numpy", "numpy", "numpy>=1.24", tr_noop("arrays throughout the engine"), "1.24"),
    Package("pandas", "pandas", "pandas>=2.0", tr_noop("order tables"), "2.0"),
    Package("shapely", "shapely", "shapely>=2", tr_noop("geometry (GEOS)"), "2.0", native=True),
    Package("geopandas", "geopandas", "geopandas>=1", tr_noop("layers as tables with geometry"), "1.0"),
    Package("pyproj", "pyproj", "pyproj>=3.6", tr_noop("coordinate systems (PROJ)"), "3.6", native=True),
    Package("scipy", "scipy", "scipy>=1.11", tr_noop("neighbours, statistics, kernel density"), "1.11"),
    Package("pyogrio", "pyogrio", "pyogrio>=0.9", tr_noop("reading and writing files (GDAL)"), "0.9", native=True),
)

#: Imported lazily, by one feature each; everything else works without them.
OPTIONAL = (
    Package(
        "numba",
        "numba",
        "numba>=0.60",
        tr_noop("compiled point look-up: placing 200,000 orders or more several times faster (same result without)"),
        "0.60",
    ),
    Package(
        "sklearn",
        "scikit-learn",
        "scikit-learn>=1.3",
        tr_noop("the learned and hybrid methods of Classify orders (the keyword rules need nothing)"),
        "1.3",
    ),
    Package(
        "ortools",
        "ortools",
        "ortools>=9.10",
        tr_noop("OR-Tools routes in Patrol plan (SOLVER auto uses the plain fallback without it)"),
        "9.10",
    ),
    Package(
        "openpyxl",
        "openpyxl",
        "openpyxl>=3.1",
        tr_noop("Excel files: reading .xlsx orders, writing .xlsx tables (CSV works without it)"),
        "3.1",
    ),
    Package(
        "statsmodels",
        "statsmodels",
        "statsmodels>=0.14",
        tr_noop("Forecast and Early warning: exponential smoothing of each class case (the rest works without it)"),
        "0.14",
    ),
    Package(
        "ahocorasick",
        "pyahocorasick",
        "pyahocorasick>=1.4",
        tr_noop("Internet clues and Class sweep: finding the map's place names in the posts' texts"),
        "1.4",
    ),
    Package(
        "rapidfuzz",
        "rapidfuzz",
        "rapidfuzz>=3.0",
        tr_noop("Internet clues: place names with a typo (near-misses)"),
        "3.0",
    ),
    Package(
        "pypinyin",
        "pypinyin",
        "pypinyin>=0.40",
        tr_noop("Internet clues: a typo that sounds like two place names is told by its sound"),
        "0.40",
    ),
    Package(
        "psycopg2",
        "psycopg2-binary",
        "psycopg2-binary>=2.9",
        tr_noop("running Geolocate, Find repeats and Grid statistics inside PostGIS (without it they run in QGIS)"),
        "2.9",
    ),
)

#: Kept for callers of the old name: the packages that only make big inputs faster.
RECOMMENDED = tuple(p for p in OPTIONAL if p.module == "numba")

PACKAGES = {p.module: p for p in (*REQUIRED, *OPTIONAL)}


@dataclass(frozen=True)
class MissingDependency:
    """A package that cannot be imported at a suitable version."""

    module: str
    requirement: str
    reason: str
    dist: str = ""
    purpose: str = ""
    installed: str = ""  # the version present when it is there but too old or broken ("" = absent)
    cause: str = ""  # another declared package whose absence breaks this one's import (numpy for pandas)

    @property
    def name(self) -> str:
        """The name users know (the PyPI name)."""
        return self.dist or self.module


def _release(version: str) -> tuple[int, ...]:
    match = re.match(r"\d+(\.\d+)*", version or "")
    return tuple(int(p) for p in match.group(0).split(".")) if match else ()


def installed_version(dist: str) -> str:
    """The version of ``dist`` this Python sees ("" when it has none)."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return ""
    except Exception:  # a broken metadata folder
        return ""


def _as_package(item) -> Package:
    if isinstance(item, Package):
        return item
    module, dist, requirement = item  # the old (module, dist, requirement) form
    known = PACKAGES.get(module)
    if known is not None and known.requirement == requirement:
        return known
    minimum = requirement.split(">=")[1].split(",")[0] if ">=" in requirement else ""
    return Package(module, dist, requirement, "", minimum)


def missing_dependencies(packages=REQUIRED) -> list[MissingDependency]:
    """The packages of ``packages`` that are absent, broken or older than their minimum."""
    missing = []
    for package in map(_as_package, packages):
        try:
            importlib.import_module(package.module)
        except Exception as exc:  # ImportError, or a broken binary wheel (OSError, AttributeError ...)
            cause = missing_module_in(exc)
            missing.append(
                MissingDependency(
                    package.module,
                    package.requirement,
                    f"cannot import {package.module}: {exc}",
                    package.dist,
                    package.purpose,
                    installed_version(package.dist),
                    cause.module if cause is not None and cause.module != package.module else "",
                )
            )
            continue
        version = installed_version(package.dist)
        if package.minimum and version and _release(version) < _release(package.minimum):
            missing.append(
                MissingDependency(
                    package.module,
                    package.requirement,
                    f"{package.dist} {version} is older than {package.minimum}",
                    package.dist,
                    package.purpose,
                    version,
                )
            )
    return missing


def missing_module_in(error: BaseException) -> Package | None:
    """The declared package whose absence caused ``error`` (searched along its causes), or None.

    Finds ``ModuleNotFoundError`` (by its ``name``) and messages such as pandas' "Missing optional
    dependency 'openpyxl'" or "OR-Tools is not installed: pip install ortools".
    """
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ImportError):
            name = (getattr(current, "name", None) or "").partition(".")[0]
            if name in PACKAGES:
                return PACKAGES[name]
            text = str(current)
            for package in PACKAGES.values():
                names = {package.module, package.dist}
                if any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text) for n in names):
                    return package
        current = current.__cause__ or current.__context__
    return None


def _interpreter() -> str:
    """The Python QGIS embeds (used to start a child process): see ``install.qgis_python``."""
    from gridgov.grid_ops.runtime.install import PythonEnvironment, qgis_python

    return qgis_python(PythonEnvironment.current()) or "python3"
