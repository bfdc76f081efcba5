"""Placing orders: every row kept and explained, whatever is wrong with it (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.orders import coords
from gridgov.grid_ops.responsibility import geolocate, placement


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.floats(-1e7, 1e7), st.just(float("nan"))),
            st.one_of(st.floats(-1e7, 1e7), st.just(float("nan"))),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_assignment_of_random_points_keeps_every_row(points):
    import geopandas as gpd
    from shapely.geometry import box

    grids = gpd.GeoDataFrame(
        {"grid_code": ["a", "b"]}, geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs="EPSG:4547"
    )
    h = geolocate.Hierarchy(grids=geolocate.UnitLayer.from_frame(grids, "grid_code"))
    x, y = (np.array(v, dtype=float) for v in zip(*points))
    out = geolocate.assign(h, x, y, tolerance=25)
    assert len(out) == len(points)
    finite = np.isfinite(x) & np.isfinite(y)
    assert (out["match_method"][~finite] == "invalid").all()
    inside = finite & (x > 0) & (x < 200) & (y > 0) & (y < 100) & (x != 100)
    assert out["match_method"][inside].isin(["inside"]).all()
    assert (out["grid_code"][inside] == np.where(x[inside] < 100, "a", "b")).all()
    assert (out.loc[out["match_method"] == "nearest", "distance_m"] <= 25).all()


def test_geolocate_frame_with_everything_wrong_at_once():
    import geopandas as gpd
    from shapely.geometry import box

    grids = gpd.GeoDataFrame({"grid_code": ["g"]}, geometry=[box(500000, 2490000, 520000, 2510000)], crs="EPSG:4547")
    h = geolocate.Hierarchy(grids=geolocate.UnitLayer.from_frame(grids, "grid_code"))
    lon, lat = coords.convert([505000.0], [2500000.0], "EPSG:4547", "wgs84")
    frame = pd.DataFrame(
        {
            "x": [f"{lon[0]:.7f}", "", f"{lat[0]:.7f}", "2500000", "abc"],
            "y": [f"{lat[0]:.7f}", "", f"{lon[0]:.7f}", "505000", "1"],
            "sys": ["wgs84", "wgs84", "wgs84", "EPSG:4547", "wgs84"],
            "addr": ["", "", "", "", ""],
        }
    )
    out = placement.place_orders(
        frame, placement.OrderColumns(x="x", y="y", coord_sys_field="sys", address="addr"), h, "EPSG:4547"
    )
    assert out["match_method"].tolist() == ["inside", "invalid", "invalid", "invalid", "invalid"]
    assert "swapped" in out["problem"][2] and "swapped" in out["problem"][3]
    assert "x 'abc' is not a number" in out["problem"][4]
