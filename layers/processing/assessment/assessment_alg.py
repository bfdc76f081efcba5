"""``gridgov:assessment``: each responsible unit's 三率 per period, ranked; open orders past their
deadline with their owners; the class cases to take on next (每月一题)."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessing, QgsProcessingException

from gridgov.grid_ops.assessment import engine, report
from gridgov.grid_ops.assessment.request import PERIODS, AssessmentRequest, parse_weights
from gridgov.grid_ops.schema import GRID_CODE, PERIOD, RANK, RATED, RESP_CODE, UNIT
from gridgov.layers.io.orders_input import read_orders_input
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import table_if_asked, write_frame
from gridgov.layers.parameters.declare import (
    Param,
    choice,
    date_time,
    field,
    file_destination,
    integer,
    number,
    number_output,
    sink,
    source,
)
from gridgov.layers.parameters.orders_file import orders_file_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

#: (request field, parameter, label) of the lifecycle columns; '' lets the reader recognise them by name.
LIFECYCLE_FIELDS = (
    ("created_field", "CREATED_FIELD", tr_noop("Accepted at (受理时间; empty: recognised by name)")),
    ("dispatched_field", "DISPATCHED_FIELD", tr_noop("Dispatched at (派单时间)")),
    ("responded_field", "RESPONDED_FIELD", tr_noop("Signed off at (签收时间)")),
    ("closed_field", "CLOSED_FIELD", tr_noop("Closed at (办结时间)")),
    ("due_field", "DUE_FIELD", tr_noop("Due by (办理时限)")),
    ("status_field", "STATUS_FIELD", tr_noop("Status (办理状态)")),
    ("department_field", "DEPARTMENT_FIELD", tr_noop("Handling department (承办单位)")),
    ("resolved_field", "RESOLVED_FIELD", tr_noop("Resolved (是否解决)")),
    ("satisfaction_field", "SATISFACTION_FIELD", tr_noop("Satisfaction (满意度)")),
    ("redispatch_field", "REDISPATCH_FIELD", tr_noop("Times sent back or re-dispatched (改派次数)")),
    ("urgency_field", "URGENCY_FIELD", tr_noop("Urgency (紧急程度)")),
    ("repeat_field", "REPEAT_FIELD", tr_noop("Repeat flag (is_repeat of Find repeats)")),
    ("category_field", "CATEGORY_FIELD", tr_noop("Class case field")),
    ("order_id_field", "ORDER_ID_FIELD", tr_noop("Order id field")),
)
DEFAULT_WEIGHTS_TEXT = "response=30,resolution=35,satisfaction=35"
#: The labels of the engine's PERIODS, in their order.
PERIOD_LABELS = (tr_noop("Month"), tr_noop("Week"), tr_noop("Quarter"), tr_noop("All (one period)"))


def weights_param() -> Param:
    """WEIGHTS as written (``response=30,resolution=35,satisfaction=35``, Chinese names too); the request
    holds the shares; a weight that is none stops the run, named."""
    from qgis.core import QgsProcessingParameterString

    def read(alg, parameters, context):
        text = alg.parameterAsString(parameters, "WEIGHTS", context) or DEFAULT_WEIGHTS_TEXT
        try:
            return parse_weights(text)
        except ValueError as err:
            raise QgsProcessingException(f"WEIGHTS: {err}") from err

    label = tr_noop("Weights of the score (rate=percent, …)")
    return Param("WEIGHTS", lambda: QgsProcessingParameterString("WEIGHTS", tr(label), DEFAULT_WEIGHTS_TEXT), read)


class AssessmentAlgorithm(DeclaredAlgorithm):
    NAME = "assessment"
    DISPLAY = "Assess responsible units (三率)"
    GROUP_ID = "assessment"
    GROUP = "Assessment"
    HELP = (
        "Rates every responsible unit (UNIT_FIELD: by default resp_code, the unit Place orders made responsible; "
        "or a handling department, a street, NYC's Agency …) per PERIOD (month, week, quarter or all), as 12345 "
        "centres assess them (三率). Lifecycle columns are recognised by name (受理时间, 签收时间, 办结时间, 办理时限, "
        "是否解决, 满意度, 改派次数, 紧急程度 …; NYC's Created Date, Closed Date, Due Date, Status), or chosen.\n"
        "- response_rate (响应率): signed off within RESPONSE_HOURS of dispatch (URGENT_HOURS if urgent), over "
        "orders whose sign-off deadline has passed;\n"
        "- ontime_close_rate (按期办结率): closed by the due time (else CLOSURE_DAYS after acceptance);\n"
        "- close_rate (办结率), median_hours and p90_hours from acceptance to closure;\n"
        "- resolution_rate (解决率: 解决 and 基本解决 over answered), "
        "satisfaction_rate (满意率: 满意 and 基本满意 over rated; 未评价 left out), repeat_rate, redispatch_rate;\n"
        "- score = 100 × the WEIGHTS' shares of the rates (default response 30 %, resolution 35 %, satisfaction "
        "35 %), rank (1 = best) and rank_change against the previous period. A unit with fewer than MIN_ORDERS "
        "orders in a period is rated = false: shown, not ranked (note says why).\n"
        "OUTPUT: a row per unit and period, on the unit's polygon when UNITS (and UNITS_CODE_FIELD) are given. "
        "OVERDUE: open orders past their deadline, longest first, with their unit and department. TOPICS "
        "(每月一题): per period the class cases ranked by orders expected unresolved. ORDERS: every input row with "
        "its status and the values that could not be read. REPORT: the whole as an XLSX workbook with a sheet of "
        "definitions. 'Now' for open orders is AS_OF, else the latest time in the data.\n\n"
        "Example: INPUT the orders with repeats (Find repeats' output), UNITS the grids, PERIOD month."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Orders layer"), optional=True),
        orders_file_family(),
        field("UNIT_FIELD", tr_noop("Unit assessed"), "INPUT", RESP_CODE, fallback=True),
        choice("PERIOD", tr_noop("Period"), list(zip(PERIOD_LABELS, PERIODS))),
        *(field(parameter, label, "INPUT", advanced=True) for _name, parameter, label in LIFECYCLE_FIELDS),
        number("RESPONSE_HOURS", tr_noop("Sign-off within (hours)"), 24.0, minimum=0.0),
        number("URGENT_RESPONSE_HOURS", tr_noop("Sign-off of urgent orders within (hours)"), 2.0, minimum=0.0),
        number("CLOSURE_DAYS", tr_noop("Closure within (days) where an order has no due time"), 7.0, minimum=0.0),
        weights_param(),
        integer("MIN_ORDERS", tr_noop("Orders a unit needs in a period to be ranked"), 20, minimum=1),
        date_time("AS_OF", tr_noop("Now, for open orders (empty: the latest time in the data)")),
        source("UNITS", tr_noop("Units to draw (polygons)"), [QgsProcessing.SourceType.TypeVectorPolygon], True),
        # drawing only, not the assessment's: read by _drawn, not into the request
        dataclasses.replace(field("UNITS_CODE_FIELD", tr_noop("Units' code field"), "UNITS", GRID_CODE), read=None),
        sink("OUTPUT", tr_noop("Assessment per unit and period"), QgsProcessing.SourceType.TypeVectorAnyGeometry),
        sink("OVERDUE", tr_noop("Open orders past their deadline")),
        sink("TOPICS", tr_noop("Class cases to take on (每月一题)")),
        sink("ORDERS", tr_noop("Every order with its status"), optional=True, create_by_default=False),
        file_destination("REPORT", tr_noop("Report (XLSX)"), tr_noop("Excel (*.xlsx)"), optional=True,
                         create_by_default=False),
    )  # fmt: skip
    OUTPUTS = (number_output("RATED", tr_noop("Units ranked")), number_output("OVERDUE_COUNT", tr_noop("Overdue")))
    REQUEST = AssessmentRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: AssessmentRequest = self.request(parameters, context)
        try:  # of a layer only the unit and lifecycle columns are read
            orders = read_orders_input(
                self,
                parameters,
                context,
                feedback,
                "INPUT",
                "INPUT_FILE",
                lambda names: engine.columns_read(names, request),
            )
            result = engine.assess(orders.frame, request)
        except ValueError as err:
            raise QgsProcessingException(str(err)) from err
        for message in result.messages:
            feedback.pushInfo(message)
        none = QgsCoordinateReferenceSystem()
        units, crs = self._drawn(result.units, parameters, context, feedback)
        dest = write_frame(self, parameters, "OUTPUT", context, units, crs, feedback)
        StyleOnLoad.attach(context, dest, "assessment", tr("Assessment"))
        out = {"OUTPUT": dest, "RATED": int(result.units[RATED].sum()), "OVERDUE_COUNT": len(result.overdue)}
        out["OVERDUE"] = write_frame(self, parameters, "OVERDUE", context, result.overdue, none, feedback)
        out["TOPICS"] = write_frame(self, parameters, "TOPICS", context, result.topics, none, feedback)
        out.update(table_if_asked(self, parameters, "ORDERS", context, result.orders, feedback))
        path = self.parameterAsFileOutput(parameters, "REPORT", context)
        if path:
            written = report.write_report(result, path)
            feedback.pushInfo(tr("Report written: {0}").format(", ".join(map(str, written))))
            out["REPORT"] = path
        return out

    def _drawn(self, units: pd.DataFrame, parameters, context, feedback):
        """The units' table, on their polygons when UNITS are given (a unit without one keeps its row,
        without geometry), with ``latest`` marking the last period (what the map shows)."""
        units = units.copy()
        units["latest"] = units[PERIOD] == units[PERIOD].max() if len(units) else pd.Series(dtype=bool)
        polygons, source_ = read_source(self, parameters, "UNITS", context, feedback)
        if polygons is None:
            return units, QgsCoordinateReferenceSystem()
        code = self.parameterAsString(parameters, "UNITS_CODE_FIELD", context) or GRID_CODE
        if code not in polygons.columns:
            raise QgsProcessingException(tr("UNITS_CODE_FIELD: the units have no field {0!r}").format(code))
        keep = [c for c in ("name",) if c in polygons.columns and c != code]
        shapes = polygons[[code, *keep, polygons.geometry.name]].copy()
        shapes[code] = shapes[code].astype(str).str.strip()
        shapes = shapes.rename(columns={code: UNIT}).drop_duplicates(UNIT)
        units[UNIT] = units[UNIT].astype(str)
        drawn = gpd.GeoDataFrame(units.merge(shapes, on=UNIT, how="left"), geometry=polygons.geometry.name)
        drawn = drawn.sort_values([PERIOD, RANK], na_position="last", kind="stable", ignore_index=True)
        missing = int(drawn.geometry.isna().sum())
        if missing:
            feedback.pushWarning(tr("{0} unit rows have no polygon among the UNITS").format(missing))
        return drawn.set_crs(polygons.crs, allow_override=True), source_.sourceCrs()
