"""The class-case, date and hour filters that every analysis algorithm offers, in one place."""

from __future__ import annotations

import numpy as np
import pandas as pd
from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
)

from gridgov.grid_ops.schema import CLASS_CODE
from gridgov.layers.processing.base import tr

CATEGORY_FIELD, CATEGORIES, TIME_FIELD = "CATEGORY_FIELD", "CATEGORIES", "TIME_FIELD"
DATE_FROM, DATE_TO, HOURS = "DATE_FROM", "DATE_TO", "HOURS"


def add_filter_parameters(alg, parent: str = "INPUT", advanced: bool = False) -> None:
    """CATEGORY_FIELD, CATEGORIES, TIME_FIELD, DATE_FROM, DATE_TO and HOURS, all optional."""
    params = [
        QgsProcessingParameterField(
            CATEGORY_FIELD, tr("Class case field"), CLASS_CODE, parentLayerParameterName=parent, optional=True
        ),
        QgsProcessingParameterString(
            CATEGORIES,
            tr("Only these class cases (codes, major classes or groups, e.g. 0601,0602 or noise)"),
            optional=True,
        ),
        QgsProcessingParameterField(
            TIME_FIELD, tr("Time field"), "reported_at", parentLayerParameterName=parent, optional=True
        ),
        QgsProcessingParameterDateTime(
            DATE_FROM, tr("From date (inclusive)"), QgsProcessingParameterDateTime.Type.Date, optional=True
        ),
        QgsProcessingParameterDateTime(
            DATE_TO, tr("To date (inclusive)"), QgsProcessingParameterDateTime.Type.Date, optional=True
        ),
        QgsProcessingParameterString(HOURS, tr("Hours of the day (e.g. 22-6 for night noise)"), optional=True),
    ]
    for param in params:
        if advanced:
            param.setFlags(param.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        alg.addParameter(param)


def _date(alg, parameters, name: str, context):
    value = parameters.get(name)
    if value is None or value == "":
        return None
    # parameterAsDate does not exist on QGIS 3.22; parameterAsDateTime does, from 3.22 to 3.40 and on
    date = alg.parameterAsDateTime(parameters, name, context).date()
    if not date.isValid():
        raise QgsProcessingException(tr("{0}: {1!r} is not a date").format(name, value))
    return np.datetime64(date.toString("yyyy-MM-dd"), "D")


def column(frame: pd.DataFrame, name: str, param: str) -> pd.Series:
    if name not in frame.columns:
        raise QgsProcessingException(
            tr("{0}: the layer has no field {1!r} (fields: {2})").format(
                param, name, ", ".join(map(str, frame.attrs.get("layer_fields", frame.columns)))
            )
        )
    return frame[name]


def times_of(frame: pd.DataFrame, field: str):
    """Times of a column: :func:`gridgov.grid_ops.orders.times.parse_times`' result (datetime64[s], NaT where
    unreadable, the problem text per row, ``time_of_day``, ``unread``)."""
    from gridgov.grid_ops.orders.times import parse_times

    values = column(frame, field, TIME_FIELD)
    if values.dtype == object:
        sample = values.dropna().head(200)
        if not all(isinstance(v, str) for v in sample):  # date and time objects as a layer gives them
            # a missing date and time (NaT) also has isoformat(): it is an empty time, not the text 'NaT'
            values = values.map(lambda v: v.isoformat(sep=" ") if hasattr(v, "isoformat") and not pd.isna(v) else v)
    return parse_times(values, field)


def _field(alg, parameters, name: str, context, frame: pd.DataFrame) -> str:
    """The field chosen for ``name``; a default name the layer lacks counts as no field."""
    field = alg.parameterAsString(parameters, name, context)
    if field and field not in frame.columns and not parameters.get(name):
        return ""
    return field


def filter_fields(alg, parameters, context, source) -> list[str]:
    """The fields of ``source`` the filter parameters name (class case, time): what a step that only
    needs positions and the filter reads, instead of every column of every order."""
    names = set(source.fields().names()) if source is not None else set()
    chosen = (alg.parameterAsString(parameters, name, context) for name in (CATEGORY_FIELD, TIME_FIELD))
    return [field for field in chosen if field and field in names]


def read_filter(alg, parameters, context, frame: pd.DataFrame, class_groups: dict[str, str] | None = None):
    """The filter, the class codes and the times of ``frame``; (filter, codes or None, times or None).

    ``class_groups`` maps class codes to case groups (so ``noise`` selects every noise class); by
    default the shipped catalogue's.
    """
    from gridgov.grid_ops.orders.selection import OrderFilter, parse_classes, parse_hours

    try:
        hours = parse_hours(alg.parameterAsString(parameters, HOURS, context))
    except ValueError as err:
        raise QgsProcessingException(f"{HOURS}: {err}") from err
    start, end = _date(alg, parameters, DATE_FROM, context), _date(alg, parameters, DATE_TO, context)
    if start is not None and end is not None and end < start:
        raise QgsProcessingException(tr("DATE_TO is before DATE_FROM"))
    chosen = OrderFilter(
        classes=parse_classes(alg.parameterAsString(parameters, CATEGORIES, context)),
        start=start,
        end=None if end is None else end + np.timedelta64(1, "D"),
        hours=hours,
        class_groups=default_class_groups() if class_groups is None else class_groups,
    )
    category_field = _field(alg, parameters, CATEGORY_FIELD, context, frame)
    time_field = _field(alg, parameters, TIME_FIELD, context, frame)
    codes = column(frame, category_field, CATEGORY_FIELD).to_numpy(dtype=object) if category_field else None
    times = times_of(frame, time_field) if time_field else None
    if chosen.classes and codes is None:
        raise QgsProcessingException(tr("CATEGORIES needs CATEGORY_FIELD"))
    if chosen.uses_time and times is None:
        raise QgsProcessingException(tr("DATE_FROM, DATE_TO and HOURS need TIME_FIELD"))
    return chosen, codes, times


def default_class_groups() -> dict[str, str]:
    """Class code → case group from the shipped taxonomy (so ``noise`` selects every noise class)."""
    from gridgov.grid_ops.runtime.paths import resource_path

    table = pd.read_csv(resource_path("taxonomy", "class_cases.csv"), dtype=str)
    return dict(zip(table[CLASS_CODE], table["case_group"]))


def filter_orders(alg, parameters, context, frame: pd.DataFrame, feedback):
    """``read_filter`` and the rows it keeps, said in the log: (filter, codes, times, keep)."""
    chosen, codes, parsed = read_filter(alg, parameters, context, frame)
    times = None if parsed is None else parsed.times
    clock = None if parsed is None else parsed.time_of_day
    keep = chosen.mask(codes, times, count=len(frame), time_of_day=clock)
    if parsed is not None and parsed.unread:
        first = next(i for i, text in enumerate(parsed.problem) if text and not text.endswith(" is empty"))
        feedback.pushWarning(
            tr("{0} orders have a time that cannot be read as a date and time (first: row {1}, {2})").format(
                parsed.unread, first + 1, parsed.problem[first]
            )
        )
    feedback.pushInfo(
        tr("{0} of {1} orders pass the filter ({2})").format(int(keep.sum()), len(frame), chosen.describe())
    )
    return chosen, codes, times, keep
