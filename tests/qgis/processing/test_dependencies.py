"""The plugin with each declared package missing, in a fresh QGIS per package (a child process whose
import system hides the package and its metadata):

* an optional package missing: the plugin loads fully (every algorithm), the log says what is missing,
  and the algorithm that needs it stops with a clear message naming the package and the Install action;
* a required package missing: the plugin loads, the provider registers disabled (every algorithm a
  stand-in that names the package), the message bar names it and offers Install;
* a real install from PyPI with the plugin's own commands and task: the package goes into the profile's
  folder, the check passes and the provider loads without a restart.

Every module of the plugin is imported with the package hidden: the ones that fail must fail for that
package alone, and must be ones the plugin does not load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from qgis.core import Qgis

from gridgov.grid_ops.runtime import deps, install

ROOT = Path(__file__).resolve().parents[3]
PKG_DIR = ROOT / ".build" / "pkg"

HARNESS = r"""
import importlib, importlib.abc, importlib.machinery, importlib.metadata, json, os, re, sys, time, traceback

BLOCK, DIST, ALLOW = os.environ["GRIDGOV_BLOCK"], os.environ["GRIDGOV_BLOCK_DIST"], os.environ.get("GRIDGOV_ALLOW", "")
SCENARIO = os.environ["GRIDGOV_SCENARIO"]
canonical = lambda name: re.sub(r"[-_.]+", "-", name or "").lower()


from pytest_qgis.mock_qgis_classes import MockMessageBar
from pytest_qgis.qgis_interface import QgisInterface  # before the QgsApplication exists
from qgis.core import Qgis, QgsApplication, QgsFeature, QgsVectorLayer
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtWidgets import QMainWindow, QPushButton

app = QgsApplication([], False)
app.initQgis()
sys.path.append(os.path.join(app.pkgDataPath(), "python", "plugins"))
from processing.core.Processing import Processing

Processing.initialize()
import processing


class Blocker(importlib.abc.MetaPathFinder):
    # the package is not there, unless it comes from ALLOW (where the installer puts it)
    def find_spec(self, fullname, path=None, target=None):
        if fullname != BLOCK:
            return None
        if ALLOW:
            spec = importlib.machinery.PathFinder.find_spec(fullname, [ALLOW])
            if spec is not None:
                return spec
        raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)


# QGIS's own Processing imports some (psycopg2, numpy): they stay as QGIS loaded them, the plugin
# finds them gone
for name in [m for m in sys.modules if m == BLOCK or m.startswith(BLOCK + ".")]:
    del sys.modules[name]
sys.meta_path.insert(0, Blocker())
_discover = importlib.metadata.Distribution.discover.__func__


def discover(cls, **kwargs):  # its metadata is not there either
    for dist in _discover(cls, **kwargs):
        if canonical(dist.metadata["Name"]) == canonical(DIST) and not (
            ALLOW and str(getattr(dist, "_path", "")).startswith(ALLOW)
        ):
            continue
        yield dist


importlib.metadata.Distribution.discover = classmethod(discover)

window = QMainWindow()
iface = QgisInterface(QgsMapCanvas(window), MockMessageBar(), window)
log = []
QgsApplication.messageLog().messageReceived.connect(lambda m, tag, level: log.append([m, tag, int(level)]))
out = {"log": log}


def provider_state():
    provider = QgsApplication.processingRegistry().providerById("gridgov")
    if provider is None:
        return None
    return {
        "warning": provider.warningMessage(),
        "algorithms": sorted(a.id() for a in provider.algorithms()),
        "unavailable": sum("(unavailable)" in a.displayName() for a in provider.algorithms()),
    }


def install_items():
    items = [i for i in iface.messageBar().items() if i.objectName() == "gridgov_install_message"]
    return [[i.text(), i.findChild(QPushButton, "gridgov_install_button") is not None] for i in items]


def run(algorithm, parameters):
    try:
        processing.run(algorithm, parameters)
    except Exception as err:
        return f"{type(err).__name__}: {err}"
    return "ok"


import gridgov

plugin = gridgov.classFactory(iface)
plugin.initGui()
QgsApplication.processEvents()
out["provider"] = provider_state()
out["install_items"] = install_items()
out["bar"] = {str(int(k)): v for k, v in iface.messageBar().messages.items()}

if SCENARIO == "optional":
    memory = QgsVectorLayer("Point?crs=EPSG:4547&field=description:string&field=class_code:string", "o", "memory")
    rows = [("夜间施工噪音扰民", "noise"), ("道路积水", "road"), ("施工噪音", "noise"), ("路面坑洼", "road")] * 3
    features = []
    for text, code in rows:
        feature = QgsFeature(memory.fields())
        feature.setAttributes([text, code])
        features.append(feature)
    memory.dataProvider().addFeatures(features)
    out["runs"] = {
        "classify": run("gridgov:classify", {"INPUT": memory, "TEXT_FIELD": "description", "LABEL_FIELD": "class_code",
                                             "METHOD": 2, "OUTPUT": "memory:"}),
        "convertcoords": run("gridgov:convertcoords", {"INPUT_FILE": os.environ["GRIDGOV_XLSX"], "FROM": "gcj02",
                                                       "TO": "wgs84", "OUTPUT": "memory:"}),
    }
    from gridgov.grid_ops.governance import routing
    from gridgov.layers.processing.provider import optional_package_error

    if BLOCK == "ortools":
        try:
            routing.plan_routes(None, 1, [(0, 60)], None, 10.0, solver="ortools")
        except Exception as err:
            clear = optional_package_error(err)
            out["runs"]["patrol_solver"] = str(clear) if clear is not None else f"unclear: {err}"

if SCENARIO == "install":
    from gridgov.grid_ops.runtime import install
    from gridgov.ui import installer

    button = iface.messageBar().items()[-1].findChild(QPushButton, "gridgov_install_button")
    button.click()
    started = time.time()
    while installer._ALIVE and time.time() - started < 300:
        QgsApplication.processEvents()
        time.sleep(0.05)
    for _ in range(5):
        QgsApplication.processEvents()
    out["after"] = provider_state()
    out["after_items"] = install_items()
    out["missing_after"] = [m.module for m in plugin.missing]
    out["imported_from"] = importlib.import_module(BLOCK).__file__
    out["target"] = str(install.target_dir(QgsApplication.qgisSettingsDirPath()))
    out["success"] = iface.messageBar().messages[Qgis.MessageLevel.Success]
else:
    from pathlib import Path

    failures = {}
    names = ["gridgov.plugin"]
    root = Path(gridgov.__file__).parent
    for folder in ("grid_ops", "layers", "ui"):
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).with_suffix("")
            names.append("gridgov." + ".".join(p for p in relative.parts if p != "__init__"))
    loaded = set(sys.modules)
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as err:
            failures[name] = [type(err).__name__, getattr(err, "name", None) or "", str(err),
                              name in loaded]
    out["modules"] = len(names)
    out["import_failures"] = failures

plugin.unload()
out["provider_after_unload"] = provider_state()
print("RESULT " + json.dumps(out, ensure_ascii=False))
"""


def _child(package: deps.Package, scenario: str, tmp_path: Path, allow: str = "") -> dict:
    env = dict(os.environ)
    env.update(
        {
            "GRIDGOV_BLOCK": package.module,
            "GRIDGOV_BLOCK_DIST": package.dist,
            "GRIDGOV_ALLOW": allow,
            "GRIDGOV_SCENARIO": scenario,
            "GRIDGOV_XLSX": str(tmp_path / "orders.xlsx"),
            "QT_QPA_PLATFORM": "offscreen",
            "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "profile"),
            "PYTHONPATH": os.pathsep.join([str(PKG_DIR), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", HARNESS], capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, f"{package.module}: exit {result.returncode}\n{result.stderr[-4000:]}"
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.fixture(scope="module")
def children(tmp_path_factory) -> dict[str, dict]:
    """One child QGIS per declared package (run side by side): the results by module name."""
    import openpyxl

    def one(package: deps.Package) -> tuple[str, dict]:
        folder = tmp_path_factory.mktemp(f"without_{package.module}")
        book = openpyxl.Workbook()
        book.active.append(["x", "y"])
        book.active.append([114.05, 22.54])
        book.save(folder / "orders.xlsx")
        scenario = "optional" if package in deps.OPTIONAL else "required"
        return package.module, _child(package, scenario, folder)

    with ThreadPoolExecutor(max_workers=min(6, os.cpu_count() or 1)) as pool:
        return dict(pool.map(one, [*deps.REQUIRED, *deps.OPTIONAL]))


def _full_algorithms() -> list[str]:
    from gridgov.layers.processing.provider import ALGORITHMS

    return sorted(f"gridgov:{module.rpartition('.')[2].removesuffix('_alg')}" for module, _name in ALGORITHMS)


def _check_import_failures(result: dict, package: deps.Package) -> list[str]:
    failing = result["import_failures"]
    for name, (kind, missing_name, text, _loaded) in failing.items():
        # No module named X, or a package that needs X failing ("numpy._core.multiarray failed to import")
        assert missing_name.partition(".")[0] == package.module or package.module in text, (name, kind, text)
    return sorted(failing)


@pytest.mark.parametrize("package", deps.OPTIONAL, ids=lambda p: p.module)
def test_without_an_optional_package_the_plugin_loads_fully(children, package):
    result = children[package.module]
    assert result["provider"]["algorithms"] == _full_algorithms()
    assert result["provider"]["warning"] == "" and result["provider"]["unavailable"] == 0
    assert result["install_items"] == []  # no warning in the message bar: it is optional
    assert [m for m, tag, _level in result["log"] if tag == "Grid Governance" and package.dist in m], result["log"]
    failing = _check_import_failures(result, package)
    # only modules that exist for that package fail, and the plugin never loaded them
    allowed = {"numba": ("gridgov.grid_ops.pip.pipkernels_numba",), "psycopg2": ("gridgov.layers.backends.postgis.",)}
    assert all(name.startswith(allowed.get(package.module, ())) for name in failing), failing
    assert result["provider_after_unload"] is None


@pytest.mark.parametrize("package", deps.OPTIONAL, ids=lambda p: p.module)
def test_an_algorithm_needing_a_missing_optional_package_says_so(children, package):
    runs = children[package.module]["runs"]
    needing = {"sklearn": "classify", "openpyxl": "convertcoords", "ortools": "patrol_solver"}.get(package.module)
    for name, outcome in runs.items():
        if name == needing:
            assert outcome.startswith("QgsProcessingException") or name == "patrol_solver", outcome
            assert package.dist in outcome and "Install" in outcome, outcome
            assert "Traceback" not in outcome
        elif name != "patrol_solver":
            assert outcome == "ok", (name, outcome)


@pytest.mark.parametrize("package", deps.REQUIRED, ids=lambda p: p.module)
def test_without_a_required_package_the_provider_registers_disabled(children, package):
    result = children[package.module]
    provider = result["provider"]
    assert provider is not None and package.dist in provider["warning"]
    assert provider["algorithms"] == _full_algorithms()  # same ids: qgis_process says what is missing
    assert provider["unavailable"] == len(provider["algorithms"])
    [(text, has_button)] = result["install_items"]
    assert package.dist in text and has_button
    assert result["bar"][str(int(Qgis.MessageLevel.Critical))] == []  # nothing is called broken
    assert any(package.module in m and tag == "Grid Governance" for m, tag, _level in result["log"])
    failing = _check_import_failures(result, package)
    assert failing and not any(loaded for *_rest, loaded in result["import_failures"].values())
    assert result["provider_after_unload"] is None


def test_a_real_install_from_pypi_loads_the_provider_without_restart(tmp_path):
    """geopandas (pure Python) hidden; the Install button runs the plugin's task: pip resolves against
    what this Python has, installs geopandas alone into the profile's folder, the provider loads."""
    package = deps.PACKAGES["geopandas"]
    target = tmp_path / "profile" / "profiles" / "default" / "python" / "gridgov-packages"
    target = target / f"py{sys.version_info.major}{sys.version_info.minor}"
    result = _child(package, "install", tmp_path, allow=str(target))
    assert result["provider"]["unavailable"] > 0  # before: disabled
    assert result["missing_after"] == [], [m for m, tag, _l in result["log"] if tag == "Grid Governance"][-20:]
    assert result["target"] == str(target)
    assert result["imported_from"].startswith(str(target))
    assert result["after"]["unavailable"] == 0 and result["after"]["algorithms"] == _full_algorithms()
    assert result["after_items"] == []  # the warning is gone
    assert any("geopandas" in m for m in result["success"])
    pip_lines = [m for m, tag, _level in result["log"] if tag == "Grid Governance"]
    assert any("--dry-run" in m for m in pip_lines) and any("--no-deps" in m for m in pip_lines)
    installed = sorted(install.canonical(p.name.split("-")[0]) for p in target.glob("*.dist-info"))
    assert "geopandas" in installed, installed
    # besides geopandas only what QGIS's Python lacks (Debian 13 has no six or tzdata distribution, as
    # its pandas and dateutil need none): nothing it already has is installed again
    shipped = install.installed_distributions()
    assert [name for name in installed if name != "geopandas" and name in shipped] == [], installed


def test_qgis_process_names_the_missing_package(tmp_path):
    """Under qgis_process (no message bar) a required package missing: ``list`` shows the algorithms as
    unavailable, the reason goes to stderr when the provider loads, ``run`` stops with it (not "not found")."""
    import shutil
    import site

    binary = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
    assert binary, "qgis_process is not installed (make system installs it)"
    startup = tmp_path / "block.py"
    startup.write_text(
        "import importlib.abc, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, fullname, path=None, target=None):\n"
        "        if fullname == 'pyproj':\n"
        "            raise ModuleNotFoundError(\"No module named 'pyproj'\", name='pyproj')\n"
        "sys.meta_path.insert(0, Block())\n",
        encoding="utf-8",
    )
    profile = tmp_path / "profiles" / "default" / "QGIS"
    profile.mkdir(parents=True)
    (profile / "QGIS3.ini").write_text("[PythonPlugins]\ngridgov=true\n", encoding="utf-8")
    env = dict(os.environ)
    env.update(
        {
            "PYQGIS_STARTUP": str(startup),  # runs inside qgis_process's Python before the plugins load
            "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path),
            "QGIS_PLUGINPATH": str(PKG_DIR),
            "PYTHONPATH": os.pathsep.join(site.getsitepackages()),
            "QT_QPA_PLATFORM": "offscreen",
        }
    )
    listed = subprocess.run([binary, "list"], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "gridgov:geolocate\tGeolocate orders to grids (unavailable)" in listed.stdout, listed.stdout[-3000:]
    assert "needs the Python packages pyproj" in listed.stderr, listed.stderr[-2000:]
    out = tmp_path / "city.gpkg"
    ran = subprocess.run(
        [binary, "run", "gridgov:democity", "--", "SEED=3", "ORDERS=100", f"OUTPUT={out}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    assert ran.returncode == 1 and not out.exists()
    assert "not found" not in ran.stderr and "needs the Python packages pyproj" in ran.stderr, ran.stderr[-2000:]


def test_the_packages_dialog_lists_what_is_missing_with_its_purpose(qgis_iface):
    from qgis.PyQt.QtWidgets import QCheckBox

    from gridgov.ui.installer import PackagesDialog

    dialog = PackagesDialog(deps.OPTIONAL)
    boxes = dialog.findChildren(QCheckBox)
    assert [b.text().split(":")[0] for b in boxes] == [p.dist for p in deps.OPTIONAL]
    assert all(len(b.text()) > 20 for b in boxes)  # each says what it is for
    boxes[0].setChecked(False)
    assert dialog.chosen() == list(deps.OPTIONAL[1:])
    assert dialog.install_button.isEnabled()
    assert not PackagesDialog([]).install_button.isEnabled()
