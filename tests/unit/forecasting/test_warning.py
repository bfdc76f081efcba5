"""Early warning: planted surges found, quiet grids left alone, trend turns, the season-ahead list
against a direct pandas computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gridgov.grid_ops.forecasting import EarlyWarningRequest, ForecastRequest, early_warning
from gridgov.grid_ops.forecasting.series import PeriodSeries
from gridgov.grid_ops.forecasting.warning import early_warning_series, season_ahead, trend_turns

from .simulation import simulate

ALERT_COLUMNS = ["grid_code", "class_code", "period", "alert_kind", "observed", "expected", "upper", "alert_level",
                 "tail_p", "model"]  # fmt: skip


def _series(counts: np.ndarray, grid_codes, class_codes, start: str = "2022-01-01") -> PeriodSeries:
    periods = pd.date_range(start, periods=counts.shape[1], freq="MS")
    return PeriodSeries(counts, np.asarray(grid_codes, dtype=object), np.asarray(class_codes, dtype=object), periods,
                        "month", pd.DataFrame())  # fmt: skip


@pytest.mark.parametrize(("dispersion", "mean_rate", "seed"), [(0.0, 1.0, 31), (0.25, 3.0, 32)])
def test_planted_surges_are_alerted_and_quiet_grids_are_not(dispersion, mean_rate, seed):
    """A surge: the latest month at three times its expected count plus 4 orders (what a grid centre
    would call one). Recall ≥ 90%, and ≤ 5% of the other series alerted."""
    sim = simulate(n_grids=1500, n_classes=2, n_months=37, seed=seed, dispersion=dispersion, mean_rate=mean_rate)
    counts = sim.counts.copy()
    rng = np.random.default_rng(seed)
    planted = rng.random(len(counts)) < 0.05
    counts[planted, -1] = np.ceil(3 * sim.rate[planted, -1] + 4)
    result = early_warning_series(_series(counts, sim.grid_codes, sim.class_codes))
    alerts = result.alerts
    assert list(alerts.columns) == ALERT_COLUMNS
    surges = alerts[alerts.alert_kind == "surge"]
    n_grids = len(sim.grid_codes)
    grid_index = pd.Index(sim.grid_codes).get_indexer(surges.grid_code)
    class_index = pd.Index(sim.class_codes).get_indexer(surges.class_code)
    alerted = np.zeros(len(counts), dtype=bool)
    alerted[class_index * n_grids + grid_index] = True
    assert alerted[planted].mean() >= 0.9
    assert alerted[~planted].mean() <= 0.05
    # trend turns included: a quiet series is flagged for something at most 5% of the time
    flagged = np.zeros(len(counts), dtype=bool)
    flagged[pd.Index(sim.class_codes).get_indexer(alerts.class_code) * n_grids
            + pd.Index(sim.grid_codes).get_indexer(alerts.grid_code)] = True  # fmt: skip
    assert flagged[~planted].mean() <= 0.05
    assert (surges.observed > surges.upper).all() and (surges.observed >= 3).all()
    assert set(surges.period) == {"2025-01-01"}
    assert surges.alert_level.isin([1, 2, 3]).all()
    # higher levels are rarer and stronger: the level rises as the chance of the count falls
    by_level = surges.groupby("alert_level").tail_p.max()
    assert by_level.is_monotonic_decreasing


def test_alert_levels_follow_the_bounds_exceeded():
    """One busy steady grid, the latest month raised step by step: level 1, 2, 3 as the count passes
    the 90%, 99% and 99.9% upper bounds of the forecast made without it."""
    rng = np.random.default_rng(2)
    base = rng.poisson(20.0, (400, 37)).astype(float)
    levels = []
    for value in (20, 30, 34, 38, 45, 60):
        counts = base.copy()
        counts[0, -1] = value
        alerts = early_warning_series(_series(counts, [f"G{i}" for i in range(400)], ["x"])).alerts
        row = alerts[(alerts.grid_code == "G0") & (alerts.alert_kind == "surge")]
        levels.append(int(row.alert_level.iloc[0]) if len(row) else 0)
    assert levels == sorted(levels) and levels[0] == 0 and levels[-1] == 3 and 1 in levels


def test_trend_turns_are_found_season_adjusted():
    """Grids flat for years whose last three months run at 2.5 times the level are flagged; the
    class case's season (a winter peak) alone flags nothing."""
    months = np.arange(36)
    season = 1 + 0.5 * np.cos(2 * np.pi * months / 12)  # peak in January: the last 3 months rise
    rng = np.random.default_rng(4)
    rate = np.full((1000, 1), 4.0) * season
    turned = rng.random(1000) < 0.05
    rate[turned, -3:] *= 2.5
    counts = rng.poisson(rate).astype(float)
    series = _series(counts, [f"G{i:04d}" for i in range(1000)], ["heat"])
    turns = trend_turns(series, EarlyWarningRequest())
    flagged = np.zeros(1000, dtype=bool)
    flagged[turns.grid_code.str[1:].astype(int).to_numpy()] = True
    assert flagged[turned].mean() >= 0.9
    assert flagged[~turned].mean() <= 0.05
    assert (turns.alert_kind == "trend_turn").all() and (turns.observed > turns.upper).all()
    # a grid already rising before is no turn
    rising = counts.copy()
    rising[0, -6:-3] *= 3
    rising[0, -3:] = rising[0, -6:-3] * 2.5
    again = trend_turns(_series(rising, [f"G{i:04d}" for i in range(1000)], ["heat"]), EarlyWarningRequest())
    assert "G0000" not in set(again.grid_code)


def test_season_ahead_list_equals_a_direct_computation():
    sim = simulate(n_grids=120, n_classes=2, n_months=36, seed=9, mean_rate=2.0)  # Jan 2022 – Dec 2024
    orders = sim.orders(np.random.default_rng(3))
    request = EarlyWarningRequest(season_months=(11, 12, 1, 2, 3), season_classes=("C01",), top=20)
    result = early_warning(orders, request)
    table = result.season
    assert set(table.class_code) == {"C01"} and len(table) == 20
    assert set(table.season) == {"2025-11/2026-03"}
    assert list(table["rank"]) == list(range(1, 21))
    # direct: complete seasons Nov 2022 – Mar 2023 and Nov 2023 – Mar 2024, the later weighing twice
    frame = orders[orders.class_code == "C01"].copy()
    month, year = frame.reported_at.dt.month, frame.reported_at.dt.year
    frame["season"] = np.where(month >= 11, year, year - 1)
    frame = frame[month.isin([11, 12, 1, 2, 3]) & frame.season.isin([2022, 2023])]
    totals = frame.groupby(["grid_code", "season"]).size().unstack(fill_value=0)
    expected = (totals[2022] * 0.5 + totals[2023] * 1.0) / 1.5
    expected = expected.sort_values(ascending=False, kind="stable")
    got = table.set_index("grid_code").expected
    np.testing.assert_allclose(got.to_numpy(), expected.loc[got.index].round(3).to_numpy())
    assert got.is_monotonic_decreasing
    assert got.iloc[0] == pytest.approx(expected.iloc[0], abs=1e-3)
    assert (table.last_season.to_numpy() == totals.loc[table.grid_code, 2023].to_numpy()).all()
    assert table.seasons.eq(2).all() and table.cum_share.is_monotonic_increasing


def test_season_ahead_without_a_complete_season_is_empty():
    counts = np.ones((3, 6))
    series = _series(counts, ["A", "B", "C"], ["x"], start="2024-01-01")  # January – June only
    table = season_ahead(series, EarlyWarningRequest(season_months=(11, 12, 1, 2, 3)))
    assert len(table) == 0 and "expected" in table.columns
    summer = season_ahead(series, EarlyWarningRequest(season_months=(2, 3, 4)))
    assert set(summer.season) == {"2025-02/2025-04"} and len(summer) == 3


def test_early_warning_needs_two_periods_and_reports_problems():
    orders = pd.DataFrame({"grid_code": ["A", "A", "B"], "class_code": ["x", "x", "x"],
                           "reported_at": ["2024-01-03", None, "2024-01-09"]})  # fmt: skip
    result = early_warning(orders)
    assert len(result.alerts) == 0 and result.held_out is None
    assert len(result.problems) == 1 and result.facts["no_time"] == 1


def test_bad_early_warning_requests_say_which_field():
    for request, field in [
        (EarlyWarningRequest(season_months=(13,)), "season_months"),
        (EarlyWarningRequest(higher_levels=(80.0, 99.0)), "higher_levels"),
        (EarlyWarningRequest(forecast=ForecastRequest(level=99.5)), "higher_levels"),
        (EarlyWarningRequest(min_observed=0), "min_observed"),
    ]:
        with pytest.raises(ValueError, match=field):
            request.validate()
