"""Point-in-polygon look-up for millions of points: a raster of the cells no polygon edge touches.

Grids tile a city; most orders fall well inside one grid. The layer's extent is cut into square
cells; every cell that a polygon edge touches is marked (each edge is densified to pieces shorter
than a cell, and the up to 2 × 2 cells of each piece's bounding box are marked). The unmarked
cells form connected regions that no edge crosses, so each region lies wholly inside the same
polygons: one exact test of one cell centre per region labels all of its cells. A point in an
unmarked cell then takes its polygons from an array look-up; only points in marked cells (near an
edge, typically under a fifth of them) go through the exact R-tree + point-in-polygon test.

The answer is exactly that of the exact test: cells are half-open ([x0, x0 + c) × [y0, y0 + c)),
the same floor() places vertices and query points, and a tiny margin guards rounding.
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
        edge = np.zeros((self.ny, self.nx), dtype=bool)
        dense = shapely.segmentize(lines, 0.9 * cell)
        xy, part = shapely.get_coordinates(dense, return_index=True)
        same = part[1:] == part[:-1]
        p, q = xy[:-1][same], xy[1:][same]
        eps = 1e-7 * cell
        lo_x = self._col(np.minimum(p[:, 0], q[:, 0]) - eps)
        hi_x = self._col(np.maximum(p[:, 0], q[:, 0]) + eps)
        lo_y = self._row(np.minimum(p[:, 1], q[:, 1]) - eps)
        hi_y = self._row(np.maximum(p[:, 1], q[:, 1]) + eps)
        for cols, rows in ((lo_x, lo_y), (lo_x, hi_y), (hi_x, lo_y), (hi_x, hi_y)):
            edge[rows, cols] = True
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
