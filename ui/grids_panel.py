"""The dock's 网格 (grids) tab: load the hierarchy, run the grid algorithms, ask "whose is this?"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from qgis.core import QgsProject, QgsSettings
from qgis.PyQt.QtWidgets import QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from gridgov.layers.processing.base import tr
from gridgov.ui.algorithm_buttons import add_algorithm_buttons

LOGGER = logging.getLogger("gridgov")
SETTINGS_KEY = "gridgov/last_hierarchy_gpkg"

#: (object name, button text, algorithm id)
ALGORITHM_BUTTONS = (
    ("btn_importgrids", "导入网格图层 Import grid layer…", "gridgov:importgrids"),
    ("btn_buildgrid", "生成规则网格 Build regular grid…", "gridgov:buildgrid"),
    ("btn_splitmicrogrids", "划分微网格 Split into micro-grids…", "gridgov:splitmicrogrids"),
    ("btn_validategrids", "网格质检 Validate grids…", "gridgov:validategrids"),
    ("btn_renumbergrids", "重新编码 Renumber grids…", "gridgov:renumbergrids"),
)


class GridsPanel(QWidget):
    """Buttons for the grid step; the work itself is done by Processing algorithms."""

    def __init__(self, open_algorithm: Callable[[str], None], whose_action=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gridgov_grids_panel")
        self.open_algorithm = open_algorithm
        layout = QVBoxLayout(self)
        note = QLabel(tr("Load, build, split and validate grids, micro-grids and dedicated grids."), self)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.load_button = QPushButton(tr("加载网格体系 Load grid hierarchy…"), self)
        self.load_button.setObjectName("btn_load_hierarchy")
        self.load_button.clicked.connect(self.choose_and_load)
        layout.addWidget(self.load_button)
        self.buttons: dict[str, QPushButton] = add_algorithm_buttons(layout, self, ALGORITHM_BUTTONS, open_algorithm)
        if whose_action is not None:
            whose = QPushButton(whose_action.icon(), whose_action.text(), self)
            whose.setObjectName("btn_whose")
            whose.setCheckable(True)
            whose.toggled.connect(whose_action.setChecked)
            whose_action.toggled.connect(whose.setChecked)
            layout.addWidget(whose)
        layout.addStretch(1)

    def choose_and_load(self) -> None:
        last = QgsSettings().value(SETTINGS_KEY, "", type=str)
        path, _ = QFileDialog.getOpenFileName(self, tr("Grid hierarchy GeoPackage"), last, tr("GeoPackage (*.gpkg)"))
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        from gridgov.layers.hierarchy import load_hierarchy

        QgsSettings().setValue(SETTINGS_KEY, path)
        try:
            load_hierarchy(Path(path), QgsProject.instance())
        except (OSError, RuntimeError) as err:
            LOGGER.error("cannot load the grid hierarchy from %s: %s", path, err)
