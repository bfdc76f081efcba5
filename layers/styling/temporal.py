"""Temporal properties, so QGIS's temporal controller can play orders and heatmaps month by month.

Orders are events: each shows in the frame that holds its report time. A monthly heatmap covers
its month. The project's time range spans them, with a one-month step.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
from qgis.core import (
    Qgis,
    QgsDateTimeRange,
    QgsExpression,
    QgsFeatureRequest,
    QgsMapLayer,
    QgsProject,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsTask,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
)
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime, QVariant

from gridgov.layers.io.convert import is_time_field
from gridgov.layers.runtime.pyproj_context import keep_pyproj_context

_MONTH = re.compile(r"(\d{4})-(\d{2})(?!\d)")


def month_range(text: str) -> QgsDateTimeRange | None:
    """[first day of the month, first day of the next) for the first ``YYYY-MM`` in ``text``."""
    match = _MONTH.search(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    start = dt.datetime(year, month, 1)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1)
    return QgsDateTimeRange(_qt(start), _qt(end), True, False)


def _qt(value: dt.datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day), QTime(0, 0))


def set_month(layer: QgsRasterLayer, month: str) -> bool:
    """Show a raster only in its month's frames (``month`` holds ``YYYY-MM``, e.g. a file name)."""
    span = month_range(month)
    if span is None:
        return False
    properties = layer.temporalProperties()
    properties.setMode(Qgis.RasterTemporalMode.FixedTemporalRange)
    properties.setFixedTemporalRange(span)
    properties.setIsActive(True)
    return True


#: Text fields that usually hold an order's report time (ISO text in GeoPackages and CSVs).
TIME_NAMES = (
    "reported_at",
    "report_time",
    "created_at",
    "true_time",
    "time",
    "datetime",
    "date",
    "上报时间",
    "受理时间",
)


def _text_values(layer: QgsVectorLayer, name: str, limit: int | None = None) -> list[str]:
    request = QgsFeatureRequest().setSubsetOfAttributes([name], layer.fields())
    request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    if limit:
        request.setLimit(limit)
    values = (f[name] for f in layer.getFeatures(request))
    return [str(v) for v in values if v is not None and not (isinstance(v, QVariant) and v.isNull()) and str(v) != ""]


def time_field(layer: QgsVectorLayer) -> str | None:
    """When each order was reported: the first date-time field, else a text field named like one
    (``reported_at``, ``true_time`` ...) whose values read as date-times (mixed formats allowed)."""
    from gridgov.grid_ops.orders.repeats import parse_times

    for field in layer.fields():
        if is_time_field(field):
            return field.name()
    names = {f.name().lower(): f.name() for f in layer.fields()}
    for wanted in TIME_NAMES:
        name = names.get(wanted)
        if name is None:
            continue
        values = _text_values(layer, name, limit=50)
        if values and (~np.isnat(parse_times(values)[0])).mean() >= 0.8:
            return name
    return None


def time_expression(field: str) -> str:
    """The report time of a text field as QGIS reads it, for the formats 12345 exports mix: ISO with
    ``T`` or a space (an offset is dropped: the clock time as written), ``2025/1/5 8:00``, a date."""
    f = QgsExpression.quotedColumnRef(field)
    return (
        f"coalesce(try(to_datetime(left(replace({f}, 'T', ' '), 19), 'yyyy-MM-dd HH:mm:ss')), "
        f"try(to_datetime({f}, 'yyyy/M/d H:mm')), try(to_datetime({f}, 'yyyy/M/d H:mm:ss')), "
        f"try(to_datetime(left({f}, 10), 'yyyy-MM-dd')))"
    )


def set_event_time(layer: QgsVectorLayer, field: str | None = None) -> bool:
    """Each feature shows in the frames holding its time (``field``, else the one :func:`time_field` finds).

    A date-time field is used as it is; text goes through :func:`time_expression`.
    """
    field = field or time_field(layer)
    index = layer.fields().indexOf(field) if field else -1
    if index < 0:
        return False
    properties = layer.temporalProperties()
    if is_time_field(layer.fields().at(index)):
        properties.setMode(Qgis.VectorTemporalMode.FeatureDateTimeInstantFromField)
        properties.setStartField(field)
        properties.setFixedDuration(0)
    else:
        properties.setMode(Qgis.VectorTemporalMode.FeatureDateTimeStartAndEndFromExpressions)
        properties.setStartExpression(time_expression(field))
        # QGIS shows a feature when its end is after the frame's start: a second's duration keeps an
        # order reported at midnight on the 1st in its own month (and out of the month before)
        properties.setEndExpression(f"({time_expression(field)}) + make_interval(seconds:=1)")
    properties.setIsActive(True)
    return True


#: Report times parsed per batch: the parse holds Python's lock, and a long hold would stall the
#: QGIS window while :class:`TimeSpanTask` runs in the background.
PARSE_BATCH = 20_000


def _batch_span(values: list[str], span: list) -> None:
    """Widen ``span`` ([earliest, latest] datetime64 or None) by the report times in ``values``."""
    from gridgov.grid_ops.orders.repeats import parse_times

    times = parse_times(values)[0]
    times = times[~np.isnat(times)]
    if len(times):
        low, high = times.min(), times.max()
        span[0] = low if span[0] is None else min(span[0], low)
        span[1] = high if span[1] is None else max(span[1], high)


def _read_span(features, field: str, is_date: bool, canceled=lambda: False) -> QgsDateTimeRange | None:
    """First and last report time of ``features`` (an iterator), read in batches."""
    span: list = [None, None]
    batch: list[str] = []
    for feature in features:
        value = feature[field]
        if value is None or (isinstance(value, QVariant) and value.isNull()):
            continue
        text = value.toString(Qt.DateFormat.ISODate) if is_date and hasattr(value, "toString") else str(value)
        if text:
            batch.append(text)
        if len(batch) >= PARSE_BATCH:
            if canceled():
                return None
            _batch_span(batch, span)
            batch = []
    if batch:
        _batch_span(batch, span)
    return _as_range(span)


def _as_range(span: list) -> QgsDateTimeRange | None:
    """[earliest, latest] datetime64 as a QGIS range (None when no time was read)."""
    if span[0] is None:
        return None
    low, high = (QDateTime.fromString(str(t)[:19], Qt.DateFormat.ISODate) for t in span)
    return QgsDateTimeRange(low, high) if low.isValid() and high.isValid() else None


def _time_request(layer: QgsVectorLayer, field: str) -> QgsFeatureRequest:
    request = QgsFeatureRequest().setSubsetOfAttributes([field], layer.fields())
    return request.setFlags(QgsFeatureRequest.Flag.NoGeometry)


def _time_span(layer: QgsVectorLayer) -> QgsDateTimeRange | None:
    """First and last report time of a layer (read here: for scripts; the dock uses TimeSpanTask)."""
    field = time_field(layer)
    if field is None:
        return None
    is_date = is_time_field(layer.fields().field(field))
    return _read_span(layer.getFeatures(_time_request(layer, field)), field, is_date)


def _gpkg_table(layer: QgsVectorLayer) -> tuple[str, str | None] | None:
    """(file, table) of a plain GeoPackage layer (read here, on the main thread), else None."""
    if layer.providerType() != "ogr" or layer.subsetString():
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = str(parts.get("path") or "")
    return (path, parts.get("layerName") or None) if path.lower().endswith(".gpkg") else None


def _read_gpkg_span(path: str, table: str | None, field: str, canceled=lambda: False) -> QgsDateTimeRange | None:
    """First and last report time of a GeoPackage table's ``field``, read by GDAL in parts."""
    import pyogrio

    from gridgov.layers.io.convert import read_in_parts

    values = read_in_parts(pyogrio, path, table, [field], read_geometry=False)[field]
    span: list = [None, None]
    for start in range(0, len(values), PARSE_BATCH):
        if canceled():
            return None
        part = values.iloc[start : start + PARSE_BATCH]
        texts = [str(v) for v in part.dropna().astype(str) if str(v) not in ("", "NaT")]
        if texts:
            _batch_span(texts, span)
    return _as_range(span)


class TimeSpanTask(QgsTask):
    """Reads a layer's first and last report time in the background, then widens the project's range.

    A million orders take seconds to read and parse: on the main thread that froze QGIS after each
    run of the dock. The layer's feature source is taken here, on the main thread, as QGIS requires.
    """

    def __init__(self, layer: QgsVectorLayer, project: QgsProject) -> None:
        super().__init__(f"{layer.name()}: time span", QgsTask.Flag.CanCancel)
        self.project = project
        self.field = time_field(layer)
        self.is_date = bool(self.field) and is_time_field(layer.fields().field(self.field))
        self.gpkg = _gpkg_table(layer) if self.field else None
        # QGIS's feature source only when GDAL cannot read the file itself
        self.source = QgsVectorLayerFeatureSource(layer) if self.field and self.gpkg is None else None
        self.request = _time_request(layer, self.field) if self.source is not None else None
        self.span: QgsDateTimeRange | None = None
        self.error = ""

    def run(self) -> bool:
        if not self.field:
            return False
        try:  # an exception must not escape into Qt's thread pool
            keep_pyproj_context()  # a pooled thread: see layers/runtime/pyproj_context.py
            if self.gpkg is not None:  # GDAL in parts: a QGIS feature iterator holds Python's lock while it waits
                self.span = _read_gpkg_span(*self.gpkg, self.field, self.isCanceled)
            else:
                self.span = _read_span(self.source.getFeatures(self.request), self.field, self.is_date, self.isCanceled)
        except Exception as exc:
            self.error = str(exc)
            return False
        return self.span is not None

    def finished(self, result: bool) -> None:
        if result and self.span is not None:
            fit_project_time(self.project, [], [self.span])


def fit_project_time(
    project: QgsProject, layers: list[QgsMapLayer], spans: list[QgsDateTimeRange] | tuple = ()
) -> None:
    """Widen the project's time range (from the first of a month, one-month steps, for the controller)
    to cover ``layers`` and ``spans`` (already read): only the layers just added are read, the range
    kept so far stands for the rest."""
    settings = project.timeSettings()
    known = settings.temporalRange()
    spans = [*spans, known] if known.begin().isValid() and known.end().isValid() else list(spans)
    for layer in layers:
        properties = layer.temporalProperties()
        if not properties.isActive():
            continue
        if isinstance(layer, QgsRasterLayer):
            spans.append(properties.fixedTemporalRange())
        elif isinstance(layer, QgsVectorLayer):
            span = _time_span(layer)
            if span is not None:
                spans.append(span)
    if not spans:
        return
    begin = min(s.begin() for s in spans)
    end = max(s.end() for s in spans)
    first = QDateTime(QDate(begin.date().year(), begin.date().month(), 1), QTime(0, 0))
    settings.setTemporalRange(QgsDateTimeRange(first, end))
    settings.setTimeStep(1)
    settings.setTimeStepUnit(QgsUnitTypes.TemporalUnit.TemporalMonths)
