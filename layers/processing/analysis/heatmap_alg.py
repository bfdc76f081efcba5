"""``gridgov:heatmap``: kernel density of orders (QGIS's kernels) by binning and FFT convolution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from qgis.core import QgsProcessing, QgsProcessingContext, QgsProcessingException

from gridgov.grid_ops.analytics.kde import (
    KERNELS,
    OUTPUT_VALUES,
    SERIES,
    Heatmap,
    HeatmapRequest,
    heatmap_of,
    series_keys,
)
from gridgov.grid_ops.schema import MATCH_METHOD
from gridgov.layers.io.convert import POSITIONS
from gridgov.layers.io.orders_input import frame_x_y
from gridgov.layers.io.sources import read_source, require_projected
from gridgov.layers.outputs.run_outputs import RunOutputs, staged_path
from gridgov.layers.parameters.declare import (
    as_optional,
    choice,
    distance,
    extent,
    field,
    folder_destination,
    layers_output,
    number,
    number_output,
    raster_destination,
    source,
)
from gridgov.layers.parameters.order_filters import Filtered, apply_filter, filter_family, filter_fields_in
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.cancel import raise_cancelled
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

KERNEL_LABELS = (
    tr_noop("Quartic"), tr_noop("Triangular"), tr_noop("Uniform"), tr_noop("Triweight"), tr_noop("Epanechnikov")
)  # fmt: skip
SERIES_LABELS = (tr_noop("None"), tr_noop("Month"), tr_noop("Class case"))
#: match_method of geolocate's output for an order placed in a grid (the others lie anywhere).
PLACED = ["inside", "boundary", "nearest", "address"]
#: The most pixels a heatmap may have.
MAX_PIXELS = 100_000_000


class HeatmapAlgorithm(DeclaredAlgorithm):
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
    PARAMETERS = (
        source("INPUT", tr_noop("Orders (points)"), [QgsProcessing.SourceType.TypeVectorPoint]),
        distance("RADIUS", tr_noop("Radius"), 300.0, "INPUT", minimum=0.0),
        distance("PIXEL_SIZE", tr_noop("Pixel size"), 20.0, "INPUT", minimum=0.0),
        choice("KERNEL", tr_noop("Kernel shape"), list(zip(KERNEL_LABELS, KERNELS))),
        as_optional(number("DECAY", tr_noop("Decay ratio (triangular kernels only)"), 0.0, -100.0, 100.0)),
        choice("OUTPUT_VALUE", tr_noop("Output values"), list(zip((tr_noop("Raw"), tr_noop("Scaled")), OUTPUT_VALUES))),
        field("WEIGHT_FIELD", tr_noop("Weight from field"), "INPUT", numeric=True),
        extent("EXTENT", tr_noop("Extent"), crs_of="INPUT"),
        filter_family(),
        choice("SERIES", tr_noop("Series (one raster per …)"), list(zip(SERIES_LABELS, SERIES))),
        raster_destination("OUTPUT", tr_noop("Heatmap")),
        folder_destination(
            "OUTPUT_FOLDER", tr_noop("Folder for the series rasters"), optional=True, create_by_default=False
        ),
    )
    OUTPUTS = (
        number_output("MAXIMUM", tr_noop("Largest value of the heatmap")),
        number_output("SERIES_MAXIMUM", tr_noop("Largest value of the series (their shared colour scale)")),
        number_output("POINTS_USED", tr_noop("Orders used")),
        layers_output("SERIES_LAYERS", tr_noop("Series rasters")),
    )
    REQUEST = HeatmapRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: HeatmapRequest = self.request(parameters, context)
        frame, source = self._orders(request, parameters, context, feedback)
        require_projected(source, tr("The orders layer"))
        if request.radius <= 0 or request.pixel_size <= 0:
            raise QgsProcessingException(tr("RADIUS and PIXEL_SIZE must be positive"))
        px, py = frame_x_y(frame)
        weights = weights_of(frame, request.weight_field, feedback)
        filtered = apply_filter(request.filter, frame, feedback)
        keep = filtered.keep
        keep &= np.isfinite(px) & np.isfinite(py)
        if not keep.any():
            raise QgsProcessingException(tr("No order passes the filter ({0})").format(filtered.chosen.describe()))
        heatmap = heatmap_of(px, py, weights, spread_of(frame, keep, request, feedback), request)
        say_raster(heatmap, feedback)
        crs_wkt = source.sourceCrs().toWkt()
        results = self._whole(heatmap, keep, filtered.chosen.describe(), crs_wkt, parameters, context, feedback)
        if request.series != "none":
            folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
            results.update(write_series(heatmap, keep, filtered, folder, crs_wkt, context, feedback))
        return results

    def _orders(self, request: HeatmapRequest, parameters, context, feedback) -> tuple[pd.DataFrame, object]:
        """The orders' positions and the fields the weight and the filter name: never every column of
        every order; and their source."""
        orders = self.parameterAsSource(parameters, "INPUT", context)
        names = orders.fields().names() if orders is not None else []
        needed = set(filter_fields_in(request.filter, names))
        if request.weight_field:
            needed.add(request.weight_field)
        if MATCH_METHOD in names:
            needed.add(MATCH_METHOD)  # geolocate's output: orders placed nowhere do not set the extent
        return read_source(self, parameters, "INPUT", context, feedback, fields=sorted(needed), with_geometry=POSITIONS)

    def _whole(self, heatmap: Heatmap, keep, what: str, crs_wkt: str, parameters, context, feedback) -> dict:
        """The surface of every order kept, written to OUTPUT (``what``: the filter, in its metadata)
        and styled on its own maximum; the results OUTPUT, POINTS_USED, MAXIMUM and SERIES_LAYERS."""
        from gridgov.layers.outputs.rasters import write_geotiff

        total = heatmap.surface(keep)
        feedback.setProgress(40)
        out_path = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        # written beside its place and moved there when the run succeeds (a cancelled run leaves the
        # previous heatmap as it was)
        write_geotiff(staged_path(out_path), total, heatmap.spec, crs_wkt, what)
        peak = float(total.max())
        if context.willLoadLayerOnCompletion(out_path):
            context.layerToLoadOnCompletionDetails(out_path).setPostProcessor(
                StyleOnLoad.make("heatmap", tr("Heatmap"), peak)
            )
        return {"OUTPUT": out_path, "POINTS_USED": int(keep.sum()), "MAXIMUM": peak, "SERIES_LAYERS": []}


def say_raster(heatmap: Heatmap, feedback) -> None:
    """The raster's size in the log; one of more than MAX_PIXELS stops the run (an order far from the
    others would make it huge)."""
    spec = heatmap.spec
    if spec.cols * spec.rows > MAX_PIXELS:
        raise QgsProcessingException(
            tr(
                "{0} × {1} pixels is too large: some orders lie far from the others. Set EXTENT to the area "
                "of interest, or choose a larger PIXEL_SIZE"
            ).format(spec.cols, spec.rows)
        )
    feedback.pushInfo(tr("Raster {0} × {1} pixels of {2} m").format(spec.cols, spec.rows, heatmap.request.pixel_size))


def weights_of(frame: pd.DataFrame, weight_field: str, feedback) -> np.ndarray | None:
    """Each order's weight from ``weight_field`` (None without one: 1 each); rows without a usable
    weight add nothing, said in the log."""
    if not weight_field:
        return None
    weights = np.asarray(frame[weight_field].astype(float).to_numpy(), dtype=float)
    bad = ~np.isfinite(weights)
    if bad.any():
        feedback.pushWarning(
            tr("{0} rows have no usable {1} (first: row {2}); they add nothing").format(
                int(bad.sum()), weight_field, int(np.flatnonzero(bad)[0]) + 1
            )
        )
    return weights


def spread_of(frame: pd.DataFrame, keep: np.ndarray, request: HeatmapRequest, feedback) -> np.ndarray:
    """The orders that set the raster's extent when EXTENT does not: those kept, but of geolocate's
    output (with match_method) only those placed in a grid, when some are."""
    if request.extent is not None or MATCH_METHOD not in frame.columns:
        return keep
    placed = frame[MATCH_METHOD].isin(PLACED).to_numpy()
    if not ((keep & placed).any() and (keep & ~placed).any()):
        return keep
    feedback.pushInfo(
        tr("{0} orders placed in no grid lie outside the raster (their match_method)").format(
            int((keep & ~placed).sum())
        )
    )
    return keep & placed


def write_series(
    heatmap: Heatmap, keep: np.ndarray, filtered: Filtered, folder: str, crs_wkt: str, context, feedback
) -> dict:
    """One raster per member of the request's series (a month or a class case) in ``folder``, all on
    the heatmap's raster, styled on one colour scale: the results OUTPUT_FOLDER, SERIES_LAYERS and
    SERIES_MAXIMUM."""
    series = heatmap.request.series
    if not folder:
        raise QgsProcessingException(tr("SERIES needs OUTPUT_FOLDER"))
    if series == "month" and filtered.times is None:
        raise QgsProcessingException(tr("A monthly series needs TIME_FIELD"))
    if series == "class" and filtered.codes is None:
        raise QgsProcessingException(tr("A series per class case needs CATEGORY_FIELD"))
    keys = series_keys(series, filtered.codes, filtered.times)
    members = sorted(set(keys[keep]) - {""})
    paths, maximum = _series_rasters(heatmap, keep, keys, members, folder, crs_wkt, feedback)
    for path, member in zip(paths, members):
        name = f"{tr('Heatmap')} {member}"
        details = QgsProcessingContext.LayerDetails(name, context.project(), path)
        month = member if series == "month" else None  # the temporal controller plays the months
        details.setPostProcessor(StyleOnLoad.make("heatmap", name, maximum, month=month))
        context.addLayerToLoadOnCompletion(path, details)
    feedback.pushInfo(tr("{0} series rasters on one colour scale up to {1:.4g}").format(len(paths), maximum))
    return {"OUTPUT_FOLDER": folder, "SERIES_LAYERS": paths, "SERIES_MAXIMUM": maximum}


def _series_rasters(
    heatmap: Heatmap, keep: np.ndarray, keys: np.ndarray, members: list, folder: str, crs_wkt: str, feedback
) -> tuple[list[str], float]:
    """Each member's raster written as soon as it is computed (a year of months is not held in
    memory), into the run's staging folder; their final paths and the largest value of them all (the
    shared colour scale, known at the end, before the layers load). A cancelled run stops here."""
    from gridgov.layers.outputs.rasters import write_geotiff

    run = RunOutputs.current()
    staged = run.staged_folder(folder) if run is not None else Path(folder)
    paths, maximum = [], 0.0
    for i, member in enumerate(members):
        if feedback.isCanceled():
            break
        surface = heatmap.surface(keep & (keys == member))
        maximum = max(maximum, float(surface.max()))
        name = f"heatmap_{member}.tif"
        write_geotiff(staged / name, surface, heatmap.spec, crs_wkt, f"{heatmap.request.series} {member}")
        paths.append(str(Path(folder) / name))
        feedback.setProgress(40 + 55 * (i + 1) / max(len(members), 1))
    if feedback.isCanceled():
        raise_cancelled()
    return paths, maximum
