"""Dock tabs that are a short note and one button per Processing algorithm (工单, 分析, 巡查, 出图).

Each button opens the algorithm's own dialog, so the dock and the toolbox run the same code.
"""

from __future__ import annotations

from collections.abc import Callable

from qgis.PyQt.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from gridgov.layers.processing.base import tr
from gridgov.ui.algorithm_buttons import add_algorithm_buttons

#: tab object name → (note, ((button object name, text, algorithm id), ...))
STEP_BUTTONS = {
    "tab_orders": (
        "Place 12345 orders, internet clues and inspection reports in the grid responsible for them "
        "(any coordinate system, or only an address), write the dispatch table, and find repeats.",
        (
            ("btn_geolocate", "工单落格 Geolocate orders to grids…", "gridgov:geolocate"),
            ("btn_convertcoords", "坐标转换 Convert coordinates…", "gridgov:convertcoords"),
            ("btn_findrepeats", "重复工单 Find repeat orders…", "gridgov:findrepeats"),
        ),
    ),
    "tab_analysis": (
        "Where and when class cases concentrate: heatmaps (e.g. noise at night), counts and change per grid, "
        "and statistically significant hot spots.",
        (
            ("btn_classify", "类案分类 Classify orders…", "gridgov:classify"),
            ("btn_heatmap", "热力图 Heatmap of class cases…", "gridgov:heatmap"),
            ("btn_gridstats", "网格统计 Grid statistics…", "gridgov:gridstats"),
            ("btn_hotspots", "热点分析 Hot spots (Gi*)…", "gridgov:hotspots"),
            ("btn_emerginghotspots", "热点趋势 Emerging hot spots…", "gridgov:emerginghotspots"),
            ("btn_timeprofile", "时段分布 When: hour × weekday…", "gridgov:timeprofile"),
        ),
    ),
    "tab_patrol": (
        "Turn hot spots into action: merge hot grids into ranked hot areas (the governance list), then plan "
        "each street office's patrol teams through its hot places in their hours.",
        (
            ("btn_hotareas", "热区清单 Hot areas and governance list…", "gridgov:hotareas"),
            ("btn_patrolplan", "巡查计划 Patrol plan…", "gridgov:patrolplan"),
        ),
    ),
    "tab_print": (
        "Print hotspot maps for the weekly review and the monthly topic meeting: one page per street office, "
        "community or hot area, most urgent first, every page on one colour scale, with a table of its worst "
        "grids (A4 / A3 templates you can edit in the layout designer).",
        (("btn_printmap", "热点图出图 Print hotspot maps…", "gridgov:printmap"),),
    ),
}


class StepPanel(QWidget):
    """A note and the algorithm buttons of one step; ``buttons`` maps algorithm id → button."""

    def __init__(self, step: str, open_algorithm: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        note_text, buttons = STEP_BUTTONS[step]
        self.setObjectName(f"gridgov_{step}_panel")
        layout = QVBoxLayout(self)
        note = QLabel(tr(note_text), self)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons: dict[str, QPushButton] = add_algorithm_buttons(layout, self, buttons, open_algorithm)
        layout.addStretch(1)
