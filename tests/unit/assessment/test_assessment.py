"""The unit assessment against a direct pandas computation of each definition, written out plainly
here; periods, ranks, weights, the overdue list, the topics, the report, and hostile input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.assessment import AssessmentRequest, AssessmentRequestError, assess, parse_weights, write_report
from gridgov.grid_ops.assessment.engine import NoCreatedTimeError
from gridgov.grid_ops.orders.positions import MissingColumnError

AS_OF = pd.Timestamp("2025-04-10 12:00:00")


def _orders(n: int = 3000, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(export as text, the same as values): 12 units over three months, every lifecycle field, with
    orders unsigned, open, unrated, re-dispatched, urgent, repeated, and a few with a due time."""
    rng = np.random.default_rng(seed)
    created = pd.Series(pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 98 * 86400, n), unit="s"))
    has_dispatch = rng.random(n) < 0.9
    dispatched = created + pd.to_timedelta(np.where(has_dispatch, rng.integers(60, 7200, n), 0), unit="s")
    dispatched = dispatched.where(has_dispatch)
    urgent = rng.random(n) < 0.1
    unit = rng.choice([f"U{k:02d}" for k in range(12)], n, p=np.r_[np.full(11, 0.085), 0.065])
    slow = np.char.endswith(unit.astype(str), "3")
    sign_hours = rng.exponential(np.where(slow, 30.0, 6.0))
    responded = dispatched.fillna(created) + pd.to_timedelta(np.round(sign_hours * 3600), unit="s")
    responded = responded.where(rng.random(n) < 0.93)  # some never signed off
    is_closed = rng.random(n) < 0.85
    closed = created + pd.to_timedelta(np.round(rng.exponential(np.where(slow, 200.0, 60.0)) * 3600) + 3600, unit="s")
    closed = closed.where(is_closed)
    has_due = rng.random(n) < 0.3
    due = (created + pd.to_timedelta(rng.integers(2, 10, n), unit="D")).where(has_due)
    resolved = np.where(rng.random(n) < 0.8, np.where(rng.random(n) < 0.85, "是", "否"), "")
    satisfaction = rng.choice(
        ["满意", "基本满意", "不满意", "一般", "未评价", ""], n, p=[0.45, 0.2, 0.12, 0.05, 0.13, 0.05]
    )
    redispatch = rng.choice(["0", "1", "2", ""], n, p=[0.85, 0.08, 0.02, 0.05])
    repeat = rng.choice(["True", "False"], n, p=[0.2, 0.8])
    category = rng.choice(["0601", "0503", "0101", "0801"], n, p=[0.4, 0.3, 0.2, 0.1])

    def text(times: pd.Series) -> np.ndarray:
        return times.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").to_numpy(dtype=object)

    export = pd.DataFrame(
        {
            "工单编号": [f"GD{i:05d}" for i in range(n)],
            "resp_code": unit,
            "受理时间": text(pd.Series(created)),
            "派单时间": text(pd.Series(dispatched)),
            "签收时间": text(pd.Series(responded)),
            "办结时间": text(pd.Series(closed)),
            "办理时限": text(pd.Series(due)),
            "工单状态": np.where(is_closed, "办结", "办理中"),
            "是否解决": resolved,
            "满意度": satisfaction,
            "改派次数": redispatch,
            "紧急程度": np.where(urgent, "紧急", "一般"),
            "is_repeat": repeat,
            "class_code": category,
        }
    )
    values = pd.DataFrame(
        {
            "unit": unit,
            "created": pd.Series(created),
            "dispatched": pd.Series(dispatched),
            "responded": pd.Series(responded),
            "closed": pd.Series(closed),
            "due": pd.Series(due),
            "is_closed": is_closed,
            "urgent": urgent,
            "resolved": resolved,
            "satisfaction": satisfaction,
            "redispatch": redispatch,
            "repeat": repeat == "True",
            "class_code": category,
        }
    )
    return export, values


def _expected(v: pd.DataFrame, period: str = "month", as_of: pd.Timestamp = AS_OF) -> pd.DataFrame:
    """Every rate of the module docstring, computed directly."""
    v = v.copy()
    v["period"] = {"month": v["created"].dt.strftime("%Y-%m"), "all": pd.Series("all", index=v.index)}[period]
    start = v["dispatched"].fillna(v["created"])
    sign_deadline = start + pd.to_timedelta(np.where(v["urgent"], 2, 24), unit="h")
    signed = v["responded"].notna()
    v["resp_num"] = signed & (v["responded"] <= sign_deadline)
    v["resp_den"] = signed | (as_of > sign_deadline)
    deadline = v["due"].fillna(v["created"] + pd.Timedelta(days=7))
    v["close_num"] = v["is_closed"] & (v["closed"] <= deadline)
    v["close_den"] = v["is_closed"] | (as_of > deadline)
    v["hours"] = (v["closed"] - v["created"]).dt.total_seconds() / 3600
    v["res_num"] = v["resolved"] == "是"
    v["res_den"] = v["resolved"] != ""
    v["sat_num"] = v["satisfaction"].isin(["满意", "基本满意"])
    v["sat_den"] = v["satisfaction"].isin(["满意", "基本满意", "不满意", "一般"])
    v["red_num"] = v["redispatch"].isin(["1", "2"])
    g = v.groupby(["unit", "period"])
    out = pd.DataFrame(
        {
            "n_orders": g.size(),
            "response_rate": g["resp_num"].sum() / g["resp_den"].sum(),
            "ontime_close_rate": g["close_num"].sum() / g["close_den"].sum(),
            "close_rate": g["is_closed"].mean(),
            "median_hours": g["hours"].median(),
            "p90_hours": g["hours"].quantile(0.9),
            "resolution_rate": g["res_num"].sum() / g["res_den"].sum(),
            "satisfaction_rate": g["sat_num"].sum() / g["sat_den"].sum(),
            "repeat_rate": g["repeat"].mean(),
            "redispatch_rate": g["red_num"].mean(),
        }
    )
    out["score"] = 100 * (0.3 * out["response_rate"] + 0.35 * out["resolution_rate"] + 0.35 * out["satisfaction_rate"])
    return out


def test_every_rate_equals_a_direct_computation():
    export, values = _orders()
    result = assess(export, AssessmentRequest(as_of=str(AS_OF)))
    got = result.units.set_index(["unit", "period"]).sort_index()
    expected = _expected(values).sort_index()
    assert list(got.index) == list(expected.index)
    for column in expected.columns:
        np.testing.assert_allclose(
            got[column].to_numpy(float), expected[column].to_numpy(float), rtol=1e-12, err_msg=column
        )
    assert (result.orders["row_status"] == "ok").all() and (result.orders["problem"] == "").all()


def test_ranks_and_rank_changes_follow_the_scores():
    export, values = _orders()
    units = assess(export, AssessmentRequest(as_of=str(AS_OF), min_orders=60)).units
    expected = _expected(values).reset_index()
    expected["rated"] = expected["n_orders"] >= 60
    expected["rank"] = expected[expected["rated"]].groupby("period")["score"].rank(ascending=False, method="min")
    months = sorted(expected["period"].unique())
    previous = {m: p for p, m in zip(months, months[1:])}
    before = expected.set_index(["unit", "period"])["rank"]
    expected["rank_change"] = [
        before.get((u, previous.get(p)), np.nan) - r
        for u, p, r in zip(expected["unit"], expected["period"], expected["rank"])
    ]
    got = units.set_index(["unit", "period"]).sort_index()
    want = expected.set_index(["unit", "period"]).sort_index()
    assert got["rated"].tolist() == want["rated"].tolist()
    np.testing.assert_array_equal(got["rank"].to_numpy(float, na_value=np.nan), want["rank"].to_numpy(float))
    np.testing.assert_array_equal(
        got["rank_change"].to_numpy(float, na_value=np.nan), want["rank_change"].to_numpy(float)
    )
    assert not got["rated"].all() and got["rank_change"].notna().any()
    unrated = got[~got["rated"]]
    assert unrated["rank"].isna().all() and unrated["note"].str.startswith("not ranked: too few orders").all()
    # the table reads best first within each period
    for _, part in units.groupby("period", sort=False):
        ranked = part["rank"].dropna().to_numpy()
        assert (np.diff(ranked) >= 0).all()


def test_weights_and_periods():
    export, values = _orders()
    request = AssessmentRequest(period="all", weights="ontime_close=1, 办结率=3", as_of=str(AS_OF))
    units = assess(export, request).units.set_index("unit").sort_index()
    expected = _expected(values, "all").droplevel("period").sort_index()
    score = 100 * (0.25 * expected["ontime_close_rate"] + 0.75 * expected["close_rate"])
    np.testing.assert_allclose(units["score"].to_numpy(), score.to_numpy(), rtol=1e-12)
    assert (units["period"] == "all").all() and units["rank_change"].isna().all()
    created = values["created"]
    for period, labels in (
        ("week", created.dt.isocalendar().apply(lambda r: f"{r['year']}-W{r['week']:02d}", axis=1)),
        ("quarter", created.dt.to_period("Q").astype(str)),
        ("month", created.dt.strftime("%Y-%m")),
    ):
        orders = assess(export, AssessmentRequest(period=period, as_of=str(AS_OF))).orders
        assert orders["period"].tolist() == labels.tolist(), period


def test_iso_weeks_at_year_ends():
    days = pd.date_range("2018-12-24", "2027-01-10", freq="D")
    frame = pd.DataFrame({"resp_code": "U", "受理时间": days.strftime("%Y-%m-%d 12:00:00")})
    orders = assess(frame, AssessmentRequest(period="week")).orders
    iso = days.isocalendar()
    assert orders["period"].tolist() == [f"{y}-W{w:02d}" for y, w in zip(iso["year"], iso["week"])]


def test_parse_weights():
    assert parse_weights("response=30, resolution=35; satisfaction=35") == (
        ("response_rate", 0.3),
        ("resolution_rate", 0.35),
        ("satisfaction_rate", 0.35),
    )
    assert dict(parse_weights("响应率：3，满意率：1")) == {"response_rate": 0.75, "satisfaction_rate": 0.25}
    assert dict(parse_weights({"close_rate": 2})) == {"close_rate": 1.0}
    for bad, said in (
        ("speed=1", "no rate"),
        ("response=-1", "≥ 0"),
        ("response=0", "above 0"),
        ("response", "rate=weight"),
    ):
        with pytest.raises(AssessmentRequestError, match=said):
            parse_weights(bad)
    with pytest.raises(AssessmentRequestError, match="PERIOD"):
        AssessmentRequest(period="year")
    with pytest.raises(AssessmentRequestError, match="RESPONSE_HOURS"):
        AssessmentRequest(response_hours=0)
    with pytest.raises(AssessmentRequestError, match="AS_OF"):
        assess(_orders(20)[0], AssessmentRequest(as_of="soon"))


def test_missing_columns_are_named():
    export, _ = _orders(50)
    with pytest.raises(MissingColumnError, match="UNIT_FIELD"):
        assess(export, AssessmentRequest(unit_field="street_code"))
    with pytest.raises(MissingColumnError, match="SATISFACTION_FIELD"):
        assess(export, AssessmentRequest(satisfaction_field="评价等级"))
    with pytest.raises(NoCreatedTimeError, match="CREATED_FIELD"):
        assess(pd.DataFrame({"resp_code": ["A"], "x": [1]}))


def test_a_rate_without_its_column_leaves_the_score_and_says_so():
    export, values = _orders()
    result = assess(export.drop(columns=["签收时间"]), AssessmentRequest(as_of=str(AS_OF)))
    units = result.units.set_index(["unit", "period"]).sort_index()
    expected = _expected(values).sort_index()
    score = 100 * (0.5 * expected["resolution_rate"] + 0.5 * expected["satisfaction_rate"])
    np.testing.assert_allclose(units["score"].to_numpy(), score.to_numpy(), rtol=1e-12)
    assert units["response_rate"].isna().all()
    assert any("left out of the score" in m and "response_rate (30%)" in m for m in result.messages)
    assert result.weights == pytest.approx({"resolution_rate": 0.5, "satisfaction_rate": 0.5})


def test_overdue_orders_and_their_owners():
    export, values = _orders()
    result = assess(export, AssessmentRequest(as_of=str(AS_OF)))
    deadline = values["due"].fillna(values["created"] + pd.Timedelta(days=7))
    late = ~values["is_closed"] & (deadline < AS_OF)
    overdue = result.overdue
    assert sorted(overdue["row"]) == list(np.flatnonzero(late))
    hours = ((AS_OF - deadline[late]).dt.total_seconds() / 3600).to_numpy()
    by_row = overdue.set_index("row")
    np.testing.assert_allclose(by_row.loc[np.flatnonzero(late), "hours_overdue"].to_numpy(), hours)
    assert (by_row["unit"] == values.loc[by_row.index, "unit"]).all()
    assert by_row["order_id"].tolist() == export.loc[by_row.index, "工单编号"].tolist()
    assert (np.diff(overdue["hours_overdue"].to_numpy()) <= 0).all()  # longest overdue first


def test_topics_rank_classes_by_unresolved_orders():
    export, values = _orders()
    topics = assess(export, AssessmentRequest(as_of=str(AS_OF))).topics
    v = values.assign(period=values["created"].dt.strftime("%Y-%m"))
    g = v.groupby(["period", "class_code"])
    answered = g["resolved"].apply(lambda s: (s != "").sum())
    rate = g["resolved"].apply(lambda s: (s == "是").sum()) / answered
    unresolved = g.size() * (1 - rate)
    got = topics.set_index(["period", "class_code"]).sort_index()
    np.testing.assert_allclose(got["unresolved"].to_numpy(), unresolved.sort_index().to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(got["n_units"].to_numpy(), g["unit"].nunique().sort_index().to_numpy())
    for period, part in topics.groupby("period"):
        best = unresolved.loc[period].idxmax()
        assert part.iloc[0]["class_code"] == best and part.iloc[0]["topic_rank"] == 1


def test_report_has_a_sheet_per_table(tmp_path):
    export, _ = _orders(400)
    result = assess(export, AssessmentRequest(as_of=str(AS_OF), min_orders=5))
    written = write_report(result, tmp_path / "assessment.xlsx")
    assert written[0].name == "assessment.xlsx" and all(p.exists() for p in written)
    book = pd.read_excel(written[0], sheet_name=None)
    assert list(book) == ["考评 Assessment", "超期 Overdue", "每月一题 Topics", "说明 Notes"]
    units = book["考评 Assessment"]
    assert len(units) == len(result.units) and len(book["超期 Overdue"]) == len(result.overdue)
    first = result.units.iloc[0]
    assert units.loc[0, "response_rate %"] == pytest.approx(round(first["response_rate"] * 100, 1))
    notes = book["说明 Notes"]
    assert notes["text"].str.contains("基本满意").any() and notes["text"].str.contains("score = 100").any()


def test_an_empty_table():
    frame = pd.DataFrame({"resp_code": pd.Series([], dtype=object), "受理时间": pd.Series([], dtype=object)})
    result = assess(frame)
    assert result.units.empty and result.overdue.empty and result.orders.empty and result.topics.empty
    assert list(result.units.columns)[:16] == [
        "unit",
        "period",
        "n_orders",
        "response_rate",
        "ontime_close_rate",
        "close_rate",
        "median_hours",
        "p90_hours",
        "resolution_rate",
        "satisfaction_rate",
        "repeat_rate",
        "redispatch_rate",
        "score",
        "rank",
        "rank_change",
        "rated",
    ]


_TIMES = ["2025-01-05 08:00:00", "2025-01-04 08:00:00", "2025-01-06 09:30", "2025-13-45 25:61:00", "昨天", "", None]
_TIMES += ["2025/1/7 10:00", "2025-01-05T08:00:00+08:00", "45662.5", "0000-00-00"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "", None, "C"]),
            *(st.sampled_from(_TIMES) for _ in range(5)),
            st.sampled_from(["办结", "办理中", "Closed", "??", "", None]),
            st.sampled_from(["满意", "基本满意", "不满意", "未评价", "很好", "", None, "3"]),
            st.sampled_from(["是", "否", "", "x", None]),
            st.sampled_from(["0", "1", "-2", "a", "", None]),
        ),
        max_size=40,
    ),
    st.sampled_from(["month", "week", "all"]),
)
def test_hostile_input_loses_no_row(rows, period):
    """Nulls, closing before acceptance, unreadable dates, unknown words: every row comes out once,
    counted in its unit or flagged, each unreadable value named in its row's problem."""
    columns = [
        "resp_code",
        "受理时间",
        "派单时间",
        "签收时间",
        "办结时间",
        "办理时限",
        "状态",
        "满意度",
        "是否解决",
        "改派次数",
    ]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    result = assess(frame, AssessmentRequest(period=period, min_orders=1))
    orders = result.orders
    assert orders["row"].tolist() == list(range(len(frame)))
    ok = orders["row_status"] == "ok"
    assert result.units["n_orders"].sum() == ok.sum()
    assert (orders.loc[~ok, "problem"].str.contains("受理时间")).all()
    for column, bad in (("满意度", {"很好", "3"}), ("是否解决", {"x"}), ("改派次数", {"-2", "a"}), ("状态", {"??"})):
        named = frame[column].isin(bad).to_numpy()
        assert orders.loc[named, "problem"].str.contains(column).all(), column
    for column in ("受理时间", "派单时间", "签收时间", "办结时间"):
        unreadable = frame[column].isin(["2025-13-45 25:61:00", "昨天", "0000-00-00"]).to_numpy()
        assert orders.loc[unreadable, "problem"].str.contains(column).all(), column
    backwards = (frame["受理时间"] == "2025-01-05 08:00:00") & (frame["办结时间"] == "2025-01-04 08:00:00")
    closed = ~frame["状态"].isin(["办理中"]) | (frame["办结时间"].fillna("") != "")
    assert orders.loc[(backwards & closed).to_numpy(), "problem"].str.contains("closed before it was accepted").all()
    assert orders.loc[(backwards & closed).to_numpy(), "handling_hours"].isna().all()
    rates = result.units[["response_rate", "ontime_close_rate", "close_rate", "resolution_rate", "satisfaction_rate"]]
    assert ((rates >= 0) & (rates <= 1) | rates.isna()).all().all()
