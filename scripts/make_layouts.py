"""Regenerate the print templates in resources/layouts/ (a developer tool; the plugin only loads the files).

Run with the project's virtual environment: ``.venv/bin/python scripts/make_layouts.py``.
The templates are written through QGIS's own layout API, so QGIS opens them in the layout designer
and users can move, restyle or drop items; the plugin finds items by id (``layers/printing/layout.py``).
A3 is A4 scaled by √2, item for item, fonts included.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_HASH_SEED", "0")  # stable XML attribute order, so regenerated templates diff cleanly

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsFillSymbol,
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemMapOverview,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendStyle,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsRectangle,
    QgsScaleBarSettings,
    QgsTextFormat,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QFont

LAYOUTS = Path(__file__).resolve().parent.parent / "resources" / "layouts"
FONT = "Noto Sans CJK SC"
MM = QgsUnitTypes.LayoutUnit.LayoutMillimeters

# A4 boxes in mm: (x, y, width, height); A3 multiplies every number by √2
A4 = {
    "landscape": {
        "title": (8, 5, 281, 11),
        "page_number": (220, 16.5, 69, 5),
        "map": (8, 22, 186, 172),
        "overview": (199, 22, 90, 52),
        "legend": (199, 77, 90, 58),
        "table_title": (199, 137, 90, 5),
        "table": (199, 143, 90, 51),
        "scalebar": (11, 183, 60, 9),
        "north_arrow": (183, 25, 8, 12),
        "source": (8, 196, 220, 9),
        "date": (229, 196, 60, 5),
    },
    "portrait": {
        "title": (8, 5, 194, 11),
        "page_number": (133, 16.5, 69, 5),
        "map": (8, 22, 194, 150),
        "overview": (8, 176, 62, 46),
        "legend": (74, 176, 128, 46),
        "table_title": (8, 225, 194, 5),
        "table": (8, 231, 194, 54),
        "scalebar": (11, 161, 60, 9),
        "north_arrow": (191, 25, 8, 12),
        "source": (8, 287, 140, 8),
        "date": (148, 287, 54, 5),
    },
}
SIZES = {"title": 17, "page_number": 8, "table_title": 9, "source": 6.5, "date": 6.5, "legend_title": 9.5,
         "legend_group": 8, "legend_item": 7.5, "table_header": 7, "table_content": 6.5, "scalebar": 7}  # fmt: skip


def font(size: float, bold: bool = False) -> QFont:
    value = QFont(FONT)
    value.setPointSizeF(size)
    value.setBold(bold)
    return value


def text_format(size: float, bold: bool = False, color: str = "#222222") -> QgsTextFormat:
    fmt = QgsTextFormat()
    fmt.setFont(font(size, bold))
    fmt.setSize(size)
    fmt.setSizeUnit(QgsUnitTypes.RenderUnit.RenderPoints)
    fmt.setColor(QColor(color))
    return fmt


def place(item, box, k: float) -> None:
    x, y, w, h = (v * k for v in box)
    item.attemptMove(QgsLayoutPoint(x, y, MM))
    item.attemptResize(QgsLayoutSize(w, h, MM))


def label(layout, item_id: str, text: str, box, k: float, size: float, bold=False, align=Qt.AlignmentFlag.AlignLeft):
    item = QgsLayoutItemLabel(layout)
    item.setId(item_id)
    item.setText(text)
    if hasattr(item, "setTextFormat"):  # QGIS >= 3.24
        item.setTextFormat(text_format(size * k, bold))
    else:
        item.setFont(font(size * k, bold))
        item.setFontColor(QColor("#222222"))
    item.setHAlign(align)
    item.setVAlign(Qt.AlignmentFlag.AlignVCenter)
    item.setMarginX(0)
    layout.addLayoutItem(item)
    place(item, box, k)
    return item


def start_extent(item: QgsLayoutItemMap, box) -> None:
    """A valid first extent and CRS (the plugin replaces both): a map item without them stores NaN."""
    item.setCrs(QgsCoordinateReferenceSystem("EPSG:4547"))
    width = 5000.0
    item.setExtent(QgsRectangle(500000, 2500000, 500000 + width, 2500000 + width * box[3] / box[2]))


def build(paper: str, orientation: str) -> QgsPrintLayout:
    k = math.sqrt(2) if paper == "A3" else 1.0
    boxes = A4[orientation]
    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    layout.setName(f"网格热点图 Hotspot map {paper} {orientation}")
    page = layout.pageCollection().page(0)
    page.setPageSize(paper, getattr(QgsLayoutItemPage.Orientation, orientation.capitalize()))

    label(layout, "title", "网格热点分布图 Hotspot map", boxes["title"], k, SIZES["title"], bold=True)
    label(layout, "page_number", "第 [% @atlas_featurenumber %] / [% @atlas_totalfeatures %] 页",
          boxes["page_number"], k, SIZES["page_number"], align=Qt.AlignmentFlag.AlignRight)  # fmt: skip

    main = QgsLayoutItemMap(layout)
    main.setId("map")
    main.setFrameEnabled(True)
    main.setFrameStrokeWidth(QgsLayoutMeasurement(0.3, MM))
    layout.addLayoutItem(main)
    place(main, boxes["map"], k)
    start_extent(main, boxes["map"])

    overview = QgsLayoutItemMap(layout)
    overview.setId("overview")
    overview.setFrameEnabled(True)
    overview.setFrameStrokeWidth(QgsLayoutMeasurement(0.25, MM))
    layout.addLayoutItem(overview)
    place(overview, boxes["overview"], k)
    start_extent(overview, boxes["overview"])
    frame = QgsLayoutItemMapOverview("main map extent", overview)
    frame.setLinkedMap(main)
    frame.setFrameSymbol(QgsFillSymbol.createSimple(
        {"color": "0,0,0,0", "outline_color": "20,20,20,255", "outline_width": str(0.5 * k)}
    ))  # fmt: skip
    overview.overviews().addOverview(frame)

    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle("图例 Legend")
    legend.setLinkedMap(main)
    legend.setColumnCount(2)
    legend.setSplitLayer(False)  # a layer's classes stay together under its title
    legend.setSymbolWidth(6 * k)
    legend.setSymbolHeight(3.5 * k)
    legend.setResizeToContents(False)
    for style, size, bold in (
        (QgsLegendStyle.Style.Title, SIZES["legend_title"], True),
        (QgsLegendStyle.Style.Group, SIZES["legend_group"], True),
        (QgsLegendStyle.Style.Subgroup, SIZES["legend_group"], True),
        (QgsLegendStyle.Style.SymbolLabel, SIZES["legend_item"], False),
    ):
        legend_style = legend.style(style)
        if hasattr(legend_style, "setTextFormat"):  # QGIS >= 3.30
            legend_style.setTextFormat(text_format(size * k, bold))
        else:
            legend_style.setFont(font(size * k, bold))
        legend.setStyle(style, legend_style)
    legend.setFrameEnabled(False)
    layout.addLayoutItem(legend)
    place(legend, boxes["legend"], k)

    label(layout, "table_title", "本页重点网格（按件数） Worst grids on this page", boxes["table_title"], k,
          SIZES["table_title"], bold=True)  # fmt: skip
    table = QgsLayoutItemAttributeTable.create(layout)
    layout.addMultiFrame(table)
    table.setHeaderTextFormat(text_format(SIZES["table_header"] * k, bold=True))
    table.setContentTextFormat(text_format(SIZES["table_content"] * k))
    table.setCellMargin(0.8 * k)
    table.setGridStrokeWidth(0.15 * k)
    table.setGridColor(QColor("#9a9a9a"))
    table_frame = QgsLayoutFrame(layout, table)
    table_frame.setId("table")
    place(table_frame, boxes["table"], k)
    table.addFrame(table_frame)

    scalebar = QgsLayoutItemScaleBar(layout)
    scalebar.setId("scalebar")
    scalebar.setStyle("Single Box")
    scalebar.setLinkedMap(main)
    scalebar.setUnits(QgsUnitTypes.DistanceUnit.DistanceMeters)
    scalebar.setUnitLabel("m")
    scalebar.setNumberOfSegments(2)
    scalebar.setNumberOfSegmentsLeft(0)
    scalebar.setUnitsPerSegment(250)
    scalebar.setSegmentSizeMode(QgsScaleBarSettings.SegmentSizeMode.SegmentSizeFitWidth)
    scalebar.setMinimumBarWidth(24 * k)
    scalebar.setMaximumBarWidth(44 * k)
    scalebar.setHeight(1.5 * k)
    scalebar.setTextFormat(text_format(SIZES["scalebar"] * k))
    scalebar.setBackgroundEnabled(True)
    scalebar.setBackgroundColor(QColor(255, 255, 255, 220))
    layout.addLayoutItem(scalebar)
    place(scalebar, boxes["scalebar"], k)

    arrow = QgsLayoutItemPicture(layout)
    arrow.setId("north_arrow")
    arrow.setLinkedMap(main)
    arrow.setNorthMode(QgsLayoutItemPicture.NorthMode.GridNorth)
    layout.addLayoutItem(arrow)
    place(arrow, boxes["north_arrow"], k)

    label(layout, "source", "数据来源 Source", boxes["source"], k, SIZES["source"])
    label(layout, "date", "打印日期 Printed [% format_date(now(), 'yyyy-MM-dd') %]", boxes["date"], k, SIZES["date"],
          align=Qt.AlignmentFlag.AlignRight)  # fmt: skip
    return layout


def main() -> int:
    app = QgsApplication([], False)
    app.initQgis()
    LAYOUTS.mkdir(parents=True, exist_ok=True)
    for paper in ("A4", "A3"):
        for orientation in ("landscape", "portrait"):
            layout = build(paper, orientation)
            layout.saveAsTemplate(str(LAYOUTS / f"hotspot_{paper.lower()}_{orientation}.qpt"), QgsReadWriteContext())
            print("wrote", LAYOUTS / f"hotspot_{paper.lower()}_{orientation}.qpt")
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
