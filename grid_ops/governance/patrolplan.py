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
    shift_text,
    simulate,
)
from gridgov.grid_ops.governance.roadnet import RoadNetwork, Router


def orders_in_places(codes: np.ndarray, polygons: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the place polygon holding each order, or -1: geolocate's point-in-polygon and its
    shared-edge rule, so an order counts where the dispatch put it."""
    from gridgov.grid_ops.responsibility.geolocate import UnitLayer, pick_with_boundary_rule

    out = np.full(len(x), -1, dtype=np.int64)
    ok = np.isfinite(x) & np.isfinite(y)
    layer = UnitLayer(codes=codes, geoms=polygons, attrs=pd.DataFrame(index=range(len(codes))))
    out[ok], _ = pick_with_boundary_rule(layer, x[ok], y[ok])
    return out


@dataclass
class PatrolResult:
    stops: pd.DataFrame
    routes: pd.DataFrame
    schedule: pd.DataFrame
    measure: pd.DataFrame
    plan: Plan
    balance: float
    notes: list[str] = field(default_factory=list)


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
    px, py = np.r_[start[0], places.x], np.r_[start[1], places.y]
    network = None
    if roads is not None:
        pad = 2000.0
        box = (px.min() - pad, py.min() - pad, px.max() + pad, py.max() + pad)
        network = RoadNetwork.from_lines(roads, clip_to=box)
    router = Router(px, py, network)
    plan = routing.plan_routes(stops, len(teams.ids), shifts, router.metres, speed_kmh, solver=solver)
    minutes = router.metres / (speed_kmh * 1000 / 60)
    stop_table, route_table, lines = _tables(plan, stops, places, teams, shifts, router, minutes)
    loads = plan.loads(stops, len(teams.ids))
    # the measure: incidents of the last period at any place of the street (not only the stops)
    in_area = place_of_order >= 0
    ox, oy, om = order_x[in_area], order_y[in_area], np.asarray(order_minute)[in_area]
    per_route = {key: len(r) for key, r in plan.routes.items()}
    measured = [
        patrol_measure.coverage("plan", lines, shifts, ox, oy, om, cover_distance),
        patrol_measure.coverage(
            "code order",
            patrol_measure.code_order_routes(router, places.ids, len(teams.ids), shifts, service_min, speed_kmh),
            shifts, ox, oy, om, cover_distance,
        ),
        patrol_measure.coverage(
            "random",
            patrol_measure.random_routes(router, len(places.ids), per_route, shifts, service_min, speed_kmh, seed),
            shifts, ox, oy, om, cover_distance,
        ),
    ]  # fmt: skip
    measure = pd.DataFrame(
        {
            "method": [m.name for m in measured],
            "covered": [m.covered for m in measured],
            "incidents": [m.total for m in measured],
            "share": [round(m.share, 4) for m in measured],
            "route_km": [round(m.km, 2) for m in measured],
            "share_per_km": [round(m.per_km, 5) for m in measured],
        }
    )
    return PatrolResult(
        stops=stop_table,
        routes=route_table,
        schedule=_schedule(stop_table),
        measure=measure,
        plan=plan,
        balance=balance_ratio(loads),
        notes=list(plan.notes),
    )


def _tables(plan: Plan, stops: Stops, places: Places, teams: Teams, shifts, router: Router, minutes: np.ndarray):
    team = plan.team_of_stop(len(stops))
    seq = np.zeros(len(stops), dtype=np.int64)
    arrive = np.full(len(stops), np.nan)
    rows, lines = [], {}
    for (s, t), route in sorted(plan.routes.items()):
        timed = simulate(route, stops, minutes, shifts[s]) if route else None
        if route and timed is None:  # cannot happen with a solver's routes; say so rather than hide it
            raise RuntimeError(f"the route of team {teams.ids[t]} in shift {shift_text(shifts[s])} breaks a window")
        arrivals, back = timed if timed else (np.array([]), float(shifts[s][0]))
        seq[route] = np.arange(1, len(route) + 1)
        arrive[route] = arrivals
        coords = router.line([0, *(int(stops.place[i]) + 1 for i in route), 0]) if route else np.empty((0, 2))
        lines[(s, t)] = coords
        rows.append(
            {
                "team_id": teams.ids[t],
                "team_name": teams.names[t],
                "shift": shift_text(shifts[s]),
                "n_stops": len(route),
                "load": round(float(stops.expected[route].sum()), 4),
                "length_m": round(float(shapely.length(shapely.linestrings(coords))) if len(coords) >= 2 else 0.0, 1),
                "depart": clock(shifts[s][0]),
                "return": clock(back),
                "geometry_xy": coords,
            }
        )
    planned = team >= 0
    stop_table = pd.DataFrame(
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
    return stop_table, pd.DataFrame(rows), lines


def _schedule(stop_table: pd.DataFrame) -> pd.DataFrame:
    """Per team, shift and sequence: the timetable a team leader carries (planned stops only)."""
    planned = stop_table[stop_table["status"] == "planned"].sort_values(["team_id", "_arrive_min", "seq"])
    return planned[
        ["team_id", "team_name", "shift", "seq", "arrive", "depart", "window", "place_id", "place_name", "expected"]
    ].reset_index(drop=True)
