"""The engine never imports QGIS or Qt: it must run in plain Python (DESIGN.md §2)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("qgis", "PyQt5", "PyQt6", "PySide2", "PySide6", "sip")
OPTIONAL = ("numba",)  # engine packages QGIS may lack: the modules that need them are imported only with them


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


def test_grid_ops_source_imports_no_qgis_or_qt():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "grid_ops").rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_grid_ops_runs_with_qgis_unimportable():
    """Import every engine module in a Python where importing qgis or Qt raises.

    A module that needs an optional package (``pipkernels_numba``: numba, absent from OSGeo4W's QGIS)
    may be missing it; every other import must succeed.
    """
    script = f"""
import sys, importlib, pkgutil
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {FORBIDDEN!r}:
            raise ImportError('blocked ' + name)
sys.meta_path.insert(0, Block())
sys.path.insert(0, {str(ROOT / ".build" / "pkg")!r})
import gridgov.grid_ops as g
for mod in pkgutil.walk_packages(g.__path__, 'gridgov.grid_ops.'):
    try:
        importlib.import_module(mod.name)
    except ModuleNotFoundError as err:
        if err.name not in {OPTIONAL!r}:
            raise
print('ok')
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_plugin_package_import_is_lazy():
    """Importing the package (as QGIS does before classFactory) must not import the plugin class."""
    script = f"""
import sys
sys.path.insert(0, {str(ROOT / ".build" / "pkg")!r})
import gridgov
assert 'gridgov.plugin' not in sys.modules
assert not any(m.startswith('qgis') for m in sys.modules), 'qgis imported eagerly'
print('ok')
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
