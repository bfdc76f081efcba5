"""Unit-grid codes: CJ/T 213 (14 digits) and DB11/T 2157 (15 digits) and the codes nested in them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.grid_ops.grids import codes
from gridgov.grid_ops.grids.regions import order_west_east_north_south


def test_parse_15_digit():
    code = codes.parse_grid_code("440399001002013")
    assert code.street_code == "440399001"
    assert code.community_code == "440399001002"
    assert code.sequence == "013"


def test_parse_14_digit():
    assert codes.parse_grid_code("32050801904401").sequence == "01"


@pytest.mark.parametrize("bad", ["", "44039900100201", "4403990010020134", "44039900100200A", "440399001002000", None])
def test_bad_codes_name_the_problem(bad):
    if bad == "44039900100201":  # 14 digits is valid
        codes.parse_grid_code(bad)
        return
    with pytest.raises(ValueError, match="grid code"):
        codes.parse_grid_code(bad)


@given(st.integers(1, 999), st.integers(1, 99), st.integers(1, 999))
def test_generate_then_parse(grid_seq, street_no, community_no):
    community = codes.community_code(codes.street_code("440399", street_no), community_no)
    text = codes.grid_code(community, grid_seq)
    parsed = codes.parse_grid_code(text)
    assert str(parsed) == text and int(parsed.sequence) == grid_seq
    micro = codes.micro_code(text, 7)
    assert micro.startswith(text) and len(micro) == 18


def test_dedicated_code_series():
    assert codes.dedicated_code("440399", 4, 12) == "440399Z04012"
    assert codes.DEDICATED_CODE_RE.match("440399Z04012")


def test_numbering_west_east_north_south():
    # a 2 x 3 block of units: north row first, then west to east
    x = np.array([0, 100, 200, 0, 100, 200])
    y = np.array([100, 100, 100, 0, 0, 0])
    shuffled = np.array([4, 0, 5, 2, 1, 3])
    rank = order_west_east_north_south(x[shuffled], y[shuffled], band=50)
    assert list(rank) == [4, 0, 5, 2, 1, 3]


def test_code_of_reads_null_and_real_codes_as_a_grid_centre_means_them():
    """NULL is no code (never the text "None"); a code a GIS stored as a Real is its integer text."""
    values = [None, float("nan"), pd.NA, " 440399001001001 ", 440399001001001.0, 440399001001001, "A-01", 12.5]
    assert codes.code_texts(values).tolist() == [
        "",
        "",
        "",
        "440399001001001",
        "440399001001001",
        "440399001001001",
        "A-01",
        "12.5",
    ]


def test_a_unit_layer_keeps_null_codes_empty():
    import geopandas as gpd
    import shapely

    from gridgov.grid_ops.responsibility.geolocate import UnitLayer

    frame = gpd.GeoDataFrame(
        {"code": [None, 440399001001002.0]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    )
    assert UnitLayer.from_frame(frame, "code").codes.tolist() == ["", "440399001001002"]
