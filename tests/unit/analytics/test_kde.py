"""Kernel density: the FFT surface against a direct kernel sum written independently here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.analytics import kde


def direct_sum(x, y, px, py, radius, kernel="quartic", decay=0.0, weights=None):
    """The oracle: every point's kernel at every position, QGIS's raw formulas typed in afresh."""
    w = np.ones(len(x)) if weights is None else weights
    out = np.zeros(len(px))
    for i, (cx, cy) in enumerate(zip(px, py)):
        s = np.hypot(x - cx, y - cy) / radius
        inside = s <= 1
        s = s[inside]
        value = {
            "quartic": (1 - s**2) ** 2,
            "triweight": (1 - s**2) ** 3,
            "epanechnikov": 1 - s**2,
            "uniform": np.ones_like(s),
            "triangular": 1 - (1 - decay) * s,
        }[kernel]
        out[i] = float((w[inside] * value).sum())
    return out


def clustered(n, seed=7, side=6000.0):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(500, side - 500, (12, 2))
    n_hot = int(n * 0.7)
    xy = np.vstack(
        [centres[rng.integers(0, 12, n_hot)] + rng.normal(0, 150, (n_hot, 2)), rng.uniform(0, side, (n - n_hot, 2))]
    )
    return xy[:, 0] + 500_000, xy[:, 1] + 2_500_000


def sample_pixels(spec, n, seed=3):
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(0, spec.rows, n), rng.integers(0, spec.cols, n)
    cx, cy = spec.centres()
    return rows, cols, cx[cols], cy[rows]


def assert_close_to_exact(surface, exact, peak):
    """Within 0.5 % wherever the density is at least 1 % of the peak; within 0.5 % of the peak elsewhere."""
    significant = exact >= 0.01 * peak
    assert significant.sum() > 50
    relative = np.abs(surface[significant] - exact[significant]) / exact[significant]
    assert relative.max() < 0.005, relative.max()
    assert np.abs(surface - exact).max() < 0.005 * peak


@pytest.mark.parametrize(
    ("kernel", "decay"), [("quartic", 0.0), ("triweight", 0.0), ("epanechnikov", 0.0), ("triangular", 0.0)]
)
def test_surface_matches_the_direct_kernel_sum(kernel, decay):
    x, y = clustered(20_000)
    spec = kde.RasterSpec.around_points(x, y, 300.0, 20.0)
    surface = kde.density(x, y, spec, 300.0, kernel, decay=decay)
    rows, cols, px, py = sample_pixels(spec, 600)
    exact = direct_sum(x, y, px, py, 300.0, kernel, decay)
    assert_close_to_exact(surface[rows, cols], exact, surface.max())


def test_coarse_pixels_and_weights():
    """Pixel as large as a third of the radius, weighted points: still the exact sum."""
    x, y = clustered(5_000, seed=11)
    w = np.random.default_rng(2).uniform(0.5, 3.0, len(x))
    spec = kde.RasterSpec.around_points(x, y, 150.0, 50.0)
    surface = kde.density(x, y, spec, 150.0, weights=w)
    rows, cols, px, py = sample_pixels(spec, 500)
    assert_close_to_exact(surface[rows, cols], direct_sum(x, y, px, py, 150.0, weights=w), surface.max())


def test_points_outside_the_extent_still_count_within_the_radius():
    spec = kde.RasterSpec.for_extent(0.0, 0.0, 1000.0, 1000.0, 10.0)
    x, y = np.array([1100.0, 2000.0, np.nan]), np.array([500.0, 500.0, 1.0])
    surface = kde.density(x, y, spec, 300.0)
    cx, cy = spec.centres()
    expected = direct_sum(x[:1], y[:1], np.full(spec.rows, cx[-1]), cy, 300.0)
    np.testing.assert_allclose(surface[:, -1], expected, rtol=5e-3, atol=5e-3)  # peak 1
    assert surface[:, : spec.cols - 45].max() == 0.0  # 1,100 m - 300 m = 800 m: nothing left of it


def test_raster_layout_is_qgis_own():
    """The points' extent grown by the radius, ceil(size / pixel) + 1 pixels (qgskde.cpp)."""
    spec = kde.RasterSpec.around_points(np.array([0.0, 95.0]), np.array([0.0, 42.0]), 10.0, 20.0)
    assert (spec.x_min, spec.y_max, spec.cols, spec.rows) == (-10.0, 52.0, 7, 5)
    fixed = kde.RasterSpec.for_extent(0, 0, 100, 60, 20)
    assert (fixed.cols, fixed.rows, fixed.x_max, fixed.y_min) == (5, 3, 100, 0)


def _disc_integral(kernel, radius=1.0, decay=0.0, n=801):
    g = np.linspace(-radius, radius, n)
    step = g[1] - g[0]
    d = np.hypot(g[:, None], g[None, :])
    return float(kde.kernel_value(d, radius, kernel, scaled=True, decay=decay).sum() * step * step)


@pytest.mark.parametrize("kernel", ["triweight", "epanechnikov", "uniform", "triangular"])
def test_scaled_kernels_integrate_to_one(kernel):
    assert _disc_integral(kernel) == pytest.approx(1.0, rel=1e-2)


def test_scaled_quartic_keeps_qgis_constant():
    """QGIS's scaled quartic uses 116/(5π)·15/16, which integrates to 7.25, not 1; kept so the
    values equal QGIS's heatmap (users switch between the two)."""
    assert _disc_integral("quartic") == pytest.approx(7.25, rel=1e-2)
    assert float(kde.kernel_value(np.array([0.0]), 2.0, "quartic", scaled=True)[0]) == pytest.approx(
        116 / (5 * math.pi * 4) * 15 / 16
    )


def test_triangular_decay_and_bad_kernel():
    d = np.array([0.0, 50.0, 100.0, 101.0])
    np.testing.assert_allclose(kde.kernel_value(d, 100.0, "triangular", decay=0.5), [1.0, 0.75, 0.5, 0.0])
    with pytest.raises(ValueError, match="unknown kernel"):
        kde.kernel_value(d, 100.0, "gaussian")
    with pytest.raises(ValueError, match="radius"):
        kde.kernel_value(d, 0.0)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.floats(-200, 1200), st.just(math.nan)),
            st.one_of(st.floats(-200, 1200), st.just(math.nan)),
            st.floats(0, 10, allow_nan=False),
        ),
        min_size=0,
        max_size=60,
    ),
    st.sampled_from(["quartic", "epanechnikov", "triweight"]),
)
def test_any_points_give_a_non_negative_surface_with_the_right_mass(rows, kernel):
    """Random points (some without a position, some off the raster): never negative, never NaN, and
    the scaled surface integrates to the weight of the points far enough inside."""
    spec = kde.RasterSpec.for_extent(-1000.0, -1000.0, 2200.0, 2200.0, 10.0)
    x = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=float)
    w = np.array([r[2] for r in rows], dtype=float)
    surface = kde.density(x, y, spec, 100.0, kernel, scaled=True, weights=w)
    assert np.isfinite(surface).all()
    assert surface.min() >= 0.0
    factor = 7.25 if kernel == "quartic" else 1.0
    expected = factor * w[np.isfinite(x) & np.isfinite(y)].sum()
    assert surface.sum() * 100.0 == pytest.approx(expected, rel=0.02, abs=1e-6)


def test_both_binning_paths_agree(monkeypatch):
    """numpy < 1.25 bins with one bincount (sums in double precision), newer numpy with in-place ufunc.at
    (in the lattice's single precision): the same surface up to that round-off. A pixel within round-off
    of the cut to zero (ZERO_BELOW of the peak) may be cut by one and kept by the other: hence twice it."""
    x, y = clustered(3_000, seed=5)
    spec = kde.RasterSpec.around_points(x, y, 200.0, 25.0)
    monkeypatch.setattr(kde, "_FAST_ADD_AT", True)
    fast = kde.density(x, y, spec, 200.0)
    monkeypatch.setattr(kde, "_FAST_ADD_AT", False)
    plain = kde.density(x, y, spec, 200.0)
    np.testing.assert_allclose(fast, plain, rtol=1e-5, atol=2 * kde.ZERO_BELOW * plain.max())


def test_threaded_binning_equals_one_thread(monkeypatch):
    """Two threads bin a top and a bottom band of rows that share no node, then the rows between:
    the lattice one thread makes, up to single-precision round-off (the order of the additions)."""
    x, y = clustered(30_000, seed=9)
    spec = kde.RasterSpec.around_points(x, y, 300.0, 20.0)
    monkeypatch.setattr(kde, "THREADED_BINNING", 10**9)
    alone = kde.density(x, y, spec, 300.0)
    monkeypatch.setattr(kde, "THREADED_BINNING", 1_000)
    threaded = kde.density(x, y, spec, 300.0)
    np.testing.assert_allclose(threaded, alone, rtol=1e-5, atol=2 * kde.ZERO_BELOW * alone.max())
    same_row = kde.density(np.linspace(500_000, 501_000, 5_000), np.full(5_000, 2_500_000.0), spec, 300.0)
    assert same_row.max() > 0  # every point in one lattice row: one band holds them all


@pytest.mark.parametrize("half", [3, 15, 70])
def test_stamp_spectrum_is_the_fft_of_the_centred_stamp(half):
    """The spectrum from cosine tables (or, for a wide stamp, by FFT) is the FFT of the stamp wrapped
    round node (0, 0), on even and odd axes."""
    offsets = np.arange(-half, half + 1, dtype=float)
    stamp = kde.kernel_value(np.hypot(offsets[:, None], offsets[None, :]), half + 0.4)
    for shape in ((2 * half + 7, 2 * half + 10), (4 * half + 9, 3 * half + 5)):
        wrapped = np.zeros(shape)
        index = np.arange(-half, half + 1)
        wrapped[np.ix_(index % shape[0], index % shape[1])] = stamp
        expected = np.fft.rfft2(wrapped)
        got = kde._stamp_spectrum(stamp, shape)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected.real, atol=1e-9 * stamp.sum())
        assert np.abs(expected.imag).max() < 1e-9 * stamp.sum()  # even in x and y: a real spectrum


def test_no_padding_beyond_the_margins(monkeypatch):
    """The circular convolution wraps into the margins only: with FFT sizes exactly the lattice's (no
    padding at all), points just outside every side and corner still give the direct sum everywhere."""
    monkeypatch.setattr(kde.fft, "next_fast_len", lambda n, real=False: n)
    spec = kde.RasterSpec.for_extent(0.0, 0.0, 1_210.0, 890.0, 10.0)
    rng = np.random.default_rng(4)
    ring = rng.uniform(0, 1, (400, 2)) * [1_210.0 + 560.0, 890.0 + 560.0] - 280.0  # up to 280 m outside
    x, y = ring[:, 0], ring[:, 1]
    surface = kde.density(x, y, spec, 300.0)
    cx, cy = spec.centres()
    px, py = np.meshgrid(cx, cy)
    edges = np.zeros(surface.shape, dtype=bool)
    edges[:3], edges[-3:], edges[:, :3], edges[:, -3:] = True, True, True, True
    rows, cols = np.nonzero(edges)
    exact = direct_sum(x, y, px[rows, cols], py[rows, cols], 300.0)
    assert_close_to_exact(surface[rows, cols], exact, surface.max())


def test_wide_stamps_and_single_precision_output():
    """A radius of many pixels (the stamp's spectrum by FFT) is still the direct sum; a float32
    surface holds the float64 one's numbers."""
    x, y = clustered(3_000, seed=12, side=2_000.0)
    spec = kde.RasterSpec.around_points(x, y, 300.0, 4.0)  # 75 pixels of radius
    surface = kde.density(x, y, spec, 300.0)
    rows, cols, px, py = sample_pixels(spec, 300)
    assert_close_to_exact(surface[rows, cols], direct_sum(x, y, px, py, 300.0), surface.max())
    single = kde.density(x, y, spec, 300.0, dtype=np.float32)
    assert single.dtype == np.float32
    np.testing.assert_array_equal(single, surface.astype(np.float32))


def test_many_orders_at_one_spot_keep_their_full_count():
    """A million orders geocoded to one address point (or a district centroid): the binning sums in
    double precision, so the surface there is still the exact kernel sum (a single-precision lattice
    drifted 0.9 % at a million)."""
    n, spot = 1_000_000, (500_123.4, 2_500_456.7)
    x = np.r_[np.full(n, spot[0]), 500_000.0, 501_000.0]  # and two points setting an extent around it
    y = np.r_[np.full(n, spot[1]), 2_500_000.0, 2_501_000.0]
    spec = kde.RasterSpec.around_points(x, y, 300.0, 20.0)
    surface = kde.density(x, y, spec, 300.0)
    cx, cy = spec.centres()
    px, py = np.meshgrid(cx, cy)
    exact = n * kde.kernel_value(np.hypot(px - spot[0], py - spot[1]), 300.0)
    for ex, ey in zip(x[n:], y[n:]):
        exact = exact + kde.kernel_value(np.hypot(px - ex, py - ey), 300.0)
    # near the kernel's rim a lone spot meets the binning's own error (the module's 0.5 % is for
    # densities built by many spots); the count's precision shows where the kernel is high
    high = exact >= 0.3 * exact.max()
    assert high.sum() >= 20
    assert (np.abs(surface[high] - exact[high]) / exact[high]).max() < 0.005
