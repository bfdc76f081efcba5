"""Regenerate the print templates in resources/layouts/ (a developer tool; the plugin only loads the files).

Run with the project's virtual environment: ``.venv/bin/python scripts/make_layouts.py [hotspot] [assessment]``
(both kinds without arguments).
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
# the assessment page (考评图): one map of the units, a legend and a large ranking table; no inset
ASSESSMENT = {
    "landscape": {
        "title": (8, 5, 281, 11),
        "map": (8, 22, 160, 172),
        "legend": (173, 22, 116, 56),
        "table_title": (173, 81, 116, 6),
        "table": (173, 88, 116, 106),
        "scalebar": (11, 183, 60, 9),
        "north_arrow": (157, 25, 8, 12),
        "source": (8, 196, 220, 9),
        "date": (229, 196, 60, 5),
    },
    "portrait": {
        "title": (8, 5, 194, 11),
        "map": (8, 22, 194, 150),
        "legend": (8, 176, 58, 60),
        "table_title": (70, 176, 132, 6),
        "table": (70, 183, 132, 101),
        "scalebar": (11, 161, 60, 9),
        "north_arrow": (191, 25, 8, 12),
        "source": (8, 287, 140, 8),
        "date": (148, 287, 54, 5),
    },
}
SIZES = {"title": 17, "page_number": 8, "table_title": 9, "source": 6.5, "date": 6.5, "legend_title": 9.5,
         "legend_group": 8, "legend_item": 7.5, "table_header": 7, "table_content": 6.5, "scalebar": 7}  # fmt: skip
#: The assessment page's table has room for larger text (``fit_table`` shrinks it for many units).
ASSESSMENT_SIZES = {**SIZES, "table_title": 10, "table_header": 9, "table_content": 8.5}


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


def add_overview(layout, main: QgsLayoutItemMap, box, k: float) -> None:
    """The inset: the whole district with the main map's extent drawn on it."""
    overview = QgsLayoutItemMap(layout)
    overview.setId("overview")
    overview.setFrameEnabled(True)
    overview.setFrameStrokeWidth(QgsLayoutMeasurement(0.25, MM))
    layout.addLayoutItem(overview)
    place(overview, box, k)
    start_extent(overview, box)
    frame = QgsLayoutItemMapOverview("main map extent", overview)
    frame.setLinkedMap(main)
    frame.setFrameSymbol(QgsFillSymbol.createSimple(
        {"color": "0,0,0,0", "outline_color": "20,20,20,255", "outline_width": str(0.5 * k)}
    ))  # fmt: skip
    overview.overviews().addOverview(frame)


def build(paper: str, orientation: str, kind: str = "hotspot") -> QgsPrintLayout:
    """The hotspot atlas page, or (``kind`` "assessment") the one page of the units' assessment."""
    k = math.sqrt(2) if paper == "A3" else 1.0
    assessment = kind == "assessment"
    boxes = (ASSESSMENT if assessment else A4)[orientation]
    sizes = ASSESSMENT_SIZES if assessment else SIZES
    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    name = "责任单位考评图 Assessment map" if assessment else "网格热点图 Hotspot map"
    layout.setName(f"{name} {paper} {orientation}")
    page = layout.pageCollection().page(0)
    page.setPageSize(paper, getattr(QgsLayoutItemPage.Orientation, orientation.capitalize()))

    title = "责任单位考评 Assessment of units" if assessment else "网格热点分布图 Hotspot map"
    label(layout, "title", title, boxes["title"], k, sizes["title"], bold=True)
    if "page_number" in boxes:
        label(layout, "page_number", "第 [% @atlas_featurenumber %] / [% @atlas_totalfeatures %] 页",
              boxes["page_number"], k, sizes["page_number"], align=Qt.AlignmentFlag.AlignRight)  # fmt: skip

    main = QgsLayoutItemMap(layout)
    main.setId("map")
    main.setFrameEnabled(True)
    main.setFrameStrokeWidth(QgsLayoutMeasurement(0.3, MM))
    layout.addLayoutItem(main)
    place(main, boxes["map"], k)
    start_extent(main, boxes["map"])

    if "overview" in boxes:
        add_overview(layout, main, boxes["overview"], k)

    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle("图例 Legend")
    legend.setLinkedMap(main)
    legend.setColumnCount(1 if assessment else 2)
    legend.setSplitLayer(False)  # a layer's classes stay together under its title
    legend.setSymbolWidth(6 * k)
    legend.setSymbolHeight(3.5 * k)
    legend.setResizeToContents(False)
    for style, size, bold in (
        (QgsLegendStyle.Style.Title, sizes["legend_title"], True),
        (QgsLegendStyle.Style.Group, sizes["legend_group"], True),
        (QgsLegendStyle.Style.Subgroup, sizes["legend_group"], True),
        (QgsLegendStyle.Style.SymbolLabel, sizes["legend_item"], False),
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

    table_title = "考评排名 Ranking of units" if assessment else "本页重点网格（按件数） Worst grids on this page"
    label(layout, "table_title", table_title, boxes["table_title"], k, sizes["table_title"], bold=True)
    table = QgsLayoutItemAttributeTable.create(layout)
    layout.addMultiFrame(table)
    table.setHeaderTextFormat(text_format(sizes["table_header"] * k, bold=True))
    table.setContentTextFormat(text_format(sizes["table_content"] * k))
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
    scalebar.setTextFormat(text_format(sizes["scalebar"] * k))
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

    label(layout, "source", "数据来源 Source", boxes["source"], k, sizes["source"])
    label(layout, "date", "打印日期 Printed [% format_date(now(), 'yyyy-MM-dd') %]", boxes["date"], k, sizes["date"],
          align=Qt.AlignmentFlag.AlignRight)  # fmt: skip
    return layout


def main() -> int:
    app = QgsApplication([], False)
    app.initQgis()
    LAYOUTS.mkdir(parents=True, exist_ok=True)
    kinds = sys.argv[1:] or ["hotspot", "assessment"]  # e.g. `make_layouts.py assessment`: only those
    for kind in kinds:
        for paper in ("A4", "A3"):
            for orientation in ("landscape", "portrait"):
                layout = build(paper, orientation, kind)
                path = LAYOUTS / f"{kind}_{paper.lower()}_{orientation}.qpt"
                layout.saveAsTemplate(str(path), QgsReadWriteContext())
                print("wrote", path)
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
