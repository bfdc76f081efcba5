"""Compiled (numba) kernels for the point-in-polygon of millions of orders; numpy + GEOS without numba.

Why compiled: the vectorised path spends most of its time building temporary arrays (edge samples,
shapely points for the R-tree query) and in one GEOS call per (point, polygon) pair. Here a bucket
index of the polygons' bounding boxes leads each point to its candidates, and one loop tests them:
no temporary geometries, no raster to build. On a million points sorted in space order
(``spatial_order``) one layer takes 0.15-0.25 s.

Exactness: the point-in-polygon test is GEOS's ray-crossing rule (``RayCrossingCounter``: points
on an edge or vertex count as covered, an upward edge takes its start vertex, a downward edge its
end vertex), and its orientation test is GEOS's floating-point filter. Where that filter cannot
decide the sign (the point is within rounding of an edge's line) the pair is reported as
*uncertain* and the caller asks GEOS itself, so the answers are GEOS's, pair for pair.

The same arrays serve two more questions, each with the same care:

- the nearest polygon of a point outside all of them (``PolygonArrays.nearest``): GEOS's
  point-to-segment formula, operation for operation, so the distances are GEOS's doubles;
  polygons the arrays do not read are left to GEOS;
- validity (``PolygonArrays.surely_valid``): a ring that certainly touches itself nowhere is valid
  for GEOS too; anything the check cannot settle exactly is GEOS's to decide.

numba is optional: ``kernels()`` returns None when it cannot be imported, or when the environment
variable ``GRIDGOV_NO_NUMBA`` is set (tests compare both paths), and callers fall back to the
vectorised path. Compiled code is cached beside this file (``cache=True``), so only the first run
after an install pays the compile time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np
import shapely

#: The state of a (point, polygon) pair from the compiled test.
OUTSIDE, COVERED, UNCERTAIN = 0, 1, 2
#: Aim for about this many polygon entries per bucket of the candidate index.
BUCKET_FILL = 0.25
#: The candidate index never holds more entries than this (coarser buckets instead).
MAX_BUCKET_ENTRIES = 20_000_000
#: Rings of up to this many segments are checked for validity here (pairwise); longer ones by GEOS.
MAX_QUICK_SEGMENTS = 64
#: The nearest-polygon search gives a point to GEOS after this many rings of buckets (a point far
#: off, beside an empty stretch such as a bay, would otherwise scan thousands of empty buckets).
MAX_NEAREST_RINGS = 8

_KERNELS: SimpleNamespace | bool | None = False  # False: not tried yet


def kernels() -> SimpleNamespace | None:
    """The compiled kernels, or None when numba is missing or switched off."""
    global _KERNELS
    if os.environ.get("GRIDGOV_NO_NUMBA"):
        return None
    if _KERNELS is False:
        try:
            _KERNELS = _compile()
        except Exception:  # numba absent, or an LLVM that cannot load here: the vectorised path works
            _KERNELS = None
    return _KERNELS


def loaded() -> SimpleNamespace | None:
    """The compiled kernels if this session has loaded them already, else None (never loads them).

    For work that pays for itself only when numba is in memory anyway (its load takes 0.5-1 s).
    """
    if os.environ.get("GRIDGOV_NO_NUMBA") or _KERNELS is False:
        return None
    return _KERNELS


def _compile() -> SimpleNamespace:
    """Import the kernels and run each once on a tiny input, so their machine code is loaded (from
    numba's cache, or compiled on the first run after an install) here, once per session."""
    from gridgov.grid_ops.pip import pipkernels_numba as k

    kernels = SimpleNamespace(
        cover=k.cover,
        bucket_index=k.bucket_index,
        spatial_order=k.spatial_order,
        best_of_pairs=k.best_of_pairs,
        own_first_keys=k.own_first_keys,
        surely_valid=k.surely_valid,
        rings_in_space_order=k.rings_in_space_order,
        ring_bounds=k.ring_bounds,
        finite_extent=k.finite_extent,
        spatial_sort=k.spatial_sort,
        nearest=k.nearest,
    )
    square = PolygonArrays.build(np.array([shapely.box(0.0, 0.0, 1.0, 1.0)], dtype=object), kernels)
    square.covering(np.array([0.5, 2.0]), np.array([0.5, 2.0]), kernels)
    square.surely_valid(kernels)
    square.nearest(np.array([2.0]), np.array([0.5]), np.zeros(1, dtype=np.int64), np.inf, kernels)
    kernels.spatial_order(np.zeros(2), np.zeros(2), 0.0, 0.0, 1.0, 1, 1)
    spatial_sort(np.zeros(2), np.array([0.0, np.nan]), kernels)
    one = np.zeros(1, dtype=np.int64)
    kernels.best_of_pairs(one, one, one, 1)
    kernels.own_first_keys(one, one, one, one, one, np.zeros(1, dtype=bool), one)
    return kernels


#: Points per bucket of the spatial sort.
SORT_BUCKET_POINTS = 8


def spatial_order(x: np.ndarray, y: np.ndarray, k: SimpleNamespace | None = None) -> np.ndarray | None:
    """A permutation that takes the points bucket by bucket, or None without the compiled kernels.

    Every later look-up (raster cells, polygons) then touches memory in order; on a million orders
    this halves the time of each layer's look-up and costs a few milliseconds. ``k``: the kernels
    to use (default ``kernels()``).
    """
    k = kernels() if k is None else k
    finite = np.isfinite(x) & np.isfinite(y)
    if k is None or not finite.any():
        return None
    xmin, xmax = float(x[finite].min()), float(x[finite].max())
    ymin, ymax = float(y[finite].min()), float(y[finite].max())
    size, nx, ny = _sort_grid(xmin, xmax, ymin, ymax, len(x))
    return k.spatial_order(
        np.ascontiguousarray(x, dtype=np.float64), np.ascontiguousarray(y, dtype=np.float64), xmin, ymin, size, nx, ny
    )


def spatial_sort(
    x: np.ndarray, y: np.ndarray, k: SimpleNamespace | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(the indices of the points with a finite position in ``spatial_order``'s order, their x, their
    y), or None without the compiled kernels or without such points.

    What ``spatial_order`` of the finite points and two gathers give, in two passes over the input:
    on a million orders the gathers alone (random reads) took 40 ms.
    """
    k = kernels() if k is None else k
    if k is None:
        return None
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    xmin, xmax, ymin, ymax, count = k.finite_extent(x, y)
    if count == 0:
        return None
    size, nx, ny = _sort_grid(xmin, xmax, ymin, ymax, count)
    return k.spatial_sort(x, y, xmin, ymin, size, nx, ny, count)


def _sort_grid(xmin: float, xmax: float, ymin: float, ymax: float, n: int) -> tuple[float, int, int]:
    """(bucket size, columns, rows) of the spatial sort: about ``SORT_BUCKET_POINTS`` points a bucket."""
    area = max((xmax - xmin) * (ymax - ymin), 1e-18)
    # points along a line have no area: their extent, not the area, sets the bucket size then
    extent = max(xmax - xmin, ymax - ymin)
    size = max(np.sqrt(SORT_BUCKET_POINTS * area / n), extent * SORT_BUCKET_POINTS / n, 1e-9)
    return size, int((xmax - xmin) / size) + 1, int((ymax - ymin) / size) + 1


class Bucket(NamedTuple):
    """What the ``cover`` kernel reads (numba takes a named tuple as it is): the bucket grid, the
    polygons of each bucket (CSR), their bounding boxes and rings, and the ring coordinates."""

    x0: float
    y0: float
    size: float
    nx: int
    ny: int
    ptr: np.ndarray  # bucket b holds items[ptr[b]:ptr[b + 1]]
    items: np.ndarray
    # from here on the polygons are in space order: polygon p is ids[p] of the caller's layer
    ids: np.ndarray
    simple: np.ndarray  # 1 where the compiled test reads the polygon, 0: always uncertain
    bounds: np.ndarray  # (n, 4) bounding boxes; empty geometries (inf, inf, -inf, -inf)
    poly_rings: np.ndarray  # polygon p: rings poly_rings[p] to poly_rings[p + 1] - 1 (in polygon order)
    ring_ptr: np.ndarray  # ring r: xs[ring_ptr[r]:ring_ptr[r + 1]]
    xs: np.ndarray
    ys: np.ndarray


@dataclass
class PolygonArrays:
    """Polygons as flat coordinate arrays with a bucket index of their bounding boxes.

    The arrays hold the polygons in space order (``Bucket.ids`` maps back): neighbouring polygons
    are then neighbours in memory, which on 80,000 micro-grids halves the compiled look-up.
    Geometries the compiled test does not read (anything but Polygon and MultiPolygon, e.g. a
    collection left by ``make_valid``) have ``simple`` 0: their pairs are always UNCERTAIN.
    """

    geoms: np.ndarray
    bucket: Bucket
    plain: np.ndarray  # per polygon in space order: a Polygon without holes (its one ring is read as is)

    @classmethod
    def build(cls, geoms: np.ndarray, k: SimpleNamespace) -> PolygonArrays:
        geoms = np.asarray(geoms, dtype=object)
        n = len(geoms)
        # GEOS is read once, in the layer's own order (the polygons' memory order: three times faster
        # than hopping between them in space order); the rings are then laid out in space order
        type_id = shapely.get_type_id(geoms)
        simple = (type_id == 3) | (type_id == 6)
        # a polygon without holes is one ring: its coordinates directly, no ring objects made
        plain = (type_id == 3) & (shapely.get_num_interior_rings(geoms) == 0)
        plain_idx = np.flatnonzero(plain)
        coords_1, owner_1 = shapely.get_coordinates(geoms[plain_idx], return_index=True)
        lengths_1 = np.bincount(owner_1, minlength=len(plain_idx))
        other_idx = np.flatnonzero(simple & ~plain)
        parts, part_owner = shapely.get_parts(geoms[other_idx], return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        coords_2, ring_2 = shapely.get_coordinates(rings, return_index=True)
        lengths_2 = np.bincount(ring_2, minlength=len(rings))
        coords = np.ascontiguousarray(np.concatenate([coords_1, coords_2]) if len(coords_2) else coords_1)
        lengths = np.concatenate([lengths_1, lengths_2]).astype(np.int64)
        ring_owner = np.concatenate([plain_idx, other_idx[part_owner[ring_part]]]).astype(np.int64)
        bounds = k.ring_bounds(coords, lengths, ring_owner, n)
        if not simple.all():  # what the compiled test does not read still needs its box
            bounds[~simple] = shapely.bounds(geoms[~simple])
        empty = ~np.isfinite(bounds).all(axis=1)
        bounds[empty] = (np.inf, np.inf, -np.inf, -np.inf)  # in no bucket
        centre_x, centre_y = np.full(n, np.nan), np.full(n, np.nan)
        centre_x[~empty] = (bounds[~empty, 0] + bounds[~empty, 2]) / 2
        centre_y[~empty] = (bounds[~empty, 1] + bounds[~empty, 3]) / 2
        ids = spatial_order(centre_x, centre_y, k)
        ids = np.arange(n, dtype=np.int64) if ids is None else ids
        position = np.empty(n, dtype=np.int64)
        position[ids] = np.arange(n)
        poly_rings, ring_ptr, xs, ys = k.rings_in_space_order(coords, lengths, position[ring_owner], n)
        bounds = np.ascontiguousarray(bounds[ids])
        simple, plain = simple[ids], plain[ids]

        if (~empty).any():
            xmin, ymin = bounds[:, 0].min(), bounds[:, 1].min()
            xmax, ymax = bounds[:, 2].max(), bounds[:, 3].max()
        else:
            xmin = ymin = 0.0
            xmax = ymax = 1.0
        area = max((xmax - xmin) * (ymax - ymin), 1e-18)
        size = max(np.sqrt(BUCKET_FILL * area / max(n, 1)), 1e-9, max(xmax - xmin, ymax - ymin) / 4096)
        while True:
            bnx = int((xmax - xmin) / size) + 1
            bny = int((ymax - ymin) / size) + 1
            ptr, items = k.bucket_index(bounds, float(xmin), float(ymin), size, bnx, bny, MAX_BUCKET_ENTRIES)
            if len(items) == ptr[-1]:
                break
            size *= 2
        bucket = Bucket(
            float(xmin),
            float(ymin),
            float(size),
            bnx,
            bny,
            ptr,
            items,
            ids,
            simple.astype(np.uint8),
            bounds,
            poly_rings,
            ring_ptr,
            xs,
            ys,
        )
        return cls(geoms, bucket, plain)

    def surely_valid(self, k: SimpleNamespace) -> np.ndarray:
        """Per polygon (the caller's order) True where it is certainly valid as GEOS sees it: a
        single ring of at most ``MAX_QUICK_SEGMENTS`` segments that touches itself nowhere. False
        means "ask GEOS", not invalid.

        Why: GEOS's ``is_valid`` takes 0.2 s of CPU on 100,000 grids; the coordinates read here for
        the look-up answer it for simple grids in a few hundredths.
        """
        b = self.bucket
        in_order = k.surely_valid(self.plain.astype(np.uint8), b.poly_rings, b.ring_ptr, b.xs, b.ys, MAX_QUICK_SEGMENTS)
        sure = np.zeros(len(self.geoms), dtype=bool)
        sure[b.ids] = in_order.astype(bool)
        return sure

    def nearest(
        self, x: np.ndarray, y: np.ndarray, rank: np.ndarray, max_distance: float, k: SimpleNamespace
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per point outside every polygon: (its nearest polygon within ``max_distance`` (inf: any
        distance) by the caller's index, -1 if none, -2 where GEOS must decide; the distance, GEOS's
        own double, inf if none). Equal distances: the lowest ``rank``.

        Why: GEOS's nearest-neighbour query took 14 µs a point on 20,000 grids (its distance
        operation per candidate); this walks the bucket index with GEOS's point-to-segment formula.
        """
        b = self.bucket
        # boxes are compared with room for rounding in their corners (about 1e-10 m here): never too tight
        slack = 1e-12 * max(abs(b.x0), abs(b.y0), b.size * max(b.nx, b.ny)) + 1e-9
        return k.nearest(
            np.ascontiguousarray(x, dtype=np.float64),
            np.ascontiguousarray(y, dtype=np.float64),
            b,
            np.ascontiguousarray(rank, dtype=np.int64),
            float(max_distance),
            slack,
            MAX_NEAREST_RINGS,
        )

    def _candidates(
        self, x: np.ndarray, y: np.ndarray, k: SimpleNamespace
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The (point, polygon) pairs the compiled test finds covered or cannot decide, with their state."""
        room = 2 * len(x) + int(np.diff(self.bucket.ptr).max(initial=0))  # a whole bucket always fits
        done, chunks = 0, []
        while True:  # untouched room costs no memory: pages are only mapped when written
            pts = np.empty(room, dtype=np.int64)
            polys = np.empty(room, dtype=np.int64)
            state = np.empty(room, dtype=np.int8)
            done, written = k.cover(x, y, done, self.bucket, pts, polys, state)
            chunks.append((pts[:written], polys[:written], state[:written]))
            if done >= len(x):
                break
        if len(chunks) == 1:
            return chunks[0]
        return tuple(np.concatenate(parts) for parts in zip(*chunks))

    def covering(self, x: np.ndarray, y: np.ndarray, k: SimpleNamespace) -> tuple[np.ndarray, np.ndarray]:
        """(point index, polygon index) for every polygon covering each point (edges included).

        Pairs the compiled test cannot decide go to GEOS (``intersects_xy`` on the prepared polygon).
        """
        x = np.ascontiguousarray(x, dtype=np.float64)
        y = np.ascontiguousarray(y, dtype=np.float64)
        pts, polys, state = self._candidates(x, y, k)
        unsure = np.flatnonzero(state == UNCERTAIN)
        if not len(unsure):
            return pts, polys
        u_pts, u_polys = pts[unsure], polys[unsure]
        covered = state == COVERED
        covered[unsure] = shapely.intersects_xy(self.geoms[u_polys], x[u_pts], y[u_pts])
        return pts[covered], polys[covered]
