"""Dedicated grids, named roads, the address gazetteer, street offices and the roster.

Dedicated grids (专属网格) overlap the base grids and carry a priority (1 is the highest) and the
class cases they take (empty = all), as FixMyStreet routes by location and category.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import affinity
from shapely.geometry import Point, box

from gridgov.grid_ops.democity import names
from gridgov.grid_ops.democity.hierarchy import CRS, Hierarchy
from gridgov.grid_ops.democity.streets_and_blocks import CENTRE_X, CENTRE_Y, GRID, RoadNetwork
from gridgov.grid_ops.grids import codes
from gridgov.grid_ops.schema import COMMUNITY_CODE, DEDICATED_CODE, GRID_CODE, STREET_CODE

# kind code, kind, Chinese kind, how many, priority, (width, height) m, class cases taken ("" = all)
DEDICATED_KINDS = [
    (1, "railway_station", "高铁站", 1, 1, (650, 380), ""),
    (2, "cbd", "中央商务区", 1, 5, (1100, 800), ""),
    (3, "scenic_area", "景区", 2, 4, (700, 550), "noise,vending,garbage,parking"),
    (4, "school", "学校", 10, 3, (230, 170), "parking,vending,noise,road_damage"),
    (5, "hospital", "医院", 6, 2, (260, 200), "parking,vending,noise"),
    (6, "market", "农贸市场", 8, 6, (160, 120), "garbage,vending,parking,consumer"),
    (7, "industrial_park", "产业园区", 2, 6, (800, 600), "dust,construction,road_damage,parking"),
]


def dedicated_grids(h: Hierarchy, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """About 30 dedicated grids placed on suitable land, equal priorities never overlapping."""
    district = shapely.union_all(h.streets.geometry.values)
    blocks = h.blocks
    centre = Point(CENTRE_X, CENTRE_Y)
    rows = []
    placed: dict[int, list[shapely.Polygon]] = {}
    for kind_no, kind, kind_zh, count, priority, (w, hgt), groups in DEDICATED_KINDS:
        if kind == "cbd":
            anchors = [centre]
        elif kind == "railway_station":
            anchors = [Point(CENTRE_X + 2300, CENTRE_Y - 1500)]
        else:
            want = {
                "industrial_park": "industrial",
                "market": "residential",
                "school": "residential",
                "hospital": "residential",
                "scenic_area": "park",
            }[kind]
            pool = blocks[blocks["land_use"] == want]
            if len(pool) < count:
                pool = blocks
            choice = rng.choice(len(pool), size=min(len(pool), count * 6), replace=False)
            anchors = [pool.geometry.iloc[i].representative_point() for i in choice]
        made = 0
        for anchor in anchors:
            if made == count:
                break
            shape = box(-w / 2, -hgt / 2, w / 2, hgt / 2)
            if kind in ("scenic_area", "cbd"):
                shape = shape.buffer(min(w, hgt) * 0.15, quad_segs=4)
            shape = affinity.rotate(shape, rng.uniform(-20, 20))
            shape = affinity.translate(shape, anchor.x, anchor.y).intersection(district)
            shape = shapely.set_precision(shape, GRID)
            if shape.is_empty or shape.area < 0.5 * w * hgt:
                continue
            if any(shape.intersects(other) for other in placed.get(priority, [])):
                continue
            placed.setdefault(priority, []).append(shape)
            made += 1
            rows.append(
                {
                    "kind_no": kind_no,
                    "kind": kind,
                    "kind_zh": kind_zh,
                    "priority": priority,
                    "case_groups": groups,
                    "seq": made,
                    "geometry": shape,
                }
            )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame[DEDICATED_CODE] = [
        codes.dedicated_code(names.ADMIN_CODE, k, s) for k, s in zip(frame["kind_no"], frame["seq"])
    ]
    roots = names.unique_names(rng, names.ROAD_ROOTS, len(frame))
    frame["name"] = [f"{r}{z}" for r, z in zip(roots, frame["kind_zh"])]
    frame["manager"] = names.person_names(rng, len(frame))
    frame["phone"] = names.phone_numbers(rng, len(frame))
    frame["area_m2"] = frame.geometry.area.round(1)
    cols = [DEDICATED_CODE, "name", "kind", "kind_zh", "priority", "case_groups", "manager", "phone", "area_m2"]
    return gpd.GeoDataFrame(frame[cols], geometry=frame.geometry.values, crs=CRS)


def named_roads(net: RoadNetwork, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Road centrelines with class, width and a Chinese name (大道/路/街/巷)."""
    lines = gpd.GeoDataFrame(
        {"road_class": net.road_class, "superblock": net.superblock_of_line}, geometry=net.lines, crs=CRS
    )
    lines["geometry"] = shapely.set_precision(lines.geometry.values, GRID)
    roots = names.unique_names(rng, names.ROAD_ROOTS, len(lines))
    suffix = np.where(
        lines["road_class"] == "arterial",
        rng.choice(["大道", "路"], len(lines), p=[0.4, 0.6]),
        rng.choice(["路", "街", "巷", "二路", "一街"], len(lines), p=[0.45, 0.25, 0.1, 0.1, 0.1]),
    )
    lines["name"] = [r + s for r, s in zip(roots, suffix)]
    lines["width_m"] = np.where(lines["road_class"] == "arterial", 40, rng.choice([12, 16, 20], len(lines)))
    lines["road_id"] = np.arange(1, len(lines) + 1)
    return lines[["road_id", "name", "road_class", "width_m", "geometry"]]


def gazetteer(h: Hierarchy, roads: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """One standard address per building: road + house number + estate building, with its point."""
    pts = h.buildings.geometry.values
    tree = shapely.STRtree(roads.geometry.values)
    nearest = tree.nearest(pts)
    road_geoms = roads.geometry.values[nearest]
    along = shapely.line_locate_point(road_geoms, pts)
    number = (np.floor(along / 25.0).astype(int) * 2 + 1 + (rng.random(len(pts)) < 0.5)).clip(1)
    estates = names.unique_names(rng, names.COMMUNITY_ROOTS, len(h.blocks))
    suffix = rng.choice(names.ESTATE_SUFFIX, len(h.blocks))
    block_ids = h.buildings["block_id"].to_numpy()
    building_no = h.buildings.groupby("block_id").cumcount().to_numpy() + 1
    road_names = roads["name"].to_numpy()[nearest]
    comm_tree = shapely.STRtree(h.communities.geometry.values)
    comm_of = comm_tree.query(pts, predicate="within")
    community = np.full(len(pts), "", dtype=object)
    community[comm_of[0]] = h.communities[COMMUNITY_CODE].to_numpy()[comm_of[1]]
    street_name = dict(zip(h.streets[STREET_CODE], h.streets["name"]))
    estate = [estates[b] + suffix[b] for b in block_ids]
    address = [
        f"{names.CITY}{names.DISTRICT}{street_name.get(c[:9], '')}{r}{n}号{e}{k}栋"
        for c, r, n, e, k in zip(community, road_names, number, estate, building_no)
    ]
    return gpd.GeoDataFrame(
        {
            "addr_id": np.arange(1, len(pts) + 1),
            "address": address,
            "road": road_names,
            "house_no": number,
            "estate": estate,
            "building_no": building_no,
            COMMUNITY_CODE: community,
            "households": h.buildings["households"].to_numpy(),
        },
        geometry=pts,
        crs=CRS,
    )


def street_offices(h: Hierarchy, addresses: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each street office sits at the address nearest its street's centre (start of patrols)."""
    rows = []
    for street in h.streets.itertuples():
        inside = addresses[addresses[COMMUNITY_CODE].str.startswith(street.street_code)]
        centre = street.geometry.representative_point()
        pick = inside.iloc[int(np.argmin(inside.distance(centre)))] if len(inside) else None
        geom = pick.geometry if pick is not None else centre
        rows.append(
            {
                STREET_CODE: street.street_code,
                "name": f"{street.name}办事处",
                "address": pick["address"] if pick is not None else "",
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def roster_and_teams(h: Hierarchy, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Grid managers (one per grid) and 4-6 patrol teams per street office covering its grids."""
    grids = h.grids
    teams = []
    team_of_grid = np.empty(len(grids), dtype=object)
    for street in h.streets.itertuples():
        mask = (grids[STREET_CODE] == street.street_code).to_numpy()
        xy = shapely.get_coordinates(shapely.centroid(grids.geometry.values[mask]))
        n_teams = int(rng.integers(4, 7))
        angle = np.arctan2(xy[:, 1] - xy[:, 1].mean(), xy[:, 0] - xy[:, 0].mean())
        sector = np.floor((angle + np.pi) / (2 * np.pi) * n_teams).astype(int).clip(0, n_teams - 1)
        for t in range(n_teams):
            team_id = f"{street.street_code}T{t + 1:02d}"
            teams.append(
                {
                    "team_id": team_id,
                    STREET_CODE: street.street_code,
                    "team_name": f"{street.name}巡查{'一二三四五六'[t]}队",
                    "members": int(rng.integers(3, 7)),
                }
            )
        team_of_grid[mask] = [f"{street.street_code}T{s + 1:02d}" for s in sector]
    team_frame = pd.DataFrame(teams)
    team_frame["leader"] = names.person_names(rng, len(team_frame))
    team_frame["phone"] = names.phone_numbers(rng, len(team_frame))
    roster = pd.DataFrame(
        {
            GRID_CODE: grids[GRID_CODE],
            "grid_name": grids["name"],
            "manager_id": [f"M{i:05d}" for i in range(1, len(grids) + 1)],
            "manager": names.person_names(rng, len(grids)),
            "phone": names.phone_numbers(rng, len(grids)),
            "team_id": team_of_grid,
            COMMUNITY_CODE: grids[COMMUNITY_CODE],
            "community_name": grids["community_name"],
            STREET_CODE: grids[STREET_CODE],
            "street_office": grids["street_name"] + "办事处",
        }
    )
    return roster, team_frame
