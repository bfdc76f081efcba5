"""Addresses: normalisation, the fuzzy threshold, any text survives (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.orders.gazetteer import Gazetteer, normalise_address


def test_address_normalisation_and_fuzzy_threshold():
    gaz = Gazetteer(
        [
            "深圳市滨河区南湖街道泰然街41号晒布苑1栋",
            "深圳市滨河区南湖街道泰然街14号晒布苑1栋",
            "深圳市滨河区东门街道景田路596号仙湖苑1栋",
        ]
    )
    assert normalise_address("深圳市滨河区南湖街道泰然街４１＃晒布苑一幢") == normalise_address(
        "南湖街道泰然街41号晒布苑1栋"
    )
    match = gaz.match(
        [
            "深圳市滨河区南湖街道泰然街41号晒布苑1栋",  # exact
            "滨河区 南湖街道泰然街４１号晒布苑１幢",  # normalised
            "南湖街道泰然街41号晒布园1栋",  # a typo in the estate: fuzzy
            "南湖街道泰然街99号晒布苑1栋",  # no such door: the numbers differ, so not placed
            "完全不相干的地方",
            "",
        ]
    )
    assert match.method.tolist() == ["exact", "normalised", "fuzzy", "unlocated", "unlocated", ""]
    assert match.index.tolist()[:3] == [0, 0, 0] and match.index.tolist()[3:] == [-1, -1, -1]
    assert "泰然街41号" in match.candidates[3] or "泰然街14号" in match.candidates[3]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=10))
def test_gazetteer_survives_any_text(texts):
    gaz = Gazetteer(["深圳市滨河区南湖街道泰然街41号晒布苑1栋", "景田路596号"])
    match = gaz.match(texts)
    assert len(match.index) == len(texts)
    assert set(match.method) <= {"", "exact", "normalised", "fuzzy", "unlocated"}
