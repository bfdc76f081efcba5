"""``gridgov:convertcoords``: coordinates between WGS84, GCJ-02, BD-09, CGCS2000 and any EPSG system."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
)

from gridgov.grid_ops.schema import PROBLEM
from gridgov.layers.convert import points_array
from gridgov.layers.orders_input import add_orders_file_parameters, read_orders_input, resolve_field
from gridgov.layers.outputs import keep_input_columns
from gridgov.layers.processing.base import GridGovAlgorithm, StyleOnLoad, tr, write_frame


class ConvertCoordsAlgorithm(GridGovAlgorithm):
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
    INPUT, INPUT_FILE, X_FIELD, Y_FIELD = "INPUT", "INPUT_FILE", "X_FIELD", "Y_FIELD"
    FROM, TO, COORD_SYS_FIELD, OUTPUT, FAILED = "FROM", "TO", "COORD_SYS_FIELD", "OUTPUT", "FAILED"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Points or table"), [QgsProcessing.SourceType.TypeVector], optional=True
            )
        )
        add_orders_file_parameters(
            self,
            self.INPUT_FILE,
            tr("…or a file (CSV, XLSX, Open311 JSON)"),
            tr("Tables (*.csv *.txt *.xlsx *.xls *.json);;All files (*.*)"),
        )
        for name, label in (
            (self.X_FIELD, "X / longitude field"),
            (self.Y_FIELD, "Y / latitude field"),
            (self.COORD_SYS_FIELD, "Coordinate system field (per row)"),
        ):
            self.addParameter(
                QgsProcessingParameterField(name, tr(label), parentLayerParameterName=self.INPUT, optional=True)
            )
        self.addParameter(
            QgsProcessingParameterString(
                self.FROM, tr("From (wgs84, gcj02, bd09, cgcs2000, EPSG:n)"), "gcj02", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.TO, tr("To (wgs84, gcj02, bd09, cgcs2000, EPSG:n)"), "wgs84")
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Converted points"), QgsProcessing.SourceType.TypeVectorPoint
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.FAILED, tr("Rows not converted")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.orders import coords, positions
        from gridgov.grid_ops.orders.ordertable import guess_order_fields

        orders = read_orders_input(self, parameters, context, feedback, self.INPUT, self.INPUT_FILE)
        frame = orders.frame
        guessed = guess_order_fields(frame.columns)
        use_geometry = orders.xy is not None and not self.parameterAsString(parameters, self.X_FIELD, context)
        try:
            target = coords.normalise_coord_sys(self.parameterAsString(parameters, self.TO, context))
            source_text = self.parameterAsString(parameters, self.FROM, context)
            source = coords.normalise_coord_sys(source_text) if source_text else (orders.crs or "wgs84")
        except coords.CoordSysError as err:
            raise QgsProcessingException(str(err)) from err
        system_field = resolve_field(self, parameters, self.COORD_SYS_FIELD, context, frame, None)
        # a row in a system nothing converts from (a vertical one) is that row's problem (positions.to_target)
        systems = frame[system_field].to_numpy(dtype=object) if system_field else source
        if use_geometry:
            pos = positions.to_target(
                orders.xy[:, 0], orders.xy[:, 1], systems, target, "geometry x", "geometry y", system_field or "FROM"
            )
        else:
            x_field = resolve_field(self, parameters, self.X_FIELD, context, frame, guessed.x)
            y_field = resolve_field(self, parameters, self.Y_FIELD, context, frame, guessed.y)
            if not x_field or not y_field:
                raise QgsProcessingException(tr("Choose X_FIELD and Y_FIELD (no coordinate columns recognised)"))
            pos = positions.to_target(
                frame[x_field].to_numpy(dtype=object),
                frame[y_field].to_numpy(dtype=object),
                systems,
                target,
                x_field,
                y_field,
                system_field or "FROM",
            )
        out = keep_input_columns(frame, ("x_out", "y_out", PROBLEM), feedback).copy()
        out["x_out"] = np.round(pos.x, 9)
        out["y_out"] = np.round(pos.y, 9)
        out[PROBLEM] = pos.problem
        located = np.asarray(pos.located, dtype=bool)
        geometry = points_array(np.where(located, pos.x, np.nan), np.where(located, pos.y, np.nan))
        crs_text = (
            "EPSG:4326" if target in ("gcj02", "bd09", "wgs84") else ("EPSG:4490" if target == "cgcs2000" else target)
        )
        out = gpd.GeoDataFrame(out, geometry=geometry, crs=crs_text)
        failed = int((~pos.located).sum())
        for i in np.flatnonzero(~pos.located)[:20]:
            feedback.pushWarning(tr("row {0}: {1}").format(i + 1, pos.problem[i]))
        feedback.pushInfo(tr("{0} rows converted to {1}, {2} not").format(len(out) - failed, target, failed))
        dest = write_frame(
            self, parameters, self.OUTPUT, context, out, QgsCoordinateReferenceSystem(crs_text), feedback
        )
        StyleOnLoad.attach(context, dest, "orders_points", tr("Converted ({0})").format(target))
        return {self.OUTPUT: dest, self.FAILED: failed}
