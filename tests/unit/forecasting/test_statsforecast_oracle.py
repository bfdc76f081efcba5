"""The array recursions against statsforecast, the second forecasting library (the test oracle):
the same model with the same parameters gives the same forecast, series by series.

Marked ``needs_statsforecast``: statsforecast 2.1 requires pandas < 3, so on the pandas 3 stack (OSGeo4W's,
``make test-engine-latest``) pip can only take statsforecast 2.0, which requires numba, which that
stack must not have; there these tests are deselected with the numba ones, and test_oracles.py holds
the same recursions to statsmodels."""

from __future__ import annotations

import numpy as np
import pytest

from gridgov.grid_ops.forecasting import methods
from gridgov.grid_ops.forecasting.library import fit_total

from .simulation import simulate

pytestmark = pytest.mark.needs_statsforecast


def _count_series(n: int = 40, length: int = 30, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.poisson(rng.lognormal(-0.5, 1.3, n)[:, None] * np.ones(length)).astype(float)
    values[0, :] = 0.0
    values[1, :7] = 0.0
    return values


@pytest.mark.parametrize("alpha", [0.05, 0.3, 0.9])
def test_ses_equals_statsforecast(alpha):
    from statsforecast.models import SimpleExponentialSmoothing

    values = _count_series()
    ours = methods.flat(methods.ses_levels(values, alpha), np.array([values.shape[1]]), 3)[:, 0, :]
    theirs = np.array([SimpleExponentialSmoothing(alpha=alpha).forecast(y, h=3)["mean"] for y in values])
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("alpha_p", "alpha_d"), [(0.1, 0.1), (0.3, 0.05), (0.5, 0.5)])
def test_tsb_equals_statsforecast(alpha_p, alpha_d):
    from statsforecast.models import TSB

    values = _count_series(seed=2)
    probability, size = methods.tsb_parts(values, alpha_p, alpha_d)
    theirs = np.array([TSB(alpha_d=alpha_d, alpha_p=alpha_p).forecast(y, h=1)["mean"][0] for y in values])
    np.testing.assert_allclose(probability[:, -1] * size[:, -1], theirs, rtol=1e-9, atol=1e-12)


def test_seasonal_naive_equals_statsforecast():
    from statsforecast.models import SeasonalNaive

    values = _count_series(length=27)
    origins = np.array([15, 20, 27])
    ours = methods.seasonal_naive(values, origins, 14, 12)
    for k, origin in enumerate(origins):
        theirs = np.array([SeasonalNaive(season_length=12).forecast(y[:origin], h=14)["mean"] for y in values])
        np.testing.assert_array_equal(ours[:, k, :], theirs)


@pytest.mark.parametrize("seed", [0, 4])
def test_class_total_forecast_agrees_with_statsforecast_ets(seed):
    """The class case's total, fitted by statsmodels, against statsforecast's own ETS(M,N,M) fit of
    the same series: two optimisers, so within 3%, not to the digit."""
    from statsforecast.models import AutoETS

    total = simulate(n_grids=500, n_classes=1, n_months=36, seed=seed, dispersion=0.2).counts.sum(axis=0)
    ours = fit_total(total, 12, 6)
    assert ours.variant == "ES(no trend, mul season)"
    theirs = AutoETS(season_length=12, model="MNM").forecast(total, h=6)["mean"]
    np.testing.assert_allclose(ours.forecast, theirs, rtol=0.03)


def test_the_engines_tsb_is_statsforecasts():
    import pandas as pd
    from statsforecast.models import TSB

    from gridgov.grid_ops.forecasting import ForecastRequest
    from gridgov.grid_ops.forecasting.engine import forecast_series
    from gridgov.grid_ops.forecasting.series import PeriodSeries

    values = _count_series(n=30, seed=5)
    series = PeriodSeries(
        values,
        np.array([f"G{i}" for i in range(30)], dtype=object),
        np.array(["x"], dtype=object),
        pd.date_range("2022-01-01", periods=values.shape[1], freq="MS"),
        "month",
        pd.DataFrame(),
    )
    request = ForecastRequest(horizon=3, models=("tsb",), alphas=(0.1,), per_grid=False)
    result = forecast_series(series, request)
    theirs = np.array([TSB(alpha_d=0.1, alpha_p=0.1).forecast(y, h=3)["mean"] for y in values])
    np.testing.assert_allclose(result.mean, theirs, rtol=1e-9, atol=1e-12)
