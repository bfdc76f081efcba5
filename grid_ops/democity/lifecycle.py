"""The demo orders' lifecycle (issue 26): dispatched, signed off, closed, due, handling department, the
citizen's answers, re-dispatches and urgency, as a 12345 export writes them, with planted truth.

Planted, so an assessment can be checked against what was put in (:class:`LifecycleTruth`):

- one street office signs off and closes slowly (:data:`SLOW_STREET`, by its place in code order):
  sign-off takes about 12 times as long (a third of its orders miss the 24-hour sign-off), closure 3.5
  times (a third miss the 7-day deadline), its citizens are a little less satisfied, and more of its
  open orders are left past their deadline;
- one handling department leaves citizens dissatisfied (:data:`LOW_SATISFACTION_DEPARTMENT`: about
  60 % of its rated orders are 不满意, and a quarter fewer resolved);
- one class case is resolved far less often than the rest (:data:`LOW_RESOLUTION_CLASS`, neighbours'
  noise): the 每月一题 of every month;
- re-dispatched orders (改派次数 1 or 2): about 4 % of orders, 15 % of noise orders (whose department
  depends on the source of the noise), each re-dispatch delaying the sign-off by hours;
- open orders (status 办理中, drawn with the orders) past their deadline at the export time
  (:data:`EXPORT_TIME`): those accepted in the last weeks past their 7 days, and a planted share of the
  older ones (a third in the slow street office, 4 % elsewhere); the other old open orders have an
  extended deadline (延期) after the export.

The lifecycle draws from a stream of its own, seeded from :data:`LIFECYCLE_SEED` and the city's seed,
so every column the orders had before stays as it was, byte for byte; the new columns are added.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.orders.classify import shipped_class_cases
from gridgov.grid_ops.schema import CLASS_CODE, STREET_CODE

#: Mixed into the city's seed for the lifecycle's own random stream.
LIFECYCLE_SEED = 26_2026
#: When the orders were exported: times after it do not exist yet; "now" for the overdue orders.
EXPORT_TIME = np.datetime64("2026-01-01T08:00:00", "s")
#: The slow street office: the third street in code order (1-based).
SLOW_STREET = 3
#: The department (承办单位) whose citizens are least satisfied.
LOW_SATISFACTION_DEPARTMENT = "住建局物业科"
#: The class case least often resolved: neighbours' noise (生活噪声).
LOW_RESOLUTION_CLASS = "0601"
#: Column names, as a Chinese 12345 platform exports them (recognised by guess_order_fields).
COLUMNS = {
    "dispatched": "派单时间",
    "responded": "签收时间",
    "closed": "办结时间",
    "due": "办理时限",
    "department": "承办单位",
    "resolved": "是否解决",
    "satisfaction": "满意度",
    "redispatch": "改派次数",
    "urgency": "紧急程度",
}
#: The status word of the open orders (the orders' ``status`` column).
OPEN = "办理中"
#: Classes often urgent (a missing manhole cover, waterlogging, a blocked fire lane, open fire).
URGENT_CLASSES = ("0402", "0403", "0505", "0103")
#: Classes whose department depends on the noise's source: re-dispatched more often.
NOISE_CLASSES = ("0601", "0602", "0603", "0604", "0605")
#: Classes given 15 days instead of 7 (structures, construction, property disputes).
LONG_CLASSES = ("0104", "0301", "0302", "0801")


@dataclass(frozen=True)
class LifecycleTruth:
    """What was planted in the demo orders' lifecycle."""

    slow_street_code: str
    slow_street_name: str
    low_satisfaction_department: str
    low_resolution_class: str
    export_time: np.datetime64


def lifecycle_truth(streets: pd.DataFrame) -> LifecycleTruth:
    """The planted truth of a demo city with these streets."""
    ordered = streets.sort_values(STREET_CODE)
    slow = ordered.iloc[SLOW_STREET - 1]
    return LifecycleTruth(
        slow_street_code=str(slow[STREET_CODE]),
        slow_street_name=str(slow["name"]),
        low_satisfaction_department=LOW_SATISFACTION_DEPARTMENT,
        low_resolution_class=LOW_RESOLUTION_CLASS,
        export_time=EXPORT_TIME,
    )


def order_streets(streets: pd.DataFrame, xy: np.ndarray) -> np.ndarray:
    """The street code at each true position (the nearest street for a point on a boundary)."""
    out = np.full(len(xy), None, dtype=object)
    for polygon, code in zip(streets.geometry.values, streets[STREET_CODE].to_numpy(dtype=object)):
        shapely.prepare(polygon)
        inside = shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])
        out[inside & (out == None)] = code  # noqa: E711 (elementwise on an object array)
    left = np.flatnonzero(out == None)  # noqa: E711
    if len(left):
        tree = shapely.STRtree(streets.geometry.values)
        which, nearest = tree.query_nearest(shapely.points(xy[left]), all_matches=False)
        out[left[which]] = streets[STREET_CODE].to_numpy(dtype=object)[nearest]
    return out


def _text(times: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD HH:MM:SS`` per time, '' for NaT (as the platform exports), without a strftime per value."""
    text = np.datetime_as_string(times.astype("datetime64[s]"), unit="s").astype("<U19")
    codes = text.view(np.uint32).reshape(len(text), 19).copy()
    codes[:, 10] = ord(" ")
    out = codes.view("<U19").reshape(len(text)).astype(object)
    out[np.isnat(times)] = ""
    return out


def _seconds(hours: np.ndarray) -> np.ndarray:
    return np.round(hours * 3600.0).astype(np.int64).astype("timedelta64[s]")


def _stream(seed_seq: np.random.SeedSequence | None) -> np.random.Generator:
    """The lifecycle's stream: :data:`LIFECYCLE_SEED` with the city's seed, drawn from nothing else."""
    entropy = seed_seq.entropy if seed_seq is not None and seed_seq.entropy is not None else 0
    spawn_key = tuple(seed_seq.spawn_key) if seed_seq is not None else ()
    return np.random.default_rng(np.random.SeedSequence([LIFECYCLE_SEED, int(entropy)], spawn_key=spawn_key))


def _departments(class_code: np.ndarray) -> np.ndarray:
    """The department of each class case in the shipped catalogue (the 12345 dispatch table's)."""
    cases = shipped_class_cases()
    lookup = dict(zip(cases[CLASS_CODE], cases["department"]))
    return pd.Series(class_code, dtype=object).map(lookup).fillna("区政务服务中心").to_numpy(dtype=object)


def lifecycle_columns(
    accepted: np.ndarray,
    class_code: np.ndarray,
    status: np.ndarray,
    street_code: np.ndarray,
    truth: LifecycleTruth,
    seed_seq: np.random.SeedSequence | None = None,
) -> pd.DataFrame:
    """The lifecycle columns (:data:`COLUMNS`) of orders accepted at ``accepted`` (their true times),
    of these classes, statuses and true streets, with the truth of the module docstring planted."""
    rng = _stream(seed_seq)
    n = len(accepted)
    accepted = accepted.astype("datetime64[s]")
    class_code = np.asarray(class_code, dtype=object)
    is_open = np.asarray(status, dtype=object) == OPEN
    slow = np.asarray(street_code, dtype=object) == truth.slow_street_code
    department = _departments(class_code)
    low_dept = department == truth.low_satisfaction_department
    noise = np.isin(class_code, NOISE_CLASSES)
    low_class = class_code == truth.low_resolution_class
    draws = {
        name: rng.random(n) for name in ("urgent", "redispatch", "twice", "rated", "resolved", "level", "late", "left")
    }
    normal = {name: rng.standard_normal(n) for name in ("dispatch", "sign", "redelay", "close", "extend")}

    urgent = draws["urgent"] < np.where(np.isin(class_code, URGENT_CLASSES), 0.35, 0.03)
    dispatched = accepted + _seconds(np.exp(np.log(np.where(urgent, 8.0, 25.0) / 60.0) + 0.8 * normal["dispatch"]))
    redispatch = (draws["redispatch"] < np.where(noise, 0.15, 0.04)).astype(np.int64)
    redispatch += (redispatch == 1) & (draws["twice"] < 0.2)
    sign_median = np.where(urgent, 0.25, 1.0) * np.where(slow, 12.0, 1.0)
    sign_hours = np.exp(np.log(sign_median) + 1.2 * normal["sign"])
    sign_hours += redispatch * np.exp(np.log(6.0) + 0.6 * normal["redelay"])
    responded = dispatched + _seconds(sign_hours)
    close_median = 30.0 * np.where(slow, 3.5, 1.0) * np.where(np.isin(class_code, LONG_CLASSES), 2.0, 1.0)
    closed = accepted + _seconds(np.exp(np.log(close_median) + 0.9 * normal["close"]))
    closed = np.maximum(closed, responded + np.timedelta64(600, "s"))
    # nothing happens after the export: late times of closed orders squeezed before it, open ones unsigned
    late = ~is_open & (closed > EXPORT_TIME)
    room = (EXPORT_TIME - dispatched[late]) / np.timedelta64(1, "s")
    responded[late] = dispatched[late] + _seconds(room * draws["late"][late] * 0.3 / 3600.0)
    closed[late] = responded[late] + _seconds((EXPORT_TIME - responded[late]) / np.timedelta64(1, "s") * 0.5 / 3600.0)
    responded = np.where(is_open & (responded > EXPORT_TIME), np.datetime64("NaT", "s"), responded)
    closed = np.where(is_open, np.datetime64("NaT", "s"), closed)

    days = np.where(np.isin(class_code, LONG_CLASSES), 15, 7)
    due = accepted + (days * 86400).astype("timedelta64[s]")
    old = is_open & (due < EXPORT_TIME - np.timedelta64(30, "D"))
    left_late = draws["left"] < np.where(slow, 1 / 3, 0.04)
    extended = old & ~left_late  # 延期: a new deadline after the export
    due[extended] = EXPORT_TIME + _seconds(24.0 * (2.0 + 43.0 * np.abs(np.tanh(normal["extend"][extended]))))

    rated = ~is_open & (draws["rated"] < 0.8)
    p_resolved = 0.90 - 0.28 * low_class - 0.25 * low_dept - 0.05 * slow
    resolved = rated & (draws["resolved"] < p_resolved)
    # satisfaction: 满意 / 基本满意 / 不满意 by whether the problem was resolved, worse where planted
    dissatisfied = np.where(resolved, 0.05, 0.6) + 0.1 * slow
    dissatisfied = np.where(low_dept, np.maximum(dissatisfied, 0.6), dissatisfied)
    basic = np.where(resolved, 0.2, 0.3)
    level = draws["level"]
    satisfaction = np.where(level < dissatisfied, "不满意", np.where(level < dissatisfied + basic, "基本满意", "满意"))
    satisfaction = np.where(rated, satisfaction, np.where(is_open, "", "未评价")).astype(object)

    return pd.DataFrame(
        {
            COLUMNS["dispatched"]: _text(dispatched),
            COLUMNS["responded"]: _text(responded),
            COLUMNS["closed"]: _text(closed),
            COLUMNS["due"]: _text(due),
            COLUMNS["department"]: department,
            COLUMNS["resolved"]: np.where(rated, np.where(resolved, "已解决", "未解决"), "").astype(object),
            COLUMNS["satisfaction"]: satisfaction,
            COLUMNS["redispatch"]: redispatch,
            COLUMNS["urgency"]: np.where(urgent, "紧急", "一般").astype(object),
        }
    )
