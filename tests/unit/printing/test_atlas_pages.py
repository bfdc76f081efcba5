"""What goes on each printed page (grid_ops.printing.atlas_pages) and the PDF text fix (grid_ops.printing.pdftext)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.grid_ops.printing import atlas_pages, pdftext
from gridgov.grid_ops.printing.atlas_pages import Unit


def test_file_stem_keeps_chinese_and_drops_what_file_systems_refuse():
    assert atlas_pages.file_stem("440399001", "南湖街道") == "440399001_南湖街道"
    assert atlas_pages.file_stem("A/1", 'x:y*"z"<>|?') == "A_1_x_y_z"
    assert atlas_pages.file_stem("", "") == "page"


@given(st.text(max_size=30), st.text(max_size=30))
def test_file_stem_is_always_a_plain_file_name(code, name):
    stem = atlas_pages.file_stem(code, name)
    assert stem and not set(stem) & set('\\/:*?"<>|') and not any(c.isspace() for c in stem)


def test_title_from_area_class_and_period():
    template = atlas_pages.DEFAULT_TITLE
    assert atlas_pages.render_title(template, "南湖街道", "噪声", "2025-12") == "南湖街道噪声热点分布图（2025-12）"
    assert atlas_pages.render_title(template, "南湖街道", "", "") == "南湖街道热点分布图"  # no empty brackets
    with pytest.raises(ValueError, match=r"\{area\}"):
        atlas_pages.render_title("{street} map", "a", "b", "c")


def test_trend_category_and_change_text():
    cur = np.array([5, 0, 3, 2, 0])
    prev = np.array([2, 4, 0, 2, 0])
    assert list(atlas_pages.trend_category(cur, prev)) == ["上升", "下降", "新增", "持平", "无"]
    change = np.array([150.0, -100.0, np.nan, 0.0, np.nan])
    assert list(atlas_pages.format_change(change, cur, prev)) == ["+150%", "-100%", "新增", "+0%", "—"]


def test_pages_by_rank_when_ranked_else_by_hot_grids_then_cases():
    grid_page = np.array([0, 0, 1, 1, 1, 2, -1])
    count = np.array([10, 10, 1, 1, 1, 50, 99])
    hot = np.array([False, False, True, True, False, False, True])
    units = [Unit("a", "甲"), Unit("b", "乙"), Unit("c", "丙")]
    pages = atlas_pages.order_pages(units, grid_page, count, hot)
    # b has 2 hot grids; c has more cases than a; the grid on no page counts for none
    assert list(pages.page_key) == ["b", "c", "a"]
    assert list(pages.page_no) == [1, 2, 3]
    assert list(pages.hot_grids) == [2, 0, 0] and list(pages.cases) == [3, 50, 20]
    assert list(pages.file_stem) == ["01_b_乙", "02_c_丙", "03_a_甲"]
    ranked = [Unit("a", "热区2", 2), Unit("b", "热区3", 3), Unit("c", "热区1", 1)]
    assert list(atlas_pages.order_pages(ranked, grid_page, count, hot).page_key) == ["c", "a", "b"]


def test_worst_grids_per_page():
    grid_page = np.array([0, 0, 0, 0, 1, 1, -1])
    count = np.array([3, 9, 3, 0, 1, 2, 100])
    codes = np.array(["g4", "g1", "g2", "g3", "h1", "h2", "x"])
    # page 0: g1 (9), then the tie 3/3 goes to the lower code g2; g3 has no case; page 1: h2, h1
    assert list(atlas_pages.worst_grids(grid_page, count, codes, rows=2)) == [0, 1, 2, 0, 2, 1, 0]
    assert list(atlas_pages.worst_grids(grid_page, count, codes, rows=10)) == [3, 1, 2, 0, 2, 1, 0]


def _pdf_with_cmap(entries: bytes) -> bytes:
    body = b"/CIDInit begincmap\n2 beginbfrange\n<0001> <0003> [" + entries + b"]\nendbfrange\nendcmap\n"
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Font /ToUnicode 7 0 R >>\nendobj\n"
        b"7 0 obj\n<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"endstream\nendobj\n"
        b"8 0 obj\n<2F79>\nendobj\ntrailer\n%%EOF\n"
    )


def test_radicals_in_the_text_layer_become_ideographs_in_place():
    # 网 (U+7F51) and its Kangxi twin ⽹ (U+2F79) share Noto's glyph; Qt writes the radical
    data = _pdf_with_cmap(b"<2F79> <683C> <2F54>")
    fixed, changed = pdftext.rewrite_to_unicode(data, pdftext.kangxi_to_ideograph())
    assert changed == 2
    assert b"<7F51> <683C> <6C34>" in fixed  # 网 格 水
    assert len(fixed) == len(data)  # no byte moves: the cross-reference table stays right
    assert fixed.endswith(b"8 0 obj\n<2F79>\nendobj\ntrailer\n%%EOF\n")  # only ToUnicode streams change


def test_kangxi_map_covers_the_block_and_never_maps_to_a_radical():
    mapping = pdftext.kangxi_to_ideograph()
    assert all(0x2F00 <= k <= 0x2FD5 for k in mapping if k >= 0x2F00)
    assert len([k for k in mapping if 0x2F00 <= k <= 0x2FD5]) == 214
    assert not any(pdftext.is_radical(v) for v in mapping.values())


@given(st.binary(max_size=400))
def test_text_fix_never_changes_length_or_other_bytes(noise):
    data = noise + _pdf_with_cmap(b"<2F00> <0041> <2EDA>")
    fixed, _ = pdftext.rewrite_to_unicode(data, {0x2F00: 0x4E00, 0x2EDA: 0x9875})
    assert len(fixed) == len(data)
    differing = [i for i, (a, b) in enumerate(zip(data, fixed)) if a != b]
    assert all(data[i : i + 1] in b"0123456789ABCDEFabcdef" for i in differing)


def test_small_units_get_a_wider_margin():
    # a 300 m hot area among 250 m grids: the page shows at least 8 grids (2,000 m) across
    margins = atlas_pages.atlas_margins(np.array([300.0, 5000.0, 0.0]), np.array([200.0, 4000.0, 0.0]), 250.0)
    assert margins[0] == pytest.approx(100 * (2000 / 300 - 1) / 2)
    assert margins[1] == pytest.approx(100 * atlas_pages.ATLAS_MARGIN)  # a street needs only the usual margin
    assert margins[2] == pytest.approx(100 * atlas_pages.ATLAS_MARGIN)  # a degenerate unit does not crash
