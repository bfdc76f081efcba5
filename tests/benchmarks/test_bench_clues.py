"""Issue 27's speed figure, as a user meets it: 100,000 internet posts end to end in at most 60 s.

* The whole ``processing.run`` of ``gridgov:clues``: the demo city (seed 20251, 20,000 orders) with
  100,000 posts, read from a CSV file (UTF-8 with a BOM, as a platform export comes); every post
  placed by the names its text gives (ROADS, GAZETTEER addresses and estates, DEDICATED names) or its
  geotag, classified (the model trained on the EXISTING orders' texts), assigned to its grid and
  person (GRIDS, MICROGRIDS, DEDICATED, ROSTER), deduplicated against the 20,000 EXISTING orders (a
  GeoPackage point layer: the orders' order_id, class_code, description and reported_at at their true
  points) and written to a GeoPackage. Target: at most 60 s, and every post written once.
* Beside it, the nearest job QGIS can do on the same posts, as a grid centre would otherwise run it:
  ``native:createpointslayerfromtable`` on the geotagged rows of the same CSV (lon / lat taken as
  EPSG:4326) then ``native:joinattributesbylocation`` to the grids, to a GeoPackage, timed as one
  figure. It does **only the geotag part** (30 % of the posts: 30,216): no place read from the text,
  no classification, no deduplication. QGIS has no algorithm that reads free text for places.
* A breakdown: the whole run split at its engine call (before it: reading the posts, the layers and
  the existing orders, the book of names, the unit hierarchy; after it: writing the GeoPackage), and,
  as separate calls, reading the inputs once (the CSV by the plugin's own file reader, the layers by
  GDAL), building the book and the hierarchy, and the engine alone (``read_clues`` on those frames,
  each of its stages timed by its progress calls), so the whole run's overhead shows.

Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import time

import pandas as pd
import pyogrio
import pytest
import shapely
from qgis import processing
from qgis.core import QgsVectorLayer
from qgis.PyQt.QtCore import QUrl

from gridgov.grid_ops.clues.engine import CluesRequest, Existing, read_clues
from gridgov.grid_ops.clues.places import PlaceBook
from gridgov.grid_ops.orders import classify
from gridgov.grid_ops.orders.ordertable import read_orders
from gridgov.grid_ops.responsibility.placement import unit_hierarchy
from gridgov.grid_ops.responsibility.request import GeolocateRequest

SEED = 20251
N_ORDERS = 20_000
N_POSTS = 100_000
TARGET_S = 60.0
EXISTING = "existing_orders"
#: The engine's progress calls (fraction it reports on entering the stage, stage).
STAGES = (
    (0.05, "places read from the texts"),
    (0.3, "geotags converted and weighed"),
    (0.4, "classification (model trained on the orders, keywords), road-only posts"),
    (0.6, "responsible units and persons"),
    (0.8, "deduplication, the output table"),
)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The demo city with 100,000 posts in a GeoPackage, the posts also as a CSV file (UTF-8 with a
    BOM), and the existing orders as one point layer of the GeoPackage: the ``orders`` table's id,
    class, text and time at the ``truth_orders`` points."""
    from gridgov.grid_ops.democity import build_demo_city, write_demo_city

    folder = tmp_path_factory.mktemp("clues_bench")
    city = build_demo_city(seed=SEED, n_orders=N_ORDERS, n_posts=N_POSTS)
    gpkg = write_demo_city(city, folder / "city.gpkg")
    csv = folder / "posts.csv"
    posts = city.layers["posts"]
    posts.to_csv(csv, index=False, encoding="utf-8-sig")
    orders = city.layers["orders"][["order_id", "class_code", "description", "reported_at"]]
    existing = city.layers["truth_orders"][["order_id", "geometry"]].merge(orders, on="order_id", validate="1:1")
    assert len(existing) == N_ORDERS
    pyogrio.write_dataframe(existing, gpkg, layer=EXISTING)
    geotagged = int(posts["lon"].notna().sum())
    del city, posts, orders, existing
    return gpkg, csv, geotagged


def _layer(gpkg, name: str) -> str:
    return f"{gpkg}|layername={name}"


def _clues_parameters(gpkg, csv, out) -> dict:
    return {
        "INPUT_FILE": str(csv),
        "GRIDS": _layer(gpkg, "grids"),
        "MICROGRIDS": _layer(gpkg, "microgrids"),
        "DEDICATED": _layer(gpkg, "dedicated_grids"),
        "ROADS": _layer(gpkg, "roads"),
        "GAZETTEER": _layer(gpkg, "addresses"),
        "ROSTER": _layer(gpkg, "roster"),
        "EXISTING": _layer(gpkg, EXISTING),
        "OUTPUT": str(out),
    }


def _qgis_geotags_to_grids(gpkg, csv, out) -> tuple[float, int, int]:
    """QGIS's nearest job: the geotagged rows of the CSV as points, joined to the grids, to a
    GeoPackage; (seconds, points written, points in a grid)."""
    started = time.perf_counter()
    uri = QUrl.fromLocalFile(str(csv)).toString() + "?type=csv&delimiter=,&encoding=UTF-8&geomType=none"
    table = QgsVectorLayer(uri, "posts", "delimitedtext")
    assert table.isValid() and table.setSubsetString('"lon" IS NOT NULL AND "lat" IS NOT NULL')
    points = processing.run(
        "native:createpointslayerfromtable",
        {"INPUT": table, "XFIELD": "lon", "YFIELD": "lat", "TARGET_CRS": "EPSG:4326", "OUTPUT": "TEMPORARY_OUTPUT"},
    )["OUTPUT"]
    joined = processing.run(
        "native:joinattributesbylocation",
        {
            "INPUT": points,
            "JOIN": _layer(gpkg, "grids"),
            "PREDICATE": [5],  # within
            "METHOD": 1,  # the first matching grid only: one row per post
            "JOIN_FIELDS": ["grid_code"],
            "OUTPUT": str(out),
        },
    )
    seconds = time.perf_counter() - started
    written = QgsVectorLayer(joined["OUTPUT"], "joined", "ogr").featureCount()
    return seconds, written, int(joined["JOINED_COUNT"])


def _engine_alone(gpkg, csv) -> dict:
    """Reading the inputs once, building the book and the hierarchy, and ``read_clues`` with each
    stage's seconds (the engine's progress calls)."""
    started = time.perf_counter()
    posts, _facts = read_orders(csv)
    frames = {
        key: pyogrio.read_dataframe(gpkg, layer=name)
        for key, name in (("grids", "grids"), ("microgrids", "microgrids"), ("dedicated", "dedicated_grids"))
    }
    roads = pyogrio.read_dataframe(gpkg, layer="roads")
    addresses = pyogrio.read_dataframe(gpkg, layer="addresses")
    roster = pyogrio.read_dataframe(gpkg, layer="roster", read_geometry=False)
    existing = pyogrio.read_dataframe(gpkg, layer=EXISTING)
    read_s = time.perf_counter() - started

    started = time.perf_counter()
    book = PlaceBook.build(roads, "name", addresses, "address", "estate", frames["dedicated"], "name", "dedicated_code")
    cases = classify.shipped_class_cases()
    hierarchy = unit_hierarchy(
        frames,
        {"grids": "grid_code", "microgrids": "micro_code", "dedicated": "dedicated_code"},
        GeolocateRequest(),
        roster,
        cases,
    )
    points = existing.geometry.to_numpy()
    orders = Existing(
        pd.DataFrame(existing.drop(columns=existing.geometry.name)), shapely.get_x(points), shapely.get_y(points)
    )
    taxonomy = classify.Taxonomy.from_frame(cases)
    prepare_s = time.perf_counter() - started

    marks: list[tuple[float, float]] = []
    started = time.perf_counter()
    result = read_clues(
        posts,
        book,
        hierarchy,
        str(frames["grids"].crs.to_string()),
        taxonomy,
        CluesRequest(),  # the algorithm's defaults
        orders,
        lambda fraction, _message: marks.append((fraction, time.perf_counter())),
    )
    engine_s = time.perf_counter() - started
    at = dict(marks)
    ends = [at[f] for f, _ in STAGES[1:]] + [at[1.0]]
    stages = [(name, end - at[f]) for (f, name), end in zip(STAGES, ends)]
    return {
        "read_s": read_s,
        "prepare_s": prepare_s,
        "engine_s": engine_s,
        "stages": stages,
        "rows": len(result.table),
        "counts": result.counts,
        "classifier": result.classifier,
    }


def test_bench_clues(city, gridgov_provider, tmp_path, monkeypatch):
    from gridgov.layers.processing.orders import clues_alg

    gpkg, csv, geotagged = city
    out = tmp_path / "clues.gpkg"
    inside: list[float] = []  # when the whole run's engine call began and ended

    def timed_read_clues(*args, **kwargs):
        inside.append(time.perf_counter())
        try:
            return read_clues(*args, **kwargs)
        finally:
            inside.append(time.perf_counter())

    monkeypatch.setattr(clues_alg, "read_clues", timed_read_clues)
    started = time.perf_counter()
    result = processing.run("gridgov:clues", _clues_parameters(gpkg, csv, out))
    whole_s = time.perf_counter() - started
    monkeypatch.undo()
    before_s, in_run_s, after_s = inside[0] - started, inside[1] - inside[0], started + whole_s - inside[1]
    written = QgsVectorLayer(result["OUTPUT"], "clues", "ogr").featureCount()

    qgis_s, qgis_written, qgis_joined = _qgis_geotags_to_grids(gpkg, csv, tmp_path / "qgis.gpkg")
    engine = _engine_alone(gpkg, csv)

    share = geotagged / N_POSTS
    statuses = ", ".join(
        f"{result[key]:,} {label}"
        for key, label in (
            ("NEW_CASES", "new"),
            ("DUPLICATES", "duplicates"),
            ("UNPLACED", "unplaced"),
            ("NOT_A_CASE", "not a case"),
        )
    )
    rows = (
        (
            "gridgov:clues: place from text + geotag, classify, assign, deduplicate",
            whole_s,
            f"{written:,} posts ({statuses})",
        ),
        (
            f"QGIS, GEOTAG PART ONLY ({geotagged:,} geotagged posts, {share:.1%}; no text, classification or "
            f"deduplication): createpointslayerfromtable + joinattributesbylocation",
            qgis_s,
            f"{qgis_written:,} points, {qgis_joined:,} in a grid",
        ),
    )
    print(
        f"\ninternet posts → grids, {N_POSTS:,} posts from a CSV file (UTF-8 with BOM), demo city seed {SEED}, "
        f"{N_ORDERS:,} existing orders with their texts; whole processing.run, GeoPackage out:"
    )
    width = max(len(job) for job, _, _ in rows)
    print(f"  {'job':<{width}}  {'whole run':>9}  rows out")
    for job, seconds, out_rows in rows:
        print(f"  {job:<{width}}  {seconds:>7.1f} s  {out_rows}")
    print(
        f"  the whole run: before the engine (reading the posts, the layers and the existing orders; book of "
        f"names; unit hierarchy) {before_s:.1f} s, engine (read_clues) {in_run_s:.1f} s, after it (writing "
        f"{written:,} rows to the GeoPackage) {after_s:.1f} s"
    )
    print(
        f"  breakdown, separate calls after it: reading the inputs once {engine['read_s']:.1f} s (the CSV by the "
        f"plugin's reader, the layers by GDAL), book of names + unit hierarchy {engine['prepare_s']:.1f} s, "
        f"engine alone (read_clues, classifier {engine['classifier']}) {engine['engine_s']:.1f} s:"
    )
    for name, seconds in engine["stages"]:
        print(f"    {name:<72} {seconds:5.1f} s ({seconds / engine['engine_s']:.0%} of the engine)")
    assert result["POSTS_IN"] == result["POSTS_OUT"] == written == N_POSTS
    assert engine["rows"] == N_POSTS and engine["counts"] == {
        "new_case": result["NEW_CASES"],
        "duplicate_of": result["DUPLICATES"],
        "unplaced": result["UNPLACED"],
        "not_a_case": result["NOT_A_CASE"],
    }
    assert qgis_written == geotagged
    assert whole_s <= TARGET_S
