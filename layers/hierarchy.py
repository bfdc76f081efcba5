"""The grid hierarchy in QGIS: load it as one styled group, join the roster, answer "whose is this?".

A grid manager opens the hierarchy with one call: streets, communities, grids, micro-grids and
dedicated grids in a group (街道 / 社区 / 网格 / 微网格 / 专属网格), styled from ``resources/styles``,
with code and manager labels that appear only where they are legible (scale-dependent), and the
roster (grid code → manager, phone, team, street office) joined to the grids. Layers are tagged
with custom properties so the map tool and locator find them in any project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsLayerTreeGroup,
    QgsPalLayerSettings,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorLayerJoinInfo,
    QgsVectorLayerSimpleLabeling,
)

from gridgov.grid_ops.schema import (
    COMMUNITY_CODE,
    DEDICATED_CODE,
    GRID_CODE,
    MATCH_METHOD,
    MICRO_CODE,
    ON_BOUNDARY,
    OVERLAP,
    RESP_CODE,
    RESP_LEVEL,
    STREET_CODE,
)
from gridgov.layers.processing.base import tr
from gridgov.layers.styles import apply_style

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


@dataclass
class Unit:
    """One unit of the responsibility chain at a point."""

    level: str
    code: str
    name: str
    manager: str = ""
    phone: str = ""
    priority: int | None = None
    layer_id: str = ""
    fid: int = -1
    responsible: bool = False  # the unit the engine's rule makes responsible for the point


class Chain(list):
    """The units covering a point (street first, dedicated grids last, highest priority first), with
    how the engine's rule decided: a list of :class:`Unit`, plus ``on_boundary``, ``overlap`` (the
    codes of overlapping grids, comma-joined: a data error), the responsible level and code (also
    when no unit covers the point: the nearest grid within the tolerance), ``match_method`` and
    ``distance_m``."""

    def __init__(self, units=(), on_boundary: bool = False, overlap: str = "", **decided) -> None:
        super().__init__(units)
        self.on_boundary, self.overlap = on_boundary, overlap
        self.resp_level: str = decided.get("resp_level", "")
        self.resp_code: str = decided.get("resp_code", "")
        self.match_method: str = decided.get("match_method", "")
        self.distance_m: float = decided.get("distance_m", float("nan"))


def _value(feature, name: str) -> str:
    idx = feature.fields().lookupField(name)
    if idx < 0:
        return ""
    value = feature.attribute(idx)
    return "" if value is None or str(value) == "NULL" else str(value)


#: The chain's display order of the levels.
_CHAIN_ORDER = {"street": 0, "community": 1, "grid": 2, "microgrid": 3, "dedicated": 4}
#: Each level's place in the engine's ``Hierarchy``.
_HIERARCHY_SLOTS = {"grid": "grids", "microgrid": "micro", "dedicated": "dedicated", "community": "communities",
                    "street": "streets"}  # fmt: skip
#: Half the side of the box a click's units are fetched from: the point and its shared-edge probe
#: (``geolocate.NUDGE``, millimetres away) both lie well inside it.
_PROBE_BOX = 0.01


def _raw(value):
    """An attribute as Python has it, QGIS's NULL as None (a Real code stays a number, so the
    engine's ``code_of`` reads ``440399001001001.0`` as the code it is)."""
    return None if value is None or (hasattr(value, "isNull") and value.isNull()) else value


def _working_crs(grids: QgsVectorLayer | None, fallback: QgsCoordinateReferenceSystem) -> QgsCoordinateReferenceSystem:
    """The CRS ``gridgov:geolocate`` works in for these grids (``placement.working_crs``: theirs when
    projected, else the UTM zone of their centre): the shared-edge probe and the tolerance are metres."""
    from gridgov.grid_ops.responsibility.placement import working_crs

    if grids is None:
        return fallback
    crs = grids.crs()
    if not crs.isGeographic():
        return crs
    extent = grids.extent()
    name = crs.authid() or crs.toWkt()
    return QgsCoordinateReferenceSystem(
        working_crs(name, (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()))
    )


def responsibility_chain(
    project: QgsProject,
    point: QgsPointXY,
    crs: QgsCoordinateReferenceSystem,
    class_code: str = "",
    tolerance: float | None = None,
) -> Chain:
    """Every hierarchy unit covering ``point`` (in ``crs``), and the one responsible for an order of
    ``class_code`` there, decided by the engine's own rule (``geolocate.assign`` on the units around
    the point, in the working CRS ``gridgov:geolocate`` uses, with its default ``tolerance`` for the
    nearest grid): the map tool and the algorithm cannot disagree, on shared edges, overlaps,
    class-specific dedicated grids and points just outside alike."""
    import geopandas as gpd
    import shapely

    from gridgov.grid_ops.grids.codes import code_of, code_sort_key
    from gridgov.grid_ops.responsibility import geolocate
    from gridgov.layers.processing.order_filters import default_class_groups

    tolerance = geolocate.DEFAULT_TOLERANCE if tolerance is None else float(tolerance)
    layers = {level: layer for level, layer in hierarchy_layers(project).items() if level in _CHAIN_ORDER}
    work = _working_crs(layers.get("grid"), crs)
    here = QgsCoordinateTransform(crs, work, project).transform(point)
    reach = tolerance + _PROBE_BOX  # units this near may answer (covering, probe, nearest)
    units: list[Unit] = []
    frames: dict[str, gpd.GeoDataFrame] = {}
    probe = QgsGeometry.fromPointXY(here)
    for level, layer in layers.items():
        to_layer = QgsCoordinateTransform(work, layer.crs(), project)
        box = to_layer.transformBoundingBox(
            QgsRectangle(here.x() - reach, here.y() - reach, here.x() + reach, here.y() + reach)
        )
        to_work = QgsCoordinateTransform(layer.crs(), work, project)
        code_field = layer.customProperty(CODE_PROPERTY) or ""
        rows, shapes = [], []
        for feature in layer.getFeatures(QgsFeatureRequest().setFilterRect(box)):
            geometry = QgsGeometry(feature.geometry())
            if geometry.isEmpty():
                continue
            try:
                geometry.transform(to_work)
            except QgsCsException:
                continue
            rows.append({name: _raw(value) for name, value in zip(feature.fields().names(), feature.attributes())})
            shapes.append(shapely.from_wkb(bytes(geometry.asWkb())))
            if geometry.intersects(probe):
                prio = _value(feature, "priority")
                units.append(
                    Unit(
                        level,
                        code_of(rows[-1].get(code_field)),
                        _value(feature, "name"),
                        _value(feature, "manager"),
                        _value(feature, "phone"),
                        int(float(prio)) if prio else None,
                        layer.id(),
                        feature.id(),
                    )
                )
        frame = gpd.GeoDataFrame(rows, geometry=shapes, crs=None) if rows else None
        if frame is not None and code_field in frame.columns:
            frames[level] = geolocate.UnitLayer.from_frame(frame, code_field)
    empty = gpd.GeoDataFrame({"code": []}, geometry=[], crs=None)
    hierarchy = geolocate.Hierarchy(
        grids=frames["grid"] if "grid" in frames else geolocate.UnitLayer.from_frame(empty, "code"),
        **{_HIERARCHY_SLOTS[level]: unit_layer for level, unit_layer in frames.items() if level != "grid"},
        class_groups=default_class_groups(),
    )
    result = geolocate.assign(hierarchy, [here.x()], [here.y()], [class_code], tolerance=tolerance).iloc[0]
    for unit in units:
        unit.responsible = unit.level == result[RESP_LEVEL] and unit.code == result[RESP_CODE]
    units.sort(
        key=lambda u: (_CHAIN_ORDER[u.level], u.priority if u.priority is not None else 99, code_sort_key(u.code))
    )
    return Chain(
        units,
        bool(result[ON_BOUNDARY]),
        str(result[OVERLAP]),
        resp_level=str(result[RESP_LEVEL]),
        resp_code=str(result[RESP_CODE]),
        match_method=str(result[MATCH_METHOD]),
        distance_m=float(result["distance_m"]),
    )


def responsible_unit(units: list[Unit]) -> Unit | None:
    """Who answers for the point (DESIGN.md §4), as the engine's rule decided it in
    :func:`responsibility_chain`."""
    return next((u for u in units if u.responsible), None)


LEVEL_TITLES = {
    "street": "Street",
    "community": "Community",
    "grid": "Grid",
    "microgrid": "Micro-grid",
    "dedicated": "Dedicated grid",
}


def chain_html(units: list[Unit]) -> str:
    """The chain as a small HTML table for the map tool's popup, with the rule's notes: a point on a
    shared edge, and overlapping grids (a data error, pointing at the check that finds them)."""
    from html import escape

    nearest = getattr(units, "match_method", "") == "nearest"
    if not units and not nearest:
        return "<p>" + tr("No grid covers this point.") + "</p>"
    grid = next((u for u in units if u.level == "grid"), None)
    rows = []
    for u in units:
        manager = u.manager or (grid.manager if grid and u.level == "microgrid" else "")
        phone = u.phone or (grid.phone if grid and u.level == "microgrid" else "")
        prio = f" (P{u.priority})" if u.priority is not None else ""
        rows.append(
            f"<tr><td><b>{tr(LEVEL_TITLES[u.level])}</b></td><td>{escape(u.code)}{prio}</td><td>{escape(u.name)}</td>"
            f"<td>{escape(manager)}</td><td>{escape(phone)}</td></tr>"
        )
    boss = responsible_unit(units)
    head = (
        f"<p><b>{tr('Responsible')}:</b> {tr(LEVEL_TITLES[boss.level])} {escape(boss.code)} {escape(boss.name)}</p>"
        if boss
        else ""
    )
    if nearest:
        note = tr("Outside every grid: the nearest grid {0}, {1:.0f} m away, answers for it.").format(
            escape(units.resp_code), units.distance_m
        )
        head += f"<p><b>{note}</b></p>"
    elif getattr(units, "overlap", ""):
        codes = escape(units.overlap.replace(",", ", "))
        head += (
            "<p><b>" + tr("Overlapping grids {0}: check the grid layer with Validate grids.").format(codes) + "</b></p>"
        )
    elif getattr(units, "on_boundary", False):
        head += "<p>" + tr("On an edge shared by grids: the grid to the east and north answers for it.") + "</p>"
    if not units:  # only the nearest grid answers: no covering unit to list
        return head
    return (
        head
        + "<table cellspacing='4'><tr><th></th><th>"
        + tr("Code")
        + "</th><th>"
        + tr("Name")
        + "</th><th>"
        + tr("Manager")
        + "</th><th>"
        + tr("Phone")
        + "</th></tr>"
        + "".join(rows)
        + "</table>"
    )
