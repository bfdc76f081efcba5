"""The "whose is this?" (这是谁的?) map tool: click a spot, see who is responsible for it; click an
order, see its class case, status, repeats and responsible unit too."""

from __future__ import annotations

from qgis.core import QgsPointXY, QgsProject
from qgis.gui import QgsMapCanvas, QgsMapToolEmitPoint
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from gridgov.grid_ops.schema import CLASS_CODE
from gridgov.layers.hierarchy.order_info import orders_html, orders_near
from gridgov.layers.hierarchy.whose import chain_html, responsibility_chain
from gridgov.layers.runtime.translation import tr

#: How near (screen pixels) a click must be to an order to show it.
CLICK_PIXELS = 6


def _class_of(orders) -> str:
    """The class code of the clicked order ("" for none, or for several of different classes)."""
    classes = set()
    for _layer, feature in orders:
        index = feature.fields().lookupField(CLASS_CODE)
        value = feature.attribute(index) if index >= 0 else None
        classes.add("" if value is None or str(value) == "NULL" else str(value).strip())
    return classes.pop() if len(classes) == 1 else ""


class ChainPopup(QDialog):
    """A small non-modal window holding the latest answer (reused between clicks)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gridgov_whose_popup")
        self.setWindowTitle(tr("Whose is this?"))
        self.browser = QTextBrowser(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        self.resize(560, 360)
        self.setModal(False)


class WhoseIsThisTool(QgsMapToolEmitPoint):
    """Map tool: a click shows street, community, grid, micro-grid, dedicated grid, manager and phone."""

    def __init__(self, canvas: QgsMapCanvas, project: QgsProject | None = None) -> None:
        super().__init__(canvas)
        self.project = project or QgsProject.instance()
        self.popup: ChainPopup | None = None
        self.last_html = ""
        self.setCursor(Qt.CursorShape.WhatsThisCursor)
        self.canvasClicked.connect(self._clicked)

    def _clicked(self, point: QgsPointXY, _button) -> None:
        self.show_chain(point)

    def show_chain(self, point: QgsPointXY) -> str:
        """Answer for a point in the canvas CRS; returns the HTML shown."""
        crs = self.canvas().mapSettings().destinationCrs()
        radius = CLICK_PIXELS * self.canvas().mapSettings().mapUnitsPerPixel()
        orders = orders_near(self.project, point, crs, radius)
        # a click on an order answers for its class case (a dedicated grid may take only some)
        units = responsibility_chain(self.project, point, crs, _class_of(orders))
        self.last_html = orders_html(orders) + chain_html(units)
        if self.popup is None:
            self.popup = ChainPopup(self.canvas().window())
        self.popup.browser.setHtml(self.last_html)
        self.popup.show()
        self.popup.raise_()
        return self.last_html

    def deactivate(self) -> None:
        if self.popup is not None:
            self.popup.hide()
        super().deactivate()
