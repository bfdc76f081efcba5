"""Benchmark: demo-city generation and writing at 1,000,000 orders (no peer: this is our own fixture)."""

from __future__ import annotations

import resource
import time

from gridgov.grid_ops.democity import build_demo_city, write_demo_city


def test_bench_democity_one_million(tmp_path):
    started = time.perf_counter()
    city = build_demo_city(n_orders=1_000_000)
    built = time.perf_counter() - started
    started = time.perf_counter()
    write_demo_city(city, tmp_path / "city.gpkg")
    written = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\ndemo city, 1,000,000 orders: build {built:.1f} s, write {written:.1f} s, peak RSS {peak:.0f} MB")
