"""Forecasts per grid × class case: a model chosen by rolling-origin backtest, count intervals
calibrated on the same backtest.

The candidates (``request.models``):

- ``snaive``: seasonal naive, the value one season before (also the yardstick of every score);
- ``ses``: simple exponential smoothing of the grid's counts;
- ``tsb``: TSB, for intermittent counts (smoothed probability of an order × smoothed size);
- ``pooled_es``: exponential smoothing with seasonality pooled over the class case: the library fits
  the class case's total (season, damped trend, chosen by AICc) and each grid gets its smoothed share.
  Seasonality estimated from one grid's sparse counts is mostly noise; from the total of a whole
  class case it is not.

Why the choice is per class case: on real complaint series, picking a model per series by one short
backtest did worse than one good model everywhere. So each class case gets the one model (and
smoothing parameters) with the best score over all its grids and every backtest window: the
geometric mean over its grids of (RMSE + 0.1) / (seasonal naive RMSE + 0.1), the 0.1 orders keeping
quiet grids from deciding by chance (RMSE, not MAE: see ``_score_error``). A grid gets its own
model only where its history is long and dense (``request.dense_periods``, ``dense_mean``, no empty
period) and its own model's backtest MAE beats its class case's model's by ``request.grid_margin``
in every backtest window.

Intervals: see ``intervals.py``; calibrated per class case × band of forecast size over all the
backtest's steps (per step too, the groups got small enough to fit noise: a 6-month horizon on 800
grids gave dispersions from 0 to 10 between neighbouring steps).

Every row reports its model and ``backtest_error``: MASE over the backtest windows, scaled by the
in-sample MAE of the seasonal naive one-step forecast before the earliest origin (Hyndman & Koehler
2006; the non-seasonal naive where that history is shorter than a season), with ``snaive_error``, the
seasonal naive forecast's MASE over the same windows, beside it.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gridgov.grid_ops.forecasting import intervals, methods
from gridgov.grid_ops.forecasting.library import fit_total, library_version, one_blas_thread, require_statsmodels
from gridgov.grid_ops.forecasting.request import ForecastRequest
from gridgov.grid_ops.forecasting.series import PeriodSeries, period_index, period_series, period_starts
from gridgov.grid_ops.schema import (
    BACKTEST_ERROR,
    CLASS_CODE,
    FORECAST,
    GRID_CODE,
    HI,
    LO,
    MODEL,
    PERIOD,
    SNAIVE_ERROR,
    STEP,
)

#: Orders per period added to both MAEs of a score (quiet grids do not decide by chance).
SCORE_EPSILON = 0.1
FALLBACK_MODEL = "ses"


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """A forecast: ``forecasts`` (a row per grid × class case × future period), ``models`` (a row per
    class case: the model, its parameters, the backtest's score and coverage), the counted ``series``
    and ``facts``; the arrays behind the table (series × step) for the early warning."""

    forecasts: pd.DataFrame
    models: pd.DataFrame
    series: PeriodSeries
    facts: dict
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    dispersion: np.ndarray
    lower_tail: np.ndarray
    upper_tail: np.ndarray
    model: np.ndarray
    backtest_error: np.ndarray
    level: float
    dispersion_table: dict = field(default_factory=dict)

    @property
    def problems(self) -> pd.DataFrame:
        """The order rows not counted, with the reason."""
        return self.series.problems


def forecast(
    orders: pd.DataFrame,
    request: ForecastRequest | None = None,
    grids=None,
    classes=None,
) -> ForecastResult:
    """Forecast every grid × class case of ``orders`` (``period_series`` counts them: ``grids`` and
    ``classes`` as there) for ``request.horizon`` periods after the last."""
    request = request or ForecastRequest()
    return forecast_series(period_series(orders, request, grids, classes), request)


def backtest_origins(n_periods: int, request: ForecastRequest) -> np.ndarray:
    """The backtest origins, earliest first: ``T − holdout − k × step`` with enough history before."""
    window = request.window()
    step = int(request.step or window)
    origins = [n_periods - window - k * step for k in range(int(request.windows))]
    least = request.history(n_periods)
    return np.array(sorted(o for o in origins if o >= least), dtype=np.int64)


class _Candidates:
    """The candidate models' forecasts over the series, for the backtest origins (series × origins ×
    steps) and after the last period (series × horizon), one configuration at a time."""

    def __init__(self, series: PeriodSeries, request: ForecastRequest, origins: np.ndarray):
        self.values = series.counts
        self.request = request
        self.origins = origins
        self.season = request.season()
        self.window = request.window()
        self.horizon = int(request.horizon)
        self.n_periods = self.values.shape[1]
        self.series_class = series.series_class()
        self.totals = self.values.reshape(series.n_classes, series.n_grids, self.n_periods).sum(axis=1)
        self._class_forecasts: np.ndarray | None = None
        self._final_class: np.ndarray | None = None
        self._shares: np.ndarray | None = None
        self._class_variants: list[str] = []
        self._cache: dict[tuple, np.ndarray] = {}

    def available(self) -> list[str]:
        out = []
        for name in self.request.models:
            if name == "snaive" and (
                self.n_periods < self.season or (len(self.origins) and self.origins.min() < self.season)
            ):
                continue
            out.append(name)
        return out or [FALLBACK_MODEL]

    def configs(self, name: str) -> list[tuple]:
        alphas = tuple(float(a) for a in self.request.alphas)
        if name == "snaive":
            return [()]
        if name == "tsb":
            return list(itertools.product(alphas, alphas))  # (probability α, size α)
        return [(a,) for a in alphas]

    # the class case totals, fitted by the library once per origin ------------------------------------
    def class_forecasts(self) -> tuple[np.ndarray, np.ndarray]:
        """(classes × origins × window, classes × horizon): the library's forecasts of each total."""
        if self._class_forecasts is None:
            n_classes = self.totals.shape[0]
            backtest = np.zeros((n_classes, len(self.origins), self.window))
            final = np.zeros((n_classes, self.horizon))
            variants = []
            with one_blas_thread():
                for c in range(n_classes):
                    for k, origin in enumerate(self.origins):
                        backtest[c, k] = fit_total(self.totals[c, :origin], self.season, self.window).forecast
                    fit = fit_total(self.totals[c], self.season, self.horizon)
                    final[c] = fit.forecast
                    variants.append(fit.variant)
            self._class_forecasts, self._final_class, self._class_variants = backtest, final, variants
        return self._class_forecasts, self._final_class

    def share_values(self) -> np.ndarray:
        if self._shares is None:
            self._shares = methods.shares(self.values, self.series_class, self.totals)
        return self._shares

    def _warmup(self) -> int:
        first = int(self.origins.min()) if len(self.origins) else self.n_periods
        return max(1, min(self.season, first))

    # forecasts of one configuration ------------------------------------------------------------------
    def _keep(self) -> np.ndarray:
        """The periods whose states are read: before each origin, and the last."""
        return np.append(self.origins - 1, self.n_periods - 1)

    def _ses(self, values_name: str, alpha: float) -> np.ndarray:
        """SES states (series × (origins + 1)) of the counts, the order indicator, the sizes or the
        shares, for one α (each computed once and shared by the configurations that use it)."""
        key = (values_name, alpha)
        if key not in self._cache:
            keep = self._keep()
            if values_name == "counts":
                out = methods.ses_levels(self.values, alpha, keep=keep)
            elif values_name == "probability":
                out = methods.ses_levels((self.values > 0).astype(float), alpha, keep=keep)
            elif values_name == "size":
                out = np.nan_to_num(
                    methods.ses_levels(np.where(self.values > 0, self.values, np.nan), alpha, keep=keep)
                )
            else:
                out = np.nan_to_num(methods.share_levels(self.share_values(), alpha, self._warmup(), keep), nan=0.0)
            self._cache[key] = out
        return self._cache[key]

    def states(self, name: str, config: tuple) -> np.ndarray:
        """The flat models' state (series × (origins + 1)) before each origin and after the last period."""
        if name == "ses":
            return self._ses("counts", config[0])
        if name == "tsb":
            return self._ses("probability", config[0]) * self._ses("size", config[1])
        return self._ses("shares", config[0])

    def backtest(self, name: str, config: tuple) -> np.ndarray:
        """Forecasts (series × origins × window) from each backtest origin."""
        if name == "snaive":
            return methods.seasonal_naive(self.values, self.origins, self.window, self.season)
        if name == "naive":
            return methods.naive(self.values, self.origins, self.window)
        state = self.states(name, config)[:, : len(self.origins)]
        out = np.repeat(state[:, :, None], self.window, axis=2)
        if name == "pooled_es":
            out = out * self.class_forecasts()[0][self.series_class]
        return out

    def final(self, name: str, config: tuple, rows: np.ndarray) -> np.ndarray:
        """Forecasts (rows × horizon) after the last period for the series ``rows``."""
        last = np.array([self.n_periods], dtype=np.int64)
        if name == "snaive":
            return methods.seasonal_naive(self.values[rows], last, self.horizon, self.season)[:, 0, :]
        if name == "naive":
            return methods.naive(self.values[rows], last, self.horizon)[:, 0, :]
        level = self.states(name, config)[rows, -1]
        out = np.repeat(level[:, None], self.horizon, axis=1)
        if name == "pooled_es":
            out = out * self.class_forecasts()[1][self.series_class[rows]]
        return out

    def class_variants(self) -> list[str]:
        self.class_forecasts()
        return self._class_variants


def _score_error(actual: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Each series' backtest RMSE, what the model choice compares. Not the MAE: for counts that are
    mostly zero the MAE is smallest for a forecast of zero (the median), so choosing by it drags the
    smoothing towards forgetting every order and biases the means the intervals and alerts rest on.
    On simulated seasonal counts the RMSE choice beat the seasonal naive by MASE more often too."""
    return np.sqrt(((actual - predicted) ** 2).mean(axis=(1, 2)))


def _class_scores(ratio_log: np.ndarray, series_class: np.ndarray, n_classes: int) -> np.ndarray:
    """Per class case: the geometric mean of its series' error ratios (given as logarithms)."""
    total = np.bincount(series_class, weights=ratio_log, minlength=n_classes)
    count = np.bincount(series_class, minlength=n_classes)
    return np.exp(total / np.maximum(count, 1))


def _mase_scale(values: np.ndarray, origin: int, season: int) -> np.ndarray:
    """In-sample MAE of the (seasonal) naive one-step forecast before ``origin`` (NaN where none)."""
    lag = season if origin > season else 1
    if origin <= lag:
        return np.full(values.shape[0], np.nan)
    return np.abs(values[:, lag:origin] - values[:, : origin - lag]).mean(axis=1)


def forecast_series(series: PeriodSeries, request: ForecastRequest | None = None) -> ForecastResult:
    """Forecast every series of ``series`` (see the module docstring for the model choice)."""
    request = request or ForecastRequest()
    request.validate()
    started = time.perf_counter()
    if "pooled_es" in request.models:
        require_statsmodels()
    values = series.counts
    n_series, n_periods = values.shape
    n_classes = series.n_classes
    series_class = series.series_class()
    origins = backtest_origins(n_periods, request)
    candidates = _Candidates(series, request, origins)
    available = candidates.available()
    window, horizon, season = request.window(), int(request.horizon), request.season()
    level = float(request.level) / 100.0
    snaive_ok = bool(len(origins)) and n_periods >= season and int(origins.min()) >= season

    chosen_config: dict[str, list[tuple]] = {}  # model → config per class case
    class_score: dict[str, np.ndarray] = {}
    series_mae: dict[str, np.ndarray] = {}
    backtests: dict[str, np.ndarray] = {}
    if len(origins):
        columns = origins[:, None] + np.arange(window)[None, :]
        actual = values[:, columns]  # series × origins × steps
        baseline = _score_error(actual, candidates.backtest("snaive" if snaive_ok else "naive", ()))
        for name in available:
            best_score = np.full(n_classes, np.inf)
            best_config: list[tuple] = [()] * n_classes
            best_mae = np.full(n_series, np.nan)
            best_backtest = np.zeros_like(actual)
            for config in candidates.configs(name):
                predicted = candidates.backtest(name, config)
                mae = np.abs(actual - predicted).mean(axis=(1, 2))
                ratio = np.log((_score_error(actual, predicted) + SCORE_EPSILON) / (baseline + SCORE_EPSILON))
                score = _class_scores(ratio, series_class, n_classes)
                better = score < best_score - 1e-12
                for c in np.flatnonzero(better):
                    best_score[c], best_config[c] = score[c], config
                rows = better[series_class]
                best_mae[rows] = mae[rows]
                best_backtest[rows] = predicted[rows]
            chosen_config[name], class_score[name] = best_config, best_score
            series_mae[name], backtests[name] = best_mae, best_backtest
        scores = np.vstack([class_score[name] for name in available])  # models × classes
        class_model = np.argmin(scores, axis=0)  # first of equal scores: the order of request.models
    else:
        actual = np.zeros((n_series, 0, window))
        fallback = FALLBACK_MODEL if FALLBACK_MODEL in available else available[0]
        available = [fallback]
        middle = tuple(float(a) for a in request.alphas)[len(request.alphas) // 2]
        chosen_config[fallback] = [() if fallback == "snaive" else (middle, middle)[: 2 if fallback == "tsb" else 1]]
        chosen_config[fallback] *= n_classes
        class_model = np.zeros(n_classes, dtype=np.int64)

    # each series' model: its class case's, or its own where its history is long and dense
    model_of = class_model[series_class].copy()
    overridden = np.zeros(n_series, dtype=bool)
    if len(origins) and request.per_grid and n_periods >= int(request.dense_periods) and len(available) > 1:
        recent = values[:, n_periods - int(request.dense_periods) :]
        dense = (recent.mean(axis=1) >= float(request.dense_mean)) & (recent.min(axis=1) > 0)
        rows = np.flatnonzero(dense)
        if len(rows):
            # the MAE of each window (models × dense series × origins): a grid's own model must beat
            # its class case's by the margin in every window, not on average (one lucky window)
            windows = np.stack([np.abs(actual[rows] - backtests[name][rows]).mean(axis=2) for name in available])
            own = np.argmin(np.stack([series_mae[name][rows] for name in available]), axis=0)
            pick = np.arange(len(rows))
            current = windows[model_of[rows], pick]
            better = windows[own, pick] < (1.0 - float(request.grid_margin)) * current
            switch = better.all(axis=1) & (own != model_of[rows])
            model_of[rows[switch]] = own[switch]
            overridden[rows[switch]] = True

    # the chosen forecasts: backtest (for the intervals and the errors) and after the last period
    mean = np.zeros((n_series, horizon))
    chosen_backtest = np.zeros_like(actual)
    chosen_mae = np.full(n_series, np.nan)
    for i, name in enumerate(available):
        for config in set(chosen_config[name]):
            classes = [c for c in range(n_classes) if chosen_config[name][c] == config]
            rows = np.flatnonzero((model_of == i) & np.isin(series_class, classes))
            if len(rows):
                mean[rows] = candidates.final(name, config, rows)
        rows = np.flatnonzero(model_of == i)
        if len(origins) and len(rows):
            chosen_backtest[rows] = backtests[name][rows]
            chosen_mae[rows] = series_mae[name][rows]
    mean = np.clip(mean, 0.0, None)

    # intervals: negative binomial, dispersion calibrated on the backtest per class case × band of forecast
    # size, the near-zero forecasts (band 0) apart from the rest first: a class × band with too few rows takes
    # its class's calibration of the same side, so a class's many near-zero rows (whose misses are zeros
    # and ones) never set the dispersion of its few busy grids (the demo district: a bound of 286 for 21)
    backtest_mean = np.clip(chosen_backtest, 0.0, None)
    if len(origins):
        rows_class = np.broadcast_to(series_class[:, None, None], actual.shape)
        table = intervals.calibrate(
            actual.ravel(),
            backtest_mean.ravel(),
            _calibration_keys(backtest_mean.ravel(), rows_class.ravel()),
            min(level, intervals.CALIBRATION_LEVEL),
            int(request.min_calibration_rows),
            float(request.max_dispersion),
            float(request.fallback_dispersion),
        )
    else:
        tail = (1.0 - level) / 2.0
        table = {(): intervals.Calibration(float(request.fallback_dispersion), tail, tail)}
    dispersion, lower_tail, upper_tail = (
        part.reshape(n_series, horizon)
        for part in intervals.lookup(table, _calibration_keys(mean.ravel(), np.repeat(series_class, horizon)))
    )
    if len(origins) and level > intervals.CALIBRATION_LEVEL:  # calibrated at 90 %, extended by the distribution
        lower_tail = lower_tail * (1.0 - level) / (1.0 - intervals.CALIBRATION_LEVEL)
        upper_tail = upper_tail * (1.0 - level) / (1.0 - intervals.CALIBRATION_LEVEL)
    lower = intervals.quantile(lower_tail, mean, dispersion)
    upper = intervals.quantile(1.0 - upper_tail, mean, dispersion)

    # errors: MASE against the in-sample seasonal naive
    scale = _mase_scale(values, int(origins.min()) if len(origins) else n_periods, season)
    snaive_error = np.full(n_series, np.nan)
    if snaive_ok:
        snaive_mae = series_mae.get("snaive")
        if snaive_mae is None:
            snaive_mae = np.abs(actual - candidates.backtest("snaive", ())).mean(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            snaive_error = np.where(scale > 0, snaive_mae / scale, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        backtest_error = np.where(scale > 0, chosen_mae / scale, np.nan)

    names = np.array(available, dtype=object)[model_of]
    last = int(period_index(np.array([series.periods[-1].to_datetime64()]), series.period)[0])
    future = np.asarray(period_starts(last + 1, last + horizon, series.period).strftime("%Y-%m-%d"), dtype=object)
    table_out = pd.DataFrame(
        {
            GRID_CODE: np.repeat(series.grid_codes[series.series_grid()], horizon),
            CLASS_CODE: np.repeat(series.class_codes[series_class], horizon),
            PERIOD: np.tile(future, n_series),
            STEP: np.tile(np.arange(1, horizon + 1), n_series),
            FORECAST: mean.ravel().round(4),
            LO: lower.ravel(),
            HI: upper.ravel(),
            MODEL: np.repeat(names, horizon),
            BACKTEST_ERROR: np.repeat(backtest_error, horizon).round(4),
            SNAIVE_ERROR: np.repeat(snaive_error, horizon).round(4),
        }
    )
    models = _models_table(
        series, request, available, class_model, chosen_config, class_score, overridden, candidates, origins, table
    )
    if len(origins):
        below, above = _backtest_misses(table, series_class, actual, backtest_mean)
        covered = ~(below | above)
        per_class = np.bincount(series_class, weights=covered.mean(axis=(1, 2)), minlength=n_classes)
        per_class /= np.maximum(np.bincount(series_class, minlength=n_classes), 1)
        models["backtest_coverage"] = per_class.round(4)
    facts = dict(series.facts)
    facts.update(
        {
            "origins": [series.periods[o].strftime("%Y-%m-%d") for o in origins],
            "library": f"statsmodels {library_version()}",
            "grid_models": int(overridden.sum()),
            "seconds": round(time.perf_counter() - started, 3),
        }
    )
    return ForecastResult(
        table_out,
        models,
        series,
        facts,
        mean,
        lower,
        upper,
        dispersion,
        lower_tail,
        upper_tail,
        names,
        backtest_error,
        float(request.level),
        table,
    )


def _calibration_keys(mean: np.ndarray, classes: np.ndarray) -> list[np.ndarray]:
    """The calibration groups of forecasts, coarsest first: near zero (band 0) or not, class case, band
    of forecast size. A group with too few backtest rows takes the coarser one of its side, so a class's
    many near-zero rows never set the dispersion of its few busy grids."""
    size = intervals.band(mean)
    return [size == 0, classes, size]


def _backtest_misses(
    table: dict, series_class: np.ndarray, actual: np.ndarray, backtest: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(below lo, above hi) of each backtest row (series × origins × steps) with the calibrated intervals."""
    shape = backtest.shape
    classes = np.broadcast_to(series_class[:, None, None], shape).ravel()
    dispersion, lower_tail, upper_tail = intervals.lookup(table, _calibration_keys(backtest.ravel(), classes))
    below, above = intervals.misses(actual.ravel(), backtest.ravel(), dispersion, lower_tail, upper_tail)
    return below.reshape(shape), above.reshape(shape)


def _models_table(
    series: PeriodSeries,
    request: ForecastRequest,
    available: list[str],
    class_model: np.ndarray,
    chosen_config: dict[str, list[tuple]],
    class_score: dict[str, np.ndarray],
    overridden: np.ndarray,
    candidates: _Candidates,
    origins: np.ndarray,
    dispersions: dict,
) -> pd.DataFrame:
    """A row per class case: its model, parameters, score (and every candidate's), the grids with
    their own model, the library's variant for the total and the calibrated dispersion."""
    rows = []
    series_class = series.series_class()
    variants = candidates.class_variants() if "pooled_es" in available else [""] * series.n_classes
    for c, code in enumerate(series.class_codes):
        name = available[class_model[c]]
        config = chosen_config[name][c]
        row = {
            CLASS_CODE: code,
            MODEL: name,
            "params": _params_text(name, config),
            "score": round(float(class_score[name][c]), 4) if class_score else np.nan,
            "grid_models": int(overridden[series_class == c].sum()),
            "class_total_model": variants[c],
            "dispersion": dispersions.get((c,), dispersions[()]).dispersion,
            "origins": len(origins),
        }
        for other in available:
            row[f"score_{other}"] = round(float(class_score[other][c]), 4) if class_score else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _params_text(name: str, config: tuple) -> str:
    if name == "tsb":
        return f"alpha_p={config[0]:g}, alpha_d={config[1]:g}"
    if name in ("ses", "pooled_es"):
        return f"alpha={config[0]:g}"
    return ""
