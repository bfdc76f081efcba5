"""The plugin class QGIS loads: menu, toolbar, dock, Processing provider, and a clean unload.

Thin on purpose: everything a user can do is a Processing algorithm (``layers/processing``) and
the engine (``grid_ops``) knows nothing of QGIS.
"""

from __future__ import annotations

import logging

from qgis.core import Qgis, QgsApplication, QgsMessageLog
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QMenu

from gridgov.grid_ops.deps import RECOMMENDED, install_command, missing_dependencies
from gridgov.grid_ops.paths import resource_path
from gridgov.layers.processing.base import tr
from gridgov.layers.qgis_logging import LOG_TAG, setup_logger, teardown_logger

LOGGER = logging.getLogger("gridgov")
MENU_TITLE = "Grid Governance"


class GridGovPlugin:
    """Grid Governance plugin."""

    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider = None
        self.menu: QMenu | None = None
        self.toolbar = None
        self.dock = None
        self.actions: list[QAction] = []
        self.whose_tool = None
        self.whose_action: QAction | None = None
        self.locator_filter = None
        self.missing = []
        self._log_handler = None

    # Processing first: qgis_process calls initProcessing() without initGui().
    def initProcessing(self) -> None:  # noqa: N802
        self.missing = missing_dependencies()
        if self.missing:
            return
        self._note_recommended()
        from gridgov.layers.processing.provider import GridGovProvider

        self.provider = GridGovProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802
        self._log_handler = setup_logger()
        self.initProcessing()
        icon = QIcon(str(resource_path("icons", "gridgov.svg")))
        self.menu = QMenu(tr(MENU_TITLE), self.iface.mainWindow())
        self.menu.setObjectName("gridgov_menu")
        self.toolbar = self.iface.addToolBar(tr(MENU_TITLE))
        self.toolbar.setObjectName("gridgov_toolbar")

        dock_action = QAction(icon, tr("Grid Governance panel"), self.iface.mainWindow())
        dock_action.setObjectName("gridgov_show_dock")
        dock_action.setCheckable(True)
        dock_action.toggled.connect(self._toggle_dock)
        self._add_action(dock_action)

        demo_action = QAction(icon, tr("Build demo city…"), self.iface.mainWindow())
        demo_action.setObjectName("gridgov_build_demo")
        demo_action.triggered.connect(lambda: self._open_algorithm("gridgov:democity"))
        self._add_action(demo_action, toolbar=False)

        self.whose_action = QAction(
            QIcon(str(resource_path("icons", "whose.svg"))), tr("Whose is this?"), self.iface.mainWindow()
        )
        self.whose_action.setObjectName("gridgov_whose")
        self.whose_action.setCheckable(True)
        self.whose_action.toggled.connect(self._toggle_whose_tool)
        self._add_action(self.whose_action)

        if not self.missing:
            from gridgov.ui.locator import GridLocatorFilter

            self.locator_filter = GridLocatorFilter(self.iface)
            self.iface.registerLocatorFilter(self.locator_filter)

        self.iface.mainWindow().menuBar().addMenu(self.menu)
        if self.missing:
            self._warn_missing()

    def _add_action(self, action: QAction, toolbar: bool = True) -> None:
        self.menu.addAction(action)
        if toolbar:
            self.toolbar.addAction(action)
        self.actions.append(action)

    def _warn_missing(self) -> None:
        names = ", ".join(m.module for m in self.missing)
        command = install_command(self.missing)
        text = tr("Grid Governance needs {0}. Install with: {1}").format(names, command)
        self.iface.messageBar().pushMessage(tr(MENU_TITLE), text, level=Qgis.MessageLevel.Warning, duration=0)
        for item in self.missing:
            QgsMessageLog.logMessage(f"{item.reason}", LOG_TAG, Qgis.MessageLevel.Warning)
        QgsMessageLog.logMessage(text, LOG_TAG, Qgis.MessageLevel.Warning)

    def _note_recommended(self) -> None:
        """A line in the log (not a warning) for each recommended package that is missing."""
        slower = missing_dependencies(RECOMMENDED)
        if slower:
            text = tr("Without {0}, large layers are placed by a slower path. Install with: {1}").format(
                ", ".join(m.module for m in slower), install_command(slower)
            )
            QgsMessageLog.logMessage(text, LOG_TAG, Qgis.MessageLevel.Info)

    def _ensure_dock(self):
        if self.dock is None:
            from gridgov.ui.dock import GridGovDock

            self.dock = GridGovDock(self.iface.mainWindow(), self.iface, self._open_algorithm, self.whose_action)
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        return self.dock

    def _toggle_dock(self, visible: bool) -> None:
        self._ensure_dock().setVisible(visible)

    def _toggle_whose_tool(self, checked: bool) -> None:
        canvas = self.iface.mapCanvas()
        if checked:
            if self.missing:
                self._warn_missing()
                self.whose_action.setChecked(False)
                return
            if self.whose_tool is None:
                from gridgov.ui.whose_tool import WhoseIsThisTool

                self.whose_tool = WhoseIsThisTool(canvas)
                self.whose_tool.setAction(self.whose_action)
            canvas.setMapTool(self.whose_tool)
        elif self.whose_tool is not None and canvas.mapTool() is self.whose_tool:
            canvas.unsetMapTool(self.whose_tool)

    def _open_algorithm(self, algorithm_id: str) -> None:
        if self.provider is None:
            self._warn_missing()
            return
        try:
            import processing

            processing.execAlgorithmDialog(algorithm_id)
        except Exception as exc:  # a dialog must never take QGIS down
            LOGGER.error("cannot open %s: %s", algorithm_id, exc)

    def unload(self) -> None:
        if self.whose_tool is not None:
            canvas = self.iface.mapCanvas()
            if canvas.mapTool() is self.whose_tool:
                canvas.unsetMapTool(self.whose_tool)
            if self.whose_tool.popup is not None:
                self.whose_tool.popup.deleteLater()
            self.whose_tool.deleteLater()
            self.whose_tool = None
        self.whose_action = None
        if self.locator_filter is not None:
            self.iface.deregisterLocatorFilter(self.locator_filter)
            self.locator_filter = None
        for action in self.actions:
            self.iface.removeToolBarIcon(action)
            action.deleteLater()
        self.actions = []
        if self.menu is not None:
            self.menu.menuAction().setVisible(False)
            self.iface.mainWindow().menuBar().removeAction(self.menu.menuAction())
            self.menu.deleteLater()
            self.menu = None
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.dock is not None:
            self.dock.shut_down()
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        teardown_logger(self._log_handler)
        self._log_handler = None
        from gridgov.layers.translation import remove_translator

        remove_translator()
