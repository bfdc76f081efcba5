"""12345 work orders, inspection reports and the planted hot areas behind them.

Orders are exported as a 12345 platform would: one row per order with the channel, class case,
Chinese description, a timestamp text, the coordinates *as the channel reported them* (`x`, `y`,
`coord_sys`: app orders in GCJ-02 or BD-09, hotline orders geocoded in CGCS2000, patrol in WGS84)
and the incident address, then the order's lifecycle (dispatch, sign-off, closure, deadline, handling
department, the citizen's answers: :mod:`~gridgov.grid_ops.democity.lifecycle`, with planted truth).
About 5 % carry only an address and about 1 % are broken on purpose.
The true positions and the planted hot areas are kept in separate truth tables for validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

from gridgov.grid_ops.democity import lifecycle, rhythms
from gridgov.grid_ops.democity.hierarchy import CRS, Hierarchy
from gridgov.grid_ops.democity.streets_and_blocks import GRID
from gridgov.grid_ops.grids.regions import adjacency
from gridgov.grid_ops.orders import coords
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE

YEAR = 2025
HOT_SHARE = 0.12
ADDRESS_ONLY_SHARE = 0.05
BROKEN_SHARE = 0.01
DEFECTS = ("empty_coords", "swapped_coords", "far_outside", "bad_date", "bad_coord_sys")
CHANNELS = {  # channel: (share, Chinese, coordinate systems and their shares)
    "hotline": (0.50, "12345热线", {"cgcs2000": 0.5, "EPSG:4547": 0.5}),
    "app": (0.25, "政务APP", {"gcj02": 0.6, "bd09": 0.4}),
    "internet_clue": (0.15, "网络线索", {"gcj02": 0.7, "bd09": 0.3}),
    "patrol": (0.10, "巡查上报", {"wgs84": 1.0}),
}
# Planted hot areas: pattern, class code, hour profile, relative size, attractor land use
HOT_AREAS = [
    ("persistent", "0602", "night_late", 1.4, "commercial"),
    ("persistent", "0503", "rush", 1.3, "commercial"),
    ("persistent", "0501", "vending", 1.0, "residential"),
    ("persistent", "0101", "day", 0.8, "residential"),
    ("emerging", "0603", "night_work", 1.2, "residential"),
    ("emerging", "0601", "evening", 1.0, "residential"),
    ("emerging", "0504", "rush", 0.8, "residential"),
    # a diminishing area ends with a fifth of its first month's orders, and its last month must still
    # stand out as a hot spot (0503 against the busiest background class): they are planted larger
    ("diminishing", "0401", "day", 1.4, "residential"),
    ("diminishing", "0503", "rush", 2.0, "residential"),
    ("sporadic", "0605", "square_dance", 0.9, "park"),
    ("sporadic", "0403", "day", 0.8, "residential"),
    ("persistent", "0301", "workday", 0.7, "industrial"),
]


@dataclass
class OrderData:
    """Orders and inspections as exported, and their ground truth."""

    orders: pd.DataFrame
    truth_orders: gpd.GeoDataFrame
    hot_areas: gpd.GeoDataFrame
    inspections: pd.DataFrame
    truth_inspections: gpd.GeoDataFrame


def _monthly_profile(pattern: str, rng: np.random.Generator) -> np.ndarray:
    if pattern == "persistent":
        return rng.uniform(0.85, 1.15, 12)
    if pattern == "emerging":
        return np.linspace(0.0, 2.2, 12) ** 1.3
    if pattern == "diminishing":
        # still a hot spot at the end, only weaker: ArcGIS's "diminishing" needs the final step hot
        # (an area that fades to nothing is a historical or sporadic hot spot there)
        return np.linspace(2.2, 0.6, 12) ** 1.3
    profile = np.zeros(12)
    profile[rng.choice(12, 3, replace=False)] = 2.5
    return profile


def plant_hot_areas(h: Hierarchy, n_orders: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Hot areas of known pattern, class, hours and monthly counts, away from each other."""
    blocks = h.blocks
    total_size = sum(a[3] for a in HOT_AREAS)
    n_hot = round(HOT_SHARE * n_orders)
    rows, centres = [], []
    for index, (pattern, class_code, hour_name, size, land_use) in enumerate(HOT_AREAS, start=1):
        pool = blocks[(blocks["land_use"] == land_use) & (blocks.geometry.area > 20000)]
        pool = pool if len(pool) else blocks
        for _ in range(200):
            point = pool.geometry.iloc[int(rng.integers(len(pool)))].representative_point()
            if all(np.hypot(point.x - cx, point.y - cy) > 1200 for cx, cy in centres):
                break
        centres.append((point.x, point.y))
        radius = float(rng.uniform(120, 220))
        profile = _monthly_profile(pattern, rng)
        expected = n_hot * size / total_size
        monthly = np.round(expected * profile / profile.sum()).astype(int)
        rows.append(
            {
                "hotarea_id": index,
                "pattern": pattern,
                CLASS_CODE: class_code,
                "hours": hour_name,
                "radius_m": round(radius, 1),
                "n_orders": int(monthly.sum()),
                "monthly_counts": ",".join(str(m) for m in monthly),
                "cx": round(point.x, 2),
                "cy": round(point.y, 2),
                "geometry": shapely.set_precision(point.buffer(radius, quad_segs=16), GRID),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    g_tree = shapely.STRtree(h.grids.geometry.values)
    frame["grid_codes"] = [
        ",".join(sorted(h.grids[GRID_CODE].to_numpy()[g_tree.query(geom, predicate="intersects")]))
        for geom in frame.geometry
    ]
    return frame


def _pool_points(h: Hierarchy, roads: gpd.GeoDataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Candidate incident positions per attractor kind."""
    b_xy = shapely.get_coordinates(h.buildings.geometry.values)
    weights = h.buildings["households"].to_numpy(float)
    residential = b_xy[rng.choice(len(b_xy), 40000, p=weights / weights.sum())]
    lengths = roads.geometry.length.to_numpy() * np.where(roads["road_class"] == "arterial", 3.0, 1.0)
    pick = rng.choice(len(roads), 40000, p=lengths / lengths.sum())
    along = rng.random(40000)
    road_pts = shapely.get_coordinates(
        shapely.line_interpolate_point(roads.geometry.values[pick], along, normalized=True)
    )
    commercial_blocks = h.blocks[h.blocks["land_use"] == "commercial"]
    areas = commercial_blocks.geometry.area.to_numpy()
    chosen = rng.choice(len(commercial_blocks), 400, p=areas / areas.sum())
    commercial = np.vstack(
        [
            shapely.get_coordinates(shapely.point_on_surface(commercial_blocks.geometry.values[chosen])),
            road_pts[:4000],
        ]
    )
    commercial = commercial[rng.choice(len(commercial), 40000)]
    sites = shapely.get_coordinates(
        shapely.point_on_surface(h.blocks.geometry.values[rng.choice(len(h.blocks), 30, replace=False)])
    )
    construction = sites[rng.choice(len(sites), 40000)]
    return {"residential": residential, "road": road_pts, "commercial": commercial, "construction": construction}


def _jitter_inside(xy: np.ndarray, sigma: float, district: shapely.Geometry, rng: np.random.Generator) -> np.ndarray:
    moved = xy + rng.normal(0.0, sigma, xy.shape)
    inside = shapely.contains_xy(district, moved[:, 0], moved[:, 1])
    return np.where(inside[:, None], moved, xy)


def _format_times(times: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """Timestamp texts as each channel's system writes them (mixed formats, like real exports)."""
    ts = pd.DatetimeIndex(times)
    out = np.asarray(ts.strftime("%Y-%m-%d %H:%M:%S"), dtype=object)
    app = channel == "app"
    out[app] = np.asarray(ts[app].strftime("%Y-%m-%dT%H:%M:%S+08:00"), dtype=object)
    web = channel == "internet_clue"
    parts = ts[web]
    out[web] = [f"{t.year}/{t.month}/{t.day} {t.hour:02d}:{t.minute:02d}" for t in parts]
    return out


OPENERS = (
    "",
    "",
    "",
    "市民来电反映：",
    "网友在政务APP留言称",
    "热线转办：",
    "居民投诉：",
    "群众反映，",
    "来电人称",
    "业主反映",
    "网络平台线索：",
    "【12345】",
    "市民通过小程序上报：",
    "紧急！",
    "您好，",
)
TAILS = (
    "",
    "",
    "",
    "已经好几天了。",
    "多次反映没人管。",
    "希望尽快处理。",
    "请相关部门核实处理。",
    "影响居民正常生活。",
    "谢谢！",
    "麻烦派人来看看。",
    "情况比较紧急。",
    "之前投诉过，还是没有解决。",
    "请给个答复。",
    "拍了照片可以提供。",
)


def _as_people_write(texts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Template texts as citizens type them: an opener, a closing remark, now and then a dropped or
    doubled character and half-width punctuation, so no two orders read the same."""
    out = np.empty(len(texts), dtype=object)
    opener = rng.integers(0, len(OPENERS), len(texts))
    tail = rng.integers(0, len(TAILS), len(texts))
    slip = rng.random(len(texts))
    where = rng.random(len(texts))
    for i, text in enumerate(texts):
        body = str(text)
        if slip[i] < 0.08 and len(body) > 8:  # a dropped character
            k = 2 + int(where[i] * (len(body) - 4))
            body = body[:k] + body[k + 1 :]
        elif slip[i] < 0.14 and len(body) > 8:  # a doubled one
            k = 2 + int(where[i] * (len(body) - 4))
            body = body[:k] + body[k] + body[k:]
        elif slip[i] < 0.24:
            body = body.replace("，", ",").replace("。", ".")
        out[i] = OPENERS[opener[i]] + body + TAILS[tail[i]]
    return out


def _templates(path: Path) -> dict[str, list[str]]:
    table = pd.read_csv(path, dtype=str)
    return {code: list(group["template"]) for code, group in table.groupby(CLASS_CODE)}


def _address_variant(address: np.ndarray, rng: np.random.Generator, city: str, district: str) -> np.ndarray:
    """Addresses as citizens type them: prefixes dropped, full-width digits, 号/栋 variants."""
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    kind = rng.choice(5, len(address), p=[0.4, 0.2, 0.15, 0.1, 0.15])
    out = []
    for text, k in zip(address, kind):
        if k == 1:
            text = text.replace(city, "", 1)
        elif k == 2:
            text = text.replace(city, "", 1).replace(district, "", 1)
        elif k == 3:
            text = text.translate(full_width)
        elif k == 4:
            text = text.replace("号", "#", 1).replace("栋", "幢")
        out.append(text)
    return np.asarray(out, dtype=object)


def generate_orders(
    h: Hierarchy,
    roads: gpd.GeoDataFrame,
    addresses: gpd.GeoDataFrame,
    hot_areas: gpd.GeoDataFrame,
    n_orders: int,
    templates_csv: Path,
    rng: np.random.Generator,
    city: str,
    district_name: str,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """The orders table and its truth layer."""
    district = shapely.union_all(h.streets.geometry.values)
    shapely.prepare(district)
    pools = _pool_points(h, roads, rng)
    templates = _templates(templates_csv)

    xy_parts, time_parts, class_parts, hot_parts = [], [], [], []
    for area in hot_areas.itertuples():
        monthly = np.array([int(v) for v in area.monthly_counts.split(",")])
        n = int(monthly.sum())
        radius = rng.uniform(0, area.radius_m, n) ** 0.8 * area.radius_m**0.2
        angle = rng.uniform(0, 2 * np.pi, n)
        xy = np.column_stack([area.cx + radius * np.cos(angle), area.cy + radius * np.sin(angle)])
        inside = shapely.contains_xy(district, xy[:, 0], xy[:, 1])
        xy[~inside] = [area.cx, area.cy]
        _, _, _, weekend, _ = rhythms.CLASS_PROFILES[area.class_code]
        times = (
            np.concatenate(
                [
                    rhythms.sample_times(rng, int(c), YEAR, rhythms.HOUR_PROFILES[area.hours], weekend, np.eye(12)[m])
                    for m, c in enumerate(monthly)
                    if c > 0
                ]
            )
            if n
            else np.zeros(0, "datetime64[s]")
        )
        xy_parts.append(xy)
        time_parts.append(times)
        class_parts.append(np.full(n, area.class_code, dtype=object))
        hot_parts.append(np.full(n, area.hotarea_id))

    n_background = max(0, n_orders - sum(len(p) for p in xy_parts))
    shares = np.array([p[0] for p in rhythms.CLASS_PROFILES.values()])
    class_codes = list(rhythms.CLASS_PROFILES)
    counts = rng.multinomial(n_background, shares / shares.sum())
    for code, n in zip(class_codes, counts):
        _, attractor, hour_profile, weekend, season = rhythms.CLASS_PROFILES[code]
        pool = pools[attractor]
        xy = _jitter_inside(pool[rng.integers(0, len(pool), n)], 25.0 if attractor != "road" else 6.0, district, rng)
        xy_parts.append(xy)
        time_parts.append(rhythms.sample_times(rng, int(n), YEAR, hour_profile, weekend, season))
        class_parts.append(np.full(n, code, dtype=object))
        hot_parts.append(np.zeros(n, dtype=int))

    xy = np.vstack(xy_parts)
    times = np.concatenate(time_parts)
    class_code = np.concatenate(class_parts)
    hotarea = np.concatenate(hot_parts)
    order = np.argsort(times, kind="stable")
    xy, times, class_code, hotarea = xy[order], times[order], class_code[order], hotarea[order]
    n = len(xy)

    channel_names = list(CHANNELS)
    channel = np.asarray(channel_names, dtype=object)[
        rng.choice(len(channel_names), n, p=[CHANNELS[c][0] for c in channel_names])
    ]
    coord_sys = np.empty(n, dtype=object)
    for name, (_, _, systems) in CHANNELS.items():
        mask = channel == name
        coord_sys[mask] = rng.choice(list(systems), int(mask.sum()), p=list(systems.values()))

    # addresses: the nearest standard address; some orders carry only that
    a_xy = shapely.get_coordinates(addresses.geometry.values)
    _, nearest = cKDTree(a_xy).query(xy)
    std_address = addresses["address"].to_numpy()[nearest]
    address_only = rng.random(n) < ADDRESS_ONLY_SHARE
    xy[address_only] = a_xy[nearest[address_only]]
    address = std_address.copy()
    address[address_only] = _address_variant(std_address[address_only], rng, city, district_name)

    x, y = _report_coordinates(xy, coord_sys)
    x[address_only] = np.nan
    y[address_only] = np.nan
    coord_sys_out = coord_sys.copy()
    coord_sys_out[address_only] = None

    reported_at = _format_times(times, channel)
    defect = np.full(n, "", dtype=object)
    broken = np.flatnonzero((rng.random(n) < BROKEN_SHARE) & ~address_only)
    kinds = rng.choice(DEFECTS, len(broken))
    defect[broken] = kinds
    for kind in DEFECTS:
        rows = broken[kinds == kind]
        if kind == "empty_coords":
            x[rows], y[rows] = np.nan, np.nan
            address[rows] = ""
        elif kind == "swapped_coords":
            x[rows], y[rows] = y[rows].copy(), x[rows].copy()
        elif kind == "far_outside":  # a position in Beijing, 2,000 km away, in the row's own system
            far_lon = 116.397 + rng.normal(0, 0.02, len(rows))
            far_lat = 39.909 + rng.normal(0, 0.02, len(rows))
            for system in np.unique(coord_sys[rows]):
                sel = coord_sys[rows] == system
                fx, fy = coords.convert(far_lon[sel], far_lat[sel], "wgs84", system)
                x[rows[sel]], y[rows[sel]] = np.round(fx, 7), np.round(fy, 7)
        elif kind == "bad_date":
            reported_at[rows] = rng.choice(["2025-13-45 25:61:00", "", "昨天晚上", "N/A", "0000-00-00"], len(rows))
        elif kind == "bad_coord_sys":
            coord_sys_out[rows] = rng.choice(["gcj-03", "mars2", "unknown"], len(rows))

    description = np.empty(n, dtype=object)
    place = np.where(
        rng.random(n) < 0.5, addresses["road"].to_numpy()[nearest], addresses["estate"].to_numpy()[nearest]
    )
    template_id = np.empty(n, dtype=object)  # which wording: lets a test hold back whole wordings
    for code in np.unique(class_code):
        mask = class_code == code
        options = templates[code]
        pick = rng.integers(0, len(options), int(mask.sum()))
        description[mask] = [options[i].format(p=p) for i, p in zip(pick, place[mask])]
        template_id[mask] = [f"{code}-{i}" for i in pick]
    # a stream of its own (spawned: the orders' draws stay as they were) words each order as people do
    description = _as_people_write(description, np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0]))

    order_id = np.array([f"GD{YEAR}{i:08d}" for i in range(1, n + 1)], dtype=object)
    status = np.where(rng.random(n) < 0.9, "办结", "办理中")
    orders = pd.DataFrame(
        {
            "order_id": order_id,
            "channel": channel,
            "channel_zh": pd.Series(channel).map({k: v[1] for k, v in CHANNELS.items()}).to_numpy(),
            CLASS_CODE: class_code,
            "description": description,
            "reported_at": reported_at,
            "x": x,
            "y": y,
            "coord_sys": coord_sys_out,
            "address": address,
            "status": status,
        }
    )
    # the lifecycle (issue 26): added columns from a stream of their own, so the columns above stay as they were
    planted = lifecycle.lifecycle_truth(h.streets)
    streets = lifecycle.order_streets(h.streets, xy)
    life = lifecycle.lifecycle_columns(times, class_code, status, streets, planted, rng.bit_generator.seed_seq)
    orders = pd.concat([orders, life], axis=1)
    truth = gpd.GeoDataFrame(
        {
            "order_id": order_id,
            CLASS_CODE: class_code,
            "true_time": pd.DatetimeIndex(times).strftime("%Y-%m-%dT%H:%M:%S"),
            "hotarea_id": hotarea,
            "address_only": address_only,
            "defect": defect,
            "text_template": template_id,
        },
        geometry=shapely.points(np.round(xy, 2)),
        crs=CRS,
    )
    return orders, truth


_TO_WGS84 = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


def _report_coordinates(xy: np.ndarray, coord_sys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates as each channel reports them, rounded as real systems do."""
    lon, lat = _TO_WGS84.transform(xy[:, 0], xy[:, 1])
    x = np.empty(len(xy))
    y = np.empty(len(xy))
    for system in np.unique(coord_sys):
        mask = coord_sys == system
        if system == "EPSG:4547":
            x[mask], y[mask] = np.round(xy[mask, 0], 2), np.round(xy[mask, 1], 2)
            continue
        cx, cy = coords.convert(lon[mask], lat[mask], "wgs84", system)
        x[mask], y[mask] = np.round(cx, 7), np.round(cy, 7)
    return x, y


def generate_inspections(
    h: Hierarchy,
    roster: pd.DataFrame,
    n_reports: int,
    templates_csv: Path,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Grid staff's inspection reports: mostly in their own grid, about 8 % just outside it."""
    grids = h.grids
    neighbours = adjacency(list(grids.geometry.values))
    per_grid = 24
    pool = np.zeros((len(grids), per_grid, 2))
    for i, geom in enumerate(grids.geometry.values):
        minx, miny, maxx, maxy = geom.bounds
        found = np.empty((0, 2))
        while len(found) < per_grid:
            cand = np.column_stack([rng.uniform(minx, maxx, 200), rng.uniform(miny, maxy, 200)])
            found = np.vstack([found, cand[shapely.contains_xy(geom, cand[:, 0], cand[:, 1])]])
        pool[i] = found[:per_grid]
    own = rng.integers(0, len(grids), n_reports)
    outside = rng.random(n_reports) < 0.08
    where = own.copy()
    for row in np.flatnonzero(outside):
        nb = sorted(neighbours[own[row]])
        if nb:
            where[row] = nb[int(rng.integers(len(nb)))]
        else:
            outside[row] = False
    xy = pool[where, rng.integers(0, per_grid, n_reports)]
    classes = np.array(["0101", "0102", "0104", "0201", "0401", "0402", "0404", "0501", "0502", "0503", "0504"])
    class_code = rng.choice(classes, n_reports, p=[0.16, 0.08, 0.06, 0.12, 0.1, 0.05, 0.05, 0.14, 0.08, 0.1, 0.06])
    times = rhythms.sample_times(rng, n_reports, YEAR, rhythms.WORKDAY, 0.2, rhythms.FLAT)
    order = np.argsort(times, kind="stable")
    own, where, xy = own[order], where[order], xy[order]
    class_code, times, outside = class_code[order], times[order], outside[order]
    lon, lat = _TO_WGS84.transform(xy[:, 0], xy[:, 1])
    templates = _templates(templates_csv)
    description = [templates[c][int(rng.integers(len(templates[c])))].format(p="本网格") for c in class_code]
    report_id = np.array([f"XC{YEAR}{i:07d}" for i in range(1, n_reports + 1)], dtype=object)
    reports = pd.DataFrame(
        {
            "report_id": report_id,
            "inspector_id": roster["manager_id"].to_numpy()[own],
            "inspector": roster["manager"].to_numpy()[own],
            "own_grid_code": roster[GRID_CODE].to_numpy()[own],
            CLASS_CODE: class_code,
            "description": description,
            "reported_at": pd.DatetimeIndex(times).strftime("%Y-%m-%d %H:%M:%S"),
            "x": np.round(lon, 7),
            "y": np.round(lat, 7),
            "coord_sys": "wgs84",
        }
    )
    truth = gpd.GeoDataFrame(
        {
            "report_id": report_id,
            "true_grid_code": grids[GRID_CODE].to_numpy()[where],
            "outside_own": outside,
        },
        geometry=shapely.points(np.round(xy, 2)),
        crs=CRS,
    )
    return reports, truth
