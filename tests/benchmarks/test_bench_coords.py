"""Benchmark: vectorised GCJ-02/BD-09 conversion against prcoords (the reference implementation), one run.

Run with ``make bench``; prints the ratio. Not part of ``make test``.
"""

from __future__ import annotations

import time

import numpy as np
import prcoords

from gridgov.grid_ops import coords

N = 1_000_000
N_PEER = 100_000  # prcoords converts one point per call; timed on a subset and scaled


def test_bench_wgs84_to_gcj02_and_bd09():
    rng = np.random.default_rng(0)
    lon = rng.uniform(113.8, 114.3, N)
    lat = rng.uniform(22.4, 22.8, N)
    started = time.perf_counter()
    g_lon, g_lat = coords.wgs84_to_gcj02(lon, lat)
    gcj_only = time.perf_counter() - started
    coords.gcj02_to_bd09(g_lon, g_lat)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(N_PEER):
        prcoords.gcj_bd(prcoords.wgs_gcj((lat[i], lon[i])))
    peer = (time.perf_counter() - started) * N / N_PEER
    print(
        f"\nWGS84→GCJ-02→BD-09, {N:,} points: gridgov {ours:.3f} s, prcoords {peer:.1f} s "
        f"(scaled from {N_PEER:,}); ratio {peer / ours:.0f}x; WGS84→GCJ-02 alone {gcj_only:.3f} s"
    )
    assert ours < 1.0


def test_bench_gcj02_inverse():
    rng = np.random.default_rng(1)
    lon = rng.uniform(113.8, 114.3, N)
    lat = rng.uniform(22.4, 22.8, N)
    started = time.perf_counter()
    coords.gcj02_to_wgs84(lon, lat)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(N_PEER // 10):
        prcoords.gcj_wgs_bored((lat[i], lon[i]))
    peer = (time.perf_counter() - started) * N / (N_PEER // 10)
    print(f"\nGCJ-02→WGS84 exact, {N:,} points: gridgov {ours:.3f} s, prcoords {peer:.1f} s; ratio {peer / ours:.0f}x")
