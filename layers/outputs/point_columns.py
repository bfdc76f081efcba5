"""Output rows whose point geometry is two of their own columns, carried as numbers until written.

Geolocation's output point is ``(x_located, y_located)``, columns the output has anyway. Making a
million shapely points only for GDAL to turn them back into WKB costs about 0.7 s of a run that must
keep pace with QGIS's own join to a temporary layer; the bulk GeoPackage writer builds the WKB
straight from the two columns instead (:func:`point_wkb`). Every other consumer (QGIS's sink, the
PostGIS COPY writer) gets real geometries from :func:`materialised`, so a frame carrying its points
this way can go wherever a GeoDataFrame goes.

The two column names and the CRS ride in ``DataFrame.attrs`` under :data:`ATTR`; what reads them is
:func:`point_columns` only.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

#: the ``attrs`` key: (x column, y column, CRS)
ATTR = "gridgov_points_from"


def carry_points(frame: pd.DataFrame, x: str, y: str, crs) -> pd.DataFrame:
    """``frame`` as a plain DataFrame whose point geometry is the columns ``x`` and ``y`` in ``crs``."""
    out = pd.DataFrame(frame, copy=False)
    out.attrs[ATTR] = (x, y, crs)
    return out


def point_columns(frame: pd.DataFrame) -> tuple[str, str, object] | None:
    """(x column, y column, CRS) of a frame made by :func:`carry_points`; None for any other frame."""
    if isinstance(frame, gpd.GeoDataFrame):
        return None
    spec = frame.attrs.get(ATTR)
    if spec is None or spec[0] not in frame.columns or spec[1] not in frame.columns:
        return None
    return spec


def materialised(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a GeoDataFrame with real point geometries (unchanged when it carries none)."""
    spec = point_columns(frame)
    if spec is None:
        return frame
    from gridgov.layers.io.convert import points_array

    x, y, crs = spec
    plain = pd.DataFrame(frame, copy=False)
    plain.attrs = {}
    return gpd.GeoDataFrame(plain, geometry=points_array(frame[x], frame[y]), crs=crs)


def point_wkb(x, y) -> tuple[np.ndarray, np.ndarray]:
    """2D ISO WKB points (little-endian) of ``x``, ``y`` as an object array of bytes, None where a
    coordinate is not finite, and the bounds (minx, miny, maxx, maxy; NaN for None) as shapely's
    ``bounds`` gives them: the same bytes ``shapely.to_wkb(points, output_dimension=2)`` writes."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(x)
    present = np.isfinite(x) & np.isfinite(y)
    records = np.zeros(n, dtype=[("order", "u1"), ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")])
    records["order"], records["kind"], records["x"], records["y"] = 1, 1, x, y
    buffer = records.tobytes()  # 21 bytes a point, packed
    wkb = np.empty(n, dtype=object)
    wkb[:] = [buffer[start : start + 21] for start in range(0, 21 * n, 21)]
    wkb[~present] = None
    bounds = np.column_stack([x, y, x, y])
    bounds[~present] = np.nan
    return wkb, bounds
