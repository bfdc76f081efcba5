"""The "网格治理" dock panel: one tab per step of the grid centre's job.

Every tab drives its step's algorithms; every button runs the same Processing algorithm as the toolbox.
"""

from __future__ import annotations

from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from gridgov.layers.processing.base import tr
from gridgov.ui.step_panel import STEP_BUTTONS, StepPanel

#: (object name, tab title source text, what the tab will hold)
TABS = (
    ("tab_grids", "网格 Grids", "Load, build, split and validate grids, micro-grids and dedicated grids."),
    ("tab_orders", "工单 Orders", "Import and geolocate work orders and inspection reports; find repeats."),
    ("tab_analysis", "分析 Analysis", "Classify, heatmaps, grid statistics, hotspots, emerging hotspots."),
    ("tab_patrol", "巡查 Patrol", "Hot areas and patrol plans for street offices."),
    ("tab_print", "出图 Print", "Hotspot maps and atlases for review meetings."),
)


class GridGovDock(QgsDockWidget):
    """The plugin's dock panel with one tab per step."""

    def __init__(self, parent: QWidget | None = None, open_algorithm=None, whose_action=None) -> None:
        super().__init__(tr("网格治理 Grid Governance"), parent)
        self.setObjectName("GridGovDock")
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("gridgov_tabs")
        self.pages: dict[str, QWidget] = {}
        for object_name, title, purpose in TABS:
            if (object_name == "tab_grids" or object_name in STEP_BUTTONS) and open_algorithm is not None:
                from gridgov.ui.grids_panel import GridsPanel

                if object_name == "tab_grids":
                    page = GridsPanel(open_algorithm, whose_action, self.tabs)
                else:
                    page = StepPanel(object_name, open_algorithm, self.tabs)
                page.setObjectName(object_name)
                self.tabs.addTab(page, tr(title))
                self.pages[object_name] = page
                continue
            page = QWidget(self.tabs)
            page.setObjectName(object_name)
            self.pages[object_name] = page
            layout = QVBoxLayout(page)
            note = QLabel(tr(purpose), page)
            note.setWordWrap(True)
            layout.addWidget(note)
            layout.addStretch(1)
            self.tabs.addTab(page, tr(title))
        self.setWidget(self.tabs)
