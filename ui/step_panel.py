"""One dock tab: what the step is for, then each of its algorithms as a form with a run button.

The algorithms sit in a tool box (one open at a time) so a narrow dock still shows a whole form.
"""

from __future__ import annotations

from collections.abc import Callable

from qgis.PyQt.QtWidgets import QLabel, QToolBox, QVBoxLayout, QWidget

from gridgov.layers.runtime.translation import tr
from gridgov.ui.algorithm_page import AlgorithmPage
from gridgov.ui.steps import STEPS_BY_NAME


class StepPanel(QWidget):
    """A step's note and its algorithm pages; ``pages`` maps algorithm id → :class:`AlgorithmPage`."""

    def __init__(
        self, step: str, iface=None, open_algorithm: Callable[[str], None] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.step = STEPS_BY_NAME[step]
        self.setObjectName(f"gridgov_{step}_panel")
        self.main_layout = QVBoxLayout(self)
        note = QLabel(tr(self.step.note), self)
        note.setWordWrap(True)
        self.main_layout.addWidget(note)
        self.toolbox = QToolBox(self)
        self.toolbox.setObjectName("algorithms")
        self.pages: dict[str, AlgorithmPage] = {}
        for algorithm_id in self.step.algorithms:
            page = AlgorithmPage(algorithm_id, tr(self.step.results_group), iface, open_algorithm, self.toolbox)
            self.toolbox.addItem(page, page.form.algorithm.icon(), page.display_name)
            self.pages[algorithm_id] = page
        self.main_layout.addWidget(self.toolbox, 1)

    def show_algorithm(self, algorithm_id: str) -> AlgorithmPage:
        """Open ``algorithm_id``'s page in the tool box and return it."""
        page = self.pages[algorithm_id]
        self.toolbox.setCurrentWidget(page)
        return page

    def restore(self) -> None:
        """Put back each form's settings from the project (after a project is opened)."""
        for page in self.pages.values():
            page.form.restore()
