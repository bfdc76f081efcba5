"""The numba kernels of ``pipkernels`` (imported only when numba is present; see there for the rules).

Module-level functions, so numba's on-disk cache finds them again in the next process (functions
made inside a closure are compiled anew every time).
"""

import math

import numpy as np
from numba import njit

#: pipkernels.COVERED and UNCERTAIN (numba bakes constants into the cached code: kept here, beside it)
COVERED, UNCERTAIN = 1, 2


@njit(cache=True, nogil=True)
def orientation(ax, ay, bx, by, cx, cy):
    """GEOS's orientationIndexFilter: 1 left, -1 right, 0 collinear, 2 undecided."""
    detleft = (ax - cx) * (by - cy)
    detright = (ay - cy) * (bx - cx)
    det = detleft - detright
    if detleft > 0.0:
        if detright <= 0.0:
            return (det > 0.0) - (det < 0.0)
        detsum = detleft + detright
    elif detleft < 0.0:
        if detright >= 0.0:
            return (det > 0.0) - (det < 0.0)
        detsum = -detleft - detright
    else:
        return (det > 0.0) - (det < 0.0)
    errbound = 1e-15 * detsum
    if det >= errbound or -det >= errbound:
        return (det > 0.0) - (det < 0.0)
    return 2


@njit(cache=True, nogil=True)
def locate(px, py, poly, poly_rings, ring_ptr, xs, ys):
    """COVERED (inside or on the boundary), OUTSIDE, or UNCERTAIN for one point and polygon."""
    crossings = 0
    for r in range(poly_rings[poly], poly_rings[poly + 1]):
        for i in range(ring_ptr[r], ring_ptr[r + 1] - 1):
            y1 = ys[i]
            y2 = ys[i + 1]
            if (y1 > py and y2 > py) or (y1 < py and y2 < py):
                continue  # wholly above or below the ray's line: none of the cases below (most edges)
            x1 = xs[i]
            x2 = xs[i + 1]
            if x1 < px and x2 < px:
                continue
            if px == x2 and py == y2:
                return COVERED
            if y1 == py and y2 == py:
                if min(x1, x2) <= px <= max(x1, x2):
                    return COVERED
                continue
            if (y1 > py and y2 <= py) or (y2 > py and y1 <= py):
                sign = orientation(x1, y1, x2, y2, px, py)
                if sign == 2:
                    return UNCERTAIN
                if sign == 0:
                    return COVERED
                if y2 < y1:
                    sign = -sign
                if sign > 0:
                    crossings += 1
    return crossings & 1


@njit(cache=True, nogil=True)
def box_cells(bounds, p, x0, y0, size, bnx, bny):
    """The bucket columns and rows polygon ``p``'s bounding box spans, clipped to the index."""
    c0 = max(math.floor((bounds[p, 0] - x0) / size), 0)
    c1 = min(math.floor((bounds[p, 2] - x0) / size), bnx - 1)
    r0 = max(math.floor((bounds[p, 1] - y0) / size), 0)
    r1 = min(math.floor((bounds[p, 3] - y0) / size), bny - 1)
    return c0, c1, r0, r1


@njit(cache=True, nogil=True)
def bucket_index(bounds, x0, y0, size, bnx, bny, max_entries):
    """CSR lists of the polygons whose bounding box touches each bucket: (ptr, items).

    When the lists would hold more than ``max_entries``, ``items`` comes back empty (only ``ptr``
    counted): the caller tries coarser buckets.
    """
    n = bounds.shape[0]
    counts = np.zeros(bnx * bny + 1, dtype=np.int64)
    for p in range(n):
        c0, c1, r0, r1 = box_cells(bounds, p, x0, y0, size, bnx, bny)
        for row in range(r0, r1 + 1):
            for col in range(c0, c1 + 1):
                counts[row * bnx + col + 1] += 1
    ptr = np.cumsum(counts)
    if ptr[-1] > max_entries:
        return ptr, np.empty(0, dtype=np.int64)
    fill = ptr[:-1].copy()
    items = np.empty(ptr[-1], dtype=np.int64)
    for p in range(n):
        c0, c1, r0, r1 = box_cells(bounds, p, x0, y0, size, bnx, bny)
        for row in range(r0, r1 + 1):
            for col in range(c0, c1 + 1):
                b = row * bnx + col
                items[fill[b]] = p
                fill[b] += 1
    return ptr, items


@njit(cache=True, nogil=True)
def cover(x, y, start, bucket, pts, polys, state):
    """Fill (point, polygon, state) for each polygon that covers each point or that the test cannot
    decide (state from ``locate``: COVERED or UNCERTAIN), from point ``start`` on, while the
    buffers have room; polygons are given by the caller's index (``ids``).

    Returns (the next point to do, pairs written): the caller grows the buffers and calls again
    when the first is short of ``len(x)``. (Growing inside this loop makes it twice as slow.)
    """
    (bx0, by0, bsize, bnx, bny, bptr, bitems, ids, simple, bounds, poly_rings, ring_ptr, xs, ys) = bucket
    cap = len(pts)
    at = 0
    for i in range(start, len(x)):
        px, py = x[i], y[i]
        if not (math.isfinite(px) and math.isfinite(py)):
            continue
        col = math.floor((px - bx0) / bsize)
        row = math.floor((py - by0) / bsize)
        if not (0 <= col < bnx and 0 <= row < bny):
            continue
        b = row * bnx + col
        if at + bptr[b + 1] - bptr[b] > cap:
            return i, at
        for j in range(bptr[b], bptr[b + 1]):
            p = bitems[j]
            if bounds[p, 0] <= px <= bounds[p, 2] and bounds[p, 1] <= py <= bounds[p, 3]:
                found = locate(px, py, p, poly_rings, ring_ptr, xs, ys) if simple[p] else UNCERTAIN
                if found:
                    pts[at] = i
                    polys[at] = ids[p]
                    state[at] = found
                    at += 1
    return len(x), at


@njit(cache=True, nogil=True)
def best_of_pairs(pts, polys, key, n):
    """Per point the polygon of its pair with the smallest ``key`` (the first such pair on a tie;
    -1 without a pair), and the number of pairs per point: one pass, no temporary arrays."""
    best = np.full(n, -1, dtype=np.int64)
    best_key = np.empty(n, dtype=key.dtype)  # read only where a pair was seen
    count = np.zeros(n, dtype=np.int64)
    for j in range(len(pts)):
        p = pts[j]
        if count[p] == 0 or key[j] < best_key[p]:
            best[p] = polys[j]
            best_key[p] = key[j]
        count[p] += 1
    return best, count


@njit(cache=True, nogil=True)
def own_first_keys(pts, polys, point_unit, unit_id, poly_unit_id, poly_no_unit, rank):
    """Per (point, polygon) pair its key for ``best_of_pairs``: the polygon's rank, plus the number
    of polygons unless the polygon belongs to the point's unit (the same unit id; for a point in no
    unit, a polygon that names none)."""
    keys = np.empty(len(pts), dtype=np.int64)
    penalty = len(rank)
    for j in range(len(pts)):
        q = polys[j]
        g = point_unit[pts[j]]
        own = poly_unit_id[q] == unit_id[g] if g >= 0 else poly_no_unit[q]
        keys[j] = rank[q] if own else rank[q] + penalty
    return keys


@njit(cache=True, nogil=True)
def spatial_order(x, y, x0, y0, size, nx, ny):
    """A permutation of the points that visits them bucket by bucket (a counting sort, O(n)).

    Points close together are then processed together, so the polygons and raster cells they need
    stay in the CPU cache; in the input's order every point is a cache miss.
    """
    n = len(x)
    key = np.empty(n, dtype=np.int64)
    counts = np.zeros(nx * ny + 2, dtype=np.int64)
    for i in range(n):
        col = math.floor((x[i] - x0) / size) if math.isfinite(x[i]) else -1
        row = math.floor((y[i] - y0) / size) if math.isfinite(y[i]) else -1
        b = row * nx + col if (0 <= col < nx and 0 <= row < ny) else nx * ny
        key[i] = b
        counts[b + 1] += 1
    fill = np.cumsum(counts)
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        b = key[i]
        order[fill[b]] = i
        fill[b] += 1
    return order


@njit(cache=True, nogil=True)
def _segments_apart(ax, ay, bx, by, cx, cy, dx, dy):
    """True when segments ab and cd certainly share no point (False: they may touch, cross or the
    orientation filter cannot tell)."""
    if max(ax, bx) < min(cx, dx) or max(cx, dx) < min(ax, bx):
        return True
    if max(ay, by) < min(cy, dy) or max(cy, dy) < min(ay, by):
        return True
    o1 = orientation(ax, ay, bx, by, cx, cy)
    o2 = orientation(ax, ay, bx, by, dx, dy)
    if o1 != 2 and o1 != 0 and o1 == o2:
        return True  # c and d strictly on one side of ab's line
    o3 = orientation(cx, cy, dx, dy, ax, ay)
    o4 = orientation(cx, cy, dx, dy, bx, by)
    return o3 != 2 and o3 != 0 and o3 == o4


@njit(cache=True, nogil=True)
def ring_surely_simple(xs, ys, s, e, max_segments):
    """True when the ring ``xs[s:e]`` is certainly a valid polygon shell: closed, finite, at least
    three segments, no repeated point, and no two segments meeting except adjacent ones at their
    shared vertex (a straight vertex counts only where the two sides point away from each other).
    False where any of that fails or cannot be decided exactly: then GEOS decides."""
    segs = e - s - 1
    if segs < 3 or segs > max_segments:
        return False
    for i in range(s, e):
        if not (math.isfinite(xs[i]) and math.isfinite(ys[i])):
            return False
    if xs[s] != xs[e - 1] or ys[s] != ys[e - 1]:
        return False
    for i in range(s, e - 1):
        if xs[i] == xs[i + 1] and ys[i] == ys[i + 1]:
            return False
    for k in range(segs):  # adjacent segments (prev, v) and (v, nxt) meet only at v
        v = s + k
        prev = s + (k - 1 if k > 0 else segs - 1)
        nxt = v + 1
        o = orientation(xs[prev], ys[prev], xs[v], ys[v], xs[nxt], ys[nxt])
        if o == 2:
            return False
        if o == 0:  # exactly on one line (the filter's 0 is exact): they must leave v in opposite directions
            dx1, dx2 = xs[prev] - xs[v], xs[nxt] - xs[v]
            dy1, dy2 = ys[prev] - ys[v], ys[nxt] - ys[v]
            opposite_x = (dx1 < 0.0 < dx2) or (dx2 < 0.0 < dx1)
            opposite_y = dx1 == 0.0 and dx2 == 0.0 and ((dy1 < 0.0 < dy2) or (dy2 < 0.0 < dy1))
            if not (opposite_x or opposite_y):
                return False
    for i in range(segs):  # segments that share no vertex must share no point
        a = s + i
        for j in range(i + 2, segs):
            if i == 0 and j == segs - 1:
                continue  # the closing segment is adjacent to the first
            c = s + j
            if not _segments_apart(xs[a], ys[a], xs[a + 1], ys[a + 1], xs[c], ys[c], xs[c + 1], ys[c + 1]):
                return False
    return True


@njit(cache=True, nogil=True)
def surely_valid(plain, poly_rings, ring_ptr, xs, ys, max_segments):
    """Per polygon 1 when it is a single ring (``plain``) that ``ring_surely_simple`` accepts, else 0."""
    n = len(plain)
    out = np.zeros(n, dtype=np.uint8)
    for p in range(n):
        if plain[p] and poly_rings[p + 1] - poly_rings[p] == 1:
            r = poly_rings[p]
            if ring_surely_simple(xs, ys, ring_ptr[r], ring_ptr[r + 1], max_segments):
                out[p] = 1
    return out


@njit(cache=True, nogil=True)
def rings_in_space_order(coords, lengths, ring_poly, n_polys):
    """Lay rings out polygon by polygon in space order: (poly_rings, ring_ptr, xs, ys).

    ``coords`` holds the rings one after another (``lengths`` coordinates each), ``ring_poly`` each
    ring's polygon in space order. A stable counting sort: a polygon's rings keep their order.
    """
    n_rings = len(lengths)
    poly_rings = np.zeros(n_polys + 1, dtype=np.int64)
    for r in range(n_rings):
        poly_rings[ring_poly[r] + 1] += 1
    for p in range(n_polys):
        poly_rings[p + 1] += poly_rings[p]
    fill = poly_rings[:-1].copy()
    slot = np.empty(n_rings, dtype=np.int64)
    for r in range(n_rings):
        slot[r] = fill[ring_poly[r]]
        fill[ring_poly[r]] += 1
    ring_ptr = np.zeros(n_rings + 1, dtype=np.int64)
    for r in range(n_rings):
        ring_ptr[slot[r] + 1] = lengths[r]
    for r in range(n_rings):
        ring_ptr[r + 1] += ring_ptr[r]
    xs = np.empty(ring_ptr[n_rings], dtype=np.float64)
    ys = np.empty(ring_ptr[n_rings], dtype=np.float64)
    src = 0
    for r in range(n_rings):
        dst = ring_ptr[slot[r]]
        for t in range(lengths[r]):
            xs[dst + t] = coords[src + t, 0]
            ys[dst + t] = coords[src + t, 1]
        src += lengths[r]
    return poly_rings, ring_ptr, xs, ys


@njit(cache=True, nogil=True)
def ring_bounds(coords, lengths, ring_poly, n_polys):
    """Each polygon's bounding box (xmin, ymin, xmax, ymax) from its rings' coordinates, (inf, inf,
    -inf, -inf) for a polygon without any: the bounds from the coordinates already read, instead of
    another pass over the GEOS geometries."""
    bounds = np.empty((n_polys, 4), dtype=np.float64)
    for p in range(n_polys):
        bounds[p, 0] = np.inf
        bounds[p, 1] = np.inf
        bounds[p, 2] = -np.inf
        bounds[p, 3] = -np.inf
    src = 0
    for r in range(len(lengths)):
        p = ring_poly[r]
        for t in range(src, src + lengths[r]):
            x, y = coords[t, 0], coords[t, 1]
            if x < bounds[p, 0]:
                bounds[p, 0] = x
            if x > bounds[p, 2]:
                bounds[p, 2] = x
            if y < bounds[p, 1]:
                bounds[p, 1] = y
            if y > bounds[p, 3]:
                bounds[p, 3] = y
        src += lengths[r]
    return bounds


@njit(cache=True, nogil=True)
def finite_extent(x, y):
    """(xmin, xmax, ymin, ymax, how many) of the points with a finite position."""
    xmin, xmax, ymin, ymax = np.inf, -np.inf, np.inf, -np.inf
    count = 0
    for i in range(len(x)):
        px, py = x[i], y[i]
        if math.isfinite(px) and math.isfinite(py):
            count += 1
            xmin = min(xmin, px)
            xmax = max(xmax, px)
            ymin = min(ymin, py)
            ymax = max(ymax, py)
    return xmin, xmax, ymin, ymax, count


@njit(cache=True, nogil=True)
def spatial_sort(x, y, x0, y0, size, nx, ny, count):
    """The ``count`` points with a finite position, bucket by bucket as ``spatial_order`` takes them:
    (their indices, x, y). The coordinates are written in the same pass, not gathered after."""
    n = len(x)
    key = np.empty(n, dtype=np.int64)
    counts = np.zeros(nx * ny + 1, dtype=np.int64)
    for i in range(n):
        if math.isfinite(x[i]) and math.isfinite(y[i]):
            col = min(max(math.floor((x[i] - x0) / size), 0), nx - 1)
            row = min(max(math.floor((y[i] - y0) / size), 0), ny - 1)
            b = row * nx + col
            key[i] = b
            counts[b + 1] += 1
        else:
            key[i] = -1
    fill = np.cumsum(counts)
    rows = np.empty(count, dtype=np.int64)
    xs = np.empty(count, dtype=np.float64)
    ys = np.empty(count, dtype=np.float64)
    for i in range(n):
        b = key[i]
        if b >= 0:
            at = fill[b]
            rows[at] = i
            xs[at] = x[i]
            ys[at] = y[i]
            fill[b] += 1
    return rows, xs, ys


@njit(cache=True, nogil=True)
def point_segment_distance(px, py, ax, ay, bx, by):
    """GEOS's ``Distance::pointToSegment``, operation for operation, so the same doubles come out."""
    if ax == bx and ay == by:
        return math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
    if r <= 0.0:
        return math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    if r >= 1.0:
        return math.sqrt((px - bx) * (px - bx) + (py - by) * (py - by))
    s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2
    return abs(s) * math.sqrt(len2)


@njit(cache=True, nogil=True)
def rect_distance(px, py, x0, y0, x1, y1):
    """Distance from a point to the rectangle [x0, x1] × [y0, y1] (0 inside)."""
    dx = max(x0 - px, 0.0, px - x1)
    dy = max(y0 - py, 0.0, py - y1)
    return math.sqrt(dx * dx + dy * dy)


@njit(cache=True, nogil=True)
def _side_distance(px, py, bx0, by0, bsize, bnx, bny, c0, c1, r0, r1):
    """Distance from a point to the buckets of columns c0..c1 and rows r0..r1 clipped to the index
    (inf when none is left)."""
    c0, c1 = max(c0, 0), min(c1, bnx - 1)
    r0, r1 = max(r0, 0), min(r1, bny - 1)
    if c0 > c1 or r0 > r1:
        return np.inf
    return rect_distance(px, py, bx0 + c0 * bsize, by0 + r0 * bsize, bx0 + (c1 + 1) * bsize, by0 + (r1 + 1) * bsize)


@njit(cache=True, nogil=True)
def _nearest_in_bucket(i, px, py, b, bucket, rank, max_distance, slack, seen, best, best_p, unsure):
    """``nearest``'s visit of bucket ``b``: returns the updated (best, best_p, unsure)."""
    (_, _, _, bnx, _, bptr, bitems, ids, simple, bounds, poly_rings, ring_ptr, xs, ys) = bucket
    x0 = bucket.x0 + (b % bnx) * bucket.size
    y0 = bucket.y0 + (b // bnx) * bucket.size
    if rect_distance(px, py, x0, y0, x0 + bucket.size, y0 + bucket.size) > min(best, max_distance) + slack:
        return best, best_p, unsure
    for j in range(bptr[b], bptr[b + 1]):
        p = bitems[j]
        if seen[p] == i:
            continue
        seen[p] = i
        box = rect_distance(px, py, bounds[p, 0], bounds[p, 1], bounds[p, 2], bounds[p, 3])
        if box > min(best, max_distance) + slack:
            continue
        if not simple[p]:
            unsure = True
            continue
        d = np.inf
        for r in range(poly_rings[p], poly_rings[p + 1]):
            for v in range(ring_ptr[r], ring_ptr[r + 1] - 1):
                d = min(d, point_segment_distance(px, py, xs[v], ys[v], xs[v + 1], ys[v + 1]))
        nearer = best_p < 0 or d < best or (d == best and rank[ids[p]] < rank[ids[best_p]])
        if d <= max_distance and d < np.inf and nearer:
            best, best_p = d, p
    return best, best_p, unsure


@njit(cache=True, nogil=True)
def nearest(x, y, bucket, rank, max_distance, slack, max_rings):
    """Per point outside every polygon: (the nearest polygon by the caller's index, or -1 beyond
    ``max_distance``, or -2 where GEOS must decide: a polygon the compiled test cannot read may be
    the nearest, or ``max_rings`` rings did not settle it; its distance, GEOS's own double). Equal
    distances: the lowest ``rank`` wins.

    The buckets are searched ring by ring around the point's bucket (clamped into the index); the
    search stops when the next ring is farther than the best distance so far. Boxes are compared
    with ``slack`` to spare, so rounding in them never drops a candidate.
    """
    bx0, by0, bsize, bnx, bny, ids = bucket.x0, bucket.y0, bucket.size, bucket.nx, bucket.ny, bucket.ids
    n = len(x)
    found = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.inf)
    seen = np.full(len(ids), -1, dtype=np.int64)
    for i in range(n):
        px, py = x[i], y[i]
        col = min(max(math.floor((px - bx0) / bsize), 0), bnx - 1)
        row = min(max(math.floor((py - by0) / bsize), 0), bny - 1)
        best, best_p, unsure = np.inf, -1, False
        k = 0
        while True:
            for rr in range(max(row - k, 0), min(row + k, bny - 1) + 1):
                if rr == row - k or rr == row + k:  # a whole row of the ring
                    for cc in range(max(col - k, 0), min(col + k, bnx - 1) + 1):
                        best, best_p, unsure = _nearest_in_bucket(
                            i, px, py, rr * bnx + cc, bucket, rank, max_distance, slack, seen, best, best_p, unsure
                        )
                else:  # its two ends
                    if col - k >= 0:
                        best, best_p, unsure = _nearest_in_bucket(
                            i, px, py, rr * bnx + col - k, bucket, rank, max_distance, slack, seen, best, best_p, unsure
                        )
                    if col + k < bnx:
                        best, best_p, unsure = _nearest_in_bucket(
                            i, px, py, rr * bnx + col + k, bucket, rank, max_distance, slack, seen, best, best_p, unsure
                        )
            # the next ring: its nearest bucket bounds everything not seen yet
            k += 1
            ring = min(
                _side_distance(px, py, bx0, by0, bsize, bnx, bny, col - k, col + k, row + k, row + k),
                _side_distance(px, py, bx0, by0, bsize, bnx, bny, col - k, col + k, row - k, row - k),
                _side_distance(px, py, bx0, by0, bsize, bnx, bny, col - k, col - k, row - k, row + k),
                _side_distance(px, py, bx0, by0, bsize, bnx, bny, col + k, col + k, row - k, row + k),
            )
            if ring == np.inf or ring - slack > min(best, max_distance):
                break
            if k > max_rings:  # far off, beside an empty stretch of the index: an R-tree does better
                unsure = True
                break
        if unsure:
            found[i] = -2
        elif best_p >= 0:
            found[i] = ids[best_p]
            dist[i] = best
    return found, dist
