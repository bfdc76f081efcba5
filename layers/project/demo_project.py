"""Build the demo city's QGIS project: every layer of the GeoPackage, grouped and styled."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRectangle, QgsReferencedRectangle, QgsVectorLayer

from gridgov.layers.hierarchy.group import load_hierarchy
from gridgov.layers.styling.layer_styles import apply_style

# (group title, visible, [(layer in the GeoPackage, title in QGIS, style or None)]), top of the legend first
DEMO_GROUPS_ABOVE = [
    (
        "工单 Work orders",
        True,
        [
            ("truth_orders", "工单位置 Order locations (true)", "orders_points"),
            ("orders", "12345工单 Work orders (as reported)", None),
            ("inspections", "巡查上报 Inspection reports", None),
            ("posts", "网络帖子 Internet posts (未诉先办)", None),
        ],
    ),
]
# the grid hierarchy group (layers/hierarchy/group.py) goes between these two lists
DEMO_GROUPS_BELOW = [
    ("街道办 Street offices", True, [("street_offices", "街道办 Street offices", "street_offices")]),
    (
        "底图 Base",
        True,
        [
            ("roads", "道路 Roads", "roads"),
            ("district", "辖区 District", "district"),
        ],
    ),
    (
        "名册 Teams and catalogue",
        True,
        [
            ("patrol_teams", "巡查队 Patrol teams", None),
            ("class_cases", "类案目录 Class-case catalogue", None),
        ],
    ),
    (
        "真值 Ground truth (demo)",
        False,
        [
            ("truth_hotareas", "预设热点区 Planted hot areas", "truth_hotareas"),
            ("truth_inspections", "巡查真实位置 Inspection locations (true)", None),
            ("truth_posts", "帖子真实位置 Post locations (true)", None),
            ("addresses", "标准地址 Address gazetteer", None),
            ("buildings", "楼栋 Buildings and households", None),
            ("demo_info", "Demo info", None),
        ],
    ),
]


def build_demo_project(gpkg: str | Path, project_path: str | Path) -> Path:
    """Write a ``.qgz`` beside the GeoPackage referencing it by relative path."""
    gpkg = Path(gpkg).resolve()
    project_path = Path(project_path).resolve()
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:4547"))
    project.setTitle("深圳市滨河区（示范）网格治理 Demo district")
    _add_groups(project, gpkg, DEMO_GROUPS_ABOVE)
    load_hierarchy(gpkg, project)
    extent = _add_groups(project, gpkg, DEMO_GROUPS_BELOW)
    if not extent.isEmpty():  # open zoomed to the district, not at 1:1
        extent.scale(1.05)
        project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, project.crs()))
    if not project.write(str(project_path)):
        raise RuntimeError(f"could not write {project_path}: {project.error()}")
    return project_path


def _add_groups(project: QgsProject, gpkg: Path, groups) -> QgsRectangle:
    """Add plain styled groups; returns the district's extent when the district layer is among them."""
    root = project.layerTreeRoot()
    extent = QgsRectangle()
    for title, visible, members in groups:
        group = root.addGroup(title)
        group.setItemVisibilityChecked(visible)
        for layer_name, layer_title, style in members:
            layer = QgsVectorLayer(f"{gpkg}|layername={layer_name}", layer_title, "ogr")
            if not layer.isValid():
                raise RuntimeError(f"layer {layer_name} of {gpkg} is not valid")
            if style:
                apply_style(layer, style)
            project.addMapLayer(layer, False)
            group.addLayer(layer)
            if layer_name == "district":
                extent = layer.extent()
    return extent


def add_result_layer(
    project_path: str | Path,
    source: str,
    title: str,
    style: str,
    group_title: str,
    maximum: float | None = None,
    hide_others: bool = True,
    month: str | None = None,
    events: bool = False,
) -> None:
    """Put an algorithm's output layer at the top of a group of a saved project, styled, and save it.

    A ``.tif`` source is a heatmap raster, its colour scale stretched to ``maximum``. With
    ``hide_others`` the other layers of that group are hidden, so the project opens on the result.
    ``month`` (a heatmap of one month) and ``events`` (orders with a report time) make the layer
    temporal; the project's time range then spans every temporal layer, stepping by month.
    """
    from gridgov.layers.styling import temporal

    project = QgsProject()
    if not project.read(str(project_path)):
        raise RuntimeError(f"could not read {project_path}: {project.error()}")
    if str(source).lower().endswith(".tif"):
        from qgis.core import QgsRasterLayer

        from gridgov.layers.styling.layer_styles import style_heatmap

        layer = QgsRasterLayer(str(source), title)
        if not layer.isValid():
            raise RuntimeError(f"{source} is not a valid raster")
        style_heatmap(layer, maximum or 1.0)
    else:
        layer = QgsVectorLayer(source, title, "ogr")
        if not layer.isValid():
            raise RuntimeError(f"{source} is not a valid layer")
        apply_style(layer, style)
    root = project.layerTreeRoot()
    group = root.findGroup(group_title) or root.insertGroup(0, group_title)
    for child in group.findLayers() if hide_others else ():
        child.setItemVisibilityChecked(False)
    if month:
        temporal.set_month(layer, month)
    if events:
        temporal.set_event_time(layer)
    project.addMapLayer(layer, False)
    group.insertLayer(0, layer)
    if month or events:
        temporal.fit_project_time(project, [layer])
    if not project.write(str(project_path)):
        raise RuntimeError(f"could not write {project_path}: {project.error()}")


def set_group_visible(project_path: str | Path, group_title: str, visible: bool) -> None:
    """Check or uncheck a layer group of a saved project, and save it."""
    project = QgsProject()
    if not project.read(str(project_path)):
        raise RuntimeError(f"could not read {project_path}: {project.error()}")
    group = project.layerTreeRoot().findGroup(group_title)
    if group is not None:
        group.setItemVisibilityChecked(visible)
        if not project.write(str(project_path)):
            raise RuntimeError(f"could not write {project_path}: {project.error()}")
