"""Inputs shared by the per-grid analyses: orders with their grid, the grid layer, neighbour weights."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterDistance,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.convert import POSITIONS
from gridgov.layers.orders_input import frame_xy
from gridgov.layers.processing.base import read_source, tr

INPUT, GRID_FIELD, GRIDS, CODE_FIELD = "INPUT", "GRID_FIELD", "GRIDS", "CODE_FIELD"
WEIGHTS, DISTANCE, K = "WEIGHTS", "DISTANCE", "K"


def add_order_and_grid_parameters(alg) -> None:
    """INPUT (order points), GRID_FIELD (their grid code, optional), GRIDS and CODE_FIELD."""
    alg.addParameter(
        QgsProcessingParameterFeatureSource(INPUT, tr("Orders (points)"), [QgsProcessing.SourceType.TypeVectorPoint])
    )
    alg.addParameter(
        QgsProcessingParameterField(
            GRID_FIELD, tr("Orders' grid code field"), GRID_CODE, parentLayerParameterName=INPUT, optional=True
        )
    )
    alg.addParameter(
        QgsProcessingParameterFeatureSource(GRIDS, tr("Grids"), [QgsProcessing.SourceType.TypeVectorPolygon])
    )
    # optional: QGIS 3.22 checks a field parameter's default only when it is given; the code falls back
    alg.addParameter(
        QgsProcessingParameterField(
            CODE_FIELD, tr("Grid code field"), GRID_CODE, parentLayerParameterName=GRIDS, optional=True
        )
    )


@dataclass
class OrdersAndGrids:
    orders: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame  # without QGIS's feature ids, index 0..n-1
    grid_source: object
    code_field: str
    grid_field: str  # '' when the orders' grid comes from where they lie


def input_fields(alg, parameters, context, parent: str = INPUT) -> list[str] | None:
    """The fields of ``parent`` that the algorithm's field parameters name (given or default), in
    layer order; None when the layer is not given.

    Only they are read: ten million placed orders with thirty columns each would not fit in memory,
    the three columns a count needs do.
    """
    source = alg.parameterAsSource(parameters, parent, context)
    if source is None:
        return None
    named = set()
    for definition in alg.parameterDefinitions():
        if isinstance(definition, QgsProcessingParameterField) and definition.parentLayerParameterName() == parent:
            named.update(alg.parameterAsFields(parameters, definition.name(), context))
    return [f.name() for f in source.fields() if f.name() in named]


def read_orders_and_grids(alg, parameters, context, feedback) -> OrdersAndGrids:
    fields = input_fields(alg, parameters, context)
    # with the orders' grid in a field their points are not needed: ten million of them cost GBs
    grid_field = alg.parameterAsString(parameters, GRID_FIELD, context)
    points = not (grid_field and fields is not None and grid_field in fields)
    orders, source = read_source(
        alg, parameters, INPUT, context, feedback, fields=fields, with_geometry=POSITIONS if points else False
    )
    if orders is not None:  # error messages list what the layer has, not only what was read
        orders.attrs["layer_fields"] = [f.name() for f in source.fields()]
    grids, grid_source = read_source(alg, parameters, GRIDS, context, feedback)
    code_field = alg.parameterAsString(parameters, CODE_FIELD, context) or GRID_CODE
    if code_field not in grids.columns:
        raise QgsProcessingException(tr("CODE_FIELD: the grids have no field {0!r}").format(code_field))
    if grid_field and grid_field not in orders.columns:
        if parameters.get(GRID_FIELD):
            raise QgsProcessingException(tr("GRID_FIELD: the orders have no field {0!r}").format(grid_field))
        grid_field = ""
    grids = grids.drop(columns=["_fid"]).reset_index(drop=True)
    return OrdersAndGrids(orders, grids, grid_source, code_field, grid_field)


def order_grid_codes(data: OrdersAndGrids, feedback) -> np.ndarray | pd.Categorical:
    """Each order's grid: from its grid field when given (text), else by where its point lies (the
    engine's boundary rule, as geolocate; a categorical, missing where no grid)."""
    if data.grid_field:
        return data.orders[data.grid_field].to_numpy(dtype=object)
    from gridgov.grid_ops.responsibility import geolocate

    layer = geolocate.UnitLayer.from_frame(data.grids, data.code_field)
    xy = frame_xy(data.orders)
    codes = geolocate.grid_of_points(layer, xy[:, 0], xy[:, 1])
    path = geolocate.point_lookup(int((np.isfinite(xy[:, 0]) & np.isfinite(xy[:, 1])).sum()))
    if path != "exact":
        feedback.pushInfo(
            tr("Point look-up: compiled (numba)") if path == "compiled" else tr("Point look-up: vectorised (no numba)")
        )
    feedback.pushInfo(tr("{0} orders lie in a grid").format(int((codes.codes >= 0).sum())))
    return codes


def add_weights_parameters(alg, parent: str) -> None:
    """WEIGHTS (queen, rook, distance band, k nearest), DISTANCE and K."""
    alg.addParameter(
        QgsProcessingParameterEnum(
            WEIGHTS,
            tr("Neighbours"),
            [tr("Queen (shared corner)"), tr("Rook (shared edge)"), tr("Distance band"), tr("K nearest")],
            defaultValue=0,
        )
    )
    alg.addParameter(
        QgsProcessingParameterDistance(DISTANCE, tr("Distance band"), 500.0, parentParameterName=parent, minValue=0.0)
    )
    alg.addParameter(
        QgsProcessingParameterNumber(K, tr("K nearest"), QgsProcessingParameterNumber.Type.Integer, 8, minValue=1)
    )


def read_weights_choice(alg, parameters, context):
    """The neighbours WEIGHTS, DISTANCE and K name, as the engine's ``WeightsChoice``."""
    from gridgov.grid_ops.analytics.weights import WEIGHT_KINDS, WeightsChoice

    return WeightsChoice(
        WEIGHT_KINDS[alg.parameterAsEnum(parameters, WEIGHTS, context)],
        alg.parameterAsDouble(parameters, DISTANCE, context),
        alg.parameterAsInt(parameters, K, context),
    )


def weights_family(parent: str):
    """WEIGHTS, DISTANCE and K as one declared family, read into the request's ``weights``."""
    from gridgov.layers.processing.declare import Family

    return Family(lambda alg: add_weights_parameters(alg, parent), read_weights_choice, "weights")


def build_weights(choice, geoms: np.ndarray, feedback):
    """The neighbour weights ``choice`` names for ``geoms``; warns about grids without a neighbour."""
    try:
        w = choice.build(geoms)
    except ValueError as err:
        raise QgsProcessingException(str(err)) from err
    islands = int((np.diff(w.indptr) == 0).sum())
    if islands:
        feedback.pushWarning(
            tr("{0} grids have no neighbour with {1} weights; they are compared on their own value").format(
                islands, choice.kind
            )
        )
    return w


def read_weights(alg, parameters, context, geoms: np.ndarray, feedback):
    """The chosen neighbour weights of ``geoms`` (for algorithms not yet declared)."""
    return build_weights(read_weights_choice(alg, parameters, context), geoms, feedback)
