"""The forecasting library (statsmodels): imported only here and only when a forecast runs, so the
plugin loads without it and only forecasting asks for it.

The library fits what it fits best, one dense series per class case (the class case's total over
all grids): exponential smoothing with a multiplicative or additive season and an optional damped
trend, the variant chosen by AICc, and the seasonal factors of a classical decomposition. The
per-grid models are shared out from these fits in ``methods.py``.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from gridgov.grid_ops.runtime.deps import PACKAGES

MODULE = "statsmodels"


def require_statsmodels():
    """The statsmodels package, or an ImportError naming it (``runtime.deps.missing_module_in`` finds
    it, so the plugin offers the install)."""
    try:
        import statsmodels
        from statsmodels.tsa.holtwinters import ExponentialSmoothing  # noqa: F401  (the part used)
    except ImportError as exc:
        package = PACKAGES.get(MODULE)
        requirement = package.requirement if package else MODULE
        error = ImportError(f"forecasting needs the Python package statsmodels: pip install {requirement}")
        error.name = MODULE
        raise error from exc
    return statsmodels


def library_version() -> str:
    """The statsmodels version in use ('' where absent)."""
    try:
        return require_statsmodels().__version__
    except ImportError:
        return ""


@dataclass(frozen=True)
class ClassFit:
    """One class case's total series fitted: the forecast of the next periods and which variant."""

    forecast: np.ndarray
    variant: str


def fit_total(total: np.ndarray, season: int, horizon: int) -> ClassFit:
    """Exponential smoothing of one class case's total (statsmodels ``ExponentialSmoothing``,
    parameters and initial states estimated), the variant with the lowest AICc among: no trend or a
    damped additive trend, times a multiplicative season (all totals positive) or an additive one
    (some zero). With fewer than two seasons (seasonal starting values cannot be estimated) the level
    alone: a trend fitted there follows half a season down to zero. Short or empty series: their
    mean. Forecasts are clipped at zero."""
    total = np.asarray(total, dtype=float)
    n = len(total)
    if n == 0 or not np.any(total > 0):
        return ClassFit(np.zeros(horizon), "zero")
    if n < 4:
        return ClassFit(np.full(horizon, total.mean()), "mean")
    require_statsmodels()
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    seasonal = None
    if n >= 2 * season:
        seasonal = "mul" if np.all(total > 0) else "add"
    best: tuple[float, np.ndarray, str] | None = None
    for trend in (None, "add"):
        if trend is not None and seasonal is None:
            continue  # a trend fitted to less than two seasons follows the season down (or up) to nonsense
        try:
            with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
                # convergence chatter of the optimiser on short series; log(0) in the information
                # criteria of a series the model fits exactly (its AICc is then -inf: chosen, rightly)
                warnings.simplefilter("ignore")
                fit = ExponentialSmoothing(
                    total,
                    trend=trend,
                    damped_trend=trend is not None,
                    seasonal=seasonal,
                    seasonal_periods=season if seasonal else None,
                    initialization_method="estimated",
                ).fit(use_brute=False)  # the brute-force start grid costs 3× and changed no fit tried
                forecast = np.asarray(fit.forecast(horizon), dtype=float)
                score = float(fit.aicc)
        except (ValueError, IndexError, NotImplementedError, ZeroDivisionError, np.linalg.LinAlgError):
            continue
        if not np.all(np.isfinite(forecast)):
            continue
        if np.isnan(score):
            score = np.inf
        label = f"ES({'damped' if trend else 'no'} trend, {seasonal or 'no'} season)"
        if best is None or score < best[0]:
            best = (score, forecast, label)
    if best is None:
        return ClassFit(np.full(horizon, total[-min(n, season) :].mean()), "mean")
    return ClassFit(np.clip(best[1], 0.0, None), best[2])


@contextmanager
def one_blas_thread():
    """BLAS limited to one thread where threadpoolctl is there: the optimiser behind the fits (scipy's
    L-BFGS-B) calls BLAS on vectors of a dozen numbers, and OpenBLAS's threads made each fit 3 to 10
    times slower on a 2-core machine. Without threadpoolctl the fits are the same, only slower."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def seasonal_factors(total: np.ndarray, season: int) -> np.ndarray:
    """Multiplicative seasonal factor of each period of ``total`` (mean 1 over a season) from the
    library's classical decomposition (``seasonal_decompose``); ones where there are fewer than two
    seasons or a total is not positive."""
    total = np.asarray(total, dtype=float)
    if len(total) < 2 * season or not np.all(total > 0):
        return np.ones(len(total))
    require_statsmodels()
    from statsmodels.tsa.seasonal import seasonal_decompose

    factors = np.asarray(seasonal_decompose(total, model="multiplicative", period=season).seasonal, dtype=float)
    return np.where(np.isfinite(factors) & (factors > 0), factors, 1.0)
