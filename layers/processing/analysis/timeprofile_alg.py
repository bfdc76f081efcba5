"""``gridgov:timeprofile``: hour-of-day × day-of-week profiles of orders per grid or hot area."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessing, QgsProcessingException

from gridgov.grid_ops.analytics.timeprofile import TimeProfileRequest, profiles_of
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import table_if_asked, write_frame
from gridgov.layers.parameters.declare import (
    default_field,
    folder_destination,
    integer,
    layers_output,
    number,
    sink,
    source,
)
from gridgov.layers.parameters.order_filters import Filtered, apply_filter, filter_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop


class TimeProfileAlgorithm(DeclaredAlgorithm):
    NAME = "timeprofile"
    DISPLAY = "When: hour × weekday profile"
    GROUP_ID = "analysis"
    GROUP = "Analysis"
    HELP = (
        "When orders happen, so patrols can be timed: for each group (GROUP_FIELD: a grid, hot area or street; "
        "empty: all orders together) the 7 × 24 counts by weekday and hour, the peak window (the shortest run of "
        "consecutive hours, wrapping past midnight, that holds SHARE of the group's orders, e.g. 22:00–02:00) and the "
        "peak days. OUTPUT has one row per group (the TOP groups with most orders): orders, peak_hours, peak_share, "
        "peak_days, peak_days_zh. TABLE lists every group × weekday × hour. CHART_FOLDER receives one PNG chart "
        "per group.\n\n"
        "Example: INPUT the placed orders, GROUP_FIELD grid_code, CATEGORIES noise, TOP 10."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Orders"), [QgsProcessing.SourceType.TypeVector]),
        default_field("GROUP_FIELD", tr_noop("Group by (grid, hot area …)"), "INPUT", GRID_CODE),
        filter_family(),
        integer("TOP", tr_noop("Groups with most orders (0: all)"), 10, minimum=0),
        number("SHARE", tr_noop("Share of orders in the peak window"), 0.5, minimum=0.05, maximum=1.0),
        sink("OUTPUT", tr_noop("Peak hours and days")),
        sink("TABLE", tr_noop("Counts per weekday and hour"), optional=True, create_by_default=False),
        folder_destination(
            "CHART_FOLDER", tr_noop("Folder for the charts (PNG)"), optional=True, create_by_default=False
        ),
    )
    OUTPUTS = (layers_output("CHARTS", tr_noop("Charts")),)
    REQUEST = TimeProfileRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: TimeProfileRequest = self.request(parameters, context)
        frame, _ = read_source(self, parameters, "INPUT", context, feedback)
        filtered = apply_filter(request.filter, frame, feedback)
        if filtered.times is None:
            raise QgsProcessingException(tr("A time profile needs TIME_FIELD"))
        groups = group_of_orders(frame, request)
        unreadable = int((np.isnat(filtered.times) & filtered.keep).sum())
        if unreadable:
            feedback.pushWarning(tr("{0} orders have no readable time and are left out").format(unreadable))
        keep = filtered.keep
        summary, long, tables = profiles_of(groups[keep], filtered.times[keep], request)
        say_peaks(summary, filtered, feedback)
        results = {
            "OUTPUT": write_frame(
                self, parameters, "OUTPUT", context, summary, QgsCoordinateReferenceSystem(), feedback
            ),
            "CHARTS": [],
            **table_if_asked(self, parameters, "TABLE", context, long, feedback),
        }
        folder = self.parameterAsString(parameters, "CHART_FOLDER", context)
        if folder:
            results.update(CHARTS=draw_charts(summary, tables, folder, filtered.chosen.describe()), CHART_FOLDER=folder)
        return results


def group_of_orders(frame: pd.DataFrame, request: TimeProfileRequest) -> np.ndarray:
    """Each order's group: its GROUP_FIELD value, or one group of all orders without that field (a
    field the user named must be the layer's)."""
    group_field = request.group_field_in(frame.columns)
    if group_field and group_field not in frame.columns:
        raise QgsProcessingException(tr("GROUP_FIELD: the layer has no field {0!r}").format(group_field))
    if group_field:
        return frame[group_field].to_numpy(dtype=object)
    return np.full(len(frame), tr("all"), dtype=object)


def say_peaks(summary: pd.DataFrame, filtered: Filtered, feedback) -> None:
    """The number of groups and the peaks of the five with most orders, in the log."""
    feedback.pushInfo(tr("{0} groups profiled ({1})").format(len(summary), filtered.chosen.describe()))
    for row in summary.head(5).itertuples():
        feedback.pushInfo(
            f"{row.group}: {row.orders} orders, peak {row.peak_hours} ({row.peak_share:.0%}), {row.peak_days}"
        )


def draw_charts(summary: pd.DataFrame, tables: dict, folder: str, what: str) -> list[str]:
    """One PNG chart per group in ``folder`` (``what``: the filter, in the caption); their paths."""
    from gridgov.layers.printing.charts import draw_profile_png

    charts = []
    for row in summary.itertuples():
        safe = re.sub(r"[^\w\-]+", "_", str(row.group))[:80] or "group"
        charts.append(
            draw_profile_png(
                tables[row.group],
                f"{row.group}  ·  {row.orders} 件 orders",
                Path(folder) / f"profile_{safe}.png",
                f"高峰 Peak {row.peak_hours} ({row.peak_share:.0%}) · {row.peak_days_zh} {row.peak_days} · {what}",
            )
        )
    return charts
