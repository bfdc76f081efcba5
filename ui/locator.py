"""Locator filter: type a grid code, a grid name or an address in QGIS's search bar (prefix ``wg``) and jump to it."""

from __future__ import annotations

from qgis.core import (
    QgsFeatureRequest,
    QgsLocatorContext,
    QgsLocatorFilter,
    QgsLocatorResult,
    QgsProject,
)

from gridgov.layers.hierarchy.group import CODE_PROPERTY, LEVEL_TITLES, hierarchy_layers
from gridgov.layers.runtime.translation import tr

MAX_RESULTS = 30


def find_units(project: QgsProject, text: str, limit: int = MAX_RESULTS) -> list[tuple[str, int, str]]:
    """(layer id, feature id, display text) of units whose code starts with or whose name contains ``text``."""
    text = text.strip()
    if len(text) < 2:
        return []
    found = []
    quoted = text.replace("'", "''")
    for level, layer in hierarchy_layers(project).items():
        if level not in LEVEL_TITLES:
            continue
        code_field = layer.customProperty(CODE_PROPERTY) or ""
        has_name = layer.fields().lookupField("name") >= 0
        clauses = []
        if code_field:
            clauses.append(f"\"{code_field}\" LIKE '{quoted}%'")
        if has_name:
            clauses.append(f"\"name\" LIKE '%{quoted}%'")
        if not clauses:
            continue
        request = QgsFeatureRequest().setFilterExpression(" OR ".join(clauses)).setLimit(limit)
        request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
        for feature in layer.getFeatures(request):
            code = feature[code_field] if code_field else ""
            name = feature["name"] if has_name else ""
            found.append((layer.id(), feature.id(), f"{code} {name} · {tr(LEVEL_TITLES[level])}"))
            if len(found) >= limit:
                return found
    return found


#: Fields of a point layer that make it an address gazetteer (标准地址).
ADDRESS_FIELDS = ("address", "std_address", "地址", "标准地址")


def find_addresses(project: QgsProject, text: str, limit: int = MAX_RESULTS) -> list[tuple[str, int, str]]:
    """(layer id, feature id, display text) of gazetteer addresses containing ``text``."""
    from qgis.core import QgsExpression, QgsVectorLayer, QgsWkbTypes

    text = text.strip()
    if len(text) < 2:
        return []
    found = []
    pattern = QgsExpression.quotedString(f"%{text}%")
    for layer in project.mapLayers().values():
        if not isinstance(layer, QgsVectorLayer) or layer.geometryType() != QgsWkbTypes.GeometryType.PointGeometry:
            continue
        field = next((f for f in ADDRESS_FIELDS if layer.fields().lookupField(f) >= 0), None)
        if field is None:
            continue
        request = QgsFeatureRequest().setFilterExpression(f"{QgsExpression.quotedColumnRef(field)} LIKE {pattern}")
        request.setLimit(limit - len(found)).setFlags(QgsFeatureRequest.Flag.NoGeometry)
        for feature in layer.getFeatures(request):
            found.append((layer.id(), feature.id(), f"{feature[field]} · {tr('Address')}"))
        if len(found) >= limit:
            break
    return found


class GridLocatorFilter(QgsLocatorFilter):
    """Finds grids, communities, streets, micro-grids and dedicated grids by code or name, and addresses."""

    def __init__(self, iface=None) -> None:
        super().__init__()
        self.iface = iface

    def clone(self):
        return GridLocatorFilter(self.iface)

    def name(self) -> str:
        return "gridgov_units"

    def displayName(self) -> str:  # noqa: N802
        return tr("Grid units (code or name) and addresses")

    def prefix(self) -> str:
        return "wg"

    def fetchResults(self, string: str, context: QgsLocatorContext, feedback) -> None:  # noqa: N802
        project = QgsProject.instance()
        units = find_units(project, string)
        for layer_id, fid, text in units + find_addresses(project, string, MAX_RESULTS - len(units)):
            if feedback.isCanceled():
                return
            result = QgsLocatorResult(self, text, f"{layer_id}|{fid}")
            self.resultFetched.emit(result)

    def triggerResult(self, result: QgsLocatorResult) -> None:  # noqa: N802
        data = result.userData() if callable(result.userData) else result.userData  # a method from QGIS 3.34
        layer_id, fid = str(data).rsplit("|", 1)
        zoom_to_feature(self.iface, layer_id, int(fid))


def zoom_to_feature(iface, layer_id: str, fid: int) -> None:
    """Zoom the map to a unit and flash it."""
    layer = QgsProject.instance().mapLayer(layer_id)
    if layer is None or iface is None:
        return
    canvas = iface.mapCanvas()
    feature = layer.getFeature(fid)
    from qgis.core import QgsCoordinateTransform

    transform = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance())
    box = transform.transformBoundingBox(feature.geometry().boundingBox())
    if box.width() < 1e-9 and box.height() < 1e-9:  # an address point: its block, about 200 m across
        box.grow(0.001 if canvas.mapSettings().destinationCrs().isGeographic() else 100.0)
    box.scale(1.3)
    canvas.setExtent(box)
    canvas.refresh()
    canvas.flashFeatureIds(layer, [fid])
