"""What an assessment is asked for (``gridgov:assessment``): the unit and period, the columns, the
deadlines and the weights of the score, with the defaults a grid centre would expect, stated here.

Defaults (issue 26; one published 12345 scheme, adjustable per city):

- unit: ``resp_code``, the responsible unit ``gridgov:geolocate`` assigns; any column works (a handling
  department, ``street_code``, NYC's ``Agency`` or ``Community Board``);
- period: ``month`` (as Zhengzhou ranks departments and districts every month);
- sign-off (签收) within **24 hours** of dispatch (of acceptance where no dispatch time is given),
  **2 hours** for urgent orders;
- closure by the order's own due time (办理时限), else within **7 days** of acceptance;
- score = **30 %** response rate + **35 %** resolution rate + **35 %** satisfaction rate;
- a unit needs **20 orders** in a period to be rated and ranked;
- "now", for pending and overdue orders: the latest time in the data (so the same export always gives
  the same result), unless ``as_of`` is given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from gridgov.grid_ops.schema import (
    CLOSE_RATE,
    ONTIME_CLOSE_RATE,
    RESOLUTION_RATE,
    RESP_CODE,
    RESPONSE_RATE,
    SATISFACTION_RATE,
)

#: The periods a unit is assessed over: calendar months (``2025-03``), ISO weeks from Monday
#: (``2025-W09``), quarters (``2025Q1``), or the whole table at once (``all``).
PERIODS = ("month", "week", "quarter", "all")
#: The rates a score may weigh: each is a share where more is better.
WEIGHABLE = (RESPONSE_RATE, ONTIME_CLOSE_RATE, CLOSE_RATE, RESOLUTION_RATE, SATISFACTION_RATE)
#: The published scheme: 响应率 30 %, 解决率 35 %, 满意率 35 %.
DEFAULT_WEIGHTS: tuple[tuple[str, float], ...] = (
    (RESPONSE_RATE, 0.30),
    (RESOLUTION_RATE, 0.35),
    (SATISFACTION_RATE, 0.35),
)

#: Names a weight may be given by (English short forms and the Chinese names of the rates).
_WEIGHT_NAMES = {
    **{rate: rate for rate in WEIGHABLE},
    "response": RESPONSE_RATE,
    "响应率": RESPONSE_RATE,
    "ontime_close": ONTIME_CLOSE_RATE,
    "ontime": ONTIME_CLOSE_RATE,
    "按期办结率": ONTIME_CLOSE_RATE,
    "close": CLOSE_RATE,
    "办结率": CLOSE_RATE,
    "resolution": RESOLUTION_RATE,
    "解决率": RESOLUTION_RATE,
    "satisfaction": SATISFACTION_RATE,
    "满意率": SATISFACTION_RATE,
}

#: The role of each ``*_field`` of the request, and the parameter the toolbox names it by.
FIELD_PARAMETERS = {
    "created": "CREATED_FIELD",
    "dispatched": "DISPATCHED_FIELD",
    "responded": "RESPONDED_FIELD",
    "closed": "CLOSED_FIELD",
    "due": "DUE_FIELD",
    "status": "STATUS_FIELD",
    "department": "DEPARTMENT_FIELD",
    "resolved": "RESOLVED_FIELD",
    "satisfaction": "SATISFACTION_FIELD",
    "redispatch": "REDISPATCH_FIELD",
    "urgency": "URGENCY_FIELD",
    "repeat": "REPEAT_FIELD",
    "category": "CATEGORY_FIELD",
    "order_id": "ORDER_ID_FIELD",
}


class AssessmentRequestError(ValueError):
    """A request that cannot be run as given; the message names the parameter (PERIOD, WEIGHTS ...)."""


def parse_weights(weights) -> tuple[tuple[str, float], ...]:
    """Weights as (rate, share) pairs whose shares sum to 1, from text (``response=30, resolution=35,
    satisfaction=35``, ``响应率:30;解决率:35;满意率:35``), a mapping or pairs. Shares may be percentages
    or fractions (only their ratios count). An unknown rate, a negative or unreadable share, or no
    positive share raises :class:`AssessmentRequestError`."""
    if isinstance(weights, str):
        pairs = []
        for part in re.split(r"[,;，；\n]+", weights):
            if not part.strip():
                continue
            match = re.match(r"^(.+?)\s*[=:：]\s*(.*?)\s*%?$", part.strip())
            if not match:
                raise AssessmentRequestError(f"WEIGHTS: {part.strip()!r} is not rate=weight")
            pairs.append(match.groups())
    elif isinstance(weights, Mapping):
        pairs = list(weights.items())
    else:
        pairs = [tuple(pair) for pair in weights]
    shares: dict[str, float] = {}
    for name, value in pairs:
        rate = _WEIGHT_NAMES.get(str(name).strip().lower())
        if rate is None:
            known = ", ".join(WEIGHABLE)
            raise AssessmentRequestError(f"WEIGHTS: {str(name)!r} is no rate a score can weigh ({known})")
        try:
            share = float(value)
        except (TypeError, ValueError):
            raise AssessmentRequestError(f"WEIGHTS: the weight of {rate} ({value!r}) is not a number") from None
        if not share >= 0 or share == float("inf"):
            raise AssessmentRequestError(f"WEIGHTS: the weight of {rate} ({value!r}) must be a number ≥ 0")
        shares[rate] = shares.get(rate, 0.0) + share
    total = sum(shares.values())
    if not total > 0:
        raise AssessmentRequestError("WEIGHTS: at least one rate needs a weight above 0")
    return tuple((rate, share / total) for rate, share in shares.items() if share > 0)


@dataclass(frozen=True)
class AssessmentRequest:
    """An assessment as the toolbox, the dock or a script asks for it (``gridgov:assessment``).

    Every ``*_field`` left '' is recognised from the column names (受理时间 / Created Date, 办结时间 /
    Closed Date, 满意度 ...; :func:`~gridgov.grid_ops.orders.ordertable.guess_order_fields`)."""

    #: The column of the unit assessed (default ``resp_code``: the unit geolocate made responsible).
    unit_field: str = RESP_CODE
    #: ``month`` (default), ``week`` (ISO, from Monday), ``quarter`` or ``all``.
    period: str = "month"
    created_field: str = ""
    dispatched_field: str = ""
    responded_field: str = ""
    closed_field: str = ""
    due_field: str = ""
    status_field: str = ""
    department_field: str = ""
    resolved_field: str = ""
    satisfaction_field: str = ""
    redispatch_field: str = ""
    urgency_field: str = ""
    repeat_field: str = ""
    category_field: str = ""
    order_id_field: str = ""
    #: Sign-off (签收) within this many hours of dispatch (of acceptance without a dispatch time): 24.
    response_hours: float = 24.0
    #: The same for orders whose urgency reads as urgent (紧急, 特急, urgent ...): 2.
    urgent_response_hours: float = 2.0
    #: Closure within this many days of acceptance where an order gives no due time of its own: 7.
    closure_days: float = 7.0
    #: (rate, weight) pairs, text (``response=30,resolution=35,satisfaction=35``) or a mapping;
    #: normalised to shares summing to 1. Default: response 30 %, resolution 35 %, satisfaction 35 %.
    weights: tuple[tuple[str, float], ...] = DEFAULT_WEIGHTS
    #: Orders a unit needs in a period to be rated and ranked (fewer: its rates are shown, no rank): 20.
    min_orders: int = 20
    #: "Now" for pending and overdue orders (text, numpy or pandas time); None: the latest time in the data.
    as_of: object = None

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise AssessmentRequestError(f"PERIOD: {self.period!r} is not one of {', '.join(PERIODS)}")
        for name in ("response_hours", "urgent_response_hours", "closure_days"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and value > 0 and value != float("inf")):
                raise AssessmentRequestError(f"{name.upper()}: {value!r} must be a number above 0")
        if not (isinstance(self.min_orders, int) and self.min_orders >= 1):
            raise AssessmentRequestError(f"MIN_ORDERS: {self.min_orders!r} must be a whole number ≥ 1")
        if not str(self.unit_field).strip():
            raise AssessmentRequestError("UNIT_FIELD: name the column of the unit to assess")
        object.__setattr__(self, "weights", parse_weights(self.weights))

    def chosen_fields(self) -> dict[str, str]:
        """Role → the column the request names for it ('' for "recognise it")."""
        return {role: getattr(self, f"{role}_field") for role in FIELD_PARAMETERS}
