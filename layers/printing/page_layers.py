"""The layers a printed hotspot page draws, built from engine frames and styled for paper.

Grids of the current atlas page are coloured (Gi* bins, or one graduated scale computed over the
whole district, so every page uses the same colours); grids of other pages stay as faint outlines;
everything outside the current unit is veiled. The numbers on the map are the rows of the page's table.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsClassificationQuantile,
    QgsFillSymbol,
    QgsGraduatedSymbolRenderer,
    QgsPalLayerSettings,
    QgsRuleBasedRenderer,
    QgsSingleSymbolRenderer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QFont

from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.io.convert import fields_for, write_to_sink
from gridgov.layers.runtime.translation import tr
from gridgov.layers.styling.layer_styles import apply_style

#: The current atlas page's rows (rules and the table use it).
ON_PAGE = "\"page_key\" = attribute(@atlas_feature, 'page_key')"


#: Gi* bin → the printed legend's label (confidence of a hot or cold spot).
GI_BIN_LABELS = {
    3: "热点 99% 置信",
    2: "热点 95% 置信",
    1: "热点 90% 置信",
    0: "不显著",
    -1: "冷点 90% 置信",
    -2: "冷点 95% 置信",
    -3: "冷点 99% 置信",
}


def _as_int(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def memory_layer(frame: gpd.GeoDataFrame, name: str, crs_authid_or_wkt: str) -> QgsVectorLayer:
    """A memory layer holding every row of ``frame`` (multi-polygons)."""
    layer = QgsVectorLayer(f"MultiPolygon?crs={crs_authid_or_wkt}", name, "memory")
    if not layer.isValid():
        raise RuntimeError(f"could not create the memory layer {name} ({crs_authid_or_wkt})")
    fields = fields_for(frame)
    provider = layer.dataProvider()
    provider.addAttributes(fields.toList())
    layer.updateFields()
    write_to_sink(frame, provider, layer.fields())
    layer.updateExtents()
    return layer


def text_format(family: str, size: float, color: str = "#222222", bold: bool = False) -> QgsTextFormat:
    from gridgov.layers.printing.layout import print_font

    fmt = QgsTextFormat()
    font = print_font(QFont(family), family)
    font.setBold(bold)
    fmt.setFont(font)
    fmt.setSize(size)
    fmt.setColor(QColor(color))
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(True)
    buffer.setSize(0.8)
    buffer.setColor(QColor("white"))
    fmt.setBuffer(buffer)
    return fmt


def label_layer(
    layer: QgsVectorLayer,
    expression: str,
    fmt: QgsTextFormat,
    placement=QgsPalLayerSettings.Placement.OverPoint,
    display_all: bool = True,
) -> None:
    settings = QgsPalLayerSettings()
    settings.fieldName = expression
    settings.isExpression = True
    settings.setFormat(fmt)
    settings.placement = placement
    settings.displayAll = display_all
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def style_page_grids(layer: QgsVectorLayer, field: str, atlas_on: bool, family: str) -> None:
    """Gi* bins with the hot-spot style, any other field in five quantile classes of the whole layer;
    as rules limited to the current page, so the legend lists only the classes on it."""
    if field == "gi_bin":
        apply_style(layer, "hotspots")
        renderer = layer.renderer()
        if isinstance(renderer, QgsCategorizedSymbolRenderer):
            present = {_as_int(v) for v in layer.uniqueValues(layer.fields().indexOf(field))}
            for index in reversed(range(len(renderer.categories()))):
                value = _as_int(renderer.categories()[index].value())
                if value not in present:  # on no page: it would only crowd the legend's fitting
                    renderer.deleteCategory(index)
                elif value in GI_BIN_LABELS:  # short labels: two legend columns fit
                    renderer.updateCategoryLabel(index, GI_BIN_LABELS[value])
    else:
        renderer = QgsGraduatedSymbolRenderer(field)
        renderer.setClassificationMethod(QgsClassificationQuantile())
        renderer.updateClasses(layer, 5)
        from qgis.core import QgsGradientColorRamp

        renderer.updateColorRamp(QgsGradientColorRamp(QColor("#fff3b0"), QColor("#b2182b")))
    rules = QgsRuleBasedRenderer.convertFromRenderer(renderer) if renderer is not None else None
    if rules is None:
        return
    if atlas_on:
        for rule in rules.rootRule().children():
            base = rule.filterExpression()
            rule.setFilterExpression(f"({ON_PAGE}) AND ({base})" if base else ON_PAGE)
    for rule in rules.rootRule().children():
        symbol = rule.symbol()
        if symbol is None:
            continue
        symbol.setOpacity(0.85)
        if rule.label().startswith("不显著"):  # no fill: the heatmap and the base show through
            symbol.setColor(QColor(255, 255, 255, 0))
    layer.setRenderer(rules)
    on_page = f"{ON_PAGE} AND " if atlas_on else ""
    label_layer(layer, f'if({on_page}"page_rank" > 0, to_string("page_rank"), \'\')', text_format(family, 8, bold=True))


def outline(color: str, width: float, style: str = "solid", fill: str = "255,255,255,0") -> QgsFillSymbol:
    """A polygon symbol drawn as its outline (``color`` as "r,g,b,a", ``width`` in mm)."""
    return QgsFillSymbol.createSimple(
        {"color": fill, "outline_color": color, "outline_width": str(width), "outline_style": style}
    )


def current_or_other(layer: QgsVectorLayer, current: QgsFillSymbol, other: QgsFillSymbol, is_current: str) -> None:
    """Two rules: ``current`` where ``is_current`` holds (the atlas page's unit), ``other`` elsewhere."""
    root = QgsRuleBasedRenderer.Rule(None)
    root.appendChild(QgsRuleBasedRenderer.Rule(current, filterExp=is_current, label="current"))
    root.appendChild(QgsRuleBasedRenderer.Rule(other, filterExp="ELSE", label="other"))
    layer.setRenderer(QgsRuleBasedRenderer(root))


def style_context(layer: QgsVectorLayer) -> None:
    """Every grid as a faint outline: where the page's grids sit among their neighbours."""
    layer.setRenderer(QgsSingleSymbolRenderer(outline("150,150,150,255", 0.1)))


def style_coverage(layer: QgsVectorLayer, atlas_on: bool, family: str) -> None:
    """Unit boundaries; the current unit bold, the land outside it veiled in white."""
    other = outline("90,90,90,255", 0.35)
    if not atlas_on:
        layer.setRenderer(QgsSingleSymbolRenderer(other))
        return
    current = outline("30,30,30,255", 0.8)
    from qgis.core import QgsGeometryGeneratorSymbolLayer

    veil = QgsGeometryGeneratorSymbolLayer.create(
        {"geometryModifier": "difference(buffer($geometry, 60000), $geometry)", "SymbolType": "Fill"}
    )
    veil.setSubSymbol(QgsFillSymbol.createSimple({"color": "255,255,255,170", "outline_style": "no"}))
    current.insertSymbolLayer(0, veil)
    current_or_other(layer, current, other, "@atlas_featureid = $id")
    label_layer(
        layer,
        "if(@atlas_featureid = $id, '', \"page_name\")",
        text_format(family, 9, color="#555555"),
    )


def style_overview(layer: QgsVectorLayer, atlas_on: bool) -> None:
    """The inset: every unit in light grey, the current one in red; no labels at that size."""
    other = outline("120,120,120,255", 0.15, fill="235,235,235,255")
    if not atlas_on:
        layer.setRenderer(QgsSingleSymbolRenderer(other))
        return
    current_or_other(layer, outline("120,0,0,255", 0.3, fill="215,25,28,200"), other, ON_PAGE)


def style_hot_areas(layer: QgsVectorLayer, family: str) -> None:
    layer.setRenderer(QgsSingleSymbolRenderer(outline("120,0,20,255", 0.7, "dash")))
    if layer.fields().indexOf("rank") >= 0:  # at a free spot inside, off the grid numbers
        fmt = text_format(family, 8, color="#78001a", bold=True)
        label_layer(layer, "'热区' || to_string(\"rank\")", fmt, QgsPalLayerSettings.Placement.Horizontal, False)


def style_dedicated(layer: QgsVectorLayer, family: str) -> None:
    layer.setRenderer(QgsSingleSymbolRenderer(outline("106,61,154,255", 0.6, "dot")))
    if layer.fields().indexOf("name") >= 0:
        label_layer(layer, '"name"', text_format(family, 7, color="#6a3d9a"))


def unit_frame(coverage: gpd.GeoDataFrame, pages, titles: list[str], grid_size: float) -> gpd.GeoDataFrame:
    """The atlas coverage: one feature per page with the fields the layout reads."""
    from gridgov.grid_ops.printing.atlas_pages import atlas_margins

    geoms = coverage.geometry.to_numpy()[pages.unit.to_numpy()]
    bounds = gpd.GeoSeries(geoms).bounds.to_numpy()
    frame = gpd.GeoDataFrame(
        {
            "page_key": pages.page_key.to_numpy(dtype=object),
            "page_name": pages.page_name.to_numpy(dtype=object),
            "page_no": pages.page_no.to_numpy(dtype=np.int64),
            "title": np.asarray(titles, dtype=object),
            "file_stem": pages.file_stem.to_numpy(dtype=object),
            "hot_grids": pages.hot_grids.to_numpy(dtype=np.int64),
            "cases": pages.cases.to_numpy(dtype=float),
            "atlas_margin": atlas_margins(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1], grid_size),
        },
        geometry=geoms,
        crs=coverage.crs,
    )
    return frame


def grid_layers(
    frame: gpd.GeoDataFrame, field: str, period: str, atlas_on: bool, crs: str, family: str
) -> tuple[QgsVectorLayer, QgsVectorLayer]:
    """The grids of the pages (coloured by ``field``, their worst numbered; named with the period)
    and every grid again as faint context outlines."""
    title = tr("网格热点 Gi*") if field == "gi_bin" else tr("网格 Grids: {0}").format(field)
    grids = memory_layer(frame, f"{title}（{period}）" if period else title, crs)
    style_page_grids(grids, field, atlas_on, family)
    outlines = gpd.GeoDataFrame({GRID_CODE: frame[GRID_CODE]}, geometry=frame.geometry, crs=frame.crs)
    context = memory_layer(outlines, "context", crs)
    style_context(context)
    return grids, context


def unit_layers(
    coverage: gpd.GeoDataFrame, pages, titles: list[str], grid_size: float, crs: str, family: str
) -> tuple[QgsVectorLayer, QgsVectorLayer]:
    """The atlas coverage (one feature per page, in page order) and the overview inset's units."""
    units = unit_frame(coverage, pages, titles, grid_size)
    coverage_layer = memory_layer(units, "units", crs)
    style_coverage(coverage_layer, True, family)
    inset = memory_layer(units, "inset", crs)
    style_overview(inset, True)
    return coverage_layer, inset


def outline_layer(frame: gpd.GeoDataFrame | None, title: str, style, crs: str, family: str) -> QgsVectorLayer | None:
    """``frame`` (hot areas, dedicated grids) as a layer drawn by ``style``; None when it is empty."""
    if frame is None or not len(frame):
        return None
    layer = memory_layer(frame.drop(columns=["_fid"], errors="ignore"), title, crs)
    style(layer, family)
    return layer


def heatmap_layer(raster, maximum: float, feedback):
    """A copy of the heatmap ``raster`` on one colour scale, 0 to ``maximum`` (0: the raster's
    largest value), for every page, with a horizontal ramp in the legend; None without a raster."""
    if raster is None:
        return None
    from qgis.core import QgsRasterBandStats

    from gridgov.layers.styling.layer_styles import style_heatmap

    layer = raster.clone()
    layer.setName(tr("热力（全区统一色阶）"))
    if maximum <= 0:
        maximum = layer.dataProvider().bandStatistics(1, QgsRasterBandStats.Stats.Max).maximumValue
    feedback.pushInfo(tr("Heatmap colour scale: 0 to {0:.4g} on every page").format(maximum))
    style_heatmap(layer, maximum)
    function = layer.renderer().shader().rasterShaderFunction()
    if hasattr(function, "setLegendSettings"):  # one horizontal ramp, 0 … maximum, on every page
        function.setLegendSettings(_ramp_legend(maximum))
    layer.setOpacity(0.75)
    return layer


def _ramp_legend(maximum: float):
    """A continuous horizontal colour-ramp legend labelled 0 and ``maximum``."""
    from qgis.core import QgsColorRampLegendNodeSettings
    from qgis.PyQt.QtCore import Qt

    ramp = QgsColorRampLegendNodeSettings()
    ramp.setUseContinuousLegend(True)
    ramp.setOrientation(Qt.Orientation.Horizontal)
    ramp.setMinimumLabel("0")
    ramp.setMaximumLabel(f"{maximum:.3g}")
    return ramp


def style_assessment(layer: QgsVectorLayer, family: str) -> None:
    """The units coloured by their score as the assessment's own style draws them (优 / 良 / 中 / 差,
    unranked in grey), labelled with their name, score and rank."""
    apply_style(layer, "assessment")
    renderer = layer.renderer()
    if isinstance(renderer, QgsRuleBasedRenderer):  # on paper every unit is of the period printed
        for rule in renderer.rootRule().children():
            rule.setLabel(rule.label().replace(" (latest period)", ""))
    label_layer(
        layer,
        '"unit_name" || \'\\n\' || "score_txt"'
        " || if(\"rated\", ' · 第' || to_string(to_int(\"rank\")) || '名', ' · 未排名')",
        text_format(family, 9, bold=True),
        QgsPalLayerSettings.Placement.Horizontal,
    )


def assessment_layers(
    frame: gpd.GeoDataFrame, period: str, crs: str, family: str
) -> tuple[QgsVectorLayer, QgsVectorLayer | None]:
    """The assessed units of the page (``plan_assessment``'s rows on their polygons) coloured by score,
    and the lowest-ranked among them drawn in a bold red outline (None when none is ranked)."""
    title = tr("考评得分 Score")
    units = memory_layer(frame, f"{title}（{period}）" if period else title, crs)
    style_assessment(units, family)
    lowest_rows = frame[frame["lowest"].astype(bool)]
    if not len(lowest_rows):
        return units, None
    lowest = memory_layer(lowest_rows, tr("末位 Lowest ranked"), crs)
    lowest.setRenderer(QgsSingleSymbolRenderer(outline("200,0,0,255", 1.2)))
    return units, lowest
