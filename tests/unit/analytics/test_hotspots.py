"""Weights and hot spots against PySAL (libpysal weights, esda G_Local / Moran_Local)."""

from __future__ import annotations

import itertools
import warnings

import esda
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from libpysal import weights as lps

from gridgov.grid_ops.analytics import hotspots, weights


def lattice(n_side: int, size: float = 100.0) -> np.ndarray:
    return np.array(
        [shapely.box(i * size, j * size, (i + 1) * size, (j + 1) * size) for j in range(n_side) for i in range(n_side)]
    )


def _same(ours, theirs) -> bool:
    return (ours != theirs.tocsr()).nnz == 0


@pytest.fixture(scope="module")
def demo_grids(demo_city_20k):
    return demo_city_20k["grids"].reset_index(drop=True)


def test_contiguity_equals_libpysal_on_the_demo_grids(demo_grids):
    geoms = demo_grids.geometry.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        queen = lps.Queen.from_dataframe(demo_grids, use_index=False)
        rook = lps.Rook.from_dataframe(demo_grids, use_index=False)
    assert _same(weights.contiguity(geoms, "queen"), queen.sparse)
    assert _same(weights.contiguity(geoms, "rook"), rook.sparse)


def test_distance_band_and_knn_equal_libpysal():
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 1000, (300, 2))
    band = lps.DistanceBand(xy, threshold=120.0, binary=True, silence_warnings=True)
    assert _same(weights.distance_band(xy[:, 0], xy[:, 1], 120.0), band.sparse)
    knn = lps.KNN(xy, k=6)
    assert _same(weights.k_nearest(xy[:, 0], xy[:, 1], 6), knn.sparse)


def test_corner_touching_squares_are_queen_not_rook():
    w_q = weights.contiguity(lattice(3), "queen")
    w_r = weights.contiguity(lattice(3), "rook")
    assert w_q[4].nnz == 8 and w_r[4].nnz == 4  # the centre square
    assert w_q[0].nnz == 3 and w_r[0].nnz == 2


@pytest.fixture(scope="module")
def counts_and_weights(demo_city_20k, demo_grids):
    truth = demo_city_20k["truth_orders"]
    tree = shapely.STRtree(demo_grids.geometry.to_numpy())
    _, g = tree.query(truth.geometry.to_numpy(), predicate="within")
    y = np.bincount(g, minlength=len(demo_grids)).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w_lps = lps.Queen.from_dataframe(demo_grids, use_index=False)
    return y, weights.contiguity(demo_grids.geometry.to_numpy(), "queen"), w_lps


@pytest.mark.parametrize("transform", ["B", "R"])
def test_gi_star_z_equals_esda(counts_and_weights, transform):
    y, w, w_lps = counts_and_weights
    ours = hotspots.gi_star(y, w, transform, permutations=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = esda.G_Local(y, w_lps, transform=transform, star=True, permutations=0)
    np.testing.assert_allclose(ours["gi_z"], theirs.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours["gi_g"], theirs.Gs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours["gi_p"], 2 * theirs.p_norm, rtol=0, atol=1e-12)  # two-sided


def test_permutation_p_values_agree_with_esda():
    """Both are Monte Carlo estimates: with 9,999 draws they agree to a few hundredths."""
    rng = np.random.default_rng(8)
    geoms = lattice(20)
    y = rng.poisson(3.0, 400).astype(float)
    y[[42, 43, 62, 63]] += 15  # a planted hot spot
    ours = hotspots.gi_star(y, weights.contiguity(geoms, "queen"), "B", permutations=9999, seed=1)
    w = lps.lat2W(20, 20, rook=False)
    theirs = esda.G_Local(y, w, transform="B", star=True, permutations=9999, seed=1)
    assert np.corrcoef(ours["gi_p_sim"], theirs.p_sim)[0, 1] > 0.995
    assert np.abs(ours["gi_p_sim"] - theirs.p_sim).max() < 0.03
    assert (ours["gi_p_sim"] >= 1 / 10000).all() and (ours["gi_p_sim"] <= 0.5 + 1e-9).all()
    assert set(ours.loc[[42, 43, 62, 63], "gi_bin"]) == {3}


def test_permutation_p_value_against_full_enumeration():
    """On 9 values with 2 neighbours every possible draw can be listed: the exact p."""
    y = np.array([1.0, 7.0, 3.0, 0.0, 9.0, 2.0, 5.0, 4.0, 6.0])
    w = weights.distance_band(np.arange(9.0), np.zeros(9), 1.0)  # a chain: ends have 1 neighbour
    observed = w @ y
    result = hotspots.gi_star(y, w, permutations=200_000, seed=3)
    for i in range(9):
        others = np.delete(y, i)
        k = int(w[i].nnz)
        sums = np.array([sum(c) for c in itertools.combinations(others, k)])
        share = (sums >= observed[i]).mean()
        exact = min(share, 1 - share)
        assert result["gi_p_sim"][i] == pytest.approx(exact, abs=0.004)


def test_local_moran_equals_esda(counts_and_weights):
    y, w, w_lps = counts_and_weights
    ours = hotspots.local_moran(y, w, permutations=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = esda.Moran_Local(y, w_lps, permutations=0)
    np.testing.assert_allclose(ours["lisa_i"], theirs.Is, rtol=0, atol=1e-9)
    assert (ours["lisa_q"].to_numpy() == theirs.q).all()


def test_bins_with_and_without_fdr():
    p = np.array([0.001, 0.004, 0.03, 0.04, 0.08, 0.5, 0.9, 0.002])
    z = np.array([3.5, -3.0, 2.1, 2.0, 1.7, 0.5, -0.1, -3.2])
    assert hotspots.confidence_bins(z, p, fdr=False).tolist() == [3, -3, 2, 2, 1, 0, 0, -3]
    # BH with m = 8, p sorted 0.001 0.002 0.004 0.03 0.04 0.08 ...: the largest p(k) ≤ k/8 · α is
    # 0.002 at 99 %, 0.004 at 95 % (0.03 > 4/8 · 0.05) and 0.04 at 90 % (0.08 > 6/8 · 0.1)
    assert hotspots.bh_thresholds(p, (0.01, 0.05, 0.10)) == {0.01: 0.002, 0.05: 0.004, 0.10: 0.04}
    assert hotspots.confidence_bins(z, p, fdr=True).tolist() == [3, -2, 1, 1, 0, 0, 0, -3]


def test_demo_planted_hot_areas_are_hot_spots_of_their_class(demo_city_20k, demo_grids, counts_and_weights):
    """Gi* on each planted area's class-case counts finds that area (99 % bin, with FDR)."""
    _, w, _ = counts_and_weights
    truth = demo_city_20k["truth_orders"]
    tree = shapely.STRtree(demo_grids.geometry.to_numpy())
    planted = demo_city_20k["truth_hotareas"]
    for area in planted.itertuples():
        of_class = truth[truth["class_code"] == area.class_code]
        _, g = tree.query(of_class.geometry.to_numpy(), predicate="within")
        y = np.bincount(g, minlength=len(demo_grids)).astype(float)
        result = hotspots.gi_star(y, w, "B", permutations=999)
        hot = set(demo_grids["grid_code"][result["gi_bin"].to_numpy() == 3])
        codes = set(str(area.grid_codes).split(","))
        assert codes & hot, f"hot area {area.hotarea_id} ({area.pattern}, {area.class_code}) has no hot grid"


def test_constant_values_give_no_hot_spot():
    result = hotspots.gi_star(np.full(25, 4.0), weights.contiguity(lattice(5)), permutations=99)
    assert (result["gi_bin"] == 0).all() and np.isfinite(result["gi_z"]).all()
    with pytest.raises(ValueError, match="grid 3"):
        hotspots.gi_star(np.array([1.0, 2.0, np.nan]), weights.contiguity(lattice(1).repeat(3)))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(0, 50), min_size=16, max_size=16),
    st.sampled_from(["B", "R"]),
    st.booleans(),
)
def test_any_counts_give_valid_outputs(values, transform, fdr):
    result = hotspots.gi_star(np.array(values, dtype=float), weights.contiguity(lattice(4)), transform, 99, fdr=fdr)
    assert result["gi_bin"].between(-3, 3).all()
    assert result["gi_p"].between(0, 1).all()
    assert result["gi_p_sim"].between(0.01, 0.5 + 1e-9).all()
    assert np.isfinite(result["gi_z"]).all()
