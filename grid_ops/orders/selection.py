"""Which orders an analysis looks at: class cases, a date range and hours of the day.

Street offices ask narrow questions ("noise between 22:00 and 06:00 last month"), so every
analysis takes the same three filters. Hours wrap past midnight: ``22-6`` means 22:00 to 05:59.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, REPORTED_AT, as_text

_RANGE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*(?:-|–|~|至|到)\s*(\d{1,2})(?::(\d{2}))?\s*$")


def parse_hours(text: str | None) -> np.ndarray | None:
    """24 booleans, one per hour of the day, from e.g. ``22-6``, ``22:00-06:00`` or ``7-9, 17-19``.

    An hour range includes its start hour and ends before its end hour (``7-9`` is 07:00–08:59);
    ``22-6`` wraps past midnight. Empty text means every hour (None). A bad range raises
    ``ValueError`` naming it.
    """
    if text is None or not str(text).strip():
        return None
    hours = np.zeros(24, dtype=bool)
    for part in re.split(r"[,，;；]", str(text)):
        if not part.strip():
            continue
        m = _RANGE.match(part)
        if m is None:
            single = part.strip()  # str.strip() also drops \x1c-\x1f, which int() would refuse
            if re.fullmatch(r"\d{1,2}", single) and int(single) <= 23:  # \d: decimals only, not "²"
                hours[int(single)] = True
                continue
            raise ValueError(f"hours {part.strip()!r} is not a range like 22-6 or 07:00-09:00")
        start, end = int(m.group(1)), int(m.group(3))
        if m.group(4) and int(m.group(4)) > 0:
            end += 1  # 06:30 as an end still takes the hour that starts at 06:00
        if start > 23 or end > 24:
            raise ValueError(f"hours {part.strip()!r}: hours run from 0 to 24")
        end %= 24
        if start == end:
            hours[:] = True
        elif start < end:
            hours[start:end] = True
        else:
            hours[start:] = True
            hours[:end] = True
    return hours


def parse_classes(text: str | None) -> set[str] | None:
    """Class codes or case groups from ``0601, 0602`` or ``noise``; empty text means all (None)."""
    if text is None:
        return None
    wanted = {c.strip() for c in re.split(r"[,，;；\s]+", str(text)) if c.strip()}
    return wanted or None


@dataclass
class OrderFilter:
    """The filters of one analysis; an empty filter keeps every order."""

    classes: set[str] | None = None  # class codes, 2-digit major classes or case-group names
    start: np.datetime64 | None = None  # inclusive
    end: np.datetime64 | None = None  # exclusive
    hours: np.ndarray | None = None  # 24 booleans
    class_groups: dict[str, str] = field(default_factory=dict)  # class code → case group

    @property
    def uses_time(self) -> bool:
        return self.start is not None or self.end is not None or self.hours is not None

    def describe(self) -> str:
        parts = []
        if self.classes:
            parts.append("class " + ",".join(sorted(self.classes)))
        if self.start is not None or self.end is not None:
            parts.append(f"{self.start or '…'} to {self.end or '…'}")
        if self.hours is not None and not self.hours.all():
            parts.append("hours " + ",".join(str(h) for h in np.flatnonzero(self.hours)))
        return "; ".join(parts) or "all orders"

    def mask(
        self,
        class_codes=None,
        times: np.ndarray | None = None,
        count: int | None = None,
        time_of_day: np.ndarray | None = None,
    ) -> np.ndarray:
        """True for the orders the filter keeps. Orders without a time fail any time filter.

        ``count`` is the number of orders when neither class codes nor times are given (a layer
        with neither field): without it there would be no orders to keep. ``time_of_day``
        (timedelta64 since midnight, from :func:`gridgov.grid_ops.orders.times.parse_times`) lets an order
        with a clock time but no date ("8:00") pass an hour filter; a date filter it still fails.
        """
        n = len(class_codes) if class_codes is not None else len(times) if times is not None else (count or 0)
        keep = np.ones(n, dtype=bool)
        if self.classes:
            if class_codes is None:
                raise ValueError("a class filter needs a class case field")
            codes = as_text(class_codes).str.strip()
            groups = codes.map(lambda c: self.class_groups.get(c, ""))
            keep &= (codes.isin(self.classes) | codes.str[:2].isin(self.classes) | groups.isin(self.classes)).to_numpy()
        if self.uses_time:
            if times is None:
                raise ValueError("a date or hour filter needs a time field")
            t = np.asarray(times, dtype="datetime64[s]")
            known = ~np.isnat(t)
            if self.start is not None or self.end is not None:
                keep &= known
            if self.start is not None:
                keep &= known & (t >= np.datetime64(self.start, "s"))
            if self.end is not None:
                keep &= known & (t < np.datetime64(self.end, "s"))
            hour = np.full(len(t), -1, dtype=np.int64)
            hour[known] = (t[known].astype("datetime64[h]").astype(np.int64)) % 24
            if time_of_day is not None:
                clock = np.asarray(time_of_day, dtype="timedelta64[s]")
                bare = ~known & ~np.isnat(clock)
                hour[bare] = clock[bare].astype("timedelta64[h]").astype(np.int64) % 24
            keep &= hour >= 0
            if self.hours is not None:
                keep &= self.hours[np.maximum(hour, 0)]
        return keep


def field_in(chosen: str | None, default: str, columns: Collection[str]) -> str:
    """The field a request names, for a layer with ``columns``: ``chosen`` as it is ('' for none; a
    name the layer lacks is for the caller to refuse), or for None (nothing chosen) ``default`` where
    the layer has it, else none: a layer without class codes is counted unfiltered, not refused."""
    if chosen is None:
        return default if default in columns else ""
    return chosen


@dataclass(frozen=True)
class FilterRequest:
    """Which orders an analysis looks at, as every analysis of the toolbox names them: class cases, a
    date range and hours of the day, and the fields they are read from (``OrderFilter`` applies them)."""

    #: The orders' class code field; None: ``class_code`` where the orders have it.
    category_field: str | None = None
    #: Class codes, major classes or case groups (``0601,0602``, ``06``, ``noise``); '' for all.
    categories: str = ""
    #: The orders' time field; None: ``reported_at`` where the orders have it.
    time_field: str | None = None
    #: The first day, inclusive; None for no start.
    date_from: datetime.date | None = None
    #: The last day, inclusive; None for no end.
    date_to: datetime.date | None = None
    #: Hours of the day (``22-6`` is 22:00 to 05:59); '' for every hour.
    hours: str = ""

    def fields_in(self, columns: Collection[str]) -> tuple[str, str]:
        """(class code field, time field) for a layer with ``columns``, '' for none (``field_in``)."""
        return field_in(self.category_field, CLASS_CODE, columns), field_in(self.time_field, REPORTED_AT, columns)

    def named_fields(self) -> list[str]:
        """The fields the filter reads where the layer has them, chosen or by default."""
        category = CLASS_CODE if self.category_field is None else self.category_field
        time = REPORTED_AT if self.time_field is None else self.time_field
        return [name for name in (category, time) if name]

    def order_filter(self, class_groups: dict[str, str]) -> OrderFilter:
        """The engine's filter (``class_groups``: class code → case group, so ``noise`` selects every
        noise class); ValueError for hours that are no range."""
        return OrderFilter(
            classes=parse_classes(self.categories),
            start=None if self.date_from is None else np.datetime64(self.date_from, "D"),
            end=None if self.date_to is None else np.datetime64(self.date_to, "D") + np.timedelta64(1, "D"),
            hours=parse_hours(self.hours),
            class_groups=class_groups,
        )


@dataclass(frozen=True)
class GridFields:
    """Which grid an order counts in (the toolbox's orders-and-grids parameters): the orders' grid
    code field or, without one, the grid the order lies in; and the grids' code field."""

    #: The orders' grid code field; None: ``grid_code`` where the orders have it; '': where each lies.
    grid_field: str | None = None
    #: The grids' code field.
    code_field: str = GRID_CODE

    def grid_field_in(self, columns: Collection[str]) -> str:
        """The orders' grid code field for orders with ``columns``; '' places each by where it lies."""
        return field_in(self.grid_field, GRID_CODE, columns)

    def named_fields(self) -> list[str]:
        """The orders' field the grids are read from where the orders have it, chosen or by default."""
        named = GRID_CODE if self.grid_field is None else self.grid_field
        return [named] if named else []
