"""Tell the user how a run went in QGIS's message bar: one line, and the full log behind "Details"."""

from __future__ import annotations

from qgis.core import Qgis
from qgis.gui import QgsMessageBar
from qgis.PyQt.QtWidgets import QDialog, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from gridgov.layers.runtime.translation import tr


class DetailsDialog(QDialog):
    """The run's log (what the algorithm reported, errors in red), non-modal."""

    def __init__(self, title: str, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gridgov_run_details")
        self.setWindowTitle(title)
        self.browser = QTextBrowser(self)
        self.browser.setHtml(html)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        self.resize(640, 420)


def push_result(
    bar: QgsMessageBar, title: str, text: str, level: Qgis.MessageLevel, details_html: str = "", duration: int = 0
):
    """Push ``text`` under ``title``; with ``details_html`` a "Details" button opens the run's log."""
    item = bar.createMessage(title, text)
    if details_html:
        button = QPushButton(tr("Details"), item)
        button.setObjectName("gridgov_details_button")
        holder: list[DetailsDialog] = []  # the dialog lives as long as the message

        def show() -> None:
            if not holder:
                holder.append(DetailsDialog(title, details_html, bar.window()))
            holder[0].show()
            holder[0].raise_()

        button.clicked.connect(show)
        item.layout().addWidget(button)
    bar.pushWidget(item, level, duration)
    return item
