"""The plugin's vocabulary of table columns: the names of the columns its layers and outputs share
(unit codes, the class case, how the responsibility rule placed an order) and the rule for reading
the text of a cell (``as_text``, ``text_ids``), each spelled once, here.

A column name is spelled as a literal only where it is text for people or for SQL (help texts,
messages, SQL statements), in tables of spellings found in other systems' exports, and in tests,
which state the expected names literally.

The names need nothing: numpy and pandas are imported by the functions that use them, so the
dock and the map tools, which name columns, still load in a QGIS that lacks pandas (the plugin then
offers to install it).

May import: ``numpy``, ``pandas``; no package of the engine (every package of the engine, the
bridge and the interface may import this module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# the units' codes, from the narrowest unit to the widest ----------------------------------------
DEDICATED_CODE = "dedicated_code"
MICRO_CODE = "micro_code"
GRID_CODE = "grid_code"
COMMUNITY_CODE = "community_code"
STREET_CODE = "street_code"

# an order's class case (classified orders, the taxonomy table) ------------------------------------
CLASS_CODE = "class_code"
#: The order table's report time (the time field an analysis reads when none is named).
REPORTED_AT = "reported_at"

# how the responsibility rule placed an order (geolocate's output) ---------------------------------
#: The level of the responsible unit (``street`` … ``dedicated``, '' for nobody) and its code.
RESP_LEVEL = "resp_level"
RESP_CODE = "resp_code"
#: inside, boundary, nearest, address, unlocated, unassigned or invalid
MATCH_METHOD = "match_method"
#: True where the point lies on an edge shared by grids (the shared-edge rule decided)
ON_BOUNDARY = "on_boundary"
#: The codes of the grids whose interiors overlap at the point, comma-joined: a data error ('' where none)
OVERLAP = "overlap"
#: Why a row could not be read or placed as it is ('' where nothing is wrong)
PROBLEM = "problem"

# an order's lifecycle and the assessment of the units handling orders (gridgov:assessment) -------
#: findrepeats' flag: the order repeats an earlier one of its case
IS_REPEAT = "is_repeat"
#: The unit assessed (the value of the request's unit field) and the period (``2025-03``, ``2025-W09``,
#: ``2025Q1`` or ``all``)
UNIT = "unit"
PERIOD = "period"
N_ORDERS = "n_orders"
RESPONSE_RATE = "response_rate"
ONTIME_CLOSE_RATE = "ontime_close_rate"
CLOSE_RATE = "close_rate"
MEDIAN_HOURS = "median_hours"
P90_HOURS = "p90_hours"
RESOLUTION_RATE = "resolution_rate"
SATISFACTION_RATE = "satisfaction_rate"
REPEAT_RATE = "repeat_rate"
REDISPATCH_RATE = "redispatch_rate"
SCORE = "score"
RANK = "rank"
#: The rank in the previous period minus the rank now: positive where the unit moved up
RANK_CHANGE = "rank_change"
#: True where the unit had enough orders and every weighted rate to be ranked
RATED = "rated"
#: The assessment's table per unit and period, in this order (DESIGN.md, ``gridgov:assessment``)
ASSESSMENT_COLUMNS = (
    UNIT,
    PERIOD,
    N_ORDERS,
    RESPONSE_RATE,
    ONTIME_CLOSE_RATE,
    CLOSE_RATE,
    MEDIAN_HOURS,
    P90_HOURS,
    RESOLUTION_RATE,
    SATISFACTION_RATE,
    REPEAT_RATE,
    REDISPATCH_RATE,
    SCORE,
    RANK,
    RANK_CHANGE,
    RATED,
)
#: The handling department of an order (承办单位) and how long an open order is past its deadline
DEPARTMENT = "department"
HOURS_OVERDUE = "hours_overdue"

# forecasts and early warning (gridgov:forecast, gridgov:earlywarning; PERIOD and RANK as above) -------
STEP = "step"
FORECAST = "forecast"
LO = "lo"
HI = "hi"
MODEL = "model"
#: MASE over the backtest windows, scaled by the in-sample seasonal naive MAE (Hyndman & Koehler 2006).
BACKTEST_ERROR = "backtest_error"
#: The same MASE for the seasonal naive forecast over the same windows: the row's model beats it where lower.
SNAIVE_ERROR = "snaive_error"
OBSERVED = "observed"
EXPECTED = "expected"
UPPER = "upper"
ALERT_LEVEL = "alert_level"
ALERT_KIND = "alert_kind"
TAIL_P = "tail_p"
SEASON = "season"


def as_text(values) -> pd.Series:
    """Text of each value, '' for None / NaN (vectorised): how every column of an order table is read."""
    import pandas as pd

    series = pd.Series(values, dtype=object)
    return series.where(series.notna(), "").astype(str)


def text_ids(values) -> tuple[np.ndarray, np.ndarray]:
    """(id per value, distinct labels) with ``labels[ids]`` equal to ``as_text(values).str.strip()``.

    A column of a million codes holds a few thousand distinct ones: a text column is hashed once
    and each distinct value stripped once, instead of a million string operations.
    """
    import numpy as np
    import pandas as pd

    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array
    if isinstance(values, pd.Categorical):  # the ids are there already; missing (-1) reads as ""
        ids = np.where(values.codes < 0, len(values.categories), values.codes)
        distinct = as_text(np.append(values.categories.to_numpy(dtype=object), None)).to_numpy(dtype=object)
    else:
        array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        if pd.api.types.infer_dtype(array, skipna=False) != "string":  # None, NaN, numbers: through as_text
            array = as_text(array).to_numpy(dtype=object)
        ids, distinct = pd.factorize(array)
    stripped = np.array([value.strip() for value in distinct], dtype=object)
    merged, labels = pd.factorize(stripped)  # " a" and "a" are one label
    return merged[ids], np.asarray(labels, dtype=object)
