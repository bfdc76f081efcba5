"""Simulated complaint series for the forecasting tests (imported by them, and by the benchmark):
counts per grid × class case × month with a
class-wide season, a trend, grids from quiet (most) to busy (a few), Poisson or negative binomial
noise; and the same counts as an order table (one row per order, a time inside its month)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Simulated:
    """``counts`` (series × months, class-major as ``PeriodSeries``), ``rate`` the true means, and
    the codes; ``start`` the first month."""

    counts: np.ndarray
    rate: np.ndarray
    grid_codes: np.ndarray
    class_codes: np.ndarray
    start: str

    def orders(self, rng: np.random.Generator, months: int | None = None) -> pd.DataFrame:
        """One row per order of the first ``months`` months, at a random time inside its month."""
        counts = self.counts[:, : months or self.counts.shape[1]].astype(np.int64)
        n_grids = len(self.grid_codes)
        series, month = np.nonzero(counts)
        repeat = counts[series, month]
        series, month = np.repeat(series, repeat), np.repeat(month, repeat)
        first = np.datetime64(self.start, "M")
        starts = (first + month.astype("timedelta64[M]")).astype("datetime64[s]")
        ends = (first + (month + 1).astype("timedelta64[M]")).astype("datetime64[s]")
        offsets = (rng.random(len(month)) * (ends - starts).astype(np.int64)).astype("timedelta64[s]")
        return pd.DataFrame(
            {
                "grid_code": self.grid_codes[series % n_grids],
                "class_code": self.class_codes[series // n_grids],
                "reported_at": starts + offsets,
            }
        )


def simulate(
    n_grids: int = 400,
    n_classes: int = 3,
    n_months: int = 48,
    seed: int = 0,
    dispersion: float = 0.0,
    mean_rate: float = 1.0,
    amplitude: float = 0.5,
    trend: float = 0.0,
) -> Simulated:
    """Counts with a multiplicative class season (peak month drawn per class), a grid level drawn
    log-normal (mean ``mean_rate``), a yearly ``trend`` (fraction per year) and Poisson
    (``dispersion`` 0) or negative binomial noise (variance μ + dispersion μ²)."""
    rng = np.random.default_rng(seed)
    months = np.arange(n_months)
    level = rng.lognormal(-0.72, 1.2, n_grids)  # mean exp(-0.72 + 0.72) = 1
    level *= mean_rate / level.mean()
    rows = []
    for _ in range(n_classes):
        peak = rng.integers(0, 12)
        season = 1.0 + amplitude * np.cos(2 * np.pi * (months - peak) / 12)
        growth = (1.0 + trend) ** (months / 12)
        rows.append(level[:, None] * season[None, :] * growth[None, :] * rng.uniform(0.5, 1.5))
    rate = np.vstack(rows)
    if dispersion > 0:
        size = 1.0 / dispersion
        counts = rng.negative_binomial(size, size / (size + rate))
    else:
        counts = rng.poisson(rate)
    return Simulated(
        counts.astype(float),
        rate,
        np.array([f"4403050010{i:04d}" for i in range(n_grids)], dtype=object),
        np.array([f"C{j:02d}" for j in range(n_classes)], dtype=object),
        "2022-01",
    )
