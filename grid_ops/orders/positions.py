"""Turn reported coordinates into positions in the grids' CRS, row by row, saying what is wrong.

Orders mix coordinate systems (app orders in GCJ-02 or BD-09, hotline orders in CGCS2000, patrol
reports in WGS84), sometimes per row in a ``coord_sys`` column. Every row gets either a position or
a problem text naming the field and the value; nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import CRS

from gridgov.grid_ops.orders import coords
from gridgov.grid_ops.orders.ordertable import guess_order_fields
from gridgov.grid_ops.schema import as_text


@dataclass(frozen=True)
class ConvertRequest:
    """Coordinates converted as the toolbox, the dock or a script asks for it (``gridgov:convertcoords``)."""

    #: The columns of x (longitude) and y (latitude); '' for a point layer's points, else the
    #: columns recognised by their names (``lng``, ``纬度`` ...).
    x_field: str = ""
    y_field: str = ""
    #: The column naming each row's system; '' when every row is in ``from_``.
    coord_sys_field: str = ""
    #: The system of every row (wgs84, gcj02, bd09, cgcs2000 or EPSG:n); '' for the layer's CRS
    #: (wgs84 for a file).
    from_: str = "gcj02"
    #: The system converted to.
    to: str = "wgs84"


class MissingColumnError(ValueError):
    """A column a request names that the orders lack; ``parameter`` as the toolbox names it (X_FIELD ...)."""

    def __init__(self, parameter: str, column: str, columns) -> None:
        self.parameter, self.column, self.columns = parameter, column, [str(c) for c in columns]
        super().__init__(f"{parameter}: the orders have no field {column!r} (fields: {', '.join(self.columns)})")


class NoCoordinateColumnsError(ValueError):
    """No column of x or y chosen, and none recognised by its name."""


@dataclass
class Converted:
    """Every order's position in the system converted to."""

    positions: Positions
    #: The system converted to, spelled canonically (gcj02, EPSG:4547 ...).
    target: str
    #: The CRS a layer of the positions is written in (``output_crs``).
    crs: str


def convert_orders(frame: pd.DataFrame, xy: np.ndarray | None, crs: str | None, request: ConvertRequest) -> Converted:
    """Every order of ``frame`` in ``request.to``: from its point ``xy`` (in ``crs``) when the orders
    are points and no x column is chosen, else from the x and y columns (chosen, or recognised);
    each row in ``from_`` or in the system its ``coord_sys_field`` names. A row that cannot be
    converted gets a problem text, not an error.

    Raises ``coords.CoordSysError`` for an unknown ``from_`` or ``to``, :class:`MissingColumnError` for
    a column the orders lack and :class:`NoCoordinateColumnsError` when there are no x and y.
    """
    target = coords.normalise_coord_sys(request.to)
    source = coords.normalise_coord_sys(request.from_) if request.from_ else (crs or "wgs84")
    system_field = _column(frame, "COORD_SYS_FIELD", request.coord_sys_field, None)
    # a row in a system nothing converts from (a vertical one) is that row's problem (to_target)
    systems = frame[system_field].to_numpy(dtype=object) if system_field else source
    named = system_field or "FROM"
    if xy is not None and not request.x_field:
        pos = to_target(xy[:, 0], xy[:, 1], systems, target, "geometry x", "geometry y", named)
    else:
        x_field, y_field = _xy_columns(frame, request)
        x, y = frame[x_field].to_numpy(dtype=object), frame[y_field].to_numpy(dtype=object)
        pos = to_target(x, y, systems, target, x_field, y_field, named)
    return Converted(pos, target, output_crs(target))


def output_crs(target: str) -> str:
    """The CRS positions in ``target`` are written in: EPSG:4326 for wgs84, gcj02 and bd09 (no CRS
    knows the latter two, so such a layer must say what it holds), EPSG:4490 for cgcs2000."""
    if target in ("gcj02", "bd09", "wgs84"):
        return "EPSG:4326"
    return "EPSG:4490" if target == "cgcs2000" else target


def _column(frame: pd.DataFrame, parameter: str, chosen: str, guessed: str | None) -> str | None:
    """The column chosen for ``parameter``, else the one recognised; one the orders lack is an error."""
    column = chosen or guessed
    if column and column not in frame.columns:
        raise MissingColumnError(parameter, column, frame.columns)
    return column or None


def _xy_columns(frame: pd.DataFrame, request: ConvertRequest) -> tuple[str, str]:
    """The columns of x and y: chosen in ``request``, else recognised by their names."""
    guessed = guess_order_fields(frame.columns)
    x_field = _column(frame, "X_FIELD", request.x_field, guessed.x)
    y_field = _column(frame, "Y_FIELD", request.y_field, guessed.y)
    if not x_field or not y_field:
        raise NoCoordinateColumnsError("choose X_FIELD and Y_FIELD (no coordinate columns recognised)")
    return x_field, y_field


@dataclass
class Positions:
    """Positions in the target CRS (NaN where there is none) and a problem text per row ('' if fine)."""

    x: np.ndarray
    y: np.ndarray
    problem: np.ndarray

    @property
    def located(self) -> np.ndarray:
        return np.isfinite(self.x) & np.isfinite(self.y)


def parse_numbers(values, field: str) -> tuple[np.ndarray, np.ndarray]:
    """Floats from text (full-width digits and decimal commas accepted); problem texts for the rest."""
    array = np.asarray(values)
    if array.dtype.kind in "fiu":  # already numbers (a layer's geometry): only NaN is a problem
        numbers = array.astype(float)
        problem = np.where(np.isfinite(numbers), "", f"{field} is empty").astype(object)
        return np.where(np.isfinite(numbers), numbers, np.nan), problem
    series = pd.Series(values, dtype=object)
    text = as_text(series)
    # a writable copy: under pandas' copy-on-write (pandas 3) to_numpy() may hand out a read-only view
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, copy=True)
    retry = np.flatnonzero(~np.isfinite(numbers) & (text != "").to_numpy())
    if len(retry):  # full-width digits, decimal commas, stray spaces: only for rows that need it
        fixed = text.iloc[retry].str.normalize("NFKC").str.strip().str.replace(",", ".", regex=False)
        numbers[retry] = pd.to_numeric(fixed, errors="coerce").to_numpy(dtype=float)
    problem = np.full(len(text), "", dtype=object)
    empty = (text == "").to_numpy()
    bad = ~np.isfinite(numbers) & ~empty
    problem[empty] = f"{field} is empty"
    for i in np.flatnonzero(bad):
        problem[i] = f"{field} {str(series.iloc[i])[:40]!r} is not a number"
    numbers[~np.isfinite(numbers)] = np.nan
    return numbers, problem


def _is_geographic(system: str) -> bool:
    if system in coords.NAMED_SYSTEMS:
        return True
    try:
        return CRS.from_user_input(system).is_geographic
    except Exception:
        return False


def _join(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.where(a == "", b, a)
    both = (a != "") & (b != "") & (a != b)
    out[both] = a[both] + "; " + b[both]
    return out


def _not_horizontal(system: str) -> str:
    """'a vertical coordinate system' (or another kind) when ``system`` holds no horizontal position,
    else ''. The named systems (wgs84, gcj02 ...) are horizontal."""
    if not system.upper().startswith("EPSG:"):
        return ""
    try:
        import pyproj

        crs = pyproj.CRS.from_user_input(system)
    except Exception:
        return ""  # left to the conversion, which names it
    if crs.is_geographic or crs.is_projected:
        return ""
    return "a vertical coordinate system" if crs.is_vertical else "not a horizontal coordinate system"


def to_target(
    x,
    y,
    systems,
    target: str,
    x_field: str = "x",
    y_field: str = "y",
    system_field: str = "coord_sys",
) -> Positions:
    """Convert each row from its own system (one string, or one per row) into ``target``.

    ``target`` is an ``EPSG:n`` string or a named system. Rows whose values are missing, not numbers,
    out of range for a geographic system (longitude beyond ±180, latitude beyond ±90: usually swapped
    columns) or in an unknown system get a NaN position and a problem naming the field.
    """
    x_num, x_problem = parse_numbers(x, x_field)
    y_num, y_problem = parse_numbers(y, y_field)
    n = len(x_num)
    if isinstance(systems, str) or systems is None:
        systems = np.full(n, systems, dtype=object)
    systems = np.asarray(systems, dtype=object)
    conversion = _Conversion(
        Positions(np.full(n, np.nan), np.full(n, np.nan), _join(x_problem, y_problem)),
        x_num,
        y_num,
        target,
        (x_field, y_field, system_field),
    )
    labels = as_text(systems)
    for label in labels.unique():
        conversion.rows_in(label, np.flatnonzero(labels.to_numpy() == label))
    return conversion.positions


@dataclass
class _Conversion:
    """One :func:`to_target` run: the positions filled in (and problems said) one system at a time."""

    positions: Positions
    x: np.ndarray
    y: np.ndarray
    target: str
    #: the names of the x, y and system fields, as the problem texts say them
    names: tuple[str, str, str]

    def rows_in(self, label: str, rows: np.ndarray) -> None:
        """Convert the ``rows`` whose system is written ``label``."""
        system, message = self._system(label)
        problem = self.positions.problem
        if system is None:
            problem[rows] = _join(problem[rows], np.full(len(rows), message, dtype=object))
            return
        ok = rows[np.isfinite(self.x[rows]) & np.isfinite(self.y[rows])]
        if _is_geographic(system):
            ok = self._in_range(ok)
        if len(ok):
            self._project(ok, system, label)

    def _system(self, label: str) -> tuple[str | None, str]:
        """The system ``label`` names, or None and why it gives no position."""
        system_field = self.names[2]
        try:
            system = coords.normalise_coord_sys(label) if label.strip() else None
        except coords.CoordSysError:
            system = None
        if system is None:
            if not label.strip():
                return None, f"{system_field} is empty"
            return None, f"{system_field} {label[:30]!r} is not a known coordinate system"
        flat = _not_horizontal(system)
        if flat:  # EPSG:5773 names heights: no PROJ release may be trusted to refuse it (newer ones do not)
            return None, f"{system_field} {label.strip()[:30]!r} is {flat}, not a position"
        return system, ""

    def _in_range(self, ok: np.ndarray) -> np.ndarray:
        """The rows of ``ok`` within a geographic system's range; the others get a problem (swapped
        columns named as such)."""
        x_field, y_field, _ = self.names
        problem = self.positions.problem
        lon, lat = self.x[ok], self.y[ok]
        bad_lat = np.abs(lat) > 90
        bad_lon = np.abs(lon) > 180
        swapped = bad_lat & (np.abs(lat) <= 180) & (np.abs(lon) <= 90)
        for mask, text in (
            (swapped, f"{x_field}/{y_field} look swapped: latitude {y_field} beyond ±90"),
            (bad_lat & ~swapped, f"{y_field} (latitude) beyond ±90"),
            (bad_lon & ~bad_lat, f"{x_field} (longitude) beyond ±180"),
        ):
            idx = ok[mask]
            for i, value in zip(idx, self.y[idx] if "latitude" in text else self.x[idx]):
                problem[i] = _join(
                    np.array([problem[i]], dtype=object), np.array([f"{text} ({value:g})"], dtype=object)
                )[0]
        return ok[~(bad_lat | bad_lon)]

    def _project(self, ok: np.ndarray, system: str, label: str) -> None:
        """The positions of the rows ``ok`` from ``system``; a row PROJ gives no finite position for,
        or a system it cannot convert from (a vertical one), is a problem of those rows, not of the run."""
        x_field, y_field, system_field = self.names
        pos = self.positions
        try:
            with np.errstate(invalid="ignore"):
                tx, ty = coords.convert(self.x[ok], self.y[ok], system, self.target)
        except Exception as err:
            message = f"{system_field} {label.strip()[:30]!r} cannot be converted to {self.target}: {str(err)[:80]}"
            pos.problem[ok] = _join(pos.problem[ok], np.full(len(ok), message, dtype=object))
            return
        finite = np.isfinite(tx) & np.isfinite(ty)
        pos.x[ok[finite]] = tx[finite]
        pos.y[ok[finite]] = ty[finite]
        for i in ok[~finite]:
            pos.problem[i] = f"{x_field}/{y_field} ({self.x[i]:g}, {self.y[i]:g}) cannot be projected from {system}"
