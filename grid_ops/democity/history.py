"""The demo district's order archive: three years of placed orders (2023–2025), for the forecasts
and the early warning, with planted truth.

The year's 12345 export (``orders``) is one year; forecasting needs seasons before it. The archive
(``order_history``) is drawn from that year's true positions: each grid × class case keeps its
rate, the class case's month-by-month rhythm of the year, and a slow rise (the city grows); each
archived order lies near one of that year's true positions of its grid and class case. Planted on
top, each with a table of the truth:

- ``truth_surges``: grid × class cases whose last month (December 2025) jumps (a sudden fault, a new
  night market): the early warning must find them, and not the quiet grids;
- ``truth_season``: grids whose drains fail in every rainy season (May–September, waterlogging
  0403), the Shenzhen counterpart of Qingdao's radiators: the season-ahead list must put them first.

Drawn from its own random stream, so the rest of the city is the same with or without it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, REPORTED_AT

MONTHS = pd.date_range("2023-01-01", "2025-12-01", freq="MS")
#: The archive's size against the export's year: 2023 and 2024 a little quieter (the city grows).
YEAR_LEVEL = {2023: 0.85, 2024: 0.92, 2025: 1.0}
SURGES = 12
SURGE_FACTOR, SURGE_EXTRA = 3.0, 6
SEASON_CLASS, SEASON_MONTHS, SEASON_GRIDS, SEASON_EXTRA = "0403", (5, 6, 7, 8, 9), 8, 10
JITTER_M = 5.0


def _grid_of(points: np.ndarray, grids: gpd.GeoDataFrame) -> np.ndarray:
    """Each point's grid code ('' outside every grid): the first grid holding it."""
    tree = shapely.STRtree(grids.geometry.to_numpy())
    point_idx, grid_idx = tree.query(points, predicate="intersects")
    codes = np.full(len(points), "", dtype=object)
    first = np.unique(point_idx, return_index=True)[1]
    codes[point_idx[first]] = grids[GRID_CODE].to_numpy(dtype=object)[grid_idx[first]]
    return codes


def _draws(pool: dict, keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One true position per key (grid, class) drawn from that key's positions, moved a few metres."""
    xy = np.empty((len(keys), 2))
    order = np.argsort(keys, kind="stable")
    bounds = np.flatnonzero(np.r_[True, keys[order][1:] != keys[order][:-1], True])
    for start, end in zip(bounds[:-1], bounds[1:]):
        rows = order[start:end]
        positions = pool[keys[rows[0]]]
        xy[rows] = positions[rng.integers(0, len(positions), len(rows))]
    return xy + rng.normal(0.0, JITTER_M, xy.shape)


def _times(months: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A time within each month: any day, between 07:00 and 23:00."""
    starts = MONTHS.to_numpy()[months]
    days = pd.DatetimeIndex(starts).days_in_month.to_numpy()
    offset = (rng.random(len(months)) * days).astype("int64") * 86400 + rng.integers(7 * 3600, 23 * 3600, len(months))
    return starts.astype("datetime64[s]") + offset.astype("timedelta64[s]")


def build_order_history(
    truth_orders: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, rng: np.random.Generator
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """(order_history, truth_surges, truth_season) from the year's true orders and the grids."""
    points = truth_orders.geometry.to_numpy()
    grid = _grid_of(points, grids)
    classes = truth_orders[CLASS_CODE].astype(str).to_numpy(dtype=object)
    month = pd.to_datetime(truth_orders["true_time"]).dt.month.to_numpy()
    inside = grid != ""
    key = grid[inside] + "|" + classes[inside]
    xy = shapely.get_coordinates(points[inside])
    pool = {k: xy[key == k] for k in np.unique(key)}
    keys, yearly = np.unique(key, return_counts=True)
    # the class case's rhythm: its share of the year in each calendar month
    rhythm = pd.crosstab(classes[inside], month[inside]).reindex(columns=range(1, 13), fill_value=0)
    rhythm = (rhythm.T / rhythm.sum(axis=1)).T * 12
    key_class = np.array([k.split("|")[1] for k in keys], dtype=object)
    rate = (yearly / 12.0)[:, None] * rhythm.loc[key_class, MONTHS.month].to_numpy()
    rate *= np.array([YEAR_LEVEL[y] for y in MONTHS.year])[None, :]
    counts = rng.poisson(rate)

    # planted surges: busy enough grid × class cases in distinct grids, December 2025 jumps
    busy = np.flatnonzero(yearly >= 24)
    chosen, seen = [], set()
    for k in rng.permutation(busy):
        g = keys[k].split("|")[0]
        if g not in seen:
            chosen.append(k)
            seen.add(g)
        if len(chosen) == SURGES:
            break
    last = len(MONTHS) - 1
    added = np.ceil(SURGE_FACTOR * rate[chosen, last] + SURGE_EXTRA).astype(int)
    counts[chosen, last] += added
    surges = pd.DataFrame(
        {
            GRID_CODE: [keys[k].split("|")[0] for k in chosen],
            CLASS_CODE: [keys[k].split("|")[1] for k in chosen],
            "month": MONTHS[last].strftime("%Y-%m"),
            "expected": np.round(rate[chosen, last], 2),
            "added": added,
        }
    )

    # planted rainy-season grids: waterlogging every May–September, at the grid's own places
    candidates = sorted({k.split("|")[0] for k in keys} - seen)
    season_grids = list(rng.choice(candidates, SEASON_GRIDS, replace=False))
    extra_keys, extra_months = [], []
    for g in season_grids:
        own = f"{g}|{SEASON_CLASS}"
        if own not in pool:  # no waterlogging there this year: the grid's other places
            pool[own] = np.concatenate([pool[k] for k in pool if k.startswith(g + "|")])
        for m in np.flatnonzero(np.isin(MONTHS.month, SEASON_MONTHS)):
            extra_keys += [own] * SEASON_EXTRA
            extra_months += [m] * SEASON_EXTRA
    season = pd.DataFrame({GRID_CODE: season_grids, CLASS_CODE: SEASON_CLASS, "season_months": "5-9"})

    row, month_index = np.nonzero(counts)
    repeat = counts[row, month_index]
    all_keys = np.concatenate([np.repeat(keys[row], repeat), np.array(extra_keys, dtype=object)])
    all_months = np.concatenate([np.repeat(month_index, repeat), np.array(extra_months, dtype=int)])
    times = _times(all_months, rng)
    order = np.argsort(times, kind="stable")
    all_keys, times = all_keys[order], times[order]
    position = _draws(pool, all_keys, rng)
    parts = np.array([k.split("|") for k in all_keys], dtype=object).reshape(-1, 2)
    history = gpd.GeoDataFrame(
        {
            "order_id": [f"LS{i:09d}" for i in range(1, len(all_keys) + 1)],
            CLASS_CODE: parts[:, 1],
            REPORTED_AT: pd.to_datetime(times).strftime("%Y-%m-%d %H:%M:%S"),
        },
        geometry=shapely.points(position),
        crs=grids.crs,
    )
    return history, surges, season
