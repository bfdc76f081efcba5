"""Feature sources of a run read as frames: a file by GDAL in parts, a PostGIS table by COPY, anything
else (a selection, a filter, unsaved edits, another provider) through QGIS's feature iterator."""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingFeatureSourceDefinition

from gridgov.layers.runtime.translation import tr


def read_source(
    alg: QgsProcessingAlgorithm, parameters, name: str, context, feedback=None, fields=None, with_geometry: bool = True
):
    """The feature source ``name`` as a GeoDataFrame (None when the optional parameter is empty)."""
    parts, source = read_source_parts(alg, parameters, name, context, feedback, fields, with_geometry=with_geometry)
    return (None, None) if parts is None else (next(parts), source)


def read_source_parts(
    alg: QgsProcessingAlgorithm,
    parameters,
    name: str,
    context,
    feedback=None,
    fields=None,
    rows: int | None = None,
    with_geometry: bool = True,
):
    """The feature source ``name`` as GeoDataFrames of about ``rows`` features (None: one frame), and
    the source; (None, None) when the optional parameter is empty. Without geometry every row's
    geometry is None (only the attributes are read).

    A plain file layer is read by GDAL (fast, in fid ranges); anything else (a database table, a
    selection, a filter) through QGIS's feature iterator. Either way only one part is in memory.
    """
    from qgis.core import QgsFeatureRequest

    from gridgov.layers.io.convert import ogr_file_frame, ogr_file_parts, source_parts

    # the engine reports invalid geometries row by row (and validategrids repairs them on request):
    # QGIS's own check would stop the whole run at the first one
    context.setInvalidGeometryCheck(QgsFeatureRequest.InvalidGeometryCheck.GeometryNoCheck)
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        return None, None
    definition = parameters.get(name)
    narrowed = isinstance(definition, QgsProcessingFeatureSourceDefinition) and (
        definition.selectedFeaturesOnly or getattr(definition, "filterExpression", "")
    )
    layer = None if narrowed else alg.parameterAsVectorLayer(parameters, name, context)
    edited = layer is not None and layer.isEditable() and layer.editBuffer() is not None
    if edited and layer.editBuffer().isModified():
        narrowed = True  # unsaved edits: only QGIS's iterator shows them
    if not narrowed:
        if layer is not None and layer.providerType() == "postgres":
            # a PostGIS table is read by COPY (pandas parses it a part at a time), not feature by feature
            from gridgov.layers.io.postgis_copy import copy_parts

            parts = copy_parts(layer, rows, fields, with_geometry, feedback)
            if parts is not None:
                return parts, source
        if rows is None:
            frame = ogr_file_frame(layer, fields, with_geometry)
            if frame is not None:
                return iter([frame]), source
        else:
            parts = ogr_file_parts(layer, rows, fields, with_geometry)
            if parts is not None:
                return _counted(parts, layer.featureCount(), source.sourceName()), source
    return source_parts(source, rows or 2**62, fields=fields, feedback=feedback, with_geometry=with_geometry), source


def _counted(parts, expected: int, name: str):
    """Yield ``parts``; at the end, refuse a total that differs from the layer's feature count."""
    total = 0
    for part in parts:
        total += len(part)
        yield part
    if expected >= 0 and total != expected:
        raise QgsProcessingException(
            tr("{0}: read {1} features, but the layer reports {2}").format(name, total, expected)
        )


def require_projected(source, what: str) -> None:
    """Grid geometry is measured in metres: refuse geographic CRSs with a clear message."""
    crs = source.sourceCrs()
    if crs.isValid() and crs.isGeographic():
        raise QgsProcessingException(
            tr(
                "{0} is in a geographic CRS ({1}); reproject it to a projected CRS in metres first, "
                "e.g. CGCS2000 / 3-degree Gauss-Kruger (EPSG:4547 for 114°E)"
            ).format(what, crs.authid())
        )
