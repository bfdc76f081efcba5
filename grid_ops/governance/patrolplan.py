"""One street office's patrol plan from start to finish: stops, routes, timetable and its measure.

``plan_patrol`` ties the parts together (``patrol`` for stops and windows, ``roadnet`` for distances
and lines, ``routing`` for the solver, ``patrol_measure`` for coverage against the baselines) and
returns plain tables that the Processing algorithm writes as layers and sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.governance import patrol_measure, routing
from gridgov.grid_ops.governance.patrol import (
    SERVICE_MIN,
    SPEED_KMH,
    Places,
    Plan,
    Stops,
    Teams,
    balance_ratio,
    build_stops,
    clock,
    parse_drops,
    parse_pins,
    parse_shifts,
    shift_text,
    simulate,
)
from gridgov.grid_ops.governance.roadnet import RoadNetwork, Router
from gridgov.grid_ops.orders.selection import FilterRequest
from gridgov.grid_ops.schema import GRID_CODE


def orders_in_places(codes: np.ndarray, polygons: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the place polygon holding each order, or -1: geolocate's point-in-polygon and its
    shared-edge rule, so an order counts where the dispatch put it."""
    from gridgov.grid_ops.responsibility.geolocate import UnitLayer, pick_with_boundary_rule

    out = np.full(len(x), -1, dtype=np.int64)
    ok = np.isfinite(x) & np.isfinite(y)
    layer = UnitLayer(codes=codes, geoms=polygons, attrs=pd.DataFrame(index=range(len(codes))))
    out[ok], _ = pick_with_boundary_rule(layer, x[ok], y[ok])
    return out


@dataclass(frozen=True)
class PatrolPlanRequest:
    """One street office's patrol plan as the toolbox, the dock or a script asks for it
    (``gridgov:patrolplan``)."""

    #: The candidate places' id field (empty: grid_code or area_id, else the feature id).
    id_field: str = GRID_CODE
    #: Their name field (empty: name, grid_name or area_id, else the id).
    name_field: str = "name"
    #: The street office's street code: only its places, teams and start point (empty: all).
    street: str = ""
    #: Which orders count (class cases, dates, hours); the data path applies it.
    filter: FilterRequest = field(default_factory=FilterRequest)
    #: The orders of this many days up to the latest one.
    days: int = 90
    #: The shifts as written (``parse_shifts``), e.g. 19:00-23:00;23:00-02:00.
    windows: str = "19:00-23:00"
    #: Patrol speed (km/h).
    speed: float = SPEED_KMH
    #: Minutes spent at each stop.
    service: float = SERVICE_MIN
    #: An incident within this distance of a route in its shift counts as covered.
    cover_distance: float = patrol_measure.COVER_DISTANCE
    #: auto, ortools or fallback (``routing.plan_routes``).
    solver: str = "auto"
    #: Places fixed to a team, as written (``parse_pins``): place=team;...
    pins: str = ""
    #: Places left out of the plan, as written (``parse_drops``): place,...
    drops: str = ""


@dataclass
class PatrolOrders:
    """The incidents a plan is made from: where each happened and at what minute of its day."""

    x: np.ndarray
    y: np.ndarray
    minute: np.ndarray


@dataclass
class PatrolResult:
    stops: pd.DataFrame
    routes: pd.DataFrame
    schedule: pd.DataFrame
    measure: pd.DataFrame
    plan: Plan
    balance: float
    notes: list[str] = field(default_factory=list)


def patrol_plan_of(
    request: PatrolPlanRequest,
    places: Places,
    polygons: np.ndarray,
    teams: Teams,
    start: tuple[float, float],
    orders: PatrolOrders,
    roads=None,
) -> PatrolResult:
    """The plan ``request`` asks for (``plan_patrol``): ``places`` (their ``polygons`` hold the
    orders) visited by ``teams`` from ``start``, along ``roads`` (lines; None: straight lines)."""
    return plan_patrol(
        places, polygons, teams, start, parse_shifts(request.windows), orders.x, orders.y, orders.minute,
        request.days, roads=roads, speed_kmh=request.speed, service_min=request.service,
        pins=parse_pins(request.pins), drops=parse_drops(request.drops), solver=request.solver,
        cover_distance=request.cover_distance,
    )  # fmt: skip


def plan_patrol(
    places: Places,
    polygons: np.ndarray,
    teams: Teams,
    start: tuple[float, float],
    shifts: list[tuple[int, int]],
    order_x: np.ndarray,
    order_y: np.ndarray,
    order_minute: np.ndarray,
    days: float,
    roads=None,
    speed_kmh: float = SPEED_KMH,
    service_min: float = SERVICE_MIN,
    pins: dict[str, str] | None = None,
    drops: set[str] | None = None,
    solver: str = "auto",
    cover_distance: float = patrol_measure.COVER_DISTANCE,
    focus_share: float = 0.8,
    seed: int = 0,
) -> PatrolResult:
    """Plan the patrols (see the module docstrings of ``patrol`` and ``routing``)."""
    order_x, order_y = np.asarray(order_x, float), np.asarray(order_y, float)
    place_of_order = orders_in_places(places.ids, polygons, order_x, order_y)
    stops = build_stops(
        places, teams, shifts, place_of_order, order_minute, days,
        focus_share=focus_share, service_min=service_min, pins=pins, drops=drops,
    )  # fmt: skip
    router = _router(start, places, roads)
    plan = routing.plan_routes(stops, len(teams.ids), shifts, router.metres, speed_kmh, solver=solver)
    minutes = router.metres / (speed_kmh * 1000 / 60)
    stop_table, route_table, lines = _tables(plan, stops, places, teams, shifts, router, minutes)
    in_area = place_of_order >= 0  # the measure: incidents at any place of the street (not only the stops)
    incidents = PatrolOrders(order_x[in_area], order_y[in_area], np.asarray(order_minute)[in_area])
    baselines = _baselines(router, places, len(teams.ids), plan, shifts, (service_min, speed_kmh), seed)
    return PatrolResult(
        stops=stop_table, routes=route_table, schedule=_schedule(stop_table),
        measure=_measure({"plan": lines, **baselines}, shifts, incidents, cover_distance), plan=plan,
        balance=balance_ratio(plan.loads(stops, len(teams.ids))), notes=list(plan.notes),
    )  # fmt: skip


def _router(start: tuple[float, float], places: Places, roads) -> Router:
    """Distances between the start (node 0) and the places (node i + 1): along the roads near them
    (2 km around) when there are roads, else straight."""
    px, py = np.r_[start[0], places.x], np.r_[start[1], places.y]
    network = None
    if roads is not None:
        pad = 2000.0
        box = (px.min() - pad, py.min() - pad, px.max() + pad, py.max() + pad)
        network = RoadNetwork.from_lines(roads, clip_to=box)
    return Router(px, py, network)


def _baselines(
    router: Router, places: Places, n_teams: int, plan: Plan, shifts, pace: tuple[float, float], seed: int
) -> dict[str, dict]:
    """What the plan is measured against, with the same teams and shifts: every place in code order,
    and random stops (as many per route as the plan has). ``pace``: minutes per stop, km/h."""
    per_route = {key: len(r) for key, r in plan.routes.items()}
    return {
        "code order": patrol_measure.code_order_routes(router, places.ids, n_teams, shifts, *pace),
        "random": patrol_measure.random_routes(router, len(places.ids), per_route, shifts, *pace, seed),
    }


def _measure(routes: dict[str, dict], shifts, incidents: PatrolOrders, cover_distance: float) -> pd.DataFrame:
    """Per method (the plan, then the baselines): the incidents within ``cover_distance`` of a route
    in their shift, and that share per km of route."""
    measured = [
        patrol_measure.coverage(name, lines, shifts, incidents.x, incidents.y, incidents.minute, cover_distance)
        for name, lines in routes.items()
    ]
    return pd.DataFrame(
        {
            "method": [m.name for m in measured],
            "covered": [m.covered for m in measured],
            "incidents": [m.total for m in measured],
            "share": [round(m.share, 4) for m in measured],
            "route_km": [round(m.km, 2) for m in measured],
            "share_per_km": [round(m.per_km, 5) for m in measured],
        }
    )


def _tables(plan: Plan, stops: Stops, places: Places, teams: Teams, shifts, router: Router, minutes: np.ndarray):
    """The stop table, the route table and each route's line (shift, team) → coordinates."""
    seq = np.zeros(len(stops), dtype=np.int64)
    arrive = np.full(len(stops), np.nan)
    rows, lines = [], {}
    for (s, t), route in sorted(plan.routes.items()):
        arrivals, back = _timed(route, stops, minutes, shifts[s], teams.ids[t])
        seq[route] = np.arange(1, len(route) + 1)
        arrive[route] = arrivals
        coords = router.line([0, *(int(stops.place[i]) + 1 for i in route), 0]) if route else np.empty((0, 2))
        lines[(s, t)] = coords
        rows.append(_route_row(route, stops, teams, t, shifts[s], coords, back))
    team = plan.team_of_stop(len(stops))
    return _stop_table(stops, places, teams, shifts, team, seq, arrive), pd.DataFrame(rows), lines


def _timed(route: list[int], stops: Stops, minutes: np.ndarray, shift: tuple[int, int], team: str):
    """Arrival at each stop of ``route`` and the return time (an empty route stays at the start)."""
    timed = simulate(route, stops, minutes, shift) if route else None
    if route and timed is None:  # cannot happen with a solver's routes; say so rather than hide it
        raise RuntimeError(f"the route of team {team} in shift {shift_text(shift)} breaks a window")
    return timed if timed else (np.array([]), float(shift[0]))


def _route_row(
    route: list[int], stops: Stops, teams: Teams, t: int, shift: tuple[int, int], coords: np.ndarray, back: float
) -> dict:
    """One route of the route table: its team, shift, stops, load, length and times."""
    return {
        "team_id": teams.ids[t],
        "team_name": teams.names[t],
        "shift": shift_text(shift),
        "n_stops": len(route),
        "load": round(float(stops.expected[route].sum()), 4),
        "length_m": round(float(shapely.length(shapely.linestrings(coords))) if len(coords) >= 2 else 0.0, 1),
        "depart": clock(shift[0]),
        "return": clock(back),
        "geometry_xy": coords,
    }


def _stop_table(
    stops: Stops, places: Places, teams: Teams, shifts, team: np.ndarray, seq: np.ndarray, arrive: np.ndarray
) -> pd.DataFrame:
    """Every stop, planned (its team, sequence and times) or dropped, at its place's point."""
    planned = team >= 0
    return pd.DataFrame(
        {
            "place_id": places.ids[stops.place],
            "place_name": places.labels[stops.place],
            "shift": [shift_text(shifts[s]) for s in stops.shift],
            "team_id": np.where(planned, np.array(teams.ids, dtype=object)[np.maximum(team, 0)], ""),
            "team_name": np.where(planned, np.array(teams.names, dtype=object)[np.maximum(team, 0)], ""),
            "seq": seq,
            "arrive": [clock(a) if np.isfinite(a) else "" for a in arrive],
            "depart": [clock(a + d) if np.isfinite(a) else "" for a, d in zip(arrive, stops.service)],
            "window": [f"{clock(a)}-{clock(b)}" for a, b in zip(stops.win_start, stops.win_end)],
            "expected": np.round(stops.expected, 4),
            "pinned": stops.pinned >= 0,
            "status": np.where(planned, "planned", "dropped: no time in the shift"),
            "x": places.x[stops.place],
            "y": places.y[stops.place],
            "_arrive_min": arrive,
        }
    )


def _schedule(stop_table: pd.DataFrame) -> pd.DataFrame:
    """Per team, shift and sequence: the timetable a team leader carries (planned stops only)."""
    planned = stop_table[stop_table["status"] == "planned"].sort_values(["team_id", "_arrive_min", "seq"])
    return planned[
        ["team_id", "team_name", "shift", "seq", "arrive", "depart", "window", "place_id", "place_name", "expected"]
    ].reset_index(drop=True)
