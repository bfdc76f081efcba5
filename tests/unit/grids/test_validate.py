"""gridgov:validategrids engine: finds exactly the damage done to a copy of the demo city's grids."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.democity import facilities  # noqa: F401  (demo city package must import)
from gridgov.grid_ops.democity.hierarchy import build_hierarchy
from gridgov.grid_ops.democity.streets_and_blocks import build_road_network
from gridgov.grid_ops.grids.validate import ValidationOptions, guess_level, validate_grids

from .damage import damage_grids


@pytest.fixture(scope="module")
def hierarchy():
    streams = np.random.SeedSequence(20251).spawn(6)
    net = build_road_network(np.random.default_rng(streams[0]))
    return net, build_hierarchy(net, np.random.default_rng(streams[1]))


def _found(result) -> set[tuple[str, str]]:
    return set(zip(result.errors["error_type"], result.errors["grid_code"]))


def test_clean_demo_grids_have_no_errors(hierarchy):
    _, h = hierarchy
    result = validate_grids(h.grids, "grid_code", h.communities, "community_code", "community_code")
    assert result.errors.empty, result.errors[["error_type", "grid_code", "detail"]].to_string()
    assert result.summary["coverage_pct"] == pytest.approx(100.0, abs=1e-3)
    assert result.summary["level"] == "grid"


def test_clean_demo_microgrids_have_no_errors(hierarchy):
    _, h = hierarchy
    result = validate_grids(h.microgrids, "micro_code", h.grids, "grid_code")
    assert result.errors.empty, result.errors[["error_type", "grid_code", "detail"]].head(20).to_string()
    assert result.summary["level"] == "microgrid"


def test_finds_exactly_the_damage(hierarchy):
    net, h = hierarchy
    damaged, expected = damage_grids(h.grids, net.district)
    result = validate_grids(
        damaged, "grid_code", h.communities, "community_code", "community_code", options=ValidationOptions(repair=True)
    )
    found = _found(result)
    assert found == expected, (found - expected, expected - found)
    # the duplicate is reported on both grids that carry it; every other damage once
    counts = result.errors["error_type"].value_counts().to_dict()
    assert counts == {
        "overlap": 1,
        "gap": 1,
        "sliver": 1,
        "invalid_geometry": 1,
        "duplicate_code": 2,
        "bad_code": 1,
        "orphan": 1,
        "outside_parent": 1,
    }
    gap = result.errors[result.errors.error_type == "gap"].iloc[0]
    assert gap.area_m2 == pytest.approx(np.pi * 15**2, rel=0.02)
    outside = result.errors[result.errors.error_type == "outside_parent"].iloc[0]
    assert 400 < outside.area_m2 < np.pi * 25**2 / 2 + 50
    assert result.summary["coverage_pct"] < 100.0


def test_invalid_geometry_without_repair_leaves_a_gap(hierarchy):
    net, h = hierarchy
    damaged, expected = damage_grids(h.grids, net.district)
    result = validate_grids(damaged, "grid_code", h.communities, "community_code", "community_code")
    bad = next(code for kind, code in expected if kind == "invalid_geometry")
    gaps = result.errors[result.errors.error_type == "gap"]
    assert len(gaps) == 2  # the planted hole, and the invalid grid left out of the cover
    assert any(bad in detail for detail in gaps["detail"])


def test_dedicated_grids_overlap_only_at_equal_priority():
    a = shapely.box(0, 0, 100, 100)
    b = shapely.box(50, 0, 150, 100)
    c = shapely.box(0, 50, 100, 150)
    frame = gpd.GeoDataFrame(
        {"code": ["440399Z01001", "440399Z02001", "440399Z03001"], "priority": [1, 2, 1]},
        geometry=[a, b, c],
        crs="EPSG:4547",
    )
    result = validate_grids(frame, "code", priority_field="priority")
    assert result.summary["level"] == "dedicated"
    assert _found(result) == {("overlap", "440399Z01001")}
    assert "equal priority" in result.errors.detail.iloc[0]


def test_level_is_guessed_from_codes():
    import pandas as pd

    assert guess_level(pd.Series(["440399001001001", "44039900100101"])) == "grid"
    assert guess_level(pd.Series(["440399001001001001"])) == "microgrid"
    assert guess_level(pd.Series(["440399001001"])) == "community"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.text(max_size=20), st.from_regex(r"[0-9]{15}", fullmatch=True)), min_size=1, max_size=12
    )
)
def test_hostile_codes_are_reported_never_raised(codes):
    geoms = [shapely.box(i * 10, 0, i * 10 + 10, 10) for i in range(len(codes))]
    frame = gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs="EPSG:4547")
    result = validate_grids(frame, "code", options=ValidationOptions(level="grid"))
    bad = {
        str(c).strip() if c is not None else ""
        for c in codes
        if c is None or not re.fullmatch(r"[0-9]{14,15}", str(c).strip())
    }
    reported = set(result.errors.loc[result.errors.error_type == "bad_code", "grid_code"])
    assert reported == bad
