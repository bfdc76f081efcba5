"""Count intervals: exact discrete quantiles, and a calibration that holds its coverage."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gridgov.grid_ops.forecasting import intervals


def test_cdf_is_scipys_poisson_and_negative_binomial():
    rng = np.random.default_rng(0)
    k = rng.integers(-1, 30, 500).astype(float)
    mean = rng.gamma(1.0, 4.0, 500)
    for dispersion in (0.0, 0.3, 2.0):
        expected = (
            stats.poisson.cdf(k, mean)
            if dispersion == 0
            else stats.nbinom.cdf(k, 1 / dispersion, (1 / dispersion) / (1 / dispersion + mean))
        )
        np.testing.assert_allclose(intervals.cdf(k, mean, dispersion), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("dispersion", [0.0, 0.05, 1.0, 10.0])
def test_quantile_is_the_smallest_count_reaching_the_probability(dispersion):
    rng = np.random.default_rng(1)
    mean = np.concatenate([[0.0, 1e-9, 0.2, 1.0], rng.gamma(1.0, 10.0, 200)])
    for q in (0.05, 0.5, 0.95, 0.999):
        got = intervals.quantile(q, mean, dispersion)
        assert np.all(got == np.round(got)) and np.all(got >= 0)
        assert np.all(intervals.cdf(got, mean, dispersion) >= q - 1e-12)
        below = got - 1
        assert np.all((below < 0) | (intervals.cdf(below, mean, dispersion) < q))


def test_calibration_covers_negative_binomial_rows_at_the_level():
    rng = np.random.default_rng(2)
    mean = rng.gamma(2.0, 5.0, 20_000)
    size = 1 / 0.3
    observed = rng.negative_binomial(size, size / (size + mean)).astype(float)
    calibration = intervals.calibrate_rows(observed, mean, 0.9, 10.0)
    assert 0.1 <= calibration.dispersion <= 0.5  # the truth is 0.3: Poisson (0) would be far too narrow
    below, above = intervals.misses(
        observed, mean, calibration.dispersion, calibration.lower_tail, calibration.upper_tail
    )
    assert 1 - (below | above).mean() >= 0.9 and above.mean() <= 0.05


def test_where_dispersion_cannot_help_the_tails_shrink_until_the_backtest_holds():
    """Forecasts of 0.2 for grids whose months hold 2 or more orders 12% of the time: no negative
    binomial with mean 0.2 has a 95% quantile above 1, so the upper tail must shrink."""
    rng = np.random.default_rng(3)
    mean = np.full(10_000, 0.2)
    observed = rng.poisson(rng.choice([0.1, 2.0], 10_000, p=[0.9, 0.1])).astype(float)
    calibration = intervals.calibrate_rows(observed, mean, 0.9, 10.0)
    assert calibration.upper_tail < 0.05
    below, above = intervals.misses(
        observed, mean, calibration.dispersion, calibration.lower_tail, calibration.upper_tail
    )
    assert above.mean() <= 0.05 and 1 - (below | above).mean() >= 0.9
    upper = intervals.quantile(1 - calibration.upper_tail, mean[:1], calibration.dispersion)
    assert upper[0] >= 2


def test_groups_fall_back_to_coarser_ones_with_too_few_rows():
    rng = np.random.default_rng(4)
    mean = rng.gamma(2.0, 3.0, 3000)
    observed = rng.poisson(mean).astype(float)
    group = np.r_[np.zeros(2900, dtype=int), np.ones(100, dtype=int)]
    table = intervals.calibrate(observed, mean, [group], 0.9, min_rows=200, largest=10.0, fallback=1.0)
    assert set(table) == {(), (0,)}
    dispersion, _lower, _upper = intervals.lookup(table, [np.array([0, 1])])
    assert dispersion[0] == table[(0,)].dispersion and dispersion[1] == table[()].dispersion
