"""The class-case, date and hour filters that every analysis algorithm offers, in one place.

Declared once (:func:`filter_params`), read once into the engine's ``FilterRequest``
(:func:`filter_family` for a declared algorithm, :func:`read_filter_request` otherwise) and applied
to the orders' frame by :func:`apply_filter`. The older entry points (``read_filter``,
``filter_orders``, ``filter_fields``) read the parameters and do the same.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import pandas as pd
from qgis.core import QgsProcessingException

from gridgov.grid_ops.orders.classify import shipped_class_groups
from gridgov.grid_ops.orders.selection import FilterRequest, OrderFilter, parse_hours
from gridgov.grid_ops.schema import CLASS_CODE, REPORTED_AT
from gridgov.layers.parameters.declare import DATE, Family, Param, date_time, default_field, text
from gridgov.layers.runtime.translation import tr, tr_noop

CATEGORY_FIELD, CATEGORIES, TIME_FIELD = "CATEGORY_FIELD", "CATEGORIES", "TIME_FIELD"
DATE_FROM, DATE_TO, HOURS = "DATE_FROM", "DATE_TO", "HOURS"


def filter_params(parent: str = "INPUT") -> dict[str, Param]:
    """CATEGORY_FIELD, CATEGORIES, TIME_FIELD, DATE_FROM, DATE_TO and HOURS (all optional) of the
    layer ``parent``, by name, in the dialog's order."""
    return {
        CATEGORY_FIELD: default_field(CATEGORY_FIELD, tr_noop("Class case field"), parent, CLASS_CODE),
        CATEGORIES: text(
            CATEGORIES, tr_noop("Only these class cases (codes, major classes or groups, e.g. 0601,0602 or noise)")
        ),
        TIME_FIELD: default_field(TIME_FIELD, tr_noop("Time field"), parent, REPORTED_AT),
        DATE_FROM: date_time(DATE_FROM, tr_noop("From date (inclusive)"), DATE),
        DATE_TO: date_time(DATE_TO, tr_noop("To date (inclusive)"), DATE),
        HOURS: text(HOURS, tr_noop("Hours of the day (e.g. 22-6 for night noise)")),
    }


def add_filter_parameters(alg, parent: str = "INPUT", advanced: bool = False) -> None:
    """CATEGORY_FIELD, CATEGORIES, TIME_FIELD, DATE_FROM, DATE_TO and HOURS, all optional."""
    for param in filter_params(parent).values():
        dataclasses.replace(param, advanced=advanced).declare(alg)


def filter_family(parent: str = "INPUT", advanced: bool = False) -> Family:
    """The filter parameters as one declared family, read into the request's ``filter``."""
    return Family(lambda alg: add_filter_parameters(alg, parent, advanced), read_filter_request, "filter")


def read_filter_request(alg, parameters, context) -> FilterRequest:
    """The filter the parameters name; hours that are no range, a date that is none or a range that
    ends before it starts stop the run, named (in this order). (A reader does not depend on the
    layer its field parameters belong to: ``filter_params()``' readers read any algorithm's.)"""
    params = filter_params()
    hours = params[HOURS].read(alg, parameters, context)
    try:
        parse_hours(hours)
    except ValueError as err:
        raise QgsProcessingException(f"{HOURS}: {err}") from err
    start, end = params[DATE_FROM].read(alg, parameters, context), params[DATE_TO].read(alg, parameters, context)
    if start is not None and end is not None and end < start:
        raise QgsProcessingException(tr("DATE_TO is before DATE_FROM"))
    return FilterRequest(
        category_field=params[CATEGORY_FIELD].read(alg, parameters, context),
        categories=params[CATEGORIES].read(alg, parameters, context),
        time_field=params[TIME_FIELD].read(alg, parameters, context),
        date_from=start,
        date_to=end,
        hours=hours,
    )


class Filtered(NamedTuple):
    """A filter applied to a frame: the engine's filter, the rows' class codes and times (None
    without the field) and the rows it keeps."""

    chosen: OrderFilter
    codes: np.ndarray | None
    times: np.ndarray | None
    keep: np.ndarray


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


def filter_fields_in(request: FilterRequest, names) -> list[str]:
    """The fields of a layer with field ``names`` that the filter reads (class case, time): what a step
    that only needs positions and the filter reads, instead of every column of every order."""
    names = set(names)
    return [name for name in request.named_fields() if name in names]


def filter_of(request: FilterRequest, frame: pd.DataFrame, class_groups: dict[str, str] | None = None):
    """The engine's filter of ``request``, the class codes and the times of ``frame``; (filter, codes
    or None, times or None).

    ``class_groups`` maps class codes to case groups (so ``noise`` selects every noise class); by
    default the shipped catalogue's.
    """
    try:
        chosen = request.order_filter(shipped_class_groups() if class_groups is None else class_groups)
    except ValueError as err:
        raise QgsProcessingException(f"{HOURS}: {err}") from err
    category_field, time_field = request.fields_in(frame.columns)
    codes = column(frame, category_field, CATEGORY_FIELD).to_numpy(dtype=object) if category_field else None
    times = times_of(frame, time_field) if time_field else None
    if chosen.classes and codes is None:
        raise QgsProcessingException(tr("CATEGORIES needs CATEGORY_FIELD"))
    if chosen.uses_time and times is None:
        raise QgsProcessingException(tr("DATE_FROM, DATE_TO and HOURS need TIME_FIELD"))
    return chosen, codes, times


def apply_filter(request: FilterRequest, frame: pd.DataFrame, feedback) -> Filtered:
    """``filter_of`` and the rows it keeps, said in the log."""
    chosen, codes, parsed = filter_of(request, frame)
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
    return Filtered(chosen, codes, times, keep)
