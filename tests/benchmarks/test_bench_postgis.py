"""Benchmark: orders in PostGIS against 20,000 grids: geolocation plus per-grid monthly counts, run
in the database (``gridgov:geolocate`` and ``gridgov:gridstats`` on PostGIS layers) against pulling
the rows into the engine (the same algorithms with running in PostGIS switched off), one run.

Every figure is one whole ``processing.run``, as the toolbox, the dock and ``qgis_process`` run it:
- in PostGIS: the run's SQL job (scratch table of order points, the result table, its key, spatial
  index and statistics), the row counts, and handing the result table to QGIS;
- pulled: reading the orders and the unit tables (COPY for PostGIS layers), the engine, writing the
  result (``GRIDGOV_PG_PULL_TO``: ``postgis`` (default), a table next to the orders written by
  COPY with its key, spatial index and statistics, or ``gpkg``, a GeoPackage with its spatial
  index) and counting the rows that landed.
Both include opening the orders layer, where QGIS checks on the whole table that its key is unique
(``count(distinct ...)``, seen running for more than 28 s on ten million orders). The database job's
own seconds (from the run's log) are printed beside the in-PostGIS figure: the difference is that
check, the row counts and loading the result.

The orders table is partitioned by month (12 partitions of 2025) and filled in the database with
the clustered pattern of DESIGN.md §6 (70 % around 300 hot centres, 30 % anywhere). Sizes come from
``GRIDGOV_PG_SIZES`` (default 1, 3 and 10 million); the engine is pulled up to
``GRIDGOV_PG_PULL_MAX`` rows (default 10 million: the engine reads, places and writes in parts of
250,000 rows, so the pull fits in memory; by COPY ten million took about 3.5 minutes here, through
QGIS's provider row by row 32).
Peak memory is this QGIS process's resident high-water mark during each path (reset before it, with
freed memory handed back; the synthetic city is built in a child process).
Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import QgsDataSourceUri, QgsVectorLayer

from gridgov.layers.runtime.settings import RUN_IN_POSTGIS

HERE = Path(__file__).resolve().parent
SIZES = [int(float(s) * 1_000_000) for s in os.environ.get("GRIDGOV_PG_SIZES", "1,3,10").split(",")]
PULL_MAX = int(float(os.environ.get("GRIDGOV_PG_PULL_MAX", "10")) * 1_000_000)
PULL_TO = os.environ.get("GRIDGOV_PG_PULL_TO", "postgis")


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_LogFeedback = _module("gridgov_bench_pg_layers", HERE.parent / "postgis" / "pg_layers.py").LogFeedback


def _status_mb(key: str) -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(key))) / 1024


def _reset_peak() -> float:
    """Hand freed memory back (a previous path's leftovers are not this path's peak), start the
    resident high-water mark afresh (Linux: ``5`` into ``/proc/self/clear_refs``); the resident size
    the path starts from."""
    import ctypes
    import gc

    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def _peak_mb() -> float:
    return _status_mb("VmHWM")


def _write_city(path: Path) -> None:
    """The synthetic city's units into ``path``, in a child process: this QGIS process never holds them."""
    bench_geo = _module("gridgov_bench_geolocate", HERE / "test_bench_geolocate.py")
    grids, micro, dedicated, _xy, _classes = bench_geo.synthetic_city()
    micro = micro[micro.geom_type.isin(["Polygon", "MultiPolygon"])]  # PostGIS keeps one geometry type
    for name, frame in (("grids", grids), ("microgrids", micro), ("dedicated_grids", dedicated)):
        frame.to_file(path, layer=name, driver="GPKG")


ORDERS_SQL = """
DROP TABLE IF EXISTS bench.orders CASCADE;
CREATE TABLE bench.orders (fid bigint, class_code text, reported_at timestamp, geom geometry(Point, 4547),
    PRIMARY KEY (fid, reported_at)) PARTITION BY RANGE (reported_at);
DO $$ BEGIN FOR m IN 1..12 LOOP
    EXECUTE format('CREATE TABLE bench.orders_2025_%s PARTITION OF bench.orders FOR VALUES FROM (%L) TO (%L)',
        lpad(m::text, 2, '0'), make_date(2025, m, 1), make_date(2025, m, 1) + interval '1 month');
END LOOP; END $$;
SELECT setseed(0.4);
DROP TABLE IF EXISTS hot;
CREATE TEMP TABLE hot AS SELECT k, 480000 + random() * 40000 AS x, 2480000 + random() * 40000 AS y
    FROM generate_series(0, 299) k;
INSERT INTO bench.orders
SELECT i, (ARRAY['0601', '0503', '0101', '0401'])[1 + (i % 4)],
    timestamp '2025-01-01' + random() * interval '364 days',
    CASE WHEN i % 10 < 7 THEN
        ST_SetSRID(ST_MakePoint(h.x + 400 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()),
                                h.y + 400 * sqrt(-2 * ln(1 - random())) * sin(2 * pi() * random())), 4547)
    ELSE ST_SetSRID(ST_MakePoint(480000 + random() * 40000, 2480000 + random() * 40000), 4547) END
FROM generate_series(1, %(n)s) i JOIN hot h ON h.k = i % 300;
ANALYZE bench.orders;
""".replace("%", "%%").replace("%%(n)s", "%(n)s")  # only n is a query parameter


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server_mod = _module("gridgov_bench_server", HERE.parent / "postgis" / "server.py")
    srv = server_mod.PostgresServer().start()
    try:
        path = tmp_path_factory.mktemp("pg_bench") / "city.gpkg"
        child = mp.get_context("fork").Process(target=_write_city, args=(path,))
        child.start()
        child.join()
        assert child.exitcode == 0
        srv.load_gpkg(path, "bench")
        yield srv
    finally:
        srv.stop()


def _layer(srv, table: str) -> QgsVectorLayer:
    uri = QgsDataSourceUri()
    uri.setConnection("127.0.0.1", str(srv.port), srv.database, "gridgov", srv.password)
    uri.setDataSource("bench", table, "geom", "", "fid")
    layer = QgsVectorLayer(uri.uri(False), table, "postgres")
    assert layer.isValid(), table
    return layer


def _where(feedback) -> str:
    return "postgis" if any("Running in PostGIS" in line for line in feedback.lines) else "engine"


def _pulled_destination(srv, folder: Path) -> str:
    """Where the pulled run writes: a table next to the orders (``postgis:``) or a GeoPackage (a memory
    layer of ten million placed orders would not fit)."""
    if PULL_TO == "gpkg":
        return str(folder / "placed.gpkg")
    uri = QgsDataSourceUri()
    uri.setConnection("127.0.0.1", str(srv.port), srv.database, "gridgov", srv.password)
    uri.setDataSource("bench", "orders_pulled", "geom")
    return "postgis:" + uri.uri(False)


def _job_seconds(feedback) -> float | None:
    """The database job's own seconds, as the in-PostGIS run logs them."""
    for line in feedback.lines:
        if line.startswith("PostGIS placed") and " in " in line:
            return float(line.rsplit(" in ", 1)[1].split()[0])
    return None


@dataclass
class PathFigures:
    """One path's figures."""

    geolocate_s: float
    gridstats_s: float
    peak_mb: float  # QGIS's resident high-water mark over both runs
    placed: dict  # geolocate's results
    start_mb: float  # resident at the start
    job_s: float | None  # the database job's own seconds (in PostGIS)
    geolocate_peak_mb: float  # the high-water mark when geolocate ended


def _run_pair(srv, in_database: bool, folder: Path) -> PathFigures:
    """One path's figures. In the database the result is a table next to the orders; pulled, see
    :func:`_pulled_destination`."""
    RUN_IN_POSTGIS.set_value(in_database)
    start_mb = _reset_peak()
    layers = {
        k: _layer(srv, v)
        for k, v in (("GRIDS", "grids"), ("MICROGRIDS", "microgrids"), ("DEDICATED", "dedicated_grids"))
    }
    started = time.perf_counter()
    feedback = _LogFeedback()
    placed = processing.run(
        "gridgov:geolocate",
        {
            "INPUT": _layer(srv, "orders"),
            **layers,
            "CATEGORY_FIELD": "class_code",
            "OUTPUT": "TEMPORARY_OUTPUT" if in_database else _pulled_destination(srv, folder),
        },
        feedback=feedback,
    )
    assert _where(feedback) == ("postgis" if in_database else "engine"), feedback.lines[:5]
    geolocate_s = time.perf_counter() - started
    geolocate_peak = _peak_mb()
    job_s = _job_seconds(feedback)
    out = placed["OUTPUT"]
    if isinstance(out, QgsVectorLayer):
        placed_layer = out
    elif out.startswith("postgres://"):  # the run's result names no password: the benchmark's own login
        uri = QgsDataSourceUri(out[len("postgres://") :])
        uri.setPassword(srv.password)
        placed_layer = QgsVectorLayer(uri.uri(False), "placed", "postgres")
    else:
        placed_layer = QgsVectorLayer(out, "placed", "ogr")
    assert placed_layer.isValid(), out
    started = time.perf_counter()
    feedback = _LogFeedback()
    processing.run(
        "gridgov:gridstats",
        {
            "INPUT": placed_layer, "GRIDS": layers["GRIDS"], "GRID_FIELD": "grid_code", "CATEGORY_FIELD": "class_code",
            "TIME_FIELD": "reported_at", "PERIOD": 1, "OUTPUT": "TEMPORARY_OUTPUT",
        },
        feedback=feedback,
    )  # fmt: skip
    assert _where(feedback) == ("postgis" if in_database else "engine"), feedback.lines[:5]
    gridstats_s = time.perf_counter() - started
    RUN_IN_POSTGIS.set_value(True)
    peak = _peak_mb()
    del placed_layer
    return PathFigures(geolocate_s, gridstats_s, peak, placed, start_mb, job_s, geolocate_peak)


@pytest.fixture(scope="module")
def provider(qgis_processing):
    from qgis.core import QgsApplication

    from gridgov.layers.processing.provider import GridGovProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("gridgov") is None:
        registry.addProvider(GridGovProvider())
    yield


def test_bench_postgis(server, provider, tmp_path):
    rows = []
    connection = server.connect()
    for n in SIZES:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(ORDERS_SQL, {"n": n})
        load_s = time.perf_counter() - started
        db = _run_pair(server, True, tmp_path)
        assert db.placed["ROWS_IN"] == db.placed["ROWS_OUT"] == n
        pulled = _run_pair(server, False, tmp_path) if n <= PULL_MAX else None
        if pulled is not None:
            assert pulled.placed["ROWS_IN"] == pulled.placed["ROWS_OUT"] == n
        rows.append((n, load_s, db, pulled))
        job = f", of which the database job {db.job_s:.1f} s" if db.job_s is not None else ""
        print(
            f"\n{n:>11,} orders (loaded in {load_s:.0f} s), each figure one whole processing.run:"
            f"\n  in PostGIS: geolocate {db.geolocate_s:.1f} s{job} (result table with key, spatial index and "
            f"statistics; every rule: grids, micro-grids, dedicated grids, nearest grid); monthly counts "
            f"{db.gridstats_s:.1f} s; QGIS peak {db.peak_mb:.0f} MB from {db.start_mb:.0f} MB",
            flush=True,
        )
        if pulled is not None:
            where = "a GeoPackage" if PULL_TO == "gpkg" else "a PostGIS table by COPY"
            print(
                f"  pulled into the engine: geolocate {pulled.geolocate_s:.1f} s (orders and units read, every "
                f"rule, {n:,} rows written to {where} and counted there; QGIS peak "
                f"{pulled.geolocate_peak_mb:.0f} MB from {pulled.start_mb:.0f} MB); monthly counts on that "
                f"result {pulled.gridstats_s:.1f} s (peak over both {pulled.peak_mb:.0f} MB); ratio to in PostGIS "
                f"{(pulled.geolocate_s + pulled.gridstats_s) / (db.geolocate_s + db.gridstats_s):.2f}",
                flush=True,
            )
    connection.close()
    first = rows[0]
    for n, _, db, _ in rows[1:]:
        ratio = (db.geolocate_s + db.gridstats_s) / (first[2].geolocate_s + first[2].gridstats_s)
        print(f"in PostGIS: time × {ratio:.1f} for rows × {n / first[0]:.0f}")
