"""The dock's 网格 (grids) tab: load the hierarchy, run the grid algorithms, ask "whose is this?"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from qgis.core import QgsProject
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from gridgov.layers.runtime.settings import LAST_HIERARCHY_GPKG
from gridgov.layers.runtime.translation import tr
from gridgov.ui.step_panel import StepPanel

LOGGER = logging.getLogger("gridgov")


class GridsPanel(StepPanel):
    """The grid step's forms, with the hierarchy loader and the whose-is-this toggle above them."""

    hierarchy_loaded = pyqtSignal()  # the dock then points every form's layer combos at the hierarchy

    def __init__(
        self, iface=None, open_algorithm: Callable[[str], None] | None = None, whose_action=None,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__("tab_grids", iface, open_algorithm, parent)
        row = QHBoxLayout()
        self.load_button = QPushButton(tr("Load grid hierarchy…"), self)
        self.load_button.setObjectName("btn_load_hierarchy")
        self.load_button.setToolTip(tr("Add the streets, communities, grids, micro-grids and dedicated grids of a "
                                       "GeoPackage as one styled group"))  # fmt: skip
        self.load_button.clicked.connect(self.choose_and_load)
        row.addWidget(self.load_button)
        if whose_action is not None:
            whose = QPushButton(whose_action.icon(), whose_action.text(), self)
            whose.setObjectName("btn_whose")
            whose.setCheckable(True)
            whose.toggled.connect(whose_action.setChecked)
            whose_action.toggled.connect(whose.setChecked)
            row.addWidget(whose)
        self.main_layout.insertLayout(1, row)

    def choose_and_load(self) -> None:
        last = LAST_HIERARCHY_GPKG.value()
        path, _ = QFileDialog.getOpenFileName(self, tr("Grid hierarchy GeoPackage"), last, tr("GeoPackage (*.gpkg)"))
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        from gridgov.layers.hierarchy.group import load_hierarchy

        LAST_HIERARCHY_GPKG.set_value(path)
        try:
            load_hierarchy(Path(path), QgsProject.instance())
        except (OSError, RuntimeError) as err:
            LOGGER.error("cannot load the grid hierarchy from %s: %s", path, err)
            return
        self.hierarchy_loaded.emit()
