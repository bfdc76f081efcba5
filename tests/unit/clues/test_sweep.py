"""一案带一类 (grid_ops/clues/sweep.py): the grids of one class, ranked by cases and recency."""

from __future__ import annotations

import pandas as pd
import pytest

from gridgov.grid_ops.clues.sweep import SweepError, SweepRequest, class_sweep
from gridgov.grid_ops.orders.classify import shipped_class_groups

ROWS = [  # grid, class, time, case, text
    ("G1", "0402", "2025-11-01 10:00", "C1", "香蜜路84号井盖没了"),
    ("G1", "0402", "2025-11-03 10:00", "C1", "香蜜路井盖又被报了"),  # same case: one case, two orders
    ("G1", "0402", "2025-06-01 10:00", "C2", "田心花园门口井盖松动"),
    ("G2", "0402", "2025-12-01 10:00", "C3", "金湖大道井盖缺失"),
    ("G2", "0402", "2025-12-20 10:00", "C4", "金湖大道井盖响"),
    ("G3", "0402", "2025-12-30 10:00", "C5", "解放学校门口井盖"),
    ("G4", "0402", "2024-06-01 10:00", "C6", "太久以前的井盖"),  # outside 12 months
    ("G3", "0601", "2025-12-31 10:00", "C7", "装修噪音"),  # another class: its time does not end the window
    ("G4", "0602", "2025-12-01 10:00", "C8", "商铺音响"),
]


@pytest.fixture
def orders():
    return pd.DataFrame(ROWS, columns=["grid_code", "class_code", "reported_at", "case_id", "description"])


def test_grids_are_ranked_by_cases_then_recency(orders, town):
    sweep = class_sweep(orders, SweepRequest(class_code="0402"), town["book"])
    table = sweep.table
    assert list(table["grid_code"]) == ["G2", "G1", "G3"]  # G2 and G1 both 2 cases: G2's last is newer
    assert list(table["cases"]) == [2, 2, 1] and list(table["orders"]) == [2, 3, 1]
    assert list(table["sweep_rank"]) == [1, 2, 3]
    assert str(sweep.end) == "2025-12-30T10:00:00"
    assert table.set_index("grid_code").loc["G1", "places"] == "香蜜路(2)、田心花园(1)"
    assert table.set_index("grid_code").loc["G3", "days_since_last"] == 0.0
    assert table.set_index("grid_code").loc["G2", "recent_orders"] == 2


def test_one_case_sweeps_its_class_up_to_its_time(orders):
    sweep = class_sweep(orders, SweepRequest(case_id="C1", months=6))
    assert sweep.classes == ("0402",)
    assert str(sweep.end) == "2025-11-03T10:00:00"
    assert list(sweep.table["grid_code"]) == ["G1"]  # June is in, December after the case is not


def test_a_case_from_another_table(orders):
    clue = pd.DataFrame({"case_id": ["XS000001"], "class_code": ["0602"], "reported_at": ["2025-12-05 09:00"]})
    sweep = class_sweep(orders, SweepRequest(case_id="XS000001"), case_source=clue)
    assert list(sweep.table["grid_code"]) == ["G4"]


def test_a_case_group_sweeps_its_classes(orders):
    sweep = class_sweep(orders, SweepRequest(class_code="noise"), groups=shipped_class_groups())
    assert set(sweep.table["grid_code"]) == {"G3", "G4"}
    assert "0601" in sweep.classes and "0605" in sweep.classes


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (SweepRequest(), "name a class"),
        (SweepRequest(case_id="C99"), "not among"),
        (SweepRequest(class_code="9999"), "no order of class"),
        (SweepRequest(class_code="0402", time_field="when"), "TIME_FIELD"),
    ],
)
def test_a_sweep_that_cannot_start_says_why(orders, request_, message):
    with pytest.raises(SweepError, match=message):
        class_sweep(orders, request_)


def test_the_case_table_may_name_its_time_otherwise(orders):
    clue = pd.DataFrame({"case_id": ["XS000001"], "class_code": ["0602"], "posted_at": ["2025-12-05 09:00"]})
    sweep = class_sweep(orders, SweepRequest(case_id="XS000001", case_time_field="posted_at"), case_source=clue)
    assert str(sweep.end) == "2025-12-05T09:00:00"
