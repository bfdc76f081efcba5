"""``gridgov:timeprofile``: hour-of-day × day-of-week profiles of orders per grid or hot area."""

from __future__ import annotations

import re
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.processing.base import GridGovAlgorithm, read_source, tr, write_frame
from gridgov.layers.processing.order_filters import add_filter_parameters, filter_orders


class TimeProfileAlgorithm(GridGovAlgorithm):
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
    INPUT, GROUP_FIELD, TOP, SHARE = "INPUT", "GROUP_FIELD", "TOP", "SHARE"
    OUTPUT, TABLE, CHART_FOLDER, CHARTS = "OUTPUT", "TABLE", "CHART_FOLDER", "CHARTS"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, tr("Orders"), [QgsProcessing.SourceType.TypeVector])
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.GROUP_FIELD,
                tr("Group by (grid, hot area …)"),
                GRID_CODE,
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        add_filter_parameters(self)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.TOP,
                tr("Groups with most orders (0: all)"),
                QgsProcessingParameterNumber.Type.Integer,
                10,
                minValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SHARE,
                tr("Share of orders in the peak window"),
                QgsProcessingParameterNumber.Type.Double,
                0.5,
                minValue=0.05,
                maxValue=1.0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Peak hours and days"), QgsProcessing.SourceType.TypeVector
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.TABLE,
                tr("Counts per weekday and hour"),
                QgsProcessing.SourceType.TypeVector,
                optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(
                self.CHART_FOLDER, tr("Folder for the charts (PNG)"), optional=True, createByDefault=False
            )
        )
        self.addOutput(QgsProcessingOutputMultipleLayers(self.CHARTS, tr("Charts")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        import numpy as np

        from gridgov.grid_ops.analytics.timeprofile import profiles

        frame, _ = read_source(self, parameters, self.INPUT, context, feedback)
        chosen, _, times, keep = filter_orders(self, parameters, context, frame, feedback)
        if times is None:
            raise QgsProcessingException(tr("A time profile needs TIME_FIELD"))
        group_field = self.parameterAsString(parameters, self.GROUP_FIELD, context)
        if group_field and group_field not in frame.columns:
            if parameters.get(self.GROUP_FIELD):
                raise QgsProcessingException(tr("GROUP_FIELD: the layer has no field {0!r}").format(group_field))
            group_field = ""
        groups = (
            frame[group_field].to_numpy(dtype=object) if group_field else np.full(len(frame), tr("all"), dtype=object)
        )
        unreadable = int((np.isnat(times) & keep).sum())
        if unreadable:
            feedback.pushWarning(tr("{0} orders have no readable time and are left out").format(unreadable))
        top = self.parameterAsInt(parameters, self.TOP, context) or None
        summary, long, tables = profiles(
            groups[keep], times[keep], top, self.parameterAsDouble(parameters, self.SHARE, context)
        )
        feedback.pushInfo(tr("{0} groups profiled ({1})").format(len(summary), chosen.describe()))
        for row in summary.head(5).itertuples():
            feedback.pushInfo(
                f"{row.group}: {row.orders} orders, peak {row.peak_hours} ({row.peak_share:.0%}), {row.peak_days}"
            )
        results = {
            self.OUTPUT: write_frame(
                self, parameters, self.OUTPUT, context, summary, QgsCoordinateReferenceSystem(), feedback
            ),
            self.CHARTS: [],
        }
        if parameters.get(self.TABLE) is not None:
            results[self.TABLE] = write_frame(
                self, parameters, self.TABLE, context, long, QgsCoordinateReferenceSystem(), feedback
            )
        folder = self.parameterAsString(parameters, self.CHART_FOLDER, context)
        if folder:
            from gridgov.layers.charts import draw_profile_png

            what = chosen.describe()
            for row in summary.itertuples():
                safe = re.sub(r"[^\w\-]+", "_", str(row.group))[:80] or "group"
                results[self.CHARTS].append(
                    draw_profile_png(
                        tables[row.group],
                        f"{row.group}  ·  {row.orders} 件 orders",
                        Path(folder) / f"profile_{safe}.png",
                        f"高峰 Peak {row.peak_hours} ({row.peak_share:.0%}) · {row.peak_days_zh} {row.peak_days}"
                        f" · {what}",
                    )
                )
            results[self.CHART_FOLDER] = folder
        return results
