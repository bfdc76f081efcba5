"""The grid hierarchy in QGIS as one styled group: load it, label it, join the roster.

A grid manager opens the hierarchy with one call: streets, communities, grids, micro-grids and
dedicated grids in a group (街道 / 社区 / 网格 / 微网格 / 专属网格), styled from ``resources/styles``,
with code and manager labels that appear only where they are legible (scale-dependent), and the
roster (grid code → manager, phone, team, street office) joined to the grids. Layers are tagged
with custom properties so the map tool (``whose``) and locator find them in any project.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsLayerTreeGroup,
    QgsPalLayerSettings,
    QgsProject,
    QgsVectorLayer,
    QgsVectorLayerJoinInfo,
    QgsVectorLayerSimpleLabeling,
)

from gridgov.grid_ops.schema import (
    COMMUNITY_CODE,
    DEDICATED_CODE,
    GRID_CODE,
    MICRO_CODE,
    STREET_CODE,
)
from gridgov.layers.runtime.translation import tr
from gridgov.layers.styling.layer_styles import apply_style

LEVEL_PROPERTY = "gridgov/level"
CODE_PROPERTY = "gridgov/code_field"

#: level, GeoPackage layer, code field, group title, style; legend order (top first)
LEVELS = (
    ("dedicated", "dedicated_grids", DEDICATED_CODE, "专属网格 Dedicated grids", "dedicated_grids"),
    ("street", "streets", STREET_CODE, "街道 Streets", "streets"),
    ("community", "communities", COMMUNITY_CODE, "社区 Communities", "communities"),
    ("grid", "grids", GRID_CODE, "网格 Grids", "grids"),
    ("microgrid", "microgrids", MICRO_CODE, "微网格 Micro-grids", "microgrids"),
)
#: Each level's title where a person reads it (translated where shown)
LEVEL_TITLES = {
    "street": "Street",
    "community": "Community",
    "grid": "Grid",
    "microgrid": "Micro-grid",
    "dedicated": "Dedicated grid",
}
ROSTER_FIELDS = ("manager", "phone", "team_id", "street_office")

#: Scale denominators beyond which a level's outlines are hidden (district → block readability)
MAX_SCALE = {"microgrid": 30000.0, "grid": 120000.0}
#: Label scales: (zoomed-out limit) for code labels and for the manager line
GRID_LABEL_SCALE = 12000.0
MANAGER_LABEL_SCALE = 6000.0
MICRO_LABEL_SCALE = 5000.0


def tag_layer(layer: QgsVectorLayer, level: str, code_field: str) -> None:
    layer.setCustomProperty(LEVEL_PROPERTY, level)
    layer.setCustomProperty(CODE_PROPERTY, code_field)


def hierarchy_layers(project: QgsProject) -> dict[str, QgsVectorLayer]:
    """The tagged hierarchy layers of a project, by level (the first of each level)."""
    found: dict[str, QgsVectorLayer] = {}
    for layer in project.mapLayers().values():
        level = layer.customProperty(LEVEL_PROPERTY)
        if level and level not in found and isinstance(layer, QgsVectorLayer):
            found[level] = layer
    return found


def join_roster(grids: QgsVectorLayer, roster: QgsVectorLayer, code_field: str = GRID_CODE) -> bool:
    """Join the roster's manager, phone, team and street office to the grid layer by grid code.

    The join is live: editing the roster table in QGIS updates the grids' labels and the map tool.
    """
    if grids.fields().lookupField(code_field) < 0 or roster.fields().lookupField(GRID_CODE) < 0:
        return False
    for existing in grids.vectorJoins():
        if existing.joinLayerId() == roster.id():
            return True
    info = QgsVectorLayerJoinInfo()
    info.setJoinLayer(roster)
    info.setJoinFieldName(GRID_CODE)
    info.setTargetFieldName(code_field)
    info.setPrefix("")
    info.setJoinFieldNamesSubset([f for f in ROSTER_FIELDS if roster.fields().lookupField(f) >= 0])
    info.setUsingMemoryCache(False)
    info.setEditable(True)
    info.setUpsertOnEdit(False)
    return grids.addJoin(info)


def label_grids(layer: QgsVectorLayer, code_field: str, with_manager: bool) -> None:
    """Grid code labels from 1:12,000, the manager's name under it from 1:6,000."""
    from qgis.core import QgsRuleBasedLabeling

    root = QgsRuleBasedLabeling.Rule(None)
    base = (
        layer.labeling().settings()
        if isinstance(layer.labeling(), QgsVectorLayerSimpleLabeling)
        else QgsPalLayerSettings()
    )
    code_only = QgsPalLayerSettings(base)
    code_only.fieldName = f'"{code_field}"'
    code_only.isExpression = True
    rule = QgsRuleBasedLabeling.Rule(code_only, MANAGER_LABEL_SCALE if with_manager else 0, GRID_LABEL_SCALE)
    rule.setDescription(tr("Grid code"))
    root.appendChild(rule)
    if with_manager:
        both = QgsPalLayerSettings(base)
        both.fieldName = f"\"{code_field}\" || coalesce('\\n' || \"manager\", '')"
        both.isExpression = True
        rule = QgsRuleBasedLabeling.Rule(both, 0, MANAGER_LABEL_SCALE)
        rule.setDescription(tr("Grid code and manager"))
        root.appendChild(rule)
    layer.setLabeling(QgsRuleBasedLabeling(root))
    layer.setLabelsEnabled(True)


def label_microgrids(layer: QgsVectorLayer, code_field: str) -> None:
    """Micro-grid numbers (微1, 微2 ...) from 1:5,000, small and grey so grid labels stay on top."""
    from qgis.core import QgsTextFormat
    from qgis.PyQt.QtGui import QColor, QFont

    settings = QgsPalLayerSettings()
    settings.fieldName = f"'微' || to_int(right(\"{code_field}\", 3))"
    settings.isExpression = True
    fmt = QgsTextFormat()
    fmt.setFont(QFont("Noto Sans CJK SC"))
    fmt.setSize(6.5)
    fmt.setColor(QColor("#707070"))
    settings.setFormat(fmt)
    settings.scaleVisibility = True
    settings.minimumScale = MICRO_LABEL_SCALE
    settings.maximumScale = 0
    settings.priority = 2
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def load_hierarchy(
    gpkg: str | Path,
    project: QgsProject | None = None,
    group_title: str = "网格体系 Grid hierarchy",
    parent: QgsLayerTreeGroup | None = None,
    roster_layer: str = "roster",
) -> QgsLayerTreeGroup:
    """Add the hierarchy layers found in ``gpkg`` as one styled group; returns the group.

    Levels missing from the file are skipped. The roster table, when present, is added and
    joined to the grids.
    """
    project = project or QgsProject.instance()
    gpkg = Path(gpkg)
    root = parent or project.layerTreeRoot()
    group = root.addGroup(tr(group_title))
    available = _layer_names(gpkg)
    roster = None
    if roster_layer in available:
        roster = QgsVectorLayer(f"{gpkg}|layername={roster_layer}", tr("Grid managers"), "ogr")
        roster.setCustomProperty(LEVEL_PROPERTY, "roster")
        project.addMapLayer(roster, False)
    for level, name, code_field, title, style in LEVELS:
        if name not in available:
            continue
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", tr(title), "ogr")
        if not layer.isValid():
            continue
        apply_style(layer, style)
        tag_layer(layer, level, code_field)
        if level in MAX_SCALE:
            layer.setScaleBasedVisibility(True)
            layer.setMinimumScale(MAX_SCALE[level])
            layer.setMaximumScale(0)
        if level == "grid":
            joined = roster is not None and join_roster(layer, roster, code_field)
            label_grids(layer, code_field, with_manager=joined)
        if level == "microgrid":
            label_microgrids(layer, code_field)
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    if roster is not None:
        group.addLayer(roster)
    return group


def _layer_names(gpkg: Path) -> set[str]:
    from osgeo import ogr

    ds = ogr.Open(str(gpkg))
    if ds is None:
        raise FileNotFoundError(f"cannot open {gpkg}")
    try:
        return {ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())}
    finally:
        ds = None
