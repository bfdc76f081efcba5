"""Unit assessment (考评): how the units that handle work orders did, per period, by the "三率" a
grid centre is judged by (响应率 response, 解决率 resolution, 满意率 satisfaction) plus on-time closure,
handling times, repeats and re-dispatches; a weighted score and a rank; the open orders past their
deadline with their owners; and the class cases to take on next (每月一题). The lifecycle columns
are read by the orders package (``orders.lifecycle``); nothing here knows of QGIS.

May import: ``runtime``, ``orders`` (an assessment reads orders, never grids or their placement:
the unit is whatever column the orders carry, by default the responsible unit geolocate gave).
"""

from gridgov.grid_ops.assessment.engine import Assessment, NoCreatedTimeError, assess
from gridgov.grid_ops.assessment.report import write_report
from gridgov.grid_ops.assessment.request import (
    DEFAULT_WEIGHTS,
    PERIODS,
    AssessmentRequest,
    AssessmentRequestError,
    parse_weights,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "PERIODS",
    "Assessment",
    "AssessmentRequest",
    "AssessmentRequestError",
    "NoCreatedTimeError",
    "assess",
    "parse_weights",
    "write_report",
]
