"""Per-grid counts, rates and period change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.grid_ops.analytics.gridstats import grid_stats, period_labels

GRIDS = pd.DataFrame({"grid_code": ["A", "B", "C"], "households": [500, 0, 250], "area_m2": [2e5, 1e5, 5e4]})


def test_counts_rates_and_percent_change():
    order_grid = np.array(["A", "A", "A", "B", "", "A", "C", "X"], dtype=object)
    classes = np.array(["0601", "0601", "0503", "0601", "0601", "0503", "0601", "0601"], dtype=object)
    times = np.array(
        [
            "2025-05-03",
            "2025-06-01",
            "2025-06-30",
            "2025-06-10",
            "2025-06-11",
            "2025-05-20",
            "2025-05-02",
            "2025-06-01",
        ],
        dtype="datetime64[s]",
    )
    table, long, facts = grid_stats(GRIDS, order_grid, classes, times, "month")
    assert table["grid_code"].tolist() == ["A", "B", "C"]
    assert table["cnt_total"].tolist() == [4, 1, 1]
    assert facts["outside_grids"] == 2 and facts["current"] == "2025-06" and facts["previous"] == "2025-05"
    assert table["cnt_0601"].tolist() == [2, 1, 1] and table["cnt_0503"].tolist() == [2, 0, 0]
    assert table["per_1k_hh"].tolist()[0] == 8.0 and np.isnan(table["per_1k_hh"][1])
    assert table["per_km2"].tolist() == [20.0, 10.0, 20.0]
    assert table["cur_cnt"].tolist() == [2, 1, 0]
    assert table["prev_cnt"].tolist() == [2, 0, 1]
    assert table["diff_cnt"].tolist() == [0, 1, -1]
    assert table["perc_chg"][0] == 0.0 and np.isnan(table["perc_chg"][1]) and table["perc_chg"][2] == -100.0
    assert long["count"].sum() == 6  # every order inside a grid, once
    assert set(long.columns) == {"grid_code", "class_code", "period", "count"}


def test_weeks_run_monday_to_sunday_and_bad_period():
    labels = period_labels(np.array(["2025-06-01", "2025-06-02"], dtype="datetime64[s]"), "week")
    assert labels[0] != labels[1]  # Sunday 1 June and Monday 2 June
    with pytest.raises(ValueError, match="period"):
        period_labels(np.array([], dtype="datetime64[s]"), "fortnight")


@given(st.lists(st.sampled_from(["A", "B", "C", "", "Z", None]), max_size=40))
def test_every_order_counted_once_or_reported_outside(codes):
    table, _, facts = grid_stats(GRIDS, np.array(codes, dtype=object))
    assert table["cnt_total"].sum() + facts["outside_grids"] == len(codes)


# --- the million-order paths: distinct codes handled once, integer keys counted -------------------

HOSTILE_CODES = ["A", " A", "A ", "B", "", None, float("nan"), 7, 7.0, "X", "甲 "]


@given(st.lists(st.sampled_from(HOSTILE_CODES), max_size=60))
def test_text_ids_read_as_as_text_strips(values):
    """Ids and labels give what as_text(values).str.strip() gives: None and NaN empty, numbers as
    text (7 and 7.0 apart), spaces stripped into one label."""
    from gridgov.grid_ops.schema import as_text, text_ids

    ids, labels = text_ids(np.array(values, dtype=object))
    assert labels[ids].tolist() == as_text(values).str.strip().tolist()
    assert len(set(labels.tolist())) == len(labels)


@pytest.mark.parametrize("sizes", [(5, 3, 4), (20_000, 400, 300)], ids=["counted per key", "sorted keys"])
def test_combination_counts_equal_groupby(sizes):
    """Both ways of counting (a count per possible key, or sorting when the key space is huge) give
    groupby(sort=True).size() on the labels."""
    from gridgov.grid_ops.analytics.gridstats import _combination_counts

    rng = np.random.default_rng(sum(sizes))
    n = 5_000
    parts = []
    for name, size in zip(("grid_code", "class_code", "period"), sizes):
        labels = np.array([f"{name[0]}{i:06d}" for i in rng.permutation(size)], dtype=object)
        parts.append((name, rng.integers(0, min(size, 50), n), labels))
    frame = pd.DataFrame({name: labels[ids] for name, ids, labels in parts})
    want = frame.groupby(list(frame.columns), sort=True).size().rename("count").reset_index()
    assert _combination_counts(parts).equals(want)


def test_text_ids_of_a_categorical_read_missing_as_empty():
    """order_grid_codes gives a categorical (missing: no grid): its ids are used as they are."""
    from gridgov.grid_ops.schema import as_text, text_ids

    values = pd.Categorical(["B", None, " A", "B", "A"], categories=["B", " A", "A", "C"])
    ids, labels = text_ids(values)
    assert labels[ids].tolist() == ["B", "", "A", "B", "A"] == as_text(np.asarray(values)).str.strip().tolist()
    assert len(set(labels.tolist())) == len(labels)
    table, _, facts = grid_stats(GRIDS, values)
    assert table["cnt_total"].tolist() == [2, 2, 0] and facts["outside_grids"] == 1


def test_repeat_flags_written_as_text_are_read_as_booleans():
    """An export's is_repeat column as text: "false", "否" and "0" are not repeats (astype(bool) said they were)."""
    codes = np.array(["A", "A", "A", "A", "C", "C"], dtype=object)
    flags = np.array(["true", "false", "否", "是", "0", ""], dtype=object)
    table, _, _ = grid_stats(GRIDS, codes, is_repeat=flags)
    rates = dict(zip(table["grid_code"], table["repeat_rate"]))
    assert rates["A"] == 0.5 and rates["C"] == 0.0
