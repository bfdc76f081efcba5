"""Read the orders an algorithm is given: a QGIS layer (any provider, points or a plain table) or a
file the engine reads itself (CSV in any encoding, XLSX, Open311 JSON), and the unit layers.

Kept apart from the algorithms so geolocate, findrepeats and convertcoords read orders the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from qgis.core import (
    QgsFields,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from gridgov.grid_ops.grids.codes import code_texts
from gridgov.layers.io.convert import FID, POS_X, POS_Y, POSITIONS, crs_is_unknown  # noqa: F401  (the algorithms take FID from here)
from gridgov.layers.io.sources import read_source_parts
from gridgov.layers.runtime.translation import tr


@dataclass
class OrdersInput:
    """The orders as text/number columns, their point positions (if a point layer) and that CRS."""

    frame: pd.DataFrame
    xy: np.ndarray | None  # (n, 2) in ``crs``, NaN where a row has no geometry
    crs: str | None
    description: str
    fields: QgsFields | None = None  # the layer's fields (None for a file): their types, whatever a part holds
    total: int = -1  # rows in the whole input, -1 where the provider does not know


def point_xy(geoms) -> np.ndarray:
    """(n, 2) coordinates of point geometries (first part of multi-points), NaN for empty ones."""
    geoms = np.asarray(geoms, dtype=object)
    single = geoms.copy()
    multi = shapely.get_type_id(geoms) == 4
    if multi.any():  # only multi-points are taken apart: a million new objects would hold the lock ~1 s
        single[multi] = shapely.get_geometry(geoms[multi], 0)
    single[shapely.is_empty(single)] = None  # GEOS refuses the x of an empty point: NaN, as for no geometry
    return np.column_stack([shapely.get_x(single), shapely.get_y(single)]).astype(float)


def frame_xy(frame: pd.DataFrame) -> np.ndarray:
    """(n, 2) positions of a frame's points: the numbers read straight from the file
    (``convert.POSITIONS``), else its point geometries (:func:`point_xy`)."""
    return np.column_stack(frame_x_y(frame))


def frame_x_y(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """x and y of a frame's points as two contiguous arrays (as :func:`frame_xy`): the columns read
    straight from the file are handed over without a copy, where a million positions interleaved
    in one (n, 2) array would be copied once and then read with a stride by every later step."""
    from gridgov.layers.io.convert import POS_X, POS_Y

    if POS_X in frame.columns and POS_Y in frame.columns:
        return frame[POS_X].to_numpy(dtype=float), frame[POS_Y].to_numpy(dtype=float)
    xy = point_xy(frame.geometry.values)
    return np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])


#: The workbook sheet to read from an orders file (name or 1-based number); empty: every sheet with the header.
SHEET = "SHEET"


def add_orders_file_parameters(alg, file_param: str, label: str, file_filter: str) -> None:
    """The orders file and, folded under the advanced parameters, the sheet of a workbook to read:
    declared once for every algorithm that takes an orders file."""
    alg.addParameter(
        QgsProcessingParameterFile(
            file_param, label, QgsProcessingParameterFile.Behavior.File, optional=True, fileFilter=file_filter
        )
    )
    sheet = QgsProcessingParameterString(
        SHEET, tr("Sheet of a workbook (name or number; empty: every sheet with the orders' header)"), optional=True
    )
    sheet.setFlags(sheet.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
    alg.addParameter(sheet)


def _sheet(alg, parameters, context) -> str | int | None:
    """SHEET as the reader takes it: a 0-based index for a number, else the name; None when empty."""
    if SHEET not in parameters or alg.parameterDefinition(SHEET) is None:
        return None
    text = alg.parameterAsString(parameters, SHEET, context).strip()
    if not text:
        return None
    return int(text) - 1 if text.isdigit() and int(text) > 0 else text


def read_orders_input(
    alg, parameters, context, feedback, layer_param: str, file_param: str | None, fields=None
) -> OrdersInput:
    """Orders from ``file_param`` when a file is given, else from the layer ``layer_param``; of a layer
    only ``fields`` (a function of the layer's field names giving those to read; None: all, with the
    positions), without positions."""
    return next(read_orders_parts(alg, parameters, context, feedback, layer_param, file_param, fields=fields))


def read_orders_parts(
    alg,
    parameters,
    context,
    feedback,
    layer_param: str,
    file_param: str | None,
    rows: int | None = None,
    fields=None,
) -> Iterator[OrdersInput]:
    """The orders in parts of about ``rows`` rows (None: whole), for steps that treat rows one by one.

    A file (CSV, XLSX, Open311 JSON) is read whole, as its reader needs; a layer is read part by part,
    so a database table's rows are never all in memory at once. Raises before yielding when
    there is no input at all.
    """
    from gridgov.grid_ops.orders.ordertable import OrderFileError, read_orders

    path = alg.parameterAsFile(parameters, file_param, context) if file_param else ""
    if path:
        try:
            frame, facts = read_orders(path, sheet=_sheet(alg, parameters, context))
        except OrderFileError as err:
            raise QgsProcessingException(str(err)) from err
        feedback.pushInfo(tr("Read {0} rows from {1} ({2})").format(len(frame), path, ", ".join(facts.values())))
        return iter([OrdersInput(frame, None, None, path, None, len(frame))])
    # positions only: the orders' own geometry is never written back, the located point is
    chosen = None
    if fields is not None:
        layer = alg.parameterAsSource(parameters, layer_param, context)
        chosen = fields([f.name() for f in layer.fields()]) if layer is not None else None
    parts, source = read_source_parts(
        alg,
        parameters,
        layer_param,
        context,
        feedback,
        fields=chosen,
        rows=rows,
        with_geometry=POSITIONS if chosen is None else False,
    )
    if parts is None:
        raise QgsProcessingException(tr("Give the orders as a layer (INPUT) or a file (INPUT_FILE)"))
    points = QgsWkbTypes.geometryType(source.wkbType()) == QgsWkbTypes.GeometryType.PointGeometry
    return (_as_orders(frame, points, source) for frame in parts)


def _as_orders(frame: gpd.GeoDataFrame, points: bool, source) -> OrdersInput:
    xy = frame_xy(frame) if points else None
    crs = frame.crs.to_string() if frame.crs is not None else None
    geometry = frame.active_geometry_name if isinstance(frame, gpd.GeoDataFrame) else None
    for column in (geometry, FID, POS_X, POS_Y):  # removed in place: a copy of a million rows costs 0.4 s
        if column is not None and column in frame.columns:
            del frame[column]
    table = pd.DataFrame(frame)
    return OrdersInput(table, xy, crs, source.sourceName(), source.fields(), source.featureCount())


def order_field(name: str, chosen: str, frame: pd.DataFrame, guessed: str | None) -> str | None:
    """The field chosen for parameter ``name`` (a request's value), else the guess; an unknown name
    is a clear error naming the orders' fields."""
    found = chosen or guessed
    if found and found not in frame.columns:
        raise QgsProcessingException(
            tr("{0}: the orders have no field {1!r} (fields: {2})").format(
                name, found, ", ".join(map(str, frame.columns))
            )
        )
    return found or None


def to_working_crs(frame: gpd.GeoDataFrame | None, crs: str) -> gpd.GeoDataFrame | None:
    if frame is None or frame.crs is None:
        return frame
    return frame if frame.crs.to_string() == crs else frame.to_crs(crs)


def code_text(values) -> pd.Series:
    """Unit codes as text by the engine's one rule (:func:`gridgov.grid_ops.grids.codes.code_of`)."""
    index = values.index if isinstance(values, pd.Series) else None
    return pd.Series(code_texts(values), index=index, dtype=object)


def drop_broken_polygons(frame: gpd.GeoDataFrame, code_field: str, label: str, feedback) -> gpd.GeoDataFrame:
    """``frame`` without the polygons that have a NaN or infinite vertex (GEOS cannot repair them),
    each named in the log with its code and feature number."""
    geoms = frame.geometry.to_numpy()
    coordinates, index = shapely.get_coordinates(geoms, return_index=True)
    if not len(coordinates):
        return frame
    bad = np.unique(index[~np.isfinite(coordinates).all(axis=1)])
    if not len(bad):
        return frame
    for row in bad[:20]:
        feedback.pushWarning(
            tr("{0}: unit {1!r} (feature {2}) has a NaN or infinite vertex; it is left out").format(
                label, frame[code_field].iloc[row], int(row) + 1
            )
        )
    if len(bad) > 20:
        feedback.pushWarning(tr("{0}: {1} units with NaN vertices left out in all").format(label, len(bad)))
    return frame.drop(index=frame.index[bad]).reset_index(drop=True)
