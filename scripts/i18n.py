"""The plugin's translations: find every user-facing string, keep ``resources/i18n/gridgov_zh_CN.ts``
in step with the code, and compile it to the ``.qm`` QGIS loads.

    python scripts/i18n.py update     # make transup: add new strings (unfinished), drop vanished ones
    python scripts/i18n.py compile    # make transcompile: lrelease → gridgov_zh_CN.qm
    python scripts/i18n.py missing    # list strings without a Chinese translation (exit 1 if any)

Why not ``pylupdate5``: it is not on Debian 12's default install, and it only sees ``self.tr()``
calls of Qt classes, not the plugin's one ``tr()`` function (one context, ``gridgov``) nor the
tables whose texts are translated at run time. Strings are found in the source's syntax tree:

* the literal first argument of ``tr(...)`` and of ``tr_noop(...)`` (a table entry marked for
  translation where it is written, translated where it is shown);
* the ``DISPLAY``, ``GROUP`` and ``HELP`` class attributes of the Processing algorithms.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = "gridgov"
TS_FILE = ROOT / "resources" / "i18n" / "gridgov_zh_CN.ts"
QM_FILE = TS_FILE.with_suffix(".qm")
SOURCE_DIRS = ("grid_ops", "layers", "ui")
SOURCE_FILES = ("plugin.py", "__init__.py")
MARKERS = {"tr", "tr_noop"}
CLASS_ATTRIBUTES = {"DISPLAY", "GROUP", "HELP"}
#: Tables whose texts are shown through ``tr(variable)``: every text-like literal in them is a string.
TABLES = {"LEVELS", "LEVEL_TITLES", "UNIT_LAYERS", "ORDER_FIELDS", "MAPPED", "TABLE_COLUMNS", "TEMPLATES", "STEPS",
          "MENU_TITLE", "ACCURACY_LABELS", "PERIOD_LABELS"}  # fmt: skip
#: Identifiers, field names, file names and parameter names are not texts.
_NOT_TEXT = re.compile(r"^([a-z0-9_.:/\-]*|[A-Z0-9_]+)$")


def source_files() -> list[Path]:
    files = [ROOT / name for name in SOURCE_FILES]
    for folder in SOURCE_DIRS:
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    return [f for f in files if f.exists()]


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _texts_in(node: ast.AST) -> list[tuple[str, int]]:
    return [
        (n.value, n.lineno)
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value and not _NOT_TEXT.match(n.value)
    ]


def _translated_names(body: list[ast.stmt]) -> set[str]:
    """Names passed to ``tr()`` somewhere in ``body``."""
    names = set()
    for statement in body:
        for n in ast.walk(statement):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "tr" and n.args:
                names |= {a.id for a in ast.walk(n.args[0]) if isinstance(a, ast.Name)}
    return names


def strings_in(path: Path) -> list[tuple[str, int]]:
    """(text, line) of every translatable literal in one source file, in order of appearance."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in TABLES for t in targets) and node.value is not None:
                found.extend(_texts_in(node.value))
        if isinstance(node, ast.For):  # for name, label in ((A, "Label"), ...): ... tr(label)
            loop_names = {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
            if loop_names & _translated_names(node.body):
                found.extend(_texts_in(node.iter))
        if isinstance(node, ast.Call) and node.args:
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            text = _literal(node.args[0])
            if name in MARKERS and text:
                found.append((text, node.lineno))
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    target = statement.targets[0]
                    text = _literal(statement.value)
                    if isinstance(target, ast.Name) and target.id in CLASS_ATTRIBUTES and text:
                        found.append((text, statement.lineno))
    return sorted(found, key=lambda item: item[1])


def all_strings() -> dict[str, list[str]]:
    """Every translatable text → where it is used (``path:line``), first use first."""
    found: dict[str, list[str]] = {}
    for path in source_files():
        for text, line in strings_in(path):
            found.setdefault(text, []).append(f"{path.relative_to(ROOT)}:{line}")
    return found


def read_ts(path: Path = TS_FILE) -> dict[str, tuple[str, bool]]:
    """source → (translation, finished) from a ``.ts`` file (empty when there is none)."""
    if not path.exists():
        return {}
    translations = {}
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source") or ""
        node = message.find("translation")
        text = (node.text or "") if node is not None else ""
        finished = node is not None and node.get("type") not in {"unfinished", "vanished", "obsolete"}
        translations[source] = (text, finished and bool(text))
    return translations


def write_ts(strings: dict[str, list[str]], known: dict[str, tuple[str, bool]], path: Path = TS_FILE) -> None:
    """Write the ``.ts``: one message per string, in first-use order, with the known translations."""
    ts = ET.Element("TS", version="2.1", language="zh_CN", sourcelanguage="en")
    context = ET.SubElement(ts, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for source, places in strings.items():
        message = ET.SubElement(context, "message")
        for place in places[:3]:
            filename, line = place.rsplit(":", 1)
            ET.SubElement(message, "location", filename=f"../../{filename}", line=line)
        ET.SubElement(message, "source").text = source
        text, finished = known.get(source, ("", False))
        translation = ET.SubElement(message, "translation")
        translation.text = text
        if not finished:
            translation.set("type", "unfinished")
    ET.indent(ts)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(ts, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def missing(strings: dict[str, list[str]], known: dict[str, tuple[str, bool]]) -> list[str]:
    return [s for s in strings if not known.get(s, ("", False))[1]]


def lrelease() -> str:
    for name in ("lrelease", "lrelease-qt5"):
        found = shutil.which(name) or (Path("/usr/lib/qt5/bin") / name if (Path("/usr/lib/qt5/bin") / name).exists()
                                       else None)  # fmt: skip
        if found:
            return str(found)
    raise SystemExit("lrelease is missing: install the Debian package qttools5-dev-tools (make transcompile does)")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "missing"
    strings = all_strings()
    known = read_ts()
    if command == "update":
        write_ts(strings, known)
        todo = missing(strings, known)
        print(f"{TS_FILE.relative_to(ROOT)}: {len(strings)} strings, {len(todo)} without a translation")
        return 0
    if command == "compile":
        subprocess.run([lrelease(), "-silent", str(TS_FILE), "-qm", str(QM_FILE)], check=True)
        print(f"{QM_FILE.relative_to(ROOT)} written")
        return 0
    if command == "missing":
        todo = missing(strings, known)
        for text in todo:
            print(f"{strings[text][0]}: {text!r}")
        return 1 if todo else 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
