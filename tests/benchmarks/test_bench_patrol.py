"""Benchmark: a patrol plan for 10 teams over 500 candidate stops on the demo city's roads, OR-Tools
against the plain fallback (time, route length, stops visited, load balance), and OR-Tools' routes
against brute force on small instances (≤ 9 stops). Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import shapely

from gridgov.grid_ops import patrol, roadnet, routing
from gridgov.grid_ops.democity import build_demo_city

N_STOPS, N_TEAMS, SHIFT = 500, 10, (8 * 60, 18 * 60)


def large_instance(seed: int = 1):
    city = build_demo_city(seed=20251, n_orders=500)
    grids = city["grids"].iloc[:N_STOPS]
    inner = shapely.point_on_surface(grids.geometry.to_numpy())
    x, y = shapely.get_x(inner), shapely.get_y(inner)
    rng = np.random.default_rng(seed)
    n = len(x)
    ws, we = np.full(n, float(SHIFT[0])), np.full(n, float(SHIFT[1]))
    narrow = rng.random(n) < 1 / 3  # a third of the stops must be visited in a 2-hour window
    start = rng.integers(8, 16, n) * 60.0
    ws[narrow], we[narrow] = start[narrow], start[narrow] + 120
    stops = patrol.Stops(
        place=np.arange(n), shift=np.zeros(n, dtype=np.int64), expected=rng.gamma(2.0, 0.5, n),
        win_start=ws, win_end=we, service=np.full(n, 10.0), pinned=np.full(n, -1),
    )  # fmt: skip
    net = roadnet.RoadNetwork.from_lines(city["roads"].geometry.to_numpy())
    router = roadnet.Router(np.r_[x.mean(), x], np.r_[y.mean(), y], net)
    return stops, router


def _run(stops, router, solver):
    started = time.perf_counter()
    plan = routing.plan_routes(stops, N_TEAMS, [SHIFT], router.metres, 15.0, solver=solver)
    seconds = time.perf_counter() - started
    km = sum(_length(r, stops, router.metres) for r in plan.routes.values()) / 1000
    visited = int((plan.team_of_stop(len(stops)) >= 0).sum())
    return seconds, km, visited, patrol.balance_ratio(plan.loads(stops, N_TEAMS))


def _length(route, stops, d) -> float:
    nodes = [0, *(stops.place[s] + 1 for s in route), 0]
    return float(sum(d[a, b] for a, b in zip(nodes[:-1], nodes[1:])))


def small_gaps(n_instances: int = 20) -> list[float]:
    gaps = []
    for seed in range(n_instances):
        rng = np.random.default_rng(100 + seed)
        n = 7 + seed % 3
        xy = rng.uniform(0, 3000, (n + 1, 2))
        d = roadnet.straight_distances(xy[:, 0], xy[:, 1])
        stops = patrol.Stops(
            place=np.arange(n), shift=np.zeros(n, dtype=np.int64), expected=np.ones(n),
            win_start=np.zeros(n), win_end=np.full(n, 9999.0), service=np.zeros(n), pinned=np.full(n, -1),
        )  # fmt: skip
        plan = routing.plan_routes(stops, 1, [(0, 9999)], d, 12.0, solver="ortools")
        perms = np.array(list(itertools.permutations(range(1, n + 1))))
        best = (d[0, perms[:, 0]] + d[perms[:, -1], 0] + d[perms[:, :-1], perms[:, 1:]].sum(axis=1)).min()
        gaps.append(_length(plan.routes[(0, 0)], stops, d) / best - 1)
    return gaps


def test_bench_patrol():
    stops, router = large_instance()
    ortools = _run(stops, router, "ortools")
    fallback = _run(stops, router, "fallback")
    gaps = small_gaps()
    print(
        f"\n{N_TEAMS} teams, {len(stops)} candidate stops, roads: OR-Tools {ortools[0]:.2f} s, {ortools[1]:.1f} km, "
        f"{ortools[2]} stops visited, loads max/min {ortools[3]:.3f}; fallback {fallback[0]:.2f} s, "
        f"{fallback[1]:.1f} km, {fallback[2]} visited, {fallback[3]:.3f}; km per stop ratio "
        f"{(ortools[1] / ortools[2]) / (fallback[1] / fallback[2]):.3f}\n"
        f"brute force, {len(gaps)} instances of 7-9 stops: OR-Tools mean gap {np.mean(gaps):.3%}, "
        f"max {np.max(gaps):.3%}"
    )
    assert ortools[0] < 10.0
    assert max(gaps) <= 0.02
