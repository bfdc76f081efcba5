"""The responsibility rule, written once and answered three ways (issue 25): the engine
(``gridgov:geolocate`` on GeoPackage layers), the PostGIS push-down (the same algorithm on PostGIS
layers) and the "whose is this?" map tool (``layers/hierarchy/whose.responsibility_chain``) give the same
unit, the same boundary flag and the same overlap for every point of hypothesis-made layouts:
shared edges and vertices, a grid with a hole (empty or holding an island grid), overlapping grids,
points just outside, numeric codes of different lengths, micro-grids, and dedicated grids that take
only some class cases.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qgis import processing
from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsProject, QgsVectorLayer

from gridgov.layers.hierarchy.group import tag_layer
from gridgov.layers.hierarchy.whose import responsibility_chain, responsible_unit

CRS = "EPSG:4547"
X0, Y0, CELL = 500_000.0, 2_500_000.0, 100.0
CLASSES = ("0601", "0503", "0101", "")  # noise, parking, garbage, none

codes = st.one_of(
    st.integers(1, 10**6).map(str),
    st.sampled_from(["41", "126", "0126", "7", "440399001001001", "A1", "a1", "12\u3000", " 9\t"]),
)


@st.composite
def layouts(draw):
    nx, ny = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    hole = draw(st.sampled_from(["none", "empty", "island"]))
    overlap = draw(st.booleans())
    n_grids = nx * ny + (hole == "island") + overlap
    grid_codes = draw(st.lists(codes, min_size=n_grids, max_size=n_grids, unique=True))
    grids, shapes = [], []
    for (i, j), code in zip(itertools.product(range(nx), range(ny)), grid_codes):
        x, y = X0 + i * CELL, Y0 + j * CELL
        cell = shapely.box(x, y, x + CELL, y + CELL)
        if hole != "none" and (i, j) == (0, 0):
            cell = cell.difference(shapely.box(x + 30, y + 30, x + 70, y + 70))
        grids.append(code)
        shapes.append(cell)
    rest = iter(grid_codes[nx * ny :])
    if hole == "island":
        grids.append(next(rest))
        shapes.append(shapely.box(X0 + 30, Y0 + 30, X0 + 70, Y0 + 70))
    if overlap:  # a grid drawn over parts of others: a data error the rule must report
        grids.append(next(rest))
        shapes.append(shapely.box(X0 + 50, Y0 + 20, X0 + 50 + CELL * draw(st.sampled_from([0.3, 1.0])), Y0 + 80))
    frame = gpd.GeoDataFrame({"grid_code": grids}, geometry=shapes, crs=CRS)
    # micro-grids: the west and east halves of every lattice cell, named after their grid
    micro_codes, micro_parents, micro_shapes = [], [], []
    for code, shape in zip(grids[: nx * ny], shapes[: nx * ny]):
        minx, miny, maxx, maxy = shape.bounds
        for k, (a, b) in enumerate(((minx, minx + CELL / 2), (minx + CELL / 2, maxx))):
            micro_codes.append(f"{code}{k + 1:03d}")
            micro_parents.append(code)
            micro_shapes.append(shapely.box(a, miny, b, maxy).intersection(shape))
    micro = gpd.GeoDataFrame({"micro_code": micro_codes, "grid_code": micro_parents}, geometry=micro_shapes, crs=CRS)
    n_dedicated = draw(st.integers(0, 2))
    dedicated_codes = draw(st.lists(codes, min_size=n_dedicated, max_size=n_dedicated, unique=True))
    dedicated = gpd.GeoDataFrame(
        {
            "dedicated_code": dedicated_codes,
            "priority": [draw(st.integers(1, 2)) for _ in dedicated_codes],
            "case_groups": [draw(st.sampled_from(["", "noise", "parking,0101", "0601"])) for _ in dedicated_codes],
        },
        geometry=[
            shapely.box(X0 + 10 + 40 * k, Y0 + 10, X0 + 10 + 40 * k + draw(st.sampled_from([40.0, 90.0])), Y0 + 60)
            for k in range(n_dedicated)
        ],
        crs=CRS,
    )
    # points: every vertex and edge midpoint of every unit, centres, points just outside, random ones
    xy = []
    for shape in [*shapes, *dedicated.geometry]:
        for ring in [shape.exterior, *shape.interiors]:
            coords = np.asarray(ring.coords)
            xy.extend(coords[:-1])
            xy.extend((coords[:-1] + coords[1:]) / 2)
        xy.append(np.asarray(shape.representative_point().coords[0]))
    xy.extend([(X0 - 0.001, Y0 + 50), (X0 + 50, Y0 - 0.001), (X0 + nx * CELL + 0.001, Y0 + 10)])
    for _ in range(draw(st.integers(0, 6))):
        xy.append((X0 + draw(st.floats(-5, nx * CELL + 5)), Y0 + draw(st.floats(-5, ny * CELL + 5))))
    xy = np.unique(np.round(np.asarray(xy, dtype=float), 6), axis=0)
    classes = [draw(st.sampled_from(CLASSES)) for _ in range(len(xy))]
    orders = gpd.GeoDataFrame(
        {"order_id": [f"P{i:04d}" for i in range(len(xy))], "class_code": classes},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=CRS,
    )
    return frame, micro, dedicated, orders


def _write(path, frame, micro, dedicated, orders) -> None:
    pyogrio.write_dataframe(frame, path, layer="grids")
    pyogrio.write_dataframe(micro, path, layer="microgrids")
    if len(dedicated):
        pyogrio.write_dataframe(dedicated, path, layer="dedicated_grids")
    pyogrio.write_dataframe(orders, path, layer="order_points")


def _run(layers: dict) -> pd.DataFrame:
    params = {"CATEGORY_FIELD": "class_code", "TOLERANCE": 0.0, "OUTPUT": "TEMPORARY_OUTPUT", **layers}
    result = processing.run("gridgov:geolocate", params)
    layer = result["OUTPUT"]
    if isinstance(layer, str) and layer.startswith("postgres://"):
        layer = QgsVectorLayer(layer[len("postgres://") :], "placed", "postgres")
    elif not isinstance(layer, QgsVectorLayer):
        layer = QgsVectorLayer(layer, "placed", "ogr")
    names = layer.fields().names()
    rows = [dict(zip(names, f.attributes())) for f in layer.getFeatures()]
    frame = pd.DataFrame(rows).set_index("order_id").sort_index()
    return frame.astype(object).where(frame.notna(), "").map(lambda v: "" if str(v) == "NULL" else v)


def _map_tool(path, orders) -> pd.DataFrame:
    project = QgsProject()
    for level, name, code in (
        ("grid", "grids", "grid_code"),
        ("microgrid", "microgrids", "micro_code"),
        ("dedicated", "dedicated_grids", "dedicated_code"),
    ):
        layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        if layer.isValid():
            tag_layer(layer, level, code)
            project.addMapLayer(layer)
    crs = QgsCoordinateReferenceSystem(CRS)
    rows = []
    for order_id, cls, point in zip(orders["order_id"], orders["class_code"], orders.geometry):
        chain = responsibility_chain(project, QgsPointXY(point.x, point.y), crs, cls, tolerance=0)
        boss = responsible_unit(chain)
        rows.append(
            {
                "order_id": order_id,
                "resp_level": boss.level if boss else "",
                "resp_code": boss.code if boss else "",
                "on_boundary": chain.on_boundary,
                "overlap": chain.overlap,
            }
        )
    project.clear()
    return pd.DataFrame(rows).set_index("order_id").sort_index()


COMPARED = ("grid_code", "micro_code", "dedicated_code", "resp_level", "resp_code", "match_method", "overlap")


def _differences(a: pd.DataFrame, b: pd.DataFrame, columns) -> str:
    lines = []
    for column in columns:
        x, y = a[column].astype(str), b[column].astype(str)
        if (x != y).any():
            lines.append(f"{column}:\n{pd.DataFrame({'a': x, 'b': y})[x != y].head(8)}")
    return "\n".join(lines)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(layout=layouts())
def test_engine_postgis_and_map_tool_agree(layout, tmp_path_factory, pg_server, pg_layers, authcfg, gridgov_provider):
    frame, micro, dedicated, orders = layout
    folder = tmp_path_factory.mktemp("parity")
    path = folder / "layout.gpkg"
    _write(path, frame, micro, dedicated, orders)
    files = {
        "INPUT": f"{path}|layername=order_points",
        "GRIDS": f"{path}|layername=grids",
        "MICROGRIDS": f"{path}|layername=microgrids",
    }
    if len(dedicated):
        files["DEDICATED"] = f"{path}|layername=dedicated_grids"
    engine = _run(files)
    assert len(engine) == len(orders)

    tool = _map_tool(path, orders)
    problems = _differences(engine, tool, ("resp_level", "resp_code", "overlap"))
    assert not problems, "engine / map tool:\n" + problems
    assert (engine["on_boundary"].astype(bool) == tool["on_boundary"]).all(), "engine / map tool: on_boundary"

    schema = f"parity_{folder.name.replace('-', '_')}"
    layers = ["grids", "microgrids", "order_points"] + (["dedicated_grids"] if len(dedicated) else [])
    pg_server.load_gpkg(path, schema, layers)
    database = {
        key: pg_layers.pg_layer(pg_server, value.split("=")[-1], authcfg, schema) for key, value in files.items()
    }
    assert all(layer.isValid() for layer in database.values())
    in_db = _run(database)
    problems = _differences(engine, in_db, (*COMPARED, "problem"))
    assert not problems, "engine / PostGIS:\n" + problems
    assert (engine["on_boundary"].astype(bool) == in_db["on_boundary"].astype(bool)).all(), "engine / PostGIS"


def test_the_layouts_reach_every_case():
    """The generator makes what the parity test claims to cover (a check on the test itself)."""
    from hypothesis import find

    def placed(layout):
        from gridgov.grid_ops.responsibility import geolocate

        frame, _micro, _dedicated, orders = layout
        h = geolocate.Hierarchy(grids=geolocate.UnitLayer.from_frame(frame, "grid_code"))
        return geolocate.assign(h, orders.geometry.x.to_numpy(), orders.geometry.y.to_numpy(), tolerance=0)

    for wanted in (
        lambda out: (out["overlap"] != "").any(),
        lambda out: out["on_boundary"].any(),
        lambda out: (out["match_method"] == "unassigned").any(),
    ):
        assert find(layouts(), lambda layout, wanted=wanted: wanted(placed(layout))) is not None


def _one_point(path, point, crs: str, tolerance: float) -> tuple[dict, object]:
    """``gridgov:geolocate`` and the map tool on one order at ``point`` in a file's grids."""
    orders = gpd.GeoDataFrame({"order_id": ["P0"], "class_code": [""]}, geometry=[shapely.Point(point)], crs=crs)
    pyogrio.write_dataframe(orders, path, layer="order_points")
    placed = _run(
        {"INPUT": f"{path}|layername=order_points", "GRIDS": f"{path}|layername=grids", "TOLERANCE": tolerance}
    ).iloc[0]
    project = QgsProject()
    layer = QgsVectorLayer(f"{path}|layername=grids", "grids", "ogr")
    tag_layer(layer, "grid", "grid_code")
    project.addMapLayer(layer)
    chain = responsibility_chain(project, QgsPointXY(*point), QgsCoordinateReferenceSystem(crs), "", tolerance)
    project.clear()
    return placed, chain


def test_map_tool_works_in_geolocates_crs_on_geographic_grids(tmp_path, gridgov_provider):
    """Grids in EPSG:4326: geolocate works in metres (the UTM zone), so must the map tool, or the
    shared-edge probe moves 100 m instead of 1 mm and lands in a third grid. Codes stored as Real
    read as the integers they are."""
    corner = (114.0045, 22.510)  # a vertex of S and N, 0.5 m west of NE's corner
    south = shapely.Polygon([(114.0, 22.5), (114.01, 22.5), (114.01, 22.51), (114.005, 22.51), corner, (114.0, 22.51)])
    north = shapely.Polygon([(114.0, 22.51), corner, (114.005, 22.51), (114.005, 22.52), (114.0, 22.52)])
    north_east = shapely.box(114.005, 22.51, 114.01, 22.52)
    for codes in (["1", "2", "3"], [1.0, 2.0, 3.0]):
        path = tmp_path / f"geo_{type(codes[0]).__name__}.gpkg"
        grids = gpd.GeoDataFrame({"grid_code": codes}, geometry=[south, north, north_east], crs="EPSG:4326")
        pyogrio.write_dataframe(grids, path, layer="grids")
        placed, chain = _one_point(path, corner, "EPSG:4326", 0.0)
        assert (placed["grid_code"], placed["match_method"]) == ("2", "boundary")
        boss = responsible_unit(chain)
        assert (boss.level, boss.code, chain.on_boundary) == ("grid", "2", True)


def test_map_tool_reads_codes_as_geolocate_does_and_finds_the_nearest_grid(tmp_path, gridgov_provider):
    """Real codes (9.0, 10.0) compare as the numbers 9 and 10, codes keep no surrounding spaces, and a
    click just outside every grid gets the nearest grid within the tolerance, as geolocate does."""
    path = tmp_path / "real.gpkg"
    grids = gpd.GeoDataFrame(
        {"grid_code": [9.0, 10.0, 11.0]},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(50, 0, 150, 100), shapely.box(300, 0, 400, 100)],
        crs=CRS,
    )
    pyogrio.write_dataframe(grids, path, layer="grids")
    placed, chain = _one_point(path, (75.0, 50.0), CRS, 0.0)
    assert (placed["grid_code"], placed["overlap"]) == ("9", "9,10")
    assert (responsible_unit(chain).code, chain.overlap) == ("9", "9,10")
    placed, chain = _one_point(path, (180.0, 50.0), CRS, 50.0)
    assert (placed["grid_code"], placed["match_method"]) == ("10", "nearest")
    assert (chain.resp_code, chain.match_method, responsible_unit(chain)) == ("10", "nearest", None)
    spaced = gpd.GeoDataFrame({"grid_code": ["9 ", "10"]}, geometry=list(grids.geometry[:2]), crs=CRS)
    pyogrio.write_dataframe(spaced, path, layer="grids")
    placed, chain = _one_point(path, (75.0, 50.0), CRS, 0.0)
    assert responsible_unit(chain).code == placed["grid_code"] == "9"
