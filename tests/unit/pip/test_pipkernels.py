"""The compiled point-in-polygon gives GEOS's answer for every pair, edges, vertices and holes included."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.pip import pipkernels

from .test_pointindex import ORIGIN, tricky_points, voronoi_layer


@pytest.mark.needs_numba
def test_numba_is_there():
    """numba is in requirements/runtime.txt: without it every test here would test the fallback."""
    assert pipkernels.kernels() is not None
    from gridgov.grid_ops.pip import pipkernels_numba

    assert (pipkernels_numba.COVERED, pipkernels_numba.UNCERTAIN) == (pipkernels.COVERED, pipkernels.UNCERTAIN)


def brute_force(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> set[tuple[int, int]]:
    """Every (point, polygon) pair GEOS says intersect: the oracle, one call per polygon."""
    pairs = set()
    for g, geom in enumerate(geoms):
        hit = np.flatnonzero(shapely.intersects_xy(geom, x, y))
        pairs.update((int(p), g) for p in hit)
    return pairs


def compiled_pairs(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> set[tuple[int, int]]:
    k = pipkernels.kernels()
    pts, polys = pipkernels.PolygonArrays.build(geoms, k).covering(x, y, k)
    assert len(pts) == len(set(zip(pts.tolist(), polys.tolist()))), "a pair came out twice"
    return set(zip(pts.tolist(), polys.tolist()))


def odd_shapes() -> np.ndarray:
    """Holes, multipolygons, a collection (make_valid's kind), an empty polygon and a missing one."""
    donut = shapely.box(0, 0, 10, 10).difference(shapely.box(3, 3, 7, 7))
    island = shapely.box(4, 4, 6, 6)  # inside the donut's hole
    multi = shapely.MultiPolygon([shapely.box(12, 0, 14, 2), shapely.box(15, 0, 17, 2)])
    collection = shapely.GeometryCollection([shapely.box(20, 0, 22, 2), shapely.LineString([(20, 5), (25, 5)])])
    slanted = shapely.Polygon([(0, 12), (9.3, 13.7), (3.1, 19.9)])
    return np.array([donut, island, multi, collection, slanted, shapely.Polygon(), None], dtype=object)


@pytest.mark.needs_numba
def test_odd_shapes_equal_geos():
    geoms = odd_shapes()
    rng = np.random.default_rng(3)
    present = [g for g in geoms if g is not None and not g.is_empty]
    corners = shapely.get_coordinates(present)
    mids = (corners[1:] + corners[:-1]) / 2
    # points on the collection's line, on the slanted edges (rounding makes GEOS's filter undecided)
    on_line = np.column_stack([np.linspace(20, 25, 11), np.full(11, 5.0)])
    t = rng.uniform(0, 1, 200)[:, None]
    on_slant = np.array([0.0, 12.0]) + t * np.array([9.3, 1.7])
    xy = np.vstack([rng.uniform(-1, 26, (5_000, 2)), corners, mids, on_line, on_slant, [[np.nan, 1.0]]])
    assert compiled_pairs(geoms, xy[:, 0], xy[:, 1]) == brute_force(geoms, xy[:, 0], xy[:, 1])


@pytest.mark.needs_numba
@pytest.mark.parametrize("overlap", [False, True])
def test_layers_equal_geos(overlap):
    layer = voronoi_layer(300, seed=5, overlap=overlap)
    x, y = tricky_points(layer, np.random.default_rng(1), 30_000)
    assert compiled_pairs(layer.geoms, x, y) == brute_force(layer.geoms, x, y)


@pytest.mark.needs_numba
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 40))
def test_any_layout_equals_geos(seed, n):
    layer = voronoi_layer(n, seed=seed, overlap=seed % 2 == 1)
    x, y = tricky_points(layer, np.random.default_rng(seed), 1_000)
    assert compiled_pairs(layer.geoms, x, y) == brute_force(layer.geoms, x, y)


class SmallBuffers:
    """The compiled kernel, told it has a fiftieth of the room it was given (plus one bucket)."""

    def __init__(self) -> None:
        self.kernels = pipkernels.kernels()
        self.starts: list[int] = []

    def cover(self, x, y, start, bucket, pts, polys, state):
        self.starts.append(start)
        room = len(pts) // 50 + int(np.diff(bucket.ptr).max())
        return self.kernels.cover(x, y, start, bucket, pts[:room], polys[:room], state[:room])


@pytest.mark.needs_numba
def test_full_buffers_resume_where_they_stopped():
    layer = voronoi_layer(50, seed=2, overlap=True)
    x, y = tricky_points(layer, np.random.default_rng(4), 3_000)
    arrays = pipkernels.PolygonArrays.build(layer.geoms, pipkernels.kernels())
    small = SmallBuffers()
    pts, polys = arrays.covering(x, y, small)
    assert len(small.starts) > 1
    assert set(zip(pts.tolist(), polys.tolist())) == brute_force(layer.geoms, x, y)


@pytest.mark.needs_numba
def test_spatial_order_is_a_permutation():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 1000, 10_000), rng.uniform(0, 1000, 10_000)
    x[::97] = np.nan
    order = pipkernels.spatial_order(x, y)
    assert sorted(order.tolist()) == list(range(len(x)))


@pytest.mark.needs_numba
@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.floats(-1e3, 1e3), st.sampled_from([np.nan, np.inf, 7.0])),
            st.one_of(st.floats(-1e3, 1e3), st.sampled_from([np.nan, -np.inf, 7.0])),
        ),
        min_size=1,
        max_size=300,
    )
)
def test_spatial_sort_is_spatial_order_of_the_finite_points(points):
    """The finite points in the order ``spatial_order`` gives them, their coordinates beside them:
    what the assignment took from an order and two gathers before."""
    x, y = (np.array(c, dtype=float) for c in zip(*points))
    finite = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    got = pipkernels.spatial_sort(x, y)
    if not len(finite):
        assert got is None
        return
    rows, xs, ys = got
    expected = finite[pipkernels.spatial_order(x[finite], y[finite])]
    assert rows.tolist() == expected.tolist()
    assert xs.tolist() == x[rows].tolist() and ys.tolist() == y[rows].tolist()


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv("GRIDGOV_NO_NUMBA", "1")
    assert pipkernels.kernels() is None
    assert pipkernels.spatial_order(np.zeros(3), np.zeros(3)) is None
    assert pipkernels.spatial_sort(np.zeros(3), np.zeros(3)) is None


@pytest.mark.needs_numba
@pytest.mark.parametrize(
    "x, y",
    [
        ([500_535.8, 502_033.1, 501_733.0], [2_501_500.0] * 3),  # on one horizontal line: no area
        ([7.0] * 4, [1.0, 5.0, 2.0, 9.0]),  # on one vertical line
        ([3.0] * 5, [4.0] * 5),  # one place
    ],
)
def test_spatial_order_of_points_without_area(x, y):
    """Points on a line once asked for buckets a billionth of a metre wide (a MemoryError)."""
    order = pipkernels.spatial_order(np.array(x), np.array(y))
    assert sorted(order.tolist()) == list(range(len(x)))


@pytest.mark.needs_numba
@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 400))
def test_best_of_pairs_equals_the_sorting_path(seed, n_pairs):
    """One compiled pass picks, per point, what the lexsort path picks: the smallest key, and on a
    tie the first pair; and counts the same pairs. Points unsorted, keys with many ties."""
    from gridgov.grid_ops.responsibility import geolocate

    rng = np.random.default_rng(seed)
    n = 50
    pts = rng.integers(0, n, n_pairs)
    polys = rng.integers(0, 30, n_pairs)
    key = rng.integers(0, 4, n_pairs)
    best, count = pipkernels.kernels().best_of_pairs(pts, polys, key, n)
    lookup = geolocate.point_lookup
    try:
        geolocate.point_lookup = lambda n_points: "exact"  # the sorting path
        want_best, want_count = geolocate._best_of_pairs(pts, polys, key, n)
    finally:
        geolocate.point_lookup = lookup
    assert best.tolist() == want_best.tolist()
    assert count.tolist() == want_count.tolist()


@pytest.mark.needs_numba
@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_own_first_keys_equal_the_numpy_path(seed):
    """The micro-grid keys (own grid first, then rank) from one compiled pass equal numpy's: points
    in a grid or in none, micro-grids whose parent is known, unknown (-1) or empty."""
    from gridgov.grid_ops.responsibility import geolocate

    rng = np.random.default_rng(seed)
    n_points, n_polys, n_units = 60, 25, 8
    pts = rng.integers(0, n_points, 300)
    polys = rng.integers(0, n_polys, 300)
    point_unit = rng.integers(-1, n_units, n_points)
    unit_id = rng.integers(0, 5, n_units)  # duplicated codes share an id
    poly_unit_id = rng.integers(-1, 5, n_polys)
    poly_no_unit = rng.random(n_polys) < 0.3
    rank = rng.permutation(n_polys)
    args = (pts, polys, point_unit, unit_id, poly_unit_id, poly_no_unit, rank)
    keys = pipkernels.kernels().own_first_keys(*args)
    lookup = geolocate.point_lookup
    try:
        geolocate.point_lookup = lambda n: "exact"  # the numpy path
        want = geolocate._own_first_keys(*args)
    finally:
        geolocate.point_lookup = lookup
    assert keys.tolist() == want.tolist()


def surely_valid(geoms) -> np.ndarray:
    k = pipkernels.kernels()
    return pipkernels.PolygonArrays.build(np.asarray(geoms, dtype=object), k).surely_valid(k)


@pytest.mark.needs_numba
def test_surely_valid_takes_common_grids_and_leaves_the_rest_to_geos():
    hexagon = shapely.Polygon([(2, 0), (1, 1.7), (-1, 1.7), (-2, 0), (-1, -1.7), (1, -1.7)])
    straight_vertex = shapely.Polygon([(0, 0), (1, 0), (2, 0), (2, 2), (0, 2)])  # (1, 0): valid, on a line
    cells = voronoi_layer(200, seed=11).geoms
    sure = [shapely.box(0, 0, 1, 1), hexagon, straight_vertex, *cells]
    assert surely_valid(sure).all()
    asked = [
        shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)]),  # bow-tie: invalid
        shapely.Polygon([(0, 0), (4, 0), (4, 4), (2, 4), (2, 6), (2, 4), (0, 4)]),  # spike: invalid
        shapely.Polygon([(0, 0), (4, 0), (2, 2), (4, 4), (0, 4), (2, 2)]),  # touches itself at (2, 2)
        shapely.Polygon([(0, 0), (1, 0), (1, 0), (1, 1), (0, 1)]),  # a repeated point: valid, GEOS says so
        shapely.Polygon([(0, 0), (1, 1), (2, 2), (0, 2)]),  # collinear off the axes: the filter cannot tell
        shapely.box(0, 0, 10, 10).difference(shapely.box(3, 3, 7, 7)),  # a hole
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1)]),
        shapely.Point(0, 0).buffer(1, quad_segs=32),  # 128 segments: more than MAX_QUICK_SEGMENTS
    ]
    assert not surely_valid(asked).any()
    assert shapely.is_valid(asked[3]) and not shapely.is_valid(asked[0])


ring_points = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=3, max_size=9)


@pytest.mark.needs_numba
@settings(max_examples=300, deadline=None)
@given(st.lists(ring_points, min_size=1, max_size=20), st.floats(0.01, 1e6), st.booleans())
def test_surely_valid_is_never_wrong(rings, scale, slant):
    """Rings on a small lattice touch, fold, repeat and run along each other as often as they do not:
    whatever the kernel calls certainly valid, GEOS calls valid."""
    geoms = []
    for ring in rings:
        xy = np.array(ring, dtype=float) * scale
        if slant:  # off the axes, where the orientation filter may have to give up
            xy = xy @ np.array([[0.8, 0.6], [-0.6, 0.8]]) + 480_000.0
        geoms.append(shapely.Polygon(xy))
    sure = surely_valid(geoms)
    assert shapely.is_valid(np.array(geoms, dtype=object)[sure]).all()


def nearest_oracle(geoms: np.ndarray, rank: np.ndarray, x: np.ndarray, y: np.ndarray, max_distance: float):
    """GEOS's distance from every point to every polygon: the nearest within ``max_distance``, the
    lowest rank on equal distances (-1 and inf beyond)."""
    d = shapely.distance(geoms[None, :], shapely.points(x, y)[:, None])
    d = np.where(np.isnan(d), np.inf, d)  # missing and empty geometries are at no distance
    best = d.min(axis=1)
    near = np.full(len(x), -1)
    for i, row in enumerate(d):
        if best[i] <= max_distance and np.isfinite(best[i]):
            ties = np.flatnonzero(row == best[i])
            near[i] = ties[np.argmin(rank[ties])]
    return near, np.where(near >= 0, best, np.inf)


def outside_points(geoms: np.ndarray, rng: np.random.Generator, n: int, spread: float) -> tuple[np.ndarray, np.ndarray]:
    """Random points and vertex neighbours (where distances tie), kept only outside every polygon."""
    vertices = shapely.get_coordinates(geoms)
    xy = np.vstack(
        [
            rng.uniform(-spread, 3000 + spread, (n, 2)) + ORIGIN,
            vertices + rng.choice([-1.0, 0.0, 1.0], vertices.shape) * rng.uniform(0.001, 50, (len(vertices), 1)),
            np.array([[-500_000.0, 1500.0], [1500.0, 900_000.0]]) + ORIGIN,  # far off: the rings must not crawl there
        ]
    )
    inside = shapely.intersects_xy(shapely.union_all(geoms[[g is not None for g in geoms]]), xy[:, 0], xy[:, 1])
    return xy[~inside, 0], xy[~inside, 1]


@pytest.mark.needs_numba
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(3, 60), st.sampled_from([np.inf, 50.0, 400.0]), st.booleans())
def test_nearest_equals_geos(seed, n, max_distance, holey):
    """The compiled nearest polygon: GEOS's distance to the last bit, the lowest rank on a tie, and
    nothing beyond ``max_distance``; with holes, gaps between the polygons, and points far away."""
    rng = np.random.default_rng(seed)
    layer = voronoi_layer(n, seed=seed, overlap=seed % 3 == 0)
    geoms = layer.geoms.copy()
    if holey:  # holes, a gap and a collection (which GEOS must measure)
        geoms[0] = geoms[0].buffer(-20)
        geoms[1] = shapely.difference(geoms[1], shapely.centroid(geoms[1]).buffer(30))
        geoms[2] = shapely.GeometryCollection([geoms[2]])
    geoms = np.array([g if g is not None and not g.is_empty else shapely.Polygon() for g in geoms], dtype=object)
    rank = rng.permutation(len(geoms))
    x, y = outside_points(geoms, rng, 400, 2000.0)
    k = pipkernels.kernels()
    near, dist = pipkernels.PolygonArrays.build(geoms, k).nearest(x, y, rank, max_distance, k)
    want_near, want_dist = nearest_oracle(geoms, rank, x, y, max_distance)
    decided = near != -2
    assert holey or decided.all()
    assert near[decided].tolist() == want_near[decided].tolist()
    assert dist[decided].tolist() == want_dist[decided].tolist()  # the same doubles, not nearly


@pytest.mark.needs_numba
def test_nearest_gives_up_beside_an_empty_stretch():
    """A point far off beside an empty stretch of the index (a bay) would scan thousands of empty
    buckets: after ``MAX_NEAREST_RINGS`` rings it goes to GEOS, which finds the same polygon."""
    from gridgov.grid_ops.responsibility import geolocate

    shore = [shapely.box(x, 0, x + 10, 10) for x in range(0, 2000, 10)]
    geoms = np.array([*shore, shapely.box(1990, 1990, 2000, 2000)], dtype=object)
    rank = np.arange(len(geoms))
    x, y = np.array([-5000.0, 1000.0, 2100.0]), np.array([1000.0, -30.0, 2100.0])
    k = pipkernels.kernels()
    arrays = pipkernels.PolygonArrays.build(geoms, k)
    near, _ = arrays.nearest(x, y, rank, np.inf, k)
    assert near.tolist() == [-2, 99, 200]  # the first left to GEOS; 99 and 100 tie at x = 1000: 99
    layer = geolocate.UnitLayer(np.array([f"g{i:03d}" for i in range(len(geoms))], dtype=object), geoms, None)
    layer._arrays = arrays
    near, dist = geolocate.nearest_units(layer, x, y, np.inf)
    want_near, want_dist = nearest_oracle(geoms, layer.rank, x, y, np.inf)
    assert near.tolist() == want_near.tolist() == [0, 99, 200]
    assert dist.tolist() == want_dist.tolist()
