"""Hour × weekday profiles and peak windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from gridgov.grid_ops.analytics.timeprofile import hour_weekday_counts, hours_text, peak_days, peak_window, profiles


def test_weekday_and_hour_of_known_times():
    times = np.array(["2025-06-02T23:30", "2025-06-08T00:10", "NaT"], dtype="datetime64[s]")  # Mon, Sun
    counts = hour_weekday_counts(times)
    assert counts.sum() == 2 and counts[0, 23] == 1 and counts[6, 0] == 1


def test_peak_window_wraps_past_midnight():
    hourly = np.zeros(24)
    hourly[[22, 23, 0, 1]] = 10
    hourly[12] = 5
    start, length = peak_window(hourly, 0.8)
    assert (start, length) == (22, 4) and hours_text(start, length) == "22:00–02:00"
    assert peak_window(np.zeros(24)) == (0, 0) and hours_text(0, 0) == ""


def test_demo_planted_night_noise_peaks_at_night(demo_city_20k):
    """The planted hot areas keep their hours: late-night commercial noise peaks at night, rush-hour
    parking in the morning or evening rush."""
    truth = demo_city_20k["truth_orders"]
    planted = truth[truth["hotarea_id"] > 0]
    summary, long, tables = profiles(planted["hotarea_id"].astype(str).to_numpy(), planted["true_time"].to_numpy())
    areas = demo_city_20k["truth_hotareas"].set_index(demo_city_20k["truth_hotareas"]["hotarea_id"].astype(str))
    assert long["count"].sum() == len(planted) and set(tables) == set(areas.index)
    for row in summary.itertuples():
        start, length = int(row.peak_hours[:2]), (int(row.peak_hours[6:8]) - int(row.peak_hours[:2])) % 24
        hours = {(start + k) % 24 for k in range(length)}
        if areas.loc[row.group, "hours"] == "night_late":
            assert hours & {23, 0, 1}, row
        if areas.loc[row.group, "hours"] == "rush":
            assert hours & {7, 8, 17, 18}, row


@given(st.lists(st.integers(0, 500), min_size=24, max_size=24), st.floats(0.05, 1.0))
def test_peak_window_holds_the_share_and_none_shorter_does(values, share):
    hourly = np.array(values, dtype=float)
    start, length = peak_window(hourly, share)
    if hourly.sum() == 0:
        assert length == 0
        return
    window = [(start + k) % 24 for k in range(length)]
    assert hourly[window].sum() >= share * hourly.sum() - 1e-6
    if length > 1:
        doubled = np.concatenate([hourly, hourly])
        best_shorter = max(doubled[s : s + length - 1].sum() for s in range(24))
        assert best_shorter < share * hourly.sum() - 1e-9


def test_peak_days_and_empty_groups():
    counts = np.zeros((7, 24))
    counts[4, 22] = 30
    counts[5, 22] = 25
    counts[0, 9] = 5
    assert peak_days(counts, 0.5) == [4]
    assert peak_days(counts, 0.9) == [4, 5]
    summary, long, _ = profiles(
        np.array(["", None], dtype=object), np.array(["2025-01-01", "NaT"], dtype="datetime64[s]")
    )
    assert summary.empty and long.empty
    assert isinstance(summary, pd.DataFrame)
