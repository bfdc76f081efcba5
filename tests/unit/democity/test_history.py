"""The demo district's order archive (2023–2025) and issue 26's early-warning figures on its planted
truth: every planted December surge alerted (recall ≥ 90 %) with at most 5 % of the quiet grids
alerted, and the grids planted with rainy-season waterlogging first on the season-ahead list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gridgov.grid_ops.democity.history import MONTHS, SEASON_CLASS, SEASON_GRIDS, SURGES, _grid_of
from gridgov.grid_ops.forecasting import early_warning
from gridgov.grid_ops.forecasting.request import EarlyWarningJob


@pytest.fixture(scope="module")
def archive(demo_city_20k):
    history, grids = demo_city_20k["order_history"], demo_city_20k["grids"]
    codes = _grid_of(history.geometry.to_numpy(), grids)
    times = pd.to_datetime(history["reported_at"])
    orders = pd.DataFrame({"grid_code": codes, "class_code": history["class_code"], "reported_at": times})
    job = EarlyWarningJob(season="5-9")  # the toolbox's defaults, the rainy season
    return (
        demo_city_20k,
        orders,
        early_warning(orders, job.early_warning_request(), grids=grids["grid_code"].to_numpy()),
    )


def test_the_archive_spans_three_years_and_keeps_the_years_rhythm(archive):
    city, orders, _result = archive
    times = orders["reported_at"]
    assert times.min() >= MONTHS[0] and times.max() < MONTHS[-1] + pd.offsets.MonthBegin(1)
    per_year = times.dt.year.value_counts().sort_index()
    assert list(per_year.index) == [2023, 2024, 2025] and per_year.is_monotonic_increasing
    assert 0.8 < per_year[2025] / len(city["orders"]) < 1.3  # the year's size, plus the planted orders
    assert (orders["grid_code"] != "").mean() > 0.99  # near the year's true positions, inside the district
    assert city["order_history"]["order_id"].is_unique


def test_planted_surges_are_alerted_and_quiet_grids_are_not(archive):
    city, _orders, result = archive
    truth = city["truth_surges"]
    assert len(truth) == SURGES
    surges = result.alerts[result.alerts["alert_kind"] == "surge"]
    planted = set(zip(truth["grid_code"], truth["class_code"]))
    found = {key for key in zip(surges["grid_code"], surges["class_code"]) if key in planted}
    assert len(found) >= 0.9 * len(planted), sorted(planted - found)
    quiet = set(city["grids"]["grid_code"]) - set(truth["grid_code"])
    alerted = {g for g, c in zip(result.alerts["grid_code"], result.alerts["class_code"]) if (g, c) not in planted}
    assert len(alerted & quiet) <= 0.05 * len(quiet), f"{len(alerted & quiet)} of {len(quiet)} quiet grids alerted"


def test_the_rainy_season_grids_lead_the_season_ahead_list(archive):
    city, _orders, result = archive
    listed = result.season[result.season["class_code"] == SEASON_CLASS].sort_values("rank")
    planted = set(city["truth_season"]["grid_code"])
    assert len(planted) == SEASON_GRIDS
    top = set(listed["grid_code"].head(SEASON_GRIDS + 4))  # room for the planted hot area's own grids
    assert planted <= top, sorted(planted - top)
    assert (listed["season"] == "2026-05/2026-09").all()


def test_the_archive_is_drawn_from_its_own_stream(demo_city_20k):
    """Adding the archive left the year's orders as they were (the comparison of demo outputs relies on it)."""
    orders = demo_city_20k["orders"]
    assert orders["order_id"].iloc[0] == "GD202500000001" and len(orders) == 20_000
    assert np.isin(demo_city_20k["truth_surges"]["grid_code"], demo_city_20k["grids"]["grid_code"]).all()
