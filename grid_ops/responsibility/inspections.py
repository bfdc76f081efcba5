"""Inspection reports (巡查上报): did the grid staff report inside their own grid, and how much of it do
they cover?

Each report is placed like a work order (``placement.place_orders``); then ``outside_own`` flags a
report placed in another grid than the inspector's own, and ``inspector_coverage`` measures, per
inspector, the share of their own grid's micro-grids (or, without micro-grids, of its 100 m cells)
that at least one of their reports fell in: a grid manager who only ever reports from the gate of
one compound shows a low coverage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.responsibility.geolocate import Hierarchy, pick_with_boundary_rule
from gridgov.grid_ops.schema import GRID_CODE, as_text

CELL_M = 100.0


def outside_own(placed: pd.DataFrame, own_grid) -> np.ndarray:
    """True where a placed report lies in another grid than the inspector's own."""
    own = as_text(own_grid).str.strip()
    grid = placed[GRID_CODE].astype(str).to_numpy()
    return (grid != "") & (own.to_numpy() != "") & (grid != own.to_numpy())


def _cells_of_grid(geom, size: float) -> np.ndarray:
    xmin, ymin, xmax, ymax = geom.bounds
    xs = np.arange(np.floor(xmin / size), np.ceil(xmax / size))
    ys = np.arange(np.floor(ymin / size), np.ceil(ymax / size))
    gx, gy = np.meshgrid(xs, ys)
    centres_x = (gx.ravel() + 0.5) * size
    centres_y = (gy.ravel() + 0.5) * size
    keep = shapely.intersects_xy(geom, centres_x, centres_y)
    return np.column_stack([gx.ravel()[keep], gy.ravel()[keep]]).astype(np.int64)


def inspector_coverage(
    placed: pd.DataFrame,
    inspector,
    own_grid,
    x: np.ndarray,
    y: np.ndarray,
    h: Hierarchy,
) -> pd.DataFrame:
    """Per inspector: reports, reports outside their grid, units of their grid visited / total, coverage %."""
    frame = pd.DataFrame(
        {
            "inspector": as_text(inspector).to_numpy(),
            "own_grid_code": as_text(own_grid).str.strip().to_numpy(),
            GRID_CODE: placed[GRID_CODE].astype(str).to_numpy(),
            "x": np.asarray(x, dtype=float),
            "y": np.asarray(y, dtype=float),
        }
    )
    frame["outside_own"] = outside_own(placed, frame["own_grid_code"])
    micros_per_grid = _own_micro_grids(frame, h)
    grid_index = {code: i for i, code in enumerate(h.grids.codes)}
    rows = [
        _coverage_row(who, own, group, h, grid_index, micros_per_grid)
        for (who, own), group in frame.groupby(["inspector", "own_grid_code"], sort=True)
    ]
    return pd.DataFrame(rows)


def _own_micro_grids(frame: pd.DataFrame, h: Hierarchy) -> pd.Series | None:
    """Micro-grids per grid code (None without micro-grids that name their grid); each report's
    micro-grid goes to ``frame["micro"]`` where it belongs to the inspector's own grid, else -1."""
    if h.micro is None or not h.micro_grid_field or h.micro_grid_field not in h.micro.attrs.columns:
        return None
    micro_parent = as_text(h.micro.attrs[h.micro_grid_field].to_numpy(dtype=object)).to_numpy()
    # every report's micro-grid in one look-up, kept only where it belongs to the inspector's own grid
    inside = (frame[GRID_CODE] == frame["own_grid_code"]).to_numpy() & np.isfinite(frame["x"].to_numpy())
    micro = np.full(len(frame), -1, dtype=np.int64)
    micro[inside], _ = pick_with_boundary_rule(h.micro, frame["x"].to_numpy()[inside], frame["y"].to_numpy()[inside])
    own_micro = (micro >= 0) & (micro_parent[np.maximum(micro, 0)] == frame["own_grid_code"].to_numpy())
    frame["micro"] = np.where(own_micro, micro, -1)
    return pd.Series(micro_parent).value_counts()


def _coverage_row(who, own, group: pd.DataFrame, h: Hierarchy, grid_index: dict, micros_per_grid) -> dict:
    """One inspector's reports and coverage of their own grid: its micro-grids visited, or without
    micro-grids its ``CELL_M`` cells."""
    row = {
        "inspector": who,
        "own_grid_code": own,
        "reports": len(group),
        "outside_own": int(group["outside_own"].sum()),
        "unit": "",
        "units_total": 0,
        "units_visited": 0,
        "coverage_pct": np.nan,
    }
    if own not in grid_index:
        return row
    if micros_per_grid is not None and own in micros_per_grid.index:
        visited = group["micro"].to_numpy()
        row.update(
            unit="micro-grid",
            units_total=int(micros_per_grid[own]),
            units_visited=len(np.unique(visited[visited >= 0])),
        )
    else:
        inside = group[(group[GRID_CODE] == own) & np.isfinite(group["x"])]
        cells = _cells_of_grid(h.grids.geoms[grid_index[own]], CELL_M)
        seen = np.column_stack([np.floor(inside["x"].to_numpy() / CELL_M), np.floor(inside["y"].to_numpy() / CELL_M)])
        seen = np.unique(seen.astype(np.int64), axis=0)
        visited = len({tuple(c) for c in cells} & {tuple(c) for c in seen})
        row.update(unit=f"{CELL_M:g} m cell", units_total=len(cells), units_visited=visited)
    if row["units_total"]:
        row["coverage_pct"] = round(100.0 * row["units_visited"] / row["units_total"], 1)
    return row
