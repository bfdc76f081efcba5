"""Benchmark: validating 50,000 micro-grids against 20,000 parents, gridgov against QGIS's native tools.

Peer (the nearest QGIS-native way to find the same problems): ``qgis:checkvalidity`` for invalid
geometries plus ``native:intersection`` of the layer with itself for overlaps (QGIS has no one-step
coverage check; the topology checker plugin is GUI-only). Same data, one run, ratio printed.
Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gridgov.grid_ops.grids.validate import ValidationOptions, validate_grids

N_PARENTS = 20_000
N_MICRO = 50_000
SIDE = 40_000.0  # m: a 40 km square city


def synthetic_city(seed: int = 1) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, int]:
    """Voronoi micro-grids grouped into Voronoi parents; a few micro-grids damaged (overlaps)."""
    rng = np.random.default_rng(seed)
    box = shapely.box(0, 0, SIDE, SIDE)
    parent_seeds = rng.uniform(0, SIDE, (N_PARENTS, 2))
    micro_seeds = np.vstack([parent_seeds, rng.uniform(0, SIDE, (N_MICRO - N_PARENTS, 2))])
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(micro_seeds), extend_to=box))
    cells = shapely.intersection(cells, box, grid_size=0.01)
    seeds_of_cell = shapely.STRtree(cells).query(shapely.points(micro_seeds), predicate="within")
    order = np.empty(len(cells), int)
    order[seeds_of_cell[1]] = seeds_of_cell[0]
    from scipy.spatial import cKDTree

    _, parent_of = cKDTree(parent_seeds).query(micro_seeds[order])
    micro = gpd.GeoDataFrame({"parent": parent_of}, geometry=cells, crs="EPSG:4547")
    parents = micro.dissolve("parent").reset_index()
    # 15-digit grid codes: 20 streets x 10 communities x 100 grids
    parents["code"] = [
        f"440399{p // 1000 + 1:03d}{(p // 100) % 10 + 1:03d}{p % 100 + 1:03d}" for p in parents["parent"]
    ]
    micro = micro.merge(parents[["parent", "code"]].rename(columns={"code": "pcode"}), on="parent")
    micro["seq"] = micro.groupby("parent").cumcount() + 1
    micro["code"] = micro["pcode"] + micro["seq"].map(lambda s: f"{s:03d}")
    damaged = rng.choice(len(micro), 25, replace=False)
    micro.loc[damaged, "geometry"] = micro.geometry[damaged].buffer(15)
    return micro[["code", "pcode", "geometry"]], parents[["code", "geometry"]], len(damaged)


@pytest.fixture(scope="module")
def city():
    return synthetic_city()


def _qgis_layer(frame: gpd.GeoDataFrame, path):
    from qgis.core import QgsVectorLayer

    frame.to_file(path, driver="GPKG")
    layer = QgsVectorLayer(str(path), "micro", "ogr")
    assert layer.isValid()
    return layer


def test_bench_validate_microgrids(city, tmp_path, qgis_processing):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    micro, parents, n_damaged = city
    started = time.perf_counter()
    result = validate_grids(micro, "code", parents, "code", "pcode", options=ValidationOptions(level="microgrid"))
    ours = time.perf_counter() - started
    overlaps = result.summary["errors"]["overlap"]
    assert overlaps >= n_damaged

    layer = _qgis_layer(micro, tmp_path / "micro.gpkg")
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    started = time.perf_counter()
    processing.run(
        "qgis:checkvalidity",
        {
            "INPUT_LAYER": layer,
            "METHOD": 2,
            "VALID_OUTPUT": "TEMPORARY_OUTPUT",
            "INVALID_OUTPUT": "TEMPORARY_OUTPUT",
            "ERROR_OUTPUT": "TEMPORARY_OUTPUT",
        },
        context=context,
        feedback=feedback,
    )
    inter = processing.run(
        "native:intersection",
        {"INPUT": layer, "OVERLAY": layer, "OUTPUT": "TEMPORARY_OUTPUT"},
        context=context,
        feedback=feedback,
    )["OUTPUT"]
    peer = time.perf_counter() - started
    # the peer's raw pairs still need filtering (self pairs, touching edges) to become the same answer
    print(
        f"\nvalidate {len(micro):,} micro-grids against {len(parents):,} parents: gridgov {ours:.1f} s "
        f"(all 8 checks, {result.summary['total_errors']} errors), QGIS checkvalidity + intersection {peer:.1f} s "
        f"({inter.featureCount():,} raw pieces, overlaps and gaps only); ratio {peer / ours:.1f}x"
    )
