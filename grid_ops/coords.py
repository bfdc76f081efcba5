"""Coordinate systems of Chinese work orders: WGS84, GCJ-02, BD-09, CGCS2000 and any EPSG code.

PROJ has no GCJ-02 or BD-09, so the published obfuscation algorithm (Krasovsky ellipsoid,
a = 6378245.0, ee = 0.00669342162296594323) is implemented here, vectorised over numpy arrays so a
million points convert in well under a second. Offsets are applied only inside China's rough box,
as every public implementation does. Arrays are always (lon, lat) in that order.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import CRS, Transformer

KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323
X_PI = np.pi * 3000.0 / 180.0

# Named systems accepted wherever a coordinate system is a parameter (DESIGN.md §3).
NAMED_SYSTEMS = ("wgs84", "gcj02", "bd09", "cgcs2000")
#: EPSG code that carries each named system's underlying datum (GCJ-02 and BD-09 sit on WGS84).
_DATUM_EPSG = {"wgs84": 4326, "gcj02": 4326, "bd09": 4326, "cgcs2000": 4490}


class CoordSysError(ValueError):
    """A coordinate-system string that is neither a named system nor an EPSG code."""


def normalise_coord_sys(value: str) -> str:
    """Return the canonical spelling of a coordinate-system string (`gcj02`, `EPSG:4547`, ...).

    Accepts the spellings found in real exports: `GCJ-02`, `gcj_02`, `bd-09`, `WGS-84`,
    `CGCS2000`, `epsg:4547`, `4547`.
    """
    if value is None:
        raise CoordSysError("empty coordinate system")
    text = str(value).strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    aliases = {
        "wgs84": "wgs84",
        "4326": "wgs84",
        "epsg:4326": "wgs84",
        "gps": "wgs84",
        "gcj02": "gcj02",
        "gcj": "gcj02",
        "mars": "gcj02",
        "amap": "gcj02",
        "gaode": "gcj02",
        "bd09": "bd09",
        "bd09ll": "bd09",
        "baidu": "bd09",
        "cgcs2000": "cgcs2000",
        "4490": "cgcs2000",
        "epsg:4490": "cgcs2000",
    }
    if text in aliases:
        return aliases[text]
    code = text[5:] if text.startswith("epsg:") else text
    if code.isdigit():
        try:
            CRS.from_epsg(int(code))
        except Exception as exc:  # pyproj raises CRSError; keep the message for the user
            raise CoordSysError(f"unknown EPSG code {code}") from exc
        return f"EPSG:{int(code)}"
    raise CoordSysError(f"unknown coordinate system {value!r}")


def out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True where no offset applies (the rough box used by eviltransform and PRCoords)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return ~((lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271))


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS84 offset in degrees at WGS84 positions (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x + common
    d_lat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x + common
    d_lon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - KRASOVSKY_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (KRASOVSKY_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → GCJ-02; points outside China are returned unchanged."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    d_lon, d_lat = _delta(lon, lat)
    outside = out_of_china(lon, lat)
    return np.where(outside, lon, lon + d_lon), np.where(outside, lat, lat + d_lat)


def gcj02_to_wgs84(lon, lat, tolerance: float = 1e-10, max_iter: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS84 by fixed-point iteration (converges to < 1e-9° in a few steps)."""
    g_lon = np.asarray(lon, dtype=float)
    g_lat = np.asarray(lat, dtype=float)
    w_lon = g_lon.copy()
    w_lat = g_lat.copy()
    for _ in range(max_iter):
        c_lon, c_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon = c_lon - g_lon
        e_lat = c_lat - g_lat
        w_lon = w_lon - e_lon
        w_lat = w_lat - e_lat
        worst = np.nanmax(np.abs(np.concatenate([e_lon.ravel(), e_lat.ravel()])), initial=0.0)
        if worst < tolerance:
            break
    return w_lon, w_lat


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → BD-09 (Baidu)."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → GCJ-02, exact inverse by fixed-point iteration on the closed form."""
    b_lon = np.asarray(lon, dtype=float)
    b_lat = np.asarray(lat, dtype=float)
    x = b_lon - 0.0065
    y = b_lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * X_PI)
    g_lon, g_lat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(10):
        c_lon, c_lat = gcj02_to_bd09(g_lon, g_lat)
        e_lon, e_lat = c_lon - b_lon, c_lat - b_lat
        g_lon, g_lat = g_lon - e_lon, g_lat - e_lat
        if np.nanmax(np.abs(np.concatenate([e_lon.ravel(), e_lat.ravel()])), initial=0.0) < 1e-12:
            break
    return g_lon, g_lat


@lru_cache(maxsize=64)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(_crs_of(src), _crs_of(dst), always_xy=True)


def _crs_of(system: str) -> CRS:
    if system in _DATUM_EPSG:
        return CRS.from_epsg(_DATUM_EPSG[system])
    return CRS.from_user_input(system)


def convert(x, y, src: str, dst: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert coordinates between any two systems (named or `EPSG:n`).

    GCJ-02 and BD-09 are first brought back to WGS84; geographic WGS84 / CGCS2000 are treated by
    PROJ (their difference is below a metre and PROJ applies a null transformation).
    """
    src = normalise_coord_sys(src)
    dst = normalise_coord_sys(dst)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if src == dst:
        return x.copy(), y.copy()
    if src == "bd09":
        x, y = bd09_to_gcj02(x, y)
        src = "gcj02"
    if src == "gcj02":
        if dst == "bd09":
            return gcj02_to_bd09(x, y)
        x, y = gcj02_to_wgs84(x, y)
        src = "wgs84"
    if dst in ("gcj02", "bd09"):
        lon, lat = (x, y) if src == "wgs84" else _transformer(src, "wgs84").transform(x, y)
        g_lon, g_lat = wgs84_to_gcj02(np.asarray(lon), np.asarray(lat))
        return (g_lon, g_lat) if dst == "gcj02" else gcj02_to_bd09(g_lon, g_lat)
    if src == dst:
        return x, y
    out_x, out_y = _transformer(src, dst).transform(x, y)
    return np.asarray(out_x, dtype=float), np.asarray(out_y, dtype=float)
