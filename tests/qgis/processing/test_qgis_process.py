"""``qgis_process`` (QGIS's command-line runner) sees the gridgov provider via hasProcessingProvider=yes."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# Debian's qgis_process wrapper injects --noversioncheck, which the binary rejects: call the binary.
BINARY = shutil.which("qgis_process.bin") or shutil.which("qgis_process")


def _environment(tmp_path: Path) -> dict[str, str]:
    """A throw-away QGIS profile with the plugin enabled, and the .venv's packages on the path."""
    profile = tmp_path / "profiles" / "default" / "QGIS"
    profile.mkdir(parents=True)
    (profile / "QGIS3.ini").write_text("[PythonPlugins]\ngridgov=true\n", encoding="utf-8")
    env = dict(os.environ)
    env.update(
        {
            "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path),
            "QGIS_PLUGINPATH": str(ROOT / ".build" / "pkg"),
            "PYTHONPATH": os.pathsep.join(site.getsitepackages()),
            "QT_QPA_PLATFORM": "offscreen",
        }
    )
    return env


def _binary() -> str:
    if BINARY is None:
        pytest.fail("qgis_process is not installed (make system installs it)")
    return BINARY


def test_qgis_process_lists_the_algorithms(tmp_path):
    result = subprocess.run(
        [_binary(), "list"], capture_output=True, text=True, env=_environment(tmp_path), timeout=300
    )
    assert "gridgov:democity" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]


def test_qgis_process_runs_the_demo_city_and_exits_cleanly(tmp_path):
    """The run writes its outputs and the process exits 0 (no crash at exit from clashing native libraries)."""
    out = tmp_path / "city.gpkg"
    result = subprocess.run(
        [_binary(), "run", "gridgov:democity", "--", "SEED=3", "ORDERS=1500", f"OUTPUT={out}"],
        capture_output=True,
        text=True,
        env=_environment(tmp_path),
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert out.stat().st_size > 100_000
    assert out.with_suffix(".qgz").exists()


def test_qgis_process_counts_a_quarter_million_orders_with_the_compiled_kernels(tmp_path):
    """Inside the QGIS binary, 250,000 orders (above RASTER_MIN_POINTS: numba's kernels, whose LLVM
    must live beside QGIS's libraries) are counted per grid exactly, and the process exits 0. The
    orders have no class or time field: every one of them counts."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from gridgov.grid_ops.responsibility import geolocate

    assert geolocate.RASTER_MIN_POINTS <= 250_000
    corners = np.array([(x, y) for x in range(0, 2000, 100) for y in range(0, 2000, 100)], dtype=float)
    cells = shapely.box(corners[:, 0], corners[:, 1], corners[:, 0] + 100, corners[:, 1] + 100)
    grids = gpd.GeoDataFrame({"grid_code": [f"G{i:03d}" for i in range(len(cells))]}, geometry=cells, crs="EPSG:4547")
    xy = np.random.default_rng(0).uniform(0.5, 1999.5, (250_000, 2)) + 0.123  # never on an edge
    orders = gpd.GeoDataFrame({"n": np.arange(len(xy))}, geometry=shapely.points(xy), crs="EPSG:4547")
    grids.to_file(tmp_path / "grids.gpkg", driver="GPKG")
    orders.to_file(tmp_path / "orders.gpkg", driver="GPKG")
    out = tmp_path / "stats.gpkg"
    result = subprocess.run(
        [
            _binary(),
            "run",
            "gridgov:gridstats",
            "--",
            f"INPUT={tmp_path / 'orders.gpkg'}",
            f"GRIDS={tmp_path / 'grids.gpkg'}",
            f"OUTPUT={out}",
        ],
        capture_output=True,
        text=True,
        env=_environment(tmp_path),
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Point look-up: compiled (numba)" in result.stdout + result.stderr
    counts = gpd.read_file(out).set_index("grid_code")["cnt_total"]
    cell = (xy // 100).astype(int)
    expected = np.bincount(cell[:, 0] * 20 + cell[:, 1], minlength=400)
    assert counts.sum() == len(xy)
    assert counts.to_numpy().tolist() == expected.tolist()
