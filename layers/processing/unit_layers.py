"""The responsibility layers (grids, micro-grids, dedicated grids, communities, streets) as one parameter
family: declared once, read once, for ``gridgov:geolocate`` and for its PostGIS backend alike (which
must not import the algorithm module)."""

from __future__ import annotations

import geopandas as gpd
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
)

from gridgov.grid_ops.schema import COMMUNITY_CODE, DEDICATED_CODE, GRID_CODE, MICRO_CODE, STREET_CODE
from gridgov.layers.orders_input import code_text, crs_is_unknown, drop_broken_polygons
from gridgov.layers.processing.base import read_source, tr

#: Unit layers: parameter, label, code field default, geometry must be polygons.
UNIT_LAYERS = (
    ("GRIDS", "Grids", "CODE_FIELD", GRID_CODE),
    ("MICROGRIDS", "Micro-grids", "MICRO_CODE_FIELD", MICRO_CODE),
    ("DEDICATED", "Dedicated grids", "DEDICATED_CODE_FIELD", DEDICATED_CODE),
    ("COMMUNITIES", "Communities", "COMMUNITY_CODE_FIELD", COMMUNITY_CODE),
    ("STREETS", "Streets", "STREET_CODE_FIELD", STREET_CODE),
)


def add_unit_layer_parameters(alg) -> None:
    """Each unit layer (only GRIDS required) and its code field (advanced but for the grids)."""
    poly = [QgsProcessing.SourceType.TypeVectorPolygon]
    for param, label, code_param, default in UNIT_LAYERS:
        alg.addParameter(QgsProcessingParameterFeatureSource(param, tr(label), poly, optional=param != "GRIDS"))
        code = QgsProcessingParameterField(
            code_param,
            tr("{0} code field").format(tr(label)),
            default,
            parentLayerParameterName=param,
            optional=True,
        )
        if param != "GRIDS":
            code.setFlags(code.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        alg.addParameter(code)


def code_field_of(chosen: str, default: str, columns) -> str | None:
    """The unit layer's code field: the chosen one (else the standard name) if the layer has it, else
    a field named like a code; None when there is none."""
    field = chosen or default
    if field in columns:
        return field
    return next((c for c in columns if c.lower() in (default, "code", "编码")), None)


def unit_frames(alg, parameters, context, feedback) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """The unit layers given, with their code fields (the chosen one, else the standard name).

    Codes are text (NULL stays empty, a code stored as a Real its integer text). A polygon with a
    NaN or infinite vertex is left out, named in the log. Grids without a coordinate reference
    system stop the run with a message naming the layer (a guess would place every order wrongly
    and quietly); another unit layer without one is taken to be in the grids' CRS, with a warning.
    """
    frames, code_fields, sources = {}, {}, {}
    for param, label, code_param, default in UNIT_LAYERS:
        frame, source = read_source(alg, parameters, param, context)
        if frame is None:
            continue
        chosen = alg.parameterAsString(parameters, code_param, context)
        field = code_field_of(chosen, default, frame.columns)
        if field is None:
            raise QgsProcessingException(
                tr("{0}: no code field {1!r}; choose it in {2}").format(tr(label), chosen or default, code_param)
            )
        frame = frame.drop(columns=["_fid"])
        frame[field] = code_text(frame[field])
        parent = alg.parameterAsString(parameters, "MICRO_PARENT_FIELD", context) or GRID_CODE
        if param == "MICROGRIDS" and parent in frame.columns and parent != field:
            frame[parent] = code_text(frame[parent])
        if (frame[field] == "").any():
            feedback.pushWarning(
                tr("{0}: {1} units have no code (first: feature {2})").format(
                    tr(label), int((frame[field] == "").sum()), int((frame[field] == "").to_numpy().argmax()) + 1
                )
            )
        frame = drop_broken_polygons(frame, field, tr(label), feedback)
        if crs_is_unknown(source.sourceCrs()):
            name = source.sourceName()
            if param == "GRIDS":
                raise QgsProcessingException(
                    tr(
                        "{0} ({1}) has no coordinate reference system: set it in the layer's properties "
                        "(Source, Set CRS), e.g. EPSG:4547 for CGCS2000 / 3-degree Gauss-Kruger 114°E, and run again"
                    ).format(tr(label), name)
                )
            sources[param] = name
            frame = frame.set_crs(None, allow_override=True)
        frames[param], code_fields[param] = frame, field
        feedback.pushInfo(tr("{0}: {1} units, code field {2}").format(tr(label), len(frame), field))
    for param, name in sources.items():
        if "GRIDS" in frames:
            label = next(lbl for p, lbl, *_ in UNIT_LAYERS if p == param)
            feedback.pushWarning(
                tr("{0} ({1}) has no coordinate reference system: taken to be in the grids' CRS ({2})").format(
                    tr(label), name, frames["GRIDS"].crs.to_string()
                )
            )
            frames[param] = frames[param].set_crs(frames["GRIDS"].crs, allow_override=True)
    return frames, code_fields
