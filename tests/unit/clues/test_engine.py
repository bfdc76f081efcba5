"""Posts through the whole run (grid_ops/clues/engine.py): place, classify, assign, deduplicate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Transformer

from gridgov.grid_ops.clues.engine import STATUSES, CluesRequest, Existing, read_clues
from gridgov.grid_ops.orders import classify

X0, Y0 = 500_000.0, 2_500_000.0
TAXONOMY = classify.Taxonomy.from_frame(classify.shipped_class_cases())


def run(town, posts, existing=None, **options):
    return read_clues(posts, town["book"], town["hierarchy"], "EPSG:4547", TAXONOMY, CluesRequest(**options), existing)


def orders(rows) -> Existing:
    """Existing orders: (order_id, class_code, reported_at, x, y, case_id)."""
    frame = pd.DataFrame(rows, columns=["order_id", "class_code", "reported_at", "x", "y", "case_id"])
    return Existing(frame.drop(columns=["x", "y"]), frame["x"].to_numpy(float), frame["y"].to_numpy(float))


def test_each_status_with_its_unit_and_evidence(town, make_posts):
    posts = make_posts(
        [
            "香蜜路84号门口垃圾堆了好几天没人清运",
            "今天天气真好，出去玩😊",
            "香蜜路上垃圾好多",
            "解放学校门口违章停车一大排",
        ]
    )
    result = run(town, posts)
    table = result.table
    assert list(table["clue_status"]) == ["new_case", "not_a_case", "unplaced", "new_case"]
    assert list(table["grid_code"][[0, 3]]) == ["440399001001003", "440399001001004"]
    assert table["responsible"][0] == "丙"
    assert table["resp_code"][3] == "440399Z04001"  # the landmark's dedicated grid answers for it
    assert table["candidates"][2].startswith("440399001001001")  # the grids along 香蜜路, longest stretch first
    assert "440399001001003" in table["candidates"][2]
    assert "road" in table["problem"][2]
    assert list(table["case_id"][[0, 3]]) == ["XS000001", "XS000002"]
    assert result.counts == {"new_case": 2, "duplicate_of": 0, "unplaced": 1, "not_a_case": 1}


def test_a_short_road_places_the_post_in_its_grid(town, make_posts):
    table = run(town, make_posts(["小巷街垃圾桶满了没人收"])).table
    assert table["clue_status"][0] == "new_case" and table["grid_code"][0] == "440399001001004"


def test_a_geotag_in_gcj02_or_bd09_is_converted(town, make_posts):
    """The geotag is converted from its system: checked against prcoords, the independent oracle."""
    import prcoords

    to_wgs = Transformer.from_crs("EPSG:4547", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(X0 + 1700, Y0 + 300)  # in G2
    gcj = prcoords.wgs_gcj((lat, lon))
    bd = prcoords.gcj_bd(gcj)
    posts = make_posts(
        ["这里垃圾桶满了没人收", "这里垃圾桶满了没人收"],
        lon=[str(gcj[1]), str(bd[1])],
        lat=[str(gcj[0]), str(bd[0])],
        systems=["gcj02", "bd09"],
    )
    result = run(town, posts)
    assert list(result.table["place_kind"]) == ["geotag", "geotag"]
    assert np.hypot(result.x - (X0 + 1700), result.y - (Y0 + 300)).max() < 1.0
    assert list(result.table["grid_code"]) == ["440399001001002"] * 2


def test_a_geotag_far_from_the_named_place_is_not_used(town, make_posts):
    to_wgs = Transformer.from_crs("EPSG:4547", "EPSG:4326", always_xy=True)
    far_lon, far_lat = to_wgs.transform(X0 + 1900, Y0 + 100)
    near_lon, near_lat = to_wgs.transform(X0 + 340, Y0 + 1510)
    posts = make_posts(
        ["香蜜路84号门口垃圾桶满了", "香蜜路84号门口垃圾桶满了"],
        lon=[str(far_lon), str(near_lon)],
        lat=[str(far_lat), str(near_lat)],
        systems=["wgs84", "wgs84"],
        times=["2025-05-01 10:00", "2025-07-01 10:00"],
    )
    result = run(town, posts)
    assert (result.x[0], result.y[0]) == pytest.approx((X0 + 350, Y0 + 1500))  # the address, not the geotag
    assert "not used" in result.table["evidence"][0]
    assert np.hypot(result.x[1] - (X0 + 340), result.y[1] - (Y0 + 1510)) < 1.0  # agrees: the geotag, finer
    assert "used" in result.table["evidence"][1]


def test_a_case_already_reported_is_attached_to_its_case(town, make_posts):
    existing = orders(
        [
            ("GD1", "0102", "2025-04-28 09:00", X0 + 400, Y0 + 1500, "C000007"),  # same class, 50 m, 3 days before
            ("GD2", "0601", "2025-04-30 09:00", X0 + 350, Y0 + 1500, ""),  # another class at the door
            ("GD3", "0102", "2025-01-01 09:00", X0 + 350, Y0 + 1500, ""),  # same class, months before
        ]
    )
    posts = make_posts(["香蜜路84号门口垃圾桶满了没人收", "景田雅居3栋垃圾桶满了没人收"])
    table = run(town, posts, existing).table
    assert list(table["clue_status"]) == ["duplicate_of", "new_case"]
    assert table["case_id"][0] == "C000007" and table["duplicate_of"][0] == "C000007"
    assert table["dup_distance_m"][0] == pytest.approx(50.0)
    assert table["dup_days"][0] == pytest.approx(3 + 1 / 24, abs=0.01)


def test_distance_and_days_decide(town, make_posts):
    existing = orders([("GD1", "0102", "2025-04-28 09:00", X0 + 400, Y0 + 1500, "")])
    posts = make_posts(["香蜜路84号门口垃圾桶满了没人收"])
    assert run(town, posts, existing, distance=40.0).table["clue_status"][0] == "new_case"
    assert run(town, posts, existing, days=2.0).table["clue_status"][0] == "new_case"
    assert run(town, posts, existing).table["duplicate_of"][0] == "GD1"  # no case id: the order's id


def test_posts_about_one_new_case_are_one_case(town, make_posts):
    posts = make_posts(
        [
            "香蜜路84号门口垃圾桶满了没人收",
            "香蜜路86号垃圾箱满了好臭😷",
            "香蜜路84号门口垃圾桶又满了",
            "解放学校门口垃圾桶满了",
        ],
        times=["2025-05-01 10:00", "2025-05-02 08:00", "2025-06-20 10:00", "2025-05-01 11:00"],
    )
    table = run(town, posts).table
    assert list(table["clue_status"]) == ["new_case", "duplicate_of", "new_case", "new_case"]
    assert table["case_id"][1] == table["case_id"][0] == table["duplicate_of"][1]
    assert len(set(table["case_id"])) == 3


def test_a_new_case_joins_an_order_through_an_earlier_post(town, make_posts):
    existing = orders([("GD1", "0102", "2025-04-30 09:00", X0 + 350, Y0 + 1500, "C1")])
    posts = make_posts(
        ["香蜜路84号门口垃圾桶满了没人收", "田心花园2栋垃圾桶满了"], times=["2025-05-01 10:00", "2025-05-03 10:00"]
    )
    table = run(town, posts, existing, days=2.0).table
    assert list(table["case_id"]) == ["C1", "C1"]  # the second is 3 days after the order but 2 after the post
    assert list(table["clue_status"]) == ["duplicate_of", "duplicate_of"]


def test_the_model_trained_on_existing_orders_classifies(town, make_posts):
    rng = np.random.default_rng(1)
    texts = [("工地晚上打桩砰砰响", "0603"), ("楼下烧烤摊油烟熏死人", "0103")] * 40
    existing = orders(
        [
            (f"GD{i}", c, "2024-01-01 09:00", X0 + rng.uniform(0, 2000), Y0 + rng.uniform(0, 2000), "")
            for i, (_, c) in enumerate(texts)
        ]
    )
    existing.frame["description"] = [t for t, _ in texts]
    result = run(town, make_posts(["景田雅居旁边打桩砰砰响一晚上"]), existing)
    assert result.classifier == "hybrid"
    assert result.table["class_code"][0] == "0603"


def test_bad_geotags_and_times_are_problems_not_errors(town, make_posts):
    posts = make_posts(
        ["香蜜路84号垃圾桶满了", "香蜜路84号垃圾桶满了", "香蜜路84号垃圾桶满了"],
        times=["2025-05-01 10:00", "昨天晚上", ""],
        lon=["abc", "114.0", ""],
        lat=["22.5", "999", ""],
        systems=["gcj02", "bd09", ""],
    )
    result = run(town, posts)
    table = result.table
    assert len(table) == 3 and set(table["clue_status"]) <= set(STATUSES)
    assert "unusable" in table["evidence"][0] and "lon" in table["evidence"][0]
    assert "posted_at" in table["problem"][1]


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.text(max_size=60), st.sampled_from(["香蜜路84号垃圾", "解放学校门口违停", "😡"])),
            st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["2025-05-01 10:00", "2025/5/1 10:00:00"])),
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8)),
            st.sampled_from(["", "gcj02", "bd09", "wgs84", "EPSG:5773", "火星"]),
        ),
        max_size=12,
    )
)
def test_hostile_posts_all_come_out_once(town, rows):
    posts = pd.DataFrame(
        {
            "post_id": range(len(rows)),
            "text": [r[0] for r in rows],
            "posted_at": [r[1] for r in rows],
            "lon": [r[2] for r in rows],
            "lat": [r[2] for r in rows],
            "coord_sys": [r[3] for r in rows],
        }
    )
    result = run(town, posts)
    assert len(result.table) == len(posts)
    assert sum(result.counts.values()) == len(posts)
    assert set(result.table["clue_status"]) <= set(STATUSES)
