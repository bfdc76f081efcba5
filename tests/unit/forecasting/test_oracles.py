"""The array recursions against the forecasting library itself (statsmodels), series by series: the
same model with the same parameters gives the same forecast. Runs wherever the engine runs (statsmodels
is in every test environment); statsforecast, the second oracle, is in test_statsforecast_oracle.py."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.holtwinters import ExponentialSmoothing, SimpleExpSmoothing

from gridgov.grid_ops.forecasting import ForecastRequest, methods
from gridgov.grid_ops.forecasting.engine import forecast_series
from gridgov.grid_ops.forecasting.library import fit_total, seasonal_factors
from gridgov.grid_ops.forecasting.series import PeriodSeries

from .simulation import simulate


def _count_series(n: int = 40, length: int = 30, seed: int = 0) -> np.ndarray:
    """Counts from quiet (mostly zero, some leading zeros) to busy."""
    rng = np.random.default_rng(seed)
    rate = rng.lognormal(-0.5, 1.3, n)[:, None] * np.ones(length)
    values = rng.poisson(rate).astype(float)
    values[0, :] = 0.0  # all zero
    values[1, :5] = 0.0  # starts late
    return values


def _statsmodels_ses(y: np.ndarray, alpha: float) -> float:
    """statsmodels' SES forecast with the first value as initial level (it takes no series of one
    value: that value is then the level, as SES defines)."""
    if len(y) == 1:
        return float(y[0])
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")  # its information criteria take the log of a zero error
        fit = SimpleExpSmoothing(y, initialization_method="known", initial_level=y[0]).fit(
            smoothing_level=alpha, optimized=False
        )
        return float(fit.forecast(1)[0])


@pytest.mark.parametrize("alpha", [0.05, 0.2, 0.5, 1.0])
def test_ses_equals_statsmodels(alpha):
    values = _count_series()
    ours = methods.ses_levels(values, alpha)[:, -1]
    theirs = np.array([_statsmodels_ses(y, alpha) for y in values])
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    # the states read at an origin are the fit on the periods before it
    keep = np.array([9, 19])
    at = methods.ses_levels(values, alpha, keep=keep)
    np.testing.assert_allclose(at[:, 0], [_statsmodels_ses(y[:10], alpha) for y in values], rtol=1e-10)


@pytest.mark.parametrize(("alpha_p", "alpha_d"), [(0.1, 0.3), (0.5, 0.05)])
def test_tsb_equals_two_statsmodels_ses(alpha_p, alpha_d):
    """TSB is SES of the order indicator times SES of the non-zero sizes (Teunter et al. 2011)."""
    values = _count_series(seed=1)
    probability, size = methods.tsb_parts(values, alpha_p, alpha_d)
    for y, p, d in zip(values, probability[:, -1], size[:, -1]):
        indicator = (y > 0).astype(float)
        assert p == pytest.approx(_statsmodels_ses(indicator, alpha_p), abs=1e-12)
        sizes = y[y > 0]
        assert d == pytest.approx(_statsmodels_ses(sizes, alpha_d) if len(sizes) else 0.0, abs=1e-12)


def test_pooled_es_of_a_single_grid_is_the_library_fit_of_its_series():
    """A class case with one grid: its share is 1, so its forecast is statsmodels' exponential smoothing
    of its own series, the variant with the lower AICc."""
    sim = simulate(n_grids=1, n_classes=1, n_months=36, seed=5, mean_rate=40.0)
    y = sim.counts[0]
    series = PeriodSeries(
        sim.counts, sim.grid_codes, sim.class_codes, pd.date_range("2022-01-01", periods=36, freq="MS"), "month",
        pd.DataFrame(),
    )  # fmt: skip
    result = forecast_series(series, ForecastRequest(horizon=4, models=("pooled_es",), per_grid=False))
    fits = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for trend in (None, "add"):
            fit = ExponentialSmoothing(
                y, trend=trend, damped_trend=trend is not None, seasonal="mul", seasonal_periods=12,
                initialization_method="estimated",
            ).fit(use_brute=False)  # fmt: skip
            fits.append((fit.aicc, fit.forecast(4)))
    expected = min(fits, key=lambda f: f[0])[1]
    np.testing.assert_allclose(result.mean[0], expected, rtol=1e-8)
    assert result.model[0] == "pooled_es"


def test_class_fit_falls_back_where_the_library_cannot_fit():
    assert fit_total(np.zeros(30), 12, 3).forecast.tolist() == [0.0, 0.0, 0.0]
    assert fit_total(np.array([2.0, 4.0]), 12, 2).forecast.tolist() == [3.0, 3.0]
    short = fit_total(np.array([5.0, 0.0, 3.0, 4.0, 6.0, 2.0, 0.0, 5.0, 4.0, 3.0, 6.0]), 12, 2)  # < 2 seasons
    assert "no season" in short.variant and np.all(short.forecast >= 0)


def test_seasonal_factors_are_the_library_decomposition():
    from statsmodels.tsa.seasonal import seasonal_decompose

    total = simulate(n_grids=300, n_classes=1, n_months=36, seed=2).counts.sum(axis=0)
    np.testing.assert_allclose(
        seasonal_factors(total, 12), seasonal_decompose(total, model="multiplicative", period=12).seasonal
    )
    assert seasonal_factors(total[:20], 12).tolist() == [1.0] * 20


@pytest.mark.parametrize("model", ["ses", "tsb"])
def test_the_engines_forecasts_are_the_librarys(model):
    """The whole engine with one model and one α: every grid's forecast is statsmodels' SES of its
    counts (ses), or of its order indicator times that of its sizes (tsb)."""
    values = _count_series(n=30, length=30, seed=3)
    series = PeriodSeries(
        values,
        np.array([f"G{i}" for i in range(30)], dtype=object),
        np.array(["x"], dtype=object),
        pd.date_range("2022-01-01", periods=30, freq="MS"),
        "month",
        pd.DataFrame(),
    )
    result = forecast_series(series, ForecastRequest(horizon=2, models=(model,), alphas=(0.3,), per_grid=False))
    for y, got in zip(values, result.mean[:, 0]):
        if model == "ses":
            expected = _statsmodels_ses(y, 0.3)
        else:
            sizes = y[y > 0]
            expected = _statsmodels_ses((y > 0).astype(float), 0.3) * (
                _statsmodels_ses(sizes, 0.3) if len(sizes) else 0
            )
        assert got == pytest.approx(expected, abs=1e-10)
