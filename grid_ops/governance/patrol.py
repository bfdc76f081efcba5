"""Patrol plans for a street office: which hot places each team visits, in what order, and when.

The street office has patrol teams, shifts (``19:00-23:00``) and a start point (the office or a
police post). Candidate places are hot grids or hot areas (polygons). For each shift a place becomes
a *stop* when last period's orders of the targeted class cases happened there in that shift's
hours: its *expected incidents* are those orders per day, and its *time window* is the shortest run
of whole hours inside the shift that held half of them (at least ``MIN_WINDOW`` minutes), so the
team arrives while the trouble usually is.

A team's *load* is the expected incidents of the stops it is given: that is what the street office
shares out between teams. The solver (``grid_ops.governance.routing``) keeps each team's load within a band
around the mean, keeps routes short (so each team's stops lie together) and respects the windows.

Times are minutes after midnight of the shift's day; a shift past midnight ends after 1440.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Shortest visiting window at a stop (minutes).
MIN_WINDOW = 60
#: Default time spent at a stop (minutes).
SERVICE_MIN = 20.0
#: Default patrol speed (km/h): e-bike patrols in town.
SPEED_KMH = 12.0
#: A place expecting more than this share of a team's mean load is visited several times (split).
SPLIT_SHARE = 0.5
#: Keep the hottest places of a shift that together expect this share of its incidents.
FOCUS_SHARE = 0.8

_SHIFT = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*(?:-|–|~|至|到)\s*(\d{1,2})(?::(\d{2}))?\s*$")


def parse_shifts(text: str) -> list[tuple[int, int]]:
    """Shifts as (start, end) minutes from ``19:00-23:00; 7-10``; ``22-2`` ends at 26:00 (1560)."""
    shifts = []
    for part in re.split(r"[,，;；]", str(text or "")):
        if not part.strip():
            continue
        m = _SHIFT.match(part)
        if m is None:
            raise ValueError(f"shift {part.strip()!r} is not a time range like 19:00-23:00")
        h0, m0, h1, m1 = int(m.group(1)), int(m.group(2) or 0), int(m.group(3)), int(m.group(4) or 0)
        if h0 > 23 or h1 > 24 or m0 > 59 or m1 > 59 or (h1 == 24 and m1):
            raise ValueError(f"shift {part.strip()!r}: times run from 00:00 to 24:00")
        start, end = h0 * 60 + m0, h1 * 60 + m1
        if end <= start:
            end += 1440
        shifts.append((start, end))
    if not shifts:
        raise ValueError("no shift given: write the patrol hours, e.g. 19:00-23:00")
    return shifts


#: Separators between the entries of a list of places or pins.
_LIST = re.compile(r"[,，;；\s]+")


class PinError(ValueError):
    """An entry of the pins that is not ``place=team`` (``part``)."""

    def __init__(self, part: str) -> None:
        super().__init__(f"{part!r} is not place=team")
        self.part = part


def parse_pins(text: str | None) -> dict[str, str]:
    """Place id → team id from ``place=team; place=team``; a malformed entry raises ``PinError``."""
    out = {}
    for part in _LIST.split(text or ""):
        if not part:
            continue
        place, sep, team = part.partition("=")
        if not sep or not place or not team:
            raise PinError(part)
        out[place] = team
    return out


def parse_drops(text: str | None) -> set[str]:
    """The place ids of ``place, place``."""
    return {part for part in _LIST.split(text or "") if part}


def clock(minutes: float) -> str:
    """``21:05`` for 1265; ``01:30`` for 1530 (past midnight)."""
    m = round(minutes) % 1440
    return f"{m // 60:02d}:{m % 60:02d}"


def shift_text(shift: tuple[int, int]) -> str:
    return f"{clock(shift[0])}-{clock(shift[1])}"


@dataclass
class Teams:
    """The street office's patrol teams; ``ids`` are what stops may be pinned to."""

    ids: list[str]
    names: list[str]

    def __post_init__(self) -> None:
        if not self.ids:
            raise ValueError("no patrol team: the team table has no team for this street office")
        if len(set(self.ids)) != len(self.ids):
            dup = pd.Series(self.ids)[pd.Series(self.ids).duplicated()].iloc[0]
            raise ValueError(f"team_id {dup!r} appears twice in the team table")


@dataclass
class Places:
    """Candidate places: an id, a label and a visiting point each (e.g. hot grids' inner points)."""

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.ids = np.asarray(self.ids, dtype=object)
        self.x = np.asarray(self.x, dtype=float)
        self.y = np.asarray(self.y, dtype=float)
        self.labels = self.ids if self.labels is None else np.asarray(self.labels, dtype=object)


def expected_incidents(
    place_of_order: np.ndarray,
    minute_of_day: np.ndarray,
    n_places: int,
    shifts: list[tuple[int, int]],
    days: float,
) -> np.ndarray:
    """Orders per day at each place in each shift's hours: array (shifts, places).

    ``place_of_order`` is -1 for orders at no candidate place; ``days`` is the length of the period
    the orders come from.
    """
    out = np.zeros((len(shifts), n_places))
    ok = place_of_order >= 0
    for s, (start, end) in enumerate(shifts):
        during = in_shift(minute_of_day, start, end) & ok
        out[s] = np.bincount(place_of_order[during], minlength=n_places) / max(days, 1e-9)
    return out


def in_shift(minute_of_day: np.ndarray, start: int, end: int) -> np.ndarray:
    """Whether each minute of the day falls in the shift [start, end), which may run past midnight."""
    m = np.asarray(minute_of_day, dtype=float)
    return ((m >= start) & (m < end)) | ((m + 1440 >= start) & (m + 1440 < end))


def stop_windows(
    place_of_order: np.ndarray, minute_of_day: np.ndarray, places: np.ndarray, shift: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Each stop's visiting window inside ``shift``: the shortest run of whole hours (clipped to the
    shift) holding half the place's orders in the shift, widened to ``MIN_WINDOW``."""
    start, end = shift
    m = np.asarray(minute_of_day, dtype=float)
    rel = np.where(m >= start, m - start, m + 1440 - start)  # minutes since the shift began
    n_slots = int(np.ceil((end - start) / 60))
    within = rel < end - start
    ws = np.full(len(places), float(start))
    we = np.full(len(places), float(end))
    for k, place in enumerate(places):
        sel = within & (place_of_order == place)
        if not sel.any():
            continue
        hourly = np.bincount((rel[sel] // 60).astype(int), minlength=n_slots)[:n_slots].astype(float)
        prefix = np.concatenate([[0.0], np.cumsum(hourly)])
        for length in range(1, n_slots + 1):
            sums = prefix[length:] - prefix[:-length]
            if sums.max() >= 0.5 * hourly.sum() - 1e-9:
                first = int(np.argmax(sums))
                ws[k] = start + 60 * first
                we[k] = min(end, start + 60 * (first + length))
                break
        if we[k] - ws[k] < MIN_WINDOW:
            centre = (ws[k] + we[k]) / 2
            ws[k] = max(start, min(centre - MIN_WINDOW / 2, end - MIN_WINDOW))
            we[k] = min(end, ws[k] + MIN_WINDOW)
    return ws, we


@dataclass
class Stops:
    """The stops of one plan, across shifts. ``place`` indexes ``Places``; node 0 of the matrix is
    the start point, node ``place + 1`` is a place."""

    place: np.ndarray
    shift: np.ndarray
    expected: np.ndarray
    win_start: np.ndarray
    win_end: np.ndarray
    service: np.ndarray
    pinned: np.ndarray  # team index, -1 for free

    def __len__(self) -> int:
        return len(self.place)


def build_stops(
    places: Places,
    teams: Teams,
    shifts: list[tuple[int, int]],
    place_of_order: np.ndarray,
    minute_of_day: np.ndarray,
    days: float,
    min_expected: float = 0.0,
    focus_share: float = FOCUS_SHARE,
    service_min: float = SERVICE_MIN,
    pins: dict[str, str] | None = None,
    drops: set[str] | None = None,
) -> Stops:
    """Stops for every shift: the hottest places holding ``focus_share`` of the shift's expected
    incidents (pinned places always), each expecting more than ``min_expected`` a day; a place
    hotter than ``SPLIT_SHARE`` of a team's mean load becomes several visits that share its load.

    ``pins`` maps a place id to a team id (that team must take it); ``drops`` lists place ids left
    out of this plan. Unknown ids raise ``ValueError`` naming them.
    """
    pins = pins or {}
    drops = drops or set()
    pinned_team = _pinned_teams(places, teams, pins, drops)
    expected = expected_incidents(place_of_order, minute_of_day, len(places.ids), shifts, days)
    keep_place = ~np.isin(np.array([str(i) for i in places.ids], dtype=object), list(drops))
    timing = (place_of_order, minute_of_day)
    parts = [
        _shift_stops(
            s, shift, np.where(keep_place, expected[s], 0.0), keep_place, pinned_team, timing, len(teams.ids),
            focus_share, min_expected,
        )
        for s, shift in enumerate(shifts)
    ]  # fmt: skip
    place = np.concatenate([p[0] for p in parts]).astype(np.int64)
    return Stops(
        place=place,
        shift=np.concatenate([p[1] for p in parts]).astype(np.int64),
        expected=np.concatenate([p[2] for p in parts]),
        win_start=np.concatenate([p[3] for p in parts]),
        win_end=np.concatenate([p[4] for p in parts]),
        service=np.full(len(place), float(service_min)),
        pinned=np.concatenate([p[5] for p in parts]).astype(np.int64),
    )


def _pinned_teams(places: Places, teams: Teams, pins: dict[str, str], drops: set[str]) -> np.ndarray:
    """The team each place is pinned to (its index; -1 for a free place). A pin or drop of a place
    that is no candidate, or a pin to a team that is not the street office's, raises ValueError."""
    known = set(map(str, places.ids))
    for pid in [*pins, *drops]:
        if str(pid) not in known:
            raise ValueError(f"place {pid!r} (pinned or dropped) is not one of the candidate places")
    team_index = {t: i for i, t in enumerate(teams.ids)}
    for pid, tid in pins.items():
        if tid not in team_index:
            raise ValueError(f"place {pid!r} is pinned to team {tid!r}, which is not a team of this street office")
    return np.array([team_index[pins[str(i)]] if str(i) in pins else -1 for i in places.ids], dtype=np.int64)


def _shift_stops(
    s: int,
    shift: tuple[int, int],
    value: np.ndarray,
    keep_place: np.ndarray,
    pinned_team: np.ndarray,
    timing: tuple[np.ndarray, np.ndarray],
    n_teams: int,
    focus_share: float,
    min_expected: float,
) -> tuple[np.ndarray, ...]:
    """The stops of shift ``s``: (place, shift, expected, window start, window end, pinned team)
    per visit, from each place's expected incidents in the shift (``value``, 0 where dropped)."""
    pinned_place = (pinned_team >= 0) & keep_place
    chosen = _focus(value, focus_share) | (pinned_place & (value > 0))
    chosen = np.flatnonzero(chosen & (value > min_expected))
    ws, we = stop_windows(*timing, chosen, shift)
    pinned = pinned_team[chosen]
    # hot places get several visits, so no single stop outweighs half a team's share
    share = SPLIT_SHARE * value[chosen].sum() / n_teams if len(chosen) else 1.0
    visits = np.maximum(np.ceil(value[chosen] / max(share, 1e-12) - 1e-9), 1).astype(np.int64)
    rep = np.repeat(np.arange(len(chosen)), visits)
    return chosen[rep], np.full(len(rep), s), (value[chosen] / visits)[rep], ws[rep], we[rep], pinned[rep]


def _focus(value: np.ndarray, share: float) -> np.ndarray:
    """The hottest places that together hold ``share`` of the value (ties at the cut kept)."""
    total = value.sum()
    if total <= 0:
        return np.zeros(len(value), dtype=bool)
    order = np.argsort(-value, kind="stable")
    needed = int(np.searchsorted(np.cumsum(value[order]), share * total - 1e-9)) + 1
    cut = value[order[min(needed, len(value)) - 1]]
    return value >= cut


def simulate(
    route: list[int], stops: Stops, minutes: np.ndarray, shift: tuple[int, int]
) -> tuple[np.ndarray, float] | None:
    """Earliest arrival at each stop of ``route`` (stop indices) and the return time, or None when
    a window or the shift end cannot be kept. ``minutes`` is travel time between matrix nodes."""
    t = float(shift[0])
    here = 0
    arrivals = np.empty(len(route))
    for k, s in enumerate(route):
        node = stops.place[s] + 1
        t = max(t + minutes[here, node], stops.win_start[s])
        if t > stops.win_end[s] + 1e-6:
            return None
        arrivals[k] = t
        t += stops.service[s]
        here = node
    back = t + minutes[here, 0]
    return (arrivals, back) if back <= shift[1] + 1e-6 else None


@dataclass
class Plan:
    """For each shift and team, the ordered stop indices; stops on no route are dropped."""

    routes: dict[tuple[int, int], list[int]]
    solver: str
    notes: list[str] = field(default_factory=list)

    def team_of_stop(self, n_stops: int) -> np.ndarray:
        team = np.full(n_stops, -1, dtype=np.int64)
        for (_, t), route in self.routes.items():
            team[route] = t
        return team

    def loads(self, stops: Stops, n_teams: int) -> np.ndarray:
        team = self.team_of_stop(len(stops))
        ok = team >= 0
        return np.bincount(team[ok], weights=stops.expected[ok], minlength=n_teams)


def balance_ratio(loads: np.ndarray) -> float:
    """Largest team load over smallest (inf when a team has nothing while others do)."""
    loads = np.asarray(loads, dtype=float)
    if not len(loads) or loads.max() <= 0:
        return 1.0
    return float(loads.max() / loads.min()) if loads.min() > 0 else float("inf")
