"""Benchmarks of coordinate conversion as a user runs it, gridgov and QGIS side by side in one run.

Each test times the whole ``processing.run`` of ``gridgov:convertcoords`` and of the closest QGIS
algorithm on the same GeoPackage of 1,000,000 points (EPSG:4326, two attribute columns), each
writing a GeoPackage:

* WGS84 → GCJ-02: QGIS has no GCJ-02; the peer is ``native:geometrybyexpression`` with the published
  GCJ-02 formula written as a QGIS expression (the same job, evaluated feature by feature);
* GCJ-02 → WGS84, exact inverse: the peer is ``native:geometrybyexpression`` running the same
  fixed-point iteration (three steps, as exact as gridgov's) as a QGIS expression;
* WGS84 → EPSG:4547 (CGCS2000 3-degree Gauss-Krüger 114°E): the peer is ``native:reprojectlayer``,
  the same PROJ transformation.

gridgov writes the input columns plus ``x_out``, ``y_out`` and ``problem``; the QGIS peers write the
input columns with the new geometry. Breakdown of gridgov's run, measured inside that same run:
reading the layer, the engine (``positions.to_target``: parsing and converting), writing the output
(``write_frame``); then the I/O floor, pyogrio (GDAL) writing the same output table to a GeoPackage
with its spatial index, and the bare numeric kernel on float arrays. Accuracy: prcoords (an
independent implementation) on 10,000 sampled points checks both outputs; both reprojections are
compared with each other.

Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import time

import numpy as np
import prcoords
import pyogrio
import pytest

from gridgov.grid_ops.orders import coords

N = 1_000_000
N_CHECK = 10_000
A, EE = coords.KRASOVSKY_A, coords.KRASOVSKY_EE


def _delta_expression(lon: str, lat: str, body: str, tag: str) -> str:
    """A QGIS expression binding @dlo{tag} and @dla{tag} (GCJ-02 offset at lon/lat, in degrees) around ``body``."""
    x, y = f"({lon} - 105)", f"({lat} - 35)"
    common = f"(20*sin(6*{x}*pi()) + 20*sin(2*{x}*pi()))*2/3"
    d_lat = (
        f"-100 + 2*{x} + 3*{y} + 0.2*{y}*{y} + 0.1*{x}*{y} + 0.2*sqrt(abs({x})) + {common}"
        f" + (20*sin({y}*pi()) + 40*sin({y}/3*pi()))*2/3 + (160*sin({y}/12*pi()) + 320*sin({y}*pi()/30))*2/3"
    )
    d_lon = (
        f"300 + {x} + 2*{y} + 0.1*{x}*{x} + 0.1*{x}*{y} + 0.1*sqrt(abs({x})) + {common}"
        f" + (20*sin({x}*pi()) + 40*sin({x}/3*pi()))*2/3 + (150*sin({x}/12*pi()) + 300*sin({x}/30*pi()))*2/3"
    )
    s = f"sin({lat}*pi()/180)"
    m = f"@m{tag}"
    return (
        f"with_variable('m{tag}', 1 - {EE!r}*{s}*{s}, "
        f"with_variable('dla{tag}', ({d_lat})*180/(({A!r}*(1 - {EE!r}))/({m}*sqrt({m}))*pi()), "
        f"with_variable('dlo{tag}', ({d_lon})*180/({A!r}/sqrt({m})*cos({lat}*pi()/180)*pi()), "
        f"{body})))"
    )


def forward_expression() -> str:
    """WGS84 → GCJ-02 (the published formula) as a QGIS geometry expression."""
    return _delta_expression("$x", "$y", "make_point($x + @dlo0, $y + @dla0)", "0")


def inverse_expression(steps: int = 3) -> str:
    """GCJ-02 → WGS84 as gridgov does it: w = g - delta(w) from w = g, ``steps`` times (three reach 1e-11°)."""
    body = f"make_point(@lo{steps}, @la{steps})"
    for k in range(steps, 0, -1):
        # @lo{k} = g - delta(@lo{k-1}, @la{k-1})
        body = _delta_expression(
            f"@lo{k - 1}",
            f"@la{k - 1}",
            f"with_variable('lo{k}', $x - @dlo{k}, with_variable('la{k}', $y - @dla{k}, {body}))",
            str(k),
        )
    return f"with_variable('lo0', $x, with_variable('la0', $y, {body}))"


def _timed(monkeypatch, owner, name: str, seconds: dict, keep: dict | None = None) -> None:
    """Replace ``owner.name`` for this test by a wrapper adding its wall time to ``seconds[name]``
    (and keeping its first positional argument named ``frame`` in ``keep``, for write_frame)."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
            if keep is not None:
                keep[name] = args[4] if len(args) > 4 else kwargs.get("frame")

    monkeypatch.setattr(owner, name, wrapper)


@pytest.fixture(scope="module")
def points_gpkg(tmp_path_factory):
    """N points around Shenzhen in EPSG:4326, with an id and a class code, in a GeoPackage."""
    import geopandas as gpd

    rng = np.random.default_rng(0)
    lon = rng.uniform(113.8, 114.3, N)
    lat = rng.uniform(22.4, 22.8, N)
    frame = gpd.GeoDataFrame(
        {"pid": np.arange(N), "class_code": rng.choice(["0601", "0503", "0101", "0401"], N)},
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    path = tmp_path_factory.mktemp("coords") / "points.gpkg"
    pyogrio.write_dataframe(frame, path, driver="GPKG")
    return path, lon, lat


def _run_both(monkeypatch, tmp_path, path, to, peer_id, peer_params, from_="wgs84"):
    """(gridgov seconds, breakdown seconds, output frame handed to write_frame, QGIS seconds, outputs)."""
    import processing

    from gridgov.grid_ops.orders import positions
    from gridgov.layers.processing.orders import convertcoords_alg

    seconds, keep = {}, {}
    _timed(monkeypatch, convertcoords_alg, "read_orders_input", seconds)
    _timed(monkeypatch, positions, "to_target", seconds)
    _timed(monkeypatch, convertcoords_alg, "write_frame", seconds, keep)
    started = time.perf_counter()
    ours = processing.run(
        "gridgov:convertcoords",
        {"INPUT": str(path), "FROM": from_, "TO": to, "OUTPUT": str(tmp_path / "gridgov.gpkg")},
    )
    ours_s = time.perf_counter() - started
    monkeypatch.undo()
    started = time.perf_counter()
    theirs = processing.run(peer_id, {"INPUT": str(path), **peer_params, "OUTPUT": str(tmp_path / "qgis.gpkg")})
    qgis_s = time.perf_counter() - started
    assert ours["FAILED"] == 0
    frame = keep["write_frame"]
    started = time.perf_counter()
    pyogrio.write_dataframe(frame, tmp_path / "floor.gpkg", driver="GPKG")
    floor_s = time.perf_counter() - started
    return ours_s, seconds, frame, qgis_s, floor_s, ours["OUTPUT"], theirs["OUTPUT"]


def _read_xy(dest) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pid, x, y) of a written GeoPackage output, ordered by pid."""
    import shapely

    frame = pyogrio.read_dataframe(str(dest).split("|")[0], columns=["pid"])
    order = np.argsort(frame["pid"].to_numpy())
    geoms = frame.geometry.to_numpy()[order]
    return frame["pid"].to_numpy()[order], shapely.get_x(geoms), shapely.get_y(geoms)


def _line(job: str, peer: str, ours_s, seconds, frame, qgis_s, floor_s, kernel: str, kernel_s) -> str:
    other = ours_s - sum(seconds.values())
    columns = [c for c in frame.columns if c != frame.geometry.name]
    added = ("x_out", "y_out", "problem")
    kept = ", ".join(c for c in columns if c not in added)
    return (
        f"\n{job}, {N:,} points, GeoPackage in (EPSG:4326) and GeoPackage out, one run each:"
        f"\n  gridgov:convertcoords, whole processing.run: {ours_s:.2f} s"
        f" (writes {len(columns)} columns: the input's {kept}, plus x_out, y_out, problem; and the point)"
        f"\n  {peer}, whole processing.run: {qgis_s:.2f} s (writes the input's columns and the new geometry)"
        f"\n  ratio QGIS / gridgov, end to end: {qgis_s / ours_s:.2f}x"
        f"\n  breakdown of gridgov's run: reading the layer {seconds.get('read_orders_input', 0):.2f} s, "
        f"engine (positions.to_target: parse and convert) {seconds.get('to_target', 0):.2f} s, "
        f"writing the GeoPackage (write_frame) {seconds.get('write_frame', 0):.2f} s, "
        f"the rest (Processing, parameters, the frame) {other:.2f} s"
        f"\n  I/O floor: pyogrio (GDAL) writing the same {len(columns)}-column table to a GeoPackage "
        f"with its spatial index {floor_s:.2f} s (gridgov's write is {seconds.get('write_frame', 0) / floor_s:.2f}x it)"
        f"\n  bare kernel: {kernel} on {N:,} float pairs in memory {kernel_s:.3f} s"
    )


def test_bench_wgs84_to_gcj02(points_gpkg, tmp_path, gridgov_provider, monkeypatch):
    path, lon, lat = points_gpkg
    ours_s, seconds, frame, qgis_s, floor_s, ours_dest, their_dest = _run_both(
        monkeypatch,
        tmp_path,
        path,
        "gcj02",
        "native:geometrybyexpression",
        {"OUTPUT_GEOMETRY": 2, "WITH_Z": False, "WITH_M": False, "EXPRESSION": forward_expression()},
    )
    started = time.perf_counter()
    coords.wgs84_to_gcj02(lon, lat)
    kernel_s = time.perf_counter() - started

    pid, ox, oy = _read_xy(ours_dest)
    qpid, qx, qy = _read_xy(their_dest)
    assert len(pid) == len(qpid) == N
    pick = np.random.default_rng(5).choice(N, N_CHECK, replace=False)
    ref = np.array([prcoords.wgs_gcj((lat[i], lon[i])) for i in pick])  # (lat, lon)
    ours_err = max(np.abs(ox[pick] - ref[:, 1]).max(), np.abs(oy[pick] - ref[:, 0]).max())
    their_err = max(np.abs(qx[pick] - ref[:, 1]).max(), np.abs(qy[pick] - ref[:, 0]).max())
    print(
        _line("WGS84 → GCJ-02", "native:geometrybyexpression (the GCJ-02 formula as a QGIS expression)",
              ours_s, seconds, frame, qgis_s, floor_s, "coords.wgs84_to_gcj02", kernel_s)
        + f"\n  accuracy against prcoords.wgs_gcj at {N_CHECK:,} sampled points (written outputs read back): "
        f"gridgov {ours_err:.1e}°, QGIS expression {their_err:.1e}°"
    )  # fmt: skip
    assert ours_err < 1e-9 and their_err < 1e-9


def test_bench_gcj02_inverse(points_gpkg, tmp_path, gridgov_provider, monkeypatch):
    path, lon, lat = points_gpkg  # read as GCJ-02 coordinates
    ours_s, seconds, frame, qgis_s, floor_s, ours_dest, their_dest = _run_both(
        monkeypatch,
        tmp_path,
        path,
        "wgs84",
        "native:geometrybyexpression",
        {"OUTPUT_GEOMETRY": 2, "WITH_Z": False, "WITH_M": False, "EXPRESSION": inverse_expression(3)},
        from_="gcj02",
    )
    started = time.perf_counter()
    coords.gcj02_to_wgs84(lon, lat)
    kernel_s = time.perf_counter() - started

    pid, ox, oy = _read_xy(ours_dest)
    qpid, qx, qy = _read_xy(their_dest)
    assert len(pid) == len(qpid) == N
    pick = np.random.default_rng(6).choice(N, N_CHECK, replace=False)
    # prcoords' own iterative inverse stops at about 1e-8°: the exactness check is the round trip
    # through prcoords' forward formula (back to the GCJ-02 input), the distance to gcj_wgs_bored is printed
    bored = np.array([prcoords.gcj_wgs_bored((lat[i], lon[i])) for i in pick])  # (lat, lon)
    ours_bored = max(np.abs(ox[pick] - bored[:, 1]).max(), np.abs(oy[pick] - bored[:, 0]).max())
    their_bored = max(np.abs(qx[pick] - bored[:, 1]).max(), np.abs(qy[pick] - bored[:, 0]).max())
    ours_back = np.array([prcoords.wgs_gcj((oy[i], ox[i])) for i in pick])
    their_back = np.array([prcoords.wgs_gcj((qy[i], qx[i])) for i in pick])
    ours_err = max(np.abs(ours_back[:, 1] - lon[pick]).max(), np.abs(ours_back[:, 0] - lat[pick]).max())
    their_err = max(np.abs(their_back[:, 1] - lon[pick]).max(), np.abs(their_back[:, 0] - lat[pick]).max())
    print(
        _line("GCJ-02 → WGS84 exact inverse", "native:geometrybyexpression (the same 3-step fixed point as a QGIS "
              "expression)", ours_s, seconds, frame, qgis_s, floor_s, "coords.gcj02_to_wgs84", kernel_s)
        + f"\n  accuracy at {N_CHECK:,} sampled points (written outputs read back): round trip through "
        f"prcoords.wgs_gcj back to the input gridgov {ours_err:.1e}°, QGIS expression {their_err:.1e}°; "
        f"distance to prcoords.gcj_wgs_bored (which stops near 1e-8°) gridgov {ours_bored:.1e}°, "
        f"QGIS expression {their_bored:.1e}°"
    )  # fmt: skip
    assert ours_err < 1e-9 and ours_bored < 1e-7


def test_bench_wgs84_to_cgcs2000_gk(points_gpkg, tmp_path, gridgov_provider, monkeypatch):
    from pyproj import Transformer

    path, lon, lat = points_gpkg
    ours_s, seconds, frame, qgis_s, floor_s, ours_dest, their_dest = _run_both(
        monkeypatch, tmp_path, path, "EPSG:4547", "native:reprojectlayer", {"TARGET_CRS": "EPSG:4547"}
    )
    started = time.perf_counter()
    Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True).transform(lon, lat)
    kernel_s = time.perf_counter() - started

    pid, ox, oy = _read_xy(ours_dest)
    qpid, qx, qy = _read_xy(their_dest)
    assert len(pid) == len(qpid) == N
    diff = float(np.hypot(ox - qx, oy - qy).max())
    print(
        _line("WGS84 → EPSG:4547 (CGCS2000 Gauss-Krüger 114°E)", "native:reprojectlayer", ours_s, seconds, frame,
              qgis_s, floor_s, "pyproj Transformer.transform", kernel_s)
        + f"\n  agreement: largest distance between gridgov's and QGIS's points {diff:.1e} m"
    )  # fmt: skip
    assert diff < 0.01
