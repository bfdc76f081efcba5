"""Cancel means nothing written: a run cancelled on purpose part-way leaves no output file or table
(or the previous one as it was) and ends as cancelled, in QGIS and in the dock's child process."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import processing
import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingFeedback, QgsProject, QgsVectorLayer


def _layer(gpkg: Path, name: str) -> str:
    return f"{gpkg}|layername={name}"


class CancelAfter(QgsProcessingFeedback):
    """Cancels itself at its ``n``-th progress report, as a user pressing Cancel mid-run."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n, self.calls = n, 0

    def setProgress(self, progress: float) -> None:  # noqa: N802
        super().setProgress(progress)
        self.calls += 1
        if self.calls >= self.n:
            self.cancel()


def _cancelled(algorithm: str, parameters: dict, n: int) -> CancelAfter:
    feedback = CancelAfter(n)
    with pytest.raises(QgsProcessingException) as raised:
        processing.run(algorithm, parameters, feedback=feedback)
    assert feedback.isCanceled()
    assert "ancel" in str(raised.value), str(raised.value)
    return feedback


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_convertcoords_cancelled_writes_nothing(tmp_path, gridgov_provider, monkeypatch):
    from gridgov.layers.io import convert

    monkeypatch.setattr(convert, "WRITE_PART", 5)
    path = tmp_path / "in" / "points.csv"
    path.parent.mkdir()
    pd.DataFrame({"lng": [113.9 + i / 1000 for i in range(50)], "lat": [22.5] * 50}).to_csv(path, index=False)
    out = tmp_path / "out"
    out.mkdir()
    parameters = {"INPUT_FILE": str(path), "FROM": "wgs84", "TO": "gcj02", "OUTPUT": str(out / "c.gpkg")}
    _cancelled("gridgov:convertcoords", parameters, 2)
    assert _files(out) == []
    assert QgsVectorLayer(processing.run("gridgov:convertcoords", parameters)["OUTPUT"]).featureCount() == 50


def test_findrepeats_cancelled_writes_nothing(demo_city_gpkg, tmp_path, gridgov_provider, monkeypatch):
    from gridgov.layers.io import convert

    monkeypatch.setattr(convert, "WRITE_PART", 50)
    parameters = {
        "INPUT": _layer(demo_city_gpkg, "truth_orders"),
        "CATEGORY_FIELD": "class_code",
        "TIME_FIELD": "true_time",
        "GRID_FIELD": "",
        "OUTPUT": str(tmp_path / "cases.gpkg"),
    }
    _cancelled("gridgov:findrepeats", parameters, 2)
    assert _files(tmp_path) == []


def test_heatmap_series_cancelled_keeps_the_previous_series(demo_city_gpkg, tmp_path, gridgov_provider):
    folder = tmp_path / "series"
    folder.mkdir()
    (folder / "heatmap_2025-01.tif").write_bytes(b"previous")
    (tmp_path / "h.tif").write_bytes(b"previous")
    parameters = {
        "INPUT": _layer(demo_city_gpkg, "truth_orders"),
        "TIME_FIELD": "true_time",
        "RADIUS": 300,
        "PIXEL_SIZE": 50,
        "SERIES": 1,
        "OUTPUT": str(tmp_path / "h.tif"),
        "OUTPUT_FOLDER": str(folder),
    }
    _cancelled("gridgov:heatmap", parameters, 3)  # the overall raster and one month are written by then
    assert _files(folder) == ["heatmap_2025-01.tif"] and (folder / "heatmap_2025-01.tif").read_bytes() == b"previous"
    assert (tmp_path / "h.tif").read_bytes() == b"previous"
    # and not cancelled: the whole series lands
    result = processing.run("gridgov:heatmap", parameters)
    assert len(result["SERIES_LAYERS"]) > 3 and all(Path(p).stat().st_size > 1000 for p in result["SERIES_LAYERS"])
    assert not [p for p in _files(tmp_path) if "partial" in p]


def _geolocate_parameters(gpkg: Path, out: Path) -> dict:
    return {
        "INPUT": _layer(gpkg, "orders"),
        "X_FIELD": "x",
        "Y_FIELD": "y",
        "COORD_SYS_FIELD": "coord_sys",
        "CATEGORY_FIELD": "class_code",
        "GRIDS": _layer(gpkg, "grids"),
        "OUTPUT": str(out / "placed.gpkg"),
        "DISPATCH": str(out / "dispatch.csv"),
    }


def test_geolocate_in_parts_cancelled_writes_nothing(demo_city_gpkg, tmp_path, gridgov_provider, monkeypatch):
    """Cancelled after some parts of the orders were placed and written (as 250,000-row parts are)."""
    from gridgov.layers.io import convert
    from gridgov.layers.processing.orders import geolocate_alg

    monkeypatch.setattr(geolocate_alg, "ORDERS_PART", 50)
    monkeypatch.setattr(convert, "READ_PART", 50)
    _cancelled("gridgov:geolocate", _geolocate_parameters(demo_city_gpkg, tmp_path), 4)
    assert _files(tmp_path) == []


@pytest.fixture(scope="module")
def big_orders(demo_city_gpkg, tmp_path_factory) -> Path:
    """The demo city's grids and 260,000 orders (its 500 repeated): more than one 250,000-row part."""
    import geopandas as gpd
    import pyogrio

    path = tmp_path_factory.mktemp("big") / "big.gpkg"
    grids = gpd.read_file(demo_city_gpkg, layer="grids")
    pyogrio.write_dataframe(grids, path, layer="grids")
    orders = pyogrio.read_dataframe(demo_city_gpkg, layer="orders", read_geometry=False)
    many = pd.concat([orders] * 520, ignore_index=True)
    pyogrio.write_dataframe(many, path, layer="orders", append=True)
    return path


def test_dock_child_stopped_leaves_nothing(big_orders, tmp_path, gridgov_provider):
    """The dock's child process is cancelled and then killed mid-write: its partial outputs go."""
    from gridgov.ui.process_runner import ProcessRunner

    project = QgsProject.instance()
    runner = ProcessRunner("gridgov:geolocate", _geolocate_parameters(big_orders, tmp_path), project)
    done, progress = [], []
    runner.finished.connect(lambda ok, results: done.append(ok))
    runner.progressChanged.connect(progress.append)
    runner.start()
    deadline = time.monotonic() + 180
    while not done and time.monotonic() < deadline and not (progress and max(progress) > 30):
        QgsApplication.processEvents()
        time.sleep(0.02)
    assert progress and max(progress) > 30, "the child never got far enough"
    runner.cancel()
    runner.process.kill()  # stopped hard: the child has no time to clean up after itself
    while not done and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.02)
    assert done == [False]
    assert _files(tmp_path) == []


# a new layer in the GeoPackage that holds the input: a cancelled or failed run drops only that layer


def _into_input_geopackage(demo_city_gpkg: Path, tmp_path: Path) -> tuple[Path, dict, dict]:
    import shutil

    gpkg = tmp_path / "city.gpkg"
    shutil.copy(demo_city_gpkg, gpkg)
    parameters = _geolocate_parameters(gpkg, tmp_path)
    parameters["OUTPUT"] = f"ogr:dbname='{gpkg}' table=\"placed\" (geom)"
    del parameters["DISPATCH"]
    counts = {name: QgsVectorLayer(_layer(gpkg, name)).featureCount() for name in ("orders", "grids")}
    assert min(counts.values()) > 0
    return gpkg, parameters, counts


def _input_geopackage_intact(gpkg: Path, counts: dict) -> None:
    from gridgov.layers.outputs.run_outputs import layers_in

    assert gpkg.exists(), "the GeoPackage holding the run's input was deleted"
    assert {name: QgsVectorLayer(_layer(gpkg, name)).featureCount() for name in counts} == counts
    assert "placed" not in layers_in(str(gpkg))


def test_new_layer_in_the_input_geopackage_cancelled_keeps_the_geopackage(
    demo_city_gpkg, tmp_path, gridgov_provider, monkeypatch
):
    from gridgov.layers.io import convert
    from gridgov.layers.processing.orders import geolocate_alg

    monkeypatch.setattr(geolocate_alg, "ORDERS_PART", 50)
    monkeypatch.setattr(convert, "READ_PART", 50)
    gpkg, parameters, counts = _into_input_geopackage(demo_city_gpkg, tmp_path)
    _cancelled("gridgov:geolocate", parameters, 4)
    _input_geopackage_intact(gpkg, counts)
    assert _files(tmp_path) == ["city.gpkg"]


def test_new_layer_in_the_input_geopackage_failed_keeps_the_geopackage(
    demo_city_gpkg, tmp_path, gridgov_provider, monkeypatch
):
    """Not cancelled: the row-count check fails after every row was written (one row "missing")."""
    from gridgov.layers.outputs import run_outputs as outputs

    gpkg, parameters, counts = _into_input_geopackage(demo_city_gpkg, tmp_path)
    real_close = outputs.RowSink.close

    def one_row_short(self, expected=None):
        return real_close(self, (self.handed if expected is None else expected) + 1)

    monkeypatch.setattr(outputs.RowSink, "close", one_row_short)
    with pytest.raises(QgsProcessingException, match="did not reach the output"):
        processing.run("gridgov:geolocate", parameters)
    _input_geopackage_intact(gpkg, counts)
    # nothing else beside it (SQLite's -wal / -shm are there while QGIS still holds the file open)
    assert [f for f in _files(tmp_path) if not f.endswith(("-wal", "-shm"))] == ["city.gpkg"]
    # and when it succeeds, the layer is added beside the input
    monkeypatch.setattr(outputs.RowSink, "close", real_close)
    processing.run("gridgov:geolocate", parameters)
    assert QgsVectorLayer(_layer(gpkg, "placed")).featureCount() == counts["orders"]
    assert QgsVectorLayer(_layer(gpkg, "orders")).featureCount() == counts["orders"]


def test_dock_child_stopped_drops_only_its_new_layer(demo_city_gpkg, tmp_path, gridgov_provider):
    """The dock's cleanup after a stopped child: the new layer goes, the file and its layers stay."""
    from types import SimpleNamespace

    from osgeo import gdal

    from gridgov.ui.process_runner import ProcessRunner, _layers_before

    gpkg, parameters, counts = _into_input_geopackage(demo_city_gpkg, tmp_path)
    outputs = [parameters["OUTPUT"]]
    before = {o: _layers_before(o) for o in outputs}
    # what the child wrote before it was stopped: a new layer in the input's GeoPackage
    dataset = gdal.OpenEx(str(gpkg), gdal.OF_VECTOR | gdal.OF_UPDATE)
    dataset.CreateLayer("placed")
    dataset = None
    runner = SimpleNamespace(pid=12345, _outputs=outputs, _before=before, _began=time.time() - 1)
    ProcessRunner._remove_partial(runner)
    _input_geopackage_intact(gpkg, counts)


def test_dock_folder_destination_keeps_the_users_files(tmp_path):
    """A folder destination: only the stopped child's staged folders in it go, never a user's file
    (one named ``none`` included, with its -wal / -shm / -journal siblings)."""
    from types import SimpleNamespace

    from gridgov.layers.outputs.run_outputs import PARTIAL_PREFIX
    from gridgov.ui.process_runner import ProcessRunner

    folder = tmp_path / "series"
    folder.mkdir()
    mine = ["none", "none-wal", "none-shm", "none-journal", "heatmap_2025-01.tif"]
    for name in mine:
        (folder / name).write_bytes(b"the user's")
    staged = folder / f"{PARTIAL_PREFIX}12345-abcdef12"
    staged.mkdir()
    (staged / "heatmap_2025-02.tif").write_bytes(b"partial")
    runner = SimpleNamespace(pid=12345, _outputs=[str(folder)], _before={str(folder): set()}, _began=time.time() - 1)
    ProcessRunner._remove_partial(runner)
    assert _files(folder) == sorted(mine)


def test_splitmicrogrids_cancelled_before_its_first_grid_ends_as_cancelled(tmp_path, gridgov_provider, demo_city_gpkg):
    """Cancelled at its first progress report, before a single grid was split: it ended with the
    engine's 'Unknown column geometry' (the empty result had no geometry column), not as cancelled."""
    out = tmp_path / "out"
    out.mkdir()
    parameters = {
        "INPUT": _layer(demo_city_gpkg, "grids"),
        "CODE_FIELD": "grid_code",
        "HOUSEHOLDS": _layer(demo_city_gpkg, "buildings"),
        "WEIGHT_FIELD": "households",
        "TARGET": 96,
        "OUTPUT": str(out / "micro.gpkg"),
    }
    _cancelled("gridgov:splitmicrogrids", parameters, 1)
    assert _files(out) == []
