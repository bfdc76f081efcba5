"""Class, date and hour filters of the analyses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.grid_ops.orders.selection import OrderFilter, parse_classes, parse_hours


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("22-6", [22, 23, 0, 1, 2, 3, 4, 5]),
        ("22:00-06:00", [22, 23, 0, 1, 2, 3, 4, 5]),
        ("7-9, 17-19", [7, 8, 17, 18]),
        ("7:00-9:30", [7, 8, 9]),
        ("0-24", list(range(24))),
        ("8", [8]),
        ("20至23", [20, 21, 22]),
    ],
)
def test_hours(text, hours):
    assert sorted(np.flatnonzero(parse_hours(text))) == sorted(hours)


@pytest.mark.parametrize("text", ["night", "25-3", "7-", "7-9-11", "²", "24"])
def test_bad_hours_name_the_text(text):
    with pytest.raises(ValueError, match="hours"):
        parse_hours(text)


def test_a_single_hour_with_control_whitespace():
    # hypothesis found it: "0\x1f" passed the digit check after strip() but int() refused the raw text
    assert list(np.flatnonzero(parse_hours("0\x1f"))) == [0]


@given(st.text(max_size=12))
def test_any_text_gives_hours_or_a_clear_error(text):
    try:
        hours = parse_hours(text)
    except ValueError as err:
        assert "hours" in str(err)
    else:
        assert hours is None or (hours.shape == (24,) and hours.dtype == bool)


def test_filter_by_class_group_date_and_night_hours():
    codes = np.array(["0601", "0602", "0503", "0601", "0601", None], dtype=object)
    times = np.array(
        ["2025-06-01T23:30", "2025-06-02T03:00", "2025-06-02T23:00", "2025-06-02T12:00", "2025-07-01T23:00", "NaT"],
        dtype="datetime64[s]",
    )
    f = OrderFilter(
        classes=parse_classes("noise"),
        start=np.datetime64("2025-06-01"),
        end=np.datetime64("2025-07-01"),
        hours=parse_hours("22-6"),
        class_groups={"0601": "noise", "0602": "noise", "0503": "parking"},
    )
    assert f.mask(codes, times).tolist() == [True, True, False, False, False, False]
    assert OrderFilter(classes={"06"}).mask(codes).tolist() == [True, True, False, True, True, False]
    assert OrderFilter().mask(codes, times).all()
    with pytest.raises(ValueError, match="time field"):
        OrderFilter(hours=parse_hours("1-2")).mask(codes, None)


def test_no_filter_on_a_layer_without_class_or_time_keeps_every_order():
    """A layer with neither field: the empty filter keeps all of them (it once kept none)."""
    assert OrderFilter().mask(None, None, count=4).tolist() == [True] * 4
    assert OrderFilter().mask(np.array(["0601"], dtype=object), None, count=99).tolist() == [True]


def test_a_bare_clock_time_passes_an_hour_filter_but_never_a_date_filter():
    """ "8:00" has no date (issue 24: it was read as today): the night-hours filter may still take it."""
    from gridgov.grid_ops.orders.times import parse_times

    parsed = parse_times(["2025-01-05 23:30", "23:10", "8:00", "", "2025-01-05 09:00"])
    night = OrderFilter(hours=parse_hours("22-6"))
    assert night.mask(None, parsed.times, time_of_day=parsed.time_of_day).tolist() == [True, True, False, False, False]
    dated = OrderFilter(start=np.datetime64("2025-01-01"), hours=parse_hours("22-6"))
    assert dated.mask(None, parsed.times, time_of_day=parsed.time_of_day).tolist() == [True, False, False, False, False]
