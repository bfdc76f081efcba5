"""Early warning: act before people complain again (``gridgov:earlywarning``).

Three lists, each from the same dense counts as the forecast:

- surges: grids whose latest period is above the upper bound of a forecast made without that period
  (the same model choice and calibrated count intervals as ``forecast``); ``alert_level`` 1, 2 or 3
  where the bound at ``level``, at ``higher_levels[0]`` or at ``higher_levels[1]`` percent is exceeded,
  and ``tail_p`` the chance of at least that many orders under the forecast;
- trend turns (苗头性问题): grids whose last ``trend_window`` periods hold significantly more orders than
  their baseline (the season before them), after the class case's season is taken out, where the
  window just before was not already rising as much. Conditional on the total of the two the recent
  count is binomial under "no change" (the exact test for two Poisson rates), so sparse grids get
  an exact p-value, not a normal approximation;
- the season-ahead list (冬病夏治): for a season of months (heating: November to March) and a class case,
  the grids ranked by the orders expected next season: the past complete seasons' counts, each season
  weighing ``season_decay`` times the one after it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from gridgov.grid_ops.forecasting import intervals
from gridgov.grid_ops.forecasting.engine import ForecastResult, forecast_series
from gridgov.grid_ops.forecasting.library import seasonal_factors
from gridgov.grid_ops.forecasting.request import EarlyWarningRequest
from gridgov.grid_ops.forecasting.series import PeriodSeries, period_series
from gridgov.grid_ops.schema import (
    ALERT_KIND,
    ALERT_LEVEL,
    CLASS_CODE,
    EXPECTED,
    GRID_CODE,
    MODEL,
    OBSERVED,
    PERIOD,
    RANK,
    SEASON,
    TAIL_P,
    UPPER,
)

SURGE = "surge"
TREND_TURN = "trend_turn"
ALERT_COLUMNS = [GRID_CODE, CLASS_CODE, PERIOD, ALERT_KIND, OBSERVED, EXPECTED, UPPER, ALERT_LEVEL, TAIL_P, MODEL]
SEASON_COLUMNS = [CLASS_CODE, GRID_CODE, SEASON, RANK, EXPECTED, "last_season", "seasons", "share", "cum_share"]


@dataclass(frozen=True, eq=False)
class EarlyWarningResult:
    """``alerts`` (surges and trend turns, the strongest first), the ``season`` list, the forecast
    made without the latest period (``held_out``) and ``facts``."""

    alerts: pd.DataFrame
    season: pd.DataFrame
    held_out: ForecastResult | None
    series: PeriodSeries
    facts: dict

    @property
    def problems(self) -> pd.DataFrame:
        """The order rows not counted, with the reason."""
        return self.series.problems


def early_warning(
    orders: pd.DataFrame,
    request: EarlyWarningRequest | None = None,
    grids=None,
    classes=None,
) -> EarlyWarningResult:
    """The three lists for ``orders`` (counted by ``period_series``; ``grids`` and ``classes`` as there)."""
    request = request or EarlyWarningRequest()
    request.validate()
    return early_warning_series(period_series(orders, request.forecast, grids, classes), request)


def early_warning_series(series: PeriodSeries, request: EarlyWarningRequest | None = None) -> EarlyWarningResult:
    """The three lists for counted series (the latest period is the one checked)."""
    request = request or EarlyWarningRequest()
    request.validate()
    surges, held = latest_surges(series, request)
    turns = trend_turns(series, request)
    found = [frame for frame in (surges, turns) if len(frame)]
    alerts = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=ALERT_COLUMNS)
    alerts = alerts.sort_values([ALERT_LEVEL, TAIL_P], ascending=[False, True], kind="stable", ignore_index=True)
    season = season_ahead(series, request)
    facts = dict(series.facts)
    facts.update(
        {
            "checked_period": series.period_labels()[-1] if len(series.periods) else "",
            "surges": int((alerts[ALERT_KIND] == SURGE).sum()),
            "trend_turns": int((alerts[ALERT_KIND] == TREND_TURN).sum()),
        }
    )
    return EarlyWarningResult(alerts, season, held, series, facts)


def _alert_levels(tail_p: np.ndarray, request: EarlyWarningRequest, shrink: np.ndarray | float = 1.0) -> np.ndarray:
    """1, 2 or 3: the highest interval (``level``, then ``higher_levels``) whose upper bound the count
    exceeds; ``shrink``: the calibration's factor on the nominal upper tail (1 where the dispersion
    alone reached the coverage), applied to the higher levels' tails too."""
    levels = [float(request.forecast.level), *map(float, request.higher_levels)]
    tails = [(1.0 - lv / 100.0) / 2.0 * shrink for lv in levels]
    return 1 + (tail_p <= tails[1]).astype(np.int64) + (tail_p <= tails[2]).astype(np.int64)


def latest_surges(series: PeriodSeries, request: EarlyWarningRequest) -> tuple[pd.DataFrame, ForecastResult | None]:
    """Series whose latest period is above the upper bound forecast without it (and the forecast)."""
    n_periods = series.counts.shape[1]
    if n_periods < 2:
        return pd.DataFrame(columns=ALERT_COLUMNS), None
    held = forecast_series(series.truncated(n_periods - 1), dataclasses.replace(request.forecast, horizon=1))
    observed = series.counts[:, -1]
    mean, dispersion, upper = held.mean[:, 0], held.dispersion[:, 0], held.upper[:, 0]
    tail_p = 1.0 - intervals.cdf(observed - 1.0, mean, dispersion)  # P(Y ≥ observed)
    alert = (observed > upper) & (observed >= int(request.min_observed))
    shrink = held.upper_tail[:, 0] / ((1.0 - float(request.forecast.level) / 100.0) / 2.0)
    rows = np.flatnonzero(alert)
    table = pd.DataFrame(
        {
            GRID_CODE: series.grid_codes[series.series_grid()[rows]],
            CLASS_CODE: series.class_codes[series.series_class()[rows]],
            PERIOD: series.period_labels()[-1],
            ALERT_KIND: SURGE,
            OBSERVED: observed[rows].astype(np.int64),
            EXPECTED: mean[rows].round(3),
            UPPER: upper[rows],
            ALERT_LEVEL: _alert_levels(tail_p[rows], request, shrink[rows]),
            TAIL_P: np.clip(tail_p[rows], 0.0, 1.0),
            MODEL: held.model[rows],
        },
        columns=ALERT_COLUMNS,
    )
    return table, held


def class_factors(series: PeriodSeries, season: int) -> np.ndarray:
    """Each class case's seasonal factor per period (classes × periods), from its total's
    classical decomposition (the library's); ones where the season cannot be estimated."""
    totals = series.counts.reshape(series.n_classes, series.n_grids, -1).sum(axis=1)
    return np.vstack([seasonal_factors(total, season) for total in totals]) if len(totals) else totals


def trend_turns(series: PeriodSeries, request: EarlyWarningRequest | None = None) -> pd.DataFrame:
    """Series whose last ``trend_window`` periods run significantly above their baseline (the
    ``trend_baseline`` periods before them, season taken out), at least ``trend_ratio`` times, with at
    least ``min_observed`` orders, where the window just before was not already up as much on the rest
    of the baseline (a rise that started earlier is no turn).

    ``observed`` is the recent window's count, ``expected`` what the baseline's rate predicts for it
    (conditional on both windows' total), ``upper`` the binomial bound at ``trend_level``; ``tail_p``
    the exact one-sided p-value; ``alert_level`` 1, 2 or 3 where it is below the test's tail, a tenth
    of it or a hundredth of it."""
    request = request or EarlyWarningRequest()
    counts = series.counts
    n_periods = counts.shape[1]
    width = int(request.trend_window)
    base = min(request.baseline(), n_periods - width)
    if base < width or not counts.size:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    factors = class_factors(series, request.forecast.season())[series.series_class()]

    def window(values: np.ndarray, start: int, stop: int) -> np.ndarray:
        return values[:, n_periods - start : n_periods - stop if stop else None].sum(axis=1)

    recent, w_recent = window(counts, width, 0), window(factors, width, 0)
    before, w_before = window(counts, width + base, width), window(factors, width + base, width)
    n = recent + before
    share = w_recent / (w_recent + w_before)  # the recent window's expected share of the two under no change
    tail_p = np.where(n > 0, stats.binom.sf(recent - 1, n, share), 1.0)  # P(X ≥ recent)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (recent / w_recent) / (before / w_before)  # inf where nothing before
        if base >= 2 * width:  # the window just before against the rest of the baseline
            last, w_last = window(counts, 2 * width, width), window(factors, 2 * width, width)
            rest, w_rest = before - last, w_before - w_last
            rising_before = (last > 0) & ((last / w_last) > float(request.trend_ratio) * (rest / w_rest))
        else:
            rising_before = np.zeros(len(counts), dtype=bool)
    tail = (1.0 - float(request.trend_level) / 100.0) / 2.0
    flag = (
        (tail_p <= tail)
        & (ratio >= float(request.trend_ratio))
        & (recent >= int(request.min_observed))
        & ~rising_before
    )
    rows = np.flatnonzero(flag)
    upper = stats.binom.ppf(1.0 - tail, n[rows], share[rows])
    return pd.DataFrame(
        {
            GRID_CODE: series.grid_codes[series.series_grid()[rows]],
            CLASS_CODE: series.class_codes[series.series_class()[rows]],
            PERIOD: series.period_labels()[-1],
            ALERT_KIND: TREND_TURN,
            OBSERVED: recent[rows].astype(np.int64),
            EXPECTED: (n[rows] * share[rows]).round(3),
            UPPER: upper,
            ALERT_LEVEL: 1
            + (tail_p[rows] <= tail / 10).astype(np.int64)
            + (tail_p[rows] <= tail / 100).astype(np.int64),
            TAIL_P: tail_p[rows],
            MODEL: "",
        },
        columns=ALERT_COLUMNS,
    )


def season_ahead(series: PeriodSeries, request: EarlyWarningRequest | None = None) -> pd.DataFrame:
    """Grids ranked per class case by the orders expected next season (the first season starting after
    the latest period) from the past complete seasons; grids expected to have none are left out."""
    request = request or EarlyWarningRequest()
    months = [int(m) for m in request.season_months]
    if not len(series.periods):
        return pd.DataFrame(columns=SEASON_COLUMNS)
    first_month, last_month = months[0], months[-1]
    wrap = 1 if last_month < first_month else 0  # November to March ends the year after it starts
    period_month = np.asarray(series.periods.month)
    in_season = np.isin(period_month, months)
    season_year = np.where(period_month >= first_month, np.asarray(series.periods.year), series.periods.year - 1)
    range_start = series.periods[0]
    range_end = series.periods[-1] + (pd.DateOffset(months=1) if series.period == "month" else pd.Timedelta(days=7))
    slack = pd.Timedelta(days=0 if series.period == "month" else 6)  # weeks straddle month ends

    def span(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
        return pd.Timestamp(year, first_month, 1), pd.Timestamp(year + wrap, last_month, 1) + pd.DateOffset(months=1)

    complete = np.array(
        [
            y
            for y in sorted({int(v) for v in season_year[in_season]})
            if range_start <= span(y)[0] + slack and range_end >= span(y)[1] - slack
        ],
        dtype=np.int64,
    )
    next_year = int(range_end.year) - 1
    while span(next_year)[0] < range_end:
        next_year += 1
    label = f"{next_year:04d}-{first_month:02d}/{next_year + wrap:04d}-{last_month:02d}"
    if not len(complete):
        return pd.DataFrame(columns=SEASON_COLUMNS)
    classes = request.season_classes
    wanted = (
        np.arange(series.n_classes)
        if classes is None
        else np.flatnonzero(np.isin(series.class_codes, [str(c).strip() for c in classes]))
    )
    # season totals per series (series × complete seasons), oldest first
    column = np.full(len(series.periods), -1)
    position = {int(y): i for i, y in enumerate(complete)}
    for t in np.flatnonzero(in_season):
        column[t] = position.get(int(season_year[t]), -1)
    use = column >= 0
    totals = np.zeros((series.counts.shape[0], len(complete)))
    np.add.at(totals.T, column[use], series.counts[:, use].T)
    age = (len(complete) - 1 - np.arange(len(complete))).astype(float)
    weights = float(request.season_decay) ** age
    expected = totals @ weights / weights.sum()
    frames = []
    series_class, series_grid = series.series_class(), series.series_grid()
    for c in wanted:
        rows = np.flatnonzero((series_class == c) & (expected > 0))
        order = np.lexsort((series.grid_codes[series_grid[rows]], -totals[rows, -1], -expected[rows]))
        rows = rows[order]
        if request.top is not None:
            rows = rows[: int(request.top)]
        class_sum = expected[series_class == c].sum()
        share = expected[rows] / class_sum if class_sum > 0 else np.zeros(len(rows))
        frames.append(
            pd.DataFrame(
                {
                    CLASS_CODE: series.class_codes[c],
                    GRID_CODE: series.grid_codes[series_grid[rows]],
                    SEASON: label,
                    RANK: np.arange(1, len(rows) + 1),
                    EXPECTED: expected[rows].round(3),
                    "last_season": totals[rows, -1].astype(np.int64),
                    "seasons": len(complete),
                    "share": share.round(5),
                    "cum_share": np.cumsum(share).round(5),
                },
                columns=SEASON_COLUMNS,
            )
        )
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SEASON_COLUMNS)


#: The column naming the place (an estate, 小区) of the season-ahead list of places.
PLACE = "place"


def nearest_place(order_xy: np.ndarray, place_xy: np.ndarray, place_names: np.ndarray, within: float) -> np.ndarray:
    """The name of the place point nearest each order, '' where none lies within ``within`` (in the
    points' units) or the order has no position: an estate's buildings are its points."""
    from scipy.spatial import cKDTree

    out = np.full(len(order_xy), "", dtype=object)
    usable = np.isfinite(order_xy).all(axis=1)
    if not len(place_xy) or not usable.any():
        return out
    distance, nearest = cKDTree(place_xy).query(order_xy[usable], distance_upper_bound=float(within))
    found = np.isfinite(distance)
    rows = np.flatnonzero(usable)[found]
    out[rows] = np.asarray(place_names, dtype=object)[nearest[found]]
    return out


def season_places(orders: pd.DataFrame, places: np.ndarray, request: EarlyWarningRequest | None = None) -> pd.DataFrame:
    """The season-ahead list of places (estates) instead of grids: the same counts, seasons and weights
    as :func:`season_ahead`, each order counted at its place (``places``: one name per order row, ''
    where it has none: left out). Columns as the grid list, ``place`` instead of ``grid_code``."""
    request = request or EarlyWarningRequest()
    request.validate()
    placed = np.asarray(places, dtype=object) != ""
    frame = orders.loc[placed].copy()
    frame[request.forecast.grid_field] = np.asarray(places, dtype=object)[placed]
    if frame.empty:
        return pd.DataFrame(columns=[c if c != GRID_CODE else PLACE for c in SEASON_COLUMNS])
    times = pd.to_datetime(orders[request.forecast.time_field], errors="coerce")
    # the periods of all the orders, not only of those at a place: the same seasons as the grid list
    whole = dataclasses.replace(request.forecast, start=times.min(), end=times.max())
    series = period_series(frame, whole)
    return season_ahead(series, dataclasses.replace(request, forecast=whole)).rename(columns={GRID_CODE: PLACE})
