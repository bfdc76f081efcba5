"""``gridgov:democity`` through Processing: files, a styled project QGIS can open, a readable map."""

from __future__ import annotations

import numpy as np
import processing
import pytest
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
from qgis.PyQt.QtGui import QImage

from gridgov.layers.printing.render import render_project_png


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory, qgis_processing):
    from gridgov.layers.processing.provider import GridGovProvider

    registry = QgsApplication.processingRegistry()
    provider = GridGovProvider()
    registry.addProvider(provider)
    out = tmp_path_factory.mktemp("demo")
    result = processing.run("gridgov:democity", {"SEED": 7, "ORDERS": 3000, "OUTPUT": str(out / "city.gpkg")})
    yield result
    registry.removeProvider(provider)


def test_algorithm_listed(gridgov_provider):
    ids = [alg.id() for alg in gridgov_provider.algorithms()]
    assert "gridgov:democity" in ids
    alg = QgsApplication.processingRegistry().algorithmById("gridgov:democity")
    assert alg.shortHelpString() and "SEED" in alg.shortHelpString()
    assert {p.name() for p in alg.parameterDefinitions()} == {"SEED", "ORDERS", "POSTS", "OUTPUT"}


def test_provider_name_and_icon(gridgov_provider):
    assert gridgov_provider.id() == "gridgov"
    assert "Grid Governance" in gridgov_provider.name()
    assert not gridgov_provider.icon().isNull()


def test_outputs_written(demo_outputs):
    gpkg = demo_outputs["OUTPUT"]
    grids = QgsVectorLayer(f"{gpkg}|layername=grids", "grids", "ogr")
    assert grids.isValid() and grids.crs().authid() == "EPSG:4547"
    assert 500 <= grids.featureCount() <= 700
    orders = QgsVectorLayer(f"{gpkg}|layername=orders", "orders", "ogr")
    assert orders.isValid() and orders.featureCount() == 3000
    assert not orders.isSpatial()


def test_project_opens_with_styled_groups(demo_outputs):
    project = QgsProject()
    assert project.read(demo_outputs["PROJECT"])
    groups = {g.name(): g for g in project.layerTreeRoot().children()}
    assert {"工单 Work orders", "网格体系 Grid hierarchy", "底图 Base"} <= set(groups)
    in_hierarchy = [node.name() for node in groups["网格体系 Grid hierarchy"].findLayers()]
    levels = ["专属网格 Dedicated grids", "街道 Streets", "社区 Communities", "网格 Grids", "微网格 Micro-grids"]
    assert in_hierarchy[:5] == levels
    layers = project.mapLayers().values()
    assert all(layer.isValid() for layer in layers)
    grids = next(layer for layer in layers if layer.name() == "网格 Grids")
    assert grids.labelsEnabled()
    dedicated = next(layer for layer in layers if layer.name() == "专属网格 Dedicated grids")
    assert dedicated.renderer().type() == "categorizedSymbol"
    assert not project.viewSettings().defaultViewExtent().isEmpty()  # opens on the district, not 1:1
    micro = next(layer for layer in layers if layer.name() == "微网格 Micro-grids")
    assert micro.hasScaleBasedVisibility()


def test_overview_png_is_a_map(demo_outputs, tmp_path):
    png = render_project_png(demo_outputs["PROJECT"], tmp_path / "map.png", size=(800, 640), extent_layer="district")
    image = QImage(str(png))
    assert image.width() == 800 and image.height() == 640
    ptr = image.convertToFormat(QImage.Format.Format_RGB32).constBits()
    ptr.setsize(800 * 640 * 4)
    pixels = np.frombuffer(ptr, dtype=np.uint8).reshape(640, 800, 4)[:, :, :3]
    assert pixels.std() > 20  # not blank
    rgb = pixels[:, :, ::-1].astype(int)  # Format_RGB32 is BGRA in memory
    magenta = (rgb[:, :, 0] - rgb[:, :, 1] > 40) & (rgb[:, :, 2] - rgb[:, :, 1] > 20)
    assert magenta.sum() > 2000  # the magenta grid lines are drawn


def test_cancel_stops_the_algorithm(gridgov_provider, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    feedback.cancel()
    alg = QgsApplication.processingRegistry().createAlgorithmById("gridgov:democity")
    with pytest.raises(QgsProcessingException):
        alg.run(
            {"SEED": 1, "ORDERS": 100, "OUTPUT": str(tmp_path / "x.gpkg")},
            QgsProcessingContext(),
            feedback,
            catchExceptions=False,
        )
