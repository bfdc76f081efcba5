"""The capability packages of the engine and of the bridge import only the packages below them
(docs/architecture.md).

Each package of ``grid_ops`` says in its docstring what it is for and what it may import; this test
holds the code to those words, as ``test_import_rule`` keeps QGIS out of the engine. A package may
import itself, the packages listed for it and the shared modules, nothing else of ``grid_ops``. A
shared module lives directly in ``grid_ops/`` (``schema``: the vocabulary of table columns), says
what it is for and which outside packages it may import, and imports nothing of ``grid_ops``; any
other module directly in ``grid_ops/`` is a misplaced module.

The bridge (``layers/``) follows the same rule with its own packages, read from their docstrings
(``LAYERS_MAY_IMPORT`` is what they say today: changing a rule means changing both). Reading the
source is enough: QGIS is not needed.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
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
    "forecasting": {"runtime", "orders"},
    "assessment": {"runtime", "orders"},
    "clues": {"runtime", "pip", "grids", "orders", "responsibility"},
}
#: layers package → the layers packages it may import (besides itself), lowest first
LAYERS_MAY_IMPORT: dict[str, set[str]] = {
    "runtime": set(),
    "io": {"runtime"},
    "styling": {"runtime", "io"},
    "outputs": {"runtime", "io", "styling"},
    "parameters": {"runtime", "io"},
    "hierarchy": {"runtime", "styling"},
    "printing": {"runtime", "io", "styling", "outputs"},
    "project": {"runtime", "io", "styling", "outputs", "hierarchy"},
    "backends": {"runtime", "io", "styling", "outputs", "parameters"},
    "processing": {
        "runtime", "io", "styling", "outputs", "parameters", "hierarchy", "printing", "project", "backends",
    },
}  # fmt: skip
BRIDGE = ROOT / "layers"
#: shared module directly in grid_ops/ → the packages outside the standard library it may import; every
#: package may import it and it imports nothing of grid_ops
SHARED_MODULES: dict[str, set[str]] = {
    "schema": {"numpy", "pandas"},
}


def _engine_imports(path: Path, tree: str = "grid_ops") -> set[str]:
    """The packages of ``tree`` (grid_ops, layers) a module uses: absolute and relative imports, ``from
    gridgov import grid_ops``, and module names in strings (``importlib.import_module("gridgov.grid_ops.x")``)."""
    package = [*path.relative_to(ROOT).parent.parts]  # grid_ops/<package>/... as gridgov.grid_ops.<package>...
    here = ["gridgov", *package]
    found = set()

    def note(dotted: str) -> None:
        parts = dotted.split(".")
        if parts[:2] == ["gridgov", tree]:
            found.add(parts[2] if len(parts) > 2 else "*")  # "*": the whole tree, allowed nowhere

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                note(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:
                note(f"{module}.{alias.name}")
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(f"gridgov.{tree}")
        ):
            note(node.value)
    return found


def _may_import_line(doc: str) -> set[str]:
    """The packages named on a docstring's ``May import:`` line (and the lines it runs on to)."""
    text = doc.split("May import:", 1)[1].split("\n\n", 1)[0]
    return set(re.findall(r"``(\w+)``", text))


def _outside_imports(path: Path) -> set[str]:
    """The top-level names of the absolute imports of a module that are neither ``gridgov`` nor the
    standard library's."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found - {"gridgov", "__future__"} - set(sys.stdlib_module_names)


def test_every_engine_module_lives_in_a_capability_package():
    loose = sorted(p.stem for p in ENGINE.glob("*.py") if p.name != "__init__.py")
    misplaced = sorted(set(loose) - set(SHARED_MODULES))
    assert misplaced == [], f"modules directly in grid_ops/: {misplaced}"
    assert loose == sorted(SHARED_MODULES), "a shared module rule without its module"
    packages = sorted(p.name for p in ENGINE.iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(MAY_IMPORT), "a package without a rule here, or a rule without its package"


def test_each_package_says_what_it_is_for_and_may_import():
    for package in MAY_IMPORT:
        doc = ast.get_docstring(ast.parse((ENGINE / package / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import:" in doc, f"grid_ops/{package}/__init__.py: say what it is for and may import"
        assert _may_import_line(doc) == MAY_IMPORT[package], f"grid_ops/{package}: its docstring and this rule differ"


def test_shared_modules_say_what_they_are_for_and_import_no_package():
    for module, allowed in SHARED_MODULES.items():
        path = ENGINE / f"{module}.py"
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and "May import:" in doc, f"grid_ops/{module}.py: say what it is for and may import"
        assert _may_import_line(doc) == allowed, f"grid_ops/{module}.py: its docstring and this rule differ"
        assert _engine_imports(path) == set(), f"grid_ops/{module}.py imports grid_ops"
        assert _outside_imports(path) <= allowed, f"grid_ops/{module}.py imports {_outside_imports(path) - allowed}"


def test_the_column_names_load_without_numpy_or_pandas():
    """The dock and the map tools name columns: they load in a QGIS still without pandas."""
    script = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('numpy', 'pandas'):
            raise ImportError('blocked ' + name)
sys.meta_path.insert(0, Block())
sys.path.insert(0, {str(ROOT / ".build" / "pkg")!r})
from gridgov.grid_ops.schema import GRID_CODE
print(GRID_CODE)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "grid_code"


def test_the_rule_sees_every_kind_of_import(tmp_path, monkeypatch):
    """The check itself: relative imports, the engine package as a whole and module names in strings."""
    fake = ROOT / "grid_ops" / "orders" / "fake.py"
    sources = {
        "from ..governance import patrol": {"governance"},
        "from .. import analytics": {"analytics"},
        "from gridgov import grid_ops": {"*"},
        "import gridgov.grid_ops.pip.pipkernels": {"pip"},
        "from . import times": {"orders"},
        'importlib.import_module("gridgov.grid_ops.printing.pdftext")': {"printing"},
        "from gridgov.grid_ops.schema import GRID_CODE": {"schema"},
    }
    for source, expected in sources.items():
        monkeypatch.setattr(Path, "read_text", lambda self, encoding=None, source=source: source)
        assert _engine_imports(fake) == expected, source


def test_packages_import_only_what_their_rule_allows():
    offenders = []
    for package, allowed in MAY_IMPORT.items():
        for path in sorted((ENGINE / package).rglob("*.py")):
            for used in _engine_imports(path) - allowed - {package} - set(SHARED_MODULES):
                offenders.append(f"{path.relative_to(ROOT)} imports grid_ops.{used}")
    assert offenders == []


def test_every_bridge_module_lives_in_a_capability_package():
    loose = sorted(p.name for p in BRIDGE.glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"modules directly in layers/: {loose}"
    packages = sorted(p.name for p in BRIDGE.iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(LAYERS_MAY_IMPORT), "a package without a rule here, or a rule without its package"
    folders = [p for p in BRIDGE.rglob("*") if p.is_dir() and p.name != "__pycache__" and any(p.glob("*.py"))]
    assert [str(f) for f in folders if not (f / "__init__.py").exists()] == []


def test_each_bridge_package_says_what_it_is_for_and_may_import():
    for package, allowed in LAYERS_MAY_IMPORT.items():
        doc = ast.get_docstring(ast.parse((BRIDGE / package / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import:" in doc, f"layers/{package}/__init__.py: say what it is for and may import"
        assert _may_import_line(doc) == allowed, f"layers/{package}: its docstring and this rule differ"


def test_bridge_packages_import_only_what_their_rule_allows():
    offenders = []
    for package, allowed in LAYERS_MAY_IMPORT.items():
        for path in sorted((BRIDGE / package).rglob("*.py")):
            for used in _engine_imports(path, "layers") - allowed - {package}:
                offenders.append(f"{path.relative_to(ROOT)} imports layers.{used}")
    assert offenders == []


def test_the_bridge_rule_sees_its_own_imports(monkeypatch):
    fake = ROOT / "layers" / "io" / "fake.py"
    sources = {
        "from gridgov.layers.outputs.run_outputs import write_rows": {"outputs"},
        "from ..processing import provider": {"processing"},
        "from gridgov import layers": {"*"},
        'importlib.import_module("gridgov.layers.backends.postgis.source")': {"backends"},
        "from gridgov.grid_ops.schema import GRID_CODE": set(),
    }
    for source, expected in sources.items():
        monkeypatch.setattr(Path, "read_text", lambda self, encoding=None, source=source: source)
        assert _engine_imports(fake, "layers") == expected, source
