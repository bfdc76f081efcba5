"""Dense counts per grid × class case × period: zeros kept, every row counted or reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gridgov.grid_ops.forecasting import ForecastRequest, period_series
from gridgov.grid_ops.forecasting.series import period_index, period_starts


def _orders(rows):
    return pd.DataFrame(rows, columns=["grid_code", "class_code", "reported_at"])


def test_counts_are_dense_with_zeros_and_match_a_groupby():
    rng = np.random.default_rng(3)
    n = 2000
    orders = _orders(
        {
            "grid_code": rng.choice(["A", "B", "C"], n),
            "class_code": rng.choice(["noise", "parking"], n),
            "reported_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24, n), unit="h"),
        }
    )
    series = period_series(orders, grids=["A", "B", "C", "D"])  # D: a grid without an order
    assert series.counts.shape == (4 * 2, 12)
    table = series.table()
    assert len(table) == 4 * 2 * 12
    expected = orders.assign(period=orders.reported_at.dt.to_period("M").dt.start_time.dt.strftime("%Y-%m-%d"))
    expected = expected.groupby(["grid_code", "class_code", "period"]).size()
    got = table.set_index(["grid_code", "class_code", "period"])["count"]
    assert (got[got > 0].sort_index() == expected.sort_index()).all()
    assert got.sum() == n
    assert (table.loc[table.grid_code == "D", "count"] == 0).all()
    assert series.facts["counted"] == n and len(series.problems) == 0


def test_every_period_of_the_range_is_there_even_without_orders():
    orders = _orders([("A", "x", "2024-01-15"), ("A", "x", "2024-04-02")])
    series = period_series(orders)
    assert list(series.period_labels()) == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
    assert series.counts.tolist() == [[1, 0, 0, 1]]


def test_weeks_run_monday_to_sunday():
    orders = _orders([("A", "x", "2024-01-07 23:00"), ("A", "x", "2024-01-08 00:30"), ("A", "x", "2024-01-21")])
    series = period_series(orders, ForecastRequest(period="week"))
    assert list(series.period_labels()) == ["2024-01-01", "2024-01-08", "2024-01-15"]
    assert series.counts.tolist() == [[1, 1, 1]]
    times = np.array(["2024-01-01", "2024-01-07", "2024-01-08", "1969-12-29", "1969-12-28"], dtype="datetime64[s]")
    index = period_index(times, "week")
    assert list(index[:3]) == [index[0], index[0], index[0] + 1]
    assert period_starts(index[3], index[3], "week")[0] == pd.Timestamp("1969-12-29")
    assert period_starts(index[4], index[4], "week")[0] == pd.Timestamp("1969-12-22")


def test_rows_that_cannot_be_counted_are_reported_not_dropped_silently():
    orders = _orders(
        [
            ("A", "x", "2024-01-05"),
            ("A", "x", None),  # no time
            ("A", "x", "not a date"),
            ("", "x", "2024-01-06"),  # no grid
            ("A", None, "2024-01-06"),  # no class
            ("Z", "x", "2024-01-07"),  # a grid that is not among the grids
            ("A", "x", "8:00"),  # a time of day without a date
        ]
    )
    orders.index = [10, 11, 12, 13, 14, 15, 16]
    series = period_series(orders, grids=["A", "B"])
    assert series.counts.sum() == 1
    problems = series.problems.set_index("row")
    assert sorted(problems.index) == [11, 12, 13, 14, 15, 16]
    assert problems.loc[11, "field"] == "reported_at" and "empty" in problems.loc[11, "problem"]
    assert problems.loc[12, "field"] == "reported_at"
    assert problems.loc[13, "field"] == "grid_code"
    assert problems.loc[14, "field"] == "class_code"
    assert "Z" in problems.loc[15, "problem"]
    assert problems.loc[16, "field"] == "reported_at"
    assert series.facts["orders"] == 7 and series.facts["counted"] + series.facts["not_counted"] == 7
    assert series.facts["no_time"] == 3


def test_a_range_asked_for_reports_the_orders_outside_it():
    orders = _orders([("A", "x", "2023-12-31"), ("A", "x", "2024-01-02"), ("A", "x", "2024-03-09")])
    series = period_series(orders, ForecastRequest(start="2024-01-01", end="2024-02-15"))
    assert series.counts.tolist() == [[1, 0]]
    assert sorted(series.problems["problem"]) == ["after the last period counted", "before the first period counted"]


def test_nothing_to_count_and_missing_columns_are_clear_errors():
    with pytest.raises(ValueError, match="no column 'reported_at'"):
        period_series(pd.DataFrame({"grid_code": ["A"], "class_code": ["x"]}))
    with pytest.raises(ValueError, match="no order has a date"):
        period_series(_orders([("A", "x", None)]))
    with pytest.raises(ValueError, match="period is one of"):
        period_series(_orders([("A", "x", "2024-01-01")]), ForecastRequest(period="day"))


def test_aware_and_text_times_are_read_on_china_time():
    aware = pd.to_datetime(pd.Series(["2024-01-31T20:00:00Z"]), utc=True)  # 2024-02-01 04:00 in Beijing
    orders = pd.DataFrame({"grid_code": ["A"], "class_code": ["x"], "reported_at": aware})
    assert period_series(orders).period_labels()[0] == "2024-02-01"
    text = _orders([("A", "x", "2024年3月5日 8时30分"), ("A", "x", "2024/4/1 8:00")])
    assert period_series(text).counts.tolist() == [[1, 1]]
