"""Geolocation engine: the demo city's orders all placed or explained, boundary and precedence rules,
nearest / unassigned, against a plain point-in-polygon oracle."""

from __future__ import annotations

import importlib.util

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from gridgov.grid_ops.orders.gazetteer import Gazetteer
from gridgov.grid_ops.responsibility import geolocate, placement

#: numba is optional (OSGeo4W's QGIS has none): without it the engine takes its numpy + GEOS paths
NUMBA = importlib.util.find_spec("numba") is not None

ALL_COLUMNS = placement.OrderColumns(
    x="x", y="y", coord_sys_field="coord_sys", address="address", category="class_code"
)


def demo_hierarchy(city) -> geolocate.Hierarchy:
    classes = city["class_cases"]
    return geolocate.Hierarchy(
        grids=geolocate.UnitLayer.from_frame(city["grids"], "grid_code"),
        micro=geolocate.UnitLayer.from_frame(city["microgrids"], "micro_code"),
        dedicated=geolocate.UnitLayer.from_frame(city["dedicated_grids"], "dedicated_code"),
        communities=geolocate.UnitLayer.from_frame(city["communities"], "community_code"),
        streets=geolocate.UnitLayer.from_frame(city["streets"], "street_code"),
        roster=city["roster"].set_index("grid_code"),
        class_groups=dict(zip(classes["class_code"], classes["case_group"])),
    )


@pytest.fixture(scope="module")
def placed(demo_city_20k):
    city = demo_city_20k
    addresses = city["addresses"]
    result = placement.place_orders(
        city["orders"],
        ALL_COLUMNS,
        demo_hierarchy(city),
        "EPSG:4547",
        Gazetteer(addresses["address"]),
        shapely.get_coordinates(addresses.geometry.values),
    )
    return city, result


def test_rows_in_equal_rows_out_each_with_a_method(placed):
    city, result = placed
    assert len(result) == len(city["orders"])
    assert result.index.equals(city["orders"].index)
    assert set(result["match_method"]) <= set(geolocate.MATCH_METHODS)
    unplaced = result["match_method"].isin(["unassigned", "unlocated", "invalid"])
    assert (result.loc[unplaced, "problem"] != "").all()
    assert (result.loc[unplaced, "resp_code"] == "").all()
    assert (result.loc[~unplaced, "resp_code"] != "").all()


def test_every_coordinate_system_lands_where_it_happened(placed):
    city, result = placed
    truth = city["truth_orders"]
    clean = (truth["defect"] == "").to_numpy()
    for system in ("wgs84", "gcj02", "bd09", "cgcs2000", "EPSG:4547"):
        rows = clean & (city["orders"]["coord_sys"] == system).to_numpy()
        assert rows.sum() > 100, system
        error = np.hypot(
            result["x_located"].to_numpy()[rows] - truth.geometry.x.to_numpy()[rows],
            result["y_located"].to_numpy()[rows] - truth.geometry.y.to_numpy()[rows],
        )
        assert error.max() < 0.5, system  # reported to 1e-6° or cm: far below a metre


def test_address_only_rows_are_placed_at_their_address(placed):
    city, result = placed
    truth = city["truth_orders"]
    rows = truth["address_only"].to_numpy(bool)
    assert (result.loc[rows, "match_method"] == "address").all()
    error = np.hypot(
        result["x_located"].to_numpy()[rows] - truth.geometry.x.to_numpy()[rows],
        result["y_located"].to_numpy()[rows] - truth.geometry.y.to_numpy()[rows],
    )
    assert error.max() < 0.5


def test_broken_rows_are_explained(placed):
    city, result = placed
    defect = city["truth_orders"]["defect"].to_numpy()
    methods = result["match_method"].to_numpy()
    problems = result["problem"].to_numpy()
    assert set(methods[defect == "far_outside"]) == {"unassigned"}
    assert all("km from the nearest grid" in p for p in problems[defect == "far_outside"])
    empty = defect == "empty_coords"
    assert set(methods[empty]) == {"invalid"} and all("address is empty" in p for p in problems[empty])
    bad_sys = defect == "bad_coord_sys"  # still placed by their address, with the reason noted
    assert set(methods[bad_sys]) == {"address"}
    assert all("coord_sys" in p and "not a known coordinate system" in p for p in problems[bad_sys])
    swapped = defect == "swapped_coords"
    assert all(("swapped" in p) for p in problems[swapped])


def test_agrees_with_plain_point_in_polygon_oracle(placed):
    city, result = placed
    grids = city["grids"]
    inside = result["match_method"].isin(["inside", "address"]).to_numpy() & ~result["on_boundary"].to_numpy()
    rows = np.flatnonzero(inside)[::7]
    for i in rows:
        point = shapely.Point(result["x_located"].iat[i], result["y_located"].iat[i])
        holders = [code for code, geom in zip(grids["grid_code"], grids.geometry) if geom.contains(point)]
        assert holders == [result["grid_code"].iat[i]]


def test_responsible_chain_and_people(placed):
    city, result = placed
    roster = city["roster"].set_index("grid_code")
    placed_rows = result[result["grid_code"] != ""]
    assert (placed_rows["community_code"] == placed_rows["grid_code"].str[:12]).all()
    micro = placed_rows[placed_rows["resp_level"] == "microgrid"]
    assert len(micro) > 0.5 * len(placed_rows)
    assert (micro["micro_code"].str[:15] == micro["grid_code"]).all()
    grid_rows = placed_rows[placed_rows["resp_level"] != "dedicated"]
    assert (grid_rows["responsible"].to_numpy() == roster.loc[grid_rows["grid_code"], "manager"].to_numpy()).all()
    dedicated = result[result["resp_level"] == "dedicated"]
    assert len(dedicated) > 0
    managers = city["dedicated_grids"].set_index("dedicated_code")["manager"]
    assert (dedicated["responsible"].to_numpy() == managers.loc[dedicated["dedicated_code"]].to_numpy()).all()


# --- the rules on hand-made layouts ---------------------------------------------------------------


def two_grids() -> geolocate.Hierarchy:
    frame = pd.DataFrame({"grid_code": ["440399001001002", "440399001001001"], "community_code": ["c", "c"]})
    import geopandas as gpd

    grids = gpd.GeoDataFrame(frame, geometry=[box(100, 0, 200, 100), box(0, 0, 100, 100)], crs="EPSG:4547")
    return geolocate.Hierarchy(grids=geolocate.UnitLayer.from_frame(grids, "grid_code"))


@pytest.mark.parametrize("points", [3, 250_000], ids=["exact", "compiled"])
def test_people_come_from_the_roster_else_the_grid_layer(points, monkeypatch):
    """The roster names the manager; where it says nothing for every grid with orders, the grid
    layer's own field does; a responsible dedicated grid's own manager wins; no position, nobody."""
    import geopandas as gpd

    monkeypatch.setattr(geolocate, "RASTER_MIN_POINTS", 200_000)
    grids = gpd.GeoDataFrame(
        {"grid_code": ["G1", "G2", "G3"], "manager": ["layer-1", "layer-2", "layer-3"]},
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(300, 0, 400, 100)],
        crs="EPSG:4547",
    )
    dedicated = gpd.GeoDataFrame(
        {"dedicated_code": ["D1"], "manager": ["school guard"], "priority": [1], "case_groups": [""]},
        geometry=[box(150, 50, 200, 100)],
        crs="EPSG:4547",
    )
    base = np.array([[50.0, 50.0], [120.0, 20.0], [170.0, 70.0], [np.nan, np.nan]])
    xy = np.tile(base, (points // len(base) + 1, 1))[: max(points, len(base))]

    def people(roster):
        h = geolocate.Hierarchy(
            grids=geolocate.UnitLayer.from_frame(grids, "grid_code"),
            dedicated=geolocate.UnitLayer.from_frame(dedicated, "dedicated_code"),
            roster=roster,
        )
        return geolocate.assign(h, xy[:, 0], xy[:, 1])["responsible"][:4].tolist()

    roster = pd.DataFrame({"grid_code": ["G1", "G2"], "manager": ["Li", "Wang"]}).set_index("grid_code")
    assert people(roster) == ["Li", "Wang", "school guard", ""]
    # a roster that knows only a grid without orders (G3), or none of the grids, says nothing here:
    # the layer's field speaks
    for only in ("G3", "G9"):
        assert people(pd.DataFrame({"manager": ["Zhao"]}, index=[only])) == ["layer-1", "layer-2", "school guard", ""]
    # a roster that knows one grid with orders is kept, blanks included
    assert people(pd.DataFrame({"manager": ["Li"]}, index=["G1"])) == ["Li", "", "school guard", ""]
    assert people(None) == ["layer-1", "layer-2", "school guard", ""]


@pytest.mark.parametrize("points", [5, 250_000], ids=["exact", "compiled"])
def test_grid_of_points_is_the_boundary_rule_as_a_categorical(points):
    """Per-grid counts place points with the same rule as assign; no grid or no position: missing."""
    h = two_grids()
    base = np.array([[150.0, 50.0], [50.0, 50.0], [100.0, 50.0], [500.0, 50.0], [np.nan, 1.0]])
    xy = np.tile(base, (points // len(base), 1))
    codes = geolocate.grid_of_points(h.grids, xy[:, 0], xy[:, 1])
    assert isinstance(codes, pd.Categorical)
    assigned = geolocate.assign(h, xy[:, 0], xy[:, 1], tolerance=0)["grid_code"].tolist()
    want = [None if c == "" else c for c in assigned]  # pandas 3's replace("", None) gives NaN in a str column
    got = [None if pd.isna(c) else c for c in codes]
    assert got == want
    assert got[:5] == ["440399001001002", "440399001001001", "440399001001002", None, None]


def test_shared_edge_goes_east_and_is_flagged():
    h = two_grids()
    out = geolocate.assign(h, np.array([100.0, 50.0, 100.0]), np.array([50.0, 50.0, 100.0]))
    # (100, 100) is on the outer edge: the probe falls outside both, so the lower code wins
    assert out["grid_code"].tolist() == ["440399001001002", "440399001001001", "440399001001001"]
    assert out["on_boundary"].tolist() == [True, False, True]
    assert out["match_method"].tolist() == ["boundary", "inside", "boundary"]


def test_nearest_within_tolerance_else_unassigned():
    h = two_grids()
    out = geolocate.assign(h, np.array([230.0, 300.0, np.nan]), np.array([50.0, 50.0, 1.0]), tolerance=50)
    assert out["match_method"].tolist() == ["nearest", "unassigned", "invalid"]
    assert out["grid_code"].tolist() == ["440399001001002", "", ""]
    assert out["distance_m"].iloc[0] == pytest.approx(30.0)
    assert out["distance_m"].iloc[1] == pytest.approx(100.0)


def test_tolerance_zero_turns_the_nearest_rule_off():
    """TOLERANCE accepts 0 in the toolbox: a point outside is then unassigned, with its distance
    (it once failed: GEOS refuses a search distance of 0)."""
    out = geolocate.assign(two_grids(), np.array([230.0, 50.0]), np.array([50.0, 50.0]), tolerance=0)
    assert out["match_method"].tolist() == ["unassigned", "inside"]
    assert out["distance_m"].tolist() == [30.0, 0.0]


def test_dedicated_priority_and_class_cases():
    import geopandas as gpd

    h = two_grids()
    dedicated = gpd.GeoDataFrame(
        {
            "dedicated_code": ["440399Z04001", "440399Z01001", "440399Z06001"],
            "priority": [3, 1, 6],
            "case_groups": ["parking,noise", "", "garbage"],
            "manager": ["A", "B", "C"],
        },
        geometry=[box(0, 0, 60, 60), box(40, 40, 60, 60), box(0, 0, 30, 30)],
        crs="EPSG:4547",
    )
    h.dedicated = geolocate.UnitLayer.from_frame(dedicated, "dedicated_code")
    h.class_groups = {"0503": "parking", "0101": "garbage"}
    x = np.array([50.0, 10.0, 10.0, 10.0, 80.0])
    y = np.array([50.0, 10.0, 10.0, 50.0, 80.0])
    classes = np.array(["0503", "0503", "0101", "0101", "0503"], dtype=object)
    out = geolocate.assign(h, x, y, classes)
    # (50,50): priority 1 beats 3; (10,10) parking: the school takes it; garbage: the market does;
    # (10,50) garbage: the school does not take garbage, so the grid is responsible
    assert out["dedicated_code"].tolist() == ["440399Z01001", "440399Z04001", "440399Z06001", "", ""]
    assert out["resp_level"].tolist() == ["dedicated", "dedicated", "dedicated", "grid", "grid"]
    assert out["responsible"].tolist()[:3] == ["B", "A", "C"]


def test_community_then_street_where_no_grid_covers():
    import geopandas as gpd

    h = two_grids()
    h.communities = geolocate.UnitLayer.from_frame(
        gpd.GeoDataFrame({"community_code": ["440399001002"]}, geometry=[box(200, 0, 300, 100)], crs="EPSG:4547"),
        "community_code",
    )
    h.streets = geolocate.UnitLayer.from_frame(
        gpd.GeoDataFrame({"street_code": ["440399001"]}, geometry=[box(0, 0, 400, 100)], crs="EPSG:4547"),
        "street_code",
    )
    out = geolocate.assign(h, np.array([280.0, 380.0]), np.array([50.0, 50.0]), tolerance=10)
    assert out["resp_level"].tolist() == ["community", "street"]
    assert out["resp_code"].tolist() == ["440399001002", "440399001"]
    assert out["match_method"].tolist() == ["inside", "inside"]


def test_a_community_outside_every_grid_places_at_distance_zero():
    """The distance to the nearest grid is measured beside the rest; a community that covers the
    point makes it ``inside`` at 0 m all the same."""
    import geopandas as gpd

    h = two_grids()
    h.communities = geolocate.UnitLayer.from_frame(
        gpd.GeoDataFrame({"community_code": ["440399001002"]}, geometry=[box(200, 0, 300, 100)], crs="EPSG:4547"),
        "community_code",
    )
    out = geolocate.assign(h, np.array([280.0, 380.0]), np.array([50.0, 50.0]), tolerance=10)
    assert out["match_method"].tolist() == ["inside", "unassigned"]
    assert out["distance_m"].tolist() == [0.0, 180.0]


def test_grid_corner_where_four_meet_is_deterministic():
    import geopandas as gpd

    cells = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 1, 2), box(1, 1, 2, 2)]
    codes = ["440399001001001", "440399001001002", "440399001001003", "440399001001004"]
    grids = gpd.GeoDataFrame({"grid_code": codes}, geometry=cells, crs="EPSG:4547")
    h = geolocate.Hierarchy(grids=geolocate.UnitLayer.from_frame(grids, "grid_code"))
    out = geolocate.assign(h, np.array([1.0]), np.array([1.0]))
    assert out["grid_code"].iloc[0] == "440399001001004"  # the north-east cell holds the probe
    shuffled = gpd.GeoDataFrame({"grid_code": codes[::-1]}, geometry=cells[::-1], crs="EPSG:4547")
    h2 = geolocate.Hierarchy(grids=geolocate.UnitLayer.from_frame(shuffled, "grid_code"))
    assert geolocate.assign(h2, np.array([1.0]), np.array([1.0]))["grid_code"].iloc[0] == "440399001001004"


def test_invalid_polygons_still_work():
    import geopandas as gpd

    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    grids = gpd.GeoDataFrame({"grid_code": ["g1"]}, geometry=[bowtie], crs="EPSG:4547")
    h = geolocate.Hierarchy(grids=geolocate.UnitLayer.from_frame(grids, "grid_code"))
    out = geolocate.assign(h, np.array([8.0]), np.array([5.0]))
    assert out["grid_code"].iloc[0] == "g1"


@pytest.mark.parametrize("quick", [pytest.param(True, marks=pytest.mark.needs_numba), False])
def test_invalid_polygons_are_repaired_in_a_big_layer(monkeypatch, quick):
    """The compiled validity check (big layers) and GEOS alone find the same polygons to repair."""
    import geopandas as gpd

    monkeypatch.setattr(geolocate, "QUICK_VALIDITY_MIN_POLYGONS", 1 if quick else 10**9)
    # loaded: the check never loads them itself (GEOS alone needs no numba: that case runs without it too)
    assert geolocate.pipkernels.kernels() is not None or (not quick and not NUMBA)
    cells = [shapely.box(i * 10, 0, i * 10 + 10, 10) for i in range(50)]
    cells[7] = Polygon([(70, 0), (80, 10), (80, 0), (70, 10)])  # a bow-tie in place of grid 7
    grids = gpd.GeoDataFrame({"grid_code": [f"g{i:02d}" for i in range(50)]}, geometry=cells, crs="EPSG:4547")
    layer = geolocate.UnitLayer.from_frame(grids, "grid_code")
    assert shapely.is_valid(layer.geoms).all()
    assert layer._arrays is None  # repaired: the look-up arrays wait for the repaired polygons
    assert shapely.equals(layer.geoms[7], shapely.make_valid(cells[7]))
    valid = geolocate.UnitLayer.from_frame(grids.drop(index=7), "grid_code")
    assert (valid._arrays is not None) == quick
    x = np.array([78.0, 72.0, 75.0, 35.0, 495.0])  # both halves of the bow-tie; between them, below
    y = np.array([5.0, 5.0, 2.0, 5.0, 5.0])
    out = geolocate.assign(geolocate.Hierarchy(grids=layer), x, y, tolerance=0)
    assert out["grid_code"].tolist() == ["g07", "g07", "", "g03", "g49"]


def test_validity_check_does_not_load_numba(monkeypatch):
    """A big layer read before numba is loaded is checked by GEOS: the compiled check saves less
    than numba's load costs, so a small job in a fresh process must not pay for it."""
    import geopandas as gpd

    monkeypatch.setattr(geolocate, "QUICK_VALIDITY_MIN_POLYGONS", 1)
    monkeypatch.setattr(geolocate.pipkernels, "_KERNELS", False)  # as in a fresh process
    grids = gpd.GeoDataFrame({"grid_code": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4547")
    layer = geolocate.UnitLayer.from_frame(grids, "grid_code")
    assert layer._arrays is None and geolocate.pipkernels._KERNELS is False
    assert geolocate.pipkernels.loaded() is None


@pytest.mark.parametrize(
    "compiled", [pytest.param(True, marks=pytest.mark.needs_numba), False], ids=["compiled", "geos"]
)
def test_nearest_grid_on_a_tie_is_the_lowest_code(monkeypatch, compiled):
    """A point as near to two grids (their shared corner) goes to the lower code, whatever the
    order of the layer, on both paths; a grid the compiled search cannot read is left to GEOS."""
    import geopandas as gpd

    monkeypatch.setattr(geolocate, "QUICK_VALIDITY_MIN_POLYGONS", 1 if compiled else 10**9)
    assert geolocate.pipkernels.kernels() is not None or (not compiled and not NUMBA)
    cells = [box(0, 0, 10, 10), box(10, 0, 20, 10), shapely.GeometryCollection([box(30, 0, 40, 10)])]
    x = np.array([10.0, 10.0, 35.0, 25.0])
    y = np.array([-5.0, -500.0, -5.0, 5.0])  # the corner; far below; below the collection; in the gap
    for codes in (["b", "a", "c"], ["a", "b", "c"]):
        grids = gpd.GeoDataFrame({"grid_code": codes}, geometry=cells, crs="EPSG:4547")
        layer = geolocate.UnitLayer.from_frame(grids, "grid_code")
        assert (layer._arrays is not None) == compiled
        out = geolocate.assign(geolocate.Hierarchy(grids=layer), x, y, tolerance=50)
        assert out["grid_code"].tolist() == ["a", "", "c", codes[1]]
        assert out["match_method"].tolist() == ["nearest", "unassigned", "nearest", "nearest"]
        assert out["distance_m"].tolist() == [5.0, 500.0, 5.0, 5.0]


def test_inspections_outside_own_grid_and_coverage(demo_city_20k):
    from gridgov.grid_ops.responsibility import inspections

    city = demo_city_20k
    reports = city["inspections"]
    h = demo_hierarchy(city)
    placed = placement.place_orders(
        reports,
        placement.OrderColumns(x="x", y="y", coord_sys_field="coord_sys", category="class_code"),
        h,
        "EPSG:4547",
    )
    assert len(placed) == len(reports) and (placed["match_method"].isin(["inside", "boundary"])).all()
    flagged = inspections.outside_own(placed, reports["own_grid_code"])
    truth = city["truth_inspections"]["outside_own"].to_numpy(bool)
    assert (flagged == truth).mean() > 0.999 and truth.sum() > 0
    coverage = inspections.inspector_coverage(
        placed, reports["inspector_id"], reports["own_grid_code"], placed["x_located"], placed["y_located"], h
    )
    assert coverage["reports"].sum() == len(reports)
    assert coverage["outside_own"].sum() == flagged.sum()
    assert ((coverage["units_visited"] <= coverage["units_total"]) & (coverage["units_total"] > 0)).all()
    assert coverage["coverage_pct"].between(0, 100).all() and coverage["unit"].eq("micro-grid").all()


def test_inspection_coverage_without_microgrids_counts_100m_cells():
    import geopandas as gpd

    from gridgov.grid_ops.responsibility import inspections

    grids = gpd.GeoDataFrame({"grid_code": ["g1"]}, geometry=[box(0, 0, 300, 200)], crs="EPSG:4547")
    h = geolocate.Hierarchy(grids=geolocate.UnitLayer.from_frame(grids, "grid_code"))
    x, y = np.array([50.0, 60.0, 250.0, 900.0]), np.array([50.0, 40.0, 150.0, 50.0])
    placed = geolocate.assign(h, x, y, tolerance=10)
    table = inspections.inspector_coverage(placed, ["m1"] * 4, ["g1"] * 4, x, y, h)
    row = table.iloc[0]
    assert (row["reports"], row["outside_own"], row["unit"], row["units_total"], row["units_visited"]) == (
        4,
        0,
        "100 m cell",
        6,
        2,
    )
    assert row["coverage_pct"] == pytest.approx(33.3)


@pytest.mark.parametrize(
    ("compiled", "checked"),
    [
        pytest.param(True, False, id="compiled", marks=pytest.mark.needs_numba),
        pytest.param(True, True, id="checked", marks=pytest.mark.needs_numba),
        pytest.param(False, False, id="vectorised"),
    ],
)
def test_fast_paths_give_the_same_assignment(placed, monkeypatch, compiled, checked):
    """The compiled kernels or the edge raster (from RASTER_MIN_POINTS points on) must not change a
    single answer; nor the look-up arrays built by the compiled validity check (``checked``)."""
    city, exact = placed
    if not compiled:
        monkeypatch.setenv("GRIDGOV_NO_NUMBA", "1")
    monkeypatch.setattr(geolocate, "RASTER_MIN_POINTS", 1000)
    monkeypatch.setattr(geolocate, "QUICK_VALIDITY_MIN_POLYGONS", 1 if checked else 10**9)
    geolocate.pipkernels.kernels()
    h = demo_hierarchy(city)
    assert (h.grids._arrays is not None) == checked  # built by the check, before any look-up
    fast = geolocate.assign(
        h, exact["x_located"].to_numpy(), exact["y_located"].to_numpy(), city["orders"]["class_code"]
    )
    if compiled:
        assert h.grids._arrays is not None and h.micro._arrays is not None and h.grids._raster is None
    else:
        assert h.grids._raster is not None and h.micro._raster is not None and h.grids._arrays is None
    for column in set(geolocate.RESULT_COLUMNS) - {
        "match_method",
        "problem",
        "distance_m",
    }:  # place_orders refines these
        assert fast[column].tolist() == exact[column].tolist(), column
    placed_rows = (exact["match_method"] != "invalid").to_numpy()  # swapped x/y: invalid, its distance kept
    assert fast["distance_m"][placed_rows].fillna(-1).tolist() == exact["distance_m"][placed_rows].fillna(-1).tolist()


def _grids(*units) -> geolocate.Hierarchy:
    frame = gpd.GeoDataFrame({"grid_code": [c for c, _ in units]}, geometry=[g for _, g in units], crs="EPSG:4547")
    return geolocate.Hierarchy(grids=geolocate.UnitLayer.from_frame(frame, "grid_code"))


@pytest.mark.parametrize("points", [1, 250_000], ids=["exact", "compiled"])
def test_an_overlap_is_flagged_not_called_a_boundary(points):
    """Issue 25: a point deep inside two grids of the same level is an overlap (a data error), not
    a boundary: on_boundary false, the overlap names both, the lowest code wins with codes of digits
    compared as numbers ("41" before "126", though "126" < "41" as text)."""
    h = _grids(("126", box(0, 0, 100, 100)), ("41", box(50, 0, 150, 100)), ("7", box(200, 0, 300, 100)))
    # deep in the overlap; on 41's west edge inside 126 (an overlap too: only 126 holds it in its
    # interior, so 126 wins though 41 is the lower code); in one grid
    base = np.array([[75.0, 50.0], [50.0, 50.0], [20.0, 50.0], [300.0, 50.0]])
    xy = np.tile(base, (max(1, points // len(base)), 1))
    out = geolocate.assign(h, xy[:, 0], xy[:, 1], tolerance=0).iloc[:4]
    assert out["grid_code"].tolist() == ["41", "126", "126", "7"]
    assert out["match_method"].tolist() == ["inside", "inside", "inside", "inside"]
    assert out["on_boundary"].tolist() == [False, False, False, False]
    assert out["overlap"].tolist() == ["41,126", "41,126", "", ""]


def test_a_shared_edge_stays_a_boundary_and_numeric_codes_break_ties():
    """Grids that only touch: a boundary, no overlap; where the probe leaves the tie (the outer
    edge), the lowest code as a number wins."""
    h = _grids(("126", box(0, 0, 100, 100)), ("41", box(100, 0, 200, 100)), ("9", box(0, 100, 100, 200)))
    out = geolocate.assign(h, np.array([100.0, 100.0, 50.0]), np.array([50.0, 0.0, 100.0]), tolerance=0)
    assert out["grid_code"].tolist() == ["41", "41", "9"]
    assert out["on_boundary"].tolist() == [True, True, True]
    assert out["overlap"].tolist() == ["", "", ""]
    assert out["match_method"].tolist() == ["boundary"] * 3


def test_nearest_ties_take_the_numerically_lowest_code():
    h = _grids(("126", box(0, 0, 100, 100)), ("41", box(120, 0, 220, 100)))
    out = geolocate.assign(h, np.array([110.0]), np.array([50.0]), tolerance=50)
    assert out["grid_code"].tolist() == ["41"] and out["match_method"].tolist() == ["nearest"]


def test_an_overlap_is_a_problem_pointing_at_validategrids():
    h = _grids(("126", box(0, 0, 100, 100)), ("41", box(50, 0, 150, 100)))
    frame = pd.DataFrame({"x": [75.0, 10.0], "y": [50.0, 50.0]})
    out = placement.place_orders(frame, placement.OrderColumns(x="x", y="y", coord_sys="EPSG:4547"), h, "EPSG:4547")
    assert out["problem"].tolist() == [
        "inside overlapping grids 41, 126: check the grid layer with gridgov:validategrids",
        "",
    ]


def test_code_order_is_numeric_for_digits_then_text():
    from gridgov.grid_ops.grids.codes import code_ranks

    codes = ["Z9", "a1", "A1", "", "440399001001001", "126", "0126", "41", "7", "99999999999999999999999"]
    ranked = [codes[i] for i in np.argsort(code_ranks(codes))]
    assert ranked == ["7", "41", "0126", "126", "440399001001001", "99999999999999999999999", "", "A1", "Z9", "a1"]
