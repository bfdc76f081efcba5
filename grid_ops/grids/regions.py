"""Contiguous, balanced regions built from adjacent polygons (blocks → grids → communities).

Grids are unions of city blocks, communities unions of grids, and every unit must be one
connected piece of roughly even workload. Region growing on the adjacency graph gives both:
seeds spread by k-means, then the lightest region repeatedly takes the unassigned neighbour
closest to its seed.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np
import shapely
from scipy.cluster.vq import kmeans2
from scipy.spatial import cKDTree

from gridgov.grid_ops.grids.shapes import polsby_popper


def adjacency(polygons: Sequence[shapely.Geometry], min_shared: float = 1.0) -> list[set[int]]:
    """Neighbours of each polygon: those sharing an edge at least ``min_shared`` metres long."""
    geoms = np.asarray(polygons, dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right]))
    neighbours: list[set[int]] = [set() for _ in range(len(geoms))]
    for a, b in zip(left[shared >= min_shared], right[shared >= min_shared]):
        neighbours[a].add(int(b))
        neighbours[b].add(int(a))
    return neighbours


def grow_regions(
    centroids: np.ndarray,
    neighbours: Sequence[set[int]],
    weights: np.ndarray,
    k: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Label each node with one of ``k`` contiguous regions of balanced total weight.

    Nodes that cannot be reached from any seed (islands) join the nearest region by centroid.
    Deterministic for a given generator state.
    """
    n = len(centroids)
    if n == 0:
        return np.zeros(0, dtype=int)
    k = max(1, min(int(k), n))
    if k == 1:
        return np.zeros(n, dtype=int)
    labels = _grow(centroids, neighbours, weights, _seeds(centroids, k, rng))
    orphans = np.flatnonzero(labels < 0)
    if len(orphans):
        placed = np.flatnonzero(labels >= 0)
        _, nearest = cKDTree(centroids[placed]).query(centroids[orphans])
        labels[orphans] = labels[placed[nearest]]
    return labels


def _seeds(centroids: np.ndarray, k: int, rng: np.random.Generator) -> list[int]:
    """One node per region, spread by k-means: the node nearest each centre not taken yet."""
    centres, _ = kmeans2(centroids, k, minit="++", seed=rng, iter=20)
    tree = cKDTree(centroids)
    seeds: list[int] = []
    taken: set[int] = set()
    for centre in centres:
        _, candidates = tree.query(centre, k=min(len(centroids), k + 1))
        for cand in np.atleast_1d(candidates):
            if int(cand) not in taken:
                seeds.append(int(cand))
                taken.add(int(cand))
                break
    return seeds


def _grow(centroids: np.ndarray, neighbours: Sequence[set[int]], weights: np.ndarray, seeds: list[int]) -> np.ndarray:
    """Regions grown from ``seeds``: the lightest region repeatedly takes the unassigned neighbour
    closest to its seed. Nodes no region reaches stay -1."""
    labels = np.full(len(centroids), -1, dtype=int)
    seed_xy = centroids[seeds]
    load = np.zeros(len(seeds))
    frontier: list[set[int]] = []
    for region, seed in enumerate(seeds):
        labels[seed] = region
        load[region] = weights[seed]
        frontier.append(set())
    for region, seed in enumerate(seeds):
        frontier[region].update(nb for nb in neighbours[seed] if labels[nb] < 0)
    heap = [(load[r], r) for r in range(len(seeds))]
    heapq.heapify(heap)
    while heap:
        current, region = heapq.heappop(heap)
        if current != load[region]:
            continue
        candidates = [c for c in frontier[region] if labels[c] < 0]
        if not candidates:
            continue
        cand = np.asarray(sorted(candidates))
        dist = np.hypot(*(centroids[cand] - seed_xy[region]).T)
        chosen = int(cand[np.argmin(dist)])
        labels[chosen] = region
        load[region] += weights[chosen]
        frontier[region].discard(chosen)
        frontier[region].update(nb for nb in neighbours[chosen] if labels[nb] < 0)
        heapq.heappush(heap, (load[region], region))
    return labels


def order_west_east_north_south(x: np.ndarray, y: np.ndarray, band: float | None = None) -> np.ndarray:
    """Rank units west→east inside north→south bands, the numbering rule of CJ/T 213 and DB11/T 2157.

    ``band`` is the height of a row; by default the median spacing of the centroids' y values
    estimated from their count. Returns the 0-based position of each unit.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) == 0:
        return np.zeros(0, dtype=int)
    if band is None:
        span = float(np.ptp(y)) if len(y) > 1 else 0.0
        rows = max(1, round(np.sqrt(len(y))))
        band = span / rows if span > 0 else 1.0
    row = np.floor((y.max() - y) / band).astype(int)
    order = np.lexsort((x, row))
    rank = np.empty(len(x), dtype=int)
    rank[order] = np.arange(len(x))
    return rank


def absorb_slivers(
    polygons: Sequence[shapely.Geometry],
    min_area: float,
    min_compactness: float,
    group: Sequence[int] | None = None,
    grid_size: float = 2.0**-7,
) -> list[shapely.Geometry]:
    """Merge each sliver (too small or too thin) into the neighbour it shares most edge with.

    Curvy roads cut thin faces off the blocks between them; no grid centre would draw a unit
    there. ``group`` keeps merges inside one group (e.g. a superblock). Slivers with no neighbour
    in their group are kept. Returns the surviving polygons, in their original order, snapped to
    ``grid_size`` (best a power of two: every GEOS version rounds to it alike) in a canonical form.
    """
    geoms = [shapely.normalize(shapely.set_precision(g, grid_size)) for g in polygons]
    groups = list(group) if group is not None else [0] * len(geoms)

    def is_sliver(g: shapely.Geometry) -> bool:
        return g.area < min_area or polsby_popper(g) < min_compactness

    alive = [True] * len(geoms)
    for _ in range(3):  # a merged sliver can leave a neighbour still thin: a few passes settle it
        nb = adjacency(geoms, min_shared=0.5)
        changed = False
        for i in sorted(range(len(geoms)), key=lambda j: geoms[j].area):
            if not alive[i] or not is_sliver(geoms[i]):
                continue
            options = [j for j in nb[i] if alive[j] and groups[j] == groups[i]]
            if not options:
                continue
            shared = [shapely.length(shapely.intersection(geoms[i], geoms[j])) for j in options]
            target = options[int(np.argmax(shared))]
            geoms[target] = shapely.normalize(shapely.union(geoms[target], geoms[i], grid_size=grid_size))
            geoms[i] = shapely.Polygon()
            alive[i] = False
            changed = True
            for j in nb[i]:
                nb[j].discard(i)
                if j != target:
                    nb[j].add(target)
                    nb[target].add(j)
            nb[target].discard(target)
        if not changed:
            break
    return [g for g, a in zip(geoms, alive) if a]
