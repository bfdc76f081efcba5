"""Regenerate the QML styles in resources/styles/ (a developer tool; the plugin only loads the files).

Run with the project's virtual environment: ``.venv/bin/python scripts/make_styles.py``.
Styles are written through QGIS's own API so they stay valid for the QGIS version that wrote them
and every later one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_HASH_SEED", "0")  # stable XML attribute order, so regenerated styles diff cleanly

import numpy as np
from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsColorRampShader,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRendererCategory,
    QgsRuleBasedRenderer,
    QgsSingleBandPseudoColorRenderer,
    QgsSingleSymbolRenderer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QFont

STYLES = Path(__file__).resolve().parent.parent / "resources" / "styles"
FONT = "Noto Sans CJK SC"


def text_format(size: float, color: str, bold: bool = False) -> QgsTextFormat:
    fmt = QgsTextFormat()
    font = QFont(FONT)
    font.setBold(bold)
    fmt.setFont(font)
    fmt.setSize(size)
    fmt.setColor(QColor(color))
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(True)
    buffer.setSize(1.0)
    buffer.setColor(QColor("white"))
    fmt.setBuffer(buffer)
    return fmt


def labels(
    layer: QgsVectorLayer,
    field: str,
    size: float,
    color: str,
    max_scale_denominator: float,
    bold: bool = False,
    min_scale: float = 0.0,
) -> None:
    settings = QgsPalLayerSettings()
    settings.fieldName = field
    settings.setFormat(text_format(size, color, bold))
    settings.scaleVisibility = True
    settings.minimumScale = max_scale_denominator  # zoomed-out limit
    settings.maximumScale = min_scale
    if layer.geometryType() == 2:  # polygons: label inside, once
        settings.placement = QgsPalLayerSettings.Placement.Horizontal
        settings.fitInPolygonOnly = False
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def outline(color: str, width: float, style: str = "solid", fill: str = "transparent") -> QgsFillSymbol:
    return QgsFillSymbol.createSimple(
        {
            "color": fill if fill != "transparent" else "0,0,0,0",
            "outline_color": color,
            "outline_width": str(width),
            "outline_style": style,
            "style": "no" if fill == "transparent" else "solid",
        }
    )


def categorized_fills(field: str, palette: dict[str, tuple[str, str]], alpha: int, width: float):
    """One translucent fill per value: ``palette`` maps value -> (colour, legend label)."""
    categories = []
    for value, (color, label) in palette.items():
        c = QColor(color)
        symbol = QgsFillSymbol.createSimple(
            {"color": f"{c.red()},{c.green()},{c.blue()},{alpha}", "outline_color": color, "outline_width": str(width)}
        )
        categories.append(QgsRendererCategory(value, symbol, label))
    return QgsCategorizedSymbolRenderer(field, categories)


def save(layer, name: str) -> None:
    path = STYLES / f"{name}.qml"
    message, ok = layer.saveNamedStyle(str(path))
    if not ok:
        raise RuntimeError(f"{name}: {message}")
    print("wrote", path)


def polygon_layer(fields: str) -> QgsVectorLayer:
    return QgsVectorLayer(f"Polygon?crs=EPSG:4547&{fields}", "tmp", "memory")


def heatmap_style() -> None:
    """Heatmap ramp on 0 … 1 (layers.rasters.style_heatmap stretches it to a series' maximum):
    transparent where there is nothing, then yellow → orange → red → dark red."""
    import tempfile

    from osgeo import gdal

    path = str(Path(tempfile.mkdtemp()) / "unit.tif")
    ds = gdal.GetDriverByName("GTiff").Create(path, 2, 2, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((0, 1, 0, 2, 0, -1))
    ds.GetRasterBand(1).WriteArray(np.array([[0.0, 0.5], [0.75, 1.0]], dtype=np.float32))
    ds = None
    layer = QgsRasterLayer(path, "heatmap")
    function = QgsColorRampShader(0.0, 1.0)
    function.setColorRampType(QgsColorRampShader.Type.Interpolated)
    stops = (
        (0.0, "255,255,178,0", "0"),
        (0.02, "255,255,178,0", ""),
        (0.1, "254,217,118,150", ""),
        (0.3, "254,178,76,190", ""),
        (0.5, "253,141,60,215", ""),
        (0.7, "240,59,32,230", ""),
        (1.0, "189,0,38,245", "max"),
    )
    function.setColorRampItemList(
        [QgsColorRampShader.ColorRampItem(v, QColor(*map(int, c.split(","))), label) for v, c, label in stops]
    )
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(function)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(0.0)
    renderer.setClassificationMax(1.0)
    layer.setRenderer(renderer)
    save(layer, "heatmap")


def hotspot_style() -> None:
    """Gi* bins: hot reds, cold blues, grey where not significant (ArcGIS's familiar colours)."""
    layer = polygon_layer("field=gi_bin:integer")
    palette = {
        3: ("#d62f27", "热点 Hot spot, 99% confidence"),
        2: ("#ed7551", "热点 Hot spot, 95% confidence"),
        1: ("#fab984", "热点 Hot spot, 90% confidence"),
        0: ("#eeeeee", "不显著 Not significant"),
        -1: ("#c0ccbe", "冷点 Cold spot, 90% confidence"),
        -2: ("#849eba", "冷点 Cold spot, 95% confidence"),
        -3: ("#4575b5", "冷点 Cold spot, 99% confidence"),
    }
    categories = []
    for value, (color, label) in palette.items():
        # not significant: outline only, so the map (or a heatmap) below stays visible
        symbol = QgsFillSymbol.createSimple(
            {
                "color": color if value else "0,0,0,0",
                "outline_color": "#8c8c8c" if value else "#bdbdbd",
                "outline_width": "0.15" if value else "0.1",
                "style": "solid",
            }
        )
        if value:
            symbol.setOpacity(0.85)
        categories.append(QgsRendererCategory(value, symbol, label))
    layer.setRenderer(QgsCategorizedSymbolRenderer("gi_bin", categories))
    save(layer, "hotspots")

    emerging = polygon_layer("field=pattern:string")
    pattern_colours = {  # ArcGIS-like: hot reds (darker = more established), cold blues, outline for none
        "new hot spot": ("#fdd0a2", "新增热点 New hot spot"),
        "consecutive hot spot": ("#fdae6b", "连续热点 Consecutive hot spot"),
        "intensifying hot spot": ("#a50f15", "加强热点 Intensifying hot spot"),
        "persistent hot spot": ("#de2d26", "持续热点 Persistent hot spot"),
        "diminishing hot spot": ("#fb6a4a", "减弱热点 Diminishing hot spot"),
        "sporadic hot spot": ("#fcbba1", "零星热点 Sporadic hot spot"),
        "oscillating hot spot": ("#f768a1", "振荡热点 Oscillating hot spot"),
        "historical hot spot": ("#bcbddc", "历史热点 Historical hot spot"),
        "new cold spot": ("#c6dbef", "新增冷点 New cold spot"),
        "consecutive cold spot": ("#9ecae1", "连续冷点 Consecutive cold spot"),
        "intensifying cold spot": ("#08519c", "加强冷点 Intensifying cold spot"),
        "persistent cold spot": ("#3182bd", "持续冷点 Persistent cold spot"),
        "diminishing cold spot": ("#6baed6", "减弱冷点 Diminishing cold spot"),
        "sporadic cold spot": ("#deebf7", "零星冷点 Sporadic cold spot"),
        "oscillating cold spot": ("#7fcdbb", "振荡冷点 Oscillating cold spot"),
        "historical cold spot": ("#d9d9d9", "历史冷点 Historical cold spot"),
        "no pattern": ("0,0,0,0", "无模式 No pattern"),
    }
    categories = [
        QgsRendererCategory(
            value,
            QgsFillSymbol.createSimple(
                {"color": color, "outline_color": "#9e9e9e", "outline_width": "0.1", "style": "solid"}
            ),
            label,
        )
        for value, (color, label) in pattern_colours.items()
    ]
    emerging.setRenderer(QgsCategorizedSymbolRenderer("pattern", categories))
    save(emerging, "emerging_hotspots")


def rule_fills(layer: QgsVectorLayer, rules: list[tuple[str, str, str, str]]) -> None:
    """A rule-based renderer of translucent fills: (filter expression, fill, outline, legend label)."""
    root = QgsRuleBasedRenderer.Rule(None)
    for expression, fill, edge, label in rules:
        symbol = QgsFillSymbol.createSimple(
            {"color": fill, "outline_color": edge, "outline_width": "0.25", "style": "solid"}
        )
        symbol.setOpacity(0.85)
        root.appendChild(QgsRuleBasedRenderer.Rule(symbol, 0, 0, expression, label))
    layer.setRenderer(QgsRuleBasedRenderer(root))


def warning_styles() -> None:
    """Forecasts (the next period, by expected orders), early-warning alerts (surges by level, trend
    turns) and the season-ahead list (by rank): what a grid centre opens to see where to act first."""
    forecast = polygon_layer("field=step:integer&field=forecast:double")
    rule_fills(
        forecast,
        [
            ('"step" = 1 AND "forecast" >= 10', "#7f0000", "#5a0000", "下期预计 ≥ 10 件 Next period: 10 or more"),
            ('"step" = 1 AND "forecast" >= 5 AND "forecast" < 10', "#d7301f", "#9e1e12", "5–10"),
            ('"step" = 1 AND "forecast" >= 2 AND "forecast" < 5', "#fc8d59", "#c8643a", "2–5"),
            ('"step" = 1 AND "forecast" >= 0.5 AND "forecast" < 2', "#fdd49e", "#c9a46f", "0.5–2"),
            ('"step" = 1 AND "forecast" < 0.5', "0,0,0,0", "#bdbdbd", "< 0.5"),
        ],
    )
    save(forecast, "forecast")

    alerts = polygon_layer("field=alert_kind:string&field=alert_level:integer")
    rule_fills(
        alerts,
        [
            ('"alert_kind" = \'surge\' AND "alert_level" >= 3', "#67000d", "#3d0008", "激增 Surge, level 3 (99.9%)"),
            ('"alert_kind" = \'surge\' AND "alert_level" = 2', "#cb181d", "#7f0f12", "激增 Surge, level 2 (99%)"),
            ('"alert_kind" = \'surge\' AND "alert_level" <= 1', "#fb6a4a", "#b4432f", "激增 Surge, level 1"),
            ("\"alert_kind\" = 'trend_turn'", "#9e9ac8", "#54278f", "苗头性问题 Trend turning up"),
        ],
    )
    save(alerts, "early_warning")

    season = polygon_layer("field=rank:integer&field=grid_code:string")
    rule_fills(
        season,
        [
            ('"rank" <= 5', "#08306b", "#041c40", "前 5 Top 5"),
            ('"rank" > 5 AND "rank" <= 10', "#2171b5", "#14446d", "6–10"),
            ('"rank" > 10 AND "rank" <= 20', "#6baed6", "#3f6880", "11–20"),
            ('"rank" > 20', "#c6dbef", "#7d8c99", "> 20"),
        ],
    )
    labels(season, "rank", 8, "#08306b", 60000, min_scale=0)
    save(season, "season_list")

    assessed = polygon_layer("field=score:double&field=rank:integer&field=rated:boolean&field=latest:boolean")
    rule_fills(
        assessed,
        [
            ('"latest" AND "rated" AND "score" >= 90', "#1a9850", "#0f5c30", "优 ≥ 90 (latest period)"),
            ('"latest" AND "rated" AND "score" >= 80 AND "score" < 90', "#a6d96a", "#5f7d3c", "良 80–90"),
            ('"latest" AND "rated" AND "score" >= 70 AND "score" < 80', "#fee08b", "#9c8a55", "中 70–80"),
            ('"latest" AND "rated" AND "score" < 70', "#d73027", "#84201a", "差 < 70"),
            ('"latest" AND NOT "rated"', "0,0,0,0", "#969696", "未排名 Not ranked (too few orders)"),
        ],
    )
    labels(assessed, "rank", 18, "#222222", 400000, bold=True)
    save(assessed, "assessment")


def clue_styles() -> None:
    """Internet clues by status (new cases stand out, duplicates recede) and the class sweep by rank."""
    from qgis.core import QgsMarkerSymbol

    clues = QgsVectorLayer("Point?crs=EPSG:4547&field=clue_status:string", "tmp", "memory")
    categories = []
    for value, color, size, shape, label in (
        ("new_case", "#d7191c", 3.2, "star", "新立案 New case"),
        ("duplicate_of", "#7b3294", 2.2, "circle", "重复 Duplicate of a case"),
        ("unplaced", "#fdae61", 2.2, "triangle", "无法定位 Unplaced"),
        ("not_a_case", "#bababa", 1.4, "circle", "非案件 Not a case"),
    ):
        symbol = QgsMarkerSymbol.createSimple(
            {"name": shape, "color": color, "outline_color": "#333333", "outline_width": "0.2", "size": str(size)}
        )
        categories.append(QgsRendererCategory(value, symbol, label))
    clues.setRenderer(QgsCategorizedSymbolRenderer("clue_status", categories))
    save(clues, "clues")

    sweep = polygon_layer("field=sweep_rank:integer&field=grid_code:string")
    rule_fills(
        sweep,
        [
            ('"sweep_rank" <= 10', "#54278f", "#2f1650", "排查前 10 Sweep: top 10"),
            ('"sweep_rank" > 10 AND "sweep_rank" <= 30', "#9e9ac8", "#5e5b80", "11–30"),
            ('"sweep_rank" > 30', "#dadaeb", "#8a8a99", "> 30"),
        ],
    )
    labels(sweep, "sweep_rank", 8, "#2f1650", 60000, min_scale=0)
    save(sweep, "class_sweep")


def main() -> None:
    STYLES.mkdir(parents=True, exist_ok=True)

    district = polygon_layer("field=name:string")
    district.setRenderer(QgsSingleSymbolRenderer(outline("#333333", 0.9, "dash", fill="#f4f1ea")))
    save(district, "district")

    streets = polygon_layer("field=name:string&field=street_code:string")
    streets.setRenderer(QgsSingleSymbolRenderer(outline("#5b2a86", 0.8)))
    labels(streets, "name", 13, "#5b2a86", 200000, bold=True)
    save(streets, "streets")

    communities = polygon_layer("field=name:string&field=community_code:string")
    communities.setRenderer(QgsSingleSymbolRenderer(outline("#1f5fa8", 0.4)))
    labels(communities, "name", 8.5, "#1f5fa8", 40000, min_scale=0)
    save(communities, "communities")

    grids = polygon_layer("field=grid_code:string&field=name:string")
    grids.setRenderer(QgsSingleSymbolRenderer(outline("#d6219c", 0.2)))  # magenta grid lines (DB11/T 2157)
    labels(grids, "grid_code", 7, "#8e1467", 12000)
    save(grids, "grids")

    micro = polygon_layer("field=micro_code:string")
    micro.setRenderer(QgsSingleSymbolRenderer(outline("#9a9a9a", 0.12, "dot")))
    micro.setScaleBasedVisibility(True)
    micro.setMinimumScale(30000)
    micro.setMaximumScale(0)
    save(micro, "microgrids")

    dedicated = polygon_layer("field=kind:string&field=name:string")
    palette = {
        "railway_station": ("#e41a1c", "高铁站 Railway station"),
        "cbd": ("#377eb8", "中央商务区 CBD"),
        "scenic_area": ("#4daf4a", "景区 Scenic area"),
        "school": ("#ff7f00", "学校 School"),
        "hospital": ("#e7298a", "医院 Hospital"),
        "market": ("#a65628", "农贸市场 Market"),
        "industrial_park": ("#666666", "产业园区 Industrial park"),
    }
    dedicated.setRenderer(categorized_fills("kind", palette, alpha=70, width=0.45))
    labels(dedicated, "name", 7.5, "#222222", 30000)
    save(dedicated, "dedicated_grids")

    roads = QgsVectorLayer("LineString?crs=EPSG:4547&field=road_class:string&field=name:string", "tmp", "memory")
    root = QgsRuleBasedRenderer.Rule(None)
    for expr, color, width, label in (
        ("\"road_class\" = 'arterial'", "#e8c77a", 1.3, "主干道 Arterial"),
        ("\"road_class\" <> 'arterial'", "#c9c9c9", 0.45, "支路 Local road"),
    ):
        symbol = QgsLineSymbol.createSimple({"line_color": color, "line_width": str(width), "capstyle": "round"})
        root.appendChild(QgsRuleBasedRenderer.Rule(symbol, filterExp=expr, label=label))
    roads.setRenderer(QgsRuleBasedRenderer(root))
    settings = QgsPalLayerSettings()
    settings.fieldName = "name"
    settings.placement = QgsPalLayerSettings.Placement.Curved
    settings.setFormat(text_format(6.5, "#555555"))
    settings.scaleVisibility = True
    settings.minimumScale = 15000
    roads.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    roads.setLabelsEnabled(True)
    save(roads, "roads")

    points = QgsVectorLayer("Point?crs=EPSG:4547&field=class_code:string", "tmp", "memory")
    points.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple(
                {"name": "circle", "color": "215,48,39,60", "outline_style": "no", "size": "0.55"}
            )
        )
    )
    save(points, "orders_points")

    placed = QgsVectorLayer("Point?crs=EPSG:4547&field=match_method:string", "tmp", "memory")
    method_palette = {  # placed orders quiet, the ones a person must look at loud
        "inside": ("31,120,180,160", "格内 Inside", 1.0),
        "address": ("51,160,44,200", "按地址 By address", 1.2),
        "boundary": ("255,127,0,220", "边界 On a shared edge", 1.6),
        "nearest": ("227,26,28,220", "就近 Nearest grid", 1.8),
        "unassigned": ("0,0,0,230", "格外 Unassigned", 2.2),
    }
    categories = [
        QgsRendererCategory(
            value,
            QgsMarkerSymbol.createSimple(
                {"name": "circle", "color": color, "outline_color": "white", "outline_width": "0.1", "size": str(size)}
            ),
            label,
        )
        for value, (color, label, size) in method_palette.items()
    ]
    placed.setRenderer(QgsCategorizedSymbolRenderer("match_method", categories))
    save(placed, "placed_orders")

    offices = QgsVectorLayer("Point?crs=EPSG:4547&field=name:string", "tmp", "memory")
    offices.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple({"name": "star", "color": "#5b2a86", "outline_color": "white", "size": "4.2"})
        )
    )
    labels(offices, "name", 8, "#5b2a86", 200000, bold=True)
    save(offices, "street_offices")

    errors = polygon_layer("field=error_type:string&field=grid_code:string&field=detail:string")
    error_palette = {
        "gap": ("#ff7f00", "空隙 Gap"),
        "overlap": ("#e31a1c", "重叠 Overlap"),
        "sliver": ("#6a3d9a", "碎片 Sliver"),
        "invalid_geometry": ("#000000", "无效几何 Invalid geometry"),
        "outside_parent": ("#1f78b4", "越出上级 Outside parent"),
        "duplicate_code": ("#b15928", "重复编码 Duplicate code"),
        "bad_code": ("#fb9a99", "编码错误 Bad code"),
        "orphan": ("#33a02c", "无上级 Orphan"),
    }
    errors.setRenderer(categorized_fills("error_type", error_palette, alpha=150, width=0.8))
    save(errors, "validation_errors")

    heatmap_style()
    hotspot_style()
    warning_styles()
    clue_styles()

    hot = polygon_layer("field=pattern:string")
    hot.setRenderer(QgsSingleSymbolRenderer(outline("#b2182b", 0.6, "dash", fill="178,24,43,40")))
    save(hot, "truth_hotareas")


if __name__ == "__main__":
    app = QgsApplication([], False)
    app.initQgis()
    try:
        main()
    finally:
        app.exitQgis()
    sys.exit(0)
