"""What a click on a work order shows: its class case, status, repeats and who is responsible.

Order layers are recognised by their fields (``class_code`` and a responsibility or grid field, as
geolocate and findrepeats write them), so any placed-orders layer in the project works.
"""

from __future__ import annotations

import functools
import html

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)

from gridgov.grid_ops.orders.ordertable import parse_flags
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, MATCH_METHOD, PROBLEM, RESP_CODE, RESP_LEVEL
from gridgov.layers.runtime.translation import tr

#: (field, label) shown for an order, in this order, when the layer has them.
ORDER_FIELDS = (
    ("order_id", "Order"),
    ("reported_at", "Reported"),
    ("status", "Status"),
    ("channel_zh", "Channel"),
    ("address", "Address"),
    ("description", "Description"),
)
RESPONSIBLE_FIELDS = (RESP_LEVEL, RESP_CODE, "responsible", "resp_phone", "street_office")
MAX_ORDERS = 5


@functools.lru_cache(maxsize=1)
def class_names() -> dict[str, str]:
    """Class code → Chinese name from the plugin's class-case catalogue."""

    from gridgov.grid_ops.orders.classify import shipped_class_cases

    table = shipped_class_cases().fillna("")
    return dict(zip(table[CLASS_CODE], table["name_zh"]))


def is_order_layer(layer) -> bool:
    if not isinstance(layer, QgsVectorLayer) or layer.geometryType() != QgsWkbTypes.GeometryType.PointGeometry:
        return False
    names = set(layer.fields().names())
    return CLASS_CODE in names and bool(names & {RESP_CODE, GRID_CODE, "case_id"})


def orders_near(
    project: QgsProject, point: QgsPointXY, crs: QgsCoordinateReferenceSystem, radius: float
) -> list[tuple[QgsVectorLayer, object]]:
    """(layer, feature) of the orders of visible order layers within ``radius`` (map units) of a point."""
    root = project.layerTreeRoot()
    found = []
    for layer in project.mapLayers().values():
        node = root.findLayer(layer.id())
        if not is_order_layer(layer) or node is None or not node.isVisible():
            continue
        transform = QgsCoordinateTransform(crs, layer.crs(), project)
        box = transform.transformBoundingBox(
            QgsRectangle(point.x() - radius, point.y() - radius, point.x() + radius, point.y() + radius)
        )
        request = QgsFeatureRequest().setFilterRect(box).setLimit(MAX_ORDERS)
        found.extend((layer, feature) for feature in layer.getFeatures(request))
        if len(found) >= MAX_ORDERS:
            break
    return found[:MAX_ORDERS]


def _text(feature, name: str) -> str:
    if feature.fields().lookupField(name) < 0:
        return ""
    value = feature[name]
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return ""
    return html.escape(str(value.toString("yyyy-MM-dd HH:mm") if hasattr(value, "toString") else value))


def order_html(feature) -> str:
    """One order as a small HTML table: identity, class case, status, repeats, responsibility."""
    code = _text(feature, CLASS_CODE)
    rows = [(tr("Class case"), f"{code} {html.escape(class_names().get(code, ''))}".strip())]
    rows += [(tr(label), _text(feature, name)) for name, label in ORDER_FIELDS if _text(feature, name)]
    count = _text(feature, "repeat_count")
    if count:
        repeat = tr("Repeat") if parse_flags([feature["is_repeat"]], "is_repeat")[0][0] else tr("First report")
        rows.append((tr("Repeats"), f"{repeat} · {tr('case')} {_text(feature, 'case_id')} · {count} {tr('orders')}"))
    who = " ".join(_text(feature, name) for name in RESPONSIBLE_FIELDS if _text(feature, name))
    if who:
        rows.append((tr("Responsible"), who))
    method = _text(feature, MATCH_METHOD)
    if method:
        problem = _text(feature, PROBLEM)
        rows.append((tr("Placed"), method + (f" · {problem}" if problem else "")))
    body = "".join(f"<tr><td><b>{label}</b></td><td>{value}</td></tr>" for label, value in rows)
    return f"<table cellspacing='3'>{body}</table>"


def orders_html(found: list[tuple[QgsVectorLayer, object]]) -> str:
    """Every order found, under its layer's name; empty when there is none."""
    if not found:
        return ""
    parts = [f"<p><b>{html.escape(layer.name())}</b></p>{order_html(feature)}" for layer, feature in found]
    return "".join(parts) + "<hr/>"
