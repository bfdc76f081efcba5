"""Shortest paths along a road layer, for patrol routes that follow streets.

Roads come as line strings that may or may not be split at crossings. They are noded once
(``shapely.node``: every crossing becomes a shared vertex), every segment between two vertices
becomes an edge weighted by its length, and Dijkstra (scipy's ``csgraph``) gives the distances
between the places a route must visit. A place joins the network at the nearest point of the
nearest road: the straight piece from the place to that point is walked as well, and counted.

Parts of the network that no other part reaches (an isolated stretch of road) are kept; places
are attached to the largest connected part, so that every pair of places has a finite distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse import csgraph

#: Vertices closer than this (metres) are one junction.
SNAP = 0.01


@dataclass
class RoadNetwork:
    """Junctions (``xy``), edges as a symmetric sparse matrix of lengths, and the main component."""

    xy: np.ndarray
    graph: sparse.csr_matrix
    main: np.ndarray  # vertex ids of the largest connected part

    @classmethod
    def from_lines(cls, lines, clip_to: tuple[float, float, float, float] | None = None) -> RoadNetwork:
        """Build from line geometries; ``clip_to`` (xmin, ymin, xmax, ymax) keeps only the roads near there."""
        geoms = np.asarray(lines, dtype=object)
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        if clip_to is not None and len(geoms):
            geoms = shapely.clip_by_rect(geoms, *clip_to)
            geoms = geoms[~shapely.is_empty(geoms)]
        parts = shapely.get_parts(geoms)
        parts = parts[shapely.get_type_id(parts) == 1]  # line strings only
        if not len(parts):
            raise ValueError("the road layer has no line geometries in the area of the patrol")
        noded = shapely.get_parts(shapely.node(shapely.multilinestrings(parts)))
        coords, owner = shapely.get_coordinates(noded, return_index=True)
        keys = np.round(coords / SNAP).astype(np.int64)
        _, first, vertex = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        vertex = vertex.ravel()
        same_line = owner[1:] == owner[:-1]
        a, b = vertex[:-1][same_line], vertex[1:][same_line]
        d = np.hypot(*(coords[1:][same_line] - coords[:-1][same_line]).T)
        keep = a != b
        lo, hi, d = np.minimum(a, b)[keep], np.maximum(a, b)[keep], d[keep]
        order = np.lexsort((d, hi, lo))  # per pair of junctions the shortest parallel edge first
        lo, hi, d = lo[order], hi[order], d[order]
        first_of_pair = np.ones(len(lo), dtype=bool)
        first_of_pair[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
        lo, hi, d = lo[first_of_pair], hi[first_of_pair], d[first_of_pair]
        n = len(first)
        graph = sparse.csr_matrix(
            (np.concatenate([d, d]), (np.concatenate([lo, hi]), np.concatenate([hi, lo]))), (n, n)
        )
        _, label = csgraph.connected_components(graph, directed=False)
        main = np.flatnonzero(label == np.argmax(np.bincount(label)))
        return cls(xy=coords[first], graph=graph, main=main)

    def attach(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each place: the nearest junction of the main part and the straight distance to it."""
        from scipy.spatial import cKDTree

        tree = cKDTree(self.xy[self.main])
        dist, k = tree.query(np.column_stack([x, y]))
        return self.main[k], dist

    def distances(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Metres between every pair of places along the roads, plus what ``path`` needs."""
        node, access = self.attach(np.asarray(x, float), np.asarray(y, float))
        unique, inverse = np.unique(node, return_inverse=True)
        dist, pred = csgraph.dijkstra(self.graph, directed=False, indices=unique, return_predecessors=True)
        between = dist[inverse][:, unique[inverse]]
        matrix = between + access[:, None] + access[None, :]
        np.fill_diagonal(matrix, 0.0)
        return matrix, node, pred[inverse]

    def path(self, pred_row: np.ndarray, source_node: int, target_node: int) -> np.ndarray:
        """Junction coordinates from ``source_node`` to ``target_node`` (pred_row: Dijkstra from source)."""
        chain = [target_node]
        while chain[-1] != source_node and chain[-1] >= 0:
            chain.append(int(pred_row[chain[-1]]))
        if chain[-1] != source_node:
            return self.xy[[source_node, target_node]]
        return self.xy[chain[::-1]]


def straight_distances(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Metres between every pair of places in a straight line."""
    xy = np.column_stack([x, y]).astype(float)
    return np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))


class Router:
    """Distances and route lines between a fixed set of places (place 0 is the start point):
    along the roads when a network is given, in straight lines otherwise."""

    def __init__(self, x: np.ndarray, y: np.ndarray, network: RoadNetwork | None = None) -> None:
        self.x, self.y = np.asarray(x, float), np.asarray(y, float)
        self.network = network
        if network is None:
            self.metres = straight_distances(self.x, self.y)
        else:
            self.metres, self.node, self.pred = network.distances(self.x, self.y)

    def line(self, sequence: list[int]) -> np.ndarray:
        """Coordinates of the route through the places in ``sequence`` (indices), in order."""
        pts = [np.array([[self.x[sequence[0]], self.y[sequence[0]]]])]
        for a, b in zip(sequence[:-1], sequence[1:]):
            if self.network is not None and a != b:
                pts.append(self.network.path(self.pred[a], int(self.node[a]), int(self.node[b])))
            pts.append(np.array([[self.x[b], self.y[b]]]))
        coords = np.concatenate(pts)
        keep = np.ones(len(coords), dtype=bool)
        keep[1:] = np.any(np.diff(coords, axis=0) != 0, axis=1)
        return coords[keep]
