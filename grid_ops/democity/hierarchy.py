"""Streets, communities, grids and micro-grids of the demo district, nested without gaps.

Every level is a union of units of the level below, down to city blocks, so the hierarchy nests
exactly and grid edges follow roads. Street boundaries follow arterial roads (streets are unions
of superblocks). Codes follow DB11/T 2157 (15-digit grids), numbered west→east, north→south.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.democity import names
from gridgov.grid_ops.democity.streets_and_blocks import CENTRE_X, CENTRE_Y, GRID, RoadNetwork
from gridgov.grid_ops.grids import codes
from gridgov.grid_ops.grids.microgrids import split_grids
from gridgov.grid_ops.grids.regions import adjacency, grow_regions, order_west_east_north_south
from gridgov.grid_ops.schema import COMMUNITY_CODE, GRID_CODE, MICRO_CODE, STREET_CODE

CRS = "EPSG:4547"
N_STREETS = 7
TARGET_COMMUNITIES = 60
TARGET_GRIDS = 600
TARGET_MICROGRIDS = 3000
LAND_USES = ("residential", "commercial", "industrial", "park")
#: Households per residential building (6 storeys × 2 stairwells × 2 flats).
BUILDING_HOUSEHOLDS = 24.0


@dataclass
class Hierarchy:
    """All administrative layers, as GeoDataFrames in EPSG:4547."""

    blocks: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame
    microgrids: gpd.GeoDataFrame


def _random_points_in(polygon: shapely.Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform points inside a polygon by rejection sampling (vectorised)."""
    minx, miny, maxx, maxy = polygon.bounds
    out = np.empty((0, 2))
    shapely.prepare(polygon)
    while len(out) < n:
        m = max(16, int((n - len(out)) * 2.5 * (maxx - minx) * (maxy - miny) / max(polygon.area, 1.0)))
        cand = np.column_stack([rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)])
        out = np.vstack([out, cand[shapely.contains_xy(polygon, cand[:, 0], cand[:, 1])]])
    return out[:n]


def _land_use_and_households(blocks: list[shapely.Polygon], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    cx = np.array([b.centroid.x for b in blocks])
    cy = np.array([b.centroid.y for b in blocks])
    area = np.array([b.area for b in blocks])
    r = np.hypot((cx - CENTRE_X) / 4600.0, (cy - CENTRE_Y) / 3700.0)
    u = rng.random(len(blocks))
    use = np.where(u < 0.08 + 0.12 * (r < 0.35), "commercial", "residential").astype(object)
    use[(u > 0.90) & (r > 0.6)] = "industrial"
    use[(u > 0.84) & (u <= 0.90)] = "park"
    density = np.select(
        [use == "residential", use == "commercial", use == "industrial"],
        [rng.uniform(0.0035, 0.0095, len(blocks)) * (1.45 - 0.7 * np.clip(r, 0, 1)), 0.0008, 0.0002],
        default=0.0,
    )
    households = np.round(density * area).astype(int)
    return use, households


def _buildings(blocks: list[shapely.Polygon], households: np.ndarray, rng: np.random.Generator) -> gpd.GeoDataFrame:
    rows_xy, rows_hh, rows_block = [], [], []
    for index, (block, hh) in enumerate(zip(blocks, households)):
        if hh <= 0:
            continue
        n = int(np.ceil(hh / BUILDING_HOUSEHOLDS))
        inner = block.buffer(-12.0)
        pts = _random_points_in(inner if inner.area > 0.25 * block.area else block, n, rng)
        split = rng.multinomial(hh - n, np.full(n, 1.0 / n)) + 1  # every building has a household
        rows_xy.append(pts)
        rows_hh.append(split)
        rows_block.append(np.full(n, index))
    xy = np.round(np.vstack(rows_xy), 2)
    return gpd.GeoDataFrame(
        {
            "building_id": np.arange(1, len(xy) + 1),
            "households": np.concatenate(rows_hh),
            "block_id": np.concatenate(rows_block),
        },
        geometry=shapely.points(xy),
        crs=CRS,
    )


def _union(geoms: list[shapely.Geometry]) -> shapely.Geometry:
    return shapely.normalize(shapely.union_all(geoms, grid_size=GRID))


def _numbered(frame: pd.DataFrame, group: str | None) -> np.ndarray:
    """1-based sequence west→east, north→south, within each value of ``group``."""
    seq = np.zeros(len(frame), dtype=int)
    keys = [None] if group is None else frame[group].unique()
    for key in keys:
        mask = np.ones(len(frame), bool) if group is None else (frame[group] == key).to_numpy()
        seq[mask] = order_west_east_north_south(frame.loc[mask, "cx"], frame.loc[mask, "cy"]) + 1
    return seq


def build_hierarchy(net: RoadNetwork, rng: np.random.Generator) -> Hierarchy:
    """Assign blocks to streets, communities and grids; split grids into micro-grids."""
    blocks = net.blocks
    use, households = _land_use_and_households(blocks, rng)
    centroids = np.array([[b.centroid.x, b.centroid.y] for b in blocks])
    area = np.array([b.area for b in blocks])
    weight = households + area * 0.0006  # parks and factories still take patrol effort

    # streets: unions of superblocks, so their edges follow arterials
    sb_tree = shapely.STRtree(net.superblocks)
    reps = shapely.point_on_surface(np.asarray(blocks, dtype=object))
    block_idx, sb_idx = sb_tree.query(reps, predicate="within")
    superblock_of_block = np.full(len(blocks), -1)
    superblock_of_block[block_idx] = sb_idx
    sb_weight = np.bincount(superblock_of_block, weights=weight, minlength=len(net.superblocks))
    sb_centroids = np.array([[s.centroid.x, s.centroid.y] for s in net.superblocks])
    street_of_sb = grow_regions(sb_centroids, adjacency(net.superblocks), sb_weight, N_STREETS, rng)
    street_of_block = street_of_sb[superblock_of_block]

    neighbours = adjacency(blocks)
    community_of_block = np.full(len(blocks), -1)
    grid_of_block = np.full(len(blocks), -1)
    next_community = next_grid = 0
    total_weight = weight.sum()
    for street in range(N_STREETS):
        members = np.flatnonzero(street_of_block == street)
        local = {int(g): i for i, g in enumerate(members)}
        sub_nb = [{local[n] for n in neighbours[g] if n in local} for g in members]
        k = max(3, round(TARGET_COMMUNITIES * weight[members].sum() / total_weight))
        labels = grow_regions(centroids[members], sub_nb, weight[members], k, rng)
        for c in np.unique(labels):
            cm = members[labels == c]
            community_of_block[cm] = next_community
            local_c = {int(g): i for i, g in enumerate(cm)}
            c_nb = [{local_c[n] for n in neighbours[g] if n in local_c} for g in cm]
            kg = max(1, min(len(cm), round(TARGET_GRIDS * weight[cm].sum() / total_weight)))
            g_labels = grow_regions(centroids[cm], c_nb, weight[cm], kg, rng)
            grid_of_block[cm] = next_grid + g_labels
            next_grid += int(g_labels.max()) + 1
            next_community += 1

    block_frame = gpd.GeoDataFrame(
        {
            "block_id": np.arange(len(blocks)),
            "land_use": use,
            "households": households,
            "street": street_of_block,
            "community": community_of_block,
            "grid": grid_of_block,
        },
        geometry=list(blocks),
        crs=CRS,
    )
    buildings = _buildings(blocks, households, rng)

    grids = _dissolve(block_frame, "grid", ["community", "street"])
    communities = _dissolve(block_frame, "community", ["street"])
    streets = _dissolve(block_frame, "street", [])

    street_names = names.STREET_NAMES[:N_STREETS]
    streets["seq"] = _numbered(streets, None)
    streets = streets.sort_values("seq").reset_index(drop=True)
    streets[STREET_CODE] = [codes.street_code(names.ADMIN_CODE, s) for s in streets["seq"]]
    streets["name"] = [street_names[s - 1] for s in streets["seq"]]
    street_code_of = dict(zip(streets["street"], streets[STREET_CODE]))
    street_name_of = dict(zip(streets["street"], streets["name"]))

    communities[STREET_CODE] = communities["street"].map(street_code_of)
    communities["seq"] = _numbered(communities, STREET_CODE)
    communities[COMMUNITY_CODE] = [
        codes.community_code(s, q) for s, q in zip(communities[STREET_CODE], communities["seq"])
    ]
    communities["name"] = names.unique_names(rng, names.COMMUNITY_ROOTS, len(communities), "社区")
    communities = communities.sort_values(COMMUNITY_CODE).reset_index(drop=True)
    comm_code_of = dict(zip(communities["community"], communities[COMMUNITY_CODE]))
    comm_name_of = dict(zip(communities["community"], communities["name"]))

    grids[COMMUNITY_CODE] = grids["community"].map(comm_code_of)
    grids[STREET_CODE] = grids["street"].map(street_code_of)
    grids["seq"] = _numbered(grids, COMMUNITY_CODE)
    grids[GRID_CODE] = [codes.grid_code(c, q) for c, q in zip(grids[COMMUNITY_CODE], grids["seq"])]
    grids["name"] = [f"{comm_name_of[c]}第{q}网格" for c, q in zip(grids["community"], grids["seq"])]
    grids["street_name"] = grids["street"].map(street_name_of)
    grids["community_name"] = grids["community"].map(comm_name_of)
    grids = grids.sort_values(GRID_CODE).reset_index(drop=True)

    microgrids = _split_microgrids(grids, buildings, net.lines)

    return Hierarchy(
        blocks=block_frame,
        buildings=buildings,
        streets=_public(streets, [STREET_CODE, "name", "households", "area_m2"]),
        communities=_public(communities, [COMMUNITY_CODE, STREET_CODE, "name", "households", "area_m2"]),
        grids=_public(
            grids,
            [
                GRID_CODE,
                COMMUNITY_CODE,
                STREET_CODE,
                "name",
                "community_name",
                "street_name",
                "households",
                "area_m2",
            ],
        ),
        microgrids=microgrids,
    )


def _dissolve(blocks: gpd.GeoDataFrame, key: str, keep: list[str]) -> gpd.GeoDataFrame:
    rows = []
    for value, part in blocks.groupby(key, sort=True):
        geom = _union(list(part.geometry))
        rows.append(
            {
                key: value,
                **{k: part[k].iloc[0] for k in keep},
                "households": int(part["households"].sum()),
                "geometry": geom,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame["area_m2"] = frame.geometry.area.round(1)
    frame["cx"] = frame.geometry.centroid.x
    frame["cy"] = frame.geometry.centroid.y
    return frame


def _public(frame: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(frame[columns].copy(), geometry=frame.geometry.values, crs=CRS)


def _split_microgrids(grids: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, roads: list) -> gpd.GeoDataFrame:
    """The engine's splitter (gridgov:splitmicrogrids): even households, compact, along roads."""
    target = buildings["households"].sum() / TARGET_MICROGRIDS
    road_frame = gpd.GeoDataFrame(geometry=list(roads), crs=CRS)
    micro = split_grids(grids, GRID_CODE, target, buildings, "households", road_frame)
    info = grids.set_index(GRID_CODE)
    seq = micro[MICRO_CODE].str[-3:].astype(int)
    micro[COMMUNITY_CODE] = micro[GRID_CODE].map(info[COMMUNITY_CODE])
    micro["name"] = [f"{info.at[g, 'name']}{q}号微网格" for g, q in zip(micro[GRID_CODE], seq)]
    micro["households"] = micro["households"].fillna(0).astype(int)
    return micro[[MICRO_CODE, GRID_CODE, COMMUNITY_CODE, "name", "households", "area_m2", "geometry"]]
