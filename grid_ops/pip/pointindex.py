"""Point-in-polygon look-up for millions of points: a raster of the cells no polygon edge touches.

Used when numba is absent (with it, ``pipkernels`` does the look-up, faster, without a raster).

Grids tile a city; most orders fall well inside one grid. The layer's extent is cut into square
cells; every cell that a polygon edge touches is marked (each edge is densified to pieces shorter
than a cell, and the up to 2 × 2 cells of each piece's bounding box are marked). The unmarked
cells form connected regions that no edge crosses, so each region lies wholly inside the same
polygons: one exact test of one cell centre per region labels all of its cells. A point in an
unmarked cell then takes its polygons from an array look-up; only points in marked cells (near an
edge, typically under a fifth of them) go through the exact R-tree + point-in-polygon test.

The answer is exactly that of the exact test: cells are half-open ([x0, x0 + c) × [y0, y0 + c)),
the same floor() places edge samples and query points, and a margin of 1e-6 cell guards rounding.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy import ndimage

#: Largest raster (cells); 16 M cells cost 64 MB of labels and 16 MB of mask.
MAX_CELLS = 16_000_000
#: Aim for about this share of the area in marked cells (expected edge cells ≈ 1.5 · length / cell).
TARGET_EDGE_SHARE = 0.08


class EdgeRaster:
    """Cells with no polygon edge, labelled with the polygons that contain them."""

    def __init__(self, geoms: np.ndarray, max_cells: int = MAX_CELLS) -> None:
        geoms = np.asarray(geoms, dtype=object)
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms[present]) if present.any() else (0.0, 0.0, 1.0, 1.0)
        width, height = max(xmax - xmin, 1e-9), max(ymax - ymin, 1e-9)
        lines = shapely.get_parts(shapely.boundary(geoms[present]))
        length = float(shapely.length(lines).sum()) or 1.0
        cell = max(TARGET_EDGE_SHARE * width * height / (1.5 * length), np.sqrt(width * height / max_cells))
        self.cell = cell
        self.x0, self.y0 = xmin - cell, ymin - cell  # a margin of one cell all round
        self.nx = int(np.ceil(width / cell)) + 3
        self.ny = int(np.ceil(height / cell)) + 3
        edge = np.zeros(self.ny * self.nx, dtype=bool)
        # sample every edge at steps under 0.9 cell (numpy, no new geometries); consecutive samples
        # then lie in one cell or in a 2 x 2 block, whose cells are all marked. Pairs that straddle
        # two rings mark a stray block each: harmless, marking more is always safe.
        xy, part = shapely.get_coordinates(lines, return_index=True)
        d = np.diff(xy, axis=0)
        steps = np.maximum(np.ceil(np.hypot(d[:, 0], d[:, 1]) / (0.9 * cell)), 1).astype(np.int64)
        steps[part[1:] != part[:-1]] = 1
        start = np.repeat(np.arange(len(d)), steps)
        frac = (np.arange(len(start)) - np.repeat(np.cumsum(steps) - steps, steps)) / np.repeat(steps, steps)
        sx = np.append(xy[start, 0] + d[start, 0] * frac, xy[-1, 0]) if len(d) else xy[:, 0]
        sy = np.append(xy[start, 1] + d[start, 1] * frac, xy[-1, 1]) if len(d) else xy[:, 1]
        # the 2 x 2 block of each pair of consecutive samples, widened by a hair against rounding
        eps = 1e-6 * cell
        lo_x = self._col(np.minimum(sx[:-1], sx[1:]) - eps)
        hi_x = self._col(np.maximum(sx[:-1], sx[1:]) + eps)
        lo_y = self._row(np.minimum(sy[:-1], sy[1:]) - eps) * self.nx
        hi_y = self._row(np.maximum(sy[:-1], sy[1:]) + eps) * self.nx
        for rows_nx, cols in ((lo_y, lo_x), (lo_y, hi_x), (hi_y, lo_x), (hi_y, hi_x)):
            edge[rows_nx + cols] = True
        edge = edge.reshape(self.ny, self.nx)
        labels, n_regions = ndimage.label(~edge)
        self.labels = labels.astype(np.int32, copy=False)
        flat = self.labels.ravel()
        # ndimage.label numbers regions in raster-scan order of their first cell, so a region's first
        # cell is where the label exceeds every label before it (one cumulative max, no sort)
        running = np.maximum.accumulate(flat)
        rep = np.flatnonzero(flat[1:] > running[:-1]) + 1
        if flat[0] > 0:
            rep = np.concatenate([[0], rep])
        if not np.array_equal(flat[rep], np.arange(1, n_regions + 1)):
            _, rep = np.unique(flat, return_index=True)  # the safe (slower) way, should that ever differ
            rep = rep[1:] if flat[rep[0]] == 0 else rep
        centre_x = self.x0 + (rep % self.nx + 0.5) * cell
        centre_y = self.y0 + (rep // self.nx + 0.5) * cell
        tree = shapely.STRtree(geoms)
        pts, polys = tree.query(shapely.points(centre_x, centre_y), predicate="intersects")
        # regions → polygons as CSR (region r holds polys[ptr[r]:ptr[r + 1]]); region ids start at 1
        order = np.lexsort((polys, pts))
        self.region_polys = polys[order].astype(np.int64)
        counts = np.bincount(pts[order] + 1, minlength=n_regions + 1)
        self.region_ptr = np.concatenate([[0], np.cumsum(counts)])
        self.edge_share = float(edge.mean())

    def _col(self, x: np.ndarray) -> np.ndarray:
        return np.floor((x - self.x0) / self.cell).astype(np.int64)

    def _row(self, y: np.ndarray) -> np.ndarray:
        return np.floor((y - self.y0) / self.cell).astype(np.int64)

    def lookup(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point index, polygon index) pairs for points in unmarked cells, and the points left over."""
        cols = self._col(x)
        rows = self._row(y)
        inside = (cols >= 0) & (cols < self.nx) & (rows >= 0) & (rows < self.ny)
        region = np.zeros(len(x), dtype=np.int64)
        region[inside] = self.labels[rows[inside], cols[inside]]
        resolved = region > 0
        idx = np.flatnonzero(resolved)
        start = self.region_ptr[region[idx]]
        count = self.region_ptr[region[idx] + 1] - start
        pts = np.repeat(idx, count)
        offsets = np.arange(len(pts)) - np.repeat(np.cumsum(count) - count, count)
        polys = self.region_polys[np.repeat(start, count) + offsets]
        return pts, polys, np.flatnonzero(~resolved)
