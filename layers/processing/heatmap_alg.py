"""``gridgov:heatmap``: kernel density of orders (QGIS's kernels) by binning and FFT convolution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDistance,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
)

from gridgov.grid_ops.schema import MATCH_METHOD
from gridgov.layers.convert import POSITIONS
from gridgov.layers.orders_input import frame_x_y
from gridgov.layers.outputs import RunOutputs, raise_cancelled, staged_path
from gridgov.layers.processing.base import GridGovAlgorithm, StyleOnLoad, read_source, require_projected, tr
from gridgov.layers.processing.order_filters import add_filter_parameters, filter_fields, filter_orders

SERIES_KINDS = ("none", "month", "class")


def _columns(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of the rows ``mask`` keeps; ``x`` and ``y`` themselves when it keeps them all (usually:
    no filter, every order placed), not two copies of a million positions."""
    if mask.all():
        return x, y
    return x[mask], y[mask]


class HeatmapAlgorithm(GridGovAlgorithm):
    NAME = "heatmap"
    DISPLAY = "Heatmap of class cases"
    GROUP_ID = "analysis"
    GROUP = "Analysis"
    HELP = (
        "Kernel density of orders as a GeoTIFF, with the kernels and raw / scaled values of QGIS's own Heatmap "
        "(RADIUS, PIXEL_SIZE, KERNEL, DECAY, OUTPUT_VALUE and WEIGHT_FIELD mean the same), computed by binning "
        "the points on a lattice finer than the pixels and one FFT convolution: the same surface as the direct "
        "kernel sum (within 0.5 %), in a fraction of the time.\n\n"
        "Filters: CATEGORIES (class codes such as 0601, major classes such as 06, or groups such as noise), "
        "DATE_FROM / DATE_TO and HOURS (22-6 is 22:00 to 05:59). EXTENT fixes the raster's extent, so rasters "
        "made for different periods line up. SERIES writes one raster per month or per class case into "
        "OUTPUT_FOLDER, all on one extent and styled on one colour scale (SERIES_MAXIMUM), so equal colours mean equal "
        "density on every map of the series.\n\n"
        "Example: INPUT the placed orders, CATEGORIES noise, HOURS 22-6, RADIUS 300, PIXEL_SIZE 20."
    )
    INPUT, RADIUS, PIXEL_SIZE, KERNEL, DECAY = "INPUT", "RADIUS", "PIXEL_SIZE", "KERNEL", "DECAY"
    OUTPUT_VALUE, WEIGHT_FIELD, EXTENT, SERIES = "OUTPUT_VALUE", "WEIGHT_FIELD", "EXTENT", "SERIES"
    OUTPUT, OUTPUT_FOLDER, MAXIMUM, POINTS_USED, SERIES_LAYERS = (
        "OUTPUT",
        "OUTPUT_FOLDER",
        "MAXIMUM",
        "POINTS_USED",
        "SERIES_LAYERS",
    )
    SERIES_MAXIMUM = "SERIES_MAXIMUM"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Orders (points)"), [QgsProcessing.SourceType.TypeVectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterDistance(
                self.RADIUS, tr("Radius"), 300.0, parentParameterName=self.INPUT, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterDistance(
                self.PIXEL_SIZE, tr("Pixel size"), 20.0, parentParameterName=self.INPUT, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.KERNEL,
                tr("Kernel shape"),
                [tr("Quartic"), tr("Triangular"), tr("Uniform"), tr("Triweight"), tr("Epanechnikov")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DECAY,
                tr("Decay ratio (triangular kernels only)"),
                QgsProcessingParameterNumber.Type.Double,
                0.0,
                optional=True,
                minValue=-100.0,
                maxValue=100.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.OUTPUT_VALUE, tr("Output values"), [tr("Raw"), tr("Scaled")], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD,
                tr("Weight from field"),
                parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            )
        )
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Extent"), optional=True))
        add_filter_parameters(self)
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SERIES,
                tr("Series (one raster per …)"),
                [tr("None"), tr("Month"), tr("Class case")],
                defaultValue=0,
            )
        )
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, tr("Heatmap")))
        self.addParameter(
            QgsProcessingParameterFolderDestination(
                self.OUTPUT_FOLDER, tr("Folder for the series rasters"), optional=True, createByDefault=False
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.MAXIMUM, tr("Largest value of the heatmap")))
        self.addOutput(
            QgsProcessingOutputNumber(
                self.SERIES_MAXIMUM, tr("Largest value of the series (their shared colour scale)")
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.POINTS_USED, tr("Orders used")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.SERIES_LAYERS, tr("Series rasters")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.analytics.kde import KERNELS, RasterSpec, density
        from gridgov.layers.rasters import write_geotiff

        # positions plus the fields the weight and the filters use: never every column of every order
        weight_field = self.parameterAsString(parameters, self.WEIGHT_FIELD, context)
        orders = self.parameterAsSource(parameters, self.INPUT, context)
        needed = set(filter_fields(self, parameters, context, orders)) | ({weight_field} if weight_field else set())
        if orders is not None and MATCH_METHOD in orders.fields().names():
            needed.add(MATCH_METHOD)  # geolocate's output: orders placed nowhere do not set the extent
        fields = sorted(needed)
        frame, source = read_source(
            self, parameters, self.INPUT, context, feedback, fields=fields, with_geometry=POSITIONS
        )
        require_projected(source, tr("The orders layer"))
        radius = self.parameterAsDouble(parameters, self.RADIUS, context)
        pixel = self.parameterAsDouble(parameters, self.PIXEL_SIZE, context)
        if radius <= 0 or pixel <= 0:
            raise QgsProcessingException(tr("RADIUS and PIXEL_SIZE must be positive"))
        kernel = KERNELS[self.parameterAsEnum(parameters, self.KERNEL, context)]
        scaled = self.parameterAsEnum(parameters, self.OUTPUT_VALUE, context) == 1
        decay = self.parameterAsDouble(parameters, self.DECAY, context)
        series = SERIES_KINDS[self.parameterAsEnum(parameters, self.SERIES, context)]

        px, py = frame_x_y(frame)
        weights = None
        if weight_field:
            weights = np.asarray(frame[weight_field].astype(float).to_numpy(), dtype=float)
            bad = ~np.isfinite(weights)
            if bad.any():
                feedback.pushWarning(
                    tr("{0} rows have no usable {1} (first: row {2}); they add nothing").format(
                        int(bad.sum()), weight_field, int(np.flatnonzero(bad)[0]) + 1
                    )
                )
        chosen, codes, times, keep = filter_orders(self, parameters, context, frame, feedback)
        keep &= np.isfinite(px) & np.isfinite(py)
        if not keep.any():
            raise QgsProcessingException(tr("No order passes the filter ({0})").format(chosen.describe()))

        extent = self.parameterAsExtent(parameters, self.EXTENT, context, source.sourceCrs())
        if parameters.get(self.EXTENT) and not extent.isNull():
            spec = RasterSpec.for_extent(
                extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum(), pixel
            )
        else:
            spread = keep
            if MATCH_METHOD in frame.columns:  # Geolocate's output: orders placed nowhere do not set the extent
                placed = frame[MATCH_METHOD].isin(["inside", "boundary", "nearest", "address"]).to_numpy()
                if (keep & placed).any() and (keep & ~placed).any():
                    feedback.pushInfo(
                        tr("{0} orders placed in no grid lie outside the raster (their match_method)").format(
                            int((keep & ~placed).sum())
                        )
                    )
                    spread = keep & placed
            spec = RasterSpec.around_points(*_columns(px, py, spread), radius, pixel)
        if spec.cols * spec.rows > 100_000_000:
            raise QgsProcessingException(
                tr(
                    "{0} × {1} pixels is too large: some orders lie far from the others. Set EXTENT to the area "
                    "of interest, or choose a larger PIXEL_SIZE"
                ).format(spec.cols, spec.rows)
            )
        feedback.pushInfo(tr("Raster {0} × {1} pixels of {2} m").format(spec.cols, spec.rows, pixel))

        def surface_of(mask: np.ndarray) -> np.ndarray:
            """The surface of the orders ``mask`` keeps, in the GeoTIFF's single precision."""
            w = None if weights is None else weights[mask]
            x, y = _columns(px, py, mask)
            return density(x, y, spec, radius, kernel, scaled, decay, w, dtype=np.float32)

        crs_wkt = source.sourceCrs().toWkt()
        total = surface_of(keep)
        feedback.setProgress(40)
        out_path = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        # written beside its place and moved there when the run succeeds (a cancelled run leaves the
        # previous heatmap as it was)
        write_geotiff(staged_path(out_path), total, spec, crs_wkt, chosen.describe())
        peak = float(total.max())
        results = {
            self.OUTPUT: out_path,
            self.POINTS_USED: int(keep.sum()),
            self.MAXIMUM: peak,
            self.SERIES_LAYERS: [],
        }
        if context.willLoadLayerOnCompletion(out_path):
            context.layerToLoadOnCompletionDetails(out_path).setPostProcessor(
                StyleOnLoad.make("heatmap", tr("Heatmap"), peak)
            )

        if series != "none":
            results.update(
                self._series(parameters, context, feedback, series, keep, codes, times, surface_of, spec, crs_wkt)
            )
        return results

    def _series(self, parameters, context, feedback, series, keep, codes, times, surface_of, spec, crs_wkt):
        from gridgov.layers.rasters import write_geotiff

        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        if not folder:
            raise QgsProcessingException(tr("SERIES needs OUTPUT_FOLDER"))
        if series == "month":
            if times is None:
                raise QgsProcessingException(tr("A monthly series needs TIME_FIELD"))
            keys = np.where(np.isnat(times), "", times.astype("datetime64[M]").astype(str))
        else:
            if codes is None:
                raise QgsProcessingException(tr("A series per class case needs CATEGORY_FIELD"))
            keys = np.asarray([str(c).strip() if c is not None else "" for c in codes], dtype=object)
        members = sorted(set(keys[keep]) - {""})
        run = RunOutputs.current()
        staged = run.staged_folder(folder) if run is not None else Path(folder)
        # each raster is written as soon as it is computed (a year of months is not held in memory);
        # the shared maximum is known at the end, before the layers load and get styled
        paths, names, maximum = [], [], 0.0
        for i, member in enumerate(members):
            if feedback.isCanceled():
                break
            surface = surface_of(keep & (keys == member))
            maximum = max(maximum, float(surface.max()))
            name = f"heatmap_{member}.tif"
            write_geotiff(staged / name, surface, spec, crs_wkt, f"{series} {member}")
            paths.append(str(Path(folder) / name))
            names.append(f"{tr('Heatmap')} {member}")
            feedback.setProgress(40 + 55 * (i + 1) / max(len(members), 1))
        if feedback.isCanceled():
            raise_cancelled()
        for path, name, member in zip(paths, names, members):
            details = QgsProcessingContext.LayerDetails(name, context.project(), path)
            month = member if series == "month" else None  # the temporal controller plays the months
            details.setPostProcessor(StyleOnLoad.make("heatmap", name, maximum, month=month))
            context.addLayerToLoadOnCompletion(path, details)
        feedback.pushInfo(tr("{0} series rasters on one colour scale up to {1:.4g}").format(len(paths), maximum))
        return {self.OUTPUT_FOLDER: folder, self.SERIES_LAYERS: paths, self.SERIES_MAXIMUM: maximum}
