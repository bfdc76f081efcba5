"""``gridgov:earlywarning``: grids where a class case is surging or turning up, and the grids to
treat before next season (冬病夏治)."""

from __future__ import annotations

from qgis.core import QgsProcessing

from gridgov.grid_ops.forecasting import early_warning
from gridgov.grid_ops.forecasting.request import EarlyWarningJob, parse_season
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import checked_text, integer, number, number_output, sink
from gridgov.layers.parameters.grid_inputs import orders_and_grids_family
from gridgov.layers.parameters.order_filters import filter_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.processing.warning.counted_orders import counted_run, with_grids
from gridgov.layers.processing.warning.forecast_alg import period_choice
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad


class EarlyWarningAlgorithm(DeclaredAlgorithm):
    NAME = "earlywarning"
    DISPLAY = "Early warning"
    GROUP_ID = "warning"
    GROUP = "Early warning"
    HELP = (
        "Warns before complaints rise (未诉先办). Orders are counted per grid × class case × PERIOD as for "
        "Forecast orders per grid. OUTPUT lists two kinds of alert, the strongest first:\n"
        "- surge: the latest period is above the upper bound of the LEVEL % interval of a forecast made without "
        "it (and holds at least 3 orders); alert_level 1, 2 or 3 when it is above the bound whose tail is that of "
        "LEVEL, a tenth of it or a hundredth (99 %, 99.9 %, 99.99 % by default), with observed, expected, upper "
        "and tail_p. LEVEL is 99 by default: with hundreds of grids × class cases, 90 would alert one quiet grid "
        "in five every month;\n"
        "- trend_turn (苗头性问题): the last three periods, season adjusted, at least 1.5 times the season before "
        "and beyond its 99 % bound, where the window before was not already up.\n"
        "SEASON_LIST (冬病夏治) ranks, per class case, the grids expected to be busiest in the coming SEASON "
        "(months, e.g. 11-3 for the heating season November to March, or 6,7,8), from the past seasons, each "
        "weighing half as much as the one after it: expected, last_season, share and cum_share. Its polygons "
        "are ready to be the candidate places of Patrol plan; TOP keeps the first grids of each class case.\n"
        "The latest period should be complete: end DATE_TO on a period's last day.\n\n"
        "Example: INPUT the placed orders, GRIDS the grids, CATEGORIES heating, PERIOD month, SEASON 11-3."
    )
    PARAMETERS = (
        orders_and_grids_family(),
        filter_family(),
        period_choice(),
        number("LEVEL", tr_noop("Alert above the upper bound of the interval (%)"), 99.0, minimum=50.0, maximum=99.9),
        checked_text("SEASON", tr_noop("Season (months, e.g. 11-3)"), parse_season, "11-3", optional=False),
        integer("TOP", tr_noop("Grids per class case in the season list (0: all)"), 0, minimum=0),
        sink("OUTPUT", tr_noop("Early-warning alerts"), QgsProcessing.SourceType.TypeVectorPolygon),
        sink("SEASON_LIST", tr_noop("Season-ahead list"), QgsProcessing.SourceType.TypeVectorPolygon),
    )
    OUTPUTS = (number_output("ALERTS", tr_noop("Alerts")),)
    REQUEST = EarlyWarningJob

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        job: EarlyWarningJob = self.request(parameters, context)
        request = job.early_warning_request()
        counted, result = counted_run(job, early_warning, request, self, parameters, context, feedback)
        kinds = result.alerts["alert_kind"].value_counts()
        feedback.pushInfo(", ".join(f"{kind}: {count}" for kind, count in kinds.items()) or tr("No alert"))
        crs = counted.data.grid_source.sourceCrs()
        dest = write_frame(self, parameters, "OUTPUT", context, with_grids(result.alerts, counted.data), crs, feedback)
        StyleOnLoad.attach(context, dest, "early_warning", tr("Early-warning alerts"))
        season = with_grids(result.season, counted.data)
        season_dest = write_frame(self, parameters, "SEASON_LIST", context, season, crs, feedback)
        StyleOnLoad.attach(context, season_dest, "season_list", tr("Season-ahead list"))
        return {"OUTPUT": dest, "SEASON_LIST": season_dest, "ALERTS": len(result.alerts)}
