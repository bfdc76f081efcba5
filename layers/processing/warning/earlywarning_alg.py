"""``gridgov:earlywarning``: grids where a class case is surging or turning up, and the grids to
treat before next season (冬病夏治)."""

from __future__ import annotations

import dataclasses

import numpy as np
import shapely
from qgis.core import QgsProcessing, QgsProcessingException

from gridgov.grid_ops.forecasting import early_warning
from gridgov.grid_ops.forecasting.request import EarlyWarningJob, parse_season
from gridgov.grid_ops.forecasting.warning import PLACE, nearest_place, season_places
from gridgov.grid_ops.responsibility import geolocate
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.io.convert import POS_X
from gridgov.layers.io.orders_input import frame_xy
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import checked_text, field, integer, number, number_output, sink, source
from gridgov.layers.parameters.grid_inputs import orders_and_grids_family
from gridgov.layers.parameters.order_filters import filter_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.processing.warning.counted_orders import counted_run, with_grids
from gridgov.layers.processing.warning.forecast_alg import period_choice
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

POINTS = [QgsProcessing.SourceType.TypeVectorPoint]


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
        "are ready to be the candidate places of Patrol plan; TOP keeps the first grids of each class case. With "
        "ESTATES (points named by ESTATE_FIELD, e.g. the gazetteer's buildings and their estate), ESTATE_LIST ranks "
        "the estates the same way, each order counted at the estate whose point is nearest within ESTATE_DISTANCE "
        "metres.\n"
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
        # the estates' list: drawn from the orders' positions, not part of the request (read by _estates)
        dataclasses.replace(
            source("ESTATES", tr_noop("Estates (points, e.g. the gazetteer)"), POINTS, optional=True), read=None
        ),
        dataclasses.replace(field("ESTATE_FIELD", tr_noop("Estate name field"), "ESTATES", "estate"), read=None),
        dataclasses.replace(number("ESTATE_DISTANCE", tr_noop("An order counts at an estate within (m)"), 100.0, 0.0),
                            read=None),
        sink("ESTATE_LIST", tr_noop("Season-ahead list of estates"), QgsProcessing.SourceType.TypeVectorPoint,
             optional=True, create_by_default=False),
    )  # fmt: skip
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
        out = {"OUTPUT": dest, "SEASON_LIST": season_dest, "ALERTS": len(result.alerts)}
        if parameters.get("ESTATE_LIST") is not None and parameters.get("ESTATES"):
            estates = self._estates(counted, request, parameters, context, feedback)
            out["ESTATE_LIST"] = write_frame(self, parameters, "ESTATE_LIST", context, estates, crs, feedback)
        return out

    def _estates(self, counted, request, parameters, context, feedback):
        """The season-ahead list of estates: each order counted at the estate whose point (a building of
        it) is nearest within ESTATE_DISTANCE, ranked as the grids are; each estate at the middle of its
        points, with the grid holding that point."""
        import geopandas as gpd

        points, _source = read_source(self, parameters, "ESTATES", context, feedback)
        name = self.parameterAsString(parameters, "ESTATE_FIELD", context) or "estate"
        if name not in points.columns:
            raise QgsProcessingException(tr("ESTATE_FIELD: the estates have no field {0!r}").format(name))
        orders = counted.data.orders
        if orders.crs is None or POS_X not in orders.columns:
            raise QgsProcessingException(tr("ESTATES need the orders' points: leave GRID_FIELD empty"))
        points = points[points[name].notna() & (points[name].astype(str).str.strip() != "")].to_crs(orders.crs)
        xy = frame_xy(orders)[orders.index.get_indexer(counted.orders.index)]
        names = points[name].astype(str).str.strip().to_numpy(dtype=object)
        at = nearest_place(xy, shapely.get_coordinates(points.geometry.to_numpy()), names, self.parameterAsDouble(
            parameters, "ESTATE_DISTANCE", context))  # fmt: skip
        feedback.pushInfo(tr("{0} orders counted at an estate").format(int((at != "").sum())))
        listed = season_places(counted.orders, at, request)
        middles = points.dissolve(by=name).geometry.centroid
        geometry = gpd.GeoSeries(middles.reindex(listed[PLACE]).to_numpy(), crs=orders.crs)
        codes = geolocate.UnitLayer.from_frame(counted.data.grids.to_crs(orders.crs), counted.data.code_field)
        listed[GRID_CODE] = np.asarray(geolocate.grid_of_points(codes, geometry.x.to_numpy(), geometry.y.to_numpy()),
                                       dtype=object)  # fmt: skip
        return gpd.GeoDataFrame(listed.rename(columns={PLACE: "estate"}), geometry=geometry.to_numpy(), crs=orders.crs)
