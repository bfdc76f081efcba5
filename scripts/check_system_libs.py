"""Check that the engine's native packages use the system libraries that QGIS itself links.

Why: PyPI wheels of shapely, pyproj and pyogrio bundle their own GEOS, PROJ and GDAL. QGIS
binaries (``qgis``, ``qgis_process``) load the system copies into the global symbol namespace, so
the bundled copies' C++ globals bind to the system ones: GEOS calls segfault, and at exit PROJ /
GDAL free the same static objects twice ("double free or corruption"). Built from source against
Debian's libraries, the packages share one copy with QGIS.

Usage: ``python scripts/check_system_libs.py`` prints the offending packages (one per line) and
exits 1 when any package links a bundled copy; ``--names`` prints only the PyPI names (for pip).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

# PyPI name -> (module whose extension files are checked, system library that must be linked)
PACKAGES: dict[str, tuple[str, str]] = {
    "shapely": ("shapely", "libgeos_c.so"),
    "pyproj": ("pyproj", "libproj.so"),
    "pyogrio": ("pyogrio", "libgdal.so"),
}
BUNDLED_MARKER = ".libs/"


def _extension_files(module: str) -> list[Path]:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return []
    return sorted(Path(spec.origin).parent.rglob("*.so"))


def _links_system_copy(module: str, library: str) -> bool:
    files = _extension_files(module)
    if not files:
        return False
    found_system = False
    for path in files:
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if BUNDLED_MARKER in line:
                return False
            if library in line and "=> /" in line:
                found_system = True
    return found_system


def offending_packages() -> list[str]:
    """PyPI names of the packages that do not use the system library (or are not installed)."""
    return [name for name, (module, lib) in PACKAGES.items() if not _links_system_copy(module, lib)]


def main(argv: list[str]) -> int:
    bad = offending_packages()
    if "--names" in argv:
        print(" ".join(bad))
        return 0
    for name in bad:
        print(f"{name}: not linked to the system library QGIS uses")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
