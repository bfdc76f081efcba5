"""Internet posts about the demo district (网络线索), with the truth behind each one (issue 27).

People post about the city's problems on 微博, 抖音, 小红书, 大众点评, 百度贴吧, 微信公众号 and 本地宝,
in their own words: colloquial, with typos in place names, emoji, hashtags, @mentions and a few
Latin-script words. ``generate_posts`` writes such posts for a built city and plants what each one
really is (``truth_posts``):

* ``new_case`` (about 55 %): a problem nobody phoned in. Its class follows the orders' class shares;
  its place and time are drawn again until no order of the same class lies within
  :data:`NEW_RADIUS_M` of its true point and :data:`NEW_DAYS_ORDERS` days of its time, nor another
  new case or duplicate post of the class within :data:`NEW_RADIUS_M` / :data:`NEW_DAYS_POSTS` days
  (well beyond the 300 m / 7 days of ``gridgov:clues``, so "new" is never a matter of a few metres).
  40 % of the posts name a place that can be told (an address, an estate, a crossing, a landmark
  within one grid, or a geotag alone); 15 % cannot (a long road, a community, a big landmark, or
  "我家楼下" without a geotag: ``identifiable`` False). A district crowded with posts runs out of
  room (tens of thousands of posts a year): the new cases that find none become reposts;
* ``duplicate`` (about 30 %): about an existing phone order (its true point and class, posted 0.5 h
  to 5 days after it), naming a place near it; a quarter of them repost an earlier new case post;
* ``not_a_case`` (about 15 %): chatter (praise, ads, questions, food), some naming a place.

About 30 % carry a geotag (the true point within a few metres, in GCJ-02 or BD-09 as the platform
reports it); 5 % of geotags are the poster's home, 1 to 4 km away (the text is the truth then).
The wordings are data (``resources/democity/posts/``); a quarter of them are ``held_back``: phrasings
kept out of the matcher's development, so its tests can measure it on words it never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

from gridgov.grid_ops.democity import rhythms
from gridgov.grid_ops.democity.hierarchy import CRS
from gridgov.grid_ops.grids.codes import code_ranks
from gridgov.grid_ops.orders import coords
from gridgov.grid_ops.runtime.paths import resource_path
from gridgov.grid_ops.schema import CLASS_CODE, COMMUNITY_CODE, GRID_CODE

YEAR = 2025
#: Shares of the posts: new cases (placeable), duplicates, chatter, new cases that cannot be placed.
SHARE_NEW, SHARE_DUPLICATE, SHARE_CHATTER, SHARE_VAGUE = 0.40, 0.30, 0.15, 0.15
REPOST_SHARE = 0.25  # of the duplicates: reposts of an earlier new case post
GEOTAG_SHARE = 0.30
WRONG_GEOTAG_SHARE = 0.05  # of the geotags: the poster's home
HELD_BACK_SHARE = 0.25
#: A typo is tried in this share of the place mentions: about 10 % come out changed (a name without a
#: character of typos.csv, or whose typo is another place's name, stays as it is)
TYPO_SHARE = 0.12
ABBREVIATION_SHARE = 0.2  # of the estate mentions that can be shortened (金湖新村 -> 金湖村)
#: A new case has no order of its class within NEW_RADIUS_M along x and along y (a square: stricter than
#: the disc) and NEW_DAYS_ORDERS days, nor a duplicate or new case post of its class within that square
#: and NEW_DAYS_POSTS days (a repost, up to 3 days after its original, stays 11 days from the others).
NEW_RADIUS_M = 600.0
NEW_DAYS_ORDERS = 12.0
NEW_DAYS_POSTS = 14.0
#: Rounds of redrawing a new case's place and time, first keeping its class, then with a new class too.
KEEP_CLASS_ROUNDS = 10
MAX_ROUNDS = 60
#: A duplicate names the order's address within this distance, its estate within this, a crossing within this.
DUP_ADDRESS_M, DUP_ESTATE_M, DUP_CROSSING_M = 150.0, 60.0, 120.0
#: Alternatives of a duplicate: other orders of its class this close to its point and time.
ALT_RADIUS_M, ALT_DAYS = 300.0, 7.0
GEOTAG_SIGMA_M, GEOTAG_MAX_M = 8.0, 30.0
HOME_MIN_M, HOME_MAX_M = 1000.0, 4000.0
#: A landmark with at least this share of its area in one grid names a place; a road, unless one
#: grid holds this share of it.
ONE_GRID_SHARE = 0.98
ROAD_ONE_GRID_SHARE = 0.8
#: Address (road + number) whose address points lie further apart than this are not used.
ADDRESS_SPREAD_M = 60.0
#: platform: (share of the posts, coordinate system of its geotags: AMap / Tencent based GCJ-02, Baidu BD-09)
PLATFORMS = {
    "微博": (0.24, "gcj02"),
    "抖音": (0.18, "gcj02"),
    "小红书": (0.16, "gcj02"),
    "大众点评": (0.10, "gcj02"),
    "微信公众号": (0.10, "gcj02"),
    "百度贴吧": (0.12, "bd09"),
    "本地宝": (0.10, "bd09"),
}
#: place kinds of each part of the posts and their shares
NEW_PLACES = {"address": 0.28, "estate": 0.28, "intersection": 0.18, "landmark": 0.10, "geotag": 0.16}
VAGUE_PLACES = {"road": 0.35, "community": 0.25, "none": 0.25, "landmark_big": 0.15}
CHATTER_PLACES = {
    "none": 0.30,
    "geotag": 0.15,
    "address": 0.15,
    "estate": 0.15,
    "landmark_any": 0.10,
    "road": 0.10,
    "intersection": 0.05,
}
#: place options of a duplicate of an order (taken among those available near it)
DUP_PLACES = {"address": 0.35, "estate": 0.25, "intersection": 0.20, "landmark": 0.10, "geotag": 0.15}
#: the place phrase kind each place kind is said with
PHRASE_KIND = {
    "address": "address",
    "estate": "estate",
    "intersection": "intersection",
    "landmark": "landmark",
    "road": "road",
    "community": "community",
    "geotag": "vague",
    "none": "vague",
}
ABBREVIATIONS = (("新村", "村"), ("花园", "园"))
TIME_FORMATS = (0.4, 0.3, 0.3)  # "2025-03-04 21:13", "2025/3/4 21:13:05", "2025-03-04T21:13:05+08:00"

POST_COLUMNS = ("post_id", "platform", "posted_at", "text", "lon", "lat", "coord_sys", "url")
TRUTH_COLUMNS = (
    "post_id",
    "kind",
    CLASS_CODE,
    "place_kind",
    "place_name",
    "place_text",
    "identifiable",
    GRID_CODE,
    "grid_codes",
    "dup_of_order",
    "dup_of_post",
    "dup_alternatives",
    "wording",
    "held_back",
    "typo",
    "abbreviated",
    "geotag_wrong",
    "true_time",
)

_T0 = np.datetime64(f"{YEAR}-01-01T00:00:00", "s")
_DAY = 86400
_TO_WGS84 = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


# ---------------------------------------------------------------------------------------------------
# the wordings (resources/democity/posts/)


@dataclass
class Wordings:
    """The texts posts are written with: case wordings per class, place phrases per kind, chatter,
    decorations and the homophone typos of place names."""

    cases: pd.DataFrame
    phrases: pd.DataFrame
    chatter: pd.DataFrame
    decorations: pd.DataFrame
    typos: dict[str, str]


def load_wordings() -> Wordings:
    """The wordings shipped in ``resources/democity/posts/``."""

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(resource_path("democity", "posts", name), dtype=str, keep_default_na=False)

    typos = read("typos.csv")
    return Wordings(
        cases=read("case_templates.csv"),
        phrases=read("place_phrases.csv"),
        chatter=read("chatter.csv"),
        decorations=read("decorations.csv"),
        typos=dict(zip(typos["char"], typos["typo"])),
    )


# ---------------------------------------------------------------------------------------------------
# the city's places


#: The shared-edge rule's probe (``gridgov:geolocate``'s): a point on an edge shared by grids belongs to
#: the grid holding it moved this far east and north, then to the lowest code.
NUDGE = (1e-3, 5e-4)


def _grid_of(grids: gpd.GeoDataFrame, tree: shapely.STRtree, rank: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Index of the grid responsible for each point (-1: none within 5 cm; NaN points too): the grid
    holding it; on an edge shared by grids, the responsibility rule's (the east-north side, then the
    lowest code); a point a hair outside every grid, the nearest within 5 cm (then the lowest code)."""
    n = len(xy)
    out = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(~np.isnan(xy[:, 0]))
    if len(rows) == 0:
        return out
    x, y = xy[rows, 0], xy[rows, 1]
    geoms = grids.geometry.values
    pi, gi = tree.query(shapely.points(x, y), predicate="intersects")
    step = len(geoms)
    key = rank[gi] + np.where(shapely.intersects_xy(geoms[gi], x[pi] + NUDGE[0], y[pi] + NUDGE[1]), 0, step)
    best = np.full(len(rows), 2 * step, dtype=np.int64)
    np.minimum.at(best, pi, key)
    lost = np.flatnonzero(best == 2 * step)
    if len(lost):  # in a sliver between grids (their vertices are rounded to 1 cm): the nearest grid
        points = shapely.points(x[lost], y[lost])
        li, lg = tree.query(points, predicate="dwithin", distance=0.05)
        order = np.lexsort((rank[lg], shapely.distance(points[li], geoms[lg]), li))
        li, lg = li[order], lg[order]
        first = np.r_[True, li[1:] != li[:-1]] if len(li) else np.zeros(0, bool)
        best[lost[li[first]]] = rank[lg[first]]
    by_rank = np.argsort(rank)
    found = best < 2 * step
    out[rows[found]] = by_rank[best[found] % step]
    return out


def _crossings(roads: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Crossings and T-junctions of two named roads: their names and the point where they meet
    (pairs that meet twice far apart, or run along each other, are left out)."""
    geoms = roads.geometry.values
    road_names = roads["name"].to_numpy(dtype=object)
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="dwithin", distance=1.0)
    keep = (a < b) & (road_names[a] != road_names[b])
    a, b = a[keep], b[keep]
    meet = shapely.intersection(geoms[a], geoms[b])
    points = np.full((len(a), 2), np.nan)
    for i, geom in enumerate(meet):
        if geom.is_empty:  # within a metre but not touching (rounded coordinates): the middle of the gap
            line = shapely.shortest_line(geoms[a[i]], geoms[b[i]])
            points[i] = shapely.get_coordinates(line).mean(axis=0)
            continue
        if shapely.get_type_id(geom) not in (0, 4):  # a shared stretch, not a crossing
            continue
        xy = shapely.get_coordinates(geom)
        if np.ptp(xy, axis=0).max() <= 30.0:
            points[i] = xy.mean(axis=0)
    ok = ~np.isnan(points[:, 0])
    return road_names[a[ok]], road_names[b[ok]], points[ok]


def _points_inside(polygons: list, per: int, rng: np.random.Generator) -> np.ndarray:
    """``per`` random points inside each polygon (rows: polygons)."""
    out = np.zeros((len(polygons), per, 2))
    for i, poly in enumerate(polygons):
        minx, miny, maxx, maxy = poly.bounds
        found = np.empty((0, 2))
        for _ in range(50):
            cand = np.column_stack([rng.uniform(minx, maxx, 4 * per), rng.uniform(miny, maxy, 4 * per)])
            found = np.vstack([found, cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]])
            if len(found) >= per:
                break
        if len(found) == 0:
            found = shapely.get_coordinates(shapely.point_on_surface(poly))
        out[i] = found[np.arange(per) % len(found)]
    return np.round(out, 2)


def _members(keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of each key as (order, start, count): key k's rows are order[start[k]:start[k] + count[k]]."""
    order = np.argsort(keys, kind="stable")
    count = np.bincount(keys, minlength=n_keys)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    return order, start, count


class Gazetteer:
    """The places posts name, with the points they stand for and whether they name one grid."""

    def __init__(self, layers: dict[str, pd.DataFrame], rng: np.random.Generator):
        grids = layers["grids"]
        self.grids = grids
        self.grid_codes = grids[GRID_CODE].to_numpy(dtype=object)
        self.grid_tree = shapely.STRtree(grids.geometry.values)
        self.grid_rank = code_ranks(self.grid_codes)

        addresses = layers["addresses"]
        self.a_xy = shapely.get_coordinates(addresses.geometry.values)
        self.a_tree = cKDTree(self.a_xy)
        self.a_road = addresses["road"].to_numpy(dtype=object)
        self.a_no = addresses["house_no"].to_numpy(dtype=np.int64)
        self.a_estate = addresses["estate"].to_numpy(dtype=object)
        self.a_bno = addresses["building_no"].to_numpy(dtype=np.int64)
        self.a_grid = self.grid_of(self.a_xy)
        frame = pd.DataFrame(
            {"road": self.a_road, "no": self.a_no, "grid": self.a_grid, "x": self.a_xy[:, 0], "y": self.a_xy[:, 1]}
        )
        by_address = frame.groupby(["road", "no"], sort=False)
        spread = np.hypot(
            by_address["x"].transform("max") - by_address["x"].transform("min"),
            by_address["y"].transform("max") - by_address["y"].transform("min"),
        )
        # an address (road + number) names a place when all its points lie in one grid, close together
        self.a_ok = ((by_address["grid"].transform("nunique") == 1) & (spread <= ADDRESS_SPREAD_M)).to_numpy(copy=True)
        self.a_ok &= self.a_grid >= 0
        self.address_rows = np.flatnonzero(self.a_ok)

        estate_names, estate_of = np.unique(self.a_estate.astype(str), return_inverse=True)
        self.estate_names = estate_names.astype(object)
        self.a_estate_id = estate_of
        e_grids = pd.Series(self.a_grid).groupby(estate_of).nunique().to_numpy()
        self.estate_ok = (e_grids == 1) & (np.bincount(estate_of) > 0)
        self.e_order, self.e_start, self.e_count = _members(estate_of, len(estate_names))
        self.estate_rows = np.flatnonzero(self.estate_ok)

        roads = layers["roads"]
        self.cross_a, self.cross_b, self.cross_xy = _crossings(roads)
        self.cross_tree = cKDTree(self.cross_xy) if len(self.cross_xy) else None
        self.cross_grid = self.grid_of(self.cross_xy)
        self._road_shares(roads, grids)

        communities = layers["communities"]
        comm_codes = communities[COMMUNITY_CODE].to_numpy(dtype=object)
        self.comm_names = communities["name"].to_numpy(dtype=object)
        grids_per_comm = grids.groupby(COMMUNITY_CODE).size()
        index = {c: i for i, c in enumerate(comm_codes)}
        a_comm = np.array([index.get(c, -1) for c in addresses[COMMUNITY_CODE]], dtype=np.int64)
        members = np.bincount(a_comm[a_comm >= 0], minlength=len(comm_codes))
        many = grids_per_comm.reindex(comm_codes).fillna(0).to_numpy() >= 2
        self.comm_rows = np.flatnonzero(many & (members > 0))
        self.c_order, self.c_start, self.c_count = _members(
            np.where(a_comm >= 0, a_comm, len(comm_codes)), len(comm_codes) + 1
        )

        self._landmarks(layers["dedicated_grids"], grids, rng)
        self.known = {
            *map(str, roads["name"]),
            *map(str, self.estate_names),
            *map(str, self.landmark_names),
            *map(str, self.comm_names),
        }

    def _road_shares(self, roads: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> None:
        """Roads that do not name one grid: no single grid holds ROAD_ONE_GRID_SHARE of them."""
        geoms = roads.geometry.values
        ri, gi = self.grid_tree.query(geoms, predicate="dwithin", distance=1.0)
        inside = shapely.length(shapely.intersection(geoms[ri], shapely.buffer(grids.geometry.values[gi], 1.0)))
        share = inside / np.maximum(shapely.length(geoms[ri]), 1e-9)
        holders = np.bincount(ri[share >= ROAD_ONE_GRID_SHARE], minlength=len(roads))
        self.road_names = roads["name"].to_numpy(dtype=object)
        self.road_geoms = geoms
        self.long_roads = np.flatnonzero(holders != 1)

    def _landmarks(self, dedicated: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, rng: np.random.Generator) -> None:
        """Landmarks (dedicated grids) and whether each lies in one grid (then it names that grid)."""
        geoms = dedicated.geometry.values
        self.landmark_names = dedicated["name"].to_numpy(dtype=object)
        li, gi = self.grid_tree.query(geoms, predicate="intersects")
        area = shapely.area(shapely.intersection(geoms[li], grids.geometry.values[gi]))
        share = area / np.maximum(shapely.area(geoms[li]), 1e-9)
        best = np.full(len(geoms), -1)
        best_share = np.zeros(len(geoms))
        for l_i, g_i, s in zip(li, gi, share):
            if s > best_share[l_i]:
                best_share[l_i], best[l_i] = s, g_i
        self.landmark_small = best_share >= ONE_GRID_SHARE
        target = [
            shapely.intersection(geom, grids.geometry.values[best[i]]) if self.landmark_small[i] else geom
            for i, geom in enumerate(geoms)
        ]
        self.landmark_pool = _points_inside(target, 32, rng) if len(target) else np.zeros((0, 32, 2))
        self.small_rows = np.flatnonzero(self.landmark_small)
        self.big_rows = np.flatnonzero(~self.landmark_small)
        self.small_polys = [target[i] for i in self.small_rows]

    def grid_of(self, xy: np.ndarray) -> np.ndarray:
        """Index of the grid responsible for each point (-1: none)."""
        return _grid_of(self.grids, self.grid_tree, self.grid_rank, xy)

    # draws ----------------------------------------------------------------------------------------

    def available(self, kind: str) -> bool:
        """Whether the city has places of this kind."""
        return {
            "address": len(self.address_rows) > 0,
            "estate": len(self.estate_rows) > 0,
            "intersection": len(self.cross_xy) > 0,
            "landmark": len(self.small_rows) > 0,
            "landmark_big": len(self.big_rows) > 0,
            "landmark_any": len(self.landmark_names) > 0,
            "road": len(self.long_roads) > 0,
            "community": len(self.comm_rows) > 0,
        }.get(kind, len(self.a_xy) > 0)

    def draw(self, kind: str, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """``n`` random places of one kind: their true points and the names a post says them with."""
        out = _blank(n)
        if kind == "address":
            rows = self.address_rows[rng.integers(0, len(self.address_rows), n)]
            out.update(xy=self.a_xy[rows], road=self.a_road[rows], num=self.a_no[rows])
            out["name"] = np.array([f"{r}{k}号" for r, k in zip(out["road"], out["num"])], dtype=object)
        elif kind == "estate":
            est = self.estate_rows[rng.integers(0, len(self.estate_rows), n)]
            rows = self.e_order[self.e_start[est] + (rng.random(n) * self.e_count[est]).astype(np.int64)]
            out.update(
                xy=self.a_xy[rows], estate=self.estate_names[est], k=self.a_bno[rows], name=self.estate_names[est]
            )
        elif kind == "intersection":
            rows = rng.integers(0, len(self.cross_xy), n)
            swap = rng.random(n) < 0.5
            a, b = self.cross_a[rows], self.cross_b[rows]
            out.update(xy=self.cross_xy[rows], a=np.where(swap, b, a), b=np.where(swap, a, b))
            out["name"] = np.array(["|".join(sorted(p)) for p in zip(a, b)], dtype=object)
        elif kind in ("landmark", "landmark_big", "landmark_any"):
            pool = {"landmark": self.small_rows, "landmark_big": self.big_rows}.get(
                kind, np.arange(len(self.landmark_names))
            )
            rows = pool[rng.integers(0, len(pool), n)]
            out.update(xy=self.landmark_pool[rows, rng.integers(0, 32, n)], landmark=self.landmark_names[rows])
            out.update(name=out["landmark"], identifiable=self.landmark_small[rows])
        elif kind == "road":
            rows = self.long_roads[rng.integers(0, len(self.long_roads), n)]
            points = shapely.line_interpolate_point(self.road_geoms[rows], rng.uniform(0.05, 0.95, n), normalized=True)
            out.update(xy=shapely.get_coordinates(points), road=self.road_names[rows])
            out.update(name=out["road"], identifiable=np.zeros(n, bool))
        elif kind == "community":
            comm = self.comm_rows[rng.integers(0, len(self.comm_rows), n)]
            rows = self.c_order[self.c_start[comm] + (rng.random(n) * self.c_count[comm]).astype(np.int64)]
            out.update(xy=self.a_xy[rows], community=self.comm_names[comm], name=self.comm_names[comm])
            out["identifiable"] = np.zeros(n, bool)
        elif kind == "geotag":
            out["xy"] = self.a_xy[rng.integers(0, len(self.a_xy), n)]
        elif kind == "none":
            out["identifiable"] = np.zeros(n, bool)
        else:
            raise ValueError(f"unknown place kind {kind}")
        out["place_kind"] = np.full(n, "landmark" if kind.startswith("landmark") else kind, dtype=object)
        return out


_FIELDS = ("road", "estate", "a", "b", "landmark", "community", "name")


def _blank(n: int) -> dict[str, np.ndarray]:
    out = {f: np.full(n, "", dtype=object) for f in _FIELDS}
    out.update(
        xy=np.full((n, 2), np.nan),
        num=np.zeros(n, np.int64),
        k=np.zeros(n, np.int64),
        identifiable=np.ones(n, bool),
        place_kind=np.full(n, "none", dtype=object),
    )
    return out


def _class_times(classes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Times in 2025 (seconds since its start) following each class's rhythm."""
    out = np.zeros(len(classes), np.int64)
    for code in dict.fromkeys(classes):
        rows = np.flatnonzero(classes == code)
        _, _, hour_profile, weekend, season = rhythms.CLASS_PROFILES.get(code, (0, "", rhythms.DAY, 1.0, rhythms.FLAT))
        times = rhythms.sample_times(rng, len(rows), YEAR, hour_profile, weekend, season)
        out[rows] = (times - _T0).astype(np.int64)
    return out


SpaceTime = tuple[np.ndarray, np.ndarray, np.ndarray]  # points (n, 2), times (s), class indices


def _space_time(points: SpaceTime, radius: float, days: float) -> np.ndarray:
    """Points where ``days`` counts as ``radius`` metres, classes far apart: a cylinder of that
    radius and half-height fits in a ball of radius ``radius * sqrt(2)``."""
    xy, t, cls = points
    return np.column_stack([xy, t * (radius / (days * _DAY)), cls * 1e8])


def _near_pairs(cand: SpaceTime, other: SpaceTime, radius: float, days: float) -> np.ndarray:
    """(candidate, other) index pairs of the same class within ``radius`` metres and ``days`` days."""
    if len(cand[0]) == 0 or len(other[0]) == 0:
        return np.zeros((0, 2), np.int64)
    a = cKDTree(_space_time(cand, radius, days))
    b = cKDTree(_space_time(other, radius, days))
    pairs = a.sparse_distance_matrix(b, radius * np.sqrt(2) * 1.0001, output_type="ndarray")
    i, j = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64)
    near = np.hypot(*(cand[0][i] - other[0][j]).T) <= radius
    near &= np.abs(cand[1][i] - other[1][j]) <= days * _DAY
    return np.column_stack([i[near], j[near]])


def _box_tree(points: SpaceTime, radius: float, days: float) -> cKDTree:
    """A tree to ask whether a point has another of its class within ``radius`` metres along x and
    along y and ``days`` days (a box holding the cylinder of that radius: stricter, and faster)."""
    return cKDTree(_space_time(points, radius, days))


def _in_box(tree: cKDTree | None, cand: SpaceTime, radius: float, days: float) -> np.ndarray:
    """Whether each candidate has a point of ``tree`` (built by ``_box_tree``) in its box."""
    if tree is None or tree.n == 0 or len(cand[0]) == 0:
        return np.zeros(len(cand[0]), bool)
    dist, _ = tree.query(_space_time(cand, radius, days), k=1, p=np.inf, distance_upper_bound=radius * 1.0001)
    return np.isfinite(dist)


def _later_in_box(cand: SpaceTime, radius: float, days: float) -> np.ndarray:
    """Candidates with an earlier one of the batch in their box."""
    bad = np.zeros(len(cand[0]), bool)
    if len(cand[0]) >= 2:
        pairs = _box_tree(cand, radius, days).query_pairs(radius * 1.0001, p=np.inf, output_type="ndarray")
        bad[pairs.max(axis=1, initial=0)] = True
    return bad


@dataclass
class Orders:
    """The orders' truth as arrays: true points, times (s since 2025), classes, ids, soundness."""

    xy: np.ndarray
    t: np.ndarray
    cls: np.ndarray
    ids: np.ndarray
    sound: np.ndarray

    @classmethod
    def of(cls, layers: dict[str, pd.DataFrame]) -> Orders:
        truth = layers["truth_orders"]
        geoms = truth.geometry.values
        xy = np.full((len(truth), 2), np.nan)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) if len(truth) else np.zeros(0, bool)
        xy[ok] = shapely.get_coordinates(geoms[ok])
        times = pd.to_datetime(truth["true_time"], format="%Y-%m-%dT%H:%M:%S").to_numpy().astype("datetime64[s]")
        return cls(
            xy=xy,
            t=(times - _T0).astype(np.int64),
            cls=truth[CLASS_CODE].to_numpy(dtype=object),
            ids=truth["order_id"].to_numpy(dtype=object),
            sound=(truth["defect"].to_numpy(dtype=object) == "") & ok,
        )


def _class_shares(layers: dict[str, pd.DataFrame]) -> tuple[np.ndarray, np.ndarray]:
    """The class codes and the orders' shares of them (the catalogue's shares when there are no orders)."""
    codes = np.array(list(rhythms.CLASS_PROFILES), dtype=object)
    counts = layers["orders"][CLASS_CODE].value_counts().reindex(codes).fillna(0).to_numpy(float)
    if counts.sum() == 0:
        counts = np.array([p[0] for p in rhythms.CLASS_PROFILES.values()])
    return codes, counts / counts.sum()


# ---------------------------------------------------------------------------------------------------
# the plan: every post's kind, class, place and time, before it is worded


class Plan:
    """The posts as columns of arrays, filled part by part."""

    def __init__(self, n: int):
        self.n = n
        self.place = _blank(n)
        self.draw_kind = np.full(n, "none", dtype=object)
        self.kind = np.full(n, "", dtype=object)
        self.cls = np.full(n, "", dtype=object)
        self.t = np.zeros(n, np.int64)  # seconds since 2025-01-01 (the post's time)
        self.dup_order = np.full(n, "", dtype=object)
        self.dup_post = np.full(n, -1, np.int64)

    def put(self, rows: np.ndarray, place: dict[str, np.ndarray]) -> None:
        for key, values in place.items():
            self.place[key][rows] = values

    def draw(self, gaz: Gazetteer, rows: np.ndarray, rng: np.random.Generator) -> None:
        """New places for ``rows``, each of its draw kind."""
        kinds = self.draw_kind[rows]
        for kind in dict.fromkeys(kinds):
            sel = rows[kinds == kind]
            self.put(sel, gaz.draw(kind, len(sel), rng))


def _counts(n: int, shares: dict[str, float], available) -> dict[str, int]:
    """``n`` split by ``shares`` (largest remainder) among the kinds ``available`` says exist."""
    kinds = [k for k in shares if available(k)]
    if not kinds or n <= 0:
        return {}
    weights = np.array([shares[k] for k in kinds])
    exact = n * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]:
        counts[i] += 1
    return dict(zip(kinds, counts.tolist()))


def _kinds_array(counts: dict[str, int], rng: np.random.Generator) -> np.ndarray:
    parts = [np.full(c, k, dtype=object) for k, c in counts.items()]
    kinds = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
    return kinds[rng.permutation(len(kinds))]


def _plan_duplicates(plan: Plan, rows: np.ndarray, gaz: Gazetteer, orders: Orders, rng: np.random.Generator) -> None:
    """Posts about existing orders: the order's true point and class, 0.5 h to 5 days after it,
    naming its address, its estate, a crossing or a landmark near it, or only geotagged."""
    pool = np.flatnonzero(orders.sound)
    n = len(rows)
    pick = pool[rng.choice(len(pool), n, replace=n > len(pool))]
    xy = orders.xy[pick]
    plan.kind[rows] = "duplicate"
    plan.cls[rows] = orders.cls[pick]
    plan.dup_order[rows] = orders.ids[pick]
    plan.t[rows] = orders.t[pick] + rng.integers(1800, 5 * _DAY + 1, n)

    grid = gaz.grid_of(xy)
    dist, near = gaz.a_tree.query(xy)
    same_grid = gaz.a_grid[near] == grid
    available = {
        "address": (dist <= DUP_ADDRESS_M) & gaz.a_ok[near] & same_grid,
        "estate": (dist <= DUP_ESTATE_M) & gaz.estate_ok[gaz.a_estate_id[near]] & same_grid,
        "intersection": np.zeros(n, bool),
        "landmark": np.zeros(n, bool),
        "geotag": np.ones(n, bool),
    }
    crossing = np.zeros(n, np.int64)
    if gaz.cross_tree is not None:
        c_dist, crossing = gaz.cross_tree.query(xy)
        available["intersection"] = (c_dist <= DUP_CROSSING_M) & (gaz.cross_grid[crossing] == grid)
    landmark = np.full(n, -1)
    for row, poly in zip(gaz.small_rows, gaz.small_polys):
        landmark[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])] = row
    available["landmark"] = landmark >= 0
    weights = np.column_stack([available[k] * DUP_PLACES[k] for k in DUP_PLACES])
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    choice = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, len(DUP_PLACES) - 1)
    kinds = np.array(list(DUP_PLACES), dtype=object)[choice]

    place = _blank(n)
    place["xy"] = np.round(xy, 2)
    place["place_kind"] = kinds
    sel = kinds == "address"
    place["road"][sel], place["num"][sel] = gaz.a_road[near[sel]], gaz.a_no[near[sel]]
    place["name"][sel] = [f"{r}{k}号" for r, k in zip(place["road"][sel], place["num"][sel])]
    sel = kinds == "estate"
    place["estate"][sel] = gaz.a_estate[near[sel]]
    place["k"][sel] = gaz.a_bno[near[sel]]
    place["name"][sel] = place["estate"][sel]
    sel = kinds == "intersection"
    if sel.any():
        a, b = gaz.cross_a[crossing[sel]], gaz.cross_b[crossing[sel]]
        swap = rng.random(int(sel.sum())) < 0.5
        place["a"][sel], place["b"][sel] = np.where(swap, b, a), np.where(swap, a, b)
        place["name"][sel] = ["|".join(sorted(p)) for p in zip(a, b)]
    sel = kinds == "landmark"
    place["landmark"][sel] = gaz.landmark_names[landmark[sel]]
    place["name"][sel] = place["landmark"][sel]
    plan.put(rows, place)
    plan.draw_kind[rows] = kinds


def _plan_new(
    plan: Plan,
    rows: np.ndarray,
    gaz: Gazetteer,
    orders: Orders,
    classes: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
) -> np.ndarray:
    """New cases (their draw kinds set): place, class and time drawn again until no order (within
    NEW_DAYS_ORDERS days) nor post (NEW_DAYS_POSTS days) of the class lies within NEW_RADIUS_M.
    The class is kept for KEEP_CLASS_ROUNDS rounds, then drawn again too (a class phoned in
    everywhere has no room left). Returns the rows still unplaced after MAX_ROUNDS."""
    codes, shares = classes
    index = {c: i for i, c in enumerate(codes)}
    plan.kind[rows] = "new_case"
    plan.cls[rows] = rng.choice(codes, len(rows), p=shares)
    plan.draw(gaz, rows, rng)
    plan.t[rows] = _class_times(plan.cls[rows], rng)

    ok = ~np.isnan(orders.xy[:, 0])
    order_cls = np.array([index.get(c, -1) for c in orders.cls[ok]], np.float64)
    order_tree = _box_tree((orders.xy[ok], orders.t[ok], order_cls), NEW_RADIUS_M, NEW_DAYS_ORDERS)
    fixed = np.flatnonzero(plan.kind == "duplicate")
    pending = rows[plan.draw_kind[rows] != "none"]
    for round_no in range(MAX_ROUNDS):
        if len(pending) == 0:
            break
        if round_no:
            if round_no >= KEEP_CLASS_ROUNDS:  # any class with room left
                plan.cls[pending] = codes[rng.integers(0, len(codes), len(pending))]
            plan.draw(gaz, pending, rng)
            plan.t[pending] = _class_times(plan.cls[pending], rng)
        cand = (plan.place["xy"][pending], plan.t[pending], np.array([index[c] for c in plan.cls[pending]], float))
        bad = _in_box(order_tree, cand, NEW_RADIUS_M, NEW_DAYS_ORDERS)
        if len(fixed):
            posts = (plan.place["xy"][fixed], plan.t[fixed], np.array([index[c] for c in plan.cls[fixed]], float))
            bad |= _in_box(_box_tree(posts, NEW_RADIUS_M, NEW_DAYS_POSTS), cand, NEW_RADIUS_M, NEW_DAYS_POSTS)
        bad |= _later_in_box(cand, NEW_RADIUS_M, NEW_DAYS_POSTS)
        fixed = np.concatenate([fixed, pending[~bad]])
        pending = pending[bad]
        if round_no >= KEEP_CLASS_ROUNDS + 2 and len(pending) > 1000 and (~bad).sum() < 0.01 * len(pending):
            break  # the district is full: many posts, no room left for them

    return pending


def _plan_reposts(plan: Plan, rows: np.ndarray, originals: np.ndarray, rng: np.random.Generator) -> None:
    """Reposts of earlier new case posts: the same place and class, 2 hours to 3 days later."""
    n = len(rows)
    pick = originals[rng.choice(len(originals), n, replace=n > len(originals))]
    for key in plan.place:
        plan.place[key][rows] = plan.place[key][pick]
    plan.draw_kind[rows] = plan.draw_kind[pick]
    plan.kind[rows] = "duplicate"
    plan.cls[rows] = plan.cls[pick]
    plan.dup_order[rows] = ""
    plan.dup_post[rows] = pick
    plan.t[rows] = plan.t[pick] + rng.integers(2 * 3600, 3 * _DAY + 1, n)


def _plan(n: int, gaz: Gazetteer, orders: Orders, classes, rng: np.random.Generator) -> Plan:
    """Every post's kind, class, place, time and what it duplicates."""
    plan = Plan(n)
    n_dup = round(SHARE_DUPLICATE * n)
    n_chatter = round(SHARE_CHATTER * n)
    n_vague = round(SHARE_VAGUE * n)
    n_new = n - n_dup - n_chatter - n_vague
    n_repost = round(REPOST_SHARE * n_dup) if orders.sound.any() else n_dup
    rows = np.arange(n)
    dup_rows = rows[: n_dup - n_repost]
    repost_rows = rows[n_dup - n_repost : n_dup]
    new_rows = rows[n_dup : n_dup + n_new]
    vague_rows = rows[n_dup + n_new : n_dup + n_new + n_vague]
    chatter_rows = rows[n_dup + n_new + n_vague :]

    if len(dup_rows):
        _plan_duplicates(plan, dup_rows, gaz, orders, rng)
    plan.draw_kind[new_rows] = _kinds_array(_counts(len(new_rows), NEW_PLACES, gaz.available), rng)
    plan.draw_kind[vague_rows] = _kinds_array(_counts(len(vague_rows), VAGUE_PLACES, gaz.available), rng)
    unplaced = _plan_new(plan, np.concatenate([new_rows, vague_rows]), gaz, orders, classes, rng)

    # reposts, and new cases that found no room (only in a city crowded with posts): reposts of placed ones
    placed = np.setdiff1d(new_rows, unplaced)
    originals = placed[plan.place["identifiable"][placed]]
    reposts = np.concatenate([repost_rows, unplaced])
    if len(reposts) and len(originals):
        _plan_reposts(plan, reposts, originals, rng)
    elif len(repost_rows):  # no new case to repost (a tiny city of posts): posts about orders or new cases
        if orders.sound.any():
            _plan_duplicates(plan, repost_rows, gaz, orders, rng)
        else:
            plan.draw_kind[repost_rows] = "geotag"
            _plan_new(plan, repost_rows, gaz, orders, classes, rng)

    plan.kind[chatter_rows] = "not_a_case"
    plan.draw_kind[chatter_rows] = _kinds_array(_counts(len(chatter_rows), CHATTER_PLACES, gaz.available), rng)
    plan.draw(gaz, chatter_rows, rng)
    plan.t[chatter_rows] = rng.integers(0, 365 * _DAY, len(chatter_rows))
    return plan


# ---------------------------------------------------------------------------------------------------
# the words


class Writer:
    """Posts worded from the plan: a wording of the class (or chatter), a place phrase, names with
    typos and shortenings, decorations."""

    def __init__(self, words: Wordings, known: set[str], rng: np.random.Generator):
        self.words = words
        self.known = known
        self.rng = rng
        cases = words.cases
        self.case_options = {
            key: list(zip(g["wording_id"], g["template"])) for key, g in cases.groupby([CLASS_CODE, "set"])
        }
        self.case_all = {code: list(zip(g["wording_id"], g["template"])) for code, g in cases.groupby(CLASS_CODE)}
        self.held_ids = set(cases.loc[cases["set"] == "held_back", "wording_id"])
        phrases = words.phrases
        self.phrase_options = {
            key: list(zip(g["wording_id"], g["pattern"])) for key, g in phrases.groupby(["place_kind", "set"])
        }
        self.held_ids |= set(phrases.loc[phrases["set"] == "held_back", "wording_id"])
        chatter = words.chatter.assign(place=words.chatter["template"].str.contains("{p}", regex=False))
        self.chatter_options = {}
        for (set_name, with_place), group in chatter.groupby(["set", "place"]):
            self.chatter_options[(set_name, bool(with_place))] = list(zip(group["wording_id"], group["template"]))
        self.held_ids |= set(chatter.loc[chatter["set"] == "held_back", "wording_id"])
        deco = words.decorations
        self.deco = {
            (kind, use): list(deco.loc[(deco["kind"] == kind) & deco["use"].isin([use, "both"]), "text"])
            for kind in deco["kind"].unique()
            for use in ("case", "chatter")
        }

    def typo(self, name: str, u: float) -> str:
        """``name`` with one character replaced by a homophone (unchanged when it has none, or when
        the result is another place's name)."""
        where = [i for i, ch in enumerate(name) if ch in self.words.typos]
        if not where:
            return name
        i = where[min(int(u * len(where)), len(where) - 1)]
        out = name[:i] + self.words.typos[name[i]] + name[i + 1 :]
        return name if out in self.known else out

    def shorten(self, estate: str) -> str:
        """An estate as people shorten it (金湖新村 -> 金湖村), unless that is another place's name."""
        for long, short in ABBREVIATIONS:
            if estate.endswith(long) and len(estate) > len(long):
                out = estate[: -len(long)] + short
                return estate if out in self.known else out
        return estate

    def write(self, plan: Plan, rows: np.ndarray, avoid: np.ndarray) -> dict[str, np.ndarray]:
        """Texts of ``rows`` (``avoid``: a wording id each must not use, '' for none)."""
        n = len(rows)
        draws = self.rng.random((n, len(_U)))
        texts, wording, held, typo, short, place_text = ([None] * n for _ in range(6))
        place = plan.place
        for m, row in enumerate(rows):
            u = dict(zip(_U, draws[m]))
            kind = place["place_kind"][row]
            chatter = plan.kind[row] == "not_a_case"
            # a quarter of the posts use a held-back wording, a held-back place phrase or both
            held_post = u["held"] < HELD_BACK_SHARE
            held_w = held_post and (u["which"] < 0.45 or u["which"] >= 0.9)
            held_p = held_post and u["which"] >= 0.45
            set_w = "held_back" if held_w else "dev"
            set_p = "held_back" if held_p else "dev"
            if chatter:
                with_place = kind not in ("none", "geotag")
                if not with_place and u["chatter_p"] < 0.5:  # a place-less chatter may still say 附近 ...
                    with_place = True
                options = self.chatter_options.get((set_w, with_place)) or self.chatter_options[("dev", with_place)]
            else:
                code = plan.cls[row]
                options = self.case_options.get((code, set_w)) or self.case_all[code]
                if avoid[m]:
                    options = [o for o in options if o[0] != avoid[m]] or [
                        o for o in self.case_all[code] if o[0] != avoid[m]
                    ]
            w_id, template = options[min(int(u["wording"] * len(options)), len(options) - 1)]
            p_id, phrase, said, was_typo, was_short = "", "", "", False, False
            if "{p}" in template:
                p_id, phrase, said, was_typo, was_short = self._phrase(place, row, kind, set_p, u)
            texts[m] = self._decorate(template.format(p=phrase), chatter, u)
            wording[m] = f"{w_id}+{p_id}"
            held[m] = w_id in self.held_ids or p_id in self.held_ids
            typo[m], short[m], place_text[m] = was_typo, was_short, said
        return {
            "text": np.array(texts, dtype=object),
            "wording": np.array(wording, dtype=object),
            "held_back": np.array(held, dtype=bool),
            "typo": np.array(typo, dtype=bool),
            "abbreviated": np.array(short, dtype=bool),
            "place_text": np.array(place_text, dtype=object),
        }

    def _phrase(self, place, row: int, kind: str, set_p: str, u: dict) -> tuple[str, str, str, bool, bool]:
        """A place phrase of the place's kind: (phrase id, phrase, the names as written ('|'), typo, shortened)."""
        phrase_kind = PHRASE_KIND[kind]
        options = self.phrase_options.get((phrase_kind, set_p)) or self.phrase_options[(phrase_kind, "dev")]
        p_id, pattern = options[min(int(u["phrase"] * len(options)), len(options) - 1)]
        names = {key: str(place[key][row]) for key in ("road", "estate", "a", "b", "landmark", "community")}
        written = dict(names)
        target = {
            "address": "road",
            "estate": "estate",
            "landmark": "landmark",
            "road": "road",
            "community": "community",
            "intersection": "a" if u["typo_road"] < 0.5 else "b",
        }.get(kind)
        if target is not None and u["typo"] < TYPO_SHARE:
            written[target] = self.typo(names[target], u["typo_at"])
        elif kind == "estate" and u["short"] < ABBREVIATION_SHARE:
            written["estate"] = self.shorten(names["estate"])
        was_typo = target is not None and u["typo"] < TYPO_SHARE and written[target] != names[target]
        was_short = written["estate"] != names["estate"] and not was_typo
        number = int(place["num"][row])
        phrase = pattern.format(n=number, k=int(place["k"][row]), **written)
        said = {
            "address": f"{written['road']}{number}号",
            "estate": written["estate"],
            "intersection": f"{written['a']}|{written['b']}",
            "landmark": written["landmark"],
            "road": written["road"],
            "community": written["community"],
        }.get(kind, "")
        return p_id, phrase, said, was_typo, was_short

    def _decorate(self, body: str, chatter: bool, u: dict) -> str:
        """Loose punctuation, a tail, emoji, Latin-script words, hashtags and @mentions, as posted."""
        use = "chatter" if chatter else "case"

        def pick(kind: str, v: float) -> str:
            items = self.deco.get((kind, use)) or [""]
            return items[min(int(v * len(items)), len(items) - 1)]

        if u["punct"] < 0.15:
            body = body.replace("，", " ")
        elif u["punct"] < 0.25:
            body = body.replace("，", ",")
        if u["tail"] < (0.15 if chatter else 0.35):
            body += (" " if u["punct"] < 0.25 else "，") + pick("tail", u["tail_pick"])
        if u["emoji"] < 0.4:
            emoji = pick("emoji", u["emoji_pick"])
            body += emoji * (1 + int(u["emoji_n"] * 6)) if u["emoji_n"] < 0.5 else emoji + pick("emoji", u["emoji_2"])
        if u["latin"] < 0.06:
            body = pick("latin", u["latin_pick"]) + " " + body
        elif u["latin"] < 0.12:
            body += " " + pick("latin", u["latin_pick"])
        if u["hashtag"] < 0.2:
            tags = pick("hashtag", u["hashtag_pick"])
            second = pick("hashtag", u["hashtag_2"] / 0.3) if u["hashtag_2"] < 0.3 else tags
            body = tags + (second if second != tags else "") + body
        if u["mention"] < (0.03 if chatter else 0.12):
            body += " " + pick("mention", u["mention_pick"])
        return body


#: the random draws of one post's words
_U = (
    "held",
    "which",
    "chatter_p",
    "wording",
    "phrase",
    "typo",
    "typo_road",
    "typo_at",
    "short",
    "punct",
    "tail",
    "tail_pick",
    "emoji",
    "emoji_pick",
    "emoji_n",
    "emoji_2",
    "latin",
    "latin_pick",
    "hashtag",
    "hashtag_pick",
    "hashtag_2",
    "mention",
    "mention_pick",
)


# ---------------------------------------------------------------------------------------------------
# geotags, platforms, times, links


def _geotags(plan: Plan, gaz: Gazetteer, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which posts carry a geotag, its point (metres, EPSG:4547) and whether it is the poster's home."""
    n = plan.n
    kind = plan.place["place_kind"]
    must = kind == "geotag"
    named = np.isin(kind, ["address", "estate", "intersection", "landmark"]) & plan.place["identifiable"]
    share = float(np.clip((GEOTAG_SHARE * n - must.sum()) / max(named.sum(), 1), 0.0, 1.0))
    tagged = must | (named & (rng.random(n) < share))
    candidates = np.flatnonzero(tagged & named)
    n_wrong = min(round(WRONG_GEOTAG_SHARE * tagged.sum()), len(candidates))
    wrong = np.zeros(n, bool)
    wrong[rng.choice(candidates, n_wrong, replace=False)] = True

    xy = np.full((n, 2), np.nan)
    true_xy = plan.place["xy"]
    noise = _noise(n, rng)
    xy[tagged] = true_xy[tagged] + noise[tagged]
    # a geotag off by a few metres stays in its point's grid (no matcher could tell the other side)
    grid = gaz.grid_of(true_xy)
    astray = np.flatnonzero(tagged & ~wrong & (gaz.grid_of(xy) != grid))
    for _ in range(10):
        if len(astray) == 0:
            break
        xy[astray] = true_xy[astray] + _noise(len(astray), rng)
        astray = astray[gaz.grid_of(xy[astray]) != grid[astray]]
    xy[astray] = true_xy[astray]
    home = np.flatnonzero(wrong)
    for _ in range(30):  # the poster's home: an address 1 to 4 km from the place
        if len(home) == 0:
            break
        cand = gaz.a_xy[rng.integers(0, len(gaz.a_xy), len(home))]
        d = np.hypot(*(cand - true_xy[home]).T)
        good = (d >= HOME_MIN_M) & (d <= HOME_MAX_M)
        xy[home[good]] = cand[good] + noise[home[good]]
        home = home[~good]
    if len(home):  # a city too small for that: 2.5 km away in some direction
        turn = rng.uniform(0, 2 * np.pi, len(home))
        xy[home] = true_xy[home] + 2500.0 * np.column_stack([np.cos(turn), np.sin(turn)])
    return tagged, xy, wrong


def _noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """GPS errors: a few metres in any direction, at most GEOTAG_MAX_M."""
    radius = np.minimum(np.abs(rng.normal(0.0, GEOTAG_SIGMA_M, n)) * np.sqrt(2), GEOTAG_MAX_M)
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _platforms(plan: Plan, rng: np.random.Generator) -> np.ndarray:
    names = np.array(list(PLATFORMS), dtype=object)
    shares = np.array([p[0] for p in PLATFORMS.values()])
    out = names[rng.choice(len(names), plan.n, p=shares / shares.sum())]
    repost = plan.dup_post >= 0
    same = repost & (out == out[np.maximum(plan.dup_post, 0)])
    index = {name: i for i, name in enumerate(names)}
    shift = rng.integers(1, len(names), int(same.sum()))
    out[same] = [names[(index[p] + s) % len(names)] for p, s in zip(out[same], shift)]
    return out


_ALPHABET = np.array(list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _urls(platform: np.ndarray, times: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Plausible (made-up) links of each platform."""
    n = len(platform)
    chars = _ALPHABET[rng.integers(0, 62, (n, 24))]
    hexes = _ALPHABET[rng.integers(0, 16, (n, 24))]
    digits = rng.integers(0, 10, (n, 19)).astype(str)
    uid = rng.integers(1_000_000_000, 8_000_000_000, n)
    days = pd.DatetimeIndex(times)
    out = np.empty(n, dtype=object)
    for i, name in enumerate(platform):
        if name == "微博":
            out[i] = f"https://weibo.com/{uid[i]}/{''.join(chars[i, :9])}"
        elif name == "抖音":
            out[i] = f"https://www.douyin.com/video/7{''.join(digits[i, :18])}"
        elif name == "小红书":
            out[i] = f"https://www.xiaohongshu.com/explore/{''.join(hexes[i])}"
        elif name == "大众点评":
            out[i] = f"https://www.dianping.com/review/{uid[i]}"
        elif name == "微信公众号":
            out[i] = f"https://mp.weixin.qq.com/s/{''.join(chars[i, :22])}"
        elif name == "百度贴吧":
            out[i] = f"https://tieba.baidu.com/p/{8 + int(digits[i, 0]) % 2}{''.join(digits[i, 1:10])}"
        else:
            day = days[i]
            out[i] = f"https://sz.bendibao.com/news/{day.year}{day.month}{day.day}/{''.join(digits[i, :6])}.htm"
    return out


def _posted_at(times: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Times as the platforms' exports write them, mixed."""
    ts = pd.DatetimeIndex(times)
    style = rng.choice(3, len(times), p=TIME_FORMATS)
    out = np.asarray(ts.strftime("%Y-%m-%d %H:%M"), dtype=object)
    iso = style == 2
    out[iso] = np.asarray(ts[iso].strftime("%Y-%m-%dT%H:%M:%S+08:00"), dtype=object)
    slash = np.flatnonzero(style == 1)
    out[slash] = [f"{t.year}/{t.month}/{t.day} {t.hour:02d}:{t.minute:02d}:{t.second:02d}" for t in ts[slash]]
    return out


def _to_lonlat(xy: np.ndarray, systems: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geotags (EPSG:4547) as the platforms report them: GCJ-02 or BD-09 longitude and latitude."""
    lon = np.full(len(xy), np.nan)
    lat = np.full(len(xy), np.nan)
    rows = np.flatnonzero(~np.isnan(xy[:, 0]))
    if len(rows) == 0:
        return lon, lat
    # pyproj takes one point for a scalar (and warns on a one-element array): at least two are passed
    x, y = np.append(xy[rows, 0], 0.0), np.append(xy[rows, 1], 0.0)
    w_lon, w_lat = (np.asarray(v)[:-1] for v in _TO_WGS84.transform(x, y))
    g_lon, g_lat = coords.wgs84_to_gcj02(w_lon, w_lat)
    b_lon, b_lat = coords.gcj02_to_bd09(g_lon, g_lat)
    bd = systems[rows] == "bd09"
    lon[rows] = np.round(np.where(bd, b_lon, g_lon), 6)
    lat[rows] = np.round(np.where(bd, b_lat, g_lat), 6)
    return lon, lat


def _alternatives(plan: Plan, orders: Orders, rows: np.ndarray) -> np.ndarray:
    """For duplicates of orders: the other orders of the class within ALT_RADIUS_M and ALT_DAYS of the post."""
    out = np.full(plan.n, "", dtype=object)
    if len(rows) == 0:
        return out
    codes = {c: i for i, c in enumerate(dict.fromkeys([*orders.cls, *plan.cls[rows]]))}
    ok = ~np.isnan(orders.xy[:, 0])
    other_rows = np.flatnonzero(ok)
    other = (orders.xy[ok], orders.t[ok], np.array([codes[c] for c in orders.cls[ok]], float))
    cand = (plan.place["xy"][rows], plan.t[rows], np.array([codes[c] for c in plan.cls[rows]], float))
    pairs = _near_pairs(cand, other, ALT_RADIUS_M, ALT_DAYS)
    found: dict[int, list[str]] = {}
    for i, j in pairs:
        order_id = orders.ids[other_rows[j]]
        if order_id != plan.dup_order[rows[i]]:
            found.setdefault(int(i), []).append(order_id)
    for i, ids in found.items():
        out[rows[i]] = "|".join(sorted(ids))
    return out


# ---------------------------------------------------------------------------------------------------


def _near_grids(gaz: Gazetteer, xy: np.ndarray) -> np.ndarray:
    """The codes of the grids within a metre of each point, '|'-joined (two or more on a shared edge)."""
    out = np.full(len(xy), "", dtype=object)
    rows = np.flatnonzero(~np.isnan(xy[:, 0]))
    if len(rows) == 0:
        return out
    pi, gi = gaz.grid_tree.query(shapely.points(xy[rows]), predicate="dwithin", distance=1.0)
    rank = np.argsort(np.argsort(gaz.grid_codes.astype(str)))
    order = np.lexsort((rank[gi], pi))
    pi, codes = rows[pi[order]], gaz.grid_codes[gi[order]]
    count = np.bincount(pi, minlength=len(xy))
    single = count[pi] == 1
    out[pi[single]] = codes[single]
    for row in np.flatnonzero(count > 1):
        out[row] = "|".join(codes[pi == row])
    return out


def _scatter(values: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=values.dtype) if values.dtype == bool else np.full(n, "", dtype=object)
    out[rows] = values
    return out


def _empty() -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    posts = pd.DataFrame({c: pd.Series(dtype=float if c in ("lon", "lat") else object) for c in POST_COLUMNS})
    dtypes = {"identifiable": bool, "held_back": bool, "typo": bool, "abbreviated": bool, "geotag_wrong": bool}
    truth = pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in TRUTH_COLUMNS})
    return posts, gpd.GeoDataFrame(truth, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


def generate_posts(
    layers: dict[str, pd.DataFrame], n_posts: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """``n_posts`` internet posts about the city of ``layers`` (its grids, dedicated grids, roads,
    addresses, communities, orders and their truth): the ``posts`` table as a platform export has
    it and the ``truth_posts`` point layer (EPSG:4547, one row per post, in the same order)."""
    if n_posts < 0:
        raise ValueError("the number of posts cannot be negative")
    if n_posts == 0:
        return _empty()
    gaz = Gazetteer(layers, rng)
    orders = Orders.of(layers)
    plan = _plan(n_posts, gaz, orders, _class_shares(layers), rng)

    # the words: reposts after their originals, in another wording than theirs
    writer = Writer(load_wordings(), gaz.known, rng)
    first = np.flatnonzero(plan.dup_post < 0)
    later = np.flatnonzero(plan.dup_post >= 0)
    words = writer.write(plan, first, np.full(len(first), "", dtype=object))
    words = {key: _scatter(values, first, plan.n) for key, values in words.items()}
    if len(later):
        avoid = np.array([w.split("+")[0] for w in words["wording"][plan.dup_post[later]]], dtype=object)
        for key, values in writer.write(plan, later, avoid).items():
            words[key][later] = values

    tagged, tag_xy, wrong = _geotags(plan, gaz, rng)
    platform = _platforms(plan, rng)
    systems = np.array([PLATFORMS[p][1] for p in platform], dtype=object)
    systems[~tagged] = ""
    lon, lat = _to_lonlat(tag_xy, systems)
    times = _T0 + plan.t.astype("timedelta64[s]")
    urls = _urls(platform, times, rng)
    posted_at = _posted_at(times, rng)
    alternatives = _alternatives(plan, orders, np.flatnonzero(plan.dup_order != ""))

    # the export: in time order, numbered
    order = np.argsort(plan.t, kind="stable")
    position = np.empty(plan.n, np.int64)
    position[order] = np.arange(plan.n)
    post_id = np.array([f"WL{YEAR}{i:06d}" for i in range(1, plan.n + 1)], dtype=object)[position]
    dup_of_post = np.where(plan.dup_post >= 0, post_id[np.maximum(plan.dup_post, 0)], "").astype(object)

    true_xy = plan.place["xy"]
    has_point = ~np.isnan(true_xy[:, 0])
    grid = gaz.grid_of(true_xy)
    grid_code = np.where(grid >= 0, gaz.grid_codes[np.maximum(grid, 0)], "").astype(object)
    near_codes = _near_grids(gaz, true_xy)
    geometry = np.full(plan.n, None, dtype=object)
    geometry[has_point] = shapely.points(true_xy[has_point])

    posts = pd.DataFrame(
        {
            "post_id": post_id,
            "platform": platform,
            "posted_at": posted_at,
            "text": words["text"],
            "lon": lon,
            "lat": lat,
            "coord_sys": systems,
            "url": urls,
        }
    )
    truth = pd.DataFrame(
        {
            "post_id": post_id,
            "kind": plan.kind,
            CLASS_CODE: plan.cls,
            "place_kind": plan.place["place_kind"],
            "place_name": plan.place["name"],
            "place_text": words["place_text"],
            "identifiable": plan.place["identifiable"] & (plan.place["place_kind"] != "none"),
            GRID_CODE: grid_code,
            "grid_codes": near_codes,
            "dup_of_order": plan.dup_order,
            "dup_of_post": dup_of_post,
            "dup_alternatives": alternatives,
            "wording": words["wording"],
            "held_back": words["held_back"],
            "typo": words["typo"],
            "abbreviated": words["abbreviated"],
            "geotag_wrong": wrong,
            "true_time": pd.DatetimeIndex(times).strftime("%Y-%m-%dT%H:%M:%S"),
        }
    )
    truth = gpd.GeoDataFrame(truth, geometry=gpd.GeoSeries(geometry, crs=CRS), crs=CRS)
    posts = posts.iloc[order].reset_index(drop=True)
    truth = truth.iloc[order].reset_index(drop=True)
    return posts, truth
