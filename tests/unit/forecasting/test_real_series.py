"""Issue 26's figures on real complaint data held back from development (Montreal 311, 2008–2012,
``tests/data/real_series``): the forecast of every area × class series is made at four origins in
2012, three months ahead each time (the toolbox's HORIZON), only from the months before the origin,
and compared with what happened.

- Accuracy: on the series with at least one complaint a month, the forecast beats seasonal naive
  (the value twelve months before) by MASE on more than half of them.
- Intervals: the 90 % intervals hold at least 85 % of the held-back months of those series.

MASE is the mean absolute error over the twelve held-back months divided by the in-sample mean
absolute seasonal difference (2008–2011); both forecasts are scaled alike, so "beats" compares
their errors. The breaks the data has (SOURCE.md) are kept: a forecast meets them in real life too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gridgov.grid_ops.forecasting import ForecastRequest, PeriodSeries, forecast_series

DATA = Path(__file__).resolve().parents[2] / "data" / "real_series"
HELD_BACK = 12  # the months of 2012
HORIZON = 3
SEASON = 12


def _counts(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DatetimeIndex]:
    table = pd.read_csv(DATA / name, dtype={"area": str, "class": str, "month": str})
    areas = np.array(sorted(table["area"].unique()), dtype=object)
    classes = np.array(sorted(table["class"].unique()), dtype=object)
    months = pd.to_datetime(table["month"] + "-01")
    periods = pd.DatetimeIndex(sorted(months.unique()))
    counts = np.zeros((len(classes) * len(areas), len(periods)))
    row = table["class"].map({c: i for i, c in enumerate(classes)}).to_numpy() * len(areas)
    row += table["area"].map({a: i for i, a in enumerate(areas)}).to_numpy()
    counts[row, periods.get_indexer(months)] = table["count"].to_numpy()
    return counts, areas, classes, periods


def _held_back_forecasts(counts, areas, classes, periods) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(forecast, lower, upper) of every series for each held-back month, each made at the origin
    that starts its three-month block, from the months before it only."""
    n = counts.shape[1]
    first = n - HELD_BACK
    shape = (counts.shape[0], HELD_BACK)
    mean, lower, upper = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    for origin in range(first, n, HORIZON):
        past = PeriodSeries(
            counts=counts[:, :origin].copy(),
            grid_codes=areas,
            class_codes=classes,
            periods=periods[:origin],
            period="month",
            problems=pd.DataFrame(columns=["row", "field", "problem"]),
        )
        result = forecast_series(past, ForecastRequest(horizon=HORIZON, level=90))
        block = slice(origin - first, origin - first + HORIZON)
        mean[:, block], lower[:, block], upper[:, block] = result.mean, result.lower, result.upper
    return mean, lower, upper


@pytest.fixture(scope="module", params=["montreal311_borough_monthly.csv.gz", "montreal311_district_monthly.csv.gz"])
def held_back(request):
    counts, areas, classes, periods = _counts(request.param)
    assert counts.shape[1] == 60 and counts.sum() > 1_000_000  # the whole file was read
    return counts, _held_back_forecasts(counts, areas, classes, periods)


def _busy_series(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The series with at least one complaint a month before 2012 (and a seasonal difference to
    scale by), and each series' MASE scale."""
    train = counts[:, :-HELD_BACK]
    scale = np.abs(train[:, SEASON:] - train[:, :-SEASON]).mean(axis=1)
    return (train.mean(axis=1) >= 1) & (scale > 0), scale


def test_the_forecasts_beat_seasonal_naive_on_most_busy_real_series(held_back):
    counts, (mean, _lower, _upper) = held_back
    busy, scale = _busy_series(counts)
    actual = counts[:, -HELD_BACK:]
    seasonal_naive = counts[:, -HELD_BACK - SEASON : -SEASON]  # known at every origin: HORIZON <= SEASON
    ours = np.abs(actual - mean).mean(axis=1)[busy] / scale[busy]
    naive = np.abs(actual - seasonal_naive).mean(axis=1)[busy] / scale[busy]
    assert busy.sum() >= 250
    assert np.isfinite(ours).all()
    assert (ours < naive).mean() > 0.5, f"beats seasonal naive on {(ours < naive).mean():.1%} of {busy.sum()} series"


def test_the_90_percent_intervals_hold_their_coverage_on_real_series(held_back):
    counts, (_mean, lower, upper) = held_back
    busy, _scale = _busy_series(counts)
    actual = counts[:, -HELD_BACK:][busy]
    inside = (actual >= lower[busy]) & (actual <= upper[busy])
    assert inside.mean() >= 0.85, f"the 90 % intervals hold {inside.mean():.1%} of the held-back months"
    assert (actual > upper[busy]).mean() <= 0.10  # not bought with a wide-open upper bound either side
