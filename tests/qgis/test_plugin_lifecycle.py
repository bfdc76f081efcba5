"""The plugin loads into QGIS, unloads without leftovers, and loads again."""

from __future__ import annotations

import configparser
from pathlib import Path

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QMenu, QPushButton, QToolBar

import gridgov
from gridgov.grid_ops.runtime import deps
from gridgov.ui.steps import STEPS

ROOT = Path(__file__).resolve().parents[2]


def _menus(iface) -> list[str]:
    return [a.text() for a in iface.mainWindow().menuBar().actions() if a.isVisible()]


def _toolbars(iface) -> list[QToolBar]:
    return [t for t in iface.mainWindow().findChildren(QToolBar) if t.objectName() == "gridgov_toolbar"]


def test_metadata_declares_processing_provider():
    meta = configparser.ConfigParser()
    meta.read(ROOT / "metadata.txt", encoding="utf-8")
    general = meta["general"]
    assert general["hasProcessingProvider"] == "yes"
    assert (ROOT / general["icon"]).exists()
    minimum = tuple(int(p) for p in general["qgisMinimumVersion"].split("."))
    maximum = tuple(int(p) for p in general["qgisMaximumVersion"].split("."))
    running = tuple(int(p) for p in Qgis.QGIS_VERSION.split("-")[0].split(".")[:2])
    assert minimum <= running <= maximum


def test_load_unload_load(qgis_iface):
    registry = QgsApplication.processingRegistry()
    for _round in range(2):
        plugin = gridgov.classFactory(qgis_iface)
        plugin.initGui()
        assert registry.providerById("gridgov") is not None
        assert "Grid Governance" in _menus(qgis_iface)
        assert len(_toolbars(qgis_iface)) == 1
        plugin._toggle_dock(True)
        assert plugin.dock is not None and plugin.dock.tabs.count() == len(STEPS)
        titles = [plugin.dock.tabs.tabText(i) for i in range(plugin.dock.tabs.count())]
        assert titles == ["Grids", "Orders", "Analysis", "Assessment", "Early warning", "Patrol", "Print"]
        plugin.unload()
        assert registry.providerById("gridgov") is None
        assert "Grid Governance" not in _menus(qgis_iface)
        assert plugin.dock is None and plugin.actions == []
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert _toolbars(qgis_iface) == []
        assert not [m for m in qgis_iface.mainWindow().findChildren(QMenu) if m.objectName() == "gridgov_menu"]


def _install_items(iface):
    return [i for i in iface.messageBar().items() if i.objectName() == "gridgov_install_message"]


def test_missing_dependency_disables_the_provider_and_offers_install(qgis_iface, monkeypatch):
    missing = [
        deps.MissingDependency(
            "geopandas", "geopandas>=1", "cannot import geopandas: No module named 'geopandas'", "geopandas"
        )
    ]
    monkeypatch.setattr("gridgov.plugin.missing_dependencies", lambda packages=None: [] if packages else missing)
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda m, tag, level: logged.append((m, tag)))
    plugin = gridgov.classFactory(qgis_iface)
    plugin.initGui()  # must not raise
    try:
        provider = QgsApplication.processingRegistry().providerById("gridgov")
        assert provider is not None and "geopandas" in provider.warningMessage()
        assert provider.algorithms() and all("(unavailable)" in a.displayName() for a in provider.algorithms())
        [item] = _install_items(qgis_iface)
        assert "geopandas" in item.text()
        assert item.findChild(QPushButton, "gridgov_install_button").isEnabled()
        QgsApplication.processEvents()
        assert any("geopandas" in m and tag == "Grid Governance" for m, tag in logged)
        plugin._toggle_dock(True)  # the panel waits for the packages: the offer is shown again instead
        assert plugin.dock is None and len(_install_items(qgis_iface)) == 1
    finally:
        plugin.unload()
    assert _install_items(qgis_iface) == []


def test_missing_optional_package_is_a_log_line_not_a_warning(qgis_iface, monkeypatch):
    """numba only makes big inputs faster: the plugin loads fully and says so in the log."""
    slow = [
        deps.MissingDependency("numba", "numba>=0.60", "cannot import numba", "numba", deps.PACKAGES["numba"].purpose)
    ]
    monkeypatch.setattr("gridgov.plugin.missing_dependencies", lambda packages=None: slow if packages else [])
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda m, tag, level: logged.append((m, tag, level)))
    plugin = gridgov.classFactory(qgis_iface)
    plugin.initGui()
    try:
        provider = QgsApplication.processingRegistry().providerById("gridgov")
        assert provider is not None and provider.warningMessage() == ""
        assert not [w for w in qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Warning) if "numba" in w]
        assert _install_items(qgis_iface) == []
        QgsApplication.processEvents()
        assert any("numba" in m and "200,000" in m and level == Qgis.MessageLevel.Info for m, _tag, level in logged)
    finally:
        plugin.unload()


def test_no_dependency_missing_here():
    assert deps.missing_dependencies() == []
    assert deps.missing_dependencies(deps.OPTIONAL) == []


def test_too_old_shapely_is_reported(monkeypatch):
    monkeypatch.setattr(deps.importlib.metadata, "version", lambda dist: "1.8.5")
    missing = deps.missing_dependencies((deps.PACKAGES["shapely"],))
    assert missing and "older than 2.0" in missing[0].reason and missing[0].installed == "1.8.5"


def test_each_tab_holds_a_form_per_algorithm_and_the_whose_tool(qgis_iface, monkeypatch, demo_city_gpkg):
    from qgis.core import QgsProject
    from qgis.PyQt.QtWidgets import QPushButton

    from gridgov.layers.hierarchy.group import hierarchy_layers
    from gridgov.ui.steps import STEPS

    plugin = gridgov.classFactory(qgis_iface)
    plugin.initGui()
    opened = []
    monkeypatch.setattr(plugin, "_open_algorithm", opened.append)
    try:
        plugin.dock = None
        dock = plugin._ensure_dock()
        provider_ids = {a.id() for a in QgsApplication.processingRegistry().providerById("gridgov").algorithms()}
        in_tabs = [a for step in STEPS for a in step.algorithms]
        assert sorted(in_tabs) == sorted(provider_ids - {"gridgov:democity"})  # each algorithm in one tab
        for step in STEPS:
            panel = dock.pages[step.name]
            assert list(panel.pages) == list(step.algorithms)
            for algorithm_id, page in panel.pages.items():
                assert dock.page(algorithm_id) is page and panel.toolbox.currentWidget() is page
                assert page.form.wrappers, algorithm_id
                page.findChild(QPushButton, "open_dialog").click()
                assert opened[-1] == algorithm_id
        assert len(opened) == len(in_tabs)
        panel = dock.pages["tab_grids"]
        panel.load(str(demo_city_gpkg))
        assert {"street", "community", "grid", "microgrid", "dedicated"} <= set(hierarchy_layers(QgsProject.instance()))
        whose = panel.findChild(QPushButton, "btn_whose")
        whose.setChecked(True)
        assert plugin.whose_action.isChecked()
        assert qgis_iface.mapCanvas().mapTool() is plugin.whose_tool
        whose.setChecked(False)
        assert qgis_iface.mapCanvas().mapTool() is not plugin.whose_tool
    finally:
        plugin.unload()
        QgsProject.instance().clear()


def test_an_optional_install_keeps_the_open_dock_usable(qgis_iface):
    """Installing an optional package (openpyxl from the menu) while the dock is open replaced the whole
    provider: the dock's forms lost their widgets and the next look at their algorithm crashed QGIS."""
    import gridgov

    plugin = gridgov.classFactory(qgis_iface)
    plugin.initGui()
    try:
        plugin._toggle_dock(True)
        page = plugin.dock.page("gridgov:geolocate")
        before, provider = len(page.form.wrappers), plugin.provider
        assert before > 0 and not plugin.missing
        plugin._installed(True, "openpyxl==3.1.5")  # what the install task calls when it is done
        assert plugin.provider is provider and len(page.form.wrappers) == before
        assert page.algorithm.provider() is provider
    finally:
        plugin.unload()
