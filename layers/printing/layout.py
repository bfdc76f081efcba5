"""Print layouts for hotspot maps: load a ``.qpt`` template, bind it to the page layers, export.

The templates in ``resources/layouts/`` are ordinary QGIS print layouts (users open and edit them in
the layout designer). Items are found by their id; a user's own template works as long as it keeps
the ids in :data:`ITEM_IDS` (the optional ones may go).
"""

from __future__ import annotations

import functools
import glob
import logging
from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsColorRampLegendNode,
    QgsExpression,
    QgsLayout,
    QgsLayoutExporter,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMultiFrame,
    QgsLayoutObject,
    QgsLayoutTableColumn,
    QgsLayoutUtils,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsMapLayer,
    QgsMapLayerLegendUtils,
    QgsMapLayerType,
    QgsPrintLayout,
    QgsProject,
    QgsProperty,
    QgsReadWriteContext,
    QgsRenderContext,
    QgsTextFormat,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSizeF, Qt
from qgis.PyQt.QtGui import QFont, QFontDatabase
from qgis.PyQt.QtXml import QDomDocument

from gridgov.grid_ops.printing.atlas_pages import ATLAS_MARGIN
from gridgov.grid_ops.printing.pdftext import RADICAL_BLOCKS, fix_pdf_text, kangxi_to_ideograph
from gridgov.grid_ops.runtime.paths import resource_path
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.runtime.translation import tr, tr_noop

LOGGER = logging.getLogger("gridgov")
# text as text in PDFs (QGIS >= 3.22 names it in Qgis, earlier in QgsRenderContext)
ALWAYS_TEXT = (
    Qgis.TextRenderFormat.AlwaysText
    if hasattr(Qgis, "TextRenderFormat")
    else QgsRenderContext.TextRenderFormat.TextFormatAlwaysText
)

#: Built-in templates: key → (file in resources/layouts, label shown to users).
TEMPLATES = {
    "a4_landscape": ("hotspot_a4_landscape.qpt", "A4 横向 landscape"),
    "a4_portrait": ("hotspot_a4_portrait.qpt", "A4 纵向 portrait"),
    "a3_landscape": ("hotspot_a3_landscape.qpt", "A3 横向 landscape"),
    "a3_portrait": ("hotspot_a3_portrait.qpt", "A3 纵向 portrait"),
}
#: Built-in templates of the assessment page (考评图), by the keys of TEMPLATES.
ASSESSMENT_TEMPLATES = {key: (f"assessment_{key}.qpt", label) for key, (_file, label) in TEMPLATES.items()}
#: Item ids a template must have, and those it may leave out.
ITEM_IDS = ("map", "title", "legend")
OPTIONAL_IDS = ("overview", "scalebar", "north_arrow", "table", "table_title", "date", "source", "page_number")
#: CJK fonts in order of preference; the first one installed is used everywhere on the page.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans SC",
)
#: Table columns: (field of the page-grid layer, heading).
TABLE_COLUMNS = (
    ("page_rank", "序号"),
    (GRID_CODE, "网格编码"),
    ("community", "社区"),
    ("manager", "网格员"),
    ("count", "件数"),
    ("change", "环比"),
    ("trend", "趋势"),
)
#: The assessment page's table: (field of the units layer, heading); the lowest-ranked row highlighted.
ASSESSMENT_COLUMNS = (
    ("rank_txt", tr_noop("排名")),
    ("unit_name", tr_noop("单位")),
    ("score_txt", tr_noop("得分")),
    ("resp_txt", tr_noop("响应率")),
    ("resol_txt", tr_noop("解决率")),
    ("satis_txt", tr_noop("满意率")),
    ("ontime_txt", tr_noop("按期办结率")),
    ("n_orders", tr_noop("件数")),
)
LOWEST_BACKGROUND, LOWEST_TEXT = "#f6c9c9", "#9e0000"


def template_path(key: str, page: str = "hotspot") -> Path:
    """The file of a built-in template of a hotspot page, or of the assessment page."""
    templates = ASSESSMENT_TEMPLATES if page == "assessment" else TEMPLATES
    return resource_path("layouts", templates[key][0])


def cjk_font_family(candidates: tuple[str, ...] = CJK_FAMILIES) -> str:
    """The first installed CJK font family; the application's default font when none is.

    Without a CJK font Qt still draws Chinese through its own fallback where the system has one, so
    the map prints; a warning tells the user which package to install (fonts-noto-cjk on Debian).
    """
    installed = set(QFontDatabase().families())
    for family in candidates:
        if family in installed:
            return family
    fallback = QFont().defaultFamily()
    LOGGER.warning(
        "None of the CJK fonts %s is installed; Chinese text falls back to %s. Install Noto Sans CJK "
        "(Debian/Ubuntu: fonts-noto-cjk) for print-quality Chinese.",
        ", ".join(candidates[:3]),
        fallback,
    )
    return fallback


def load_template(path: str | Path, project: QgsProject) -> QgsPrintLayout:
    """A print layout read from a ``.qpt`` file; raises ValueError naming what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"layout template {path} does not exist")
    document = QDomDocument()
    ok = document.setContent(path.read_text(encoding="utf-8"))
    if not (ok[0] if isinstance(ok, tuple) else ok):
        raise ValueError(f"layout template {path} is not valid XML")
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    _items, ok = layout.loadFromTemplate(document, QgsReadWriteContext())
    if not ok:
        raise ValueError(f"QGIS could not read the layout template {path}")
    missing = [i for i in ITEM_IDS if layout.itemById(i) is None]
    if missing:
        raise ValueError(f"layout template {path} lacks the item(s) {', '.join(missing)} (ids in the item properties)")
    return layout


def print_font(font: QFont, family: str) -> QFont:
    """``font`` in ``family``, laid out without optional OpenType substitutions.

    Noto Sans CJK swaps in alternate digits after Latin letters ("EPSG:4547", "99% confidence") and
    ligatures ("fi"); those glyphs have no code point, so the PDF's text layer would lose them and a
    search for the number would fail. Plain shaping keeps every glyph mapped to its character.
    """
    font = QFont(font)
    font.setFamily(family)
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return font


def set_text_font(item, family: str) -> None:
    """Put every text of a layout item in ``family``, keeping sizes and weights."""

    def refamily(font: QFont) -> QFont:
        return print_font(font, family)

    def reformat(fmt: QgsTextFormat) -> QgsTextFormat:
        fmt = QgsTextFormat(fmt)
        fmt.setFont(refamily(fmt.font()))
        return fmt

    if isinstance(item, QgsLayoutItemLabel):
        if hasattr(item, "setTextFormat"):  # QGIS >= 3.24
            item.setTextFormat(reformat(item.textFormat()))
        else:
            item.setFont(refamily(item.font()))
    elif isinstance(item, QgsLayoutItemScaleBar):
        item.setTextFormat(reformat(item.textFormat()))
    elif isinstance(item, QgsLayoutItemLegend):
        restyle_legend_text(item, family=family)
    elif isinstance(item, QgsLayoutItemAttributeTable):
        item.setHeaderTextFormat(reformat(item.headerTextFormat()))
        item.setContentTextFormat(reformat(item.contentTextFormat()))


LEGEND_TEXT_STYLES = (
    QgsLegendStyle.Style.Title,
    QgsLegendStyle.Style.Group,
    QgsLegendStyle.Style.Subgroup,
    QgsLegendStyle.Style.SymbolLabel,
)


def restyle_legend_text(
    legend: QgsLayoutItemLegend, family: str | None = None, scale: float = 1.0, margin_scale: float = 1.0
) -> None:
    """Every text style of a legend in ``family`` (when given), its size times ``scale`` and its top
    margin times ``margin_scale`` (legend styles hold a QgsTextFormat from QGIS 3.30, a QFont before)."""
    for style in LEGEND_TEXT_STYLES:
        legend_style = legend.style(style)
        if hasattr(legend_style, "setTextFormat"):  # QGIS >= 3.30
            fmt = QgsTextFormat(legend_style.textFormat())
            if family:
                fmt.setFont(print_font(fmt.font(), family))
            fmt.setSize(fmt.size() * scale)
            legend_style.setTextFormat(fmt)
        else:
            font = print_font(legend_style.font(), family) if family else QFont(legend_style.font())
            font.setPointSizeF(font.pointSizeF() * scale)
            legend_style.setFont(font)
        legend_style.setMargin(QgsLegendStyle.Side.Top, legend_style.margin(QgsLegendStyle.Side.Top) * margin_scale)
        legend.setStyle(style, legend_style)


def apply_font(layout: QgsLayout, family: str) -> None:
    """One font family for every text item and table of the layout."""
    for item in layout.items():
        if hasattr(item, "uuid"):
            set_text_font(item, family)
    for frame in layout.multiFrames():
        set_text_font(frame, family)


def item(layout: QgsLayout, item_id: str):
    """The layout item with that id, or None (multi-frame tables are found through their frame)."""
    found = layout.itemById(item_id)
    if found is None:
        return None
    multi = getattr(found, "multiFrame", None)
    return multi() if callable(multi) and multi() is not None else found


@dataclass
class PageLayers:
    """The layers one printed hotspot page draws, top to bottom."""

    coverage: QgsVectorLayer | None  # atlas units (None: one page of everything)
    grids: QgsVectorLayer  # grids of the pages, coloured by class; their worst ones numbered
    context: QgsVectorLayer  # every grid, as faint outlines (no legend entry)
    hot_areas: QgsVectorLayer | None = None
    dedicated: QgsVectorLayer | None = None
    heatmap: QgsMapLayer | None = None
    overview_base: QgsVectorLayer | None = None  # what the inset shows (the units; else the grids)

    def main_map(self) -> list[QgsMapLayer]:
        layers = [self.coverage, self.hot_areas, self.dedicated, self.grids, self.context, self.heatmap]
        return [layer for layer in layers if layer is not None]

    def legend(self) -> list[QgsMapLayer]:
        layers = [self.hot_areas, self.dedicated, self.grids, self.heatmap]
        return [layer for layer in layers if layer is not None]


def bind(layout: QgsPrintLayout, layers: PageLayers, texts: dict[str, str], table_rows: int, family: str) -> None:
    """Point the template's items at the page layers and fill in the texts.

    ``texts`` has ``title`` (an expression-enabled label text, e.g. ``[% "title" %]`` for the atlas),
    ``source`` and ``table_title``; ``family`` is the font of every text (:func:`cjk_font_family`).
    The legend lists only what is drawn on the page (QGIS's "filter legend by map content"); the table
    lists the page's worst grids in the order of their numbers.
    """
    atlas_on = layers.coverage is not None
    main = layout.itemById("map")
    main.setLayers(layers.main_map())
    main.setKeepLayerSet(True)
    main.setCrs(layers.grids.crs())
    if atlas_on:
        main.setAtlasDriven(True)
        main.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
        main.setAtlasMargin(ATLAS_MARGIN)
        if layers.coverage.fields().indexOf("atlas_margin") >= 0:  # small units get more surroundings
            main.dataDefinedProperties().setProperty(
                QgsLayoutObject.DataDefinedProperty.MapAtlasMargin, QgsProperty.fromField("atlas_margin")
            )
    else:
        extent = layers.grids.extent()
        extent.scale(1.04)
        main.zoomToExtent(extent)
    overview = layout.itemById("overview")
    if isinstance(overview, QgsLayoutItemMap):
        base = layers.overview_base or layers.context
        overview.setLayers([base, layers.context] if base is not layers.context else [base])
        overview.setKeepLayerSet(True)
        overview.setCrs(layers.grids.crs())
        extent = base.extent()
        extent.scale(1.08)
        overview.zoomToExtent(extent)
        for index in range(overview.overviews().size()):
            overview.overviews().overview(index).setLinkedMap(main)
    _bind_texts(layout, texts)
    legend = layout.itemById("legend")
    if isinstance(legend, QgsLayoutItemLegend):
        _bind_legend(legend, main, layers.legend())
    _bind_scale_and_north(layout, main)
    table = item(layout, "table")
    if isinstance(table, QgsLayoutItemAttributeTable):
        _bind_table(table, layers.grids, atlas_on, table_rows)
    if atlas_on:
        atlas = layout.atlas()
        atlas.setCoverageLayer(layers.coverage)
        atlas.setEnabled(True)
        atlas.setHideCoverage(False)
        atlas.setPageNameExpression('"page_key"')
        atlas.setSortFeatures(True)
        atlas.setSortExpression('"page_no"')
        atlas.setSortAscending(True)
        atlas.setFilenameExpression('"file_stem"')
    apply_font(layout, family)
    if isinstance(table, QgsLayoutItemAttributeTable):  # measured full: every page's rows must fit
        page_filter = table.featureFilter()
        table.setFeatureFilter('"page_rank" > 0')
        fit_table(table)
        table.setFeatureFilter(page_filter)
        table.refreshAttributes()


def bind_assessment(
    layout: QgsPrintLayout,
    units: QgsVectorLayer,
    lowest: QgsVectorLayer | None,
    texts: dict[str, str],
    table_rows: int,
    family: str,
) -> None:
    """Point a template at the assessment page's layers (``page_layers.assessment_layers``): one page of
    every unit, the table listing the rows ``table_row`` numbers, the lowest-ranked row highlighted.
    ``texts`` as for :func:`bind`."""
    drawn = [layer for layer in (lowest, units) if layer is not None]
    main = layout.itemById("map")
    main.setLayers(drawn)
    main.setKeepLayerSet(True)
    main.setCrs(units.crs())
    extent = units.extent()
    extent.scale(1.06)
    main.zoomToExtent(extent)
    overview = layout.itemById("overview")
    if isinstance(overview, QgsLayoutItemMap):  # a user's template may keep one: the same whole district
        overview.setLayers([units])
        overview.setKeepLayerSet(True)
        overview.setCrs(units.crs())
        overview.zoomToExtent(extent)
    _bind_texts(layout, texts)
    number = layout.itemById("page_number")
    if isinstance(number, QgsLayoutItemLabel):
        number.setText("")
    legend = layout.itemById("legend")
    if isinstance(legend, QgsLayoutItemLegend):
        _bind_legend(legend, main, drawn[::-1])
    _bind_scale_and_north(layout, main)
    table = item(layout, "table")
    if isinstance(table, QgsLayoutItemAttributeTable):
        _bind_assessment_table(table, units, table_rows)
    apply_font(layout, family)
    if isinstance(table, QgsLayoutItemAttributeTable):
        fit_table(table)


def _bind_assessment_table(table: QgsLayoutItemAttributeTable, units: QgsVectorLayer, rows: int) -> None:
    from qgis.core import QgsConditionalStyle
    from qgis.PyQt.QtGui import QColor

    highlight = QgsConditionalStyle('"lowest"')
    highlight.setBackgroundColor(QColor(LOWEST_BACKGROUND))
    highlight.setTextColor(QColor(LOWEST_TEXT))
    units.conditionalStyles().setRowStyles([highlight])
    table.setSource(QgsLayoutItemAttributeTable.ContentSource.LayerAttributes)
    table.setVectorLayer(units)
    columns = []
    for field, heading in ASSESSMENT_COLUMNS:
        column = QgsLayoutTableColumn(tr(heading))
        column.setAttribute(field)
        left = field == "unit_name"
        column.setHAlignment(Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignHCenter)
        columns.append(column)
    table.setColumns(columns)
    sort = QgsLayoutTableColumn()
    sort.setAttribute("table_row")
    sort.setSortOrder(Qt.SortOrder.AscendingOrder)
    table.setSortColumns([sort])
    table.setFilterFeatures(True)
    table.setFeatureFilter('"table_row" > 0')
    table.setMaximumNumberOfFeatures(rows)
    table.setUseConditionalStyling(True)
    table.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
    table.setEmptyTableBehavior(QgsLayoutItemAttributeTable.EmptyTableMode.ShowMessage)
    table.setEmptyTableMessage(tr("无考评单位 No unit assessed"))
    table.refresh()


def _bind_texts(layout: QgsLayout, texts: dict[str, str]) -> None:
    for item_id in ("title", "source", "table_title"):
        label = layout.itemById(item_id)
        if isinstance(label, QgsLayoutItemLabel) and item_id in texts:
            label.setText(texts[item_id])


def _bind_scale_and_north(layout: QgsLayout, main: QgsLayoutItemMap) -> None:
    scalebar = layout.itemById("scalebar")
    if isinstance(scalebar, QgsLayoutItemScaleBar):
        scalebar.setLinkedMap(main)
    arrow = layout.itemById("north_arrow")
    if isinstance(arrow, QgsLayoutItemPicture):
        arrow.setPicturePath(str(resource_path("icons", "north_arrow.svg")))
        arrow.setLinkedMap(main)


def fit_table(table: QgsLayoutItemAttributeTable, smallest: float = 5.0) -> None:
    """Shrink the table's text until every row fits its frame and every column its width: a cut-off
    row is a lost grid, a cut-off column a lost figure."""
    frames = [table.frame(i) for i in range(table.frameCount())]
    room = sum(frame.rect().height() for frame in frames)
    width = min(frame.rect().width() for frame in frames)
    table.refreshAttributes()
    while table.totalHeight() > room or table.totalWidth() > width + 0.01:
        header, content = QgsTextFormat(table.headerTextFormat()), QgsTextFormat(table.contentTextFormat())
        if content.size() <= smallest:
            LOGGER.warning("the table does not fit its frame even at %s pt: enlarge it in the template", smallest)
            return
        header.setSize(max(smallest, header.size() - 0.5))
        content.setSize(max(smallest, content.size() - 0.5))
        table.setHeaderTextFormat(header)
        table.setContentTextFormat(content)
        table.setCellMargin(max(0.4, table.cellMargin() * 0.85))
        table.refreshAttributes()


def _bind_legend(legend: QgsLayoutItemLegend, main: QgsLayoutItemMap, layers: list[QgsMapLayer]) -> None:
    legend.setAutoUpdateModel(False)
    legend.setLinkedMap(main)
    root = legend.model().rootGroup()  # the legend's own tree once auto-update is off (it owns it)
    root.removeAllChildren()
    for layer in layers:
        node = root.addLayer(layer)
        if layer.type() == QgsMapLayerType.RasterLayer:  # the colour ramp only, not the band's name above it
            nodes = legend.model().layerLegendNodes(node)
            ramps = [i for i, n in enumerate(nodes) if isinstance(n, QgsColorRampLegendNode)]
            if ramps:
                QgsMapLayerLegendUtils.setLegendNodeOrder(node, ramps)
                QgsMapLayerLegendUtils.setLegendNodeSymbolSize(node, ramps[0], QSizeF(4 * legend.symbolWidth(), 0))
                legend.model().refreshLayerLegend(node)
    fit_legend(legend)
    legend.setLegendFilterByMapEnabled(True)
    legend.refresh()


def fit_legend(legend: QgsLayoutItemLegend, smallest: float = 6.0) -> None:
    """Shrink the legend's text and swatches until its fullest version (every class of every layer)
    fits the template's box, so no page's legend runs into the table below it."""
    box = legend.sizeWithUnits()
    legend.setLegendFilterByMapEnabled(False)  # measured with everything in it
    for _ in range(12):
        context = QgsLayoutUtils.createRenderContextForLayout(legend.layout(), None)
        size = QgsLegendRenderer(legend.model(), legend.legendSettings()).minimumSize(context)
        if size.height() <= box.height() + 0.01 and size.width() <= box.width() + 0.01:
            break
        label = legend.style(QgsLegendStyle.Style.SymbolLabel)
        current = label.textFormat().size() if hasattr(label, "textFormat") else label.font().pointSizeF()
        if current <= smallest:
            LOGGER.warning("the legend does not fit its box even at %s pt: enlarge it in the template", smallest)
            break
        restyle_legend_text(legend, scale=0.92, margin_scale=0.85)
        legend.setSymbolHeight(legend.symbolHeight() * 0.92)
        legend.setSymbolWidth(legend.symbolWidth() * 0.92)
    legend.setResizeToContents(False)
    legend.attemptResize(box)


def _bind_table(table: QgsLayoutItemAttributeTable, grids: QgsVectorLayer, atlas_on: bool, rows: int) -> None:
    table.setSource(QgsLayoutItemAttributeTable.ContentSource.LayerAttributes)
    table.setVectorLayer(grids)
    columns = []
    for field, heading in TABLE_COLUMNS:
        column = QgsLayoutTableColumn(tr(heading))
        column.setAttribute(field)
        align = (
            Qt.AlignmentFlag.AlignLeft
            if field in (GRID_CODE, "community", "manager")
            else Qt.AlignmentFlag.AlignHCenter
        )
        column.setHAlignment(align)
        columns.append(column)
    table.setColumns(columns)
    sort = QgsLayoutTableColumn()
    sort.setAttribute("page_rank")
    sort.setSortOrder(Qt.SortOrder.AscendingOrder)
    table.setSortColumns([sort])
    page = "\"page_key\" = attribute(@atlas_feature, 'page_key') AND " if atlas_on else ""
    table.setFilterFeatures(True)
    table.setFeatureFilter(f'{page}"page_rank" > 0')
    table.setMaximumNumberOfFeatures(rows)
    table.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
    table.setEmptyTableBehavior(QgsLayoutItemAttributeTable.EmptyTableMode.ShowMessage)
    table.setEmptyTableMessage(tr("本页无工单 No cases on this page"))
    table.refresh()


def export_pdf(layout: QgsPrintLayout, path: str | Path, family: str, feedback=None) -> Path:
    """One PDF: one page per atlas unit (in the atlas order), or the single page; its text in ``family``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = 300
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = False
    settings.appendGeoreference = True
    settings.simplifyGeometries = True
    settings.textRenderFormat = ALWAYS_TEXT  # real text, not outlines: titles and grid codes can be searched and copied
    if layout.atlas().enabled():
        result, error = QgsLayoutExporter.exportToPdf(layout.atlas(), str(path), settings, feedback)
    else:
        result, error = QgsLayoutExporter(layout).exportToPdf(str(path), settings), ""
    if result != QgsLayoutExporter.ExportResult.Success:
        raise RuntimeError(f"could not write {path}: {error or result}")
    fixed = fix_pdf_text(path, radical_map(family))
    LOGGER.debug("%s: %d radical code points in the text layer mapped to their ideographs", path.name, fixed)
    return path


@functools.lru_cache(maxsize=4)
def radical_map(family: str) -> dict[int, int]:
    """Radical → ideograph for every radical that ``family`` draws with an ideograph's glyph."""
    from qgis.PyQt.QtGui import QRawFont

    mapping = kangxi_to_ideograph()
    raw = QRawFont.fromFont(QFont(family))
    if not raw.isValid():
        return mapping
    ideographs = "".join(chr(code) for code in range(0x4E00, 0xA000))
    first: dict[int, int] = {}
    for char, glyph in zip(ideographs, raw.glyphIndexesForString(ideographs)):
        if glyph:
            first.setdefault(glyph, ord(char))
    for low, high in RADICAL_BLOCKS:
        radicals = "".join(chr(code) for code in range(low, high + 1))
        for char, glyph in zip(radicals, raw.glyphIndexesForString(radicals)):
            if glyph in first and ord(char) not in mapping:
                mapping[ord(char)] = first[glyph]
    return mapping


def export_pngs(layout: QgsPrintLayout, path: str | Path, dpi: int = 150, feedback=None) -> list[Path]:
    """One PNG per atlas unit, named ``<stem>_<page no>_<code>_<name>.png`` beside ``path``; or ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = dpi
    atlas = layout.atlas()
    if not atlas.enabled():
        result = QgsLayoutExporter(layout).exportToImage(str(path), settings)
        if result != QgsLayoutExporter.ExportResult.Success:
            raise RuntimeError(f"could not write {path}: {result}")
        return [path]
    atlas.setFilenameExpression(f'{QgsExpression.quotedString(path.stem + "_")} || "file_stem"')
    base = str(path.parent / "page.png")
    result, error = QgsLayoutExporter.exportToImage(atlas, base, "png", settings, feedback)
    if result != QgsLayoutExporter.ExportResult.Success:
        raise RuntimeError(f"could not write the pages beside {path}: {error or result}")
    return sorted(path.parent.glob(f"{glob.escape(path.stem)}_*.png"))
