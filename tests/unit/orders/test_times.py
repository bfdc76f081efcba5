"""Report times as exports write them (issue 24): bare times are not today, Chinese forms are read,
every unread value is counted, and a million values parse in well under a second per format."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.orders import repeats, times


def test_repeats_reexports_the_parser():
    assert repeats.parse_times is times.parse_times


def test_a_bare_time_is_not_today():
    parsed = repeats.parse_times(["8:00", "08:30:15", "8时30分", "下午3点", "2025-01-05 08:00"], "reported_at")
    assert np.isnat(parsed[0][:4]).all()  # never the day the analysis runs
    assert str(parsed[0][4]) == "2025-01-05T08:00:00"
    assert parsed[1][0] == "reported_at '8:00' is a time of day without a date"
    # the time of day is kept for hour filters, also where there is no date
    assert [str(v) for v in parsed.time_of_day] == [
        "28800 seconds",
        "30615 seconds",
        "30600 seconds",
        "54000 seconds",
        "28800 seconds",
    ]
    assert parsed.unread == 4 and parsed.empty == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年1月5日 08:00:00", "2025-01-05T08:00:00"),
        ("2025年1月5日 8时", "2025-01-05T08:00:00"),
        ("2025年1月5日8时30分", "2025-01-05T08:30:00"),
        ("2025-01-05 8点", "2025-01-05T08:00:00"),
        ("2025年01月05日", "2025-01-05T00:00:00"),
        ("2025年1月5日 下午3点20分", "2025-01-05T15:20:00"),
        ("2025年1月5日 8点半", "2025-01-05T08:30:00"),
        ("2025年1月5日 8时30分15秒", "2025-01-05T08:30:15"),
        ("２０２５－０１－０５　０８：００", "2025-01-05T08:00:00"),
        ("2025/1/5 8:00", "2025-01-05T08:00:00"),
        ("2025.1.5 8:00:05", "2025-01-05T08:00:05"),
        ("2025-1-5", "2025-01-05T00:00:00"),
        ("2025-01-05T08:00:00.250", "2025-01-05T08:00:00"),
        ("2025-01-05t08:00", "2025-01-05T08:00:00"),
        ("2025-01-05  08:00", "2025-01-05T08:00:00"),
        ("2025-01-05T08:00:00+0000", "2025-01-05T16:00:00"),
        ("2025-01-05 08:00:00 +08:00", "2025-01-05T08:00:00"),
        ("2025-01-05T08:00:00-05", "2025-01-05T21:00:00"),
        ("2025-01-05T00:00:00.5Z", "2025-01-05T08:00:00"),
    ],
)
def test_formats_real_exports_use(text, expected):
    parsed = times.parse_times([text], "t")
    assert str(parsed.times[0]) == expected, parsed.problem[0]
    assert parsed.unread == 0


def test_every_unread_value_is_counted():
    parsed = times.parse_times(["2025-01-05", "昨天晚上", "", None, "2025-13-01", "8:00", "Jan 5"], "t")
    assert parsed.unread == 4 and parsed.empty == 2
    assert times.count_unread(parsed.problem) == 4  # from the problem texts alone (tuple callers)
    # pandas 2 cannot read it, pandas 3 reads it as year 1: either way no date
    assert parsed.problem[6] in ("t 'Jan 5' has no year: not read as a date", "t 'Jan 5' is not a date and time")
    values, problem = parsed  # still unpacks as (times, problems) for the existing callers
    assert values.dtype == np.dtype("datetime64[s]") and len(problem) == 7


def test_numbers_are_excel_serials_or_yyyymmdd():
    parsed = times.parse_times(np.array([45662.5, 45662.0, np.nan, 20250105.0, -3.0]), "t")
    assert [str(v) for v in parsed.times[:2]] == ["2025-01-05T12:00:00", "2025-01-05T00:00:00"]
    assert str(parsed.times[3]) == "2025-01-05T00:00:00"
    assert parsed.problem[2] == "t is empty" and parsed.problem[4] == "t -3.0 is a number, not a date and time"
    mixed = times.parse_times([45662.25, "2025-01-05 06:00", 20250105, True], "t")
    assert [str(v) for v in mixed.times[:3]] == ["2025-01-05T06:00:00"] * 2 + ["2025-01-05T00:00:00"]
    assert np.isnat(mixed.times[3])


def test_datetime_input_passes_through():
    stamps = pd.Series(pd.to_datetime(["2025-01-05 08:00:00", None]))
    parsed = times.parse_times(stamps, "t")
    assert str(parsed.times[0]) == "2025-01-05T08:00:00" and parsed.problem[1] == "t is empty"
    aware = pd.Series(pd.to_datetime(["2025-01-05T00:00:00Z"]))
    assert str(times.parse_times(aware).times[0]) == "2025-01-05T08:00:00"


def test_offsets_keep_the_old_meaning():
    # China Standard Time as Asia/Shanghai (as before): 1988 had summer time
    parsed = times.parse_times(["1988-07-01T00:00:00Z", "2025-07-01T00:00:00Z"])
    assert [str(v) for v in parsed.times] == ["1988-07-01T09:00:00", "2025-07-01T08:00:00"]


def _export_like(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.datetime64("2024-01-01T00:00:00") + rng.integers(0, 365 * 86400, n).astype("timedelta64[s]")
    iso = base.astype(str)
    kinds = rng.integers(0, 6, n)
    out = np.empty(n, dtype=object)
    out[kinds == 0] = np.char.replace(iso[kinds == 0], "T", " ")
    out[kinds == 1] = np.char.add(iso[kinds == 1], "+08:00")
    out[kinds == 2] = [f"{v[:4]}/{int(v[5:7])}/{int(v[8:10])} {int(v[11:13])}:{v[14:16]}" for v in iso[kinds == 2]]
    out[kinds == 3] = iso[kinds == 3]
    out[kinds == 4] = [
        f"{v[:4]}年{int(v[5:7])}月{int(v[8:10])}日 {int(v[11:13])}时{v[14:16]}分" for v in iso[kinds == 4]
    ]
    out[kinds == 5] = [v[:10] for v in iso[kinds == 5]]
    return out


def test_fast_path_equals_the_slow_mixed_parser():
    values = _export_like(3000)
    fast = times.parse_times(values, "t").times
    chinese = np.array(["年" in v for v in values])
    slow = times.parse_times_slowly(values[~chinese], "t")[0]
    assert fast[~chinese].tolist() == slow.tolist()
    assert not np.isnat(fast).any()


def test_a_hundred_thousand_values_parse_fast():
    import time

    values = _export_like(100_000, seed=1)
    start = time.perf_counter()
    parsed = times.parse_times(values, "t")
    elapsed = time.perf_counter() - start
    assert parsed.unread == 0
    assert elapsed < 1.0, f"{elapsed:.2f} s for 100,000 values"


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=25),
            st.datetimes(min_value=pd.Timestamp("1971-01-01"), max_value=pd.Timestamp("2100-01-01")).map(str),
            st.sampled_from(["8:00", "2025年1月5日 8时", "2025/1/5 8:00", "2025-01-05T08:00:00Z", "45662", "", " "]),
            st.floats(allow_nan=True),
        ),
        max_size=30,
    )
)
def test_any_values_give_one_result_each_and_parts_agree(values):
    whole = times.parse_times(values, "t")
    assert len(whole.times) == len(values) == len(whole.problem) == len(whole.time_of_day)
    assert ((whole.problem == "") == ~np.isnat(whole.times)).all()
    assert whole.unread + whole.empty == int(np.isnat(whole.times).sum())
    parts = [times.parse_times(values[i : i + 7], "t") for i in range(0, len(values), 7)]
    if parts:
        assert np.concatenate([p.times for p in parts]).tolist() == whole.times.tolist()
        assert np.concatenate([p.problem for p in parts]).tolist() == whole.problem.tolist()


@pytest.mark.parametrize("text", ["2025", "2025-01", "2025/1", "2025.01", "2025年1月", "２０２５"])
def test_a_year_or_month_without_a_day_is_no_date(text):
    """Parsers date "2025" and "2025-01" to the 1st: an invented day, so the value stays unread."""
    parsed = times.parse_times([text, "2025-01-05"], "t")
    assert np.isnat(parsed.times[0]) and str(parsed.times[1]) == "2025-01-05T00:00:00"
    assert parsed.problem[0] == f"t {text!r} has no day: not read as a date"
    assert parsed.unread == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an offset needs a clock time before it: "-05" after a date is no offset
        ("2025 01-05", "2025-01-05T00:00:00"),
        # a range of clock times reads as its start, not as the offset -10:00
        ("2025-01-05 08:00-10:00", "2025-01-05T08:00:00"),
        ("2025-1-5 8:00-10:30", "2025-01-05T08:00:00"),
        ("2025年1月5日 8:00-10:00", "2025-01-05T08:00:00"),
        # offsets after a clock time keep their meaning
        ("2025-01-05T08:00-10:00", "2025-01-06T02:00:00"),
        ("2025-01-05 08:00:00-10:00", "2025-01-06T02:00:00"),
        ("2025-01-05 08:00:00.5-05:00", "2025-01-05T21:00:00"),
        ("2025-01-05 08:00-0500", "2025-01-05T21:00:00"),
        ("2025-01-05 08:00+08", "2025-01-05T08:00:00"),
        ("2025-01-05T00:00Z", "2025-01-05T08:00:00"),
        ("20250105T000000Z", "2025-01-05T08:00:00"),
    ],
)
def test_an_offset_needs_a_clock_time_and_a_range_is_no_offset(text, expected):
    parsed = times.parse_times([text], "t")
    assert str(parsed.times[0]) == expected, parsed.problem[0]
    assert parsed.problem[0] == ""


def test_mixed_time_formats_and_bad_ones():
    times, problem = repeats.parse_times(
        ["2025-01-01 00:02:09", "2025-01-01T00:03:26+08:00", "2025/1/1 00:09", "2025-01-01T00:00:00Z", "昨天晚上", ""],
        "reported_at",
    )
    assert str(times[1]) == "2025-01-01T00:03:26" and str(times[2]) == "2025-01-01T00:09:00"
    assert str(times[3]) == "2025-01-01T08:00:00"  # UTC to China Standard Time
    assert problem.tolist()[4:] == ["reported_at '昨天晚上' is not a date and time", "reported_at is empty"]


@pytest.mark.parametrize("kind", ["list", "array", "series"])
def test_times_parsed_in_parts_equal_one_parse(kind, monkeypatch):
    texts = ["2025-01-01 00:02:09", "2025-01-01T00:03:26+08:00", "2025/1/1 00:09", "2025-01-01T00:00:00Z",
             "昨天晚上", "", None, "2025-02-03", "2025-03-04T05:06:07-05:00"] * 3  # fmt: skip
    whole = repeats.parse_times(texts, "t")
    monkeypatch.setattr(times, "PARSE_PART", 4)  # the parser moved to grid_ops.orders.times
    values = {"list": texts, "array": np.array(texts, dtype=object),
              "series": pd.Series(texts, index=range(100, 100 + len(texts)))}[kind]  # fmt: skip
    parts = repeats.parse_times(values, "t")
    assert parts[0].tolist() == whole[0].tolist() and parts[1].tolist() == whole[1].tolist()


def test_bare_times_and_chinese_times_issue_24():
    """A bare time is not today (it moved gridstats' current period); Chinese forms are read."""
    texts = ["8:00", "2025年1月5日 08:00:00", "2025年1月5日 8时", "2025年1月5日8时30分", "2025-01-05 8点"]
    times, problem = repeats.parse_times(texts, "reported_at")
    assert np.isnat(times[0]) and "without a date" in problem[0]
    assert [str(t) for t in times[1:]] == ["2025-01-05T08:00:00", "2025-01-05T08:00:00", "2025-01-05T08:30:00",
                                           "2025-01-05T08:00:00"]  # fmt: skip
    assert (problem[1:] == "").all()
