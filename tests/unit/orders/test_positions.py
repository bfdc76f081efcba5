"""Per-row coordinate systems: every row placed or explained, hostile rows included (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.orders import positions

text_or_junk = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "NaN", "inf", "-0", "1e400", "１１４", "114,06", "22.6.1", "null"]),
)


def test_per_row_systems_and_named_problems():
    x = ["114.06", "１１４．０６", "", "abc", "22.6", "114.06", "114.06"]
    y = ["22.6", "22.6", "22.6", "22.6", "114.06", "22.6", "22.6"]
    systems = ["wgs84", "gcj02", "wgs84", "wgs84", "wgs84", "gcj-03", None]
    pos = positions.to_target(x, y, systems, "EPSG:4547", "lng", "lat", "coord_sys")
    assert pos.located.tolist() == [True, True, False, False, False, False, False]
    assert pos.problem[2] == "lng is empty"
    assert "lng 'abc' is not a number" in pos.problem[3]
    assert "look swapped" in pos.problem[4]
    assert "'gcj-03' is not a known coordinate system" in pos.problem[5]
    assert pos.problem[6] == "coord_sys is empty"
    # the GCJ-02 row is the same reported numbers, so ~300-600 m from the WGS84 one
    assert 100 < np.hypot(pos.x[0] - pos.x[1], pos.y[0] - pos.y[1]) < 1000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            text_or_junk,
            text_or_junk,
            st.one_of(st.none(), st.sampled_from(["wgs84", "gcj02", "bd09", "EPSG:4547", "4490", "x", ""])),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_hostile_rows_never_crash_and_every_row_is_explained(rows):
    x, y, systems = zip(*rows)
    pos = positions.to_target(list(x), list(y), list(systems), "EPSG:4547")
    assert len(pos.x) == len(rows)
    assert ((pos.problem != "") | pos.located).all()
    assert (pos.problem[pos.located] == "").all()


def test_a_row_in_a_vertical_system_is_that_rows_problem_not_a_crash():
    from gridgov.grid_ops.orders.positions import to_target

    pos = to_target([114.05, 5.0], [22.54, 3.0], ["wgs84", "EPSG:5773"], "EPSG:4547")
    assert np.isfinite(pos.x[0]) and np.isnan(pos.x[1])
    assert "EPSG:5773" in pos.problem[1] and "vertical" in pos.problem[1] and pos.problem[0] == ""
