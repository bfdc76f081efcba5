"""The plugin class QGIS loads: menu, toolbar, dock, Processing provider, and a clean unload.

Thin on purpose: everything a user can do is a Processing algorithm (``layers/processing``) and
the engine (``grid_ops``) knows nothing of QGIS.
"""

from __future__ import annotations

import contextlib
import logging

from qgis.core import Qgis, QgsApplication, QgsMessageLog
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QMenu

try:  # Qt 6 (QGIS 4) moved QAction to QtGui; Qt 5 (QGIS 3) has it in QtWidgets
    from qgis.PyQt.QtGui import QAction
except ImportError:
    from qgis.PyQt.QtWidgets import QAction

from gridgov.grid_ops.runtime import install
from gridgov.grid_ops.runtime.deps import OPTIONAL, PACKAGES, missing_dependencies
from gridgov.grid_ops.runtime.paths import resource_path
from gridgov.layers.runtime.qgis_logging import LOG_TAG, setup_logger, teardown_logger
from gridgov.layers.runtime.translation import tr

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
        self.missing_item = None  # the message bar item offering the install
        self._log_handler = None

    # Processing first: qgis_process calls initProcessing() without initGui().
    def initProcessing(self) -> None:  # noqa: N802
        # packages installed by the plugin earlier (ui/installer.py), after everything QGIS has
        install.activate(install.target_dir(QgsApplication.qgisSettingsDirPath()))
        self._register_provider()

    def _register_provider(self) -> None:
        """(Re)check the required packages and register the provider: whole, or disabled with stand-ins
        that say what is missing (so ``qgis_process`` names the package instead of "not found")."""
        from gridgov.layers.processing.provider import GridGovProvider

        self.missing = missing_dependencies()
        registry = QgsApplication.processingRegistry()
        if self.provider is not None:
            registry.removeProvider(self.provider)
        self.provider = GridGovProvider(self.missing)
        registry.addProvider(self.provider)
        if self.missing:
            # Critical: qgis_process prints critical log messages on stderr
            level = Qgis.MessageLevel.Critical if self.iface is None else Qgis.MessageLevel.Warning
            for item in self.missing:
                QgsMessageLog.logMessage(item.reason, LOG_TAG, level)
            QgsMessageLog.logMessage(self.provider.missing_message(), LOG_TAG, level)
        else:
            self._note_optional()

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

        packages_action = QAction(tr("Install Python packages…"), self.iface.mainWindow())
        packages_action.setObjectName("gridgov_install_packages")
        packages_action.triggered.connect(self._choose_packages)
        self._add_action(packages_action, toolbar=False)

        self._register_locator()
        self.iface.mainWindow().menuBar().addMenu(self.menu)
        if self.missing:
            self._warn_missing()

    def _register_locator(self) -> None:
        if not self.missing and self.locator_filter is None:
            from gridgov.ui.locator import GridLocatorFilter

            self.locator_filter = GridLocatorFilter(self.iface)
            self.iface.registerLocatorFilter(self.locator_filter)

    def _add_action(self, action: QAction, toolbar: bool = True) -> None:
        self.menu.addAction(action)
        if toolbar:
            self.toolbar.addAction(action)
        self.actions.append(action)

    def _warn_missing(self) -> None:
        """The message bar says which required packages are missing, with an *Install* button."""
        from gridgov.ui.installer import offer_install

        self._clear_missing_message()
        absent_modules = {m.module for m in self.missing if not m.installed}
        # shipped but too old or broken (not merely missing a package that is installed below): the
        # plugin does not replace what QGIS ships
        present = [m for m in self.missing if m.installed and m.cause not in absent_modules]
        if present:
            text = tr("Grid Governance cannot use {0}: {1}. Update QGIS, or its Python packages.").format(
                ", ".join(f"{m.name} {m.installed}" for m in present), "; ".join(m.reason for m in present)
            )
            self.iface.messageBar().pushMessage(tr(MENU_TITLE), text, level=Qgis.MessageLevel.Critical, duration=0)
        absent = [PACKAGES[m.module] for m in self.missing if not m.installed]
        if absent:
            text = tr(
                "Grid Governance needs the Python packages {0}; its algorithms are disabled until they are installed."
            ).format(", ".join(p.dist for p in absent))
            self.missing_item = offer_install(self.iface.messageBar(), tr(MENU_TITLE), text, absent, self._installed)

    def _clear_missing_message(self) -> None:
        if self.missing_item is not None:
            with contextlib.suppress(RuntimeError):  # closed by the user already
                self.iface.messageBar().popWidget(self.missing_item)
            self.missing_item = None

    def _choose_packages(self) -> None:
        """Menu action: the missing packages, required and optional, to install on request."""
        from gridgov.ui.installer import PackagesDialog, start_install

        missing = [PACKAGES[m.module] for m in (*self.missing, *missing_dependencies(OPTIONAL)) if not m.installed]
        dialog = PackagesDialog(missing, self.iface.mainWindow())
        if dialog.exec() and dialog.chosen():
            start_install(dialog.chosen(), self._installed)

    def _installed(self, ok: bool, message: str) -> None:
        """After an install: check again, load the provider without a restart, say how it went."""
        if self.menu is None and self.provider is None:
            return  # unloaded while pip ran
        bar = self.iface.messageBar() if self.iface is not None else None
        if not ok:
            if bar is not None:
                bar.pushMessage(
                    tr(MENU_TITLE),
                    tr("Installing failed: {0} (the Grid Governance tab of the log has pip's output)").format(message),
                    level=Qgis.MessageLevel.Critical,
                    duration=0,
                )
            return
        was_missing = bool(self.missing)
        if was_missing:
            # only a provider of stand-ins is replaced: optional packages are imported when used, and
            # replacing a whole provider would empty the open dock's forms (their algorithms go with it)
            self._register_provider()
        if bar is None:
            return
        if self.missing:
            bar.pushMessage(
                tr(MENU_TITLE),
                tr("Installed {0}, but {1} still cannot be imported; restart QGIS.").format(
                    message, ", ".join(m.name for m in self.missing)
                ),
                level=Qgis.MessageLevel.Warning,
                duration=0,
            )
            return
        self._clear_missing_message()
        self._register_locator()
        text = tr("Installed {0}. The Grid Governance algorithms are ready.") if was_missing else tr("Installed {0}.")
        bar.pushMessage(tr(MENU_TITLE), text.format(message), level=Qgis.MessageLevel.Success, duration=10)

    def _note_optional(self) -> None:
        """A line in the log (not a warning) for each optional package that is missing, with what it is for."""
        for item in missing_dependencies(OPTIONAL):
            text = tr("Optional package {0} is not installed: {1}. Grid Governance > Install Python packages… adds it.")
            QgsMessageLog.logMessage(text.format(item.name, tr(item.purpose)), LOG_TAG, Qgis.MessageLevel.Info)

    def _ensure_dock(self):
        if self.dock is None:
            from gridgov.ui.dock import GridGovDock

            self.dock = GridGovDock(self.iface.mainWindow(), self.iface, self._open_algorithm, self.whose_action)
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        return self.dock

    def _toggle_dock(self, visible: bool) -> None:
        if visible and self.missing:  # the panel's forms need the algorithms: say what to install first
            self._warn_missing()
            action = self.iface.mainWindow().findChild(QAction, "gridgov_show_dock")
            if action is not None:
                action.setChecked(False)
            return
        if visible or self.dock is not None:
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
        if self.provider is None or self.missing:
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
        self._clear_missing_message()
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        teardown_logger(self._log_handler)
        self._log_handler = None
        from gridgov.layers.runtime.translation import remove_translator

        remove_translator()
