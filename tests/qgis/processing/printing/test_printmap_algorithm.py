"""gridgov:printmap: the printed atlas opened as a reader would (pdfinfo, pdftotext, pdftoppm)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import processing
import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback, QgsProject
from qgis.PyQt.QtGui import QImage

from gridgov.layers.printing import layout as print_layout
from gridgov.layers.printing.page_layers import GI_BIN_LABELS

#: Gi* bin → the printed legend's label.
LABELS = GI_BIN_LABELS
#: Designed bins per street: which classes each page must list in its legend (the rest are 0).
DESIGN = {"440399001": [3, 3, 3, 1], "440399002": [2, 2, -1], "440399003": [-2]}


def _layer(gpkg: Path, name: str) -> str:
    return f"{gpkg}|layername={name}"


def _pdf_text(path: Path, page: int) -> str:
    args = ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


@pytest.fixture(scope="module")
def hot_grids(demo_city_gpkg, tmp_path_factory):
    """The demo grids with a designed Gi* result: the oracle for every page's legend, table and order."""
    grids = gpd.read_file(demo_city_gpkg, layer="grids")
    rng = np.random.default_rng(7)
    grids["cur_cnt"] = rng.integers(0, 30, len(grids))
    grids["prev_cnt"] = rng.integers(0, 30, len(grids))
    grids["perc_chg"] = np.where(
        grids.prev_cnt > 0, 100 * (grids.cur_cnt - grids.prev_cnt) / grids.prev_cnt.clip(1), np.nan
    )
    grids["cur_period"] = "2025-12"
    grids["gi_bin"] = 0
    for street, bins in DESIGN.items():
        rows = grids.index[grids.street_code == street][: len(bins)]
        grids.loc[rows, "gi_bin"] = bins
    path = tmp_path_factory.mktemp("print") / "hot.gpkg"
    grids.to_file(path, layer="hot", driver="GPKG")
    return grids, path


@pytest.fixture(scope="module")
def atlas(hot_grids, demo_city_gpkg, tmp_path_factory, module_provider):
    out = tmp_path_factory.mktemp("atlas") / "atlas.pdf"
    result = processing.run(
        "gridgov:printmap",
        {
            "GRIDS": str(hot_grids[1]),
            "COVERAGE": _layer(demo_city_gpkg, "streets"),
            "DEDICATED": _layer(demo_city_gpkg, "dedicated_grids"),
            "ROSTER": _layer(demo_city_gpkg, "roster"),
            "CLASS_CASE": "噪声",
            "OUTPUT": str(out),
        },
    )
    return result, out


def test_one_page_per_street_office(atlas, demo_city_gpkg):
    result, pdf = atlas
    streets = gpd.read_file(demo_city_gpkg, layer="streets")
    assert result["PAGES"] == len(streets) == _pages(pdf) == 7
    assert result["FILES"] == [str(pdf)]


def test_pages_in_priority_order_with_their_titles_and_worst_grids(atlas, hot_grids, demo_city_gpkg):
    _, pdf = atlas
    grids, _ = hot_grids
    streets = gpd.read_file(demo_city_gpkg, layer="streets").set_index("street_code")
    hot = grids[grids.gi_bin >= 2].groupby("street_code").size()
    cases = grids.groupby("street_code").cur_cnt.sum()
    order = sorted(streets.index, key=lambda s: (-hot.get(s, 0), -cases[s], s))
    assert order[:2] == ["440399001", "440399002"]  # 3 and 2 hot grids
    for page, street in enumerate(order, start=1):
        text = _pdf_text(pdf, page)
        assert f"{streets.loc[street, 'name']}噪声热点分布图（2025-12）" in text
        assert f"第{page}/7页" in "".join(text.split())
        mine = grids[(grids.street_code == street) & (grids.cur_cnt > 0)].sort_values(
            ["cur_cnt", "grid_code"], ascending=[False, True]
        )
        for code in mine.grid_code.iloc[:10]:
            assert code in text, (page, code)
        for code in mine.grid_code.iloc[10:]:
            assert code not in text, (page, code)


def test_each_legend_lists_only_what_its_page_shows(atlas, hot_grids):
    _, pdf = atlas
    grids, _ = hot_grids
    first, second = (_pdf_text(pdf, page) for page in (1, 2))
    legend = {page: {b for b, label in LABELS.items() if label in text} for page, text in ((1, first), (2, second))}
    assert legend[1] == set(grids[grids.street_code == "440399001"].gi_bin) == {3, 1, 0}
    assert legend[2] == set(grids[grids.street_code == "440399002"].gi_bin) == {2, -1, 0}
    # everything else on the legend is the same on both pages
    assert ("专属网格 Dedicated grids" in first) == ("专属网格 Dedicated grids" in second)
    assert "图例 Legend" in first and "图例 Legend" in second


def test_every_page_has_a_drawn_map(atlas, tmp_path):
    _, pdf = atlas
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", str(pdf), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 7
    for png in pngs:
        image = QImage(str(png)).convertToFormat(QImage.Format.Format_Grayscale8)
        mm = image.width() / 297.0
        x0, y0, w, h = (int(v * mm) for v in (8, 22, 186, 172))  # the map item of the A4 landscape template
        pixels = np.array(
            [
                [image.pixelColor(x, y).value() for x in range(x0 + 2, x0 + w - 2, 2)]
                for y in range(y0 + 2, y0 + h - 2, 2)
            ]
        )
        assert pixels.std() > 12, png.name  # lines, fills and labels, not a blank frame
        assert (pixels < 128).mean() > 0.01


def test_chinese_text_is_text_and_searchable(atlas):
    _, pdf = atlas
    text = _pdf_text(pdf, 1)
    # characters Noto draws with a radical's glyph (网, 页) come out as the ideographs; digits after
    # Latin letters survive
    assert "本页重点网格" in text and "网格员" in text and "⽹" not in text
    assert "EPSG:4547" in text and "CGCS2000" in text


def test_one_png_per_page_named_by_unit(hot_grids, demo_city_gpkg, tmp_path, module_provider):
    result = processing.run(
        "gridgov:printmap",
        {
            "GRIDS": str(hot_grids[1]),
            "COVERAGE": _layer(demo_city_gpkg, "streets"),
            "LAYOUT": 1,  # A4 portrait
            "OUTPUT": str(tmp_path / "map.png"),
        },
    )
    files = [Path(f).name for f in result["FILES"]]
    assert len(files) == 7 and files[0] == "map_01_440399001_南湖街道.png"
    image = QImage(result["FILES"][0])
    assert image.height() > image.width()  # portrait


def test_one_page_of_everything_without_coverage(hot_grids, tmp_path, module_provider):
    result = processing.run(
        "gridgov:printmap",
        {
            "GRIDS": str(hot_grids[1]),
            "TITLE": "{area}{class_case}热点图 {period}",
            "CLASS_CASE": "违停",
            "PERIOD": "2025年12月",
            "LAYOUT": 2,  # A3 landscape
            "OUTPUT": str(tmp_path / "district.pdf"),
        },
    )
    pdf = Path(result["OUTPUT"])
    assert result["PAGES"] == 1 == _pages(pdf)
    text = _pdf_text(pdf, 1)
    assert "全区违停热点图 2025年12月" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "1191 x 842 pts (A3)" in info


def test_bad_output_suffix_says_which_parameter(hot_grids, tmp_path, module_provider):
    with pytest.raises(QgsProcessingException, match="OUTPUT"):
        processing.run("gridgov:printmap", {"GRIDS": str(hot_grids[1]), "OUTPUT": str(tmp_path / "map.txt")})


def test_bad_title_placeholder_says_which_parameter(hot_grids, tmp_path, module_provider):
    with pytest.raises(QgsProcessingException, match=r"TITLE.*\{area\}"):
        processing.run(
            "gridgov:printmap",
            {"GRIDS": str(hot_grids[1]), "TITLE": "{street} map", "OUTPUT": str(tmp_path / "map.pdf")},
        )


@pytest.mark.parametrize("key", list(print_layout.TEMPLATES))
def test_templates_open_as_print_layouts_with_every_item(key, qgis_app):
    layout = print_layout.load_template(print_layout.template_path(key), QgsProject())
    for item_id in print_layout.ITEM_IDS + print_layout.OPTIONAL_IDS:
        assert layout.itemById(item_id) is not None, item_id
    size = layout.pageCollection().page(0).pageSize()
    short, long = sorted((size.width(), size.height()))
    assert (round(short), round(long)) == ((210, 297) if key.startswith("a4") else (297, 420))
    assert (size.width() > size.height()) == key.endswith("landscape")
    page = layout.pageCollection().page(0).rect()
    for item in layout.items():
        if hasattr(item, "id") and item.id():  # nothing hangs off the paper
            box = item.mapRectToScene(item.rect())
            assert page.contains(box), item.id()


def test_a_template_without_a_map_is_refused(tmp_path, qgis_app):
    text = print_layout.template_path("a4_landscape").read_text(encoding="utf-8").replace('id="map"', 'id="mapx"')
    broken = tmp_path / "broken.qpt"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="lacks the item"):
        print_layout.load_template(broken, QgsProject())


def test_cjk_font_falls_back_gracefully(caplog, qgis_app):
    assert print_layout.cjk_font_family(("No Such Font", "Noto Sans CJK SC")) == "Noto Sans CJK SC"
    with caplog.at_level("WARNING", logger="gridgov"):
        family = print_layout.cjk_font_family(("No Such Font",))
    assert family and "fonts-noto-cjk" in caplog.text


def test_prints_without_the_preferred_font(hot_grids, tmp_path, module_provider, monkeypatch):
    monkeypatch.setattr(print_layout, "CJK_FAMILIES", ("No Such Font",))
    monkeypatch.setattr(print_layout.cjk_font_family, "__defaults__", (("No Such Font",),))
    result = processing.run(
        "gridgov:printmap",
        {"GRIDS": str(hot_grids[1]), "CLASS_CASE": "噪声", "OUTPUT": str(tmp_path / "fallback.pdf")},
    )
    assert _pages(Path(result["OUTPUT"])) == 1
    assert "噪声热点分布图" in _pdf_text(Path(result["OUTPUT"]), 1)


def test_one_page_per_community_with_only_its_grids(hot_grids, demo_city_gpkg, tmp_path, module_provider):
    grids, path = hot_grids
    communities = gpd.read_file(demo_city_gpkg, layer="communities")
    result = processing.run(
        "gridgov:printmap",
        {"GRIDS": str(path), "COVERAGE": _layer(demo_city_gpkg, "communities"), "OUTPUT": str(tmp_path / "c.pdf")},
    )
    pdf = Path(result["OUTPUT"])
    # communities also carry their street's code: the unit code is the one that names each unit once
    assert result["PAGES"] == len(communities) == _pages(pdf)
    text = _pdf_text(pdf, 1)
    page_community = next(c for c, n in zip(communities.community_code, communities.name) if f"{n}热点分布图" in text)
    listed = [code for code in grids.grid_code if code in text]
    assert listed and all(code.startswith(page_community) for code in listed)


def test_coverage_codes_must_name_each_unit_once(hot_grids, demo_city_gpkg, tmp_path, module_provider):
    with pytest.raises(QgsProcessingException, match=r"COVERAGE_CODE_FIELD.*440399001.*more than one unit"):
        processing.run(
            "gridgov:printmap",
            {
                "GRIDS": str(hot_grids[1]),
                "COVERAGE": _layer(demo_city_gpkg, "communities"),
                "COVERAGE_CODE_FIELD": "street_code",
                "OUTPUT": str(tmp_path / "never.pdf"),
            },
        )


def test_the_layout_can_go_into_the_project_for_the_designer(hot_grids, demo_city_gpkg, tmp_path, module_provider):
    project = QgsProject.instance()
    try:
        runs = [
            processing.run(
                "gridgov:printmap",
                {
                    "GRIDS": str(hot_grids[1]),
                    "COVERAGE": _layer(demo_city_gpkg, "streets"),
                    "CLASS_CASE": "噪声",
                    "ADD_LAYOUT": True,
                    "OUTPUT": str(tmp_path / f"p{i}.pdf"),
                },
            )
            for i in range(2)
        ]
        names = [r["LAYOUT_NAME"] for r in runs]
        assert names == ["热点图 Hotspot map 噪声2025-12", "热点图 Hotspot map 噪声2025-12 (2)"]
        layout = project.layoutManager().layoutByName(names[0])
        assert layout is not None and layout.atlas().enabled() and layout.atlas().count() == 7
        coverage = layout.atlas().coverageLayer()
        assert project.mapLayer(coverage.id()) is coverage  # the layers live in the project with the layout
        group = project.layerTreeRoot().findGroup(f"出图 Print · {names[0]}")
        assert group is not None and not any(node.isVisible() for node in group.findLayers())
    finally:
        project.clear()


def test_coverage_in_another_crs_and_grids_on_no_page(hot_grids, demo_city_gpkg, tmp_path, module_provider):
    streets = gpd.read_file(demo_city_gpkg, layer="streets")
    kept = streets[streets.street_code != "440399007"].to_crs("EPSG:4490")  # CGCS2000 degrees; one street gone
    kept.to_file(tmp_path / "streets_4490.gpkg", driver="GPKG")
    messages = []

    class Feedback(QgsProcessingFeedback):
        def pushWarning(self, warning):  # noqa: N802
            messages.append(warning)

    result = processing.run(
        "gridgov:printmap",
        {
            "GRIDS": str(hot_grids[1]),
            "COVERAGE": str(tmp_path / "streets_4490.gpkg"),
            "OUTPUT": str(tmp_path / "a.pdf"),
        },
        feedback=Feedback(),
    )
    assert result["PAGES"] == 6 == _pages(Path(result["OUTPUT"]))
    grids = hot_grids[0]
    missing = int((grids.street_code == "440399007").sum())
    assert any(f"{missing} of {len(grids)} grids lie in no unit" in m for m in messages)
    # reprojected: page 1 is still the street with the most hot grids, its table holds its own grids
    text = _pdf_text(Path(result["OUTPUT"]), 1)
    assert "南湖街道热点分布图" in text
    listed = [code for code in grids.grid_code if code in text]
    assert len(listed) == 10 and all(code.startswith("440399001") for code in listed)
