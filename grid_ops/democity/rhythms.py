"""When and where each class case happens in the demo district.

Hour-of-day, weekend and seasonal profiles per class (noise at night and weekends, parking at rush
hours, vending in the evening, dust in the dry season, waterlogging in the rainy season) and the
kind of place that attracts it (homes, roads, shops, construction sites).
"""

from __future__ import annotations

import numpy as np


def hours(*windows: tuple[int, int, float], base: float = 0.15) -> np.ndarray:
    """A 24-hour weight profile: ``base`` everywhere plus weight in [start, end) windows (wrapping)."""
    profile = np.full(24, base)
    for start, end, weight in windows:
        span = range(start, end) if start < end else [*range(start, 24), *range(0, end)]
        for hour in span:
            profile[hour] += weight
    return profile / profile.sum()


DAY = hours((8, 18, 1.0))
NIGHT_LATE = hours((21, 3, 1.0), (19, 21, 0.4), base=0.05)
EVENING = hours((19, 24, 1.0), (7, 9, 0.3), base=0.08)
SQUARE_DANCE = hours((19, 22, 1.5), (7, 9, 0.3), base=0.03)
RUSH = hours((7, 10, 1.0), (17, 20, 1.0), base=0.2)
VENDING = hours((17, 23, 1.0), (6, 9, 0.4), base=0.05)
NIGHT_WORK = hours((22, 5, 1.0), (8, 18, 0.5), base=0.05)
WORKDAY = hours((8, 12, 1.0), (14, 18, 1.0), base=0.02)

FLAT = np.ones(12)
SUMMER = np.array([0.7, 0.7, 0.8, 0.9, 1.1, 1.3, 1.4, 1.4, 1.2, 1.0, 0.8, 0.7])
RAINY = np.array([0.2, 0.2, 0.4, 0.9, 1.6, 2.2, 2.0, 2.0, 1.6, 0.6, 0.3, 0.2])
DRY = np.array([1.4, 1.3, 1.2, 1.0, 0.8, 0.7, 0.7, 0.7, 0.8, 1.0, 1.2, 1.4])

# class code: (share of background orders, attractor, hour profile, weekend factor, seasonal profile)
CLASS_PROFILES: dict[str, tuple[float, str, np.ndarray, float, np.ndarray]] = {
    "0101": (0.06, "residential", DAY, 1.1, SUMMER),
    "0102": (0.03, "residential", DAY, 1.2, SUMMER),
    "0103": (0.02, "commercial", NIGHT_LATE, 1.4, SUMMER),
    "0104": (0.03, "residential", DAY, 0.9, FLAT),
    "0201": (0.02, "commercial", DAY, 0.8, FLAT),
    "0301": (0.03, "construction", WORKDAY, 0.5, DRY),
    "0302": (0.02, "road", WORKDAY, 0.5, FLAT),
    "0401": (0.04, "road", DAY, 0.9, RAINY),
    "0402": (0.02, "road", DAY, 0.9, FLAT),
    "0403": (0.02, "road", DAY, 1.0, RAINY),
    "0404": (0.02, "road", NIGHT_LATE, 1.0, FLAT),
    "0501": (0.04, "commercial", VENDING, 1.4, FLAT),
    "0502": (0.02, "commercial", VENDING, 1.3, FLAT),
    "0503": (0.12, "road", RUSH, 0.7, FLAT),
    "0504": (0.04, "residential", RUSH, 0.8, FLAT),
    "0505": (0.02, "residential", EVENING, 1.2, FLAT),
    "0601": (0.14, "residential", EVENING, 1.6, SUMMER),
    "0602": (0.06, "commercial", NIGHT_LATE, 1.5, SUMMER),
    "0603": (0.05, "construction", NIGHT_WORK, 0.8, DRY),
    "0604": (0.03, "road", NIGHT_LATE, 1.4, SUMMER),
    "0605": (0.03, "residential", SQUARE_DANCE, 1.3, SUMMER),
    "0701": (0.04, "commercial", DAY, 1.3, FLAT),
    "0801": (0.06, "residential", DAY, 1.0, FLAT),
}

HOUR_PROFILES = {
    "day": DAY,
    "night_late": NIGHT_LATE,
    "evening": EVENING,
    "square_dance": SQUARE_DANCE,
    "rush": RUSH,
    "vending": VENDING,
    "night_work": NIGHT_WORK,
    "workday": WORKDAY,
}


def sample_times(
    rng: np.random.Generator,
    n: int,
    year: int,
    hour_profile: np.ndarray,
    weekend_factor: float,
    month_weights: np.ndarray,
) -> np.ndarray:
    """``n`` timestamps (numpy datetime64[s]) following the given rhythms."""
    if n == 0:
        return np.zeros(0, dtype="datetime64[s]")
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"))
    month = days.astype("datetime64[M]").astype(int) % 12
    weekday = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    p = month_weights[month] * np.where(weekday >= 5, weekend_factor, 1.0)
    day = rng.choice(days, n, p=p / p.sum())
    hour = rng.choice(24, n, p=hour_profile)
    seconds = rng.integers(0, 3600, n)
    return day.astype("datetime64[s]") + (hour * 3600 + seconds).astype("timedelta64[s]")
