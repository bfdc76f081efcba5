"""Internet posts of the demo city (issue 27): counts, kinds, determinism, and a truth that holds.

The matcher of ``gridgov:clues`` is measured against this truth, so it is checked here from the
layers themselves: grids hold the true points, geotags convert back to them, duplicates follow
their orders, new cases have no order of their class near them, texts name their places.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

from gridgov.grid_ops.democity import DEFAULT_POSTS, SPATIAL_LAYERS, TABLES, build_demo_city, write_demo_city
from gridgov.grid_ops.democity.posts import POST_COLUMNS, TRUTH_COLUMNS, generate_posts, load_wordings
from gridgov.grid_ops.orders import coords
from gridgov.grid_ops.responsibility import geolocate
from gridgov.grid_ops.runtime.paths import resource_path

SEED = 7
N_ORDERS = 3000
N_POSTS = 400
DAY = np.timedelta64(1, "D")
_TO_4547 = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True)


@pytest.fixture(scope="module")
def city():
    return build_demo_city(seed=SEED, n_orders=N_ORDERS, n_posts=N_POSTS)


@pytest.fixture(scope="module")
def posts(city):
    return city["posts"]


@pytest.fixture(scope="module")
def truth(city):
    return city["truth_posts"]


def _times(column: pd.Series) -> np.ndarray:
    return pd.to_datetime(column, format="%Y-%m-%dT%H:%M:%S").to_numpy().astype("datetime64[s]")


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(8)[7])


# --- counts, columns, determinism ----------------------------------------------------------------


def test_counts_ids_and_columns(city, posts, truth):
    assert city.n_posts == N_POSTS
    assert len(posts) == len(truth) == N_POSTS
    assert tuple(posts.columns) == POST_COLUMNS
    assert tuple(c for c in truth.columns if c != "geometry") == TRUTH_COLUMNS
    assert truth.crs == "EPSG:4547"
    assert posts["post_id"].is_unique
    assert posts["post_id"].str.fullmatch(r"WL2025\d{6}").all()
    assert list(posts["post_id"]) == list(truth["post_id"])
    assert (truth["true_time"].to_numpy() == np.sort(truth["true_time"].to_numpy())).all()  # in time order
    info = dict(zip(city["demo_info"]["key"], city["demo_info"]["value"]))
    assert info["n_posts"] == str(N_POSTS)
    assert "posts" in TABLES and "truth_posts" in SPATIAL_LAYERS


def test_shares_of_kinds_places_and_wordings(posts, truth):
    kind = truth["kind"].value_counts(normalize=True)
    assert abs(kind["new_case"] - 0.55) < 0.05
    assert abs(kind["duplicate"] - 0.30) < 0.05
    assert abs(kind["not_a_case"] - 0.15) < 0.02
    dup = truth[truth["kind"] == "duplicate"]
    assert 0.15 < (dup["dup_of_post"] != "").mean() < 0.35  # reposts of new case posts
    new = truth[truth["kind"] == "new_case"]
    assert 0.2 < (~new["identifiable"]).mean() < 0.35  # 15 % of all posts
    assert abs(posts["lon"].notna().mean() - 0.30) < 0.05
    wrong = truth["geotag_wrong"].sum() / posts["lon"].notna().sum()
    assert 0.02 < wrong < 0.1
    assert abs(truth["held_back"].mean() - 0.25) < 0.06
    named = truth["place_text"] != ""
    assert 0.04 < truth.loc[named, "typo"].mean() < 0.18
    assert set(truth["place_kind"]) == {
        "address", "estate", "intersection", "landmark", "geotag", "road", "community", "none",
    }  # fmt: skip
    for place_kind in ("address", "estate", "intersection", "landmark", "geotag"):
        assert truth.loc[truth["place_kind"] == place_kind, "held_back"].any(), place_kind
    assert (truth.loc[truth["kind"] == "not_a_case", "class_code"] == "").all()
    assert (truth.loc[truth["kind"] != "not_a_case", "class_code"].str.len() == 4).all()


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7])
def test_few_posts(city, n):
    posts, truth = generate_posts(city.layers, n, np.random.default_rng(1))
    assert len(posts) == len(truth) == n
    assert tuple(posts.columns) == POST_COLUMNS
    assert tuple(c for c in truth.columns if c != "geometry") == TRUTH_COLUMNS
    if n == 1:
        assert truth["kind"].iloc[0] == "new_case" and truth["identifiable"].iloc[0]


def test_negative_post_count_is_refused(city):
    with pytest.raises(ValueError, match="negative"):
        generate_posts(city.layers, -1, np.random.default_rng(1))


def test_same_seed_same_posts(city, posts, truth):
    """The posts come from the eighth stream of the seed: drawn again from it, they are the same."""
    again, again_truth = generate_posts(city.layers, N_POSTS, _rng(SEED))
    pd.testing.assert_frame_equal(again, posts)
    pd.testing.assert_frame_equal(again_truth, truth)
    other, _ = generate_posts(city.layers, N_POSTS, _rng(SEED + 1))
    assert list(other["text"]) != list(posts["text"])


def test_every_other_layer_is_the_same_without_posts(city, tmp_path):
    without = build_demo_city(seed=SEED, n_orders=N_ORDERS, n_posts=0)
    for name in (*SPATIAL_LAYERS, *TABLES):
        if name in ("posts", "truth_posts", "demo_info"):
            continue
        pd.testing.assert_frame_equal(without[name], city[name], obj=name)
    info = city["demo_info"][city["demo_info"]["key"] != "n_posts"]
    pd.testing.assert_frame_equal(without["demo_info"][without["demo_info"]["key"] != "n_posts"], info)
    assert len(without["posts"]) == len(without["truth_posts"]) == 0
    path = write_demo_city(without, tmp_path / "no_posts.gpkg")  # empty layers are written too
    assert pyogrio.read_info(path, layer="posts")["features"] == 0
    assert pyogrio.read_info(path, layer="truth_posts")["features"] == 0


def test_default_count():
    assert DEFAULT_POSTS == 600


# --- the truth holds -----------------------------------------------------------------------------


def test_grid_codes_hold_the_true_points(city, truth):
    """The grid of a true point is the one the responsibility rule gives it (gridgov:geolocate's:
    on an edge shared by grids, as at a crossing of two roads, the east-north side, then the lowest
    code); ``grid_codes`` lists every grid within a metre."""
    grids = city["grids"]
    layer = geolocate.UnitLayer(grids["grid_code"], grids.geometry.values, pd.DataFrame(index=grids.index))
    has_point = truth.geometry.notna().to_numpy()
    assert (truth.loc[~has_point, "grid_code"] == "").all()
    assert (truth.loc[~has_point, "place_kind"] == "none").all()
    points = truth.geometry[has_point].values
    best = geolocate.pick_units(layer, shapely.get_x(points), shapely.get_y(points)).best
    for i in np.flatnonzero(best < 0):  # in a sliver between grids (vertices rounded to 1 cm): the nearest
        distance = shapely.distance(grids.geometry.values, points[i])
        assert distance.min() < 0.05
        best[i] = np.flatnonzero(distance == distance.min())[0]
    assert (truth.loc[has_point, "grid_code"].to_numpy() == layer.codes[best]).all()
    by_code = grids.set_index("grid_code").geometry
    for code, codes_near, point in zip(truth.loc[has_point, "grid_code"], truth.loc[has_point, "grid_codes"], points):
        assert code in codes_near.split("|")
        assert all(by_code[c].distance(point) <= 1.0 for c in codes_near.split("|"))
    crossings = truth["place_kind"] == "intersection"
    assert truth.loc[crossings, "grid_codes"].str.contains("|", regex=False).mean() > 0.5  # on grid edges


def test_identifiable_follows_the_place_kind(city, truth):
    kinds = truth["place_kind"]
    assert truth.loc[kinds.isin(["address", "estate", "intersection", "geotag"]), "identifiable"].all()
    assert not truth.loc[kinds.isin(["road", "community", "none"]), "identifiable"].any()
    # a landmark names a place when it lies in one grid
    grids = city["grids"]
    small = {}
    for name, geom in zip(city["dedicated_grids"]["name"], city["dedicated_grids"].geometry):
        share = shapely.area(shapely.intersection(grids.geometry.values, geom)).max() / geom.area
        small[name] = share >= 0.98
    landmarks = truth[kinds == "landmark"]
    assert (landmarks["identifiable"] == landmarks["place_name"].map(small)).all()
    assert landmarks["identifiable"].any() and not landmarks["identifiable"].all()


def test_geotags_convert_back_to_the_true_points(posts, truth):
    tagged = posts["lon"].notna().to_numpy()
    assert (posts.loc[~tagged, "coord_sys"] == "").all()
    assert set(posts.loc[tagged, "coord_sys"]) == {"gcj02", "bd09"}
    baidu = posts["platform"].isin(["百度贴吧", "本地宝"]).to_numpy()
    assert (posts.loc[tagged & baidu, "coord_sys"] == "bd09").all()
    assert (posts.loc[tagged & ~baidu, "coord_sys"] == "gcj02").all()
    lon, lat = posts["lon"].to_numpy(copy=True), posts["lat"].to_numpy(copy=True)
    bd = (posts["coord_sys"] == "bd09").to_numpy()
    lon[bd], lat[bd] = coords.bd09_to_gcj02(lon[bd], lat[bd])
    lon[tagged], lat[tagged] = coords.gcj02_to_wgs84(lon[tagged], lat[tagged])
    x, y = _TO_4547.transform(lon[tagged], lat[tagged])
    true = truth.geometry[tagged]
    err = np.hypot(x - shapely.get_x(true.values), y - shapely.get_y(true.values))
    wrong = truth["geotag_wrong"].to_numpy()[tagged]
    assert err[~wrong].max() < 50.0
    assert (err[wrong] > 950.0).all() and (err[wrong] < 4100.0).all()
    assert not truth.loc[~tagged, "geotag_wrong"].any()
    assert (posts.loc[(truth["place_kind"] == "geotag").to_numpy(), "lon"].notna()).all()
    named = truth["place_kind"].isin(["address", "estate", "intersection", "landmark"])
    assert not truth.loc[truth["geotag_wrong"] & ~named, "place_kind"].any()


def test_duplicates_follow_their_orders(city, truth):
    orders = city["truth_orders"].set_index("order_id")
    dup = truth[truth["dup_of_order"] != ""]
    assert (dup["kind"] == "duplicate").all() and len(dup) > 50
    order = orders.loc[dup["dup_of_order"]]
    assert (dup["class_code"].to_numpy() == order["class_code"].to_numpy()).all()
    assert (order["defect"] == "").all()
    lag = _times(dup["true_time"]) - _times(order["true_time"])
    assert (lag >= np.timedelta64(1800, "s")).all() and (lag <= 5 * DAY).all()
    assert (dup.geometry.values.distance(order.geometry.values) < 0.01).all()
    # the place named lies near the order
    placed = dup[dup["place_kind"] == "intersection"]
    assert len(placed) > 0
    for alternatives, order_id in zip(dup["dup_alternatives"], dup["dup_of_order"]):
        assert order_id not in alternatives.split("|")


def test_reposts_repeat_an_earlier_new_case(posts, truth):
    by_id = truth.set_index("post_id")
    platform = posts.set_index("post_id")["platform"]
    reposts = truth[truth["dup_of_post"] != ""]
    assert len(reposts) > 10
    for row in reposts.itertuples():
        original = by_id.loc[row.dup_of_post]
        assert original.kind == "new_case" and original.identifiable
        assert (row.class_code, row.place_kind, row.place_name) == (
            original.class_code,
            original.place_kind,
            original.place_name,
        )
        assert row.geometry.distance(original.geometry) < 0.01
        lag = _times(pd.Series([row.true_time]))[0] - _times(pd.Series([original.true_time]))[0]
        assert np.timedelta64(2, "h") <= lag <= 3 * DAY
        assert row.wording.split("+")[0] != original.wording.split("+")[0]
        assert platform[row.post_id] != platform[row.dup_of_post]


def _new_cases_are_new(orders, truth, radius=600.0, days=10):
    """No order nor other post of the same class within ``radius`` m and ``days`` days of a new case."""
    new = truth[(truth["kind"] == "new_case") & truth.geometry.notna()]
    assert len(new) > 0
    new_t = _times(new["true_time"])
    assert (new_t >= np.datetime64("2025-01-01")).all() and (new_t < np.datetime64("2026-01-01")).all()
    o_xy = shapely.get_coordinates(orders.geometry.values)
    o_t = _times(orders["true_time"])
    others = truth[truth.geometry.notna() & (truth["kind"] != "not_a_case")]
    p_xy = shapely.get_coordinates(others.geometry.values)
    p_t = _times(others["true_time"])
    for code, mine in new.groupby("class_code"):
        xy = shapely.get_coordinates(mine.geometry.values)
        t = _times(mine["true_time"])
        same = (orders["class_code"] == code).to_numpy()
        if same.any():
            tree = cKDTree(o_xy[same])
            for i, near in enumerate(tree.query_ball_point(xy, radius)):
                assert not (np.abs(o_t[same][near] - t[i]) <= days * DAY).any(), mine["post_id"].iloc[i]
        same = (others["class_code"] == code).to_numpy()
        ids = others["post_id"].to_numpy()[same]
        reposted = others["dup_of_post"].to_numpy()[same]
        tree = cKDTree(p_xy[same])
        for i, near in enumerate(tree.query_ball_point(xy, radius)):
            me = mine["post_id"].iloc[i]
            near = [j for j in near if ids[j] != me and reposted[j] != me]  # itself and its reposts
            assert not (np.abs(p_t[same][near] - t[i]) <= days * DAY).any(), me


def test_new_cases_are_new(city, truth):
    _new_cases_are_new(city["truth_orders"], truth)


def _one_typo(canonical: str, written: str, typos: dict[str, str]) -> bool:
    diff = [(c, w) for c, w in zip(canonical, written) if c != w]
    return len(canonical) == len(written) and len(diff) == 1 and typos.get(diff[0][0]) == diff[0][1]


def test_texts_name_their_places(truth, posts):
    """The names a post writes are in its text: the place's own names, but for one homophone (a typo)
    or a shortened estate (金湖新村 -> 金湖村)."""
    typos = load_wordings().typos
    text = posts["text"].str.replace(" ", "", regex=False)
    named = truth["place_kind"].isin(["address", "estate", "intersection", "landmark", "road", "community"])
    mentioned = named & (truth["place_text"] != "")
    assert mentioned.sum() > 0.9 * named.sum()  # chatter without a place phrase aside
    assert truth.loc[mentioned, "typo"].any()
    for i in np.flatnonzero(mentioned.to_numpy()):
        row = truth.iloc[i]
        written, canonical = row.place_text.split("|"), row.place_name.split("|")
        assert all(part in text.iloc[i] for part in written), (row.place_text, posts["text"].iloc[i])
        unsaid = [c for c in canonical if c not in written]
        changed = [w for w in written if w not in canonical]
        if row.typo:
            assert len(unsaid) == len(changed) == 1 and _one_typo(unsaid[0], changed[0], typos), row.place_text
        elif row.abbreviated:
            assert row.place_kind == "estate" and len(changed[0]) < len(unsaid[0])
        else:
            assert not unsaid and not changed, (row.place_text, row.place_name)


def test_posted_at_formats_and_links(posts, truth):
    formats = {
        r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}": "%Y-%m-%d %H:%M",
        r"\d{4}/\d{1,2}/\d{1,2} \d{2}:\d{2}:\d{2}": "%Y/%m/%d %H:%M:%S",
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00": "%Y-%m-%dT%H:%M:%S+08:00",
    }
    true = _times(truth["true_time"])
    seen = set()
    for i, text in enumerate(posts["posted_at"]):
        pattern = next(p for p in formats if re.fullmatch(p, text))
        seen.add(pattern)
        parsed = np.datetime64(pd.to_datetime(text, format=formats[pattern]), "s")
        assert np.timedelta64(0, "s") <= true[i] - parsed < np.timedelta64(60, "s")
    assert len(seen) == 3
    domains = {
        "微博": "https://weibo.com/",
        "抖音": "https://www.douyin.com/video/",
        "小红书": "https://www.xiaohongshu.com/explore/",
        "大众点评": "https://www.dianping.com/",
        "微信公众号": "https://mp.weixin.qq.com/s/",
        "百度贴吧": "https://tieba.baidu.com/p/",
        "本地宝": "https://sz.bendibao.com/",
    }
    assert set(posts["platform"]) == set(domains)
    assert all(url.startswith(domains[p]) for p, url in zip(posts["platform"], posts["url"]))
    assert posts["url"].is_unique


def test_crowded_city_keeps_the_truth(city):
    """Many posts on a small city: still every kind, and new cases still have no order near them."""
    posts, truth = generate_posts(city.layers, 5000, np.random.default_rng(3))
    assert len(posts) == 5000 and posts["post_id"].is_unique
    assert set(truth["kind"]) == {"new_case", "duplicate", "not_a_case"}
    _new_cases_are_new(city["truth_orders"], truth)


# --- the wordings are data -------------------------------------------------------------------------


def test_wordings():
    words = load_wordings()
    cases = words.cases
    catalogue = pd.read_csv(resource_path("taxonomy", "class_cases.csv"), dtype=str)
    assert set(cases["class_code"]) == set(catalogue["class_code"])
    assert cases.groupby("class_code").size().min() >= 3
    assert (cases.groupby("class_code")["set"].apply(lambda s: (s == "dev").sum()) >= 2).all()
    assert (cases["template"].str.count(r"\{p\}") == 1).all()
    assert cases["wording_id"].is_unique and words.phrases["wording_id"].is_unique
    descriptions = set(pd.read_csv(resource_path("taxonomy", "descriptions.csv"), dtype=str)["template"])
    assert not set(cases["template"]) & descriptions
    for table in (cases, words.phrases, words.chatter):
        assert set(table["set"]) == {"dev", "held_back"}
        assert 0.2 <= (table["set"] == "held_back").mean() <= 0.35
    phrases = words.phrases
    for kind, group in phrases.groupby("place_kind"):
        assert set(group["set"]) == {"dev", "held_back"}, kind
    assert set(phrases["place_kind"]) == {
        "address", "estate", "intersection", "landmark", "road", "community", "vague",
    }  # fmt: skip
    assert all(len(k) == 1 and len(v) == 1 for k, v in words.typos.items())
