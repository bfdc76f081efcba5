"""The responsibility layers (grids, micro-grids, dedicated grids, communities, streets) as one parameter
family: declared once, their code fields read once into the request (``GeolocateRequest.code_fields``),
the layers read by the data path, for ``gridgov:geolocate`` and for its PostGIS backend alike (which
must not import the algorithm module). The roster and the class-case table are read here too."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
)

from gridgov.grid_ops.responsibility.request import GeolocateRequest, UnitCodeFields
from gridgov.grid_ops.schema import COMMUNITY_CODE, DEDICATED_CODE, GRID_CODE, MICRO_CODE, STREET_CODE
from gridgov.layers.io.orders_input import code_text, crs_is_unknown, drop_broken_polygons
from gridgov.layers.io.sources import read_source
from gridgov.layers.parameters.declare import Family
from gridgov.layers.runtime.translation import tr

#: Unit layers: parameter, label, code field parameter, code field default. The request's attribute
#: for a layer (``UnitCodeFields``) and its key in :func:`unit_frames` are the parameter in lower case.
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


def read_code_fields(alg, parameters, context) -> UnitCodeFields:
    """The code field chosen for each unit layer, else its standard name."""
    return UnitCodeFields(
        **{
            param.lower(): alg.parameterAsString(parameters, code_param, context) or default
            for param, _, code_param, default in UNIT_LAYERS
        }
    )


def unit_layers_family() -> Family:
    """The unit layers and their code fields, read into the request's ``code_fields``."""
    return Family(add_unit_layer_parameters, read_code_fields, "code_fields")


def code_field_of(chosen: str, default: str, columns) -> str | None:
    """The unit layer's code field: the chosen one (else the standard name) if the layer has it, else
    a field named like a code; None when there is none."""
    field = chosen or default
    if field in columns:
        return field
    return next((c for c in columns if c.lower() in (default, "code", "编码")), None)


def unit_frames(
    alg, parameters, context, feedback, request: GeolocateRequest
) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """The unit layers given, with their code fields (the chosen one, else the standard name), by
    the parameter in lower case (``grids``, ``microgrids`` ...).

    Codes are text (NULL stays empty, a code stored as a Real its integer text). A polygon with a
    NaN or infinite vertex is left out, named in the log. Grids without a coordinate reference
    system stop the run with a message naming the layer (a guess would place every order wrongly
    and quietly); another unit layer without one is taken to be in the grids' CRS, with a warning.
    """
    frames, code_fields, without_crs = {}, {}, {}
    for unit in UNIT_LAYERS:
        frame, source = read_source(alg, parameters, unit[0], context)
        if frame is None:
            continue
        key = unit[0].lower()
        frame, code_fields[key] = _unit_frame(frame, unit, request, feedback)
        if crs_is_unknown(source.sourceCrs()):
            _no_crs(unit, source.sourceName())
            without_crs[key] = source.sourceName()
            frame = frame.set_crs(None, allow_override=True)
        frames[key] = frame
        feedback.pushInfo(tr("{0}: {1} units, code field {2}").format(tr(unit[1]), len(frame), code_fields[key]))
    if "grids" in frames:
        _in_the_grids_crs(frames, without_crs, feedback)
    return frames, code_fields


def _unit_frame(frame: gpd.GeoDataFrame, unit: tuple, request: GeolocateRequest, feedback) -> tuple:
    """One unit layer with its codes as text (and the micro-grids' grid codes), without the
    polygons GEOS cannot repair; a unit without a code is named in the log."""
    param, label, code_param, default = unit
    chosen = request.code_fields.of(param.lower())
    field = code_field_of(chosen, default, frame.columns)
    if field is None:
        raise QgsProcessingException(
            tr("{0}: no code field {1!r}; choose it in {2}").format(tr(label), chosen or default, code_param)
        )
    frame = frame.drop(columns=["_fid"])
    frame[field] = code_text(frame[field])
    parent = request.micro_parent_field
    if param == "MICROGRIDS" and parent in frame.columns and parent != field:
        frame[parent] = code_text(frame[parent])
    if (frame[field] == "").any():
        feedback.pushWarning(
            tr("{0}: {1} units have no code (first: feature {2})").format(
                tr(label), int((frame[field] == "").sum()), int((frame[field] == "").to_numpy().argmax()) + 1
            )
        )
    return drop_broken_polygons(frame, field, tr(label), feedback), field


def _no_crs(unit: tuple, name: str) -> None:
    """Grids without a coordinate reference system stop the run (another unit layer is taken to
    be in the grids' CRS)."""
    if unit[0] == "GRIDS":
        raise QgsProcessingException(
            tr(
                "{0} ({1}) has no coordinate reference system: set it in the layer's properties "
                "(Source, Set CRS), e.g. EPSG:4547 for CGCS2000 / 3-degree Gauss-Kruger 114°E, and run again"
            ).format(tr(unit[1]), name)
        )


def _in_the_grids_crs(frames: dict[str, gpd.GeoDataFrame], without_crs: dict[str, str], feedback) -> None:
    """The unit layers without a CRS taken to be in the grids' CRS, each with a warning."""
    for key, name in without_crs.items():
        label = next(lbl for p, lbl, *_ in UNIT_LAYERS if p.lower() == key)
        feedback.pushWarning(
            tr("{0} ({1}) has no coordinate reference system: taken to be in the grids' CRS ({2})").format(
                tr(label), name, frames["grids"].crs.to_string()
            )
        )
        frames[key] = frames[key].set_crs(frames["grids"].crs, allow_override=True)


def read_table(alg, parameters, name: str, context) -> pd.DataFrame | None:
    """The attribute table of the layer ``name`` (None when not given), without geometry or feature id."""
    frame, _ = read_source(alg, parameters, name, context)
    if frame is None:
        return None
    return pd.DataFrame(frame.drop(columns=[c for c in (frame.geometry.name, "_fid") if c in frame.columns]))


def read_class_cases(alg, parameters, context) -> pd.DataFrame:
    """The class-case table TAXONOMY (class_code, case_group), else the plugin's own."""
    taxonomy = read_table(alg, parameters, "TAXONOMY", context)
    if taxonomy is None:
        from gridgov.grid_ops.orders.classify import shipped_class_cases

        taxonomy = shipped_class_cases()
    return taxonomy
