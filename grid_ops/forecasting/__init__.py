"""Forecasting and early warning of class cases per grid (``gridgov:forecast``, ``gridgov:earlywarning``):
dense counts per grid × class case × week or month (``series``), a rolling-origin backtest that picks
one model and its parameters per class case (per grid only where its history is long and dense),
forecasts with count intervals calibrated on that backtest (``engine``), and the early-warning
tables: latest-period surges, trend turns (苗头性问题) and the season-ahead list (冬病夏治) (``warning``).

The models are the forecasting library's (statsmodels, an optional dependency imported only when a
forecast runs): the library fits each class case's total series, and the per-grid recursions it
defines (seasonal naive, simple exponential smoothing, TSB) run as array operations over all grids
at once, so 100,000 series take seconds, not the hours of one library fit per series. Tests hold
those recursions to statsforecast's and statsmodels' own results.

May import: ``runtime``, ``orders``.
"""

from __future__ import annotations

from gridgov.grid_ops.forecasting.engine import ForecastResult, forecast, forecast_series
from gridgov.grid_ops.forecasting.request import EarlyWarningRequest, ForecastRequest
from gridgov.grid_ops.forecasting.series import PeriodSeries, period_series
from gridgov.grid_ops.forecasting.warning import (
    EarlyWarningResult,
    early_warning,
    early_warning_series,
    season_ahead,
    trend_turns,
)

__all__ = [
    "EarlyWarningRequest",
    "EarlyWarningResult",
    "ForecastRequest",
    "ForecastResult",
    "PeriodSeries",
    "early_warning",
    "early_warning_series",
    "forecast",
    "forecast_series",
    "period_series",
    "season_ahead",
    "trend_turns",
]
