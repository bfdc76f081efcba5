"""gridgov:printmap's assessment page (考评图): the OUTPUT of gridgov:assessment printed and read back as
a user would (pdftotext, pdftoppm), against the assessment's own table read with geopandas."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import processing
import pytest
from qgis.core import QgsProcessingException, QgsProject
from qgis.PyQt.QtGui import QImage

from gridgov.grid_ops.printing.assessment_page import plan_assessment
from gridgov.layers.printing import layout as print_layout

HEADINGS = ("排名", "单位", "得分", "响应率", "解决率", "满意率", "按期办结率", "件数")
#: The map item of the A4 landscape assessment template (scripts/make_layouts.py), in mm.
MAP_BOX = (8, 22, 160, 172)


def _layer(gpkg: Path, name: str) -> str:
    return f"{gpkg}|layername={name}"


def _text(pdf: Path, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


@pytest.fixture(scope="module")
def assessed(demo_city_gpkg, tmp_path_factory, module_provider):
    """The demo city's street offices assessed per month (the input of the page) and its latest period."""
    folder = tmp_path_factory.mktemp("assessment_page")
    placed = folder / "placed.gpkg"
    processing.run(
        "gridgov:geolocate",
        {"INPUT": _layer(demo_city_gpkg, "orders"), "X_FIELD": "x", "Y_FIELD": "y", "COORD_SYS_FIELD": "coord_sys",
         "CATEGORY_FIELD": "class_code", "GRIDS": _layer(demo_city_gpkg, "grids"),
         "COMMUNITIES": _layer(demo_city_gpkg, "communities"), "STREETS": _layer(demo_city_gpkg, "streets"),
         "OUTPUT": str(placed)},
    )  # fmt: skip
    out = folder / "streets_assessed.gpkg"
    processing.run(
        "gridgov:assessment",
        {"INPUT": str(placed), "UNIT_FIELD": "street_code", "PERIOD": 0, "MIN_ORDERS": 5,
         "UNITS": _layer(demo_city_gpkg, "streets"), "UNITS_CODE_FIELD": "street_code",
         "OUTPUT": str(out), "OVERDUE": "TEMPORARY_OUTPUT", "TOPICS": "TEMPORARY_OUTPUT"},
    )  # fmt: skip
    table = gpd.read_file(out)
    latest = table[table["latest"].astype(bool) & (table["unit"].fillna("") != "")]
    return out, latest


@pytest.fixture(scope="module")
def page(assessed, tmp_path_factory):
    """The page printed with every parameter at its default: the assessment is recognised by its fields."""
    pdf = tmp_path_factory.mktemp("assessment_pdf") / "assessment.pdf"
    result = processing.run("gridgov:printmap", {"GRIDS": str(assessed[0]), "OUTPUT": str(pdf)})
    return result, pdf


def test_an_assessment_layer_prints_one_page_of_its_latest_period(page, assessed):
    result, pdf = page
    _, latest = assessed
    period = latest["period"].iloc[0]
    assert latest["period"].nunique() == 1
    assert result["PAGES"] == 1 == _pages(pdf) and result["FILES"] == [str(pdf)]
    text = _text(pdf)
    assert f"全区责任单位考评（{period}）" in text
    assert f"考评排名（{period}）" in text
    assert "图例 Legend" in text and "末位 Lowest ranked" in text
    assert "EPSG:4547" in text and f"{len(latest)} 个责任单位" in text  # the data source line
    assert re.search(r"\b2,000 m\b|\b1,000 m\b|\b500 m\b", text)  # the scale bar
    for heading in HEADINGS:
        assert heading in text, heading


def test_the_table_ranks_every_unit_and_highlights_the_lowest(page, assessed):
    _, pdf = page
    _, latest = assessed
    rated = latest[latest["rated"].astype(bool)].sort_values(["rank", "unit"])
    lowest = rated[rated["rank"] == rated["rank"].max()]
    assert len(rated) >= 3 and len(lowest) == 1  # the demo month has a clear last place
    lines = _text(pdf, layout=True).splitlines()
    rows = {}
    for _, unit in latest.iterrows():
        found = [i for i, line in enumerate(lines) if re.search(rf"\s{re.escape(unit['name'])}\s+[\d.]+\s+\d", line)]
        assert len(found) == 1, unit["name"]
        rows[unit["unit"]] = lines[found[0]]
    # rated units in rank order, then the unranked ones
    order = [lines.index(rows[code]) for code in rated["unit"]]
    assert order == sorted(order)
    for _, unit in latest.iterrows():
        row = rows[unit["unit"]]
        rank = f"{unit['rank']:.0f}" if unit["rated"] else "未排名"
        if unit["unit"] in set(lowest["unit"]):
            rank += " 末位"
        cells = [rank, unit["name"], f"{unit['score']:.1f}"]
        cells += [_percent(unit[f]) for f in ("response_rate", "resolution_rate", "satisfaction_rate")]
        cells += [_percent(unit["ontime_close_rate"]), str(unit["n_orders"])]
        assert re.search(r"\s+".join(map(re.escape, cells)), row), (cells, row)
        assert ("末位" in row) == (unit["unit"] in set(lowest["unit"])), row


def test_the_map_colours_the_units_and_outlines_the_lowest_in_red(page, tmp_path):
    _, pdf = page
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "p")], check=True)
    image = QImage(str(next(tmp_path.glob("p*.png"))))
    mm = image.width() / 297.0
    x0, y0, w, h = (int(v * mm) for v in MAP_BOX)
    colours = np.array(
        [
            image.pixelColor(x, y).getRgb()[:3]
            for x in range(x0 + 2, x0 + w - 2, 2)
            for y in range(y0 + 2, y0 + h - 2, 2)
        ]
    )
    red = (colours[:, 0] > 150) & (colours[:, 1] < 60) & (colours[:, 2] < 60)  # the lowest unit's outline
    green = (colours[:, 1] > colours[:, 0] + 40) & (colours[:, 1] > colours[:, 2] + 40)  # score ≥ 80
    assert red.mean() > 0.002 and green.mean() > 0.05
    table = [
        image.pixelColor(x, y).getRgb()[:3] for x in range(int(173 * mm), int(289 * mm)) for y in range(y0, y0 + h, 2)
    ]
    pink = [c for c in table if abs(c[0] - 246) < 12 and abs(c[1] - 201) < 16 and abs(c[2] - 201) < 16]
    assert len(pink) > 50  # the highlighted row


def test_rows_keeps_the_lowest_ranked(assessed, tmp_path, module_provider):
    out, latest = assessed
    result = processing.run(
        "gridgov:printmap",
        {"GRIDS": str(out), "PAGE": 2, "ROWS": 2, "LAYOUT": 1, "OUTPUT": str(tmp_path / "two.pdf")},
    )
    text = _text(Path(result["OUTPUT"]), layout=True)
    assert "考评排名后 2 位" in text
    rated = latest[latest["rated"].astype(bool)].sort_values(["rank", "unit"])
    listed = [name for name in latest["name"] if re.search(rf"\s{re.escape(name)}\s+[\d.]+\s+\d", text)]
    assert sorted(listed) == sorted(rated["name"].iloc[-2:])


def test_the_plan_without_qgis(assessed):
    out, latest = assessed
    table = gpd.read_file(out)
    plan = plan_assessment(table, rows=10, area="南山区", title="{area}{period}考评", period="十二月")
    assert plan.title == "南山区十二月考评" and plan.period == latest["period"].iloc[0]
    assert set(plan.units["unit"]) == set(latest["unit"])
    assert plan.units.loc[plan.units.lowest, "rank"].tolist() == [latest["rank"].max()]
    everything = table.assign(period="all", latest=True)
    assert plan_assessment(everything[everything.index < 3], 10, "全区").title == "全区责任单位考评（全部时段）"


def test_page_choice_is_checked_against_the_layer(assessed, demo_city_gpkg, tmp_path, module_provider):
    with pytest.raises(QgsProcessingException, match=r"PAGE.*score"):
        processing.run(
            "gridgov:printmap",
            {"GRIDS": _layer(demo_city_gpkg, "grids"), "PAGE": 2, "OUTPUT": str(tmp_path / "never.pdf")},
        )
    with pytest.raises(QgsProcessingException, match="FIELD"):  # asked for hotspot maps of an assessment
        processing.run("gridgov:printmap", {"GRIDS": str(assessed[0]), "PAGE": 1, "OUTPUT": str(tmp_path / "n.pdf")})


def test_the_assessment_layout_can_go_into_the_project(assessed, tmp_path, module_provider):
    project = QgsProject.instance()
    try:
        result = processing.run(
            "gridgov:printmap", {"GRIDS": str(assessed[0]), "ADD_LAYOUT": True, "OUTPUT": str(tmp_path / "a.pdf")}
        )
        period = assessed[1]["period"].iloc[0]
        assert result["LAYOUT_NAME"] == f"考评图 Assessment map {period}"
        layout = project.layoutManager().layoutByName(result["LAYOUT_NAME"])
        assert layout is not None and not layout.atlas().enabled()
    finally:
        project.clear()


@pytest.mark.parametrize("key", list(print_layout.ASSESSMENT_TEMPLATES))
def test_assessment_templates_have_their_items_on_the_paper(key, qgis_app):
    layout = print_layout.load_template(print_layout.template_path(key, "assessment"), QgsProject())
    for item_id in (*print_layout.ITEM_IDS, "scalebar", "north_arrow", "table", "table_title", "date", "source"):
        assert layout.itemById(item_id) is not None, item_id
    size = layout.pageCollection().page(0).pageSize()
    assert (size.width() > size.height()) == key.endswith("landscape")
    page = layout.pageCollection().page(0).rect()
    for item in layout.items():
        if hasattr(item, "id") and item.id():
            assert page.contains(item.mapRectToScene(item.rect())), item.id()
