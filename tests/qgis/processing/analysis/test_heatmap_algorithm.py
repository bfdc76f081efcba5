"""gridgov:heatmap through Processing: the exact kernel sum, QGIS's own heatmap, filters and series."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import processing
import pytest
from osgeo import gdal
from qgis.core import QgsProject, QgsRasterLayer, QgsSingleBandPseudoColorRenderer, QgsVectorLayer


def _layer(gpkg: Path, name: str) -> str:
    return f"{gpkg}|layername={name}"


def _read(path: str) -> tuple[np.ndarray, tuple]:
    ds = gdal.Open(str(path))
    band = ds.GetRasterBand(1)
    values = band.ReadAsArray().astype(float)
    nodata = band.GetNoDataValue()
    if nodata is not None:
        values[values == nodata] = 0.0
    return values, ds.GetGeoTransform()


def _points(gpkg: Path) -> np.ndarray:
    layer = QgsVectorLayer(_layer(gpkg, "truth_orders"), "orders", "ogr")
    return np.array([[f.geometry().asPoint().x(), f.geometry().asPoint().y()] for f in layer.getFeatures()])


def _quartic_sum(xy: np.ndarray, px: float, py: float, radius: float) -> float:
    d = np.hypot(xy[:, 0] - px, xy[:, 1] - py) / radius
    return float(((1 - d[d <= 1] ** 2) ** 2).sum())


def test_heatmap_equals_the_kernel_sum_and_qgis_heatmap(demo_city_gpkg, tmp_path, gridgov_provider):
    # a private copy: after dozens of earlier runs on the shared session GeoPackage (in WAL mode),
    # QGIS's own heatmap at times failed to query it ("unable to open database file"); the oracle
    # comparison is not about that (noted on issue 6 to be found at its root)
    city = tmp_path / "city.gpkg"
    shutil.copyfile(demo_city_gpkg, city)
    params = {"INPUT": _layer(city, "truth_orders"), "RADIUS": 300.0, "PIXEL_SIZE": 25.0, "KERNEL": 0}
    ours = processing.run("gridgov:heatmap", {**params, "OUTPUT_VALUE": 0, "OUTPUT": str(tmp_path / "ours.tif")})
    qgis = processing.run(
        "qgis:heatmapkerneldensityestimation", {**params, "OUTPUT_VALUE": 0, "OUTPUT": str(tmp_path / "qgis.tif")}
    )
    values, transform = _read(ours["OUTPUT"])
    theirs, their_transform = _read(qgis["OUTPUT"])
    assert ours["POINTS_USED"] == 500
    # QGIS's own raster layout: same corner, pixel size and size
    assert transform == pytest.approx(their_transform)
    assert values.shape == theirs.shape

    # the oracle: the direct kernel sum at the pixel centres (where it is not negligible)
    xy = _points(city)
    rng = np.random.default_rng(5)
    rows, cols = np.nonzero(values > 0.05 * values.max())
    pick = rng.choice(len(rows), 300, replace=False)
    for r, c in zip(rows[pick], cols[pick]):
        px = transform[0] + (c + 0.5) * transform[1]
        py = transform[3] + (r + 0.5) * transform[5]
        assert values[r, c] == pytest.approx(_quartic_sum(xy, px, py, 300.0), rel=5e-3)

    # QGIS's heatmap computes each point's kernel about a centre shifted by up to a pixel (it mixes
    # rows counted from the bottom and from the top): same surface up to that shift
    assert values.sum() == pytest.approx(theirs.sum(), rel=0.02)
    assert np.corrcoef(values.ravel(), theirs.ravel())[0, 1] > 0.98
    peak = np.unravel_index(values.argmax(), values.shape)
    their_peak = np.unravel_index(theirs.argmax(), theirs.shape)
    assert abs(peak[0] - their_peak[0]) <= 2 and abs(peak[1] - their_peak[1]) <= 2


def test_heatmap_scaled_values_equal_qgis_constants(demo_city_gpkg, tmp_path, gridgov_provider):
    raw = processing.run(
        "gridgov:heatmap",
        {
            "INPUT": _layer(demo_city_gpkg, "truth_orders"),
            "RADIUS": 200.0,
            "PIXEL_SIZE": 25.0,
            "KERNEL": 4,
            "OUTPUT_VALUE": 0,
            "OUTPUT": str(tmp_path / "raw.tif"),
        },
    )
    scaled = processing.run(
        "gridgov:heatmap",
        {
            "INPUT": _layer(demo_city_gpkg, "truth_orders"),
            "RADIUS": 200.0,
            "PIXEL_SIZE": 25.0,
            "KERNEL": 4,
            "OUTPUT_VALUE": 1,
            "OUTPUT": str(tmp_path / "scaled.tif"),
        },
    )
    a, _ = _read(raw["OUTPUT"])
    b, _ = _read(scaled["OUTPUT"])
    factor = 8.0 / (3.0 * np.pi * 200.0**2) * 0.75  # QGIS's Epanechnikov constant
    np.testing.assert_allclose(b, a * factor, rtol=1e-4, atol=1e-9)


def test_night_noise_filter_and_monthly_series_share_one_scale(demo_city_gpkg, tmp_path, gridgov_provider):
    project = QgsProject.instance()
    project.removeAllMapLayers()
    folder = tmp_path / "series"
    result = processing.runAndLoadResults(
        "gridgov:heatmap",
        {
            "INPUT": _layer(demo_city_gpkg, "truth_orders"),
            "RADIUS": 300.0,
            "PIXEL_SIZE": 40.0,
            "CATEGORY_FIELD": "class_code",
            "CATEGORIES": "noise",
            "TIME_FIELD": "true_time",
            "HOURS": "22-6",
            "SERIES": 1,
            "OUTPUT": str(tmp_path / "night_noise.tif"),
            "OUTPUT_FOLDER": str(folder),
        },
    )
    layer = QgsVectorLayer(_layer(demo_city_gpkg, "truth_orders"), "orders", "ogr")
    expected = 0
    for f in layer.getFeatures():
        hour = int(str(f["true_time"])[11:13]) if len(str(f["true_time"])) > 12 else -1
        if str(f["class_code"]).startswith("06") and (hour >= 22 or 0 <= hour < 6):
            expected += 1
    assert result["POINTS_USED"] == expected > 0
    files = sorted(folder.glob("heatmap_*.tif"))
    assert len(files) == len(result["SERIES_LAYERS"]) >= 2
    maxima = [_read(f)[0].max() for f in files]
    assert result["SERIES_MAXIMUM"] == pytest.approx(max(maxima), rel=1e-5)
    assert result["MAXIMUM"] == pytest.approx(_read(result["OUTPUT"])[0].max(), rel=1e-5)
    # every raster of the series on the same extent and on the same colour scale
    transforms = {_read(f)[1] for f in files}
    assert len(transforms) == 1
    loaded = [lyr for lyr in project.mapLayers().values() if isinstance(lyr, QgsRasterLayer)]
    series_layers = [lyr for lyr in loaded if Path(lyr.source()).parent == folder]
    assert len(series_layers) == len(files)
    for lyr in series_layers:
        renderer = lyr.renderer()
        assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
        assert renderer.classificationMax() == pytest.approx(result["SERIES_MAXIMUM"], rel=1e-5)
        # the temporal controller shows each month's raster in that month only
        month = Path(lyr.source()).stem.replace("heatmap_", "")
        span = lyr.temporalProperties().fixedTemporalRange()
        assert lyr.temporalProperties().isActive()
        assert span.begin().toString("yyyy-MM-dd") == f"{month}-01"
        assert span.includeBeginning() and not span.includeEnd()
        assert span.begin().addMonths(1) == span.end()
    project.removeAllMapLayers()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"HOURS": "night"}, "HOURS"),
        ({"CATEGORIES": "0601", "CATEGORY_FIELD": ""}, "CATEGORY_FIELD"),
        ({"CATEGORIES": "9999", "CATEGORY_FIELD": "class_code"}, "No order passes"),
    ],
)
def test_heatmap_bad_parameters_say_what_is_wrong(demo_city_gpkg, tmp_path, gridgov_provider, extra, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=message):
        processing.run(
            "gridgov:heatmap",
            {
                "INPUT": _layer(demo_city_gpkg, "truth_orders"),
                "TIME_FIELD": "true_time",
                **extra,
                "OUTPUT": str(tmp_path / "x.tif"),
            },
        )


def test_heatmap_extent_and_weights(demo_city_gpkg, tmp_path, gridgov_provider):
    """EXTENT fixes the raster (so periods line up); WEIGHT_FIELD weighs each order (here only the
    orders of planted hot areas count, weighted by their area id)."""
    extent = "500000,505000,2495000,2499000 [EPSG:4547]"
    result = processing.run(
        "gridgov:heatmap",
        {
            "INPUT": _layer(demo_city_gpkg, "truth_orders"),
            "RADIUS": 250.0,
            "PIXEL_SIZE": 50.0,
            "EXTENT": extent,
            "WEIGHT_FIELD": "hotarea_id",
            "OUTPUT": str(tmp_path / "w.tif"),
        },
    )
    values, transform = _read(result["OUTPUT"])
    assert transform == pytest.approx((500000.0, 50.0, 0.0, 2499000.0, 0.0, -50.0))
    assert values.shape == (80, 100)
    assert values.max() > 0 and (values == 0).any()  # hot-area orders inside, plain orders weigh nothing
    layer = QgsVectorLayer(_layer(demo_city_gpkg, "truth_orders"), "o", "ogr")
    pts = np.array(
        [[f.geometry().asPoint().x(), f.geometry().asPoint().y(), f["hotarea_id"]] for f in layer.getFeatures()]
    )
    rng = np.random.default_rng(1)
    for r, c in zip(rng.integers(0, 80, 60), rng.integers(0, 100, 60)):
        px, py = 500000.0 + (c + 0.5) * 50.0, 2499000.0 - (r + 0.5) * 50.0
        d = np.hypot(pts[:, 0] - px, pts[:, 1] - py) / 250.0
        expected = float((pts[d <= 1, 2] * (1 - d[d <= 1] ** 2) ** 2).sum())
        assert values[r, c] == pytest.approx(expected, rel=5e-3, abs=1e-3 * max(values.max(), 1.0))


def test_heatmap_reads_positions_and_the_filter_fields_only(demo_city_gpkg, tmp_path, gridgov_provider, monkeypatch):
    """Issue 24: the heatmap read every column of every order (5 s of 1,000,000 orders' 4 s run); it needs
    the positions and the fields its weight and filters name."""
    from gridgov.layers.processing.analysis import heatmap_alg

    asked = []
    real = heatmap_alg.read_source

    def spy(*args, **kwargs):
        asked.append(kwargs.get("fields"))
        return real(*args, **kwargs)

    monkeypatch.setattr(heatmap_alg, "read_source", spy)
    params = {"INPUT": _layer(demo_city_gpkg, "truth_orders"), "RADIUS": 300.0, "PIXEL_SIZE": 40.0}
    processing.run("gridgov:heatmap", {**params, "OUTPUT": str(tmp_path / "a.tif")})
    filtered = {**params, "CATEGORY_FIELD": "class_code", "CATEGORIES": "noise", "TIME_FIELD": "true_time"}
    processing.run("gridgov:heatmap", {**filtered, "HOURS": "22-6", "OUTPUT": str(tmp_path / "b.tif")})
    # CATEGORY_FIELD defaults to class_code (a class series needs it): read when the layer has it
    assert asked == [["class_code"], ["class_code", "true_time"]]


def test_orders_placed_nowhere_do_not_set_the_extent(tmp_path, gridgov_provider):
    """Geolocate's output keeps orders 1,900 km away (unassigned): reading only the filter fields must
    still read match_method, or the raster spans the country and the run stops as too large."""
    from qgis.core import QgsFeature, QgsField, QgsGeometry, QgsPointXY
    from qgis.PyQt.QtCore import QVariant

    layer = QgsVectorLayer("Point?crs=EPSG:4547", "placed", "memory")
    layer.dataProvider().addAttributes([QgsField("match_method", QVariant.String)])
    layer.updateFields()
    features = []
    for x, y, method in ([(500_000 + 40 * k, 2_500_000 + 30 * k, "inside") for k in range(20)]
                         + [(705_530.0, 4_422_059.0, "unassigned")]):  # fmt: skip
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feature.setAttributes([method])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    result = processing.run(
        "gridgov:heatmap", {"INPUT": layer, "RADIUS": 300.0, "PIXEL_SIZE": 10.0, "OUTPUT": str(tmp_path / "h.tif")}
    )
    ds = gdal.Open(result["OUTPUT"])
    assert ds.RasterXSize * 10 < 5_000 and ds.RasterYSize * 10 < 5_000  # the 20 placed orders, not the far one


def test_heatmap_geotiff_is_the_engines_surface_tiled_as_qgis_writes(demo_city_gpkg, tmp_path, gridgov_provider):
    """The GeoTIFF holds the engine's float32 surface as it is, tiled (and compressed or not as
    rasters.GEOTIFF_OPTIONS says), and MAXIMUM is the file's largest value."""
    from gridgov.grid_ops.analytics import kde
    from gridgov.layers.outputs.rasters import GEOTIFF_OPTIONS

    params = {"INPUT": _layer(demo_city_gpkg, "truth_orders"), "RADIUS": 300.0, "PIXEL_SIZE": 25.0}
    result = processing.run("gridgov:heatmap", {**params, "OUTPUT": str(tmp_path / "h.tif")})
    ds = gdal.Open(result["OUTPUT"])
    band = ds.GetRasterBand(1)
    assert band.DataType == gdal.GDT_Float32 and band.GetBlockSize() == [256, 256]
    compressed = any(option.startswith("COMPRESS=") for option in GEOTIFF_OPTIONS)
    assert ("COMPRESSION" in (ds.GetMetadata("IMAGE_STRUCTURE") or {})) == compressed
    values = band.ReadAsArray()
    assert result["MAXIMUM"] == float(values.max())
    xy = _points(demo_city_gpkg)
    transform = ds.GetGeoTransform()
    spec = kde.RasterSpec(transform[0], transform[3], transform[1], ds.RasterXSize, ds.RasterYSize)
    np.testing.assert_array_equal(values, kde.density(xy[:, 0], xy[:, 1], spec, 300.0, dtype=np.float32))
