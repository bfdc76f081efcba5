"""The demo orders' lifecycle: added columns only, consistent times, and the planted truth found by the
assessment (the slow street office and the dissatisfying department rank last, the low-resolution
class is every month's topic, the overdue list is the open orders past their deadline)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from gridgov.grid_ops.assessment import AssessmentRequest, assess
from gridgov.grid_ops.democity import build_demo_city, lifecycle
from gridgov.grid_ops.orders.ordertable import guess_order_fields

EXPORT = str(lifecycle.EXPORT_TIME)


@pytest.fixture(scope="module")
def city(demo_city_20k):
    return demo_city_20k


@pytest.fixture(scope="module")
def truth(city) -> lifecycle.LifecycleTruth:
    return lifecycle.lifecycle_truth(city["streets"])


@pytest.fixture(scope="module")
def orders(city) -> pd.DataFrame:
    """The orders with the street each truly lies in (point in polygon, here, from the truth layer)."""
    frame = city["orders"].copy()
    points = city["truth_orders"].geometry.values
    street = np.full(len(frame), "", dtype=object)
    for polygon, code in zip(city["streets"].geometry.values, city["streets"]["street_code"]):
        street[shapely.covers(polygon, points) & (street == "")] = code
    assert (street != "").all()
    frame["street_code"] = street
    return frame


def _times(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column.replace("", None), format="%Y-%m-%d %H:%M:%S")


def test_lifecycle_columns_are_added_and_every_other_column_stays(monkeypatch):
    with_lifecycle = build_demo_city(seed=3, n_orders=1500)
    monkeypatch.setattr(lifecycle, "lifecycle_columns", lambda times, *_: pd.DataFrame(index=range(len(times))))
    without = build_demo_city(seed=3, n_orders=1500)
    new = [c for c in with_lifecycle["orders"].columns if c not in without["orders"].columns]
    assert new == list(lifecycle.COLUMNS.values())
    pd.testing.assert_frame_equal(with_lifecycle["orders"].drop(columns=new), without["orders"])
    for name in ("truth_orders", "inspections", "truth_hotareas", "grids"):
        pd.testing.assert_frame_equal(with_lifecycle[name], without[name])
    fields = guess_order_fields(with_lifecycle["orders"].columns)
    assert {role: getattr(fields, role) for role in lifecycle.COLUMNS} == lifecycle.COLUMNS
    assert fields.created == "reported_at" and fields.status == "status"


def test_times_follow_each_other_and_stop_at_the_export(city):
    o = city["orders"]
    accepted = pd.to_datetime(city["truth_orders"]["true_time"])
    dispatched, responded, closed = (_times(o[lifecycle.COLUMNS[k]]) for k in ("dispatched", "responded", "closed"))
    is_open = o["status"] == lifecycle.OPEN
    assert (dispatched >= accepted).all()
    assert (responded.dropna() >= dispatched[responded.notna()]).all()
    assert (closed[~is_open] >= responded[~is_open]).all()
    assert closed[is_open].isna().all() and closed[~is_open].notna().all()
    export = pd.Timestamp(EXPORT)
    assert (dispatched < export).all() and (responded.dropna() < export).all() and (closed.dropna() < export).all()
    answered = o[lifecycle.COLUMNS["resolved"]] != ""
    assert not (answered & is_open).any()
    assert set(o.loc[is_open, lifecycle.COLUMNS["satisfaction"]]) == {""}


def test_the_slow_street_office_ranks_last(orders, truth):
    for period in ("all", "month"):
        units = assess(orders, AssessmentRequest(unit_field="street_code", period=period, as_of=EXPORT)).units
        assert units["rated"].all()
        last = units.loc[units.groupby("period")["rank"].idxmax(), "unit"]
        assert (last == truth.slow_street_code).all(), period
    whole = assess(orders, AssessmentRequest(unit_field="street_code", period="all", as_of=EXPORT)).units
    slow = whole.set_index("unit").loc[truth.slow_street_code]
    others = whole[whole["unit"] != truth.slow_street_code]
    assert slow["ontime_close_rate"] < others["ontime_close_rate"].min() - 0.2
    assert slow["median_hours"] > 2 * others["median_hours"].max()
    assert slow["response_rate"] < others["response_rate"].min() - 0.2


def test_the_low_satisfaction_department_ranks_last(orders, truth):
    department = lifecycle.COLUMNS["department"]
    for period in ("all", "month"):
        units = assess(orders, AssessmentRequest(unit_field=department, period=period, as_of=EXPORT)).units
        ranked = units[units["rated"]]
        last = ranked.loc[ranked.groupby("period")["rank"].idxmax(), "unit"]
        assert (last == truth.low_satisfaction_department).all(), period
        assert ranked["period"].nunique() == (1 if period == "all" else 12)
    worst = units.loc[units.groupby("period")["satisfaction_rate"].idxmin(), "unit"]  # the monthly table
    assert (worst == truth.low_satisfaction_department).all()


def test_the_low_resolution_class_is_every_months_topic(orders, truth):
    topics = assess(orders, AssessmentRequest(unit_field="street_code", as_of=EXPORT)).topics
    first = topics[topics["topic_rank"] == 1]
    assert len(first) == 12 and (first["class_code"] == truth.low_resolution_class).all()


def test_overdue_orders_are_the_open_ones_past_their_deadline(orders, truth):
    result = assess(orders, AssessmentRequest(unit_field="street_code", as_of=EXPORT))
    due = _times(orders[lifecycle.COLUMNS["due"]])
    late = (orders["status"] == lifecycle.OPEN) & (due < pd.Timestamp(EXPORT))
    assert set(result.overdue["order_id"]) == set(orders.loc[late, "order_id"])
    assert 0.005 < late.mean() < 0.03  # a list a grid centre can work through
    share = late.groupby(orders["street_code"]).mean()
    assert share.idxmax() == truth.slow_street_code and share.max() > 2 * share.drop(truth.slow_street_code).max()
    assert (result.overdue["unit"] != "").all() and (result.overdue["department"] != "").all()


def test_re_dispatched_orders_are_planted_and_signed_off_later(orders):
    count = orders[lifecycle.COLUMNS["redispatch"]]
    assert set(count) == {0, 1, 2}
    noise = orders["class_code"].isin(lifecycle.NOISE_CLASSES)
    assert (count[noise] > 0).mean() > 2 * (count[~noise] > 0).mean()
    dispatched, responded = (_times(orders[lifecycle.COLUMNS[k]]) for k in ("dispatched", "responded"))
    hours = (responded - dispatched).dt.total_seconds() / 3600
    assert hours[count > 0].median() > 3 * hours[count == 0].median()
