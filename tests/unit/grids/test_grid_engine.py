"""Engine pieces of the grid issue: code checks, renumbering, lattices, the splitter, field-name guessing."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.grid_ops.grids import codes
from gridgov.grid_ops.grids.gridimport import guess_mapping, normalise_code, standardise
from gridgov.grid_ops.grids.lattice import build_grid
from gridgov.grid_ops.grids.microgrids import evenness, polsby_popper, split_grids, split_polygon


@pytest.mark.parametrize(
    ("code", "level", "ok"),
    [
        ("440399001001001", "grid", True),
        ("44039900100101", "grid", True),
        ("440399001001000", "grid", False),
        ("4403990010010011", "grid", False),
        ("440399001001001002", "microgrid", True),
        ("440399001001001000", "microgrid", False),
        ("440399Z01001", "dedicated", True),
        ("440399z01001", "dedicated", False),
        ("440399001", "street", True),
        ("440399001001", "community", True),
        ("４４０３９９００１", "street", False),
    ],
)
def test_check_code(code, level, ok):
    assert (codes.check_code(code, level) is None) is ok


def test_renumber_west_east_north_south():
    # a 3 x 2 block given in random order; rows north to south, west to east within a row
    xs = [200, 0, 100, 0, 200, 100]
    ys = [0, 100, 100, 0, 100, 0]
    new = codes.renumber(["440399001001"] * 6, xs, ys)
    assert [c[-3:] for c in new] == ["006", "001", "002", "004", "003", "005"]
    assert codes.renumber(["440399001001"], [0], [0], digits=14) == ["44039900100101"]


def test_square_lattice_clipped_and_coded():
    boundary = gpd.GeoDataFrame({"code": ["440399001001"]}, geometry=[shapely.Point(0, 0).buffer(500)], crs="EPSG:4547")
    grid = build_grid(100, "square", boundary, "code", min_fraction=0.2)
    assert grid.geometry.area.sum() == pytest.approx(boundary.area.iloc[0], rel=1e-9)
    assert grid["grid_code"].is_unique and grid["grid_code"].str.fullmatch(r"440399001001\d{3}").all()
    assert grid.geometry.area.min() >= 0.2 * 100 * 100 - 1e-6
    first = grid.iloc[0].geometry.centroid
    assert grid.geometry.centroid.y.max() - first.y < 100  # sequence 001 is in the north row (band of one cell)
    assert first.x == grid.geometry.centroid[grid.geometry.centroid.y.max() - grid.geometry.centroid.y < 100].x.min()


def test_split_even_by_households_and_by_area():
    poly = shapely.box(0, 0, 400, 300)
    rng = np.random.default_rng(1)
    xy = rng.uniform([5, 5], [395, 295], (120, 2))
    w = rng.integers(10, 30, 120).astype(float)
    parts = split_polygon(poly, 6, xy, w)
    assert len(parts) == 6
    sums = [w[shapely.contains_xy(p, xy[:, 0], xy[:, 1])].sum() for p in parts]
    assert sum(sums) == w.sum() and max(sums) / min(sums) < 1.5
    assert sum(p.area for p in parts) == pytest.approx(poly.area, rel=1e-5)  # cut vertices snap to 1 mm
    by_area = split_polygon(poly, 4)
    areas = [p.area for p in by_area]
    assert max(areas) / min(areas) < 1.1 and min(polsby_popper(p) for p in by_area) > 0.4


def test_split_grids_follows_a_road_when_it_balances():
    grid = gpd.GeoDataFrame({"grid_code": ["440399001001001"]}, geometry=[shapely.box(0, 0, 200, 100)], crs="EPSG:4547")
    road = gpd.GeoDataFrame(geometry=[shapely.LineString([(97, -10), (97, 110)])], crs="EPSG:4547")
    xs, ys = np.meshgrid(np.arange(5, 200, 10.0), np.arange(5, 100, 10.0))
    homes = gpd.GeoDataFrame(
        {"hh": np.full(xs.size, 10)}, geometry=shapely.points(xs.ravel(), ys.ravel()), crs="EPSG:4547"
    )
    micro = split_grids(grid, "grid_code", 1000, homes, "hh", road)
    assert list(micro["micro_code"]) == ["440399001001001001", "440399001001001002"]
    boundary = shapely.intersection(micro.geometry.iloc[0], micro.geometry.iloc[1])
    assert boundary.length == pytest.approx(100, abs=0.01)
    assert boundary.distance(road.geometry.iloc[0]) < 0.01  # the cut is the road, not x = 100
    stats = evenness(micro)
    assert stats["ratio"].iloc[0] <= 1.25


def test_guess_mapping_and_standardise():
    cols = ["WGBM", "网格名称", "所属社区编码", "网格员", "联系电话", "户数", "other"]
    mapping = guess_mapping(cols)
    assert mapping == {
        "code": "WGBM",
        "name": "网格名称",
        "level": None,
        "parent_code": "所属社区编码",
        "manager": "网格员",
        "phone": "联系电话",
        "households": "户数",
        "priority": None,
    }
    frame = gpd.GeoDataFrame(
        {
            "WGBM": [4.40399001001001e14, "440399001001 002", None],
            "网格名称": ["a", "b", "c"],
            "所属社区编码": ["440399001001"] * 3,
            "网格员": ["张三", None, "李四"],
            "联系电话": [13800000000.0, "138-0000-0001", None],
            "户数": [100, "many", None],
            "other": [1, 2, 3],
        },
        geometry=[shapely.box(0, 0, 1, 1), None, shapely.box(1, 0, 2, 1)],
        crs="EPSG:4547",
    )
    out = standardise(frame, mapping, "grid")
    assert list(out["code"]) == ["440399001001001", "440399001001002", ""]
    assert list(out["import_status"]) == ["ok", "problem", "problem"]
    assert "no geometry" in out["problem"].iloc[1] and "'many'" in out["problem"].iloc[1]
    assert "row 3" in out["problem"].iloc[2] and "WGBM" in out["problem"].iloc[2]
    assert out["phone"].iloc[0] == "13800000000" and out["other"].tolist() == [1, 2, 3]


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=True)))
def test_normalise_code_never_raises(value):
    assert isinstance(normalise_code(value), str)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 10**6)), min_size=1, max_size=8))
def test_standardise_keeps_every_row(values):
    frame = gpd.GeoDataFrame(
        {"code": values, "hh": values},
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(len(values))],
        crs="EPSG:4547",
    )
    out = standardise(frame, {"code": "code", "households": "hh"}, "grid")
    assert len(out) == len(values)
    assert set(out["import_status"]) <= {"ok", "problem"}
    assert (out["problem"].astype(bool) == (out["import_status"] == "problem")).all()


def _hostile_grid(seed: int, spikes: int, hole: bool) -> shapely.Polygon:
    """A star-shaped grid with ragged edges, far from the origin and off any decimal grid."""
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.uniform(0, 2 * np.pi, spikes))
    radius = rng.uniform(120, 400, spikes)
    x0, y0 = 505000.123456789 + rng.uniform(-3000, 3000), 2500000.987654321 + rng.uniform(-3000, 3000)
    poly = shapely.make_valid(
        shapely.Polygon(np.column_stack([x0 + radius * np.cos(angles), y0 + radius * np.sin(angles)]))
    )
    poly = max(shapely.get_parts(poly), key=lambda g: g.area)
    if hole:
        inner = shapely.Point(x0 + rng.uniform(-20, 20), y0 + rng.uniform(-20, 20)).buffer(
            rng.uniform(10, 60), quad_segs=5
        )
        poly = max(shapely.get_parts(shapely.difference(poly, inner)), key=lambda g: g.area)
    return poly


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    spikes=st.integers(3, 40),
    hole=st.booleans(),
    k=st.integers(2, 14),
    n_homes=st.sampled_from([0, 3, 50, 2000]),
    n_roads=st.integers(0, 6),
)
def test_splitter_tiles_its_grid_exactly(seed, spikes, hole, k, n_homes, n_roads):
    """Micro-grids cover their grid with no gap and no overlap above 1e-6 m², whatever the shape."""
    rng = np.random.default_rng(seed)
    poly = _hostile_grid(seed, spikes, hole)
    minx, miny, maxx, maxy = poly.bounds
    homes = None
    if n_homes:
        xy = np.column_stack([rng.uniform(minx, maxx, n_homes), rng.uniform(miny, maxy, n_homes)])
        if n_homes > 10:  # some homes exactly on vertices of the outline
            outline = shapely.get_coordinates(poly)
            xy[: min(10, len(outline))] = outline[: min(10, len(outline))]
        homes = gpd.GeoDataFrame({"hh": rng.integers(1, 40, n_homes)}, geometry=shapely.points(xy), crs="EPSG:4547")
    roads = None
    if n_roads:
        ends = rng.uniform([minx - 50, miny - 50], [maxx + 50, maxy + 50], (n_roads, 2, 2))
        roads = gpd.GeoDataFrame(geometry=[shapely.LineString(e) for e in ends], crs="EPSG:4547")
    grid = gpd.GeoDataFrame({"grid_code": ["440399001001001"]}, geometry=[poly], crs="EPSG:4547")
    total = float(homes["hh"].sum()) if homes is not None else poly.area
    micro = split_grids(grid, "grid_code", total / k, homes, "hh" if homes is not None else None, roads, min_parts=k)
    geoms = micro.geometry.values
    assert micro.is_valid.all() and (micro.geom_type == "Polygon").all()
    # measured with overlays on a micrometre grid: floating-point overlays of edges a hair apart
    # fall back to snapping in GEOS and can report needles that are not there
    left, right = np.triu_indices(len(geoms), 1)
    overlap = shapely.area(shapely.intersection(geoms[left], geoms[right], grid_size=1e-6)).sum()
    outside = shapely.area(shapely.difference(geoms, poly, grid_size=1e-6)).sum()
    assert overlap < 1e-6 and outside < 1e-6
    assert abs(shapely.area(geoms).sum() - poly.area) < 1e-6  # with neither overlap nor overhang: no gap
