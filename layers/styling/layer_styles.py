"""Apply the QML styles shipped in ``resources/styles`` to layers: at once, or when Processing loads an output."""

from __future__ import annotations

import logging
from typing import ClassVar

import numpy as np
from qgis.core import (
    QgsMapLayer,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterLayer,
    QgsSingleBandPseudoColorRenderer,
)

from gridgov.grid_ops.runtime.paths import resource_path

LOGGER = logging.getLogger("gridgov")


def apply_style(layer: QgsMapLayer, style_name: str) -> bool:
    """Load ``resources/styles/<style_name>.qml`` into ``layer``; log and return False if it fails."""
    path = resource_path("styles", f"{style_name}.qml")
    if not path.exists():
        LOGGER.warning("style %s not found at %s", style_name, path)
        return False
    message, ok = layer.loadNamedStyle(str(path))
    if not ok:
        LOGGER.warning("style %s could not be applied to %s: %s", style_name, layer.name(), message)
    layer.triggerRepaint()
    return bool(ok)


class StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Applies a QML style from ``resources/styles`` when Processing loads an output layer.

    With ``maximum`` the layer is a heatmap raster whose colour scale is stretched to it (a series
    shares one). Instances must outlive the algorithm run (Processing calls them afterwards, and
    does not own them), so they are kept in a class-level list, as QuickOSM does. The list does not
    grow for the whole session: an instance that has styled its layer is dropped when the next one
    is made (never inside its own call, while Processing may still hold it), and of those never
    called (a run that failed, an output not loaded) only the newest ``WAITING`` are kept.
    """

    #: Post-processors kept that have not been called yet (a batch loads each run's layers before
    #: the next run starts: far fewer are ever waiting at once).
    WAITING: ClassVar[int] = 1000
    _alive: ClassVar[list[StyleOnLoad]] = []

    def __init__(
        self,
        style: str,
        name: str | None = None,
        maximum: float | None = None,
        month: str | None = None,
        events: bool = False,
    ) -> None:
        super().__init__()
        self.style = style
        self.name = name
        self.maximum = maximum
        self.month = month  # a heatmap of one month: shown in that month's frames of the temporal controller
        self.events = events  # orders: each shown in the frame holding its report time
        self.used = False

    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802
        if self.name:
            layer.setName(self.name)
        if self.maximum is not None:
            style_heatmap(layer, self.maximum)
        else:
            apply_style(layer, self.style)
        if self.month or self.events:
            from gridgov.layers.styling import temporal

            if self.month:
                temporal.set_month(layer, self.month)
            if self.events:
                temporal.set_event_time(layer)
        self.used = True

    @classmethod
    def make(
        cls, style: str, name: str | None = None, maximum: float | None = None, month: str | None = None,
        events: bool = False,
    ) -> StyleOnLoad:  # fmt: skip
        """A post-processor kept alive for Processing to call after the run."""
        processor = cls(style, name, maximum, month, events)
        waiting = [kept for kept in cls._alive if not kept.used]
        cls._alive = [*waiting[-(cls.WAITING - 1) :], processor]
        return processor

    @classmethod
    def attach(cls, context, dest_id: str, style: str, name: str | None = None, events: bool = False) -> None:
        if context.willLoadLayerOnCompletion(dest_id):
            context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(cls.make(style, name, events=events))


def style_heatmap(layer: QgsRasterLayer, maximum: float) -> None:
    """The heatmap style with its colour ramp stretched over 0 … ``maximum``.

    The QML stores the ramp on 0 … 1; every raster of a series gets the same ``maximum``, so
    equal colours mean equal densities across months, classes and atlas pages (QGIS's default
    per-layer min/max stretch would not).
    """
    apply_style(layer, "heatmap")
    renderer = layer.renderer()
    if not isinstance(renderer, QgsSingleBandPseudoColorRenderer):
        return
    maximum = float(maximum) if maximum and np.isfinite(maximum) and maximum > 0 else 1.0
    shader = renderer.shader()
    function = shader.rasterShaderFunction()
    items = function.colorRampItemList()
    for item in items:
        item.value = item.value * maximum
    function.setColorRampItemList(items)
    function.setMinimumValue(0.0)
    function.setMaximumValue(maximum)
    renderer.setClassificationMin(0.0)
    renderer.setClassificationMax(maximum)
    layer.triggerRepaint()
