"""Solve a patrol plan: OR-Tools' vehicle-routing library, or a plain fallback without it.

Each shift is one capacitated vehicle-routing problem with time windows: the teams are the
vehicles, all starting and ending at the start point; a stop's *demand* is its expected incidents.
Balance comes from capacities: every team may take at most ``1 + BAND`` times the mean load and is
pushed (a soft lower bound with a steep penalty) to take at least ``1 - BAND`` times it. Routes are
as short as possible, which also keeps each team's stops together. A stop may be dropped only at a
very high price, so stops are dropped only where the windows and shift cannot all be kept.

OR-Tools is run single-threaded with greedy descent to a local optimum: the same inputs give the
same plan. ``TIME_LIMIT`` only guards very large problems; when it is reached the plan says so.

The fallback (``solver="fallback"``) needs nothing but numpy: farthest-first seeds, capacitated
nearest-seed assignment with a rebalancing pass, then cheapest feasible insertion and 2-opt per
route. It is the baseline the benchmark compares OR-Tools with.
"""

from __future__ import annotations

import bisect
import math
import time

import numpy as np

from gridgov.grid_ops.governance.patrol import Plan, Stops, simulate

#: Load band around the mean load of a shift (0.06: each team between 94 % and 106 % of the mean).
BAND = 0.06
#: Demand is solved in ten-thousandths of an incident.
SCALE = 10_000
#: Price of leaving a stop out, in metres of route (plus its demand times DROP_PER_UNIT).
DROP_BASE = 1_000_000
DROP_PER_UNIT = 10
#: Price of a team's load falling short of the band, per ten-thousandth of an incident, in metres.
SHORTFALL_PER_UNIT = 20
#: Seconds after which OR-Tools stops improving (only large problems get there).
TIME_LIMIT = 30
#: Share of the teams' shift minutes the stops given to the solver may fill (service + trips).
TIME_SLACK = 0.8
#: Up to this many stops in a shift OR-Tools plans all teams at once; above it, it routes each team
#: of the balanced clusters (cluster first, route second), which keeps 500 stops within seconds.
FULL_VRP_MAX = 150
#: Local-search moves consider each stop's nearest this many stops.
NEIGHBOURS = 40
#: Re-insertion neighbourhoods that cost seconds per move on hundreds of stops and gain little here.
LARGE_NEIGHBOURHOODS = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
)


def _set_neighbours_ratio(params, ratio: float) -> None:
    """Limit the local search and the cheapest-insertion heuristics to ``ratio`` of the nodes as neighbours.

    OR-Tools up to 9.14 has flat ``cheapest_insertion_*_neighbors_ratio`` fields; newer releases moved them
    into ``global_cheapest_insertion_*_parameters.neighbors_ratio``: set whichever this release has.
    """
    fields = params.DESCRIPTOR.fields_by_name
    params.ls_operator_neighbors_ratio = ratio
    for flat, nested in (
        ("cheapest_insertion_first_solution_neighbors_ratio", "global_cheapest_insertion_first_solution_parameters"),
        ("cheapest_insertion_ls_operator_neighbors_ratio", "global_cheapest_insertion_ls_operator_parameters"),
    ):
        if flat in fields:
            setattr(params, flat, ratio)
        elif nested in fields:
            getattr(params, nested).neighbors_ratio = ratio


def ortools_available() -> bool:
    try:
        from ortools.constraint_solver import pywrapcp  # noqa: F401
    except ImportError:
        return False
    return True


def plan_routes(
    stops: Stops,
    n_teams: int,
    shifts: list[tuple[int, int]],
    metres: np.ndarray,
    speed_kmh: float,
    solver: str = "auto",
    time_limit: float = TIME_LIMIT,
    band: float = BAND,
) -> Plan:
    """Routes for every shift. ``metres``: distances between the start point (node 0) and the
    places (node place + 1). ``solver``: ``ortools``, ``fallback`` or ``auto`` (OR-Tools if present)."""
    if solver == "auto":
        solver = "ortools" if ortools_available() else "fallback"
    if solver == "ortools" and not ortools_available():
        raise ImportError("OR-Tools is not installed: pip install ortools (or choose the fallback solver)")
    if solver not in ("ortools", "fallback"):
        raise ValueError(f"solver {solver!r}: choose ortools, fallback or auto")
    if not speed_kmh > 0:
        raise ValueError(f"speed {speed_kmh!r} km/h: give a speed above 0")
    minutes = np.asarray(metres, dtype=float) / (speed_kmh * 1000 / 60)
    plan = Plan(routes={}, solver=solver)
    for s, shift in enumerate(shifts):
        idx = _fits_in_shift(np.flatnonzero(stops.shift == s), stops, n_teams, shift, minutes)
        routes = _solve_shift(solver, idx, stops, n_teams, shift, metres, minutes, time_limit, band, plan.notes)
        kept = np.array(sorted(i for r in routes for i in r), dtype=np.int64)
        if 0 < len(kept) < len(idx):
            # the shift cannot take every stop: share out again what it can take, so the load band
            # is measured against the stops actually visited
            routes = _solve_shift(solver, kept, stops, n_teams, shift, metres, minutes, time_limit, band, plan.notes)
        for t, route in enumerate(routes):
            plan.routes[(s, t)] = route
    return plan


def _fits_in_shift(idx, stops, n_teams, shift, minutes) -> np.ndarray:
    """The most valuable stops the teams can plausibly reach in the shift; the rest are dropped
    before solving (solvers spend most of their time trying to fit stops that cannot fit).

    A stop costs its service time plus the mean trip from its three nearest fellow stops; the teams have
    ``TIME_SLACK`` of their shift minutes for that after the trips out and back.
    """
    if len(idx) < 2:
        return idx
    node = stops.place[idx] + 1
    trips = minutes[np.ix_(node, node)] + np.diag(np.full(len(idx), np.inf))
    near = np.sort(trips, axis=0)[: min(3, len(idx) - 1)]
    cost = stops.service[idx] + near.mean(axis=0)
    budget = TIME_SLACK * n_teams * (shift[1] - shift[0]) - n_teams * 2 * np.median(minutes[0, node])
    order = np.lexsort((idx, -stops.expected[idx], stops.pinned[idx] < 0))  # pinned first, then hottest
    keep = order[: max(int(np.searchsorted(np.cumsum(cost[order]), budget, side="right")), n_teams)]
    return np.sort(idx[keep])


def _solve_shift(solver, idx, stops, n_teams, shift, metres, minutes, time_limit, band, notes):
    if solver == "fallback":
        return _fallback_shift(idx, stops, n_teams, shift, metres, minutes, band)
    if len(idx) <= FULL_VRP_MAX:
        routes, note = _ortools_shift(idx, stops, n_teams, shift, metres, minutes, time_limit, band)
        if note and note not in notes:
            notes.append(note)
        return routes
    # cluster first, route second: balanced compact clusters, then OR-Tools orders each team's stops
    node = stops.place[idx] + 1
    team = _assign(
        metres[np.ix_(node, node)],
        metres[0, node],
        stops.expected[idx],
        stops.pinned[idx],
        n_teams,
        _cap(stops.expected[idx], n_teams, band),
        band,
    )
    routes = []
    for t in range(n_teams):
        route, note = _ortools_shift(idx[team == t], stops, 1, shift, metres, minutes, time_limit, band, pins=False)
        if note and note not in notes:
            notes.append(note)
        routes.append(route[0])
    return routes


def _bounds(demand: np.ndarray, n_teams: int, band: float) -> tuple[int, int]:
    """OR-Tools' integer load cap and soft floor per team."""
    floor = math.floor(demand.sum() / max(n_teams, 1) * (1 - band))
    return (math.ceil(_cap(demand, n_teams, band)) if len(demand) else 0), floor


def _ortools_shift(idx, stops, n_teams, shift, metres, minutes, time_limit, band, pins=True):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    from ortools.util.optional_boolean_pb2 import BOOL_FALSE

    if not len(idx):
        return [[] for _ in range(n_teams)], ""
    nodes = np.concatenate([[0], stops.place[idx] + 1])
    dist = np.rint(metres[np.ix_(nodes, nodes)]).astype(np.int64)
    service = np.concatenate([[0.0], stops.service[idx]])
    travel_s = np.rint((minutes[np.ix_(nodes, nodes)] + service[:, None]) * 60).astype(np.int64)
    demand = np.concatenate([[0], np.rint(stops.expected[idx] * SCALE).astype(np.int64)])
    cap, lower = _bounds(demand[1:], n_teams, band)

    manager = pywrapcp.RoutingIndexManager(len(nodes), n_teams, 0)
    routing = pywrapcp.RoutingModel(manager)
    # matrices, not Python callbacks: the solver then never calls back into Python
    arc = routing.RegisterTransitMatrix(dist.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    start_s, end_s = int(shift[0] * 60), int(shift[1] * 60)
    routing.AddDimension(routing.RegisterTransitMatrix(travel_s.tolist()), end_s - start_s, end_s, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitVector(demand.tolist()), 0, [cap] * n_teams, True, "load"
    )
    load_dim = routing.GetDimensionOrDie("load")
    for v in range(n_teams):
        time_dim.CumulVar(routing.Start(v)).SetRange(start_s, start_s)
        time_dim.CumulVar(routing.End(v)).SetMax(end_s)
        if lower > 0:
            load_dim.SetCumulVarSoftLowerBound(routing.End(v), lower, SHORTFALL_PER_UNIT)
    for k, s in enumerate(idx, start=1):
        index = manager.NodeToIndex(k)
        time_dim.CumulVar(index).SetRange(int(stops.win_start[s] * 60), int(stops.win_end[s] * 60))
        routing.AddDisjunction([index], DROP_BASE + DROP_PER_UNIT * int(demand[k]))
        if pins and stops.pinned[s] >= 0:
            routing.VehicleVar(index).SetValues([-1, int(stops.pinned[s])])

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.time_limit.FromMilliseconds(int(time_limit * 1000))
    # moves only between each stop and its nearest NEIGHBOURS: what keeps 500 stops in seconds
    ratio = min(1.0, NEIGHBOURS / len(nodes))
    _set_neighbours_ratio(params, ratio)
    ops = params.local_search_operators
    for name in LARGE_NEIGHBOURHOODS:
        setattr(ops, name, BOOL_FALSE)
    solution = routing.SolveWithParameters(params)
    if solution is None:
        # no solution at all (e.g. pins that no window allows): every team gets the fallback's routes
        return _fallback_shift(idx, stops, n_teams, shift, metres, minutes, band), (
            "OR-Tools found no plan for this shift; the fallback planned it"
        )
    routes = []
    for v in range(n_teams):
        route, index = [], routing.Start(v)
        index = solution.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            route.append(int(idx[manager.IndexToNode(index) - 1]))
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    status = routing.status()
    note = "OR-Tools stopped at its time limit; the plan may differ between runs" if status == 2 else ""
    return routes, note


# ---------------------------------------------------------------------------------- fallback


def _fallback_shift(idx, stops, n_teams, shift, metres, minutes, band):
    if not len(idx):
        return [[] for _ in range(n_teams)]
    node = stops.place[idx] + 1
    d = metres[np.ix_(node, node)]
    demand = stops.expected[idx]
    team = _assign(d, metres[0, node], demand, stops.pinned[idx], n_teams, _cap(demand, n_teams, band), band)
    routes = []
    for t in range(n_teams):
        mine = [int(s) for s in idx[team == t]]
        routes.append(_route(mine, stops, minutes, shift))
    # routing drops the stops a team's windows or shift cannot take, which unbalances the loads
    # the assignment balanced: move and swap stops between the routes until they balance again
    routes = _rebalance(routes, [int(s) for s in idx], stops, minutes, shift, band)
    return [_two_opt(route, stops, minutes, shift) for route in routes]


#: Moves and swaps the fallback's rebalancing tries at most, per shift.
REBALANCE_STEPS = 200
#: Seconds of wall time the fallback's rebalancing may spend per shift; it keeps the best loads found
#: by then. Guards large shifts (hundreds of stops per team), where each step tries many exchanges;
#: only such shifts reach it, and their plans may then differ between runs on a busy machine.
REBALANCE_SECONDS = 2.0
#: Stops per route (those whose demand best closes the gap) among which pairs are tried; single
#: stops are tried from the whole route. Keeps the pairs per step bounded (at most 66 per route).
REBALANCE_PAIR_POOL = 12


def _rebalance(routes, candidates, stops, minutes, shift, band):
    """Best-first local search on the team loads: exchange up to two stops of a heavier route for
    up to two of a lighter one (a plain move when one side gives nothing), or add a stop no route
    took, each at its cheapest feasible place (windows and shift kept), while the largest load
    over the smallest goes down; stops pinned to a team stay. Stops when the loads lie within the
    band (max/min <= (1 + band) / (1 - band)), no exchange helps, after ``REBALANCE_STEPS`` steps
    or after ``REBALANCE_SECONDS``.

    Bounded: single stops are tried from whole routes, pairs only among the
    ``REBALANCE_PAIR_POOL`` stops of each route whose demand lies nearest to the amount that would
    even the two loads (found by sorting and binary search). A step only ever lowers the spread, so
    stopping early never leaves the loads worse than they came in.
    """
    routes = [list(r) for r in routes]
    n_teams = len(routes)
    if n_teams < 2:
        return routes
    deadline = time.perf_counter() + REBALANCE_SECONDS
    demand = {s: float(stops.expected[s]) for s in candidates}
    target = (1 + band) / (1 - band)

    def spread(loads: list[float]) -> tuple[float, float]:
        low, high = min(loads), max(loads)
        ratio = high / low if low > 0 else (math.inf if high > 0 else 1.0)
        mean = sum(loads) / len(loads)
        return ratio, sum((x - mean) ** 2 for x in loads)

    def groups(route: list[int], empty: bool, aim: float) -> list[tuple[tuple[int, ...], float]]:
        """The route's free stops, single and (within the pool nearest ``aim`` / 2) in pairs."""
        free = sorted((demand[s], s) for s in route if stops.pinned[s] < 0)
        values = [v for v, _ in free]
        mid = bisect.bisect_left(values, aim / 2)
        lo = max(0, min(mid - REBALANCE_PAIR_POOL // 2, len(free) - REBALANCE_PAIR_POOL))
        pool = sorted(free[lo : lo + REBALANCE_PAIR_POOL], key=lambda p: p[1])
        out = [((s,), v) for v, s in sorted(free, key=lambda p: p[1])]
        out += [((s, u), v + w) for i, (v, s) in enumerate(pool) for w, u in pool[i + 1 :]]
        return [((), 0.0), *out] if empty else out

    for _ in range(REBALANCE_STEPS):
        if time.perf_counter() > deadline:
            break
        loads = [sum(demand[s] for s in r) for r in routes]
        now = spread(loads)
        if now[0] <= target:
            break
        routed = {s for r in routes for s in r}
        options = []  # (spread after, order key, give from a, a, give back from b, b)
        for s in candidates:
            if s in routed:
                continue
            for b in range(n_teams):
                if stops.pinned[s] < 0 or stops.pinned[s] == b:
                    trial = list(loads)
                    trial[b] += demand[s]
                    after = spread(trial)
                    if after < now:
                        options.append((after, (s,), -1, (), b))
        by_load = sorted(range(n_teams), key=lambda t: (loads[t], t))
        for a in by_load[::-1][:2]:
            for b in by_load[:2]:
                gap = loads[a] - loads[b]
                if gap <= 0:
                    continue
                back_sets = groups(routes[b], True, 0.0)
                gives = groups(routes[a], False, gap / 2)
                for give, out in gives:
                    for back, back_load in back_sets:
                        if not 0 < out - back_load < gap:
                            continue
                        trial = list(loads)
                        trial[a] -= out - back_load
                        trial[b] += out - back_load
                        after = spread(trial)
                        if after < now:
                            options.append((after, give + back, a, back, b, give))
        options.sort(key=lambda o: (o[0], o[1], o[2], o[4]))
        for option in options:
            if time.perf_counter() > deadline:
                return routes
            a, back, b = option[2], option[3], option[4]
            give = option[5] if a >= 0 else option[1]
            to_b = _exchange(routes[b], back, give, stops, minutes, shift)
            if to_b is None:
                continue
            if a >= 0:
                to_a = _exchange(routes[a], give, back, stops, minutes, shift)
                if to_a is None:
                    continue
                routes[a] = to_a
            routes[b] = to_b
            break
        else:
            break
    return routes


def _exchange(route, out, into, stops, minutes, shift) -> list[int] | None:
    """``route`` without the stops ``out`` and with ``into`` each at its cheapest feasible place."""
    new = [s for s in route if s not in out]
    if not into and simulate(new, stops, minutes, shift) is None:
        return None
    for s in sorted(into, key=lambda s: (stops.win_end[s], s)):
        new = _insert(new, s, stops, minutes, shift)
        if new is None:
            return None
    return new


def _insert(route: list[int], s: int, stops: Stops, minutes: np.ndarray, shift) -> list[int] | None:
    """``route`` with ``s`` at its cheapest place that keeps every window and the shift, or None."""
    best, best_cost = None, np.inf
    for pos in range(len(route) + 1):
        trial = [*route[:pos], s, *route[pos:]]
        if simulate(trial, stops, minutes, shift) is not None:
            cost = _length(trial, stops, minutes)
            if cost < best_cost - 1e-9:
                best, best_cost = trial, cost
    return best


def _cap(demand: np.ndarray, n_teams: int, band: float) -> float:
    return max(demand.sum() / n_teams * (1 + band), demand.max())


def _assign(d, from_start, demand, pinned, n_teams, cap, band):
    """Capacitated nearest-seed assignment (seeds farthest-first), then moves toward balance."""
    n = len(demand)
    k = min(n_teams, n)
    seeds = [int(np.argmax(from_start))]
    while len(seeds) < k:
        seeds.append(int(np.argmax(d[:, seeds].min(axis=1))))
    team = np.full(n, -1)
    for _ in range(4):
        load = np.zeros(n_teams)
        team[:] = -1
        for s in np.flatnonzero(pinned >= 0):
            team[s] = pinned[s]
            load[pinned[s]] += demand[s]
        to_seed = np.full((n, n_teams), np.inf)
        to_seed[:, :k] = d[:, seeds]
        free = np.flatnonzero(pinned < 0)
        for s in free[np.argsort(-demand[free], kind="stable")]:
            fitting = [t for t in np.argsort(to_seed[s], kind="stable") if load[t] + demand[s] <= cap]
            t = int(fitting[0]) if fitting else int(np.argmin(load))
            team[s] = t
            load[t] += demand[s]
        # the medoid of each team's stops becomes its seed
        new = []
        for t in range(k):
            mine = np.flatnonzero(team == t)
            new.append(int(mine[np.argmin(d[np.ix_(mine, mine)].sum(axis=1))]) if len(mine) else seeds[t])
        if new == seeds:
            break
        seeds = new
    load = np.bincount(team, weights=demand, minlength=n_teams)
    for _ in range(n):  # move the cheapest free stop from the heaviest to the lightest team
        hi, lo = int(np.argmax(load)), int(np.argmin(load))
        if (load[lo] <= 0 and load[hi] <= 0) or load[hi] <= (1 + band) / (1 - band) * load[lo]:
            break
        movable = np.flatnonzero((team == hi) & (pinned < 0) & (demand <= (load[hi] - load[lo])))
        if not len(movable):
            break
        lo_members = np.flatnonzero(team == lo)
        closeness = d[np.ix_(movable, lo_members)].min(axis=1) if len(lo_members) else np.zeros(len(movable))
        s = movable[np.argmin(closeness)]
        team[s] = lo
        load[hi] -= demand[s]
        load[lo] += demand[s]
    return team


def _route(mine: list[int], stops: Stops, minutes: np.ndarray, shift) -> list[int]:
    """Cheapest feasible insertion (stops by window end, then value), then 2-opt on feasible moves."""
    route: list[int] = []
    for s in sorted(mine, key=lambda s: (stops.win_end[s], -stops.expected[s], s)):
        best = _insert(route, s, stops, minutes, shift)
        if best is not None:
            route = best
    return _two_opt(route, stops, minutes, shift)


def _two_opt(route: list[int], stops: Stops, minutes: np.ndarray, shift) -> list[int]:
    """2-opt on moves that keep every window and the shift."""
    improved = True
    while improved and len(route) > 3:
        improved = False
        current = _length(route, stops, minutes)
        for i in range(len(route) - 1):
            for j in range(i + 2, len(route) + 1):
                trial = route[:i] + route[i:j][::-1] + route[j:]
                length = _length(trial, stops, minutes)
                if length < current - 1e-9 and simulate(trial, stops, minutes, shift) is not None:
                    route, current, improved = trial, length, True
    return route


def _length(route: list[int], stops: Stops, minutes: np.ndarray) -> float:
    nodes = [0, *(stops.place[s] + 1 for s in route), 0]
    return float(sum(minutes[a, b] for a, b in zip(nodes[:-1], nodes[1:])))
