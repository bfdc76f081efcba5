""" "Whose is this?": the units covering a clicked point and the one responsible for it.

The map tool decides nothing itself: it hands the units around the click to the engine's rule
(``grid_ops/responsibility/geolocate.assign``), so the map tool and ``gridgov:geolocate`` give the same
unit for every point (``tests/parity``).
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)

from gridgov.grid_ops.schema import (
    MATCH_METHOD,
    ON_BOUNDARY,
    OVERLAP,
    RESP_CODE,
    RESP_LEVEL,
)
from gridgov.layers.hierarchy.group import CODE_PROPERTY, LEVEL_TITLES, hierarchy_layers
from gridgov.layers.runtime.translation import tr


@dataclass
class Unit:
    """One unit of the responsibility chain at a point."""

    level: str
    code: str
    name: str
    manager: str = ""
    phone: str = ""
    priority: int | None = None
    layer_id: str = ""
    fid: int = -1
    responsible: bool = False  # the unit the engine's rule makes responsible for the point


class Chain(list):
    """The units covering a point (street first, dedicated grids last, highest priority first), with
    how the engine's rule decided: a list of :class:`Unit`, plus ``on_boundary``, ``overlap`` (the
    codes of overlapping grids, comma-joined: a data error), the responsible level and code (also
    when no unit covers the point: the nearest grid within the tolerance), ``match_method`` and
    ``distance_m``."""

    def __init__(self, units=(), on_boundary: bool = False, overlap: str = "", **decided) -> None:
        super().__init__(units)
        self.on_boundary, self.overlap = on_boundary, overlap
        self.resp_level: str = decided.get("resp_level", "")
        self.resp_code: str = decided.get("resp_code", "")
        self.match_method: str = decided.get("match_method", "")
        self.distance_m: float = decided.get("distance_m", float("nan"))


def _value(feature, name: str) -> str:
    idx = feature.fields().lookupField(name)
    if idx < 0:
        return ""
    value = feature.attribute(idx)
    return "" if value is None or str(value) == "NULL" else str(value)


#: The chain's display order of the levels.
_CHAIN_ORDER = {"street": 0, "community": 1, "grid": 2, "microgrid": 3, "dedicated": 4}
#: Each level's place in the engine's ``Hierarchy``.
_HIERARCHY_SLOTS = {"grid": "grids", "microgrid": "micro", "dedicated": "dedicated", "community": "communities",
                    "street": "streets"}  # fmt: skip
#: Half the side of the box a click's units are fetched from: the point and its shared-edge probe
#: (``geolocate.NUDGE``, millimetres away) both lie well inside it.
_PROBE_BOX = 0.01


def _raw(value):
    """An attribute as Python has it, QGIS's NULL as None (a Real code stays a number, so the
    engine's ``code_of`` reads ``440399001001001.0`` as the code it is)."""
    return None if value is None or (hasattr(value, "isNull") and value.isNull()) else value


def _working_crs(grids: QgsVectorLayer | None, fallback: QgsCoordinateReferenceSystem) -> QgsCoordinateReferenceSystem:
    """The CRS ``gridgov:geolocate`` works in for these grids (``placement.working_crs``: theirs when
    projected, else the UTM zone of their centre): the shared-edge probe and the tolerance are metres."""
    from gridgov.grid_ops.responsibility.placement import working_crs

    if grids is None:
        return fallback
    crs = grids.crs()
    if not crs.isGeographic():
        return crs
    extent = grids.extent()
    name = crs.authid() or crs.toWkt()
    return QgsCoordinateReferenceSystem(
        working_crs(name, (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()))
    )


def responsibility_chain(
    project: QgsProject,
    point: QgsPointXY,
    crs: QgsCoordinateReferenceSystem,
    class_code: str = "",
    tolerance: float | None = None,
) -> Chain:
    """Every hierarchy unit covering ``point`` (in ``crs``), and the one responsible for an order of
    ``class_code`` there, decided by the engine's own rule (``geolocate.assign`` on the units around
    the point, in the working CRS ``gridgov:geolocate`` uses, with its default ``tolerance`` for the
    nearest grid): the map tool and the algorithm cannot disagree, on shared edges, overlaps,
    class-specific dedicated grids and points just outside alike."""
    import geopandas as gpd
    import shapely

    from gridgov.grid_ops.grids.codes import code_of, code_sort_key
    from gridgov.grid_ops.orders.classify import shipped_class_groups
    from gridgov.grid_ops.responsibility import geolocate

    tolerance = geolocate.DEFAULT_TOLERANCE if tolerance is None else float(tolerance)
    layers = {level: layer for level, layer in hierarchy_layers(project).items() if level in _CHAIN_ORDER}
    work = _working_crs(layers.get("grid"), crs)
    here = QgsCoordinateTransform(crs, work, project).transform(point)
    reach = tolerance + _PROBE_BOX  # units this near may answer (covering, probe, nearest)
    units: list[Unit] = []
    frames: dict[str, gpd.GeoDataFrame] = {}
    probe = QgsGeometry.fromPointXY(here)
    for level, layer in layers.items():
        to_layer = QgsCoordinateTransform(work, layer.crs(), project)
        box = to_layer.transformBoundingBox(
            QgsRectangle(here.x() - reach, here.y() - reach, here.x() + reach, here.y() + reach)
        )
        to_work = QgsCoordinateTransform(layer.crs(), work, project)
        code_field = layer.customProperty(CODE_PROPERTY) or ""
        rows, shapes = [], []
        for feature in layer.getFeatures(QgsFeatureRequest().setFilterRect(box)):
            geometry = QgsGeometry(feature.geometry())
            if geometry.isEmpty():
                continue
            try:
                geometry.transform(to_work)
            except QgsCsException:
                continue
            rows.append({name: _raw(value) for name, value in zip(feature.fields().names(), feature.attributes())})
            shapes.append(shapely.from_wkb(bytes(geometry.asWkb())))
            if geometry.intersects(probe):
                prio = _value(feature, "priority")
                units.append(
                    Unit(
                        level,
                        code_of(rows[-1].get(code_field)),
                        _value(feature, "name"),
                        _value(feature, "manager"),
                        _value(feature, "phone"),
                        int(float(prio)) if prio else None,
                        layer.id(),
                        feature.id(),
                    )
                )
        frame = gpd.GeoDataFrame(rows, geometry=shapes, crs=None) if rows else None
        if frame is not None and code_field in frame.columns:
            frames[level] = geolocate.UnitLayer.from_frame(frame, code_field)
    empty = gpd.GeoDataFrame({"code": []}, geometry=[], crs=None)
    hierarchy = geolocate.Hierarchy(
        grids=frames["grid"] if "grid" in frames else geolocate.UnitLayer.from_frame(empty, "code"),
        **{_HIERARCHY_SLOTS[level]: unit_layer for level, unit_layer in frames.items() if level != "grid"},
        class_groups=shipped_class_groups(),
    )
    result = geolocate.assign(hierarchy, [here.x()], [here.y()], [class_code], tolerance=tolerance).iloc[0]
    for unit in units:
        unit.responsible = unit.level == result[RESP_LEVEL] and unit.code == result[RESP_CODE]
    units.sort(
        key=lambda u: (_CHAIN_ORDER[u.level], u.priority if u.priority is not None else 99, code_sort_key(u.code))
    )
    return Chain(
        units,
        bool(result[ON_BOUNDARY]),
        str(result[OVERLAP]),
        resp_level=str(result[RESP_LEVEL]),
        resp_code=str(result[RESP_CODE]),
        match_method=str(result[MATCH_METHOD]),
        distance_m=float(result["distance_m"]),
    )


def responsible_unit(units: list[Unit]) -> Unit | None:
    """Who answers for the point (DESIGN.md §4), as the engine's rule decided it in
    :func:`responsibility_chain`."""
    return next((u for u in units if u.responsible), None)


def chain_html(units: list[Unit]) -> str:
    """The chain as a small HTML table for the map tool's popup, with the rule's notes: a point on a
    shared edge, and overlapping grids (a data error, pointing at the check that finds them)."""
    from html import escape

    nearest = getattr(units, "match_method", "") == "nearest"
    if not units and not nearest:
        return "<p>" + tr("No grid covers this point.") + "</p>"
    grid = next((u for u in units if u.level == "grid"), None)
    rows = []
    for u in units:
        manager = u.manager or (grid.manager if grid and u.level == "microgrid" else "")
        phone = u.phone or (grid.phone if grid and u.level == "microgrid" else "")
        prio = f" (P{u.priority})" if u.priority is not None else ""
        rows.append(
            f"<tr><td><b>{tr(LEVEL_TITLES[u.level])}</b></td><td>{escape(u.code)}{prio}</td><td>{escape(u.name)}</td>"
            f"<td>{escape(manager)}</td><td>{escape(phone)}</td></tr>"
        )
    boss = responsible_unit(units)
    head = (
        f"<p><b>{tr('Responsible')}:</b> {tr(LEVEL_TITLES[boss.level])} {escape(boss.code)} {escape(boss.name)}</p>"
        if boss
        else ""
    )
    if nearest:
        note = tr("Outside every grid: the nearest grid {0}, {1:.0f} m away, answers for it.").format(
            escape(units.resp_code), units.distance_m
        )
        head += f"<p><b>{note}</b></p>"
    elif getattr(units, "overlap", ""):
        codes = escape(units.overlap.replace(",", ", "))
        head += (
            "<p><b>" + tr("Overlapping grids {0}: check the grid layer with Validate grids.").format(codes) + "</b></p>"
        )
    elif getattr(units, "on_boundary", False):
        head += "<p>" + tr("On an edge shared by grids: the grid to the east and north answers for it.") + "</p>"
    if not units:  # only the nearest grid answers: no covering unit to list
        return head
    return (
        head
        + "<table cellspacing='4'><tr><th></th><th>"
        + tr("Code")
        + "</th><th>"
        + tr("Name")
        + "</th><th>"
        + tr("Manager")
        + "</th><th>"
        + tr("Phone")
        + "</th></tr>"
        + "".join(rows)
        + "</table>"
    )
