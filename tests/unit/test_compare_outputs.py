"""scripts/compare_outputs.py (``make demo-compare``): one changed cell, one extra column, one
missing file each make the comparison fail and say where; identical folders pass."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "compare_outputs.py"


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("compare_outputs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _outputs(folder: Path, code: str = "440303001", extra: bool = False) -> Path:
    folder.mkdir()
    frame = gpd.GeoDataFrame(
        {"grid_code": ["440303002", code], "n": [1, 2]}, geometry=[Point(0, 0), Point(1, 1)], crs="EPSG:4547"
    )
    if extra:
        frame["overlap"] = ["", "440303001;440303003"]
    frame.to_file(folder / "placed.gpkg", driver="GPKG")
    (folder / "counts.csv").write_text("grid_code,n\n440303002,1\n" + code + ",2\n", encoding="utf-8")
    return folder


def test_identical_folders_pass(compare, tmp_path, capsys):
    assert compare.main([str(_outputs(tmp_path / "a")), str(_outputs(tmp_path / "b"))]) == 0


def test_one_changed_cell_fails_and_is_named(compare, tmp_path, capsys):
    status = compare.main([str(_outputs(tmp_path / "a")), str(_outputs(tmp_path / "b", code="440303009"))])
    shown = capsys.readouterr().out
    assert status == 1 and "440303009" in shown and "placed.gpkg" in shown and "counts.csv" in shown


def test_an_added_column_fails_unless_ignored(compare, tmp_path, capsys):
    before, after = _outputs(tmp_path / "a"), _outputs(tmp_path / "b", extra=True)
    assert compare.main([str(before), str(after)]) == 1
    assert "overlap" in capsys.readouterr().out
    assert compare.main([str(before), str(after), "--ignore-column", "overlap"]) == 0


def test_a_file_on_one_side_only_fails(compare, tmp_path, capsys):
    before, after = _outputs(tmp_path / "a"), _outputs(tmp_path / "b")
    (after / "counts.csv").unlink()
    assert compare.main([str(before), str(after)]) == 1
    assert "counts.csv" in capsys.readouterr().out
