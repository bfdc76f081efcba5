"""``gridgov:patrolplan``: one street office's patrol teams routed through its hot places in their hours."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDistance,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from gridgov.grid_ops.schema import GRID_CODE, STREET_CODE
from gridgov.layers.processing.base import GridGovAlgorithm, StyleOnLoad, read_source, tr, write_frame
from gridgov.layers.processing.order_filters import add_filter_parameters, filter_orders

SOLVERS = ("auto", "ortools", "fallback")
SCHEDULE_COLUMNS = {
    "team_id": "队伍编号 team",
    "team_name": "队伍 team name",
    "shift": "班次 shift",
    "seq": "顺序 seq",
    "arrive": "到达 arrive",
    "depart": "离开 leave",
    "window": "时间窗 window",
    "place_id": "地点 place",
    "place_name": "名称 name",
    "expected": "预计事件/日 expected",
}


def parse_pairs(text: str, what: str) -> dict[str, str]:
    """``place=team; place=team`` → dict; a malformed pair raises naming it."""
    out = {}
    for part in re.split(r"[,，;；\s]+", text or ""):
        if not part:
            continue
        place, sep, team = part.partition("=")
        if not sep or not place or not team:
            raise QgsProcessingException(tr("{0}: {1!r} is not place=team").format(what, part))
        out[place] = team
    return out


class PatrolPlanAlgorithm(GridGovAlgorithm):
    NAME = "patrolplan"
    DISPLAY = "Patrol plan"
    GROUP_ID = "governance"
    GROUP = "Governance"
    HELP = (
        "Plans one street office's patrols. INPUT: candidate places (hot grids, hot areas, or all grids of the "
        "street). ORDERS: last period's placed orders of the class cases to target (the usual filters apply; DAYS "
        "before the latest order). For each shift in WINDOWS (e.g. 19:00-23:00;23:00-02:00) a place becomes a stop "
        "when orders happened there in those hours: the hottest places holding 80 % of the shift's orders, each "
        "with its expected incidents per day and a visiting window (the hours inside the shift that held half of "
        "them). TEAMS (the roster's patrol teams, filtered by STREET) start and end at START.\n\n"
        "The stops are shared out so that each team's load (expected incidents) is within ±6 % of the mean and "
        "routes are short, and each route keeps the windows and the shift; the solver is OR-Tools' routing library "
        "(SOLVER auto or ortools) or a plain fallback that needs nothing (fallback). With ROADS routes follow the "
        "roads (shortest paths); otherwise straight lines. Same inputs, same plan. PINS (place=team;...) fixes a "
        "place to a team, DROPS (place,...) leaves places out: change them and run again to re-plan.\n\n"
        "Outputs: stops (team, seq, arrive, depart, window, status: planned or dropped), route lines (length_m, "
        "load), and the schedule per team (XLSX and CSV, with a sheet measuring the plan: the share of the "
        "period's incidents within COVER_DISTANCE of a route in its shift, per km, against patrolling every place "
        "in code order and against random stops).\n\n"
        "Example: INPUT the grids, STREET 440399001, ORDERS the placed orders, CATEGORIES noise, DAYS 90, "
        "TEAMS patrol_teams, START street_offices, WINDOWS 19:00-23:00;23:00-02:00, ROADS the roads."
    )
    INPUT, ID_FIELD, NAME_FIELD, STREET = "INPUT", "ID_FIELD", "NAME_FIELD", "STREET"
    ORDERS, DAYS, TEAMS, START, WINDOWS, ROADS = "ORDERS", "DAYS", "TEAMS", "START", "WINDOWS", "ROADS"
    SPEED, SERVICE, COVER_DISTANCE, SOLVER, PINS, DROPS = (
        "SPEED",
        "SERVICE",
        "COVER_DISTANCE",
        "SOLVER",
        "PINS",
        "DROPS",
    )
    OUTPUT_STOPS, OUTPUT_ROUTES, OUTPUT_SCHEDULE = "OUTPUT_STOPS", "OUTPUT_ROUTES", "OUTPUT_SCHEDULE"
    BALANCE, COVERAGE_PER_KM, CODE_ORDER_PER_KM, RANDOM_PER_KM = (
        "BALANCE",
        "COVERAGE_PER_KM",
        "CODE_ORDER_PER_KM",
        "RANDOM_PER_KM",
    )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        polygon, point = QgsProcessing.SourceType.TypeVectorPolygon, QgsProcessing.SourceType.TypeVectorPoint
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, tr("Candidate places (hot grids or areas)"), [polygon])
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.ID_FIELD, tr("Place id field"), GRID_CODE, parentLayerParameterName=self.INPUT, optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.NAME_FIELD, tr("Place name field"), "name", parentLayerParameterName=self.INPUT, optional=True
            )
        )
        self.addParameter(QgsProcessingParameterString(self.STREET, tr("Street office (street code)"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(self.ORDERS, tr("Orders (points)"), [point]))
        add_filter_parameters(self, self.ORDERS, advanced=True)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DAYS,
                tr("Days of orders before the latest"),
                QgsProcessingParameterNumber.Type.Integer,
                90,
                minValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.TEAMS, tr("Patrol teams (table)"), [QgsProcessing.SourceType.TypeVector]
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.START, tr("Start point (street office or police post)"), [point])
        )
        self.addParameter(QgsProcessingParameterString(self.WINDOWS, tr("Shifts"), "19:00-23:00"))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.ROADS, tr("Roads (optional)"), [QgsProcessing.SourceType.TypeVectorLine], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SPEED, tr("Speed (km/h)"), QgsProcessingParameterNumber.Type.Double, 12.0, minValue=0.1
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SERVICE, tr("Minutes at each stop"), QgsProcessingParameterNumber.Type.Double, 20.0, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterDistance(
                self.COVER_DISTANCE, tr("Coverage distance"), 100.0, parentParameterName=self.INPUT, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SOLVER, tr("Solver"), [tr("Auto"), "OR-Tools", tr("Fallback")], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.PINS, tr("Pin places to teams (place=team;...)"), optional=True)
        )
        self.addParameter(QgsProcessingParameterString(self.DROPS, tr("Leave places out (place,...)"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT_STOPS, tr("Patrol stops"), point))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_ROUTES, tr("Patrol routes"), QgsProcessing.SourceType.TypeVectorLine
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_SCHEDULE,
                tr("Schedule (XLSX or CSV)"),
                tr("Excel (*.xlsx);;CSV (*.csv)"),
                optional=True,
                createByDefault=False,
            )
        )
        for name, label in (
            (self.BALANCE, tr("Largest over smallest team load")),
            (self.COVERAGE_PER_KM, tr("Plan: share of incidents covered per km")),
            (self.CODE_ORDER_PER_KM, tr("Code-order baseline: share per km")),
            (self.RANDOM_PER_KM, tr("Random baseline: share per km")),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        import geopandas as gpd
        import shapely

        from gridgov.grid_ops.governance import patrol, patrolplan
        from gridgov.layers.orders_input import point_xy

        street = (self.parameterAsString(parameters, self.STREET, context) or "").strip()
        places_frame, source = read_source(self, parameters, self.INPUT, context, feedback)
        places_frame = _in_street(places_frame, street, self.INPUT)
        id_field = self._field(parameters, self.ID_FIELD, context, places_frame, (GRID_CODE, "area_id"))
        name_field = self._field(parameters, self.NAME_FIELD, context, places_frame, ("name", "grid_name", "area_id"))
        ids = places_frame[id_field].astype(str).to_numpy() if id_field else places_frame["_fid"].astype(str).to_numpy()
        if pd.Series(ids).duplicated().any():
            raise QgsProcessingException(
                tr("ID_FIELD: place {0!r} appears twice").format(pd.Series(ids)[pd.Series(ids).duplicated()].iat[0])
            )
        geoms = places_frame.geometry.to_numpy()
        inner = shapely.point_on_surface(geoms)
        labels = places_frame[name_field].astype(str).to_numpy() if name_field else ids
        places = patrol.Places(ids, shapely.get_x(inner), shapely.get_y(inner), labels)

        teams_frame, _ = read_source(self, parameters, self.TEAMS, context, feedback)
        teams_frame = _in_street(teams_frame, street, self.TEAMS)
        if "team_id" not in teams_frame.columns:
            raise QgsProcessingException(tr("TEAMS: the table has no field {0!r}").format("team_id"))
        names = teams_frame["team_name"] if "team_name" in teams_frame else teams_frame["team_id"]
        try:
            teams = patrol.Teams(teams_frame["team_id"].astype(str).tolist(), names.astype(str).tolist())
            shifts = patrol.parse_shifts(self.parameterAsString(parameters, self.WINDOWS, context))
        except ValueError as err:
            raise QgsProcessingException(str(err)) from err

        start_frame, _ = read_source(self, parameters, self.START, context, feedback)
        start_frame = _in_street(start_frame, street, self.START)
        start_xy = point_xy(start_frame.geometry.values)
        start_xy = start_xy[np.isfinite(start_xy).all(axis=1)]
        if not len(start_xy):
            raise QgsProcessingException(tr("START: no start point with a geometry"))

        orders, _ = read_source(self, parameters, self.ORDERS, context, feedback)
        _chosen, _codes, times, keep = filter_orders(self, parameters, context, orders, feedback)
        if times is None:
            raise QgsProcessingException(
                tr("ORDERS: a time field is needed (TIME_FIELD) to know when incidents happen")
            )
        days = self.parameterAsInt(parameters, self.DAYS, context)
        ok = keep & ~np.isnat(times)
        if not ok.any():
            raise QgsProcessingException(tr("ORDERS: no order with a time passes the filter"))
        latest = times[ok].max()
        ok &= times > latest - np.timedelta64(days, "D")
        xy = point_xy(orders.geometry.values)[ok]
        minute = times[ok].astype("datetime64[m]").astype(np.int64) % 1440
        feedback.pushInfo(tr("{0} orders of the last {1} days up to {2}").format(int(ok.sum()), days, str(latest)[:10]))

        roads = None
        roads_frame, _ = read_source(self, parameters, self.ROADS, context, feedback)
        if roads_frame is not None:
            roads = roads_frame.geometry.to_numpy()
        solver = SOLVERS[self.parameterAsEnum(parameters, self.SOLVER, context)]
        pins = parse_pairs(self.parameterAsString(parameters, self.PINS, context), self.PINS)
        drops = {
            d for d in re.split(r"[,，;；\s]+", self.parameterAsString(parameters, self.DROPS, context) or "") if d
        }
        try:
            result = patrolplan.plan_patrol(
                places, geoms, teams, tuple(start_xy[0]), shifts, xy[:, 0], xy[:, 1], minute, days,
                roads=roads,
                speed_kmh=self.parameterAsDouble(parameters, self.SPEED, context),
                service_min=self.parameterAsDouble(parameters, self.SERVICE, context),
                pins=pins, drops=drops, solver=solver,
                cover_distance=self.parameterAsDouble(parameters, self.COVER_DISTANCE, context),
            )  # fmt: skip
        except (ValueError, ImportError) as err:
            raise QgsProcessingException(str(err)) from err
        for note in result.notes:
            feedback.pushWarning(note)
        feedback.pushInfo(
            tr("Solver {0}: {1} stops planned, {2} dropped; team loads max/min {3:.2f}").format(
                result.plan.solver, int((result.stops["status"] == "planned").sum()),
                int((result.stops["status"] != "planned").sum()), result.balance,
            )
        )  # fmt: skip
        measure = result.measure.set_index("method")
        for method, row in measure.iterrows():
            feedback.pushInfo(
                tr("{0}: {1:.1%} of {2} incidents covered, {3:.1f} km, {4:.4f} per km").format(
                    method, row["share"], int(row["incidents"]), row["route_km"], row["share_per_km"]
                )
            )
        crs = source.sourceCrs()
        stops = result.stops.drop(columns=["_arrive_min"])
        stop_frame = gpd.GeoDataFrame(stops.drop(columns=["x", "y"]), geometry=shapely.points(stops["x"], stops["y"]))
        dest_stops = write_frame(self, parameters, self.OUTPUT_STOPS, context, stop_frame, crs, feedback)
        routes = result.routes
        lines = [shapely.linestrings(c) if len(c) >= 2 else None for c in routes["geometry_xy"]]
        route_frame = gpd.GeoDataFrame(routes.drop(columns=["geometry_xy"]), geometry=lines)
        dest_routes = write_frame(self, parameters, self.OUTPUT_ROUTES, context, route_frame, crs, feedback)
        StyleOnLoad.attach(context, dest_stops, "patrol_stops", tr("Patrol stops"))
        StyleOnLoad.attach(context, dest_routes, "patrol_routes", tr("Patrol routes"))
        results = {
            self.OUTPUT_STOPS: dest_stops,
            self.OUTPUT_ROUTES: dest_routes,
            self.BALANCE: result.balance,
            self.COVERAGE_PER_KM: float(measure.loc["plan", "share_per_km"]),
            self.CODE_ORDER_PER_KM: float(measure.loc["code order", "share_per_km"]),
            self.RANDOM_PER_KM: float(measure.loc["random", "share_per_km"]),
        }
        path = self.parameterAsFileOutput(parameters, self.OUTPUT_SCHEDULE, context)
        if path:
            from gridgov.grid_ops.orders.dispatch_table import write_sheets

            schedule = result.schedule.rename(columns=SCHEDULE_COLUMNS)
            summary = routes.drop(columns=["geometry_xy"])
            written = write_sheets(
                path,
                [
                    ("排班 Schedule", schedule, ""),
                    ("路线 Routes", summary, "_routes"),
                    ("评估 Measure", result.measure, "_measure"),
                ],
            )
            feedback.pushInfo(tr("Schedule written: {0}").format(", ".join(map(str, written))))
            results[self.OUTPUT_SCHEDULE] = path
        return results

    def _field(self, parameters, name, context, frame, fallbacks) -> str:
        chosen = self.parameterAsString(parameters, name, context)
        if chosen:
            if chosen not in frame.columns:
                raise QgsProcessingException(tr("{0}: the layer has no field {1!r}").format(name, chosen))
            return chosen
        return next((f for f in fallbacks if f in frame.columns), "")


def _in_street(frame: pd.DataFrame, street: str, param: str) -> pd.DataFrame:
    """The rows of the street office ``street`` (by street_code) when given and the layer has the field."""
    if not street or STREET_CODE not in frame.columns:
        return frame
    mine = frame[frame[STREET_CODE].astype(str) == street]
    if mine.empty:
        raise QgsProcessingException(tr("{0}: nothing with street_code {1!r}").format(param, street))
    return mine.reset_index(drop=True)
