"""``gridgov:classsweep``: 一案带一类, every grid with cases of one class, ranked, as an inspection list."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
from qgis.core import QgsProcessing, QgsProcessingException

from gridgov.grid_ops.clues.sweep import SweepError, SweepRequest, class_sweep
from gridgov.grid_ops.orders.classify import class_groups_of
from gridgov.grid_ops.responsibility.geolocate import UnitLayer, grid_of_points
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, REPORTED_AT, as_text
from gridgov.layers.io.orders_input import code_text, point_xy, to_working_crs
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import Family, field, integer, number_output, sink, source, string_output, text
from gridgov.layers.parameters.unit_layers import read_class_cases
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.processing.orders.clues_alg import place_book_params, read_place_book
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

POLYGONS = [QgsProcessing.SourceType.TypeVectorPolygon]


@dataclasses.dataclass(frozen=True)
class ClassSweepAlgorithmRequest(SweepRequest):
    """The engine's request and the fields of the grid and place layers the data path reads."""

    code_field: str = GRID_CODE
    grid_name_field: str = "name"
    road_name_field: str = "name"
    gazetteer_field: str = "address"
    place_name_field: str = "estate"
    landmark_name_field: str = "name"


def class_param() -> Family:
    """CLASS (DESIGN.md's name), read into the request's ``class_code``."""
    declared = text("CLASS", tr_noop("Class cases (codes or groups, comma separated)"), "")

    def read(alg, parameters, context) -> str:
        return alg.parameterAsString(parameters, "CLASS", context)

    return Family(declared.declare, read, "class_code")


class ClassSweepAlgorithm(DeclaredAlgorithm):
    NAME = "classsweep"
    DISPLAY = "Class sweep (one case to a whole class)"
    GROUP_ID = "governance"
    GROUP = "Governance"
    HELP = (
        "一案带一类: from one case (CASE_ID, found among INPUT or in CASE_LAYER, e.g. a new case of Internet clues) "
        "or a class case (CLASS: codes separated by commas, or a case group such as noise), lists every grid with "
        "orders of that class in the last MONTHS months up to the latest report, ranked by cases (distinct case_id "
        "where the orders have one, else orders) and then by recency (last_seen). Each grid gets its cases, orders, "
        "recent_orders (last 30 days), first_seen, last_seen, days_since_last and places: the roads, estates and "
        "landmarks its orders' texts name, the most named first. AREA keeps the grids it touches.\n\n"
        "The output is the grid polygons with grid_code and name: give it to Patrol plan as INPUT to plan the "
        "inspection.\n\n"
        "Example: demo city: INPUT the orders with cases, GRIDS grids, CLASS 0402 (missing manhole covers), "
        "MONTHS 12, ROADS roads, GAZETTEER addresses, DEDICATED dedicated_grids."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Orders (points, or a table with a grid field)")),
        field("CLASS_FIELD", tr_noop("Class case field"), "INPUT", CLASS_CODE, fallback=True),
        field("TIME_FIELD", tr_noop("Time field"), "INPUT", REPORTED_AT, fallback=True),
        field("CASE_FIELD", tr_noop("Case id field"), "INPUT", "case_id", fallback=True),
        field("GRID_FIELD", tr_noop("Grid field (empty: from the points)"), "INPUT", GRID_CODE, fallback=True),
        field("TEXT_FIELD", tr_noop("Text field"), "INPUT", "description", fallback=True),
        source("GRIDS", tr_noop("Grids"), POLYGONS),
        field("CODE_FIELD", tr_noop("Grid code field"), "GRIDS", GRID_CODE, fallback=True),
        field("GRID_NAME_FIELD", tr_noop("Grid name field"), "GRIDS", "name", fallback=True),
        class_param(),
        text("CASE_ID", tr_noop("…or one case id"), ""),
        source("CASE_LAYER", tr_noop("Layer holding the case (empty: INPUT)"), optional=True),
        field("CASE_TIME_FIELD", tr_noop("Its time field (empty: TIME_FIELD)"), "CASE_LAYER"),
        integer("MONTHS", tr_noop("Months swept"), 12, 1, 120),
        source("AREA", tr_noop("Area (only grids touching it)"), POLYGONS, optional=True),
        *place_book_params(),
        source("DEDICATED", tr_noop("Dedicated grids (landmark names)"), POLYGONS, optional=True),
        field("LANDMARK_NAME_FIELD", tr_noop("Dedicated grid name field"), "DEDICATED", "name", fallback=True),
        integer("TOP_PLACES", tr_noop("Places listed per grid"), 5, 0, 50),
        sink("OUTPUT", tr_noop("Class sweep"), QgsProcessing.SourceType.TypeVectorPolygon),
    )
    OUTPUTS = (
        number_output("GRIDS_FOUND", tr_noop("Grids with cases")),
        string_output("CLASSES", tr_noop("Class cases swept")),
    )
    REQUEST = ClassSweepAlgorithmRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: ClassSweepAlgorithmRequest = self.request(parameters, context)
        orders, _order_source = read_source(self, parameters, "INPUT", context, feedback)
        grids, grid_source = read_source(self, parameters, "GRIDS", context, feedback)
        if request.code_field not in grids.columns:
            raise QgsProcessingException(tr("GRIDS has no field {0!r}").format(request.code_field))
        if grids.crs is None:
            raise QgsProcessingException(
                tr("{0} ({1}) has no coordinate reference system: set it in the layer's properties").format(
                    tr("Grids"), grid_source.sourceName()
                )
            )
        if not len(orders):
            raise QgsProcessingException(tr("INPUT has no orders"))
        work_crs = grids.crs.to_string() if grids.crs is not None else ""
        book = read_place_book(
            self, parameters, context, request, work_crs, self.landmarks(parameters, context, work_crs)
        )
        grid_codes = self.grid_codes(orders, grids, request, work_crs)
        case_layer, _ = read_source(self, parameters, "CASE_LAYER", context)
        groups = class_groups_of(read_class_cases(self, parameters, context))
        try:
            sweep = class_sweep(orders, request, book, groups, grid_codes, case_layer)
        except SweepError as err:
            raise QgsProcessingException(str(err)) from err
        feedback.setProgress(80)
        return self.written(sweep, grids, request, parameters, context, feedback)

    def landmarks(self, parameters, context, work_crs: str):
        frame, _ = read_source(self, parameters, "DEDICATED", context)
        return to_working_crs(frame, work_crs) if work_crs else frame

    def grid_codes(self, orders, grids, request: ClassSweepAlgorithmRequest, work_crs: str) -> np.ndarray | None:
        """Each order's grid from its point where the orders carry no grid field (None when they do)."""
        if request.grid_field and request.grid_field in orders.columns:
            return None
        if not isinstance(orders, gpd.GeoDataFrame) or orders.geometry.isna().all():
            raise QgsProcessingException(
                tr("GRID_FIELD: the orders have no field {0!r} and no points to find their grids").format(
                    request.grid_field
                )
            )
        xy = point_xy(to_working_crs(orders, work_crs).geometry.values)
        layer = UnitLayer.from_frame(grids, request.code_field)
        codes = pd.Series(grid_of_points(layer, xy[:, 0], xy[:, 1]), dtype=object)
        return codes.where(codes.notna(), "").to_numpy(dtype=object)

    def written(self, sweep, grids, request: ClassSweepAlgorithmRequest, parameters, context, feedback) -> dict:
        table = sweep.table
        name = grids[request.grid_name_field] if request.grid_name_field in grids.columns else grids[request.code_field]
        shapes = gpd.GeoDataFrame(
            {GRID_CODE: code_text(grids[request.code_field]).to_numpy(), "name": as_text(name).to_numpy()},
            geometry=grids.geometry.to_numpy(), crs=grids.crs,
        ).drop_duplicates(GRID_CODE)  # fmt: skip
        out = shapes.merge(table, on=GRID_CODE, how="inner").sort_values("sweep_rank")
        out = self.in_area(out, parameters, context)
        out["sweep_rank"] = np.arange(1, len(out) + 1)
        out["swept_from"] = str(sweep.start)
        out["swept_to"] = str(sweep.end)
        out = gpd.GeoDataFrame(out, geometry=shapes.geometry.name, crs=grids.crs)
        dest = write_frame(self, parameters, "OUTPUT", context, out, grids_crs(grids), feedback)
        StyleOnLoad.attach(context, dest, "class_sweep", tr("Class sweep"))
        classes = ",".join(sweep.classes)
        feedback.pushInfo(
            tr("Class {0}, {1} to {2}: {3} grids with cases").format(classes, sweep.start, sweep.end, len(out))
        )
        return {"OUTPUT": dest, "GRIDS_FOUND": len(out), "CLASSES": classes}

    def in_area(self, out, parameters, context):
        area, _ = read_source(self, parameters, "AREA", context)
        if area is None:
            return out
        area = area.to_crs(out.crs) if area.crs is not None and out.crs is not None else area
        union = area.geometry.union_all() if hasattr(area.geometry, "union_all") else area.geometry.unary_union
        return out[out.geometry.intersects(union)]


def grids_crs(grids):
    from qgis.core import QgsCoordinateReferenceSystem

    return (
        QgsCoordinateReferenceSystem(grids.crs.to_string()) if grids.crs is not None else QgsCoordinateReferenceSystem()
    )
