"""``gridgov:findrepeats``: repeat orders of one class case at one place within days form one case."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDistance,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE
from gridgov.layers.orders_input import point_xy
from gridgov.layers.outputs import keep_input_columns
from gridgov.layers.processing.base import (
    GridGovAlgorithm,
    StyleOnLoad,
    read_source,
    require_projected,
    tr,
    write_frame,
)


class FindRepeatsAlgorithm(GridGovAlgorithm):
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
    INPUT, CATEGORY_FIELD, TIME_FIELD, DISTANCE, DAYS = "INPUT", "CATEGORY_FIELD", "TIME_FIELD", "DISTANCE", "DAYS"
    GRID_FIELD, OUTPUT, RATES, CASES = "GRID_FIELD", "OUTPUT", "RATES", "CASES"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, tr("Placed orders (points)"), [QgsProcessing.SourceType.TypeVectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CATEGORY_FIELD, tr("Class case field"), CLASS_CODE, parentLayerParameterName=self.INPUT
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.TIME_FIELD, tr("Time field"), "reported_at", parentLayerParameterName=self.INPUT
            )
        )
        self.addParameter(
            QgsProcessingParameterDistance(
                self.DISTANCE, tr("Distance"), 50.0, parentParameterName=self.INPUT, minValue=0.01
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DAYS, tr("Days"), QgsProcessingParameterNumber.Type.Double, 7.0, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.GRID_FIELD,
                tr("Grid field (for repeat rates)"),
                GRID_CODE,
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Orders with cases"), QgsProcessing.SourceType.TypeVectorPoint
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.RATES,
                tr("Repeat rate per grid"),
                QgsProcessing.SourceType.TypeVector,
                optional=True,
                createByDefault=True,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.CASES, tr("Cases")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.layers.postgis.backend import in_database

        results = in_database("findrepeats", self, parameters, context, feedback)
        if results is not None:
            return results
        return self._in_engine(parameters, context, feedback)

    def _in_engine(self, parameters, context, feedback):
        from gridgov.grid_ops.orders.repeats import find_repeats, repeat_rates
        from gridgov.layers.processing.order_filters import times_of

        frame, source = read_source(self, parameters, self.INPUT, context, feedback)
        require_projected(source, tr("The orders layer"))
        fields = {}
        for name in (self.CATEGORY_FIELD, self.TIME_FIELD, self.GRID_FIELD):
            fields[name] = self.parameterAsString(parameters, name, context)
            if fields[name] and fields[name] not in frame.columns:
                raise QgsProcessingException(tr("{0}: no field {1!r}").format(name, fields[name]))
        xy = point_xy(frame.geometry.values)
        times, problem = times_of(frame, fields[self.TIME_FIELD])
        result = find_repeats(
            xy[:, 0],
            xy[:, 1],
            frame[fields[self.CATEGORY_FIELD]].to_numpy(dtype=object),
            times,
            self.parameterAsDouble(parameters, self.DISTANCE, context),
            self.parameterAsDouble(parameters, self.DAYS, context),
            problem,
        )
        own = ("case_id", "repeat_count", "first_seen", "is_repeat", "repeat_problem")
        out = keep_input_columns(frame.drop(columns=["_fid"]), own, feedback).copy()
        out["case_id"] = result.case_id
        out["repeat_count"] = result.repeat_count
        out["first_seen"] = result.first_seen.astype("datetime64[ns]")
        out["is_repeat"] = result.is_repeat
        out["repeat_problem"] = result.problem
        n_cases = len(set(result.case_id) - {""})
        feedback.pushInfo(
            tr("{0} orders form {1} cases; {2} orders could not be checked").format(
                len(out), n_cases, int((result.case_id == "").sum())
            )
        )
        dest = write_frame(self, parameters, self.OUTPUT, context, out, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "orders_points", tr("Orders with cases"), events=True)
        results = {self.OUTPUT: dest, self.CASES: n_cases}
        if fields[self.GRID_FIELD] and parameters.get(self.RATES) is not None:
            rates = repeat_rates(frame[fields[self.GRID_FIELD]].to_numpy(dtype=object), result)
            rates = rates.rename(columns={"unit": fields[self.GRID_FIELD]})
            results[self.RATES] = write_frame(
                self, parameters, self.RATES, context, rates, QgsCoordinateReferenceSystem(), feedback
            )
        return results
