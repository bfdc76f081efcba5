"""The hierarchy in QGIS: one styled group, the roster joined, "whose is this?", the locator, three zoom levels."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest
import shapely
from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsProject
from qgis.PyQt.QtGui import QImage

from gridgov.layers.hierarchy.group import LEVEL_PROPERTY, hierarchy_layers, load_hierarchy
from gridgov.layers.hierarchy.whose import responsibility_chain, responsible_unit


@pytest.fixture()
def project(demo_city_gpkg):
    project = QgsProject()
    group = load_hierarchy(demo_city_gpkg, project)
    yield project, group
    project.clear()


def test_one_group_with_every_level(project):
    proj, group = project
    assert group.name().startswith("网格体系")
    levels = [child.layer().customProperty(LEVEL_PROPERTY) for child in group.findLayers()]
    assert levels == ["dedicated", "street", "community", "grid", "microgrid", "roster"]
    layers = hierarchy_layers(proj)
    grids = layers["grid"]
    assert grids.fields().lookupField("manager") >= 0, "roster joined to the grids"
    assert layers["microgrid"].hasScaleBasedVisibility()
    assert grids.labelsEnabled() and grids.labeling().type() == "rule-based"
    assert layers["dedicated"].renderer().type() == "categorizedSymbol"


def test_whose_is_this_matches_an_independent_point_in_polygon(project, demo_city_gpkg):
    proj, _ = project
    dedicated = pyogrio.read_dataframe(demo_city_gpkg, layer="dedicated_grids")
    target = dedicated[dedicated.kind == "hospital"].iloc[0]
    point = shapely.get_point(shapely.maximum_inscribed_circle(target.geometry), 0)
    units = responsibility_chain(proj, QgsPointXY(point.x, point.y), QgsCoordinateReferenceSystem("EPSG:4547"))
    by_level = {u.level: u for u in units}
    # oracle: shapely point-in-polygon on the GeoPackage, level by level
    for level, layer_name, field in (
        ("street", "streets", "street_code"),
        ("community", "communities", "community_code"),
        ("grid", "grids", "grid_code"),
        ("microgrid", "microgrids", "micro_code"),
    ):
        frame = pyogrio.read_dataframe(demo_city_gpkg, layer=layer_name)
        hit = frame[frame.geometry.contains(point)][field].tolist()
        assert [by_level[level].code] == hit, level
    roster = pyogrio.read_dataframe(demo_city_gpkg, layer="roster")
    manager = roster.set_index("grid_code").loc[by_level["grid"].code, "manager"]
    assert by_level["grid"].manager == manager
    assert responsible_unit(units).level == "dedicated"
    assert responsible_unit(units).code == target.dedicated_code


def test_whose_tool_shows_the_chain(project, qgis_canvas):
    from gridgov.ui.whose_tool import WhoseIsThisTool

    proj, _ = project
    grids = hierarchy_layers(proj)["grid"]
    feature = next(grids.getFeatures())
    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4547"))
    tool = WhoseIsThisTool(qgis_canvas, proj)
    html = tool.show_chain(feature.geometry().pointOnSurface().asPoint())
    assert feature["grid_code"] in html and feature["manager"] in html
    assert tool.popup is not None and tool.popup.isVisible()
    tool.popup.close()


def test_locator_finds_by_code_and_name(project):
    from gridgov.ui.locator import find_units

    proj, _ = project
    grids = hierarchy_layers(proj)["grid"]
    feature = next(grids.getFeatures())
    by_code = find_units(proj, feature["grid_code"])
    assert any(fid == feature.id() for _, fid, _ in by_code)
    by_name = find_units(proj, feature["name"])
    assert any(feature["name"] in text for _, _, text in by_name)
    assert find_units(proj, "'; DROP TABLE grids; --") == []


def test_locator_finds_addresses_of_the_gazetteer(demo_city_gpkg, project):
    from qgis.core import QgsVectorLayer

    from gridgov.ui.locator import find_addresses

    proj, _ = project
    gazetteer = QgsVectorLayer(f"{demo_city_gpkg}|layername=addresses", "标准地址", "ogr")
    proj.addMapLayer(gazetteer)
    address = next(gazetteer.getFeatures())["address"]
    found = find_addresses(proj, address[-8:])
    assert found and all(layer_id == gazetteer.id() for layer_id, _, _ in found)
    assert any(address in text for _, _, text in found)
    assert find_addresses(proj, "'; DROP TABLE addresses; --") == []
    assert len(find_addresses(proj, "深圳", limit=5)) == 5


@pytest.mark.parametrize("scale", [60000, 10000, 4000])
def test_hierarchy_renders_at_three_zoom_levels(demo_city_gpkg, tmp_path, scale):
    from gridgov.layers.printing.render import render_project_png
    from gridgov.layers.project.demo_project import build_demo_project

    qgz = build_demo_project(demo_city_gpkg, tmp_path / "city.qgz")
    district = pyogrio.read_dataframe(demo_city_gpkg, layer="district").geometry.iloc[0].centroid
    png = render_project_png(
        qgz, tmp_path / f"z{scale}.png", size=(800, 600), center=(district.x, district.y), scale=scale
    )
    image = QImage(str(png))
    ptr = image.constBits()
    ptr.setsize(image.sizeInBytes())
    pixels = np.frombuffer(ptr, dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    assert pixels.std() > 10  # not a blank page


def test_whose_tool_shows_an_order_under_the_click(project, qgis_canvas, tmp_path):
    import geopandas as gpd
    import shapely
    from qgis.core import QgsVectorLayer

    from gridgov.ui.whose_tool import WhoseIsThisTool

    proj, _ = project
    grids = hierarchy_layers(proj)["grid"]
    spot = next(grids.getFeatures()).geometry().pointOnSurface().asPoint()
    orders = gpd.GeoDataFrame(
        {
            "order_id": ["A1", "A2"], "class_code": ["0101", "0601"], "status": ["办理中", "已办结"],
            "reported_at": ["2025-12-03T08:15:00", "2025-12-04T23:40:00"], "resp_code": ["G1", "G2"],
            "responsible": ["刘杰", "张娟"], "case_id": [7, 8], "repeat_count": [3, 1], "is_repeat": [True, False],
            "match_method": ["inside", "inside"],
        },
        geometry=[shapely.Point(spot.x(), spot.y()), shapely.Point(spot.x() + 5000, spot.y())],
        crs="EPSG:4547",
    )  # fmt: skip
    orders.to_file(tmp_path / "placed.gpkg", driver="GPKG")
    proj.addMapLayer(QgsVectorLayer(str(tmp_path / "placed.gpkg"), "工单落格 Placed orders", "ogr"))
    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4547"))
    tool = WhoseIsThisTool(qgis_canvas, proj)
    html = tool.show_chain(spot)
    assert "A1" in html and "暴露垃圾" in html and "办理中" in html and "刘杰" in html
    assert "Repeat · case 7 · 3 orders" in html and "A2" not in html  # only the order under the click
    assert "Responsible" in html  # and the responsibility chain of the spot below it
    tool.popup.close()
