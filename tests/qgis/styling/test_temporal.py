"""Temporal properties: orders and monthly heatmaps play month by month in QGIS's temporal controller."""

from __future__ import annotations

import pytest
from qgis.core import QgsDateTimeRange, QgsFeature, QgsFeatureRequest, QgsProject, QgsUnitTypes, QgsVectorLayer
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime

from gridgov.layers.styling import temporal


@pytest.mark.parametrize(
    ("text", "begin", "end"),
    [
        ("heatmap_2025-12", "2025-12-01", "2026-01-01"),
        ("2024-02", "2024-02-01", "2024-03-01"),
        ("month 2025-01 noise", "2025-01-01", "2025-02-01"),
    ],
)
def test_month_range_from_a_name(text, begin, end, qgis_app):
    span = temporal.month_range(text)
    assert span.begin().toString("yyyy-MM-dd") == begin and span.end().toString("yyyy-MM-dd") == end
    assert not span.includeEnd()  # an order at midnight on the 1st belongs to the new month only


@pytest.mark.parametrize("text", ["", "heatmap_noise", "2025-13", "2025-123"])
def test_no_month_no_range(text, qgis_app):
    assert temporal.month_range(text) is None


def test_orders_are_events_and_the_project_steps_by_month(demo_city_gpkg, qgis_app):
    layer = QgsVectorLayer(f"{demo_city_gpkg}|layername=truth_orders", "orders", "ogr")
    assert temporal.time_field(layer) == "true_time"
    assert temporal.set_event_time(layer)
    properties = layer.temporalProperties()
    assert properties.isActive() and "true_time" in properties.startExpression()  # text: read by expression
    # the frame of one month holds exactly that month's orders
    times = [QDateTime.fromString(str(f["true_time"])[:19], Qt.DateFormat.ISODate) for f in layer.getFeatures()]
    first = min(times)
    month = QDateTime(QDate(first.date().year(), first.date().month(), 1), QTime(0, 0))
    frame = QgsDateTimeRange(month, month.addMonths(1), True, False)
    expected = sum(month <= t < month.addMonths(1) for t in times)
    request = QgsFeatureRequest().setFilterExpression(properties.createFilterString(_context(layer), frame))
    assert sum(1 for _ in layer.getFeatures(request)) == expected > 0
    project = QgsProject()
    project.addMapLayer(layer)
    temporal.fit_project_time(project, [layer])
    settings = project.timeSettings()
    assert settings.timeStepUnit() == QgsUnitTypes.TemporalUnit.TemporalMonths and settings.timeStep() == 1
    assert settings.temporalRange().begin() == month  # from the first order's month


def test_a_layer_without_time_is_left_alone(demo_city_gpkg, qgis_app):
    layer = QgsVectorLayer(f"{demo_city_gpkg}|layername=grids", "grids", "ogr")
    assert temporal.time_field(layer) is None
    assert not temporal.set_event_time(layer)
    assert not layer.temporalProperties().isActive()


def _context(layer):
    from qgis.core import QgsVectorLayerTemporalContext

    context = QgsVectorLayerTemporalContext()
    context.setLayer(layer)
    return context


def test_orders_loaded_from_an_algorithm_are_temporal(demo_city_gpkg, qgis_app):
    # what Processing calls when geolocate's or findrepeats' output loads into the project
    from gridgov.layers.styling.layer_styles import StyleOnLoad

    layer = QgsVectorLayer(f"{demo_city_gpkg}|layername=truth_orders", "orders", "ogr")
    StyleOnLoad("placed_orders", "Placed orders", events=True).postProcessLayer(layer, None, None)
    assert layer.name() == "Placed orders" and layer.temporalProperties().isActive()


def test_mixed_time_formats_each_show_in_their_month(qgis_app):
    # what 12345 exports mix: ISO with an offset, ISO with a space, 2025/1/5 8:00, a bare date
    texts = [
        "2025-03-01T00:42:08+08:00", "2025-03-31 23:59:59", "2025/3/5 8:00", "2025-03-09",
        "2025-04-01 00:00:00", "2025/4/30 17:47", "", None,
    ]  # fmt: skip
    layer = QgsVectorLayer("Point?crs=EPSG:4547&field=reported_at:string", "orders", "memory")
    features = []
    for text in texts:
        feature = QgsFeature(layer.fields())
        feature.setAttributes([text])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    assert temporal.time_field(layer) == "reported_at" and temporal.set_event_time(layer)
    properties = layer.temporalProperties()
    for month, expected in ((3, 4), (4, 2), (5, 0)):
        begin = QDateTime(QDate(2025, month, 1), QTime(0, 0))
        frame = QgsDateTimeRange(begin, begin.addMonths(1), True, False)
        request = QgsFeatureRequest().setFilterExpression(properties.createFilterString(_context(layer), frame))
        assert sum(1 for _ in layer.getFeatures(request)) == expected, month
    project = QgsProject()
    project.addMapLayer(layer)
    temporal.fit_project_time(project, [layer])
    span = project.timeSettings().temporalRange()
    assert span.begin().toString("yyyy-MM-dd") == "2025-03-01" and span.end().toString("yyyy-MM-dd") == "2025-04-30"


def test_the_background_span_of_a_geopackage_equals_reading_every_feature(demo_city_gpkg, qgis_app, monkeypatch):
    """TimeSpanTask reads a GeoPackage with GDAL in parts; QGIS's feature by feature read agrees."""
    from gridgov.layers.io import convert

    monkeypatch.setattr(convert, "READ_PART", 70)  # many fid ranges on the small demo city
    monkeypatch.setattr(temporal, "PARSE_BATCH", 33)
    layer = QgsVectorLayer(f"{demo_city_gpkg}|layername=truth_orders", "orders", "ogr")
    task = temporal.TimeSpanTask(layer, QgsProject.instance())
    assert task.gpkg is not None
    assert task.run()
    expected = temporal._time_span(layer)
    assert task.span.begin() == expected.begin() and task.span.end() == expected.end()
