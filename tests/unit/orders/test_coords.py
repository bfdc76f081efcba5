"""GCJ-02 / BD-09 / CGCS2000 conversions against the published vectors and prcoords."""

from __future__ import annotations

import numpy as np
import prcoords
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.orders import coords

# DESIGN.md §4: WGS84 (lat, lon) → GCJ-02 (lat, lon)
VECTORS = [
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_published_vectors(wgs, gcj):
    lon, lat = coords.wgs84_to_gcj02(wgs[1], wgs[0])
    assert abs(float(lat) - gcj[0]) < 1e-9
    assert abs(float(lon) - gcj[1]) < 1e-9


def test_matches_prcoords_on_random_points_across_china():
    rng = np.random.default_rng(7)
    lon = rng.uniform(73.7, 134.7, 2000)
    lat = rng.uniform(18.2, 53.5, 2000)
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    b_lon, b_lat = coords.gcj02_to_bd09(g_lon, g_lat)
    for i in range(0, 2000, 7):
        ref = prcoords.wgs_gcj((lat[i], lon[i]))
        assert abs(g_lat[i] - ref.lat) < 1e-7 and abs(g_lon[i] - ref.lon) < 1e-7
        ref_bd = prcoords.gcj_bd(ref)
        assert abs(b_lat[i] - ref_bd.lat) < 1e-7 and abs(b_lon[i] - ref_bd.lon) < 1e-7


def test_round_trips_under_half_a_metre():
    rng = np.random.default_rng(11)
    lon = rng.uniform(73.7, 134.7, 10000)
    lat = rng.uniform(18.2, 53.5, 10000)
    for src in ("gcj02", "bd09"):
        x, y = coords.convert(lon, lat, "wgs84", src)
        back_lon, back_lat = coords.convert(x, y, src, "wgs84")
        metres = np.hypot((back_lon - lon) * 111320 * np.cos(np.radians(lat)), (back_lat - lat) * 110540)
        assert metres.max() < 0.5, src


def test_no_offset_outside_china():
    lon, lat = coords.wgs84_to_gcj02(np.array([-74.0, 2.35]), np.array([40.7, 48.85]))
    assert np.allclose(lon, [-74.0, 2.35]) and np.allclose(lat, [40.7, 48.85])


def test_projected_cgcs2000_round_trip():
    x, y = coords.convert([114.05], [22.6], "cgcs2000", "EPSG:4547")
    assert 400000 < x[0] < 600000 and 2400000 < y[0] < 2600000
    lon, lat = coords.convert(x, y, "EPSG:4547", "gcj02")
    back_x, back_y = coords.convert(lon, lat, "gcj02", "EPSG:4547")
    assert abs(back_x[0] - x[0]) < 0.01 and abs(back_y[0] - y[0]) < 0.01


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GCJ-02", "gcj02"),
        ("bd-09", "bd09"),
        ("WGS-84", "wgs84"),
        ("CGCS2000", "cgcs2000"),
        ("epsg:4547", "EPSG:4547"),
        ("4547", "EPSG:4547"),
        (" gcj_02 ", "gcj02"),
    ],
)
def test_coord_sys_spellings(text, expected):
    assert coords.normalise_coord_sys(text) == expected


@pytest.mark.parametrize("text", ["gcj-03", "", "EPSG:999999", "mars2"])
def test_bad_coord_sys_is_named(text):
    with pytest.raises(coords.CoordSysError):
        coords.normalise_coord_sys(text)


def test_nan_coordinates_stay_nan():
    lon, lat = coords.convert([np.nan, 114.0], [22.5, np.nan], "gcj02", "wgs84")
    assert np.isnan(lon[0]) and np.isnan(lat[1])


@settings(max_examples=200, deadline=None)
@given(st.floats(72.1, 137.7), st.floats(0.9, 55.7))
def test_gcj_inverse_is_exact(lon, lat):
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    w_lon, w_lat = coords.gcj02_to_wgs84(g_lon, g_lat)
    assert abs(float(w_lon) - lon) < 1e-8 and abs(float(w_lat) - lat) < 1e-8
