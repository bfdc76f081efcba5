"""Validate a layer of grids (one level) against itself and against its parent level.

The error types are the public contract (DESIGN.md §3): gap, overlap, sliver, invalid_geometry,
outside_parent, duplicate_code, bad_code, orphan. Each error is a row with ``error_type``,
``grid_code``, ``detail`` and ``area_m2`` and, where it has a place, the geometry of the problem
(the overlap itself, the gap itself, the part outside the parent). The summary adds the coverage
of the jurisdiction.

Why it is fast: the costly overlays are only run where a cheap test says there is something to
measure. Overlaps are found by shrinking each grid a few millimetres and asking a prepared
"intersects" (neighbours that only share an edge drop out, no geometry is built for them); a child
its parent properly contains adds its area to the parent without an overlay; gaps are measured by
area first and built only where the areas do not add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridgov.grid_ops.grids import codes
from gridgov.grid_ops.grids.shapes import polygonal
from gridgov.grid_ops.schema import GRID_CODE

ERROR_TYPES = ("gap", "overlap", "sliver", "invalid_geometry", "outside_parent", "duplicate_code", "bad_code", "orphan")
#: Overlaps narrower than this (m) are not looked for: their area is below any sensible MIN_AREA.
OVERLAP_PROBE = 0.005


@dataclass(frozen=True)
class ValidationOptions:
    """Thresholds; lengths in the layer's units (metres), areas in square units."""

    tolerance: float = 1.0  # a grid may stick out of its parent by this much
    min_area: float = 1.0  # gaps and overlaps smaller than this are noise
    sliver_width: float = 5.0  # a grid whose mean width (2A/P) is under this is a sliver
    repair: bool = False  # make invalid geometries valid and go on with them
    level: str | None = None  # None: guessed from the codes


@dataclass
class ValidationResult:
    errors: gpd.GeoDataFrame
    summary: dict = field(default_factory=dict)
    repaired: gpd.GeoSeries | None = None


def guess_level(codes_: pd.Series) -> str:
    """The level whose code format most codes follow (``grid`` when nothing fits)."""
    sample = codes_.dropna().astype(str).str.strip()
    if sample.empty:
        return "grid"
    scores = {lvl: sample.str.match(rx.pattern).mean() for lvl, rx in codes.LEVEL_CODE_RE.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else "grid"


def parent_code_of(code: str, level: str) -> str | None:
    """The parent unit's code implied by a code (grids: the community; micro-grids: the grid)."""
    if level == "grid" and codes.GRID_CODE_RE.match(code):
        return code[:12]
    if level == "microgrid" and codes.MICRO_CODE_RE.match(code):
        return code[:-3]
    if level == "community" and len(code) == 12 and code.isdigit():
        return code[:9]
    return None


def _row(error_type: str, code: str, detail: str, area: float, geom) -> dict:
    return {
        "error_type": error_type,
        GRID_CODE: code,
        "detail": detail,
        "area_m2": round(float(area), 2),
        "geometry": geom,
    }


@dataclass(frozen=True)
class ValidateGridsRequest:
    """A check of one level of grids as the toolbox, the dock or a script asks for it
    (``gridgov:validategrids``)."""

    #: The grids' code field.
    code_field: str = GRID_CODE
    #: street, community, grid, microgrid or dedicated; None: guessed from the codes.
    level: str | None = None
    #: The parent layer's code field (needed when a parent layer is given).
    parent_code_field: str = ""
    #: The grids' field naming their parent ('': read from their own codes).
    parent_field: str = ""
    #: The grids' priority field (dedicated grids: only overlaps of equal priority are errors).
    priority_field: str = ""
    tolerance: float = 1.0
    min_area: float = 1.0
    sliver_width: float = 5.0
    repair: bool = False

    @property
    def options(self) -> ValidationOptions:
        """The thresholds and the level, as :func:`validate_grids` takes them."""
        return ValidationOptions(
            tolerance=self.tolerance,
            min_area=self.min_area,
            sliver_width=self.sliver_width,
            repair=self.repair,
            level=self.level,
        )


def validation_of(
    grids: gpd.GeoDataFrame, parent: gpd.GeoDataFrame | None, request: ValidateGridsRequest
) -> ValidationResult:
    """The check ``request`` asks for (:func:`validate_grids`), against ``parent`` when it is given."""
    return validate_grids(
        grids,
        request.code_field,
        parent,
        request.parent_code_field or None,
        request.parent_field or None,
        request.priority_field or None,
        request.options,
    )


def validate_grids(
    grids: gpd.GeoDataFrame,
    code_field: str,
    parent: gpd.GeoDataFrame | None = None,
    parent_code_field: str | None = None,
    parent_field: str | None = None,
    priority_field: str | None = None,
    options: ValidationOptions | None = None,
) -> ValidationResult:
    """Check one level of grids; see the module docstring for what is checked.

    ``parent_field`` names the column of ``grids`` holding the parent's code; without it the
    parent code is read from the grid's own code (the first 12 digits of a grid code are its
    community). ``priority_field`` (dedicated grids) makes only overlaps of equal priority errors.
    """
    opts = options or ValidationOptions()
    if code_field not in grids.columns:
        raise KeyError(f"the grid layer has no field {code_field!r}")
    frame = grids.reset_index(drop=True)
    code = frame[code_field].map(codes.code_of)
    checked = _Checked.of(frame, code, opts.level or guess_level(code))
    rows = _geometry_errors(checked, opts)
    repaired = gpd.GeoSeries(checked.geoms, crs=grids.crs) if opts.repair else None
    checked.index_usable()
    rows += _code_errors(checked) + _sliver_errors(checked, opts)
    overlapping = _overlapping_pairs(checked, priority_field, opts, rows)
    summary: dict = {"level": checked.level, "grids": len(frame)}
    link = None
    if parent is not None and len(parent):
        link = _link_parents(checked, parent, parent_code_field, parent_field)
    if checked.level != "dedicated":
        summary["coverage_pct"] = _gap_errors(checked, link, overlapping, opts, rows)
    if parent is not None and len(parent):
        rows.extend(_check_parents(link, checked.code, checked.geoms, checked.usable, opts))
    errors = _error_layer(rows, grids.crs)
    summary["errors"] = {t: int((errors["error_type"] == t).sum()) for t in ERROR_TYPES}
    summary["total_errors"] = len(errors)
    return ValidationResult(errors=errors, summary=summary, repaired=repaired)


@dataclass
class _Checked:
    """The grids as every check sees them: their codes and level, their geometries (empty for a
    missing one, repaired on request), which of them the overlays take (``usable``), and, once
    :meth:`index_usable` ran, those by position with their spatial index and their probes (each
    shrunk by OVERLAP_PROBE)."""

    frame: gpd.GeoDataFrame
    code: pd.Series
    level: str
    geoms: np.ndarray
    empty: np.ndarray
    usable: np.ndarray
    idx: np.ndarray | None = None
    tree: shapely.STRtree | None = None
    shrunk: np.ndarray | None = None

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame, code: pd.Series, level: str) -> _Checked:
        """Every grid with a geometry usable so far; a missing geometry counts as an empty one."""
        geoms = np.asarray(frame.geometry.values, dtype=object)
        missing = np.array([g is None for g in geoms])
        geoms = np.where(missing, shapely.Polygon(), geoms)
        empty = shapely.is_empty(geoms)
        return cls(frame, code, level, geoms, empty, ~empty)

    def index_usable(self) -> None:
        """Index the usable grids. Interiors that meet: each grid shrunk by a few millimetres still
        touches a neighbour only if they overlap (or one holds the other). A prepared "intersects"
        is far cheaper than the full DE-9IM relate behind "overlaps", and neighbours that merely
        share an edge drop out."""
        self.idx = np.flatnonzero(self.usable)
        usable = self.geoms[self.idx]
        self.tree = shapely.STRtree(usable)
        self.shrunk = shapely.buffer(usable, -OVERLAP_PROBE, quad_segs=1, join_style="mitre")


def _geometry_errors(checked: _Checked, opts: ValidationOptions) -> list[dict]:
    """Empty and invalid geometries, reported; an invalid one is then repaired (option) or left
    out of the overlays."""
    code, geoms, empty = checked.code, checked.geoms, checked.empty
    rows = [_row("invalid_geometry", code[i], "empty or missing geometry", 0.0, None) for i in np.flatnonzero(empty)]
    valid = shapely.is_valid(geoms)
    for i in np.flatnonzero(~valid & ~empty):
        reason = shapely.is_valid_reason(geoms[i])
        fixed = polygonal(shapely.make_valid(geoms[i]))
        detail = f"invalid geometry: {reason}" + ("; repaired" if opts.repair else "")
        rows.append(_row("invalid_geometry", code[i], detail, shapely.area(fixed), geoms[i]))
        if opts.repair:
            geoms[i] = fixed
        else:
            checked.usable[i] = False
    return rows


def _code_errors(checked: _Checked) -> list[dict]:
    """Codes not in the level's format, and codes used by more than one grid."""
    code, geoms, level = checked.code, checked.geoms, checked.level
    pattern = codes.LEVEL_CODE_RE[level]
    rows = []
    for i, c in enumerate(code):
        if not pattern.fullmatch(c):
            where = geoms[i] if not checked.empty[i] else None
            rows.append(_row("bad_code", c, f"{c!r} is not a {codes.LEVEL_FORMATS[level]}", 0.0, where))
    dup = code[code.duplicated(keep=False) & (code != "")]
    for i, c in dup.items():
        n = int((code == c).sum())
        rows.append(_row("duplicate_code", c, f"code {c} is used by {n} grids", shapely.area(geoms[i]), geoms[i]))
    return rows


def _sliver_errors(checked: _Checked, opts: ValidationOptions) -> list[dict]:
    """Usable grids whose mean width 2A/P is under the threshold."""
    geoms = checked.geoms
    area = shapely.area(geoms)
    perim = shapely.length(geoms)
    with np.errstate(divide="ignore", invalid="ignore"):
        width = np.where(perim > 0, 2 * area / perim, 0.0)
    return [
        _row(
            "sliver",
            checked.code[i],
            f"mean width {width[i]:.2f} m is under {opts.sliver_width:g} m",
            area[i],
            geoms[i],
        )
        for i in np.flatnonzero(checked.usable & (width < opts.sliver_width))
    ]


def _overlapping_pairs(
    checked: _Checked, priority_field: str | None, opts: ValidationOptions, rows: list[dict]
) -> set[tuple[int, int]]:
    """Every pair of grids whose interiors meet (positions, lower first); an overlap larger than
    MIN_AREA is added to ``rows`` unless the two are dedicated grids of different priority."""
    frame, code, geoms, idx = checked.frame, checked.code, checked.geoms, checked.idx
    left, right = checked.tree.query(checked.shrunk, predicate="intersects")
    keep = left != right
    seen = set()
    priorities = (
        pd.to_numeric(frame[priority_field], errors="coerce").to_numpy()
        if priority_field and priority_field in frame.columns
        else None
    )
    for a, b in zip(left[keep], right[keep]):
        ia, ib = int(idx[a]), int(idx[b])
        key = (min(ia, ib), max(ia, ib))
        if key in seen:
            continue
        seen.add(key)
        if priorities is not None and priorities[ia] != priorities[ib]:
            continue  # dedicated grids of different priority may overlap: the higher one wins
        inter = polygonal(shapely.intersection(geoms[ia], geoms[ib]))
        if inter.area <= opts.min_area:
            continue
        what = "dedicated grids of equal priority overlap" if priorities is not None else "grids overlap"
        rows.append(_row("overlap", code[ia], f"{what}: {code[ia]} and {code[ib]}", inter.area, inter))
    return seen


def _gap_errors(
    checked: _Checked, link: _ParentLink | None, overlapping: set[tuple[int, int]], opts, rows: list[dict]
) -> float | None:
    """Gaps larger than MIN_AREA (inside each parent, or holes in the grids' outline without one)
    added to ``rows``, each naming its neighbours and any invalid grid left out there; returns the
    coverage of the jurisdiction (%, None when it has no area)."""
    code, geoms, idx, tree = checked.code, checked.geoms, checked.idx, checked.tree
    in_overlap = np.zeros(len(checked.frame), bool)
    for ia, ib in overlapping:
        in_overlap[ia] = in_overlap[ib] = True
    if link is not None:
        gap_geoms, covered_area, juris_area = _gaps_per_parent(link, geoms, idx, tree, in_overlap, opts)
    else:
        gap_geoms, covered_area, juris_area = _gaps_as_holes(geoms[idx])
    left_out = [i for i in np.flatnonzero(~checked.usable & ~checked.empty)]
    for gap in gap_geoms:
        if gap.area > opts.min_area:
            near = tree.query(gap, predicate="intersects")
            neighbours = ", ".join(sorted({code[int(idx[n])] for n in near})[:6])
            detail = f"gap next to {neighbours or 'no grid'}"
            invalid_here = [code[i] for i in left_out if shapely.intersects(shapely.envelope(geoms[i]), gap)]
            if invalid_here:
                detail += f"; where invalid grid {', '.join(invalid_here[:3])} was left out (repair it)"
            rows.append(_row("gap", "", detail, gap.area, gap))
    return round(100.0 * covered_area / juris_area, 3) if juris_area > 0 else None


def _error_layer(rows: list[dict], crs) -> gpd.GeoDataFrame:
    """The error rows as a layer, ordered by error type (in ERROR_TYPES order), code and detail."""
    errors = gpd.GeoDataFrame(
        rows, columns=["error_type", GRID_CODE, "detail", "area_m2", "geometry"], geometry="geometry", crs=crs
    )
    errors["error_type"] = pd.Categorical(errors["error_type"], categories=ERROR_TYPES)
    errors = errors.sort_values(["error_type", GRID_CODE, "detail"], kind="stable").reset_index(drop=True)
    errors["error_type"] = errors["error_type"].astype(str)
    return errors


@dataclass
class _ParentLink:
    """Each grid's claimed parent (index into ``geoms``, -1 when not found) and whether it covers it."""

    geoms: np.ndarray
    claimed: pd.Series
    target: np.ndarray
    covered: np.ndarray
    parent_field: str | None


def _link_parents(checked: _Checked, parent, parent_code_field, parent_field) -> _ParentLink:
    """Each grid's claimed parent: its parent field, or the code its own code implies."""
    if parent_code_field is None or parent_code_field not in parent.columns:
        raise KeyError(f"the parent layer has no field {parent_code_field!r}")
    p = _usable(parent).reset_index(drop=True)
    p_index = {c: i for i, c in enumerate(p[parent_code_field].map(codes.code_of))}
    p_geoms = np.asarray(p.geometry.values, dtype=object)
    shapely.prepare(p_geoms)
    if parent_field:
        claimed = checked.frame[parent_field].map(codes.code_of)
    else:
        claimed = pd.Series([parent_code_of(c, checked.level) or "" for c in checked.code])
    target = np.array([p_index.get(c, -1) for c in claimed], dtype=int)
    covered = np.zeros(len(checked.frame), bool)
    ok = np.flatnonzero((target >= 0) & checked.usable)
    probe = np.full(len(checked.frame), None, dtype=object)
    probe[checked.idx] = checked.shrunk
    # a grid shrunk by the probe width lies properly inside its parent when the parent covers it:
    # the cheapest prepared predicate; the few that fail are measured exactly afterwards
    covered[ok] = shapely.contains_properly(p_geoms[target[ok]], probe[ok])
    return _ParentLink(p_geoms, claimed, target, covered, parent_field)


def _check_parents(link: _ParentLink, code, geoms, usable, opts) -> list[dict]:
    """Orphans (parent code not found) and grids sticking out of their parent beyond the tolerance."""
    rows = []
    for i in np.flatnonzero(link.target < 0):
        if usable[i] or not link.parent_field:
            c = link.claimed[i]
            how = f"parent code {c}" if c else "no parent code"
            rows.append(_row("orphan", code[i], f"{how} is not in the parent layer", shapely.area(geoms[i]), geoms[i]))
    suspects = np.flatnonzero((link.target >= 0) & usable & ~link.covered)
    if len(suspects):
        buffered = shapely.buffer(link.geoms[link.target[suspects]], opts.tolerance)
        for i, b in zip(suspects, buffered):
            outside = polygonal(shapely.difference(geoms[i], b))
            if outside.area > opts.min_area:
                detail = f"{outside.area:.1f} m² lies outside parent {link.claimed[i]} (beyond {opts.tolerance:g} m)"
                rows.append(_row("outside_parent", code[i], detail, outside.area, outside))
    return rows


def _gaps_per_parent(link: _ParentLink, geoms, idx, tree, in_overlap, opts):
    """Gaps inside each parent, measured by area first; geometry only where the areas do not add up.

    A grid its own parent covers adds its area to that parent (the common case: one prepared
    predicate, no overlay). Only grids that stick out of their parent, or have none, are
    intersected with every parent they touch.
    """
    p_geoms = link.geoms
    p_area = shapely.area(p_geoms)
    summed = np.zeros(len(p_geoms))
    inside = idx[link.covered[idx]]
    np.add.at(summed, link.target[inside], shapely.area(geoms[inside]))
    rest = idx[~link.covered[idx]]
    touched = np.zeros(len(p_geoms), bool)
    if len(rest):
        rest_pos, par = shapely.STRtree(p_geoms).query(geoms[rest], predicate="intersects")
        areas = shapely.area(shapely.intersection(geoms[rest[rest_pos]], p_geoms[par]))
        np.add.at(summed, par, areas)
        touched[par[areas > 0]] = True
    overlapping = np.zeros(len(p_geoms), bool)
    for i in np.flatnonzero(in_overlap):
        if link.target[i] >= 0:
            overlapping[link.target[i]] = True
    overlapping |= touched  # a grid spilling in from next door may overlap this parent's own grids
    gaps = []
    covered_total = float(summed.sum())
    for j in np.flatnonzero((p_area - summed > opts.min_area) | overlapping):
        mine = tree.geometries[tree.query(p_geoms[j], predicate="intersects")]
        local = polygonal(shapely.difference(p_geoms[j], shapely.union_all(mine)))
        covered_total += (p_area[j] - local.area) - summed[j]  # measured directly here
        gaps.extend(shapely.get_parts(local))
    return gaps, covered_total, float(p_area.sum())


def _gaps_as_holes(geoms):
    """Without a parent the jurisdiction is the grids' own outline: gaps are the holes in their union."""
    union = shapely.union_all(geoms)
    if union.is_empty:
        return [], 0.0, 0.0
    holes = [shapely.Polygon(r) for p in shapely.get_parts(union) for r in p.interiors]
    filled = _fill_holes(union)
    return holes, float(union.area), float(filled.area)


def _usable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    g = frame.geometry
    ok = g.notna() & ~g.is_empty
    out = frame[ok].copy()
    bad = ~out.geometry.is_valid
    if bad.any():
        out.loc[bad, out.geometry.name] = out.geometry[bad].make_valid()
    return out


def _fill_holes(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.union_all([shapely.Polygon(p.exterior) for p in shapely.get_parts(geom)])
