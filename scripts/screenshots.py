"""Screenshots of the dock, one per tab, in a real QGIS window with QGIS set to Chinese (zh-Hans).

``make screenshots`` starts QGIS under Xvfb on the demo project with a throw-away profile whose
locale is zh-Hans and whose only enabled plugin is gridgov, and passes this file to ``--code``.
It opens the dock, shows each tab with an algorithm open, runs the night-noise heatmap from the
dock (progress, then the result in its group), saves PNGs to ``$GRIDGOV_SHOTS`` and quits QGIS.
"""

from __future__ import annotations

import os
from pathlib import Path

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget
from qgis.utils import iface, plugins

OUT = Path(os.environ.get("GRIDGOV_SHOTS", "out/screenshots"))
#: (file name, tab index, algorithm opened in the tab, values put in its form)
TABS = (
    ("tab1_grids", 0, "gridgov:validategrids", {}),
    ("tab2_orders", 1, "gridgov:geolocate", {"X_FIELD": "x", "Y_FIELD": "y", "COORD_SYS_FIELD": "coord_sys",
                                             "CATEGORY_FIELD": "class_code", "ADDRESS_FIELD": "address"}),
    ("tab3_analysis", 2, "gridgov:heatmap", {"CATEGORIES": "noise", "HOURS": "22-6", "PIXEL_SIZE": 20.0}),
    ("tab4_assessment", 3, "gridgov:assessment", {"UNIT_FIELD": "street_code"}),
    ("tab5_warning", 4, "gridgov:earlywarning", {"SEASON": "5-9"}),
    ("tab6_patrol", 5, "gridgov:patrolplan", {"WINDOWS": "19:00-23:00;23:00-02:00", "DAYS": 90}),
    ("tab7_print", 6, "gridgov:printmap", {"CLASS_CASE": "噪声"}),
)  # fmt: skip
#: Layers the forms start from (the demo project's own names).
ORDERS = "12345工单 Work orders (as reported)"
PLACED = "工单落格 Placed orders"


def _grab(name: str) -> None:
    QApplication.processEvents()
    QApplication.primaryScreen().grabWindow(0).save(str(OUT / f"{name}.png"))


def _layer(name: str) -> str | None:
    found = QgsProject.instance().mapLayersByName(name)
    return found[0].id() if found else None


def _show(index: int, algorithm: str, values: dict) -> None:
    dock = plugins["gridgov"].dock
    dock.tabs.setCurrentIndex(index)
    page = dock.page(algorithm)
    start = {"gridgov:geolocate": {"INPUT": _layer(ORDERS)}, "gridgov:heatmap": {"INPUT": _layer(PLACED)}}
    page.form.set_values({**start.get(algorithm, {}), **values})


def _run_heatmap() -> None:
    page = plugins["gridgov"].dock.page("gridgov:heatmap")
    page.form.set_values({"INPUT": _layer(PLACED), **TABS[2][3]})
    page.run()


def start() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "locale.txt").write_text(QgsApplication.locale())
    window = iface.mainWindow()
    window.showMaximized()
    window.move(0, 0)
    window.resize(1600, 1000)
    for other in window.findChildren(QDockWidget):
        if other.objectName() == "Browser":
            other.hide()
    plugin = plugins["gridgov"]
    plugin._toggle_dock(True)
    plugin.dock.setMinimumWidth(500)
    delay = 1500
    for name, index, algorithm, values in TABS:
        QTimer.singleShot(delay, lambda i=index, a=algorithm, v=values: _show(i, a, v))
        QTimer.singleShot(delay + 2500, lambda n=name: _grab(n))
        delay += 4000
    QTimer.singleShot(delay, _run_heatmap)
    QTimer.singleShot(delay + 1000, lambda: _grab("run_progress"))
    QTimer.singleShot(delay + 25000, lambda: _grab("run_done"))
    QTimer.singleShot(delay + 26000, QgsApplication.exit)


QTimer.singleShot(15000, start)  # QGIS has loaded the project and the plugins by then
