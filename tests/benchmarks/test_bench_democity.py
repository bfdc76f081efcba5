"""Benchmark: ``gridgov:democity`` at 1,000,000 orders, the whole ``processing.run`` as a user runs it.

No QGIS peer: QGIS has no algorithm that generates a city (the demo district is our own fixture). The
figure is the end-to-end run (GeoPackage and styled project out), broken down, measured inside that
same run: generating the city (``build_demo_city``), writing the GeoPackage (``write_demo_city``,
pyogrio), building the styled project (``build_demo_project``) and the rest (Processing). Then the I/O
floor: pyogrio (GDAL) writing the same tables to a fresh GeoPackage, with spatial indexes. Peak
memory (ru_maxrss) of the process is printed.

Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import resource
import time

import pyogrio

N_ORDERS = 1_000_000


def _timed(monkeypatch, owner, name: str, seconds: dict, keep: dict) -> None:
    """Replace ``owner.name`` for this test by a wrapper adding its wall time to ``seconds[name]``
    and keeping its result in ``keep[name]``."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            keep[name] = original(*args, **kwargs)
            return keep[name]
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started

    monkeypatch.setattr(owner, name, wrapper)


def test_bench_democity_one_million(tmp_path, gridgov_provider, monkeypatch):
    import processing

    from gridgov.grid_ops import democity
    from gridgov.layers.project import demo_project as project

    seconds, keep = {}, {}
    # the algorithm imports these from their modules when it runs: timed there, inside the one run
    for owner, name in ((democity, "build_demo_city"), (democity, "write_demo_city"), (project, "build_demo_project")):
        _timed(monkeypatch, owner, name, seconds, keep)
    started = time.perf_counter()
    result = processing.run(
        "gridgov:democity", {"SEED": 20251, "ORDERS": N_ORDERS, "OUTPUT": str(tmp_path / "city.gpkg")}
    )
    total = time.perf_counter() - started
    monkeypatch.undo()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    city = keep["build_demo_city"]
    names = [*democity.SPATIAL_LAYERS, *democity.TABLES]
    rows = sum(len(city.layers[name]) for name in names)
    started = time.perf_counter()
    for name in names:
        pyogrio.write_dataframe(city.layers[name], tmp_path / "floor.gpkg", layer=name, driver="GPKG")
    floor = time.perf_counter() - started

    counted = {name: pyogrio.read_info(result["OUTPUT"], layer=name)["features"] for name in names}  # as landed
    other = total - sum(seconds.values())
    print(
        f"\ndemo city, {N_ORDERS:,} orders ({len(names)} layers, {rows:,} rows in all), GeoPackage and styled "
        f"project out; no QGIS peer (QGIS has no algorithm that generates a city):"
        f"\n  gridgov:democity, whole processing.run: {total:.1f} s"
        f"\n  breakdown of that run: generating the city (engine, build_demo_city) {seconds['build_demo_city']:.1f} s, "
        f"writing the GeoPackage (write_demo_city, pyogrio) {seconds['write_demo_city']:.1f} s, "
        f"building the styled project {seconds['build_demo_project']:.1f} s, the rest (Processing) {other:.2f} s"
        f"\n  I/O floor: pyogrio (GDAL) writing the same {len(names)} tables to a fresh GeoPackage with spatial "
        f"indexes {floor:.1f} s (the algorithm's write is {seconds['write_demo_city'] / floor:.2f}x it)"
        f"\n  peak RSS of the process {peak:,.0f} MB"
    )
    assert all(counted[name] == len(city.layers[name]) for name in names)
    assert counted["orders"] == N_ORDERS
