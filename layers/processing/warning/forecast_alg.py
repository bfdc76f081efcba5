"""``gridgov:forecast``: orders per grid × class case for the next weeks or months, with intervals."""

from __future__ import annotations

from qgis.core import QgsProcessing

from gridgov.grid_ops.forecasting import forecast
from gridgov.grid_ops.forecasting.request import ForecastJob
from gridgov.layers.outputs.run_outputs import table_if_asked, write_frame
from gridgov.layers.parameters.declare import choice, integer, number, number_output, sink
from gridgov.layers.parameters.grid_inputs import orders_and_grids_family
from gridgov.layers.parameters.order_filters import filter_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.processing.warning.counted_orders import counted_run, with_grids
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

PERIODS = ((tr_noop("Month"), "month"), (tr_noop("Week"), "week"))


def period_choice():
    return choice("PERIOD", tr_noop("Period"), PERIODS)


class ForecastAlgorithm(DeclaredAlgorithm):
    NAME = "forecast"
    DISPLAY = "Forecast orders per grid"
    GROUP_ID = "warning"
    GROUP = "Early warning"
    HELP = (
        "How many orders of each class case each grid will get in the next HORIZON weeks or months (PERIOD), with "
        "a LEVEL % prediction interval (lo, hi). Orders are counted per grid × class case × period, zeros "
        "included (a grid without orders is a series of zeros). The model is chosen per class case by a "
        "rolling-origin backtest over three windows of HOLDOUT periods (0: HORIZON), among seasonal naive, "
        "simple exponential smoothing, TSB (for counts that are mostly zero) and the class case's total "
        "forecast by exponential smoothing with seasonality (statsmodels) shared out by each grid's share; a grid "
        "with a long, busy history gets its own model only where it wins every backtest window. The intervals are "
        "negative binomial, calibrated on the backtest so that they hold their level. Every row says its model and "
        "backtest_error (MASE against the in-sample seasonal naive; snaive_error is seasonal naive's own, so the "
        "model beats it where lower). The last period should be complete: end DATE_TO on a period's last day.\n\n"
        "OUTPUT: one row per grid × class case × future period (step 1 is the next), on the grid's polygon; MODELS: "
        "per class case the model, its parameters and backtest scores.\n\n"
        "Example: INPUT the placed orders, GRIDS the grids, CATEGORIES noise, PERIOD month, HORIZON 3."
    )
    PARAMETERS = (
        orders_and_grids_family(),
        filter_family(),
        period_choice(),
        integer("HORIZON", tr_noop("Periods to forecast"), 3, minimum=1, maximum=52),
        integer("HOLDOUT", tr_noop("Periods per backtest window (0: as many as forecast)"), 0, minimum=0, maximum=52),
        number("LEVEL", tr_noop("Prediction interval (%)"), 90.0, minimum=50.0, maximum=99.9),
        sink("OUTPUT", tr_noop("Forecast"), QgsProcessing.SourceType.TypeVectorPolygon),
        sink("MODELS", tr_noop("Models per class case"), optional=True, create_by_default=False),
    )
    OUTPUTS = (number_output("SERIES", tr_noop("Series forecast (grid × class case)")),)
    REQUEST = ForecastJob

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        job: ForecastJob = self.request(parameters, context)
        counted, result = counted_run(job, forecast, job.forecast_request(), self, parameters, context, feedback)
        for model in result.models.itertuples(index=False):
            feedback.pushInfo(tr("Class case {0}: model {1}").format(model.class_code, model.model))
        out = with_grids(result.forecasts, counted.data)
        dest = write_frame(self, parameters, "OUTPUT", context, out, counted.data.grid_source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "forecast", tr("Forecast"))
        models = table_if_asked(self, parameters, "MODELS", context, result.models, feedback)
        return {"OUTPUT": dest, "SERIES": int(result.series.counts.shape[0]), **models}
