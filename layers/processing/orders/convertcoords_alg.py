"""``gridgov:convertcoords``: coordinates between WGS84, GCJ-02, BD-09, CGCS2000 and any EPSG system."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessing, QgsProcessingException

from gridgov.grid_ops.orders import coords
from gridgov.grid_ops.orders.positions import (
    Converted,
    ConvertRequest,
    MissingColumnError,
    NoCoordinateColumnsError,
    convert_orders,
)
from gridgov.grid_ops.schema import PROBLEM
from gridgov.layers.io.columns import keep_input_columns
from gridgov.layers.io.convert import points_array
from gridgov.layers.io.orders_input import OrdersInput, add_orders_file_parameters, read_orders_input
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import Family, Param, field, number_output, sink, source, text
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

#: The orders file (INPUT_FILE) and the sheet of a workbook (SHEET), which the data path reads.
ORDERS_FILE = Family(
    lambda alg: add_orders_file_parameters(
        alg,
        "INPUT_FILE",
        tr("…or a file (CSV, XLSX, Open311 JSON)"),
        tr("Tables (*.csv *.txt *.xlsx *.xls *.json);;All files (*.*)"),
    )
)


def keyed(key: str, param: Param) -> Family:
    """``param`` read into the request's ``key``, where its lower-case name cannot be an attribute
    (FROM is a Python keyword: the request says ``from_``)."""
    return Family(param.declare, param.read, key)


class ConvertCoordsAlgorithm(DeclaredAlgorithm):
    NAME = "convertcoords"
    DISPLAY = "Convert coordinates (WGS84/GCJ-02/BD-09/CGCS2000)"
    GROUP_ID = "orders"
    GROUP = "Work orders"
    HELP = (
        "Converts points or X/Y columns between wgs84, gcj02 (AMap, Tencent), bd09 (Baidu), cgcs2000 and any "
        "EPSG:n (e.g. EPSG:4547, CGCS2000 3-degree Gauss-Krüger 114°E). PROJ has no GCJ-02 or BD-09; the published "
        "algorithm is applied (inverse exact to 1e-9°), only inside China's box. FROM applies to all rows; "
        "COORD_SYS_FIELD gives it per row. Every row is written, with x_out, y_out and a problem text where the "
        "input could not be converted (empty, not a number, latitude beyond ±90, unknown system). GCJ-02 and BD-09 "
        "outputs are written as EPSG:4326 layers: QGIS has no CRS for them, so mark such layers clearly.\n\n"
        "Example: FROM gcj02, TO EPSG:4547 for orders exported from an AMap-based app."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Points or table"), optional=True),
        ORDERS_FILE,
        field("X_FIELD", tr_noop("X / longitude field"), "INPUT"),
        field("Y_FIELD", tr_noop("Y / latitude field"), "INPUT"),
        field("COORD_SYS_FIELD", tr_noop("Coordinate system field (per row)"), "INPUT"),
        keyed("from_", text("FROM", tr_noop("From (wgs84, gcj02, bd09, cgcs2000, EPSG:n)"), "gcj02")),
        text("TO", tr_noop("To (wgs84, gcj02, bd09, cgcs2000, EPSG:n)"), "wgs84", optional=False),
        sink("OUTPUT", tr_noop("Converted points"), QgsProcessing.SourceType.TypeVectorPoint),
    )
    OUTPUTS = (number_output("FAILED", tr_noop("Rows not converted")),)
    REQUEST = ConvertRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: ConvertRequest = self.request(parameters, context)
        orders = read_orders_input(self, parameters, context, feedback, "INPUT", "INPUT_FILE")
        converted = converted_orders(orders, request)
        out = converted_points(orders.frame, converted, feedback)
        failed = say_failed(converted, feedback)
        crs = QgsCoordinateReferenceSystem(converted.crs)
        dest = write_frame(self, parameters, "OUTPUT", context, out, crs, feedback)
        StyleOnLoad.attach(context, dest, "orders_points", tr("Converted ({0})").format(converted.target))
        return {"OUTPUT": dest, "FAILED": failed}


def converted_orders(orders: OrdersInput, request: ConvertRequest) -> Converted:
    """``convert_orders`` of the orders read, its refusals said as the toolbox says them."""
    try:
        return convert_orders(orders.frame, orders.xy, orders.crs, request)
    except coords.CoordSysError as err:
        raise QgsProcessingException(str(err)) from err
    except MissingColumnError as err:
        raise QgsProcessingException(
            tr("{0}: the orders have no field {1!r} (fields: {2})").format(
                err.parameter, err.column, ", ".join(err.columns)
            )
        ) from err
    except NoCoordinateColumnsError as err:
        raise QgsProcessingException(tr("Choose X_FIELD and Y_FIELD (no coordinate columns recognised)")) from err


def converted_points(frame: pd.DataFrame, converted: Converted, feedback) -> gpd.GeoDataFrame:
    """Every row of the input with x_out, y_out and its problem text, a point where it was converted."""
    pos = converted.positions
    out = keep_input_columns(frame, ("x_out", "y_out", PROBLEM), feedback).copy()
    out["x_out"] = np.round(pos.x, 9)
    out["y_out"] = np.round(pos.y, 9)
    out[PROBLEM] = pos.problem
    located = np.asarray(pos.located, dtype=bool)
    geometry = points_array(np.where(located, pos.x, np.nan), np.where(located, pos.y, np.nan))
    return gpd.GeoDataFrame(out, geometry=geometry, crs=converted.crs)


def say_failed(converted: Converted, feedback) -> int:
    """The rows not converted, the first twenty named in the log with their problem."""
    pos = converted.positions
    failed = int((~pos.located).sum())
    for i in np.flatnonzero(~pos.located)[:20]:
        feedback.pushWarning(tr("row {0}: {1}").format(i + 1, pos.problem[i]))
    feedback.pushInfo(tr("{0} rows converted to {1}, {2} not").format(len(pos.x) - failed, converted.target, failed))
    return failed
