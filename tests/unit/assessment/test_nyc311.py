"""NYC 311 (one real day, ../shared/data/nyc): read in its own layout, the closure times per agency and
per community board equal a direct pandas computation on the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gridgov.grid_ops.assessment import AssessmentRequest, assess
from gridgov.grid_ops.orders.ordertable import read_orders

#: the project's copy of ../shared/data/nyc (see its README), so a fresh clone has it
NYC = Path(__file__).resolve().parents[2] / "data" / "nyc" / "nyc311_2022-05-01.csv"


@pytest.fixture(scope="module")
def nyc() -> pd.DataFrame:
    frame, _ = read_orders(NYC)  # as the plugin reads it: text columns
    return frame


def _direct(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Created → Closed in hours per group, straight from the file's text with its own format."""
    created = pd.to_datetime(frame["Created Date"], format="%m/%d/%Y %I:%M:%S %p")
    closed = pd.to_datetime(frame["Closed Date"].replace("", None), format="%m/%d/%Y %I:%M:%S %p")
    hours = (closed - created).dt.total_seconds() / 3600
    groups = hours.groupby(frame[by])
    return pd.DataFrame(
        {
            "n_orders": groups.size(),
            "median_hours": groups.median(),
            "p90_hours": groups.quantile(0.9),
            "close_rate": (frame["Status"] == "Closed").groupby(frame[by]).mean(),
        }
    )


@pytest.mark.parametrize("unit", ["Agency", "Community Board"])
def test_closure_times_per_unit_equal_pandas(nyc, unit):
    result = assess(nyc, AssessmentRequest(unit_field=unit, period="all"))
    got = result.units.set_index("unit").sort_index()
    expected = _direct(nyc, unit).sort_index()
    assert list(got.index) == list(expected.index)
    for column in expected.columns:
        np.testing.assert_allclose(
            got[column].to_numpy(float), expected[column].to_numpy(float), rtol=1e-12, err_msg=column
        )
    # on this day only the police closed orders (in hours); 61 of the 65 boards have closures
    assert got["median_hours"].notna().sum() == {"Agency": 1, "Community Board": 61}[unit]
    assert (result.orders["row_status"] == "ok").all()


def test_nyc_layout_is_recognised(nyc):
    result = assess(nyc, AssessmentRequest(unit_field="Agency", period="all"))
    fields = result.fields
    assert (fields["created"], fields["closed"], fields["due"], fields["status"]) == (
        "Created Date",
        "Closed Date",
        "Due Date",
        "Status",
    )
    # no sign-off, resolution or satisfaction in 311: nothing to weigh, said, and nothing ranked
    assert result.units["score"].isna().all() and not result.units["rated"].any()
    assert any("no score" in message for message in result.messages)
    # 311's own deadline is empty on this day: the 7-day default; nothing is a week old yet
    assert result.overdue.empty
    ranked = assess(nyc, AssessmentRequest(unit_field="Agency", period="all", weights="close=1", min_orders=5)).units
    assert ranked.loc[ranked["rated"], "rank"].min() == 1
