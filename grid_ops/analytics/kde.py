"""Kernel density surfaces (heatmaps) with QGIS's kernels, by linear binning and FFT convolution.

QGIS's heatmap (``qgskde.cpp``) adds every point's kernel to every pixel within the radius, which
costs points × pixels-in-radius. The same sum is a convolution: points are spread onto a lattice
(the pixel grid, or a finer one when the radius spans few pixels) by *quadratic binning* (each
point's weight shared among its 3 × 3 nearest nodes with Lagrange weights), the lattice is
convolved with the kernel sampled at the lattice spacing (one FFT product), and the surface is
read at the pixel centres. The binning error falls as (spacing / radius)³; with the spacing at
most radius / ``FINE_STEPS`` every pixel stays within 0.5 % of the exact kernel sum wherever the
density is at least 1 % of the peak (tests check this against a direct sum). Kernels and their
raw / scaled constants are QGIS's, in QGIS's enum order, so a user can switch between the two.
"""

from __future__ import annotations

import dataclasses
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import fft

from gridgov.grid_ops.orders.selection import FilterRequest

#: QGIS's ``QgsKernelDensityEstimation::KernelShape`` order.
KERNELS = ("quartic", "triangular", "uniform", "triweight", "epanechnikov")
#: QGIS's ``OutputValues`` order.
OUTPUT_VALUES = ("raw", "scaled")
#: The series of rasters a heatmap may add: none, one per month, one per class case.
SERIES = ("none", "month", "class")
#: The lattice spacing is at most radius / FINE_STEPS. Kernels with a kink or a step at the
#: radius (Epanechnikov, triangular, uniform) interpolate worse there and get a finer lattice.
FINE_STEPS = {"quartic": 15, "triweight": 15, "epanechnikov": 30, "triangular": 30, "uniform": 30}
#: numpy ≥ 1.25 adds at repeated indices (ufunc.at) about as fast as bincount without its big temporaries
_FAST_ADD_AT = tuple(int(p) for p in np.__version__.split(".")[:2]) >= (1, 25)
#: Largest lattice (nodes); a finer one would need more than about 1 GB, so the spacing gives way.
MAX_LATTICE = 40_000_000

#: The FFT runs in single precision (twice as fast); its round-off, about 1e-7 of the peak, is far
#: below the binning error. Values under this share of the peak are that round-off: set to zero.
FFT_DTYPE = np.float32
#: The binning sums in double precision (see ``_quadratic_binning``).
BIN_DTYPE = np.float64
ZERO_BELOW = 1e-6


def kernel_value(
    distance: np.ndarray, radius: float, kernel: str = "quartic", scaled: bool = False, decay: float = 0.0
) -> np.ndarray:
    """A point's contribution at ``distance``, as QGIS computes it (zero beyond the radius)."""
    if radius <= 0:
        raise ValueError(f"radius must be positive, not {radius}")
    d = np.asarray(distance, dtype=float) / radius
    r2 = radius * radius
    if kernel == "quartic":
        value = (1.0 - d * d) ** 2
        k = 116.0 / (5.0 * math.pi * r2) * (15.0 / 16.0)
    elif kernel == "triweight":
        value = (1.0 - d * d) ** 3
        k = 128.0 / (35.0 * math.pi * r2) * (35.0 / 32.0)
    elif kernel == "epanechnikov":
        value = 1.0 - d * d
        k = 8.0 / (3.0 * math.pi * r2) * 0.75
    elif kernel == "uniform":
        value = np.ones_like(d)
        k = 1.0 / (math.pi * r2)
    elif kernel == "triangular":
        value = 1.0 - (1.0 - decay) * d
        # QGIS leaves a negative decay ("cool map") unscaled
        k = 3.0 / ((1.0 + 2.0 * decay) * math.pi * r2) if decay >= 0 else 1.0
    else:
        raise ValueError(f"unknown kernel {kernel!r}; one of {', '.join(KERNELS)}")
    return np.where(d <= 1.0, value * (k if scaled else 1.0), 0.0)


@dataclass(frozen=True)
class RasterSpec:
    """A north-up raster: top-left corner, square pixel size, columns and rows."""

    x_min: float
    y_max: float
    pixel: float
    cols: int
    rows: int

    @property
    def x_max(self) -> float:
        return self.x_min + self.cols * self.pixel

    @property
    def y_min(self) -> float:
        return self.y_max - self.rows * self.pixel

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Pixel-centre x of each column and y of each row (rows top down)."""
        return (
            self.x_min + (np.arange(self.cols) + 0.5) * self.pixel,
            self.y_max - (np.arange(self.rows) + 0.5) * self.pixel,
        )

    def geotransform(self) -> tuple[float, float, float, float, float, float]:
        return (self.x_min, self.pixel, 0.0, self.y_max, 0.0, -self.pixel)

    @classmethod
    def around_points(cls, x: np.ndarray, y: np.ndarray, radius: float, pixel: float) -> RasterSpec:
        """QGIS's own layout: the points' extent grown by the radius, ceil(size / pixel) + 1 pixels."""
        ok = np.isfinite(x) & np.isfinite(y)
        if not ok.any():
            raise ValueError("no point has a position")
        x0, x1 = float(x[ok].min()) - radius, float(x[ok].max()) + radius
        y0, y1 = float(y[ok].min()) - radius, float(y[ok].max()) + radius
        cols = max(math.ceil((x1 - x0) / pixel) + 1, 1)
        rows = max(math.ceil((y1 - y0) / pixel) + 1, 1)
        return cls(x0, y1, pixel, cols, rows)

    @classmethod
    def for_extent(cls, x_min: float, y_min: float, x_max: float, y_max: float, pixel: float) -> RasterSpec:
        """Exactly an extent (a series or atlas shares one), whole pixels from its top-left corner."""
        if pixel <= 0:
            raise ValueError(f"pixel size must be positive, not {pixel}")
        cols = max(math.ceil((x_max - x_min) / pixel - 1e-9), 1)
        rows = max(math.ceil((y_max - y_min) / pixel - 1e-9), 1)
        return cls(float(x_min), float(y_max), float(pixel), cols, rows)


@dataclass(frozen=True)
class HeatmapRequest:
    """A heatmap as the toolbox, the dock or a script asks for it (``gridgov:heatmap``)."""

    #: The kernel's radius, in the orders' units.
    radius: float = 300.0
    pixel_size: float = 20.0
    #: One of KERNELS.
    kernel: str = "quartic"
    #: The triangular kernel's decay ratio.
    decay: float = 0.0
    #: One of OUTPUT_VALUES: the kernels' sums, or scaled to a density.
    output_value: str = "raw"
    #: The orders' weight field; '' for a weight of 1 each.
    weight_field: str = ""
    #: The raster's bounds (x_min, y_min, x_max, y_max) in the orders' CRS; None: around the orders.
    extent: tuple[float, float, float, float] | None = None
    filter: FilterRequest = dataclasses.field(default_factory=FilterRequest)
    #: One of SERIES: one raster per member besides the whole surface.
    series: str = "none"


@dataclass(frozen=True, eq=False)
class Heatmap:
    """The points of one request (``x``, ``y``, ``weights``, None for 1 each) on its raster ``spec``:
    the surface of all of them, or of a subset (a member of a series), on the same pixels."""

    x: np.ndarray
    y: np.ndarray
    weights: np.ndarray | None
    spec: RasterSpec
    request: HeatmapRequest

    def surface(self, mask: np.ndarray) -> np.ndarray:
        """The surface of the points ``mask`` keeps, in a GeoTIFF's single precision."""
        r = self.request
        w = None if self.weights is None else self.weights[mask]
        x, y = _columns(self.x, self.y, mask)
        return density(x, y, self.spec, r.radius, r.kernel, r.output_value == "scaled", r.decay, w, dtype=np.float32)


def heatmap_of(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray | None, spread: np.ndarray, request: HeatmapRequest
) -> Heatmap:
    """The heatmap ``request`` asks for of the points (x, y): on its extent, or on QGIS's layout
    around the points ``spread`` keeps. Nothing is computed yet: the raster's size can be checked
    before its surfaces are asked for (``Heatmap.surface``)."""
    if request.extent is not None:
        spec = RasterSpec.for_extent(*request.extent, request.pixel_size)
    else:
        spec = RasterSpec.around_points(*_columns(x, y, spread), request.radius, request.pixel_size)
    return Heatmap(x, y, weights, spec, request)


def series_keys(series: str, codes: np.ndarray | None, times: np.ndarray | None) -> np.ndarray:
    """Each order's member of a ``month`` series (``2025-06``) or a ``class`` series (its class case);
    '' for an order without one."""
    if series == "month":
        return np.where(np.isnat(times), "", times.astype("datetime64[M]").astype(str))
    return np.asarray([str(c).strip() if c is not None else "" for c in codes], dtype=object)


def _columns(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of the rows ``mask`` keeps; ``x`` and ``y`` themselves when it keeps them all (usually:
    no filter, every order placed), not two copies of a million positions."""
    if mask.all():
        return x, y
    return x[mask], y[mask]


def density(
    x: np.ndarray,
    y: np.ndarray,
    spec: RasterSpec,
    radius: float,
    kernel: str = "quartic",
    scaled: bool = False,
    decay: float = 0.0,
    weights: np.ndarray | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """The kernel density at every pixel centre of ``spec`` (rows top down), float64 (``dtype``:
    float32 for a raster written in single precision, as GeoTIFFs are: no double copy to make; the
    surface is computed in single precision anyway, see FFT_DTYPE).

    Points without a position, or farther than the radius from the raster, add nothing; so do
    weights that are not finite.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w = None if weights is None else np.asarray(weights, dtype=float)
    fine, half, margin = _lattice_steps(spec, radius, kernel)
    step = spec.pixel / fine
    # lattice coordinates: pixel (row r, col c) centre sits on node (margin + fine·r, margin + fine·c)
    u = (x - (spec.x_min + spec.pixel / 2)) / step + margin
    v = ((spec.y_max - spec.pixel / 2) - y) / step + margin
    n_u = fine * (spec.cols - 1) + 1 + 2 * margin
    n_v = fine * (spec.rows - 1) + 1 + 2 * margin
    keep = (u >= 1) & (v >= 1) & (u < n_u - 2) & (v < n_v - 2)  # false for NaN too
    if w is not None:
        keep &= np.isfinite(w)
    if not keep.all():
        u, v, w = u[keep], v[keep], None if w is None else w[keep]
    # The convolution is circular, over ``shape``, with the kernel centred on node 0: what wraps
    # round reaches at most ``half`` nodes past either end of the lattice, inside its margins
    # (half + 2 nodes), never a pixel centre; so the lattice needs no padding beyond its margins.
    shape = (fft.next_fast_len(n_v, real=True), fft.next_fast_len(n_u, real=True))
    offsets = np.arange(-half, half + 1) * step
    stamp = kernel_value(np.hypot(offsets[:, None], offsets[None, :]), radius, kernel, scaled, decay)
    surface, threshold = _pixel_values(u, v, w, shape, stamp, spec, fine, margin, dtype)
    if (w is None or (w >= 0).all()) and (stamp >= 0).all():
        surface[surface < threshold] = 0.0  # round-off, and binning's small undershoot where the true sum is 0
    else:
        surface[np.abs(surface) < threshold] = 0.0
    return surface


def _lattice_steps(spec: RasterSpec, radius: float, kernel: str) -> tuple[int, int, int]:
    """(lattice nodes per pixel, the kernel's half-width in lattice steps, the lattice's margin in
    steps): a spacing of at most radius / FINE_STEPS, coarser where the lattice would exceed
    MAX_LATTICE nodes."""
    fine = max(1, math.ceil(spec.pixel * FINE_STEPS.get(kernel, 30) / radius))  # lattice nodes per pixel
    while (
        fine > 1
        and (fine * spec.cols + 2 * radius / spec.pixel * fine) * (fine * spec.rows + 2 * radius / spec.pixel * fine)
        > MAX_LATTICE
    ):
        fine -= 1
    half = math.ceil(radius / (spec.pixel / fine))  # kernel half-width in lattice steps
    return fine, half, half + 2


def _pixel_values(
    u: np.ndarray,
    v: np.ndarray,
    w: np.ndarray | None,
    shape: tuple[int, int],
    stamp: np.ndarray,
    spec: RasterSpec,
    fine: int,
    margin: int,
    dtype: type,
) -> tuple[np.ndarray, float]:
    """The points (lattice coordinates ``u``, ``v``, weights ``w``) binned, convolved with ``stamp``
    and read at the pixel centres, in ``dtype``; and the value below which a pixel is round-off.

    The lattice is binned straight into the FFT's ``shape``, in the FFT's precision: no padded copy
    to make; each big array is let go as soon as the next step has what it needs (they live here
    only, so a million-point heatmap holds one lattice-sized array at a time).
    """
    lattice = _quadratic_binning(u, v, w, shape)
    product = fft.rfft2(lattice.astype(FFT_DTYPE), workers=-1)
    del lattice
    product *= _stamp_spectrum(stamp, shape).astype(FFT_DTYPE)
    full = fft.irfft2(product, shape, workers=-1)
    del product
    first = margin  # the kernel is centred: convolution index = lattice index
    block = full[first : first + fine * spec.rows : fine, first : first + fine * spec.cols : fine]
    threshold = ZERO_BELOW * max(float(block.max()), -float(block.min()), 1e-300)  # the peak of |surface|
    surface = block.astype(dtype)
    del full, block
    return surface, threshold


#: Up to this many offsets from the centre, a stamp's spectrum is two small matrix products (below);
#: a wider one is transformed by FFT like the lattice.
SPECTRUM_BY_PRODUCTS = 64


def _stamp_spectrum(stamp: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The 2D DFT over ``shape`` (the half spectrum rfft2 gives) of the square ``stamp`` centred on
    node (0, 0), float64. It is real: a kernel is even in x and in y, so the transform is a sum of
    cosines.

    By FFT the stamp, padded to the lattice's shape, would cost as much as the lattice itself (a third
    of the convolution's time). With the evenness it is ``C_rows · Q · C_colsᵀ``: Q the stamp's quadrant
    (offsets 0 … half, each non-zero offset counted twice for its mirror), C the cosine tables of each
    axis, a few milliseconds for the usual 16 offsets. Cosines of whole-number angles are taken modulo
    the period first, so a long axis loses no precision.
    """
    half = stamp.shape[0] // 2
    if half >= SPECTRUM_BY_PRODUCTS:
        wrapped = np.zeros(shape)
        index = np.arange(-half, half + 1)
        wrapped[np.ix_(index % shape[0], index % shape[1])] = stamp
        return fft.rfft2(wrapped, workers=-1).real
    offsets = np.arange(half + 1)
    twice = np.where(offsets > 0, 2.0, 1.0)

    def cosines(size: int, count: int) -> np.ndarray:  # (count, half + 1): cos(2π k a / size)·(1 or 2)
        turns = np.outer(np.arange(count), offsets) % size
        return np.cos(2 * np.pi * turns / size) * twice

    quadrant = stamp[half:, half:]
    return cosines(shape[0], shape[0]) @ (quadrant @ cosines(shape[1], shape[1] // 2 + 1).T)


#: From this many points on, the binning runs in two threads (numpy's ufunc.at and its arithmetic let
#: go of Python's lock): on two cores a million points bin in about 85 ms instead of 105 ms (the sort
#: before the split stays in one thread).
THREADED_BINNING = 200_000


def _quadratic_binning(u: np.ndarray, v: np.ndarray, w: np.ndarray | None, shape: tuple[int, int]) -> np.ndarray:
    """Spread weights (None: 1 each) onto the 3 × 3 lattice nodes around each point with quadratic
    Lagrange weights; the lattice is BIN_DTYPE, ``shape`` (rows of ``shape[1]`` nodes, node (v, u) at
    ``v · shape[1] + u``).

    Convolving these node weights with the sampled kernel equals interpolating the kernel at the
    point's true position through 3 × 3 samples, exact for quadratics: the error falls as
    (spacing / radius)³ (linear binning: squared).

    The nine scattered additions of a million points are bound by memory, not arithmetic: they are
    made row by row (three lattice rows stay in cache, not random places all over the lattice), into
    a double-precision lattice: where a million orders share one spot (one address point, a district
    centroid) a single-precision sum drifts by 1 % and more; the FFT then takes it in single precision,
    whose relative round-off does not grow with the count. The rows are 16-bit keys, which numpy sorts by
    radix in linear time (a tenth of a general argsort). In row order the points split into a top
    and a bottom band whose nodes never meet (two lattice rows apart), binned in two threads, and
    the few points between them after.
    """
    width = shape[1]
    key = np.rint(v)
    order = np.argsort(key.astype(np.uint16) if shape[0] <= 1 << 16 else key, kind="stable")
    u, v = u[order], v[order]
    w = None if w is None else w[order]
    if not _FAST_ADD_AT:
        return _bin_once(u, v, w, shape)
    lattice = np.zeros(shape[0] * width, dtype=BIN_DTYPE)
    if len(u) < THREADED_BINNING:
        _bin_into(lattice, u, v, w, width)
        return lattice.reshape(shape)
    rows = key[order]
    split = rows[len(rows) // 2]
    # points in rows up to ``split`` reach down to node row split + 1, points from row split + 3 up
    # to node row split + 2: the two bands share no node; rows split + 1 and split + 2 come after
    top, bottom = np.searchsorted(rows, [split, split + 2], side="right")
    bands = [slice(0, top), slice(bottom, len(u))]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(_bin_into, lattice, u[b], v[b], None if w is None else w[b], width) for b in bands]:
            done.result()
    between = slice(top, bottom)
    _bin_into(lattice, u[between], v[between], None if w is None else w[between], width)
    return lattice.reshape(shape)


def _weights(
    u: np.ndarray, v: np.ndarray, w: np.ndarray | None, width: int
) -> tuple[np.ndarray, tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Each point's first node (the top left of its 3 × 3 block) and its weights along u and along v
    (the point's weight folded into the latter)."""
    row, col = np.rint(v), np.rint(u)
    corner = (row.astype(np.int64) - 1) * width + (col.astype(np.int64) - 1)
    fu, fv = u - col, v - row  # offsets from the nearest node, ±0.5
    h = 0.5 * fu * (fu - 1)  # fu (fu - 1) / 2, 1 - fu², fu (fu + 1) / 2: the nodes before, at and after
    along_u = (h, 1 - fu * fu, h + fu)
    g = 0.5 * fv * (fv - 1)
    along_v = (g, 1 - fv * fv, g + fv)
    if w is not None:
        along_v = tuple(w * b for b in along_v)
    return corner, along_u, along_v


def _bin_into(lattice: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray | None, width: int) -> None:
    """Nine in-place additions (numpy ≥ 1.25 adds at repeated indices about as fast as bincount, without
    its big temporaries), each into the flat ``lattice`` seen from its node's offset."""
    corner, along_u, along_v = _weights(u, v, w, width)
    for dv, b in enumerate(along_v):
        for du, a in enumerate(along_u):
            np.add.at(lattice[dv * width + du :], corner, b * a)


def _bin_once(u: np.ndarray, v: np.ndarray, w: np.ndarray | None, shape: tuple[int, int]) -> np.ndarray:
    """The binning with one bincount of all nine additions (numpy < 1.25, whose ufunc.at is slow)."""
    width = shape[1]
    corner, along_u, along_v = _weights(u, v, w, width)
    index = np.concatenate([corner + (dv * width + du) for dv in range(3) for du in range(3)])
    share = np.concatenate([b * a for b in along_v for a in along_u])
    return np.bincount(index, share, minlength=shape[0] * width).reshape(shape)
