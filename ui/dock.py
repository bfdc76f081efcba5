"""The "网格治理" dock panel: one tab per step of the grid centre's job.

Every tab holds its step's algorithms as forms; each runs the same Processing algorithm as the
toolbox, in the background, and files its outputs under the step's layer group.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from qgis.core import QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QTabWidget, QWidget

from gridgov.layers.runtime.translation import tr
from gridgov.ui.grids_panel import GridsPanel
from gridgov.ui.step_panel import StepPanel
from gridgov.ui.steps import STEPS


class GridGovDock(QgsDockWidget):
    """The plugin's dock panel; ``pages`` maps a tab's object name to its :class:`StepPanel`."""

    def __init__(
        self, parent: QWidget | None = None, iface=None, open_algorithm: Callable[[str], None] | None = None,
        whose_action=None,
    ) -> None:  # fmt: skip
        super().__init__(tr("Grid Governance"), parent)
        self.setObjectName("GridGovDock")
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("gridgov_tabs")
        self.pages: dict[str, StepPanel] = {}
        for step in STEPS:
            if step.name == "tab_grids":
                page = GridsPanel(iface, open_algorithm, whose_action, self.tabs)
                page.hierarchy_loaded.connect(self.restore)
            else:
                page = StepPanel(step.name, iface, open_algorithm, self.tabs)
            page.setObjectName(step.name)
            self.tabs.addTab(page, tr(step.title))
            self.pages[step.name] = page
            for algorithm_page in page.pages.values():
                algorithm_page.finished.connect(self._offer_new_layers)
        self.setWidget(self.tabs)
        QgsProject.instance().readProject.connect(self.restore)

    def page(self, algorithm_id: str):
        """The form page of ``algorithm_id``, its tab and tool-box entry brought to the front."""
        for index, step in enumerate(STEPS):
            if algorithm_id in step.algorithms:
                self.tabs.setCurrentIndex(index)
                return self.pages[step.name].show_algorithm(algorithm_id)
        raise KeyError(algorithm_id)

    def _offer_new_layers(self, ok: bool, _results: dict) -> None:
        """After a run, forms whose layer lacks the fields they expect offer the layers it made."""
        if not ok:
            return
        for panel in self.pages.values():
            for page in panel.pages.values():
                if not (page.runner and page.runner.running):
                    page.form.pick_layers()

    def restore(self, *_args) -> None:
        for panel in self.pages.values():
            panel.restore()

    def running(self) -> list:
        """The pages whose algorithm is running now."""
        return [p for panel in self.pages.values() for p in panel.pages.values() if p.runner and p.runner.running]

    def shut_down(self) -> None:
        """Cancel running algorithms and stop following project loads (the plugin is unloading)."""
        for page in self.running():
            page.cancel()
        with contextlib.suppress(TypeError):
            QgsProject.instance().readProject.disconnect(self.restore)
