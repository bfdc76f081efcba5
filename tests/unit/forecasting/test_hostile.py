"""Hostile order tables (hypothesis): mixed types, blanks, bad times, codes with spaces. Every row is
counted or reported once, and the forecast and early warning stay finite and ordered."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.forecasting import EarlyWarningRequest, ForecastRequest, early_warning, forecast, period_series

CODES = st.sampled_from(["A", " A ", "B", "网格1", "", None, np.nan, 7, "C\\t"])
CLASSES = st.sampled_from(["noise", "noise ", "parking", "", None, 3.0])
TIMES = st.one_of(
    st.datetimes(
        min_value=pd.Timestamp("2022-01-01").to_pydatetime(), max_value=pd.Timestamp("2024-12-31").to_pydatetime()
    ),
    st.datetimes(
        min_value=pd.Timestamp("2022-01-01").to_pydatetime(), max_value=pd.Timestamp("2024-12-31").to_pydatetime()
    ).map(lambda t: t.strftime("%Y/%m/%d %H:%M")),
    st.sampled_from([None, "", "garbage", "2024-13-45", "8:00", "2023年2月30日", 45000, "2024-02-29 23:59:59"]),
)
ROWS = st.lists(st.tuples(CODES, CLASSES, TIMES), min_size=1, max_size=40)


def _table(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["grid_code", "class_code", "reported_at"], dtype=object)
    frame.index = pd.RangeIndex(100, 100 + len(frame))
    return frame


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS, st.sampled_from(["month", "week"]), st.integers(1, 4))
def test_hostile_orders_are_counted_or_reported_and_forecasts_stay_sane(rows, period, horizon):
    orders = _table(rows)
    request = ForecastRequest(period=period, horizon=horizon)
    try:
        series = period_series(orders, request, grids=["A", "B", "Z"])
    except ValueError as error:
        assert "no order has" in str(error)
        event("nothing to count")
        return
    event(f"{series.counts.shape[1] // 12 * 12}+ periods")
    problems = series.problems
    assert problems.row.is_unique and set(problems.row) <= set(orders.index)
    assert series.counts.sum() + len(problems) == len(orders)
    assert (problems.problem != "").all() and (problems.field != "").all()
    result = forecast(orders, request, grids=["A", "B", "Z"])
    table = result.forecasts
    assert len(table) == 3 * len(series.class_codes) * horizon
    values = table[["forecast", "lo", "hi"]].to_numpy(dtype=float)
    assert np.isfinite(values).all() and (values >= 0).all()
    assert (table.lo <= table.hi).all()
    warning = early_warning(orders, EarlyWarningRequest(forecast=request), grids=["A", "B", "Z"])
    assert (warning.alerts.observed >= 0).all() and warning.alerts.alert_level.isin([1, 2, 3]).all()


@settings(max_examples=25)
@given(
    st.lists(st.integers(0, 40), min_size=2, max_size=40),
    st.lists(st.integers(0, 3), min_size=2, max_size=40),
)
def test_any_counts_give_finite_ordered_intervals(big, small):
    """Series as hostile as counts get: long zeros, one spike, constant, alternating."""
    from gridgov.grid_ops.forecasting.engine import forecast_series
    from gridgov.grid_ops.forecasting.series import PeriodSeries

    n = min(len(big), len(small))
    counts = np.vstack([np.array(big[:n], float), np.array(small[:n], float), np.zeros(n), np.full(n, 5.0)])
    series = PeriodSeries(
        counts,
        np.array(["a", "b", "c", "d"], dtype=object),
        np.array(["x"], dtype=object),
        pd.date_range("2022-01-01", periods=n, freq="MS"),
        "month",
        pd.DataFrame(),
    )
    result = forecast_series(series, ForecastRequest(horizon=2))
    assert np.isfinite(result.mean).all() and (result.lower <= result.upper).all() and (result.lower >= 0).all()
    assert result.mean[2].tolist() == [0.0, 0.0]
