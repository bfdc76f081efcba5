"""The per-grid forecasting recursions, each over all series at once (rows: series, columns: periods).

These are the library models' own recursions, written as array operations because one library call
per series (100,000 series) would take hours; the tests hold each to the libraries' results for the
same parameters (statsforecast ``SeasonalNaive``, ``SimpleExponentialSmoothing`` and ``TSB``;
statsmodels ``SimpleExpSmoothing``):

- seasonal naive: the value one season before;
- simple exponential smoothing (SES): level ``l_t = α y_t + (1 − α) l_{t−1}``, started at the first
  value, flat forecast;
- TSB (Teunter, Syntetos & Babai 2011), for counts that are often zero: SES of the demand probability
  (1 where a period has an order) times SES of the demand size (the non-zero counts only), flat;
- grid share: SES of each grid's share of its class case's total (``pooled_es``: the total is
  forecast by the library, ``library.fit_total``, and shared out by these shares; the grids'
  forecasts add up to the class case's).

Every function returns the state after each period, so one pass serves every backtest origin: the
forecast from origin ``o`` (the periods before it known) reads the state at ``o − 1``.
"""

from __future__ import annotations

import numpy as np


def ses_levels(
    values: np.ndarray, alpha: float, init: np.ndarray | None = None, keep: np.ndarray | None = None
) -> np.ndarray:
    """SES level after each period (series × periods), or after the periods ``keep`` only (series ×
    len(keep): what the backtest origins and the forecast read, without a full matrix per parameter).

    NaN values leave the level as it is; a level not started yet (no ``init``, or NaN in it) starts at
    the first value seen, as statsforecast's and statsmodels' SES with the first value as initial level.
    """
    # periods × series, contiguous: each step reads and writes one row instead of a strided column
    rows = np.ascontiguousarray(np.asarray(values, dtype=float).T)
    n_periods, n_series = rows.shape
    keep = np.arange(n_periods) if keep is None else np.asarray(keep, dtype=np.int64)
    slot = np.full(n_periods, -1)
    slot[keep] = np.arange(len(keep))
    out = np.empty((len(keep), n_series))
    level = np.full(n_series, np.nan) if init is None else np.array(init, dtype=float, copy=True)
    gaps = bool(np.isnan(rows).any())
    change = np.empty(n_series)
    for t in range(n_periods):
        value = rows[t]
        if gaps or np.isnan(level).any():
            known = ~np.isnan(value)
            started = ~np.isnan(level)
            level = np.where(known & started, level + alpha * (value - level), np.where(known, value, level))
        else:  # the common case, in place: level += α (value − level)
            np.subtract(value, level, out=change)
            change *= alpha
            level += change
        if slot[t] >= 0:
            out[slot[t]] = level
    return out.T


def tsb_parts(
    values: np.ndarray, alpha_p: float, alpha_d: float, keep: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """TSB's probability level and demand-size level after each period (or the periods ``keep``); the
    size is 0 before the first demand, where statsforecast forecasts 0 too."""
    values = np.asarray(values, dtype=float)
    probability = ses_levels((values > 0).astype(float), alpha_p, keep=keep)
    size = ses_levels(np.where(values > 0, values, np.nan), alpha_d, keep=keep)
    return probability, np.nan_to_num(size, nan=0.0)


def states_at(states: np.ndarray, origins: np.ndarray) -> np.ndarray:
    """The state (series × origins) known at each origin: after period ``origin − 1``."""
    return states[:, np.asarray(origins, dtype=np.int64) - 1]


def seasonal_naive(values: np.ndarray, origins: np.ndarray, steps: int, season: int) -> np.ndarray:
    """Seasonal naive forecasts (series × origins × steps): step ``h`` from origin ``o`` is the value
    at ``o − season + (h − 1) mod season``. Each origin needs a season before it."""
    origins = np.asarray(origins, dtype=np.int64)
    columns = origins[:, None] - season + (np.arange(steps)[None, :] % season)
    if columns.size and columns.min() < 0:
        raise ValueError("the seasonal naive forecast needs a full season before each origin")
    return values[:, columns]


def naive(values: np.ndarray, origins: np.ndarray, steps: int) -> np.ndarray:
    """Naive forecasts (series × origins × steps): the last value before each origin."""
    last = values[:, np.asarray(origins, dtype=np.int64) - 1]
    return np.repeat(last[:, :, None], steps, axis=2)


def flat(states: np.ndarray, origins: np.ndarray, steps: int) -> np.ndarray:
    """Flat forecasts (series × origins × steps) from a state after each period (SES, TSB)."""
    return np.repeat(states_at(states, origins)[:, :, None], steps, axis=2)


def shares(values: np.ndarray, series_class: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Each series' share of its class case's total per period (NaN where the total is zero)."""
    class_totals = totals[series_class]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(class_totals > 0, values / np.where(class_totals > 0, class_totals, 1.0), np.nan)


def share_levels(share: np.ndarray, alpha: float, warmup: int, keep: np.ndarray | None = None) -> np.ndarray:
    """SES of the shares (after each period, or the periods ``keep``), started at each series' mean
    share over the first ``warmup`` periods (a single month's share of a quiet grid is mostly 0 or a
    spike: a poor start)."""
    warmup = max(1, min(warmup, share.shape[1]))
    with np.errstate(invalid="ignore"):
        known = np.isfinite(share[:, :warmup])
        count = known.sum(axis=1)
        init = np.where(count > 0, np.where(known, share[:, :warmup], 0.0).sum(axis=1) / np.maximum(count, 1), np.nan)
    return ses_levels(share, alpha, init, keep)
