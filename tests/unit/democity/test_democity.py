"""The demo city: deterministic, nested without gaps or overlaps, validly coded, with ground truth."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import shapely

from gridgov.grid_ops.democity import build_demo_city, write_demo_city
from gridgov.grid_ops.grids import codes
from gridgov.grid_ops.orders import coords

N_ORDERS = 20_000


@pytest.fixture(scope="module")
def city(demo_city_20k):
    return demo_city_20k


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_file(tmp_path):
    a = write_demo_city(build_demo_city(seed=3, n_orders=1500), tmp_path / "a.gpkg")
    b = write_demo_city(build_demo_city(seed=3, n_orders=1500), tmp_path / "b.gpkg")
    c = write_demo_city(build_demo_city(seed=4, n_orders=1500), tmp_path / "c.gpkg")
    assert _sha(a) == _sha(b)
    assert _sha(a) != _sha(c)


def test_city_does_not_depend_on_order_count():
    small = build_demo_city(seed=5, n_orders=500)
    large = build_demo_city(seed=5, n_orders=3000)
    assert list(small["grids"]["grid_code"]) == list(large["grids"]["grid_code"])
    assert small["grids"].geometry.geom_equals(large["grids"].geometry).all()


def test_counts_look_like_a_district(city):
    assert len(city["streets"]) >= 6
    assert 50 <= len(city["communities"]) <= 70
    assert 500 <= len(city["grids"]) <= 700
    assert 2500 <= len(city["microgrids"]) <= 3500
    assert 25 <= len(city["dedicated_grids"]) <= 35
    assert len(city["orders"]) == N_ORDERS
    assert len(city["roster"]) == len(city["grids"])
    assert city["patrol_teams"].groupby("street_code").size().between(4, 6).all()


@pytest.mark.parametrize(
    ("child", "parent", "key"),
    [
        ("communities", "streets", "street_code"),
        ("grids", "communities", "community_code"),
        ("microgrids", "grids", "grid_code"),
    ],
)
def test_each_level_tiles_its_parent(city, child, parent, key):
    children, parents = city[child], city[parent]
    assert children.is_valid.all() and parents.is_valid.all()
    for code, geom in zip(parents[key], parents.geometry):
        mine = children[children[key] == code]
        assert len(mine) >= 1, code
        union = shapely.union_all(mine.geometry.values)
        # no gaps: the children cover the parent; no overlaps: their areas add up to it
        assert abs(union.area - geom.area) < 1.0, (code, union.area, geom.area)
        assert abs(mine.geometry.area.sum() - geom.area) < 1.0, code
        assert shapely.area(shapely.difference(mine.geometry.values, geom.buffer(0.05))).max() < 0.5


def test_district_fully_covered_by_grids(city):
    district = city["district"].geometry.iloc[0]
    assert abs(city["grids"].geometry.area.sum() - district.area) < 1e-6 * district.area  # vertex rounding to 1 cm


def test_units_are_single_polygons(city):
    for name in ("streets", "communities", "grids", "microgrids"):
        assert (city[name].geometry.geom_type == "Polygon").all(), name


def test_grids_follow_roads(city):
    """Grid edges lie on road centrelines or the district boundary, not on a lattice."""
    roads = shapely.union_all(city["roads"].geometry.values)
    boundary = city["district"].geometry.iloc[0].boundary
    lines = shapely.union_all([roads, boundary]).buffer(0.1)
    edges = shapely.union_all(city["grids"].geometry.boundary.values)
    assert shapely.difference(edges, lines).length < 1.0


def test_codes_are_valid_and_nested(city):
    grids = city["grids"]
    for code, community in zip(grids["grid_code"], grids["community_code"]):
        parsed = codes.parse_grid_code(code)
        assert len(code) == 15 and parsed.community_code == community
    assert grids["grid_code"].is_unique
    micro = city["microgrids"]
    assert micro["micro_code"].is_unique
    assert all(m.startswith(g) and len(m) == 18 for m, g in zip(micro["micro_code"], micro["grid_code"]))
    assert city["dedicated_grids"]["dedicated_code"].str.match(codes.DEDICATED_CODE_RE.pattern).all()


def test_grids_numbered_west_east_north_south(city):
    grids = city["grids"]
    one = grids[grids["community_code"] == grids["community_code"].iloc[0]].sort_values("grid_code")
    first = one.geometry.iloc[0].centroid
    assert first.y >= np.median(one.geometry.centroid.y)  # numbering starts in the north


def test_households_add_up(city):
    assert city["grids"]["households"].sum() == city["buildings"]["households"].sum()
    assert city["microgrids"]["households"].sum() == city["buildings"]["households"].sum()


def test_dedicated_grids_overlap_base_grids_with_priorities(city):
    dedicated = city["dedicated_grids"]
    assert set(dedicated["kind"]) >= {"railway_station", "cbd", "scenic_area", "school", "hospital", "market"}
    tree = shapely.STRtree(city["grids"].geometry.values)
    for geom in dedicated.geometry:
        assert len(tree.query(geom, predicate="intersects")) >= 1
    for _, same in dedicated.groupby("priority"):
        geoms = list(same.geometry)
        for i in range(len(geoms)):
            for j in range(i + 1, len(geoms)):
                assert geoms[i].intersection(geoms[j]).area < 1.0


def test_orders_shape(city):
    orders = city["orders"]
    truth = city["truth_orders"]
    assert list(orders["order_id"]) == list(truth["order_id"])
    assert set(orders["channel"]) == {"hotline", "app", "internet_clue", "patrol"}
    valid = orders["coord_sys"].dropna()
    assert set(valid) >= {"wgs84", "gcj02", "bd09", "cgcs2000", "EPSG:4547"}
    address_only = truth["address_only"].mean()
    assert 0.04 < address_only < 0.06
    broken = (truth["defect"] != "").mean()
    assert 0.007 < broken < 0.013
    assert set(truth.loc[truth["defect"] != "", "defect"]) == {
        "empty_coords",
        "swapped_coords",
        "far_outside",
        "bad_date",
        "bad_coord_sys",
    }
    assert set(city["class_cases"]["class_code"]) >= set(orders["class_code"])
    assert orders["description"].str.len().min() > 8


def test_reported_coordinates_convert_back_to_the_truth(city):
    """Every clean row's reported (x, y, coord_sys) converts to its true position within 5 cm."""
    orders = city["orders"]
    truth = city["truth_orders"]
    clean = (truth["defect"] == "").to_numpy() & ~truth["address_only"].to_numpy()
    tx = shapely.get_x(truth.geometry.values)
    ty = shapely.get_y(truth.geometry.values)
    for system in orders.loc[clean, "coord_sys"].unique():
        rows = clean & (orders["coord_sys"] == system).to_numpy()
        x, y = coords.convert(orders.loc[rows, "x"], orders.loc[rows, "y"], system, "EPSG:4547")
        err = np.hypot(x - tx[rows], y - ty[rows])
        assert err.max() < 0.05, (system, err.max())


def test_rhythms(city):
    truth = city["truth_orders"]
    hour = truth["true_time"].str.slice(11, 13).astype(int)
    noise = truth["class_code"].isin(["0601", "0602", "0604"])
    assert (hour[noise] >= 19).mean() + (hour[noise] < 3).mean() > 0.5  # noise at night
    parking = truth["class_code"] == "0503"
    rush = hour[parking].isin([7, 8, 9, 17, 18, 19]).mean()
    assert rush > 0.4


def test_planted_hot_areas(city):
    hot = city["truth_hotareas"]
    assert set(hot["pattern"]) == {"persistent", "emerging", "diminishing", "sporadic"}
    truth = city["truth_orders"]
    for area in hot.itertuples():
        mine = truth[truth["hotarea_id"] == area.hotarea_id]
        assert len(mine) == area.n_orders
        # address-only orders sit on the nearest gazetteer address; every other one inside the area
        located = mine[~mine["address_only"].astype(bool)]
        assert (located.geometry.distance(shapely.Point(area.cx, area.cy)) <= area.radius_m + 0.1).all()
        monthly = np.array([int(v) for v in area.monthly_counts.split(",")])
        if area.pattern == "emerging":
            assert monthly[-3:].sum() > 3 * monthly[:3].sum()
        if area.pattern == "diminishing":
            assert monthly[:3].sum() > 3 * monthly[-3:].sum()
        if area.pattern == "sporadic":
            assert (monthly > 0).sum() <= 4


def test_inspections_flag_reports_outside_own_grid(city):
    reports = city["inspections"]
    truth = city["truth_inspections"]
    assert len(reports) == N_ORDERS // 5
    outside = truth["outside_own"].to_numpy()
    assert 0.05 < outside.mean() < 0.11
    same = truth["true_grid_code"].to_numpy() == reports["own_grid_code"].to_numpy()
    assert (same == ~outside).all()


def test_negative_order_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        build_demo_city(n_orders=-1)


def test_microgrids_are_even_and_compact(city):
    """The demo's micro-grids come from gridgov:splitmicrogrids' engine: max/min households < 1.5 per grid."""
    from gridgov.grid_ops.grids.microgrids import polsby_popper

    micro = city["microgrids"]
    housed = micro[micro.groupby("grid_code")["households"].transform("min") > 0]
    stats = housed.groupby("grid_code")["households"].agg(["min", "max", "count"])
    ratio = (stats["max"] / stats["min"])[stats["count"] > 1]
    assert len(ratio) > 400
    assert ratio.max() < 1.5, ratio.sort_values().tail()
    assert min(polsby_popper(g) for g in micro.geometry) > 0.1


def _digest(frame, code: str, value: str) -> str:
    rows = sorted(f"{c}:{int(v)}" for c, v in zip(frame[code], frame[value]))
    return hashlib.sha256("|".join(rows).encode()).hexdigest()[:16]


def test_same_city_on_every_geos(city):
    """The default city is pinned: GEOS 3.11, 3.13 and 3.14 (and numpy 1.26 / 2.x) all build this one.

    A drift here means some step's result hangs on floating-point noise that differs between
    versions (GEOS >= 3.12 rounds to a decimal grid one unit in the last place apart from 3.11;
    its oriented envelope changed; numpy's vectorised trigonometry differs in the last bits).
    """
    counts = {n: len(city[n]) for n in ("streets", "communities", "grids", "microgrids", "buildings", "roads")}
    assert counts == {
        "streets": 7,
        "communities": 61,
        "grids": 578,
        "microgrids": 3021,
        "buildings": 13713,
        "roads": 534,
    }
    assert int(city["buildings"]["households"].sum()) == 316810
    assert _digest(city["grids"], "grid_code", "households") == "72d3eba24a206f97"
    assert _digest(city["microgrids"], "micro_code", "households") == "9b88cf786b10c670"
    assert round(city["microgrids"].geometry.area.sum()) == 63179286
