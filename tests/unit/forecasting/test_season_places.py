"""The season-ahead list of places (estates): orders counted at the nearest place within reach, the
same seasons and weights as the grid list."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gridgov.grid_ops.forecasting import early_warning
from gridgov.grid_ops.forecasting.request import EarlyWarningRequest
from gridgov.grid_ops.forecasting.warning import PLACE, nearest_place, season_places


def test_nearest_place_within_reach_or_none():
    places = np.array([[0.0, 0.0], [100.0, 0.0]])
    names = np.array(["甲小区", "乙小区"], dtype=object)
    orders = np.array([[5.0, 0.0], [96.0, 3.0], [50.0, 60.0], [np.nan, 1.0]])
    assert list(nearest_place(orders, places, names, within=30.0)) == ["甲小区", "乙小区", "", ""]


def test_place_list_ranks_the_places_as_the_grid_list_ranks_grids():
    rng = np.random.default_rng(3)
    months = pd.date_range("2022-01-01", "2025-12-01", freq="MS")
    rows = []
    for month in months:
        heating = month.month in (11, 12, 1, 2, 3)
        for place, grid, busy in (("甲小区", "G1", 9), ("乙小区", "G1", 2), ("丙小区", "G2", 5)):
            for _ in range(rng.poisson(busy if heating else 0.5)):
                rows.append((grid, "0801", month + pd.Timedelta(days=3), place))
    orders = pd.DataFrame(rows, columns=["grid_code", "class_code", "reported_at", "place"])
    request = EarlyWarningRequest(season_months=(11, 12, 1, 2, 3))
    listed = season_places(orders.drop(columns="place"), orders["place"].to_numpy(), request)
    assert list(listed.sort_values("rank")[PLACE]) == ["甲小区", "丙小区", "乙小区"]
    grids = early_warning(orders.drop(columns="place"), request).season
    # the places of a grid add up to the grid, season by season weighted alike
    g1 = grids.loc[grids["grid_code"] == "G1", "expected"].iat[0]
    places_g1 = listed.loc[listed[PLACE].isin(["甲小区", "乙小区"]), "expected"].sum()
    assert np.isclose(g1, places_g1, atol=0.002)  # both rounded to 3 decimals
    assert set(listed["season"]) == set(grids["season"])
