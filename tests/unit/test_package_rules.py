"""The engine's capability packages import only the packages below them (docs/architecture.md).

Each package of ``grid_ops`` says in its docstring what it is for and what it may import; this test
holds the code to those words, as ``test_import_rule`` keeps QGIS out of the engine. A package may
import itself and the packages listed for it, nothing else of ``grid_ops``; a module directly in
``grid_ops/`` other than the package docstring is a misplaced module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "grid_ops"

#: package → the grid_ops packages it may import (besides itself); the order is the layering
MAY_IMPORT: dict[str, set[str]] = {
    "runtime": set(),
    "pip": {"runtime"},
    "grids": {"runtime", "pip"},
    "orders": {"runtime", "grids"},
    "responsibility": {"runtime", "pip", "grids", "orders"},
    "analytics": {"runtime", "pip", "grids", "orders", "responsibility"},
    "governance": {"runtime", "pip", "grids", "orders", "responsibility", "analytics"},
    "printing": {"runtime", "analytics"},
    "democity": {"runtime", "grids", "orders"},
}


def _engine_imports(path: Path) -> set[str]:
    """The grid_ops packages a module imports (``gridgov.grid_ops.<package>...``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + (
                [f"{node.module}.{alias.name}" for alias in node.names] if node.module == "gridgov.grid_ops" else []
            )
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["gridgov", "grid_ops"] and len(parts) > 2:
                found.add(parts[2])
    return found


def test_every_engine_module_lives_in_a_capability_package():
    loose = sorted(p.name for p in ENGINE.glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"modules directly in grid_ops/: {loose}"
    packages = sorted(p.name for p in ENGINE.iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(MAY_IMPORT), "a package without a rule here, or a rule without its package"


def test_each_package_says_what_it_is_for_and_may_import():
    for package in MAY_IMPORT:
        doc = ast.get_docstring(ast.parse((ENGINE / package / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import" in doc, f"grid_ops/{package}/__init__.py: say what it is for and may import"
        for other in MAY_IMPORT[package]:
            assert other in doc, f"grid_ops/{package}: the docstring does not name {other}"


def test_packages_import_only_what_their_rule_allows():
    offenders = []
    for package, allowed in MAY_IMPORT.items():
        for path in sorted((ENGINE / package).rglob("*.py")):
            for used in _engine_imports(path) - allowed - {package}:
                offenders.append(f"{path.relative_to(ROOT)} imports grid_ops.{used}")
    assert offenders == []
