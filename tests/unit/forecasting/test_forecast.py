"""Forecasts per grid × class case: the table, accuracy against the seasonal naive and interval
coverage on held-back months of simulated series, and the edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gridgov.grid_ops.forecasting import ForecastRequest, forecast
from gridgov.grid_ops.forecasting.engine import backtest_origins, forecast_series
from gridgov.grid_ops.forecasting.library import fit_total
from gridgov.grid_ops.forecasting.request import MODELS
from gridgov.grid_ops.forecasting.series import PeriodSeries

from .simulation import simulate

COLUMNS = [
    "grid_code",
    "class_code",
    "period",
    "step",
    "forecast",
    "lo",
    "hi",
    "model",
    "backtest_error",
    "snaive_error",
]


def _series(counts: np.ndarray, grid_codes, class_codes, start: str = "2022-01-01") -> PeriodSeries:
    periods = pd.date_range(start, periods=counts.shape[1], freq="MS")
    return PeriodSeries(counts, np.asarray(grid_codes, dtype=object), np.asarray(class_codes, dtype=object), periods,
                        "month", pd.DataFrame())  # fmt: skip


def _held_back(sim, months: int, horizon: int, request: ForecastRequest | None = None):
    """Forecast from the first ``months`` months; the truth is the next ``horizon``."""
    series = _series(sim.counts[:, :months], sim.grid_codes, sim.class_codes)
    result = forecast_series(series, request or ForecastRequest(horizon=horizon))
    return result, sim.counts[:, months : months + horizon]


def test_the_table_from_orders():
    sim = simulate(n_grids=60, n_classes=2, n_months=36, seed=1, mean_rate=2.0)
    orders = sim.orders(np.random.default_rng(0))
    grids = [*sim.grid_codes, "NO_ORDERS"]
    result = forecast(orders, ForecastRequest(horizon=4), grids=grids)
    table = result.forecasts
    assert list(table.columns) == COLUMNS
    assert len(table) == len(grids) * 2 * 4
    assert list(table.period.iloc[:4]) == ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]
    assert list(table.step.iloc[:4]) == [1, 2, 3, 4]
    assert set(table.model) <= set(MODELS)
    assert (table.lo >= 0).all() and (table.lo <= table.hi).all() and (table.forecast >= 0).all()
    assert (table.lo == table.lo.round()).all() and (table.hi == table.hi.round()).all()
    quiet = table[table.grid_code == "NO_ORDERS"]
    assert len(quiet) == 8 and (quiet.forecast == 0).all() and (quiet.hi <= 1).all()
    assert quiet.backtest_error.isna().all()  # no variation to scale by: no MASE
    assert set(result.models.columns) >= {"class_code", "model", "params", "score", "backtest_coverage"}
    # holdout = horizon = 4; each origin has two seasons before it
    assert result.facts["origins"] == ["2024-01-01", "2024-05-01", "2024-09-01"]


@pytest.mark.parametrize(("dispersion", "mean_rate", "seed"), [(0.0, 1.5, 11), (0.25, 3.0, 12)])
def test_forecasts_beat_the_seasonal_naive_on_most_series_with_an_order_a_month(dispersion, mean_rate, seed):
    """MASE on 12 held-back months (scale: in-sample seasonal naive), series with ≥ 1 order a month."""
    sim = simulate(n_grids=800, n_classes=2, n_months=48, seed=seed, dispersion=dispersion, mean_rate=mean_rate)
    result, truth = _held_back(sim, 36, 12)
    history = sim.counts[:, :36]
    scale = np.abs(history[:, 12:] - history[:, :-12]).mean(axis=1)
    busy = (history.mean(axis=1) >= 1) & (scale > 0)
    ours = np.abs(truth[busy] - result.mean[busy]).mean(axis=1) / scale[busy]
    naive = np.abs(truth[busy] - history[busy, -12:]).mean(axis=1) / scale[busy]
    assert busy.sum() > 200
    assert np.mean(ours < naive) > 0.6  # the issue asks for more than half


@pytest.mark.parametrize(("dispersion", "mean_rate", "seed"), [(0.0, 1.0, 21), (0.3, 2.0, 22), (0.1, 8.0, 23)])
def test_intervals_hold_their_coverage_on_held_back_months(dispersion, mean_rate, seed):
    sim = simulate(n_grids=800, n_classes=2, n_months=42, seed=seed, dispersion=dispersion, mean_rate=mean_rate)
    result, truth = _held_back(sim, 36, 6)
    inside = (truth >= result.lower) & (truth <= result.upper)
    assert inside.mean() >= 0.88  # nominal 90%
    assert (truth > result.upper).mean() <= 0.065  # the upper tail: nominal 5%
    assert (result.models.backtest_coverage >= 0.9).all()  # calibrated to hold on the backtest


def test_pooled_forecasts_add_up_to_the_class_total_forecast():
    sim = simulate(n_grids=300, n_classes=1, n_months=36, seed=4, mean_rate=2.0)
    series = _series(sim.counts, sim.grid_codes, sim.class_codes)
    result = forecast_series(series, ForecastRequest(horizon=3, models=("pooled_es",), per_grid=False))
    np.testing.assert_allclose(result.mean.sum(axis=0), fit_total(sim.counts.sum(axis=0), 12, 3).forecast, rtol=1e-9)


def test_a_dense_grid_with_its_own_season_gets_its_own_model():
    """200 quiet grids peak in January; one busy grid peaks in July: the class case's pooled season is
    wrong for it, and its own backtest says so in every window."""
    months = np.arange(42)
    rng = np.random.default_rng(5)
    quiet = rng.poisson(np.full((200, 1), 1.0) * (1 + 0.6 * np.cos(2 * np.pi * months / 12)))
    busy = rng.poisson(30 * (1 + 0.8 * np.cos(2 * np.pi * (months - 6) / 12)))
    counts = np.vstack([quiet, busy[None, :]]).astype(float)
    codes = [f"G{i:03d}" for i in range(201)]
    series = _series(counts[:, :36], codes, ["heat"])
    result = forecast_series(series, ForecastRequest(horizon=6))
    assert result.model[-1] != result.models.model.iloc[0]
    assert result.facts["grid_models"] >= 1
    without = forecast_series(series, ForecastRequest(horizon=6, per_grid=False))
    truth = counts[-1, 36:42]
    assert np.abs(truth - result.mean[-1]).mean() < np.abs(truth - without.mean[-1]).mean()


def test_all_zero_class_and_no_orders_grid():
    counts = np.zeros((6, 24))
    counts[:3] = np.random.default_rng(6).poisson(2.0, (3, 24))
    result = forecast_series(_series(counts, ["A", "B", "C"], ["busy", "never"]), ForecastRequest(horizon=2))
    never = result.forecasts[result.forecasts.class_code == "never"]
    assert (never.forecast == 0).all() and (never.lo == 0).all() and (never.hi == 0).all()
    assert np.isfinite(result.mean).all()


def test_one_period_forecasts_without_a_backtest():
    result = forecast_series(_series(np.array([[3.0], [0.0]]), ["A", "B"], ["x"]), ForecastRequest(horizon=2))
    table = result.forecasts
    assert list(table.forecast) == [3.0, 3.0, 0.0, 0.0]
    assert (table.model == "ses").all() and table.backtest_error.isna().all()
    assert (table.hi.iloc[:2] >= 3).all() and (table.lo <= table.forecast).all()
    assert result.facts["origins"] == []


def test_short_history_drops_the_seasonal_naive():
    sim = simulate(n_grids=50, n_classes=1, n_months=14, seed=7, mean_rate=3.0)
    request = ForecastRequest(horizon=3)
    assert list(backtest_origins(14, request)) == [5, 8, 11]  # 14 − 3 < 12: an origin needs 3 periods
    assert list(backtest_origins(16, request)) == [13]  # 16 − 3 ≥ 12: a season
    assert list(backtest_origins(36, request)) == [27, 30, 33]  # two seasons
    result = forecast_series(_series(sim.counts, sim.grid_codes, sim.class_codes), request)
    assert "score_snaive" not in result.models.columns
    assert result.forecasts.snaive_error.isna().all()
    assert np.isfinite(result.mean).all()


def test_weeks():
    rng = np.random.default_rng(8)
    days = pd.Timestamp("2023-01-02") + pd.to_timedelta(rng.integers(0, 2 * 364, 6000), unit="D")
    orders = pd.DataFrame({"grid_code": rng.choice(["A", "B", "C"], 6000), "class_code": "noise", "reported_at": days})
    result = forecast(orders, ForecastRequest(period="week", horizon=4))
    assert result.series.counts.shape == (3, 104)
    assert list(result.forecasts.period.iloc[:4]) == ["2024-12-30", "2025-01-06", "2025-01-13", "2025-01-20"]
    assert pd.to_datetime(result.forecasts.period).dt.day_of_week.eq(0).all()


def test_bad_requests_say_which_field():
    for request, field in [
        (ForecastRequest(horizon=0), "horizon"),
        (ForecastRequest(level=120), "level"),
        (ForecastRequest(models=("arima",)), "models"),
        (ForecastRequest(alphas=(0.0,)), "alphas"),
    ]:
        with pytest.raises(ValueError, match=field):
            request.validate()
