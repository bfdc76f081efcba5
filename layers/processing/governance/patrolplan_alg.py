"""``gridgov:patrolplan``: one street office's patrol teams routed through its hot places in their hours."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from qgis.core import QgsProcessing, QgsProcessingException, QgsProcessingParameterDistance

from gridgov.grid_ops.governance import patrol
from gridgov.grid_ops.governance.patrolplan import PatrolOrders, PatrolPlanRequest, PatrolResult, patrol_plan_of
from gridgov.grid_ops.schema import GRID_CODE, STREET_CODE
from gridgov.layers.io.orders_input import point_xy
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import write_frame, write_sheets_output
from gridgov.layers.parameters.declare import (
    Param,
    checked_text,
    choice,
    field,
    integer,
    number,
    number_output,
    sheets_destination,
    sink,
    source,
    text,
)
from gridgov.layers.parameters.order_filters import apply_filter, filter_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

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
POINTS = [QgsProcessing.SourceType.TypeVectorPoint]


def check_pins(text: str) -> None:
    """PINS is checked as it is read (``patrol.parse_pins``); a malformed pair stops the run, named."""
    try:
        patrol.parse_pins(text)
    except patrol.PinError as err:
        raise QgsProcessingException(tr("{0}: {1!r} is not place=team").format("PINS", err.part)) from err


def cover_distance() -> Param:
    """COVER_DISTANCE, a distance in the units of INPUT (``declare`` has no distance factory yet)."""
    return Param(
        "COVER_DISTANCE",
        lambda: QgsProcessingParameterDistance(
            "COVER_DISTANCE", tr("Coverage distance"), 100.0, parentParameterName="INPUT", minValue=0.0
        ),
        lambda alg, parameters, context: alg.parameterAsDouble(parameters, "COVER_DISTANCE", context),
    )


class PatrolPlanAlgorithm(DeclaredAlgorithm):
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
    PARAMETERS = (
        source("INPUT", tr_noop("Candidate places (hot grids or areas)"), [QgsProcessing.SourceType.TypeVectorPolygon]),
        field("ID_FIELD", tr_noop("Place id field"), "INPUT", GRID_CODE),
        field("NAME_FIELD", tr_noop("Place name field"), "INPUT", "name"),
        text("STREET", tr_noop("Street office (street code)")),
        source("ORDERS", tr_noop("Orders (points)"), POINTS),
        filter_family("ORDERS", advanced=True),
        integer("DAYS", tr_noop("Days of orders before the latest"), 90, minimum=1),
        source("TEAMS", tr_noop("Patrol teams (table)"), [QgsProcessing.SourceType.TypeVector]),
        source("START", tr_noop("Start point (street office or police post)"), POINTS),
        checked_text("WINDOWS", tr_noop("Shifts"), patrol.parse_shifts, "19:00-23:00", optional=False, named=False),
        source("ROADS", tr_noop("Roads (optional)"), [QgsProcessing.SourceType.TypeVectorLine], optional=True),
        number("SPEED", tr_noop("Speed (km/h)"), 12.0, minimum=0.1),
        number("SERVICE", tr_noop("Minutes at each stop"), 20.0, minimum=0.0),
        cover_distance(),
        choice(
            "SOLVER",
            tr_noop("Solver"),
            [(tr_noop("Auto"), "auto"), ("OR-Tools", "ortools"), (tr_noop("Fallback"), "fallback")],
        ),
        checked_text("PINS", tr_noop("Pin places to teams (place=team;...)"), check_pins),
        text("DROPS", tr_noop("Leave places out (place,...)")),
        sink("OUTPUT_STOPS", tr_noop("Patrol stops"), QgsProcessing.SourceType.TypeVectorPoint),
        sink("OUTPUT_ROUTES", tr_noop("Patrol routes"), QgsProcessing.SourceType.TypeVectorLine),
        sheets_destination("OUTPUT_SCHEDULE", tr_noop("Schedule (XLSX or CSV)")),
    )
    OUTPUTS = (
        number_output("BALANCE", tr_noop("Largest over smallest team load")),
        number_output("COVERAGE_PER_KM", tr_noop("Plan: share of incidents covered per km")),
        number_output("CODE_ORDER_PER_KM", tr_noop("Code-order baseline: share per km")),
        number_output("RANDOM_PER_KM", tr_noop("Random baseline: share per km")),
    )
    REQUEST = PatrolPlanRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: PatrolPlanRequest = self.request(parameters, context)
        places, polygons, source = self.places(parameters, context, feedback, request)
        teams = self.teams(parameters, context, feedback, request)
        start = self.start(parameters, context, feedback, request)
        orders = self.recent_orders(parameters, context, feedback, request)
        roads, _ = read_source(self, parameters, "ROADS", context, feedback)
        try:
            result = patrol_plan_of(request, places, polygons, teams, start, orders, roads_of(roads))
        except (ValueError, ImportError) as err:
            raise QgsProcessingException(str(err)) from err
        measure = report(result, feedback)
        layers = self.write_plan(parameters, context, feedback, result, source.sourceCrs())
        said = tr("Schedule written: {0}")
        written = write_sheets_output(
            self, parameters, "OUTPUT_SCHEDULE", context, schedule_sheets(result), said, feedback
        )
        return {
            **layers,
            "BALANCE": result.balance,
            "COVERAGE_PER_KM": float(measure.loc["plan", "share_per_km"]),
            "CODE_ORDER_PER_KM": float(measure.loc["code order", "share_per_km"]),
            "RANDOM_PER_KM": float(measure.loc["random", "share_per_km"]),
            **written,
        }

    def street_rows(self, parameters, name: str, context, feedback, request: PatrolPlanRequest):
        """The layer ``name`` and its source, only the rows of the street office STREET when given."""
        frame, source = read_source(self, parameters, name, context, feedback)
        return in_street(frame, request.street.strip(), name), source

    def places(self, parameters, context, feedback, request: PatrolPlanRequest):
        """The candidate places of INPUT (ids, names, visiting points), their polygons and the source."""
        frame, source = self.street_rows(parameters, "INPUT", context, feedback, request)
        id_field = pick_field(frame, request.id_field, "ID_FIELD", (GRID_CODE, "area_id"))
        name_field = pick_field(frame, request.name_field, "NAME_FIELD", ("name", "grid_name", "area_id"))
        ids = frame[id_field or "_fid"].astype(str).to_numpy()
        if pd.Series(ids).duplicated().any():
            raise QgsProcessingException(
                tr("ID_FIELD: place {0!r} appears twice").format(pd.Series(ids)[pd.Series(ids).duplicated()].iat[0])
            )
        geoms = frame.geometry.to_numpy()
        inner = shapely.point_on_surface(geoms)
        labels = frame[name_field].astype(str).to_numpy() if name_field else ids
        return patrol.Places(ids, shapely.get_x(inner), shapely.get_y(inner), labels), geoms, source

    def teams(self, parameters, context, feedback, request: PatrolPlanRequest) -> patrol.Teams:
        """The street office's patrol teams of TEAMS (team_id, and team_name when there is one)."""
        frame, _ = self.street_rows(parameters, "TEAMS", context, feedback, request)
        if "team_id" not in frame.columns:
            raise QgsProcessingException(tr("TEAMS: the table has no field {0!r}").format("team_id"))
        names = frame["team_name"] if "team_name" in frame else frame["team_id"]
        try:
            return patrol.Teams(frame["team_id"].astype(str).tolist(), names.astype(str).tolist())
        except ValueError as err:
            raise QgsProcessingException(str(err)) from err

    def start(self, parameters, context, feedback, request: PatrolPlanRequest) -> tuple[float, float]:
        """Where the teams start and end: the first START point of the street office with a geometry."""
        frame, _ = self.street_rows(parameters, "START", context, feedback, request)
        start_xy = point_xy(frame.geometry.values)
        start_xy = start_xy[np.isfinite(start_xy).all(axis=1)]
        if not len(start_xy):
            raise QgsProcessingException(tr("START: no start point with a geometry"))
        return tuple(start_xy[0])

    def recent_orders(self, parameters, context, feedback, request: PatrolPlanRequest) -> PatrolOrders:
        """The ORDERS that pass the filter, with a time, of the DAYS up to the latest of them."""
        orders, _ = read_source(self, parameters, "ORDERS", context, feedback)
        _chosen, _codes, times, keep = apply_filter(request.filter, orders, feedback)
        if times is None:
            raise QgsProcessingException(
                tr("ORDERS: a time field is needed (TIME_FIELD) to know when incidents happen")
            )
        ok = keep & ~np.isnat(times)
        if not ok.any():
            raise QgsProcessingException(tr("ORDERS: no order with a time passes the filter"))
        latest = times[ok].max()
        ok &= times > latest - np.timedelta64(request.days, "D")
        xy = point_xy(orders.geometry.values)[ok]
        minute = times[ok].astype("datetime64[m]").astype(np.int64) % 1440
        feedback.pushInfo(
            tr("{0} orders of the last {1} days up to {2}").format(int(ok.sum()), request.days, str(latest)[:10])
        )
        return PatrolOrders(xy[:, 0], xy[:, 1], minute)

    def write_plan(self, parameters, context, feedback, result: PatrolResult, crs) -> dict:
        """The stops (points) and routes (lines) as the two output layers, styled when loaded."""
        stops = result.stops.drop(columns=["_arrive_min"])
        stop_frame = gpd.GeoDataFrame(stops.drop(columns=["x", "y"]), geometry=shapely.points(stops["x"], stops["y"]))
        dest_stops = write_frame(self, parameters, "OUTPUT_STOPS", context, stop_frame, crs, feedback)
        routes = result.routes
        lines = [shapely.linestrings(c) if len(c) >= 2 else None for c in routes["geometry_xy"]]
        route_frame = gpd.GeoDataFrame(routes.drop(columns=["geometry_xy"]), geometry=lines)
        dest_routes = write_frame(self, parameters, "OUTPUT_ROUTES", context, route_frame, crs, feedback)
        StyleOnLoad.attach(context, dest_stops, "patrol_stops", tr("Patrol stops"))
        StyleOnLoad.attach(context, dest_routes, "patrol_routes", tr("Patrol routes"))
        return {"OUTPUT_STOPS": dest_stops, "OUTPUT_ROUTES": dest_routes}


def roads_of(frame) -> np.ndarray | None:
    """The road lines of ROADS, or None (straight lines) without them."""
    return None if frame is None else frame.geometry.to_numpy()


def report(result: PatrolResult, feedback) -> pd.DataFrame:
    """Say what the solver did and how the plan measures against the baselines; the measure by method."""
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
    return measure


def schedule_sheets(result: PatrolResult) -> list[tuple[str, pd.DataFrame, str]]:
    """The schedule file's sheets: the timetable per team, the routes and the measure."""
    return [
        ("排班 Schedule", result.schedule.rename(columns=SCHEDULE_COLUMNS), ""),
        ("路线 Routes", result.routes.drop(columns=["geometry_xy"]), "_routes"),
        ("评估 Measure", result.measure, "_measure"),
    ]


def pick_field(frame: pd.DataFrame, chosen: str, param: str, fallbacks: tuple[str, ...]) -> str:
    """The field ``chosen`` for ``param`` (which the layer must have), else the first of ``fallbacks``
    the layer has ('' for none)."""
    if chosen:
        if chosen not in frame.columns:
            raise QgsProcessingException(tr("{0}: the layer has no field {1!r}").format(param, chosen))
        return chosen
    return next((f for f in fallbacks if f in frame.columns), "")


def in_street(frame: pd.DataFrame, street: str, param: str) -> pd.DataFrame:
    """The rows of the street office ``street`` (by street_code) when given and the layer has the field."""
    if not street or STREET_CODE not in frame.columns:
        return frame
    mine = frame[frame[STREET_CODE].astype(str) == street]
    if mine.empty:
        raise QgsProcessingException(tr("{0}: nothing with street_code {1!r}").format(param, street))
    return mine.reset_index(drop=True)
