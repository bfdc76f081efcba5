"""The dock's 工单 (orders) tab: convert coordinates, geolocate orders and inspections, find repeats."""

from __future__ import annotations

from collections.abc import Callable

from qgis.PyQt.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from gridgov.layers.processing.base import tr
from gridgov.ui.algorithm_buttons import add_algorithm_buttons

#: (object name, button text, algorithm id)
ALGORITHM_BUTTONS = (
    ("btn_geolocate", "工单落格 Geolocate orders to grids…", "gridgov:geolocate"),
    ("btn_convertcoords", "坐标转换 Convert coordinates…", "gridgov:convertcoords"),
    ("btn_findrepeats", "重复工单 Find repeat orders…", "gridgov:findrepeats"),
)


class OrdersPanel(QWidget):
    """Buttons for the orders step; each opens its Processing algorithm's dialog."""

    def __init__(self, open_algorithm: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gridgov_orders_panel")
        layout = QVBoxLayout(self)
        note = QLabel(
            tr(
                "Place 12345 orders, internet clues and inspection reports in the grid responsible for them "
                "(any coordinate system, or only an address), write the dispatch table, and find repeats."
            ),
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons: dict[str, QPushButton] = add_algorithm_buttons(layout, self, ALGORITHM_BUTTONS, open_algorithm)
        layout.addStretch(1)
