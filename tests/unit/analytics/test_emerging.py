"""Emerging hot spots: the space-time Gi*, Mann-Kendall against pymannkendall, the 17 patterns,
and the planted hot areas of the demo city."""

from __future__ import annotations

import numpy as np
import pymannkendall
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gridgov.grid_ops.analytics import emerging, weights


def test_mann_kendall_equals_pymannkendall():
    rng = np.random.default_rng(4)
    series = np.vstack([rng.normal(0, 1, 12) + np.linspace(0, s, 12) for s in np.linspace(-3, 3, 40)])
    series[0, 3:6] = series[0, 2]  # ties
    series[1] = 5.0  # all tied
    tau, p, s = emerging.mann_kendall(series)
    for row in range(len(series)):
        oracle = pymannkendall.original_test(series[row])
        assert s[row] == oracle.s
        assert tau[row] == pytest.approx(oracle.Tau, abs=1e-12)
        assert p[row] == pytest.approx(oracle.p, abs=1e-12)


def test_space_time_gi_equals_a_direct_computation():
    """Bin (i, t) against its own and its neighbours' bins in steps t and t - 1, over the whole cube."""
    rng = np.random.default_rng(2)
    geoms = np.array([shapely.box(i, j, i + 1, j + 1) for j in range(4) for i in range(4)])
    w = weights.contiguity(geoms, "queen")
    cube = rng.poisson(4, (16, 6)).astype(float)
    z = emerging.space_time_gi(cube, w)
    x = cube.ravel()
    n, mean, sd = x.size, x.mean(), x.std()
    for i in range(16):
        hood = [i, *w[i].indices]
        for t in range(6):
            steps = [t] if t == 0 else [t - 1, t]
            values = cube[np.ix_(hood, steps)].ravel()
            weight = len(values)
            expected = (values.sum() - mean * weight) / (sd * np.sqrt((n * weight - weight**2) / (n - 1)))
            assert z[i, t] == pytest.approx(expected, abs=1e-12)


def _one(series_z, sig, tau=0.0, trend_p=1.0):
    z = np.array([series_z], dtype=float)
    return emerging.classify(z, np.array([sig], dtype=bool), np.array([tau]), np.array([trend_p]))[0]


@pytest.mark.parametrize(
    ("z", "sig", "tau", "trend_p", "pattern"),
    [
        ([0, 0, 0, 0, 0, 3], [0, 0, 0, 0, 0, 1], 0.5, 0.2, "new hot spot"),
        ([0, 0, 0, 0, 0, -3], [0, 0, 0, 0, 0, 1], -0.5, 0.2, "new cold spot"),
        ([0, 0, 0, 3, 3, 3], [0, 0, 0, 1, 1, 1], 0.7, 0.01, "consecutive hot spot"),
        ([2, 2, 3, 3, 4, 5] * 2, [1] * 12, 0.9, 0.001, "intensifying hot spot"),
        ([3, 3, 3, 3, 3, 3] * 2, [1] * 12, 0.0, 0.9, "persistent hot spot"),
        ([5, 4, 4, 3, 3, 2] * 2, [1] * 12, -0.6, 0.01, "diminishing hot spot"),
        ([3, 0, 0, 3, 0, 3], [1, 0, 0, 1, 0, 1], 0.1, 0.7, "sporadic hot spot"),
        ([-3, 0, 0, 0, 0, 3], [1, 0, 0, 0, 0, 1], 0.3, 0.4, "oscillating hot spot"),
        ([3] * 11 + [0], [1] * 11 + [0], -0.2, 0.3, "historical hot spot"),
        ([-3] * 11 + [0], [1] * 11 + [0], 0.2, 0.3, "historical cold spot"),
        ([1, 0, 1, 0, 1, 0], [0] * 6, 0.0, 1.0, "no pattern"),
    ],
)
def test_each_pattern(z, sig, tau, trend_p, pattern):
    assert _one(z, sig, tau, trend_p) == pattern


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, 8, elements=st.floats(-4, 4)), arrays(bool, 8), st.floats(-1, 1), st.floats(0, 1))
def test_every_series_gets_one_of_the_17_patterns(z, sig, tau, trend_p):
    assert _one(z, sig, tau, trend_p) in emerging.PATTERNS
    assert len(emerging.PATTERNS) == 17 and set(emerging.PATTERNS_ZH) == set(emerging.PATTERNS)


ACCEPTED = {  # the planted monthly profile → the ArcGIS patterns it stands for
    "persistent": {"persistent hot spot", "intensifying hot spot", "diminishing hot spot"},
    "emerging": {"new hot spot", "consecutive hot spot", "intensifying hot spot"},
    "diminishing": {"diminishing hot spot"},
    "sporadic": {"sporadic hot spot"},
}


def test_demo_planted_hot_areas_come_out_in_their_categories(demo_city_20k):
    grids = demo_city_20k["grids"].reset_index(drop=True)
    truth = demo_city_20k["truth_orders"]
    w = weights.contiguity(grids.geometry.to_numpy(), "queen")
    tree = shapely.STRtree(grids.geometry.to_numpy())
    persistent_ok = 0
    for area in demo_city_20k["truth_hotareas"].itertuples():
        orders = truth[truth["class_code"] == area.class_code]
        p, g = tree.query(orders.geometry.to_numpy(), predicate="within")
        grid_index = np.full(len(orders), -1)
        grid_index[p] = g
        labels, step = emerging.time_steps(orders["true_time"].to_numpy(dtype="datetime64[s]"), "month")
        cube = emerging.space_time_cube(grid_index, step, len(grids), len(labels))
        table, _ = emerging.emerging_hotspots(cube, w)
        inside = grids["grid_code"].isin(area.grid_codes.split(",")).to_numpy()
        core = table[inside].sort_values("total", ascending=False).iloc[0]  # the area's busiest grid
        if area.pattern == "persistent":
            persistent_ok += core["pattern"] == "persistent hot spot"
        assert core["pattern"] in ACCEPTED[area.pattern], (area.hotarea_id, area.pattern, core["pattern"])
    assert persistent_ok >= 3  # of the 5 planted persistent areas, most show no trend at all
