"""How good is a patrol plan: the share of last period's incidents it passes by, per kilometre.

An incident is *covered* when it happened within ``distance`` metres of a team's route and in the
hours of that route's shift. The plan is compared with two baselines a street office might
otherwise use, both walked by the same teams in the same shifts at the same speed:

- *code order*: the teams share the street's places in code order (consecutive runs) and walk them
  in that order until the shift ends;
- *random*: each team visits as many places as the plan gives it, drawn at random (seeded).

Coverage per kilometre is the share covered divided by the total route length in km.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from gridgov.grid_ops.governance.patrol import in_shift
from gridgov.grid_ops.governance.roadnet import Router

#: Default distance (metres) within which a passing team covers an incident.
COVER_DISTANCE = 100.0


@dataclass
class Coverage:
    name: str
    covered: int
    total: int
    km: float

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0

    @property
    def per_km(self) -> float:
        return self.share / self.km if self.km > 0 else 0.0


def coverage(
    name: str,
    routes: dict[tuple[int, int], np.ndarray],
    shifts: list[tuple[int, int]],
    x: np.ndarray,
    y: np.ndarray,
    minute_of_day: np.ndarray,
    distance: float = COVER_DISTANCE,
) -> Coverage:
    """``routes``: (shift, team) → route coordinates. Incidents outside every shift count as not covered."""
    covered = np.zeros(len(x), dtype=bool)
    km = 0.0
    points = shapely.points(x, y)
    for s, shift in enumerate(shifts):
        lines = [shapely.linestrings(c) for (sh, _), c in routes.items() if sh == s and len(c) >= 2]
        km += sum(shapely.length(line) for line in lines) / 1000
        if not lines:
            continue
        when = np.flatnonzero(in_shift(minute_of_day, *shift) & ~covered)
        hit, _ = shapely.STRtree(lines).query(points[when], predicate="dwithin", distance=distance)
        covered[when[np.unique(hit)]] = True
    return Coverage(name, int(covered.sum()), len(x), km)


def walk(router: Router, places: list[int], service: float, minutes_per_m: float, shift: tuple[int, int]) -> list[int]:
    """The start point, then ``places`` (router indices) in order while the shift lasts, then back."""
    seq, t, here = [0], float(shift[0]), 0
    for p in places:
        arrive = t + router.metres[here, p] * minutes_per_m
        if arrive + service + router.metres[p, 0] * minutes_per_m > shift[1]:
            break
        seq.append(p)
        t, here = arrive + service, p
    return [*seq, 0]


def code_order_routes(
    router: Router, place_codes: np.ndarray, n_teams: int, shifts, service: float, speed_kmh: float
) -> dict[tuple[int, int], np.ndarray]:
    """Baseline: consecutive runs of the places in code order, one run per team."""
    order = np.argsort(np.asarray(place_codes, dtype=str), kind="stable") + 1  # router index = place + 1
    runs = np.array_split(order, n_teams)
    per_m = 60 / (speed_kmh * 1000)
    return {
        (s, t): router.line(walk(router, [int(p) for p in runs[t]], service, per_m, shift))
        for s, shift in enumerate(shifts)
        for t in range(n_teams)
    }


def random_routes(
    router: Router,
    n_places: int,
    stops_per_route: dict[tuple[int, int], int],
    shifts,
    service: float,
    speed_kmh: float,
    seed: int = 0,
) -> dict[tuple[int, int], np.ndarray]:
    """Baseline: as many stops per team and shift as the plan has, drawn at random from all places."""
    rng = np.random.default_rng(seed)
    per_m = 60 / (speed_kmh * 1000)
    out = {}
    for (s, t), k in sorted(stops_per_route.items()):
        drawn = rng.choice(n_places, size=min(k, n_places), replace=False) + 1
        out[(s, t)] = router.line(walk(router, [int(p) for p in drawn], service, per_m, shifts[s]))
    return out
