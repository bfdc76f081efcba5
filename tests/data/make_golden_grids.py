"""Write the small damaged grid set used by the golden-file validation test (run once; outputs committed).

One community (440399001001) of 4 x 3 grids of 100 m, coded west→east, north→south, then damaged:
  001 grows 10 m into 002 .......................... overlap 001/002 (1000 m²)
  005 loses a 20 x 20 m hole ........................ gap (400 m²)
  006 gives up a 2 m x 80 m strip, coded 013 ......... sliver 013
  007 gets a 1 m bow-tie on its edge ................. invalid_geometry 007 (repaired: its cover stays whole)
  008 takes 009's code ............................... duplicate_code 009 (two rows)
  010's code has a letter ............................ bad_code 44039900100101O
  011 names community 440399001099 ................... orphan 011
  012 sticks 15 m out of the community to the east .... outside_parent 012 (1500 m²)
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

HERE = Path(__file__).resolve().parent
COMMUNITY = "440399001001"
X0, Y0 = 500000.0, 2500000.0


def main() -> None:
    cells = {}
    seq = 1
    for row in range(3):  # north to south
        for col in range(4):  # west to east
            x, y = X0 + col * 100, Y0 - row * 100
            cells[f"{COMMUNITY}{seq:03d}"] = shapely.box(x, y - 100, x + 100, y)
            seq += 1
    code = {i: f"{COMMUNITY}{i:03d}" for i in range(1, 13)}
    geo = {i: cells[code[i]] for i in range(1, 13)}
    parent = {i: COMMUNITY for i in range(1, 13)}
    geo[1] = shapely.union(geo[1], shapely.box(X0 + 100, Y0 - 100, X0 + 110, Y0))
    geo[5] = shapely.difference(geo[5], shapely.box(X0 + 40, Y0 - 160, X0 + 60, Y0 - 140))
    strip = shapely.box(X0 + 110, Y0 - 190, X0 + 190, Y0 - 188)
    geo[6] = shapely.difference(geo[6], strip)
    geo[13] = strip
    code[13] = f"{COMMUNITY}013"
    parent[13] = COMMUNITY
    x0, y0, x1, y1 = X0 + 200, Y0 - 200, X0 + 300, Y0 - 100  # a 1 m bow-tie on 007's south edge
    geo[7] = shapely.Polygon(
        [
            (x0, y0),
            (x0 + 50, y0),
            (x0 + 51, y0 + 0.5),
            (x0 + 50, y0 + 0.5),
            (x0 + 51, y0),
            (x1, y0),
            (x1, y1),
            (x0, y1),
            (x0, y0),
        ]
    )
    code[8] = code[9]
    code[10] = f"{COMMUNITY}01O"
    parent[11] = "440399001099"
    geo[12] = shapely.union(geo[12], shapely.box(X0 + 400, Y0 - 300, X0 + 415, Y0 - 200))
    grids = gpd.GeoDataFrame(
        {
            "grid_code": [code[i] for i in range(1, 14)],
            "community_code": [parent[i] for i in range(1, 14)],
            "name": [f"第{i}网格" for i in range(1, 14)],
        },
        geometry=[geo[i] for i in range(1, 14)],
        crs="EPSG:4547",
    )
    community = gpd.GeoDataFrame(
        {"community_code": [COMMUNITY], "name": ["示范社区"]},
        geometry=[shapely.box(X0, Y0 - 300, X0 + 400, Y0)],
        crs="EPSG:4547",
    )
    grids.to_file(HERE / "damaged_grids.geojson", driver="GeoJSON")
    community.to_file(HERE / "golden_community.geojson", driver="GeoJSON")


if __name__ == "__main__":
    main()
