"""Emerging hot spots: how each grid's hot-spot status moves over time (ArcGIS's Emerging Hot Spot
Analysis, with its defaults).

1. A space-time cube: order counts per grid and time step (week or month), zeros included.
2. Space-time Gi* per bin: its neighbours are the grid itself and its spatial neighbours in the
   same time step and the previous one (ArcGIS's neighbourhood time step 1), binary weights,
   measured against the mean and variance of the whole cube (the "entire cube" global window);
   two-sided p-values, Benjamini–Hochberg FDR over the cube, significant at 90 % confidence (a
   non-zero ArcGIS bin).
3. A Mann-Kendall trend test on each grid's series of Gi* z-scores.
4. One of 17 patterns per grid, by the rules of research/peers.md §3c (ArcGIS's definitions as
   sfdep re-implements them; "90 %" means at least 90 % of the time steps). Where sfdep's order
   would call a grid that is hot 90 % of the time but not in the final step "persistent", this
   follows ArcGIS's wording: the most recent step not hot makes it a historical hot spot, and
   persistent, intensifying and diminishing hot spots are hot in the final step.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from gridgov.grid_ops.analytics.gridstats import period_labels
from gridgov.grid_ops.analytics.hotspots import bh_thresholds, confidence_bins
from gridgov.grid_ops.analytics.weights import WeightsChoice, binary_weights
from gridgov.grid_ops.orders.selection import FilterRequest, GridFields
from gridgov.grid_ops.schema import GRID_CODE

KINDS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating", "historical")
#: The 17 patterns: no pattern, then each kind as a hot and as a cold spot.
PATTERNS = ("no pattern", *(f"{k} {s} spot" for k in KINDS for s in ("hot", "cold")))
#: Chinese names for maps and the governance list.
PATTERNS_ZH = {
    "no pattern": "无模式",
    "new hot spot": "新增热点",
    "new cold spot": "新增冷点",
    "consecutive hot spot": "连续热点",
    "consecutive cold spot": "连续冷点",
    "intensifying hot spot": "加强热点",
    "intensifying cold spot": "加强冷点",
    "persistent hot spot": "持续热点",
    "persistent cold spot": "持续冷点",
    "diminishing hot spot": "减弱热点",
    "diminishing cold spot": "减弱冷点",
    "sporadic hot spot": "零星热点",
    "sporadic cold spot": "零星冷点",
    "oscillating hot spot": "振荡热点",
    "oscillating cold spot": "振荡冷点",
    "historical hot spot": "历史热点",
    "historical cold spot": "历史冷点",
}
STEPS = ("week", "month")


@dataclass(frozen=True)
class EmergingRequest:
    """An emerging hot-spot analysis as the toolbox, the dock or a script asks for it
    (``gridgov:emerginghotspots``)."""

    grid_fields: GridFields = dataclasses.field(default_factory=GridFields)
    filter: FilterRequest = dataclasses.field(default_factory=FilterRequest)
    #: One of STEPS: the cube's time step.
    time_step: str = "month"
    weights: WeightsChoice = dataclasses.field(default_factory=WeightsChoice)
    #: The significance level of a hot or cold bin.
    alpha: float = 0.10
    #: Benjamini–Hochberg's threshold over the cube instead of ``alpha`` itself.
    fdr: bool = True


@dataclass(frozen=True, eq=False)
class SpaceTimeCube:
    """Order counts per grid and time step, zeros included: the consecutive ``labels`` from the first
    order's step to the last one's, and ``counts`` (n_grids, n_steps)."""

    labels: pd.PeriodIndex
    counts: np.ndarray

    @classmethod
    def of(cls, grid_index: np.ndarray, times: np.ndarray, n_grids: int, step: str = "month") -> SpaceTimeCube:
        """The cube of orders in grid ``grid_index`` (-1: none) at ``times`` (ValueError: none has one)."""
        labels, step_index = time_steps(times, step)
        return cls(labels, space_time_cube(grid_index, step_index, n_grids, len(labels)))


@dataclass(frozen=True, eq=False)
class EmergingResult:
    """Per grid (``table``): the pattern and its facts (``emerging_hotspots``) and a ``z_<step>``
    column per time step; ``z`` the (n_grids, n_steps) z-scores of ``cube``."""

    table: pd.DataFrame
    z: np.ndarray
    cube: SpaceTimeCube
    fdr: bool

    def cube_table(self, grid_codes: np.ndarray) -> pd.DataFrame:
        """Every grid (``grid_codes``) × time step: its count, z-score and confidence bin (±3, ±2, ±1
        as Gi*'s ``gi_bin``)."""
        z, labels = self.z, self.cube.labels.astype(str)
        bins = confidence_bins(z.ravel(), 2 * stats.norm.sf(np.abs(z.ravel())), self.fdr).reshape(z.shape)
        return pd.DataFrame(
            {
                GRID_CODE: np.repeat(grid_codes, len(labels)),
                "time_step": np.tile(labels, len(grid_codes)),
                "count": self.cube.counts.ravel().astype(int),
                "gi_z": z.ravel().round(4),
                "gi_bin": bins.ravel(),
            }
        )


def emerging_of(cube: SpaceTimeCube, w: sparse.csr_matrix, request: EmergingRequest) -> EmergingResult:
    """``emerging_hotspots`` of ``cube`` with neighbours ``w`` as ``request`` asks, with the z-score
    of every time step as a column ``z_2025_06`` (a week: ``z_2025_06_02_2025_06_08``)."""
    table, z = emerging_hotspots(cube.counts, w, alpha=request.alpha, fdr=request.fdr)
    names = [f"z_{label}".replace("-", "_").replace("/", "_") for label in cube.labels.astype(str)]
    steps = pd.DataFrame(z.round(4), columns=names, index=table.index)
    return EmergingResult(pd.concat([table, steps], axis=1), z, cube, request.fdr)


def time_steps(times: np.ndarray, step: str = "month") -> tuple[pd.PeriodIndex, np.ndarray]:
    """The consecutive time steps from the first to the last order, and each order's step (-1: no time)."""
    if step not in STEPS:
        raise ValueError(f"time step is week or month, not {step!r}")
    periods = period_labels(times, step)
    known = ~periods.isna()
    if not known.any():
        raise ValueError("no order has a readable time")
    labels = pd.period_range(periods[known].min(), periods[known].max(), freq=periods.freq)
    index = np.full(len(periods), -1, dtype=np.int64)
    index[known] = (periods[known] - labels[0]).map(lambda offset: offset.n).to_numpy(dtype=np.int64)
    return labels, index


def space_time_cube(grid_index: np.ndarray, step_index: np.ndarray, n_grids: int, n_steps: int) -> np.ndarray:
    """Counts (n_grids, n_steps); orders without a grid (-1) or a step (-1) are left out."""
    ok = (grid_index >= 0) & (step_index >= 0)
    flat = grid_index[ok] * n_steps + step_index[ok]
    return np.bincount(flat, minlength=n_grids * n_steps).reshape(n_grids, n_steps).astype(float)


def space_time_gi(cube: np.ndarray, w: sparse.csr_matrix, time_lag: int = 1) -> np.ndarray:
    """Gi* z-score of every bin (n_grids, n_steps) over the whole cube."""
    n_steps = cube.shape[1]
    a = binary_weights(w, with_self=True)
    spatial = a @ cube  # neighbours and itself, same step
    k = np.asarray(a.sum(axis=1)).ravel()
    sums = np.zeros_like(cube)
    weight = np.zeros_like(cube)
    for lag in range(time_lag + 1):
        sums[:, lag:] += spatial[:, : n_steps - lag]
        weight[:, lag:] += k[:, None]
    n = cube.size
    mean = cube.mean()
    sd = np.sqrt((cube**2).mean() - mean**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (sums - mean * weight) / (sd * np.sqrt((n * weight - weight**2) / (n - 1)))
    return np.where(np.isfinite(z), z, 0.0)


def mann_kendall(series: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann-Kendall per row: (tau, two-sided p, S); variance corrected for ties, continuity-corrected Z."""
    x = np.asarray(series, dtype=float)
    m, n = x.shape
    s = np.zeros(m)
    for k in range(n - 1):
        s += np.sign(x[:, k + 1 :] - x[:, k : k + 1]).sum(axis=1)
    var = np.full(m, n * (n - 1) * (2 * n + 5) / 18.0)
    ordered = np.sort(x, axis=1)
    tied_rows = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
    for r in tied_rows:
        _, t = np.unique(x[r], return_counts=True)
        var[r] -= (t * (t - 1) * (2 * t + 5)).sum() / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, (s - 1) / np.sqrt(var), np.where(s < 0, (s + 1) / np.sqrt(var), 0.0))
    z = np.where(np.isfinite(z), z, 0.0)
    p = 2 * stats.norm.sf(np.abs(z))
    tau = s / (n * (n - 1) / 2)
    return tau, p, s


def classify(
    z: np.ndarray, significant: np.ndarray, tau: np.ndarray, trend_p: np.ndarray, trend_alpha: float = 0.05
) -> np.ndarray:
    """The pattern of each grid from its z and significance series (rows) and its trend."""
    n_steps = z.shape[1]
    hot = significant & (z > 0)
    cold = significant & (z < 0)
    out = np.full(z.shape[0], "no pattern", dtype=object)
    for row in range(z.shape[0]):
        for sign, mine, other in (("hot", hot[row], cold[row]), ("cold", cold[row], hot[row])):
            pattern = _pattern(mine, other, significant[row], tau[row], trend_p[row], trend_alpha, sign, n_steps)
            if pattern:
                out[row] = pattern
                break
    return out


def _pattern(mine, other, sig, tau, trend_p, alpha, sign, n) -> str | None:
    """One family (hot or cold): ``mine`` the steps significant in this sign, ``other`` in the other."""
    share = mine.sum() / n
    final = bool(mine[-1])
    trend_up = tau > 0 if sign == "hot" else tau < 0  # intensifying: hotter (or colder) over time
    if final and sig.sum() == 1:
        return f"new {sign} spot"
    if final and share < 0.9:
        run = n - np.flatnonzero(~sig)[-1] - 1 if (~sig).any() else n
        before = sig[: n - run]
        if run >= 2 and mine[n - run :].all() and not before.any():
            return f"consecutive {sign} spot"
    if share >= 0.9 and not final:  # hot for most of the time, but not any more
        return f"historical {sign} spot"
    if share >= 0.9 and final and trend_p <= alpha and trend_up:
        return f"intensifying {sign} spot"
    if share >= 0.9 and trend_p > alpha:  # final is hot here (historical took the others)
        return f"persistent {sign} spot"
    if share >= 0.9 and final and trend_p <= alpha and not trend_up:
        return f"diminishing {sign} spot"
    if final and share < 0.9 and other.any():
        return f"oscillating {sign} spot"
    if share < 0.9 and mine.any() and not other.any():
        return f"sporadic {sign} spot"
    return None


def emerging_hotspots(
    cube: np.ndarray,
    w: sparse.csr_matrix,
    alpha: float = 0.10,
    trend_alpha: float = 0.05,
    fdr: bool = True,
    time_lag: int = 1,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Per grid: ``pattern``, ``pattern_zh``, ``mk_tau``, ``mk_p``, ``n_hot``, ``n_cold``, ``final_z``;
    and the (n_grids, n_steps) z-scores of the space-time Gi*."""
    if cube.shape[1] < 2:
        raise ValueError("emerging hot spots need at least two time steps")
    z = space_time_gi(cube, w, time_lag)
    p = 2 * stats.norm.sf(np.abs(z))
    threshold = bh_thresholds(p.ravel(), (alpha,))[alpha] if fdr else alpha
    significant = p <= threshold if threshold > 0 else np.zeros_like(p, dtype=bool)
    tau, mk_p, _ = mann_kendall(z)
    patterns = classify(z, significant, tau, mk_p, trend_alpha)
    table = pd.DataFrame(
        {
            "pattern": patterns,
            "pattern_zh": [PATTERNS_ZH[p] for p in patterns],
            "mk_tau": tau.round(4),
            "mk_p": mk_p,
            "n_hot": (significant & (z > 0)).sum(axis=1),
            "n_cold": (significant & (z < 0)).sum(axis=1),
            "final_z": z[:, -1],
            "total": cube.sum(axis=1).astype(int),
        }
    )
    return table, z
