"""A column of buttons that each open one Processing algorithm: shared by the dock's tabs."""

from __future__ import annotations

from collections.abc import Callable

from qgis.PyQt.QtWidgets import QLayout, QPushButton, QWidget

from gridgov.layers.processing.base import tr


def add_algorithm_buttons(
    layout: QLayout,
    parent: QWidget,
    buttons: tuple[tuple[str, str, str], ...],
    open_algorithm: Callable[[str], None],
) -> dict[str, QPushButton]:
    """Add one button per (object name, text, algorithm id); returns them by algorithm id."""
    made: dict[str, QPushButton] = {}
    for object_name, text, algorithm_id in buttons:
        button = QPushButton(tr(text), parent)
        button.setObjectName(object_name)
        button.clicked.connect(lambda _checked=False, a=algorithm_id: open_algorithm(a))
        layout.addWidget(button)
        made[algorithm_id] = button
    return made
