"""Hot spots on grid values: Getis-Ord Gi* with analytic and permutation p-values, FDR bins, and
Local Moran's I.

Gi* follows PySAL's ``esda.G_Local(y, w, transform, star=True)`` (and ArcGIS's Hot Spot Analysis
with binary weights that include the grid itself): with W* the weights plus the grid itself,
G_i = (W* y)_i / Σy, E = W_i / n, V = W_i (n − W_i) / ((n − 1) n²) · s² / ȳ², z = (G − E) / √V,
where W_i is row i's weight sum and s² the population variance. ``gi_p`` is two-sided
(2 · (1 − Φ(|z|)), as ArcGIS reports it; esda's ``p_norm`` is the one-sided half).

Permutation pseudo p-values are conditional (the grid keeps its value, its neighbours are drawn
from the other grids). Because every neighbour has the same weight (binary or row-standardised),
a draw's statistic only depends on the *sum* of the values drawn. Each permutation takes the first
k_max + 1 grids of one random order; a grid with k neighbours takes the first k of them, or the
first k + 1 less itself when it is among them. The sums of the first k grids are prefix sums
shared by all grids with k neighbours, so counting the draws at least as extreme as the observed
sum is a sorted search, with a correction for the few grids that were drawn themselves: 999
permutations on 20,000 grids cost milliseconds, not the seconds of a loop over grids.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from gridgov.grid_ops.analytics.weights import WeightsChoice, binary_weights


@dataclass(frozen=True)
class HotspotsRequest:
    """A hot-spot analysis as the toolbox, the dock or a script asks for it (``gridgov:hotspots``)."""

    #: The value per grid (a count of Grid statistics, by default the total).
    field: str = "cnt_total"
    weights: WeightsChoice = dataclasses.field(default_factory=WeightsChoice)
    #: B (binary, ArcGIS's default) or R (row-standardised).
    transform: str = "B"
    permutations: int = 999
    seed: int = 12345
    #: Benjamini–Hochberg thresholds for the confidence bins.
    fdr: bool = True
    #: Local Moran's I beside Gi*.
    local_moran: bool = False


def hotspots_of(y: np.ndarray, w: sparse.csr_matrix, request: HotspotsRequest) -> pd.DataFrame:
    """The columns ``request`` asks for, one row per grid: Gi* (``gi_star``), and Local Moran's I
    (``local_moran``) when asked."""
    result = gi_star(y, w, request.transform, request.permutations, request.seed, request.fdr)
    if request.local_moran:
        result = pd.concat([result, local_moran(y, w, request.permutations, request.seed)], axis=1)
    return result


#: ArcGIS's confidence levels for bins ±1, ±2, ±3.
LEVELS = ((3, 0.01), (2, 0.05), (1, 0.10))


def gi_star(
    y: np.ndarray,
    w: sparse.csr_matrix,
    transform: str = "B",
    permutations: int = 999,
    seed: int | None = 12345,
    fdr: bool = True,
) -> pd.DataFrame:
    """Gi* per grid: ``gi_g``, ``gi_z``, ``gi_p`` (two-sided), ``gi_p_sim``, ``gi_bin`` and ``n_neigh``.

    ``w`` holds the neighbours (0/1, any diagonal is ignored); ``transform`` is ``B`` (binary, the
    default, as ArcGIS) or ``R`` (row-standardised, each row of the weights with itself sums to 1).
    Grids whose value is not finite are an error: counts have no missing values.
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    if not np.isfinite(y).all():
        bad = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(f"value of grid {bad + 1} is not a number")
    transform = transform.upper()
    if transform not in ("B", "R"):
        raise ValueError(f"transform is B (binary) or R (row-standardised), not {transform!r}")
    star = binary_weights(w, with_self=True)
    cardinality = np.diff(star.indptr).astype(float)  # neighbours + itself
    weights = star.multiply(1.0 / cardinality[:, None]).tocsr() if transform == "R" else star
    row_sum = np.asarray(weights.sum(axis=1)).ravel()
    total = y.sum()
    mean = total / n
    variance = (y**2).sum() / n - mean**2
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (weights @ y) / total
        expected = row_sum / n
        var_g = row_sum * (n - row_sum) / (n - 1) / n**2 * variance / mean**2
        z = (g - expected) / np.sqrt(var_g)
    z = np.where(np.isfinite(z), z, 0.0)
    p = 2.0 * stats.norm.sf(np.abs(z))
    out = pd.DataFrame({"gi_g": g, "gi_z": z, "gi_p": p, "n_neigh": (cardinality - 1).astype(int)})
    if permutations and permutations > 0:
        observed = (star @ y) - y  # sum over the neighbours (without the grid itself)
        out["gi_p_sim"] = conditional_p_sim(y, cardinality.astype(int) - 1, observed, permutations, seed)
    else:
        out["gi_p_sim"] = np.nan
    out["gi_bin"] = confidence_bins(z, p, fdr)
    return out


def conditional_p_sim(
    y: np.ndarray, k: np.ndarray, observed: np.ndarray, permutations: int, seed: int | None
) -> np.ndarray:
    """Pseudo p-values: (min(#draws ≥ observed, #draws < observed) + 1) / (permutations + 1), the
    draws being sums of k_i values taken at random from the other grids (esda's folded p_sim)."""
    n = len(y)
    rng = np.random.default_rng(seed)
    k_max = int(k.max()) if n else 0
    take = min(k_max + 1, n)
    draws = _first_of_random_orders(rng, n, take, permutations)  # (permutations, take)
    prefix = np.zeros((permutations, take + 1))
    np.cumsum(y[draws], axis=1, out=prefix[:, 1:])
    larger = np.zeros(n, dtype=np.int64)
    for size in np.unique(k):
        members = np.flatnonzero(k == size)
        if size == 0:
            continue  # an island: no draw differs from what was observed
        sums = np.sort(prefix[:, size])
        # draws whose sum of `size` values is ≥ the observed sum
        larger[members] = permutations - np.searchsorted(sums, observed[members], side="left")
    # correct the draws where a grid drew itself among its first k: it takes k + 1 less itself
    perm_idx = np.repeat(np.arange(permutations), take)
    position = np.tile(np.arange(take), permutations)
    grid = draws.ravel()
    hit = position < k[grid]
    p_h, g_h = perm_idx[hit], grid[hit]
    before = prefix[p_h, k[g_h]] >= observed[g_h]
    after = (prefix[p_h, k[g_h] + 1] - y[g_h]) >= observed[g_h]
    np.add.at(larger, g_h, after.astype(np.int64) - before.astype(np.int64))
    folded = np.minimum(larger, permutations - larger)
    return (folded + 1) / (permutations + 1)


def _first_of_random_orders(rng: np.random.Generator, n: int, take: int, permutations: int) -> np.ndarray:
    """The first ``take`` grids of ``permutations`` independent random orders (no repeats in a row)."""
    draws = rng.integers(0, n, size=(permutations, take))
    for _ in range(100):  # rows with a repeat are drawn again; with take ≪ n there are few
        ordered = np.sort(draws, axis=1)
        repeat = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not repeat.any():
            return draws
        draws[repeat] = np.array([rng.choice(n, take, replace=False) for _ in range(int(repeat.sum()))])
    return draws


def bh_thresholds(p: np.ndarray, alphas: tuple[float, ...]) -> dict[float, float]:
    """Benjamini–Hochberg: the largest p-value still significant at each level (0 when none is)."""
    ordered = np.sort(p)
    m = len(ordered)
    ranks = np.arange(1, m + 1)
    out = {}
    for alpha in alphas:
        passed = np.flatnonzero(ordered <= ranks / m * alpha)
        out[alpha] = float(ordered[passed[-1]]) if len(passed) else 0.0
    return out


def confidence_bins(z: np.ndarray, p: np.ndarray, fdr: bool = True) -> np.ndarray:
    """ArcGIS bins: ±3 at 99 %, ±2 at 95 %, ±1 at 90 % confidence, 0 otherwise; with ``fdr`` each
    level's p threshold is Benjamini–Hochberg's for that level."""
    p = np.asarray(p, dtype=float)
    z = np.asarray(z, dtype=float)
    thresholds = bh_thresholds(p, tuple(a for _, a in LEVELS)) if fdr else {a: a for _, a in LEVELS}
    bins = np.zeros(len(p), dtype=np.int64)
    for level, alpha in LEVELS[::-1]:  # weakest first, so stronger levels overwrite
        significant = p <= thresholds[alpha] if fdr else p < alpha
        if fdr and thresholds[alpha] == 0.0:
            significant = np.zeros(len(p), dtype=bool)
        bins[significant] = level
    return bins * np.sign(z).astype(np.int64)


def local_moran(y: np.ndarray, w: sparse.csr_matrix, permutations: int = 999, seed: int | None = 12345) -> pd.DataFrame:
    """Local Moran's I with row-standardised weights (esda's default): ``lisa_i``, ``lisa_q``
    (1 HH, 2 LH, 3 LL, 4 HL, as esda), ``lisa_p_sim`` (conditional permutations)."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    w = binary_weights(w)
    k = np.diff(w.indptr)
    dev = y - y.mean()
    m2 = (dev**2).sum() / (n - 1)  # esda's scaling: I_i = (n − 1) z_i lag_i / Σz²
    with np.errstate(divide="ignore", invalid="ignore"):
        lag = np.where(k > 0, (w @ dev) / np.maximum(k, 1), 0.0)
        local_i = dev / m2 * lag if m2 > 0 else np.zeros(n)
    quadrant = np.select([(dev > 0) & (lag > 0), (dev <= 0) & (lag > 0), (dev <= 0) & (lag <= 0)], [1, 2, 3], default=4)
    out = pd.DataFrame({"lisa_i": local_i, "lisa_q": quadrant})
    if permutations and permutations > 0:
        # I_rand ≥ I_obs ⟺ dev_i · sum_rand ≥ dev_i · sum_obs: flip the values where dev_i < 0
        observed = w @ dev
        p_pos = conditional_p_sim(dev, k, observed, permutations, seed)
        p_neg = conditional_p_sim(-dev, k, -observed, permutations, seed)
        out["lisa_p_sim"] = np.where(dev >= 0, p_pos, p_neg)
    return out
