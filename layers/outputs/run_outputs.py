"""Where results land, in one place for every algorithm.

- Rows are counted in the output itself (read back once, one ``featureCount()``), not as handed to
  the sink: a row the output refused is a failed run that names how many and the first reason.
- Input columns never collide with result columns: an input column whose name equals a result
  column (or ``geometry``, ``geom``, ``_fid``, ``fid``, ``level``, ``problem``), compared without regard to
  case as GeoPackage / SQLite compare them, is renamed ``<name>_src`` (then ``_src2``, ``_src3`` …).
- CSV cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
  return first) get a leading ``'`` (OWASP's rule); numbers stay numbers.
- A cancelled (or failed) run leaves nothing behind: files the plugin writes itself are written in a
  hidden folder beside their destination and moved there only when the run succeeds; sinks QGIS
  created are closed and removed. A sink that is a new layer in a file that existed before the run
  (``ogr:dbname='city.gpkg' table="placed"``) drops only that layer: a file is deleted only when the
  run created it (or replaced it whole, as QGIS does for a plain file destination).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingUtils,
    QgsVectorLayer,
)

from gridgov.layers.runtime.cancel import raise_cancelled
from gridgov.layers.runtime.translation import tr

#: The folder beside a destination where a run's files wait until it succeeds (``<prefix><pid>-…``):
#: the dock removes those of a child process it had to stop.
PARTIAL_PREFIX = ".gridgov-partial-"


# CSV ---------------------------------------------------------------------------------------------


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula, prefixed by ``'`` (the engine's rule)."""
    from gridgov.grid_ops.orders.dispatch_table import csv_safe as engine_csv_safe

    return engine_csv_safe(table)


# where rows land ---------------------------------------------------------------------------------


def _rows_in(dest_id: str, context) -> int:
    """The rows of the layer a destination id names (a temporary layer of the context, else the file or
    table), -1 when it cannot be read back.

    Only the count leaves this function: a layer opened here must not outlive it. Were it a local of
    a frame that raises (a shortfall does), the exception's traceback would keep the layer until
    Python exits, after QGIS has unloaded GDAL, and its destructor would crash the process there."""
    layer = QgsProcessingUtils.mapLayerFromString(dest_id, context, False)
    if isinstance(layer, QgsVectorLayer):
        return layer.featureCount()
    for provider in ("ogr", "postgres", "spatialite"):
        opened = QgsVectorLayer(dest_id, "written", provider)
        if opened.isValid():
            return opened.featureCount()
    return -1


def file_and_layer(destination) -> tuple[str, str | None]:
    """The file and the layer (None: the file is the layer) a destination or sink id names:
    ``ogr:dbname='a.gpkg' table="t" (geom)``, ``a.gpkg|layername=t`` or ``a.csv``."""
    text = str(destination or "")
    if text.lower().startswith("ogr:"):
        db = re.search(r"dbname='((?:[^']|'')*)'", text) or re.search(r'dbname="((?:[^"]|"")*)"', text)
        table = (
            re.search(r'table="((?:[^"]|"")*)"', text)
            or re.search(r"table='((?:[^']|'')*)'", text)
            or re.search(r"table=([^\s\"'()]+)", text)  # QGIS takes an unquoted name too
        )
        if db is None:
            db = re.search(r"dbname=([^\s\"']+)", text)
        path = db.group(1).replace("''", "'").replace('""', '"') if db else ""
        return path, (table.group(1).replace('""', '"').replace("''", "'") if table else None)
    path, _, rest = text.partition("|")
    layer = re.search(r"(?:^|\|)layername=([^|]*)", rest)
    return path, (layer.group(1) if layer else None)


def keeps_file(destination) -> bool:
    """Whether a cancelled or failed run must leave the file of ``destination`` in place: it is a
    folder, or a layer inside a file that exists now (before the sink is opened)."""
    path, layer = file_and_layer(destination)
    if not path or not os.path.exists(path):
        return False
    return os.path.isdir(path) or layer is not None


def layers_in(path: str) -> set[str] | None:
    """The names of the layers in the file ``path`` (None: not a file GDAL reads as vector data)."""
    from osgeo import gdal

    if not path or not os.path.isfile(path):
        return None
    try:
        dataset = gdal.OpenEx(str(path), gdal.OF_VECTOR)
    except Exception:  # GDAL with exceptions on
        return None
    if dataset is None:
        return None
    names = {dataset.GetLayerByIndex(i).GetName() for i in range(dataset.GetLayerCount())}
    dataset = None
    return names


def drop_layer(path: str, layer: str) -> bool:
    """Delete the layer ``layer`` from the file ``path`` (its other layers and the file stay)."""
    from osgeo import gdal

    try:
        dataset = gdal.OpenEx(str(path), gdal.OF_VECTOR | gdal.OF_UPDATE)
    except Exception:  # GDAL with exceptions on
        return False
    if dataset is None:
        return False
    try:
        for index in range(dataset.GetLayerCount()):
            if dataset.GetLayerByIndex(index).GetName().lower() == layer.lower():
                return dataset.DeleteLayer(index) == 0
        return False
    except Exception:  # a file GDAL cannot change
        return False
    finally:
        dataset = None


def _destination_of(alg, parameters, name: str, context) -> str:
    """The destination the user gave for the sink ``name`` (a file, an ``ogr:`` URI, ``memory:`` …)."""
    with contextlib.suppress(Exception):
        return str(alg.parameterAsOutputLayer(parameters, name, context) or "")
    return ""


class RowSink:
    """A Processing feature sink that knows how many rows it was handed, how many the output
    refused, and checks at :meth:`close` that every one of them landed.

    Two backends behind one interface: GeoPackage files and temporary outputs are written by GDAL in
    bulk (``gdal_sink``); every other destination through QGIS's feature sink. Both take the fields
    of :func:`sink_layout`, so the table is the same either way."""

    def __init__(self, alg, parameters, name: str, context, frame, crs, like=None, results=()) -> None:
        from gridgov.layers.outputs.gdal_sink import GdalTableSink, bulk_target
        from gridgov.layers.outputs.run_outputs import sink_layout

        # before anything is opened: a new layer in a file that exists keeps the file on discard
        keep = keeps_file(_destination_of(alg, parameters, name, context))
        fields, wkb_type = sink_layout(alg, name, frame, like, results)
        target = bulk_target(alg, parameters, name, context, fields)
        if target is not None:
            bulk = GdalTableSink(target, fields, wkb_type, crs)
            definition = alg.parameterDefinition(name)
            self.description = definition.description() if definition is not None else name
            self._setup(name, context, None, target.dest, fields, keep, bulk)
            return
        from gridgov.layers.io.postgis_copy import copy_sink

        bulk = copy_sink(alg, parameters, name, context, fields, wkb_type, crs)  # a PostGIS table: by COPY
        if bulk is not None:
            definition = alg.parameterDefinition(name)
            self.description = definition.description() if definition is not None else name
            self._setup(name, context, None, bulk.target.dest, fields, keep, bulk)
            return
        sink, dest = alg.parameterAsSink(parameters, name, context, fields, wkb_type, crs)
        if sink is None:
            raise QgsProcessingException(alg.invalidSinkError(parameters, name))
        self._setup(name, context, sink, dest, fields, keep)

    @classmethod
    def opened(cls, alg, parameters, name: str, context, fields, wkb_type, crs) -> RowSink:
        """A QGIS sink with ``fields`` as they are (a copy of a layer), for :meth:`add` / :meth:`addFeatures`."""
        keep = keeps_file(_destination_of(alg, parameters, name, context))
        sink, dest = alg.parameterAsSink(parameters, name, context, fields, wkb_type, crs)
        if sink is None:
            raise QgsProcessingException(alg.invalidSinkError(parameters, name))
        row_sink = cls.__new__(cls)
        row_sink._setup(name, context, sink, dest, fields, keep)
        return row_sink

    def _setup(self, name: str, context, sink, dest, fields, keep: bool, bulk=None) -> None:
        self.name = name
        self.context = context
        self.sink, self.dest, self.fields = sink, dest, fields
        self.bulk = bulk
        self.keeps_file = keep
        self.handed = 0
        self.errors: list[str] = []
        self.csv = str(self.dest).lower().split("|")[0].endswith(".csv")
        run = RunOutputs.current()
        self.guarded = run is not None
        if run is not None:
            run.track_sink(self)

    def add(self, features: list, flags=None) -> int:
        """Hand ``features`` (QgsFeatures) to the sink as they are; returns the number handed."""
        self.addFeatures(features, flags)
        self.handed += len(features)
        return len(features)

    def write(self, frame: pd.DataFrame, feedback=None) -> int:
        """Hand every row of ``frame`` to the sink; returns the number handed."""
        from gridgov.layers.outputs.gdal_sink import GdalTableSink
        from gridgov.layers.outputs.point_columns import materialised

        if not isinstance(self.bulk, GdalTableSink):  # only GDAL's writer takes points as two columns
            frame = materialised(frame)
        if self.bulk is not None:
            from gridgov.layers.io.convert import WRITE_PART

            # in parts: each is one GDAL call, between which a cancel is noticed and progress shown
            step = max(1, WRITE_PART * 5)
            for start in range(0, max(len(frame), 1), step):
                self.handed += self.bulk.write(frame.iloc[start : start + step])
                if feedback is not None:
                    if feedback.isCanceled():
                        break
                    feedback.setProgress(100.0 * min(len(frame), start + step) / max(1, len(frame)))
            return len(frame)
        from gridgov.layers.io import convert

        if self.csv:
            frame = csv_safe(frame)
        handed = convert.write_to_sink(frame, self, self.fields, feedback)
        self.handed += handed
        return handed

    # the QgsFeatureSink calls write_to_sink makes
    def addFeatures(self, features, flags=None) -> bool:  # noqa: N802
        if self.sink is None:
            raise QgsProcessingException(tr("{0}: features cannot be added to this output").format(self.name))
        done = self.sink.addFeatures(features) if flags is None else self.sink.addFeatures(features, flags)
        ok = done[0] if isinstance(done, tuple) else bool(done)
        if not ok and len(self.errors) < 5:
            error = self.sink.lastError() if hasattr(self.sink, "lastError") else ""
            self.errors.append(error or tr("the output refused a feature"))
        return ok

    def release(self) -> None:
        """Close the sink (the file is complete and readable afterwards)."""
        sink, self.sink = self.sink, None
        if sink is not None:
            with contextlib.suppress(Exception):
                sink.flushBuffer()
            from qgis.PyQt import sip

            with contextlib.suppress(Exception):
                sip.delete(sink)

    def committed(self) -> None:
        """The whole run succeeded: an output that waits for it takes its place."""
        if self.bulk is not None and hasattr(self.bulk, "committed"):
            self.bulk.committed()

    def discard(self) -> None:
        """Remove what this sink wrote (a cancelled or failed run)."""
        self.release()
        store = self.context.temporaryLayerStore() if self.context is not None else None
        if self.bulk is not None:
            if store is not None and store.mapLayer(self.dest) is not None:  # closed, then the run failed
                store.removeMapLayer(self.dest)
            self.bulk.discard(self.keeps_file)
            return
        if store is not None and store.mapLayer(self.dest) is not None:
            store.removeMapLayer(self.dest)
        else:
            _remove_output(self.dest, self.keeps_file)

    def close(self, expected: int | None = None) -> int:
        """Close the sink and count the rows in the output; fewer than ``expected`` (default: the rows
        handed) is a :class:`QgsProcessingException` naming the count and the first reason. Afterwards
        :attr:`dest` is the id the run returns (a temporary output's layer id)."""
        expected = self.handed if expected is None else expected
        if self.bulk is not None:
            from gridgov.layers.outputs.gdal_sink import as_temporary_layer, register_file

            landed = self.bulk.finish()
            target = self.bulk.target
            if not self.guarded:  # no run to wait for: an output that waits for it takes its place now
                self.committed()
            if hasattr(self.bulk, "publish"):  # a PostGIS table: loaded as a layer of the run
                self.dest = self.bulk.publish(self.context, self.description)
            elif target.temporary:
                self.dest = as_temporary_layer(target, self.context, self.description)
            else:
                register_file(target, self.context)
        else:
            self.release()
            landed = _rows_in(self.dest, self.context)
            if landed < 0:  # an output that cannot be read back: what the sink said
                landed = expected if not self.errors else -1
        if landed != expected:
            reason = self.errors[0] if self.errors else tr("the output holds {0} rows").format(max(landed, 0))
            raise QgsProcessingException(
                tr("{0}: {1} of {2} rows did not reach the output (first reason: {3})").format(
                    self.name, expected - max(landed, 0), expected, reason
                )
            )
        return landed


def write_rows(alg, parameters, name: str, context, frame, crs, feedback=None, like=None, results=()) -> tuple:
    """Create the sink ``name`` for ``frame``, write every row and check they all landed:
    (destination id, rows in the output)."""
    sink = RowSink(alg, parameters, name, context, frame, crs, like, results)
    sink.write(frame, feedback)
    if feedback is not None and feedback.isCanceled():
        raise_cancelled()
    landed = sink.close(len(frame))
    return sink.dest, landed


# cancel means nothing written -----------------------------------------------------------------------


def _remove_output(dest: str, keep_file: bool = False) -> None:
    """Remove a file output QGIS wrote (a GeoPackage with its journal, a shapefile with its parts);
    with ``keep_file`` (a layer in a file that existed before the run) only that layer."""
    path, layer = file_and_layer(dest)
    if not path or not os.path.isabs(path) or os.path.isdir(path):
        return
    if keep_file:
        if layer is not None:
            drop_layer(path, layer)
        return
    target = Path(path)
    siblings = [target, Path(path + "-wal"), Path(path + "-shm"), Path(path + "-journal")]
    siblings += list(target.parent.glob(glob.escape(target.name) + ".tmp_rtree_*"))  # GDAL >= 3.7's spatial index
    if target.suffix.lower() == ".shp":
        siblings += [target.with_suffix(s) for s in (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")]
    for item in siblings:
        with contextlib.suppress(OSError):
            item.unlink()


class RunOutputs:
    """What one algorithm run writes; on success the staged files move to their places, on cancel
    or failure everything the run wrote is removed."""

    _local = threading.local()

    def __init__(self, context, feedback) -> None:
        self.context = context
        self.feedback = feedback
        self.sinks: list[RowSink] = []
        self.staging: list[tuple[Path, Path]] = []  # (hidden folder, destination folder)

    @classmethod
    def current(cls) -> RunOutputs | None:
        return getattr(cls._local, "run", None)

    def track_sink(self, sink: RowSink) -> None:
        self.sinks.append(sink)

    def staged_folder(self, folder: str | Path) -> Path:
        """A hidden folder beside ``folder`` whose files move into ``folder`` when the run succeeds."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        hidden = folder / f"{PARTIAL_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        hidden.mkdir()
        self.staging.append((hidden, folder))
        return hidden

    def commit(self) -> None:
        for sink in self.sinks:  # outputs that wait for the run's success (a PostGIS table swapped in)
            sink.committed()
        for hidden, folder in self.staging:
            for item in sorted(hidden.iterdir()):
                os.replace(item, folder / item.name)
            shutil.rmtree(hidden, ignore_errors=True)
        self.staging = []

    def discard(self) -> None:
        for hidden, _ in self.staging:
            shutil.rmtree(hidden, ignore_errors=True)
        self.staging = []
        for sink in self.sinks:
            sink.discard()
        self.sinks = []

    @classmethod
    @contextlib.contextmanager
    def guard(cls, context, feedback):
        """Run the body as one run: the outermost guard of a thread commits or discards."""
        if cls.current() is not None:
            yield cls.current()
            return
        run = cls(context, feedback)
        cls._local.run = run
        try:
            try:
                yield run
            except BaseException:
                run.discard()
                if feedback is not None and feedback.isCanceled():
                    raise QgsProcessingException(tr("Cancelled: nothing was written")) from None
                raise
            if feedback is not None and feedback.isCanceled():
                run.discard()
                raise_cancelled()
            try:
                run.commit()
            except BaseException:  # a destination that cannot be replaced (open elsewhere on Windows)
                run.discard()
                raise
        finally:
            cls._local.run = None


def staged_path(path: str | Path) -> Path:
    """Where to write the file ``path`` in this run: a staged place beside it when a run is guarded
    (moved to ``path`` when the run succeeds), else ``path`` itself."""
    path = Path(path)
    run = RunOutputs.current()
    if run is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    return run.staged_folder(path.parent) / path.name


def final_paths(written: Iterable[str | Path], staged: Path, final: Path) -> list[Path]:
    """The final places of files written next to ``staged`` (which stands for ``final``)."""
    return [final.parent / Path(p).name if Path(p).parent == staged.parent else Path(p) for p in written]


def remove_partial(paths: Iterable[str], pid: int) -> None:
    """Remove what a stopped child process ``pid`` left beside ``paths``: its staged folders and the
    outputs themselves (the dock passes only outputs the run created: files that did not exist
    before, never a folder's own files; a new layer in an existing file it drops with
    :func:`drop_layer`)."""
    for path in paths:
        if not path:
            continue
        _remove_output(path)
        path = file_and_layer(path)[0]
        parent = Path(str(path)).parent
        if parent.is_dir():
            for hidden in parent.glob(f"{PARTIAL_PREFIX}{pid}-*"):
                shutil.rmtree(hidden, ignore_errors=True)
            for hidden in Path(str(path)).glob(f"{PARTIAL_PREFIX}{pid}-*") if Path(str(path)).is_dir() else []:
                shutil.rmtree(hidden, ignore_errors=True)


def write_sheets_output(alg, parameters, name: str, context, sheets, said: str, feedback) -> dict:
    """Write ``sheets`` ((name, table, CSV suffix)) to the file destination ``name`` when one is given;
    ``said`` is the log line ({0}: the files). The result entry for it, or nothing."""
    path = alg.parameterAsFileOutput(parameters, name, context)
    if not path:
        return {}
    from gridgov.grid_ops.orders.dispatch_table import write_sheets

    written = write_sheets(path, sheets)
    feedback.pushInfo(said.format(", ".join(map(str, written))))
    return {name: path}


def write_frame(
    alg: QgsProcessingAlgorithm, parameters, name: str, context, frame, crs, feedback=None, like=None, results=()
) -> str:
    """Create the sink ``name`` for ``frame`` (fields from its dtypes), write every row and check that
    every row reached the output (``outputs.write_rows``)."""
    from gridgov.layers.outputs.run_outputs import write_rows

    dest_id, _ = write_rows(alg, parameters, name, context, frame, crs, feedback, like, results)
    return dest_id


def sink_layout(alg: QgsProcessingAlgorithm, name: str, frame, like=None, results=()) -> tuple:
    """The fields and geometry type of the sink ``name`` for ``frame`` (``like``: source fields whose
    types to keep, except for the ``results`` columns): one decision for both sink backends."""
    from qgis.core import QgsWkbTypes

    from gridgov.layers.io.convert import fields_for, wkb_type_of
    from gridgov.layers.outputs.point_columns import point_columns

    fields = fields_for(frame, like=like, results=results)
    wkb_type = QgsWkbTypes.Type.Point if point_columns(frame) else wkb_type_of(frame)
    if wkb_type == QgsWkbTypes.Type.NoGeometry and isinstance(frame, gpd.GeoDataFrame):
        # no rows to tell the geometry (no grid errors, no hot area): the sink's declared type, so the
        # empty layer still takes its polygon or point style
        declared = {0: QgsWkbTypes.Type.Point, 1: QgsWkbTypes.Type.MultiLineString, 2: QgsWkbTypes.Type.MultiPolygon}
        definition = alg.parameterDefinition(name)
        wkb_type = declared.get(int(definition.dataType()), wkb_type) if hasattr(definition, "dataType") else wkb_type
    return fields, wkb_type


def open_sink(alg: QgsProcessingAlgorithm, parameters, name: str, context, frame, crs, like=None, results=()):
    """QGIS's sink ``name`` with the fields of :func:`sink_layout`; returns (sink, destination id,
    fields). Algorithms write rows through ``outputs.RowSink``, which counts what lands."""
    fields, wkb_type = sink_layout(alg, name, frame, like, results)
    sink, dest_id = alg.parameterAsSink(parameters, name, context, fields, wkb_type, crs)
    if sink is None:
        raise QgsProcessingException(alg.invalidSinkError(parameters, name))
    return sink, dest_id, fields


def table_if_asked(alg: QgsProcessingAlgorithm, parameters: dict, name: str, context, frame, feedback) -> dict:
    """The optional table ``name`` (a sink declared with ``create_by_default=False``, no geometry)
    written when the run is asked for it: {name: its destination}, else nothing. ``frame`` is the
    table, or a function making it (called only when the table is asked for)."""
    if parameters.get(name) is None:
        return {}
    table = frame() if callable(frame) else frame
    return {name: write_frame(alg, parameters, name, context, table, QgsCoordinateReferenceSystem(), feedback)}
