"""The engine's native packages live beside QGIS in one process without clashing.

QGIS binaries load GEOS, PROJ and GDAL into the global symbol namespace. A package that bundles
its own copy (the PyPI wheels do) then crashes: GEOS segfaults, PROJ and GDAL free their globals
twice at exit. Each case below loads the system library globally first, as the
``qgis`` and ``qgis_process`` binaries do, then uses the package and exits; it must exit cleanly.
"""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest

HARNESS = """
import ctypes, sys
ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)
exec(sys.argv[2])
print("ok")
"""

#: package/library -> (the system library's short name, code using the package); the soname is the system's
#: own (Debian 12: libgdal.so.32, Debian 13: libgdal.so.36)
CASES = {
    "shapely/GEOS": (
        "geos_c",
        "import shapely; shapely.prepare(g := shapely.box(0, 0, 1, 1)); assert shapely.contains_xy(g, 0.5, 0.5)",
    ),
    "pyproj/PROJ": (
        "proj",
        "import pyproj; t = pyproj.Transformer.from_crs(4326, 4547, always_xy=True); "
        "x, y = t.transform(114.0, 22.5); assert abs(x - 500000) < 1",
    ),
    "pyogrio/GDAL": ("gdal", "import pyogrio; assert 'GPKG' in pyogrio.list_drivers()"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_package_shares_the_system_library_with_qgis(case):
    name, code = CASES[case]
    library = ctypes.util.find_library(name)
    assert library, f"the system has no lib{name} (QGIS links it)"
    result = subprocess.run([sys.executable, "-c", HARNESS, library, code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", (
        f"{case}: exit {result.returncode}; rebuild it from source against the system library "
        f"(make venv does this).\n{result.stderr[-1500:]}"
    )
