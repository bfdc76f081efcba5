"""When a class case happens: hour-of-day × day-of-week profiles, so patrols can be timed.

Street offices schedule patrols by shift; what they need from the data is "noise here peaks on
Friday and Saturday nights from 22:00 to 01:00". A profile is the 7 × 24 table of order counts of
one group (a grid, hot area or street); its peak window is the shortest run of consecutive hours
(wrapping past midnight) that holds at least ``share`` of the group's orders.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridgov.grid_ops.orders.selection import FilterRequest, field_in
from gridgov.grid_ops.schema import GRID_CODE

WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True)
class TimeProfileRequest:
    """Time profiles as the toolbox, the dock or a script asks for them (``gridgov:timeprofile``)."""

    #: The orders' group field (a grid, hot area or street); None: ``grid_code`` where the orders
    #: have it; '': all orders as one group.
    group_field: str | None = None
    filter: FilterRequest = dataclasses.field(default_factory=FilterRequest)
    #: The groups with most orders that are profiled; 0 for all.
    top: int = 10
    #: The share of a group's orders its peak window and peak days hold.
    share: float = 0.5

    def group_field_in(self, columns: Collection[str]) -> str:
        """The group field for orders with ``columns``; '' for all orders as one group."""
        return field_in(self.group_field, GRID_CODE, columns)


def profiles_of(
    groups: np.ndarray, times: np.ndarray, request: TimeProfileRequest
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, np.ndarray]]:
    """``profiles`` of the (already filtered) orders' ``groups`` and ``times`` as ``request`` asks."""
    return profiles(groups, times, request.top or None, request.share)


def hour_weekday_counts(times: np.ndarray) -> np.ndarray:
    """7 × 24 counts (Monday first) of the times given; NaT are left out."""
    t = np.asarray(times, dtype="datetime64[s]")
    t = t[~np.isnat(t)]
    hours = t.astype("datetime64[h]").astype(np.int64) % 24
    days = (t.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    return np.bincount(days * 24 + hours, minlength=7 * 24).reshape(7, 24)


def peak_window(hourly: np.ndarray, share: float = 0.5) -> tuple[int, int]:
    """The shortest run of consecutive hours holding ``share`` of the total: (start hour, length).

    The run may wrap past midnight (start 22, length 4 is 22:00–02:00).

    Among runs of that length the one with most orders wins, then the earliest start.
    """
    hourly = np.asarray(hourly, dtype=float)
    total = hourly.sum()
    if total <= 0:
        return 0, 0
    doubled = np.concatenate([hourly, hourly])
    prefix = np.concatenate([[0.0], np.cumsum(doubled)])
    for length in range(1, 25):
        sums = prefix[length : length + 24] - prefix[:24]
        if sums.max() >= share * total - 1e-9:
            return int(np.argmax(sums)), length
    return 0, 24


def peak_days(counts: np.ndarray, share: float = 0.5) -> list[int]:
    """The fewest weekdays (Monday = 0) that hold ``share`` of the orders, busiest first."""
    daily = counts.sum(axis=1)
    total = daily.sum()
    if total <= 0:
        return []
    order = np.argsort(-daily, kind="stable")
    cumulative = np.cumsum(daily[order])
    needed = int(np.searchsorted(cumulative, share * total - 1e-9)) + 1
    return [int(d) for d in order[:needed]]


def hours_text(start: int, length: int) -> str:
    """``22:00–02:00`` for start 22, length 4; empty for no window."""
    return f"{start:02d}:00–{(start + length) % 24:02d}:00" if length else ""


def profiles(
    groups: np.ndarray, times: np.ndarray, top: int | None = None, share: float = 0.5
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, np.ndarray]]:
    """(summary per group, long table group × weekday × hour, 7 × 24 counts per group).

    Groups are ordered by their number of orders (most first); ``top`` keeps that many. The summary
    has ``orders``, ``peak_hours`` (e.g. 22:00–02:00), ``peak_share`` (its share of the orders),
    ``peak_days`` (e.g. Fri,Sat) and ``peak_days_zh``.
    """
    groups = pd.Series(np.asarray(groups, dtype=object)).fillna("").astype(str).str.strip().to_numpy()
    t = np.asarray(times, dtype="datetime64[s]")
    valid = (groups != "") & ~np.isnat(t)
    sizes = pd.Series(groups[valid]).value_counts()
    names = list(sizes.index[:top] if top else sizes.index)
    summary, rows, tables = [], [], {}
    for name in names:
        counts = hour_weekday_counts(t[valid & (groups == name)])
        tables[name] = counts
        hourly = counts.sum(axis=0)
        start, length = peak_window(hourly, share)
        hours_in = [(start + k) % 24 for k in range(length)]
        days = peak_days(counts, share)
        summary.append(
            {
                "group": name,
                "orders": int(counts.sum()),
                "peak_hours": hours_text(start, length),
                "peak_share": round(float(hourly[hours_in].sum() / max(hourly.sum(), 1)), 3),
                "peak_days": ",".join(WEEKDAYS_EN[d] for d in days),
                "peak_days_zh": "、".join(WEEKDAYS_ZH[d] for d in days),
            }
        )
        day, hour = np.meshgrid(np.arange(7), np.arange(24), indexing="ij")
        rows.append(
            pd.DataFrame({"group": name, "weekday": day.ravel(), "hour": hour.ravel(), "count": counts.ravel()})
        )
    long = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["group", "weekday", "hour", "count"])
    return (
        pd.DataFrame(summary, columns=["group", "orders", "peak_hours", "peak_share", "peak_days", "peak_days_zh"]),
        long,
        tables,
    )
