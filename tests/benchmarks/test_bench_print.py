"""Benchmark: printing a hotspot atlas, one A4 page per community of the demo city (61 pages).

gridgov:printmap does everything (reads the grids, places them in their units, orders the pages,
builds and styles the layers, binds the template, exports, fixes the PDF's text). The peer is QGIS's
own ``native:atlaslayouttopdf`` exporting the very same layout afterwards: the time any atlas of
that content takes, so the ratio is what the plugin's preparation adds. Same data, one run.
Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import subprocess
import time

import geopandas as gpd
import numpy as np
import pytest


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from gridgov.grid_ops.democity import build_demo_city, write_demo_city

    folder = tmp_path_factory.mktemp("print_bench")
    gpkg = folder / "city.gpkg"
    write_demo_city(build_demo_city(seed=20251, n_orders=2000), gpkg)
    grids = gpd.read_file(gpkg, layer="grids")
    rng = np.random.default_rng(3)
    grids["cur_cnt"] = rng.poisson(4, len(grids))
    grids["prev_cnt"] = rng.poisson(4, len(grids))
    grids["perc_chg"] = 100.0 * (grids.cur_cnt - grids.prev_cnt) / grids.prev_cnt.clip(lower=1)
    grids["cur_period"] = "2025-12"
    grids["gi_bin"] = rng.choice([-2, -1, 0, 0, 0, 0, 1, 2, 3], len(grids))
    hot = folder / "hot.gpkg"
    grids.to_file(hot, layer="hot", driver="GPKG")
    return gpkg, hot, folder


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_bench_print_atlas(city, qgis_processing):
    import processing
    from qgis.core import QgsApplication, QgsProject

    from gridgov.layers.processing.provider import GridGovProvider

    gpkg, hot, folder = city
    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("gridgov")
    if provider is None:
        provider = GridGovProvider()
        registry.addProvider(provider)
    project = QgsProject.instance()
    try:
        started = time.perf_counter()
        ours = processing.run(
            "gridgov:printmap",
            {
                "GRIDS": str(hot),
                "COVERAGE": f"{gpkg}|layername=communities",
                "DEDICATED": f"{gpkg}|layername=dedicated_grids",
                "ROSTER": f"{gpkg}|layername=roster",
                "CLASS_CASE": "噪声",
                "ADD_LAYOUT": True,
                "OUTPUT": str(folder / "gridgov.pdf"),
            },
        )
        gridgov_s = time.perf_counter() - started
        started = time.perf_counter()
        processing.run(
            "native:atlaslayouttopdf",
            {"LAYOUT": ours["LAYOUT_NAME"], "DPI": 300, "TEXT_FORMAT": 1, "OUTPUT": str(folder / "qgis.pdf")},
        )
        qgis_s = time.perf_counter() - started
        pages = ours["PAGES"]
        assert pages == _pages(folder / "gridgov.pdf") == _pages(folder / "qgis.pdf") > 50
        print(
            f"\nhotspot atlas, {pages} A4 pages (one per community): gridgov:printmap {gridgov_s:.1f} s "
            f"({1000 * gridgov_s / pages:.0f} ms a page, everything from the grid layer to the PDF); "
            f"QGIS native:atlaslayouttopdf of the same layout {qgis_s:.1f} s; ratio {gridgov_s / qgis_s:.2f}x "
            "(what the preparation adds to the export)"
        )
    finally:
        project.clear()
