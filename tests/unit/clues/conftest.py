"""A small synthetic town for the clues engine: four grids, three named roads, one estate of three
buildings, one landmark, placed so every answer is known by construction."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

CRS = "EPSG:4547"
X0, Y0 = 500_000.0, 2_500_000.0


@pytest.fixture(scope="module")
def town():
    from gridgov.grid_ops.clues.places import PlaceBook
    from gridgov.grid_ops.responsibility.placement import unit_hierarchy
    from gridgov.grid_ops.responsibility.request import GeolocateRequest

    # grids G1..G4: 1 km squares, G1 south-west, G2 south-east, G3 north-west, G4 north-east
    squares = [
        shapely.box(X0 + i * 1000, Y0 + j * 1000, X0 + (i + 1) * 1000, Y0 + (j + 1) * 1000)
        for j in (0, 1)
        for i in (0, 1)
    ]
    grids = gpd.GeoDataFrame(
        {
            "grid_code": ["440399001001001", "440399001001002", "440399001001003", "440399001001004"],
            "name": ["一网格", "二网格", "三网格", "四网格"],
            "manager": ["甲", "乙", "丙", "丁"],
        },
        geometry=squares,
        crs=CRS,
    )
    roads = gpd.GeoDataFrame(
        {"name": ["香蜜路", "金湖大道", "小巷街"]},
        geometry=[
            shapely.LineString([(X0 + 300, Y0 + 50), (X0 + 300, Y0 + 1950)]),  # south-north through G1 and G3
            shapely.LineString([(X0 + 50, Y0 + 700), (X0 + 1950, Y0 + 700)]),  # west-east through G1 and G2
            shapely.LineString([(X0 + 1500, Y0 + 1200), (X0 + 1700, Y0 + 1300)]),  # short, inside G4
        ],
        crs=CRS,
    )
    gazetteer = gpd.GeoDataFrame(
        {
            "address": [
                "深圳市滨河区香蜜路84号田心花园1栋",
                "深圳市滨河区香蜜路86号田心花园2栋",
                "深圳市滨河区金湖大道12号景田雅居3栋",
            ],
            "estate": ["田心花园", "田心花园", "景田雅居"],
        },
        geometry=[
            shapely.Point(X0 + 350, Y0 + 1500),
            shapely.Point(X0 + 360, Y0 + 1560),
            shapely.Point(X0 + 1400, Y0 + 650),
        ],
        crs=CRS,
    )
    landmarks = gpd.GeoDataFrame(
        {
            "dedicated_code": ["440399Z04001"],
            "name": ["解放学校"],
            "priority": [3],
            "case_groups": [""],
            "manager": ["校长"],
        },
        geometry=[shapely.box(X0 + 1100, Y0 + 1100, X0 + 1300, Y0 + 1300)],
        crs=CRS,
    )
    book = PlaceBook.build(roads, "name", gazetteer, "address", "estate", landmarks, "name", "dedicated_code")
    hierarchy = unit_hierarchy(
        {"grids": grids, "dedicated": landmarks},
        {"grids": "grid_code", "dedicated": "dedicated_code"},
        GeolocateRequest(),
    )
    return {
        "grids": grids,
        "roads": roads,
        "gazetteer": gazetteer,
        "landmarks": landmarks,
        "book": book,
        "hierarchy": hierarchy,
    }


@pytest.fixture
def make_posts():
    """A posts table as an export gives it: id, text, time and an optional geotag per post."""
    return _posts


def _posts(texts, times=None, lon=None, lat=None, systems=None) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "post_id": [f"P{i}" for i in range(n)],
            "text": texts,
            "posted_at": times or ["2025-05-01 10:00"] * n,
            "lon": lon or [""] * n,
            "lat": lat or [""] * n,
            "coord_sys": systems or [""] * n,
        }
    )
