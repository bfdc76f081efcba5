"""Benchmarks of the patrol plan.

End to end, as a user runs it: the whole ``processing.run`` of ``gridgov:patrolplan`` for one street
office of the demo city (100,000 orders, two shifts, its patrol teams, its roads; stops and routes
written to GeoPackages) beside the closest QGIS job on the same road layer and the same stops. QGIS has
no vehicle-routing solver: its peer is ``native:splitwithlines`` (the roads split at their crossings:
QGIS's network joins lines only at shared vertices, gridgov nodes them itself) then
``native:shortestpathpointtolayer`` from the street office to every stop gridgov chose (one shortest
path per stop, lines to a GeoPackage), both timed whole. It does not choose the
stops, compute stop-to-stop distances, share stops between teams, order them, keep time windows or
shifts, or balance loads; so the ratio compares a whole plan with QGIS's nearest job, not like with
like. Breakdown of gridgov's run, measured inside that same run: reading the layers, the engine
(``plan_patrol``; of which the road network and distance matrix, and the solver), writing the two
GeoPackages; the I/O floor is pyogrio (GDAL) writing the same two tables. QGIS's road distances from
the start to each stop are compared with gridgov's (a diagnostic of the road router, printed only).
Run for one street office and for the whole district.

Engine only (no I/O, not an end-to-end figure): OR-Tools against the plain fallback on 10 teams and
500 candidate stops, and OR-Tools' routes against brute force on small instances (≤ 9 stops), the
accuracy check. Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pyogrio
import pytest
import shapely

from gridgov.grid_ops.democity import build_demo_city
from gridgov.grid_ops.governance import patrol, patrol_measure, roadnet, routing

N_STOPS, N_TEAMS, SHIFT = 500, 10, (8 * 60, 18 * 60)
STREET, WINDOWS, N_ORDERS = "440399002", "08:00-12:00;19:00-23:00", 100_000


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


def _timed(monkeypatch, owner, name: str, seconds: dict, keep: dict | None = None) -> None:
    """Replace ``owner.name`` for this test by a wrapper adding its wall time to ``seconds[name]``
    (and keeping the frames handed to write_frame, its fifth argument, in ``keep``)."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
            if keep is not None:
                keep.setdefault(name, []).append(args[4] if len(args) > 4 else kwargs.get("frame"))

    monkeypatch.setattr(owner, name, wrapper)


@pytest.fixture(scope="module")
def city_gpkg(tmp_path_factory):
    from gridgov.grid_ops.democity import write_demo_city

    path = tmp_path_factory.mktemp("patrol_city") / "city.gpkg"
    write_demo_city(build_demo_city(seed=20251, n_orders=N_ORDERS), path)
    return path


@pytest.mark.parametrize("street", [STREET, ""], ids=["one street", "whole district"])
def test_bench_patrol_end_to_end(street, city_gpkg, tmp_path, gridgov_provider, monkeypatch):
    import processing

    from gridgov.grid_ops.governance import patrolplan
    from gridgov.layers.processing.governance import patrolplan_alg

    def layer(name: str) -> str:
        return f"{city_gpkg}|layername={name}"

    seconds, keep = {}, {}
    _timed(monkeypatch, patrolplan_alg, "read_source", seconds)
    _timed(monkeypatch, patrolplan, "plan_patrol", seconds)
    _timed(monkeypatch, patrolplan, "Router", seconds)  # the road network's distance matrix (Dijkstra)
    _timed(monkeypatch, roadnet.RoadNetwork, "from_lines", seconds)  # noding the roads into a graph
    _timed(monkeypatch, routing, "plan_routes", seconds)  # the solver
    for name in ("coverage", "code_order_routes", "random_routes"):  # the plan measured against two baselines
        _timed(monkeypatch, patrol_measure, name, seconds)
    _timed(monkeypatch, patrolplan_alg, "write_frame", seconds, keep)
    started = time.perf_counter()
    ours = processing.run(
        "gridgov:patrolplan",
        {
            "INPUT": layer("grids"),
            "STREET": street,
            "ORDERS": layer("truth_orders"),
            "CATEGORY_FIELD": "class_code",
            "TIME_FIELD": "true_time",
            "DAYS": 365,
            "TEAMS": layer("patrol_teams"),
            "START": layer("street_offices"),
            "WINDOWS": WINDOWS,
            "ROADS": layer("roads"),
            "SOLVER": 0,
            "OUTPUT_STOPS": str(tmp_path / "stops.gpkg"),
            "OUTPUT_ROUTES": str(tmp_path / "routes.gpkg"),
        },
    )
    ours_s = time.perf_counter() - started
    monkeypatch.undo()

    offices = pyogrio.read_dataframe(city_gpkg, layer="street_offices")
    office = offices[offices["street_code"] == street].geometry.iloc[0] if street else offices.geometry.iloc[0]
    stops = pyogrio.read_dataframe(ours["OUTPUT_STOPS"])
    routes = pyogrio.read_dataframe(ours["OUTPUT_ROUTES"])
    planned = int((stops["status"] == "planned").sum())
    # QGIS joins lines only where they share a vertex: the demo roads cross without one, so the QGIS
    # user first splits the roads at their crossings (gridgov nodes them itself), then routes
    started = time.perf_counter()
    split = processing.run(
        "native:splitwithlines", {"INPUT": layer("roads"), "LINES": layer("roads"), "OUTPUT": "TEMPORARY_OUTPUT"}
    )
    split_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs = processing.run(
        "native:shortestpathpointtolayer",
        {
            "INPUT": split["OUTPUT"],
            "STRATEGY": 0,
            "START_POINT": f"{office.x},{office.y} [EPSG:4547]",
            "END_POINTS": ours["OUTPUT_STOPS"],
            "OUTPUT": str(tmp_path / "qgis_paths.gpkg"),
        },
    )
    path_s = time.perf_counter() - started
    qgis_s = split_s + path_s

    frames = keep["write_frame"]
    started = time.perf_counter()
    for k, frame in enumerate(frames):
        pyogrio.write_dataframe(frame.set_crs("EPSG:4547", allow_override=True), tmp_path / f"floor{k}.gpkg")
    floor_s = time.perf_counter() - started

    # QGIS's road distance from the office to each stop against gridgov's router on the same roads
    paths = pyogrio.read_dataframe(theirs["OUTPUT"])
    roads = pyogrio.read_dataframe(city_gpkg, layer="roads").geometry.to_numpy()
    sx, sy = shapely.get_x(stops.geometry.to_numpy()), shapely.get_y(stops.geometry.to_numpy())
    router = roadnet.Router(np.r_[office.x, sx], np.r_[office.y, sy], roadnet.RoadNetwork.from_lines(roads))
    # QGIS writes one path per end point in the layer's order (a place may hold several stops of a shift)
    assert len(paths) == len(stops) and (paths["place_id"].to_numpy() == stops["place_id"].to_numpy()).all()
    cost = paths["cost"].to_numpy(dtype=float)
    reached = np.isfinite(cost)
    _, access = router.network.attach(router.x, router.y)
    road_m = router.metres[0, 1:] - access[0] - access[1:]  # gridgov's distance less its two straight pieces
    diff = cost[reached] - road_m[reached]

    engine = seconds["plan_patrol"]
    measure_s = seconds["coverage"] + seconds["code_order_routes"] + seconds["random_routes"]
    where = f"street {street}" if street else "the whole district (every street's places and teams, one start)"
    other = ours_s - seconds["read_source"] - engine - seconds["write_frame"]
    print(
        f"\npatrol plan, {where} of the demo city ({N_ORDERS:,} orders, shifts {WINDOWS}, roads), "
        f"GeoPackages out, one run each:"
        f"\n  gridgov:patrolplan, whole processing.run: {ours_s:.2f} s ({len(stops)} stops chosen, {planned} planned, "
        f"{len(routes)} routes; solver {'OR-Tools' if routing.ortools_available() else 'fallback'}; "
        f"writes stops and routes)"
        f"\n  QGIS, two whole processing.runs: {qgis_s:.2f} s = native:splitwithlines (the roads split at their "
        f"crossings, to a temporary layer; QGIS's network joins lines only at shared vertices) {split_s:.2f} s + "
        f"native:shortestpathpointtolayer {path_s:.2f} s (one shortest path along those roads from the street "
        f"office to each of the same {len(stops)} stops, lines to a GeoPackage; it does not choose stops, compute "
        f"stop-to-stop distances, share stops between teams, order them, keep windows or balance loads)"
        f"\n  ratio QGIS / gridgov, end to end (a whole plan against QGIS's nearest job): {qgis_s / ours_s:.2f}x"
        f"\n  breakdown of gridgov's run: reading the layers {seconds['read_source']:.2f} s, engine (plan_patrol) "
        f"{engine:.2f} s, of which noding the roads {seconds['from_lines']:.2f} s, road distance matrix "
        f"{seconds['Router']:.2f} s, solver {seconds['plan_routes']:.2f} s, measuring the "
        f"plan against the code-order and random baselines {measure_s:.2f} s; writing the "
        f"two GeoPackages (write_frame) {seconds['write_frame']:.2f} s; the rest (Processing, filters) {other:.2f} s"
        f"\n  I/O floor: pyogrio (GDAL) writing the same two tables ({sum(len(f) for f in frames)} rows) to "
        f"GeoPackages {floor_s:.2f} s"
        f"\n  road distance office → stop, QGIS's cost against gridgov's router on the same roads less its two "
        f"straight access pieces: {int(reached.sum())} of {len(stops)} stops reached by QGIS; QGIS minus gridgov "
        f"median {np.median(diff):+.0f} m, 5-95 % {np.percentile(diff, 5):+.0f} to {np.percentile(diff, 95):+.0f} m "
        f"(gridgov joins a point at the nearest junction of the main network, QGIS at the nearest point of the "
        f"nearest line of its split network)"
    )
    assert planned > 0


def test_bench_patrol_engine_solvers():
    """Engine only (routing.plan_routes on a ready distance matrix, no I/O): OR-Tools against the fallback."""
    stops, router = large_instance()
    ortools = _run(stops, router, "ortools")
    fallback = _run(stops, router, "fallback")
    gaps = small_gaps()
    print(
        f"\nengine only (routing.plan_routes on a ready road distance matrix; no reading, no writing), "
        f"{N_TEAMS} teams, {len(stops)} candidate stops, roads: OR-Tools {ortools[0]:.2f} s, {ortools[1]:.1f} km, "
        f"{ortools[2]} stops visited, loads max/min {ortools[3]:.3f}; fallback {fallback[0]:.2f} s, "
        f"{fallback[1]:.1f} km, {fallback[2]} visited, {fallback[3]:.3f}; km per stop ratio "
        f"{(ortools[1] / ortools[2]) / (fallback[1] / fallback[2]):.3f}\n"
        f"accuracy, brute force, {len(gaps)} instances of 7-9 stops: OR-Tools mean gap {np.mean(gaps):.3%}, "
        f"max {np.max(gaps):.3%}"
    )
    assert ortools[0] < 10.0
    assert max(gaps) <= 0.02
