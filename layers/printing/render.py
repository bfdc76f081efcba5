"""Render a project's visible layers to a PNG through QGIS's own map renderer."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont, QPainter


def render_project_png(
    project_path: str | Path,
    png_path: str | Path,
    size: tuple[int, int] = (2000, 1600),
    extent_layer: str | None = None,
    title: str | None = None,
    center: tuple[float, float] | None = None,
    scale: float | None = None,
    legend_layer: str | None = None,
) -> Path:
    """Draw the checked layers of a project (its layer-tree order) into ``png_path``.

    The extent is that of ``extent_layer`` (a layer name) or of all visible layers, with a margin;
    or, with ``center`` and ``scale``, the window of that map scale (1:scale) around the centre,
    so scale-dependent layers and labels show as a user would see them at that zoom. With
    ``legend_layer`` (a layer title), a legend of that layer's classes that occur on the map is
    drawn in the lower left corner.
    """
    project = QgsProject()
    if not project.read(str(project_path)):
        raise RuntimeError(f"cannot read project {project_path}: {project.error()}")
    layers = [lyr for lyr in project.layerTreeRoot().checkedLayers() if lyr.isSpatial()]
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(project.crs())
    settings.setTransformContext(project.transformContext())
    settings.setBackgroundColor(QColor("white"))
    settings.setOutputSize(QSize(*size))
    settings.setOutputDpi(150)
    settings.setFlag(QgsMapSettings.Flag.Antialiasing, True)
    settings.setFlag(QgsMapSettings.Flag.DrawLabeling, True)
    extent = QgsRectangle()
    candidates = [lyr for lyr in layers if extent_layer is None or lyr.source().endswith(f"layername={extent_layer}")]
    for lyr in candidates or layers:
        extent.combineExtentWith(lyr.extent())
    extent.scale(1.06)
    if center is not None and scale is not None:
        metres_per_px = scale * 0.0254 / settings.outputDpi()
        half_w, half_h = size[0] * metres_per_px / 2, size[1] * metres_per_px / 2
        extent = QgsRectangle(center[0] - half_w, center[1] - half_h, center[0] + half_w, center[1] + half_h)
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    legend_of = next((lyr for lyr in layers if lyr.name() == legend_layer), None) if legend_layer else None
    if legend_of is not None:
        _draw_legend(image, legend_of)
    if title:
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(0, 0, image.width(), 64, QColor(255, 255, 255, 225))
        font = QFont("Noto Sans CJK SC")
        font.setPixelSize(30)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#222222"))
        painter.drawText(24, 0, image.width() - 48, 64, int(Qt.AlignmentFlag.AlignVCenter), title)
        painter.end()
    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(png_path), "PNG"):
        raise RuntimeError(f"could not write {png_path}")
    return png_path


def _present_values(layer, field: str) -> set:
    index = layer.fields().indexOf(field)
    return set(layer.uniqueValues(index)) if index >= 0 else set()


def _legend_items(layer) -> list[tuple]:
    """(symbol, label) of each class of ``layer`` that occurs in it: the categories of a categorised
    renderer, the rules (with a symbol) of a rule-based one whose filter some feature meets."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsFeatureRequest, QgsRuleBasedRenderer

    renderer = layer.renderer()
    if isinstance(renderer, QgsCategorizedSymbolRenderer):
        present = {str(v) for v in _present_values(layer, renderer.classAttribute())}
        # clones: categories() hands out copies, whose symbols die with them
        return [(c.symbol().clone(), c.label()) for c in renderer.categories() if str(c.value()) in present]
    if isinstance(renderer, QgsRuleBasedRenderer):
        items = []
        for rule in renderer.rootRule().children():
            if rule.symbol() is None:
                continue
            request = QgsFeatureRequest().setLimit(1).setNoAttributes()
            request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
            if rule.filterExpression():
                request.setFilterExpression(rule.filterExpression())
            if next(layer.getFeatures(request), None) is not None:
                items.append((rule.symbol().clone(), rule.label()))
        return items
    return []


def _draw_legend(image, layer) -> None:
    """Swatches and labels of the classes of ``layer`` that occur in it (:func:`_legend_items`), lower left."""
    from qgis.core import QgsSymbolLayerUtils

    items = _legend_items(layer)
    if not items:
        return
    from qgis.PyQt.QtGui import QFontMetrics

    font = QFont("Noto Sans CJK SC")
    font.setPixelSize(22)
    row_h, swatch, pad = 34, 26, 16
    bold = QFont(font)
    bold.setBold(True)
    text_w = max(
        [QFontMetrics(bold).horizontalAdvance(layer.name())]
        + [QFontMetrics(font).horizontalAdvance(label) + swatch + 12 for _symbol, label in items]
    )
    width = min(text_w + 2 * pad + 8, image.width() - 48)  # wide enough for every line
    height = pad * 2 + 40 + row_h * len(items)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    x0, y0 = 24, image.height() - height - 24
    painter.fillRect(x0, y0, width, height, QColor(255, 255, 255, 235))
    painter.setPen(QColor("#888888"))
    painter.drawRect(x0, y0, width, height)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#222222"))
    painter.drawText(x0 + pad, y0 + pad, width - 2 * pad, 32, int(Qt.AlignmentFlag.AlignVCenter), layer.name())
    font.setBold(False)
    painter.setFont(font)
    for i, (symbol, label) in enumerate(items):
        y = y0 + pad + 40 + i * row_h
        icon = QgsSymbolLayerUtils.symbolPreviewPixmap(symbol, QSize(swatch, swatch))
        painter.drawPixmap(x0 + pad, y + (row_h - swatch) // 2, icon)
        painter.setPen(QColor("#222222"))
        painter.drawText(
            x0 + pad + swatch + 12,
            y,
            width - swatch - 3 * pad,
            row_h,
            int(Qt.AlignmentFlag.AlignVCenter),
            label,
        )
    painter.end()
