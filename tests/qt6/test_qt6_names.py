"""Qt 6 readiness (QGIS 4): every Qt name the plugin takes from ``qgis.PyQt`` exists in PyQt6, and so
does every attribute chain read from such a name (``Qt.AlignmentFlag.AlignLeft``; Qt 6 dropped the
unscoped ``Qt.AlignLeft``, ``QVariant.Date`` and friends, and moved ``QAction`` to QtGui).

Runs in its own environment with PyQt6 and without QGIS (``make test-qt6``): QGIS 4 itself is not in
any registry this project's machines reach, so this is the check that can run. What it cannot see:
methods called on instances (``dialog.exec_()``, caught by the text rule below) and QGIS's own API.
An import inside ``try`` whose ``except ImportError`` imports the same name elsewhere counts as found
when one of the two resolves (the Qt 5 / Qt 6 fallback for a moved class).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("plugin.py", "__init__.py", "ui", "layers", "grid_ops", "scripts")


def _plugin_files() -> list[Path]:
    files = []
    for name in SOURCES:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def _qt6_module(module: str):
    return importlib.import_module(module.replace("qgis.PyQt", "PyQt6", 1))


def _guarded_imports(tree: ast.AST) -> dict[str, list[ast.ImportFrom]]:
    """Per name, the alternative qgis.PyQt imports of it inside try / except ImportError blocks."""
    guarded: dict[str, list[ast.ImportFrom]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        catches = any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError") for h in node.handlers
        )
        if not catches:
            continue
        for stmt in [*node.body, *(s for h in node.handlers for s in h.body)]:
            if isinstance(stmt, ast.ImportFrom) and (stmt.module or "").startswith("qgis.PyQt."):
                for alias in stmt.names:
                    guarded.setdefault(alias.asname or alias.name, []).append(stmt)
    return guarded


def _problems_in(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = _guarded_imports(tree)
    where = path.relative_to(root)
    problems, names = [], {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qgis.PyQt.")):
            continue
        module = _qt6_module(node.module)
        for alias in node.names:
            local = alias.asname or alias.name
            if hasattr(module, alias.name):
                names[local] = getattr(module, alias.name)
            elif not any(hasattr(_qt6_module(alt.module), alias.name) for alt in guarded.get(local, [])):
                problems.append(f"{where}:{node.lineno}: {node.module}.{alias.name} is not in Qt 6")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, base = [], node
            while isinstance(base, ast.Attribute):
                chain.insert(0, base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in names:
                problems.extend(_missing(names[base.id], base.id, chain, f"{where}:{node.lineno}"))
    return problems


def _missing(obj, name: str, chain: list[str], where: str) -> list[str]:
    for depth, attr in enumerate(chain):
        if not hasattr(obj, attr):
            return [f"{where}: {name}.{'.'.join(chain[: depth + 1])} is not in Qt 6"]
        obj = getattr(obj, attr)
    return []


def test_every_qt_name_and_enum_the_plugin_reads_exists_in_qt6():
    problems = sorted({p for path in _plugin_files() for p in _problems_in(path)})
    assert not problems, "\n".join(problems)


def test_no_qt5_only_method_names():
    """``exec_`` and ``print_`` are gone in Qt 6 (``exec`` and ``print`` work in Qt 5 too)."""
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _plugin_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".exec_(" in line or ".print_(" in line
    ]
    assert not found, found


def test_the_check_sees_what_qt6_dropped(tmp_path):
    """The check itself: an unscoped enum, QVariant.Date and QAction from QtWidgets are caught; the
    guarded QAction import and a scoped enum are not."""
    module = tmp_path / "sample.py"
    module.write_text(
        "from qgis.PyQt.QtCore import Qt, QVariant\n"
        "from qgis.PyQt.QtWidgets import QMenu, QAction\n"
        "try:\n    from qgis.PyQt.QtGui import QIcon\nexcept ImportError:\n    from qgis.PyQt.QtWidgets import QIcon\n"
        "a = Qt.AlignLeft\nb = QVariant.Date\nc = Qt.AlignmentFlag.AlignLeft\nd = QIcon\n",
        encoding="utf-8",
    )
    problems = _problems_in(module, tmp_path)
    assert any("Qt.AlignLeft" in p for p in problems)
    assert any("QVariant.Date" in p for p in problems)
    assert any("QtWidgets.QAction" in p for p in problems)
    assert not any("AlignmentFlag" in p or "QIcon" in p for p in problems)
