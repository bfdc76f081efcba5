"""``gridgov:findrepeats``: repeat orders of one class case at one place within days form one case."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
)

from gridgov.grid_ops.orders.repeats import REPEAT_COLUMNS, RepeatsRequest, repeats_of
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE
from gridgov.layers.io.columns import keep_input_columns
from gridgov.layers.io.orders_input import point_xy
from gridgov.layers.io.sources import read_source, require_projected
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import distance, field, number, number_output, sink, source
from gridgov.layers.parameters.order_filters import times_of
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

POINTS = QgsProcessing.SourceType.TypeVectorPoint

#: DISTANCE in the units of INPUT's CRS.
DISTANCE = distance("DISTANCE", tr_noop("Distance"), 50.0, "INPUT", minimum=0.01)


class FindRepeatsAlgorithm(DeclaredAlgorithm):
    NAME = "findrepeats"
    DISPLAY = "Find repeat orders"
    GROUP_ID = "orders"
    GROUP = "Work orders"
    HELP = (
        "Groups orders of the same class case reported again at the same place into one case. Orders are taken in "
        "time order; an order joins an open case of its class when it lies within DISTANCE metres of the case's first "
        "report and within DAYS days of its latest report (the nearest such case), otherwise it opens a new case. "
        "Adds case_id, repeat_count (orders in the case), first_seen and is_repeat to every row; rows without a "
        "position or a readable time get an empty case_id and a problem text. With GRID_FIELD, RATES lists per grid "
        "the orders, cases, repeat orders and repeat_rate.\n\n"
        "Example: INPUT the placed orders of Geolocate, CATEGORY_FIELD class_code, TIME_FIELD reported_at, "
        "DISTANCE 50, DAYS 7, GRID_FIELD grid_code."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Placed orders (points)"), [POINTS]),
        field("CATEGORY_FIELD", tr_noop("Class case field"), "INPUT", CLASS_CODE, optional=False),
        field("TIME_FIELD", tr_noop("Time field"), "INPUT", "reported_at", optional=False),
        DISTANCE,
        number("DAYS", tr_noop("Days"), 7.0, minimum=0.0),
        field("GRID_FIELD", tr_noop("Grid field (for repeat rates)"), "INPUT", GRID_CODE),
        sink("OUTPUT", tr_noop("Orders with cases"), POINTS),
        sink("RATES", tr_noop("Repeat rate per grid"), QgsProcessing.SourceType.TypeVector, optional=True),
    )
    OUTPUTS = (number_output("CASES", tr_noop("Cases")),)
    REQUEST = RepeatsRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.layers.backends.postgis.backend import in_database

        request: RepeatsRequest = self.request(parameters, context)
        results = in_database("findrepeats", self, parameters, context, feedback, request=request)
        if results is not None:
            return results
        frame, source = read_source(self, parameters, "INPUT", context, feedback)
        require_projected(source, tr("The orders layer"))
        missing = request.missing_column(frame.columns)
        if missing:
            raise QgsProcessingException(tr("{0}: no field {1!r}").format(*missing))
        xy = point_xy(frame.geometry.values)
        times, problem = times_of(frame, request.time_field)
        asked = parameters.get("RATES") is not None
        cases = repeats_of(frame, xy[:, 0], xy[:, 1], times, problem, request, rates=asked)
        return self._written(frame, source, cases, parameters, context, feedback)

    def _written(self, frame, source, cases, parameters, context, feedback) -> dict:
        """The orders with their cases (and the rates per grid, when made) written; the results."""
        out = keep_input_columns(frame.drop(columns=["_fid"]), REPEAT_COLUMNS, feedback).copy()
        for name, values in cases.result.columns().items():
            out[name] = values
        feedback.pushInfo(
            tr("{0} orders form {1} cases; {2} orders could not be checked").format(
                len(out), cases.result.cases, int((cases.result.case_id == "").sum())
            )
        )
        dest = write_frame(self, parameters, "OUTPUT", context, out, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "orders_points", tr("Orders with cases"), events=True)
        results = {"OUTPUT": dest, "CASES": cases.result.cases}
        if cases.rates is not None:
            results["RATES"] = write_frame(
                self, parameters, "RATES", context, cases.rates, QgsCoordinateReferenceSystem(), feedback
            )
        return results
