"""Reading the lifecycle columns of an orders export: which column holds what (Chinese, English, NYC
311), the words (满意 / 基本满意 / 不满意 / 未评价, 办结 / Closed, 紧急 ...), time limits, counts, and
the fast time reader against parse_times on hostile texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.orders import lifecycle
from gridgov.grid_ops.orders.lifecycle import lifecycle_fields, read_lifecycle, read_times
from gridgov.grid_ops.orders.ordertable import guess_order_fields
from gridgov.grid_ops.orders.positions import MissingColumnError
from gridgov.grid_ops.orders.times import parse_times

NYC = Path(__file__).resolve().parents[2] / "data" / "nyc" / "nyc311_2022-05-01.csv"  # a copy of ../shared/data/nyc


def test_chinese_export_columns_are_recognised():
    columns = ["工单编号", "受理时间", "派单时间", "签收时间", "办结时间", "办理时限", "工单状态", "承办单位"]
    columns += ["是否解决", "满意度", "退单次数", "紧急程度", "是否重复件", "事项类别"]
    fields = guess_order_fields(columns)
    assert (fields.created, fields.dispatched, fields.responded, fields.closed, fields.due) == (
        "受理时间",
        "派单时间",
        "签收时间",
        "办结时间",
        "办理时限",
    )
    assert (fields.status, fields.department, fields.resolved, fields.satisfaction) == (
        "工单状态",
        "承办单位",
        "是否解决",
        "满意度",
    )
    assert (fields.redispatch, fields.urgency, fields.repeat, fields.category) == (
        "退单次数",
        "紧急程度",
        "是否重复件",
        "事项类别",
    )
    other = guess_order_fields(["截止时间", "改派次数", "响应时间"])
    assert (other.due, other.redispatch, other.responded, other.closed) == ("截止时间", "改派次数", "响应时间", None)


def test_english_and_nyc_columns_are_recognised():
    header = pd.read_csv(NYC, nrows=0).columns
    fields = guess_order_fields(header)
    assert (fields.created, fields.closed, fields.due, fields.status, fields.department) == (
        "Created Date",
        "Closed Date",
        "Due Date",
        "Status",
        "Agency",
    )
    english = guess_order_fields(["created_at", "dispatched_at", "responded_at", "closed_at", "deadline", "priority"])
    assert (english.created, english.dispatched, english.responded, english.closed, english.due, english.urgency) == (
        "created_at",
        "dispatched_at",
        "responded_at",
        "closed_at",
        "deadline",
        "priority",
    )
    assert guess_order_fields(["order_id", "is_repeat"]).repeat == "is_repeat"  # findrepeats' flag


def test_created_falls_back_on_the_report_time():
    assert guess_order_fields(["reported_at", "办结时间"]).created == "reported_at"
    assert guess_order_fields(["reported_at", "受理时间"]).created == "受理时间"


def test_a_named_column_the_orders_lack_names_its_parameter():
    with pytest.raises(MissingColumnError, match="CLOSED_FIELD: the orders have no field 'gone'"):
        lifecycle_fields(["受理时间"], {"closed": "gone"}, {"closed": "CLOSED_FIELD"})
    assert lifecycle_fields(["受理时间", "完结"], {"closed": "完结"}).closed == "完结"


def test_words_are_read_and_unknown_ones_named_by_row():
    frame = pd.DataFrame(
        {
            "受理时间": ["2025-01-03 10:00:00"] * 8,
            "满意度": ["满意", "基本满意", "不满意", "未评价", "", "非常满意", "还行吧", " 一般 "],
            "是否解决": ["是", "否", "已解决", "未解决", "部分解决", "", "maybe", "YES"],
            "状态": ["办结", "办理中", "Closed", "In Progress", "已办结", "unspecified", "处理完了?", "待签收"],
            "紧急程度": ["紧急", "一般", "特急", "normal", "", "High", "超级急", "普通"],
            "改派次数": ["0", "1", "2", "", "1.0", "-1", "两次", "3"],
        }
    )
    life = read_lifecycle(frame, lifecycle_fields(frame.columns))
    s = lifecycle
    np.testing.assert_array_equal(
        life.satisfaction, [s.SATISFIED, s.BASIC, s.DISSATISFIED, np.nan, np.nan, s.SATISFIED, np.nan, s.NEUTRAL]
    )
    np.testing.assert_array_equal(life.resolved, [1, 0, 1, 0, 0, np.nan, np.nan, 1])
    np.testing.assert_array_equal(life.state, [1, 0, 1, 0, 1, np.nan, np.nan, 0])
    np.testing.assert_array_equal(life.urgent, [True, False, True, False, False, True, False, False])
    np.testing.assert_array_equal(life.redispatch, [0, 1, 2, 0, 1, np.nan, np.nan, 3])
    problem = list(life.problem)
    assert problem[:6] == ["", "", "", "", "", "改派次数 '-1' is not a count (0, 1, 2 ...)"]
    assert "满意度 '还行吧' is not a satisfaction answer" in problem[6]
    assert "是否解决 'maybe' is not a yes or no" in problem[6]
    assert "状态 '处理完了?' is not a state" in problem[6]
    assert "紧急程度 '超级急' is not an urgency" in problem[6]
    assert "改派次数 '两次' is not a count" in problem[6]
    assert problem[7] == ""
    assert life.unread == {"满意度": 1, "是否解决": 1, "状态": 1, "紧急程度": 1, "改派次数": 2}


def test_due_as_a_time_limit_counts_from_acceptance():
    frame = pd.DataFrame(
        {
            "受理时间": ["2025-01-03 10:00:00"] * 6 + [""],  # a Friday
            "办理时限": ["5个工作日", "7天", "48小时", "2025-01-09 18:00:00", "three days", "", "5天"],
        }
    )
    life = read_lifecycle(frame, lifecycle_fields(frame.columns))
    expected = ["2025-01-10T10:00:00", "2025-01-10T10:00:00", "2025-01-05T10:00:00", "2025-01-09T18:00:00"]
    np.testing.assert_array_equal(life.due[:4], np.array(expected, dtype="datetime64[s]"))
    assert np.isnat(life.due[4:]).all()
    assert "办理时限 'three days' is not a date and time" in life.problem[4]
    assert life.problem[5] == ""  # an empty due is no problem: the default deadline applies
    assert "受理时间 is empty" in life.problem[6]


def test_read_times_takes_datetime_columns_as_they_are():
    aware = pd.Series(pd.to_datetime(["2025-01-01T00:00:00Z", None], utc=True))
    times, problem, empty = read_times(aware, "t")
    np.testing.assert_array_equal(times[:1], np.array(["2025-01-01T08:00:00"], dtype="datetime64[s]"))
    assert np.isnat(times[1]) and empty.tolist() == [False, True] and list(problem) == ["", ""]


def _texts(moment: pd.Timestamp, kind: int) -> str:
    """One time written as exports write it, or broken."""
    t = moment
    forms = [
        f"{t:%Y-%m-%d %H:%M:%S}",
        f"{t:%Y-%m-%dT%H:%M:%S}+08:00",
        f"{t.year}/{t.month}/{t.day} {t.hour:02d}:{t.minute:02d}",
        f"{t:%Y-%m-%d %H:%M}",
        f"{t:%Y/%m/%d %H:%M:%S}",
        f"{t:%m/%d/%Y %I:%M:%S %p}",
        f"{t:%Y-%m-%dT%H:%M:%S}",
        f"{t.year}-{t.month}-{t.day} {t.hour}:{t.minute}:{t.second}",
        f"{t:%Y-%m-%d %H:%M:%S}+05:30",
        f"{t:%Y-%m-%dT%H:%M:%S}-0500",
        f"{t:%Y年%m月%d日 %H时%M分}",
        f" {t:%Y-%m-%d %H:%M:%S} ",
        f"{t:%Y-%m-%d} 24:00:00",
        f"{t.year}-13-{t.day:02d} 10:00:00",
        f"{t.year}-02-30 10:00:00",
        f"{t:%Y-%m-%d %H:%M:%S}+08:00",
        f"{t:%Y-%m-%d %H:%M}-10:00",
        f"{t:%d/%m/%Y %H:%M}",
        "昨天晚上",
        "N/A",
        "",
    ]
    return forms[kind % len(forms)]


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=pd.Timestamp("1850-01-01"), max_value=pd.Timestamp("2250-12-31")),
            st.integers(0, 40),
        ),
        min_size=1,
        max_size=60,
    ),
    st.lists(st.text(max_size=25), max_size=5),
)
def test_read_times_equals_parse_times(moments, noise):
    """The fast tiers read every value as parse_times does (NaT alike, problems alike)."""
    texts = [_texts(pd.Timestamp(m).floor("s"), k) for m, k in moments] + noise
    series = pd.Series(texts, dtype=object)
    times, problem, empty = read_times(series, "t")
    reference = parse_times(series, "t")
    same = (times == reference.times) | (np.isnat(times) & np.isnat(reference.times))
    assert same.all(), [(texts[i], times[i], reference.times[i]) for i in np.flatnonzero(~same)]
    expected = np.where(np.asarray(reference.problem) == "t is empty", "", reference.problem)
    assert list(problem) == list(expected)
    assert empty.tolist() == (np.asarray(reference.problem) == "t is empty").tolist()


def test_read_times_equals_parse_times_on_a_large_mixed_column():
    """Past the sampling (200 texts a length): the whole-column path, demo-like mix of formats."""
    rng = np.random.default_rng(7)
    base = pd.Timestamp("1984-06-01") + pd.to_timedelta(rng.integers(0, 45 * 365 * 86400, 6000), unit="s")
    texts = [_texts(t, int(k)) for t, k in zip(base, rng.choice([0, 0, 0, 1, 1, 2, 5, 12, 13, 15, 18, 20], 6000))]
    series = pd.Series(texts, dtype=object)
    times, _, _ = read_times(series, "t")
    reference = parse_times(series, "t").times
    assert ((times == reference) | (np.isnat(times) & np.isnat(reference))).all()
