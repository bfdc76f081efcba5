"""Put an algorithm run's output layers into the project: one group per step, newest on top, styled.

This is what Processing's own dialog does after a run (``handleAlgorithmResults``), except that the
dock files results under its step's group instead of one flat "results" list, so a grid manager
finds the heatmaps under 分析 and the patrol routes under 巡查.
"""

from __future__ import annotations

from qgis.core import (
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingUtils,
    QgsProject,
)

from gridgov.layers.runtime.translation import tr


def results_group(project: QgsProject, title: str) -> QgsLayerTreeGroup:
    """The group ``title`` at the top of the legend (made when missing)."""
    root = project.layerTreeRoot()
    return root.findGroup(title) or root.insertGroup(0, title)


def load_results(
    context: QgsProcessingContext,
    feedback: QgsProcessingFeedback,
    project: QgsProject,
    group_title: str,
    output_order: list[str] | tuple[str, ...] = (),
) -> tuple[list[QgsMapLayer], list[str]]:
    """Add the layers ``context`` holds for loading to ``group_title`` in ``project``, each run
    through its post-processor (the gridgov style, a heatmap's scale, its time).

    They come in ``output_order`` (the algorithm's output names: the main layer first), not in the
    context's order, which is that of their file paths and so differs from run to run.
    Returns the layers added and the outputs that could not be loaded.
    """
    details_by_id = context.layersToLoadOnCompletion()
    added: list[QgsMapLayer] = []
    failed: list[str] = []
    if not details_by_id:
        return added, failed
    group = results_group(project, group_title)
    rank = {name: i for i, name in enumerate(output_order)}
    ordered = sorted(details_by_id.items(), key=lambda item: rank.get(item[1].outputName, len(rank)))
    for position, (layer_id, details) in enumerate(ordered):
        layer = QgsProcessingUtils.mapLayerFromString(layer_id, context, typeHint=details.layerTypeHint)
        if layer is None:
            failed.append(layer_id)
            continue
        details.setOutputLayerName(layer)
        owned = context.temporaryLayerStore().takeMapLayer(layer) or layer
        project.addMapLayer(owned, False)
        group.insertLayer(position, owned)
        processor = details.postProcessor()
        if processor is not None:
            processor.postProcessLayer(owned, context, feedback)
        added.append(owned)
    context.setLayersToLoadOnCompletion({})
    if failed:
        feedback.reportError(tr("These outputs could not be loaded: {0}").format(", ".join(failed)))
    return added, failed
