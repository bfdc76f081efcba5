"""Repeats: a case anchors on its first report and stays bounded (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.orders import repeats


def test_repeats_anchor_on_the_first_report():
    t0 = np.datetime64("2025-03-01T08:00:00")
    day = np.timedelta64(1, "D")
    x = np.array([0.0, 30.0, 60.0, 10.0, 0.0, 5.0, 1000.0])
    y = np.zeros(7)
    cls = ["0601", "0601", "0601", "0601", "0601", "0503", "0601"]
    times = np.array([t0, t0 + day, t0 + 2 * day, t0 + 20 * day, t0 + 3 * day, t0, t0])
    result = repeats.find_repeats(x, y, cls, times, distance=50, days=7)
    case = result.case_id
    assert case[0] == case[1] == case[4]  # within 50 m of the first report and 7 days of the latest
    assert case[2] != case[0]  # 60 m from the first report: a new case (no drifting along the street)
    assert case[3] != case[0]  # 17 days after the latest report: a new case
    assert case[5] != case[0]  # another class case
    assert result.repeat_count[0] == 3 and result.is_repeat.tolist()[:2] == [False, True]
    assert result.first_seen[4] == t0


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 500), st.floats(0, 500), st.integers(0, 40), st.sampled_from(["a", "b"])),
        min_size=1,
        max_size=60,
    )
)
def test_repeat_cases_are_bounded(rows):
    x, y, day, cls = (np.array(v) for v in zip(*rows))
    times = np.datetime64("2025-01-01") + day.astype("timedelta64[D]")
    result = repeats.find_repeats(x, y, cls.astype(object), times, distance=50, days=7)
    assert (result.case_id != "").all()
    for case in set(result.case_id):
        rows_in = np.flatnonzero(result.case_id == case)
        first = rows_in[np.argmin(times[rows_in])]
        assert len(set(cls[rows_in])) == 1
        assert (np.hypot(x[rows_in] - x[first], y[rows_in] - y[first]) <= 50 + 1e-9).all()
        assert (result.repeat_count[rows_in] == len(rows_in)).all()
