"""The names book and what a text says of its place (grid_ops/clues/places.py, reading.py)."""

from __future__ import annotations

import numpy as np
import pytest

from gridgov.grid_ops.clues.engine import read_places
from gridgov.grid_ops.clues.places import normalise
from gridgov.grid_ops.clues.reading import CONFIDENCE, NEAR_MISS_FACTOR

X0, Y0 = 500_000.0, 2_500_000.0


def one(book, text: str):
    return read_places(np.array([text], dtype=object), book)[0]


def test_the_book_holds_every_name_once_with_its_kind(town):
    book = town["book"]
    kinds = dict(zip(book.names, book.kinds))
    assert kinds == {
        "香蜜路": "road",
        "金湖大道": "road",
        "小巷街": "road",
        "田心花园": "estate",
        "景田雅居": "estate",
        "解放学校": "landmark",
    }
    assert book.addresses[(list(book.names).index("香蜜路"), 84)] == (X0 + 350, Y0 + 1500)
    assert book.buildings[(list(book.names).index("田心花园"), 2)] == (X0 + 360, Y0 + 1560)


def test_overlapping_names_keep_the_longest(town):
    book = town["book"]
    hits = book.exact_hits(normalise("金湖大道边上的田心花园"))
    assert [book.names[h.places[0]] for h in hits] == ["金湖大道", "田心花园"]


@pytest.mark.parametrize(
    ("text", "kind", "point"),
    [
        ("香蜜路84号门口垃圾好多", "address", (X0 + 350, Y0 + 1500)),
        ("田心花园2栋楼下天天烧烤", "building", (X0 + 360, Y0 + 1560)),
        ("香蜜路和金湖大道交叉口井盖没了", "intersection", (X0 + 300, Y0 + 700)),
        ("金湖大道与香蜜路的十字路口堵死了", "intersection", (X0 + 300, Y0 + 700)),
        ("解放学校门口违停", "landmark", (X0 + 1200, Y0 + 1200)),
    ],
)
def test_the_most_precise_reading_wins(town, text, kind, point):
    reading = one(town["book"], text)
    assert reading.kind == kind
    assert reading.x == pytest.approx(point[0], abs=1e-6) and reading.y == pytest.approx(point[1], abs=1e-6)
    assert reading.confidence == CONFIDENCE[kind]
    assert "→" in reading.evidence


def test_an_estate_without_a_building_is_its_centre(town):
    reading = one(town["book"], "田心花园里面有人半夜装修")
    assert reading.kind == "estate"
    assert (reading.x, reading.y) == pytest.approx((X0 + 355, Y0 + 1530))
    assert reading.radius == pytest.approx(np.hypot(5, 30))


def test_two_roads_without_a_crossing_word_are_not_an_intersection(town):
    reading = one(town["book"], "香蜜路和金湖大道都有垃圾")
    assert reading.kind == "road" and not np.isfinite(reading.x)
    assert reading.name == "香蜜路、金湖大道"


def test_a_typo_in_a_name_is_a_near_miss_with_less_confidence(town):
    reading = one(town["book"], "田心花圆1栋楼下好吵")  # 园 typed 圆
    assert reading.kind == "building"
    assert reading.confidence == pytest.approx(CONFIDENCE["building"] * NEAR_MISS_FACTOR)
    assert "≈田心花园" in reading.evidence
    dropped = one(town["book"], "景田居门口一堆垃圾")  # a character dropped
    assert dropped.kind == "estate" and dropped.name == "景田雅居"


def test_a_changed_suffix_is_another_name_not_a_typo(town):
    assert one(town["book"], "小巷路有坑").kind == ""  # 小巷街 exists; 小巷路 does not


def test_a_near_miss_between_two_names_is_never_guessed():
    import geopandas as gpd
    import shapely

    from gridgov.grid_ops.clues.places import PlaceBook

    roads = gpd.GeoDataFrame(
        {"name": ["东湖一路", "东湖三路"]},
        geometry=[shapely.LineString([(0, 0), (1, 0)]), shapely.LineString([(0, 5), (1, 5)])],
    )
    book = PlaceBook.build(roads)
    assert one(book, "东湖二路坑洼").kind == ""  # one edit from both: no guess
    assert one(book, "东湖一路坑洼").kind == "road"


def test_texts_without_names_and_hostile_texts_read_nothing(town):
    texts = np.array(["", "😡😡😡", "今天天气真好", "x" * 10_000, "路路路路路", "\x00\n\t"], dtype=object)
    readings = read_places(texts, town["book"])
    assert [r.kind for r in readings] == [""] * len(texts)


def test_of_two_names_one_edit_away_the_one_that_sounds_alike_is_taken():
    """A pinyin input method types homophones: 洪幅南路 is one edit from 洪湖南路 and from 洪福南路, and
    sounds like the second (hong fu nan lu)."""
    import geopandas as gpd
    import shapely

    from gridgov.grid_ops.clues.places import PlaceBook

    roads = gpd.GeoDataFrame(
        {"name": ["洪湖南路", "洪福南路"]},
        geometry=[shapely.LineString([(0, 0), (1, 0)]), shapely.LineString([(0, 5), (1, 5)])],
    )
    reading = one(PlaceBook.build(roads), "洪幅南路4号旁边垃圾箱满了")
    assert reading.kind == "road" and reading.name == "洪福南路"
