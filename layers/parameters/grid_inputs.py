"""Inputs shared by the per-grid analyses: orders with their grid, the grid layer, neighbour weights.

Two declared families: the orders and their grids (:func:`orders_and_grids_family`: INPUT,
GRID_FIELD, GRIDS and CODE_FIELD, read into the engine's ``GridFields``) and the neighbour weights
(:func:`weights_family`: WEIGHTS, DISTANCE and K, read into ``WeightsChoice``). The data path
(:func:`read_orders_and_grids_for`, :func:`read_filtered_orders_in_grids`) reads the layers as a
request names their fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from qgis.core import QgsProcessing, QgsProcessingException

from gridgov.grid_ops.analytics.weights import WEIGHT_KINDS, WeightsChoice
from gridgov.grid_ops.orders.selection import FilterRequest, GridFields
from gridgov.grid_ops.schema import GRID_CODE
from gridgov.layers.io.convert import POSITIONS
from gridgov.layers.io.orders_input import frame_xy
from gridgov.layers.io.sources import read_source
from gridgov.layers.parameters import declare
from gridgov.layers.parameters.order_filters import Filtered, apply_filter
from gridgov.layers.runtime.translation import tr, tr_noop

INPUT, GRID_FIELD, GRIDS, CODE_FIELD = "INPUT", "GRID_FIELD", "GRIDS", "CODE_FIELD"
WEIGHTS, DISTANCE, K = "WEIGHTS", "DISTANCE", "K"

#: The order points, their grid code field, the grids and their code field (``CODE_FIELD`` is
#: optional: QGIS 3.22 checks a field parameter's default only when it is given; it falls back).
ORDERS_AND_GRIDS = (
    declare.source(INPUT, tr_noop("Orders (points)"), [QgsProcessing.SourceType.TypeVectorPoint]),
    declare.default_field(GRID_FIELD, tr_noop("Orders' grid code field"), INPUT, GRID_CODE),
    declare.source(GRIDS, tr_noop("Grids"), [QgsProcessing.SourceType.TypeVectorPolygon]),
    declare.field(CODE_FIELD, tr_noop("Grid code field"), GRIDS, GRID_CODE, fallback=True),
)


def add_order_and_grid_parameters(alg) -> None:
    """INPUT (order points), GRID_FIELD (their grid code, optional), GRIDS and CODE_FIELD."""
    for param in ORDERS_AND_GRIDS:
        param.declare(alg)


def read_grid_fields(alg, parameters, context) -> GridFields:
    """GRID_FIELD and CODE_FIELD as the engine's ``GridFields``."""
    _, grid_field, _, code_field = ORDERS_AND_GRIDS
    return GridFields(grid_field.read(alg, parameters, context), code_field.read(alg, parameters, context))


def orders_and_grids_family() -> declare.Family:
    """INPUT, GRID_FIELD, GRIDS and CODE_FIELD as one declared family, read into the request's
    ``grid_fields`` (the layers themselves are read by the data path)."""
    return declare.Family(add_order_and_grid_parameters, read_grid_fields, "grid_fields")


@dataclass
class OrdersAndGrids:
    orders: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame  # without QGIS's feature ids, index 0..n-1
    grid_source: object
    code_field: str
    grid_field: str  # '' when the orders' grid comes from where they lie


def fields_of(source, named: Iterable[str]) -> list[str] | None:
    """The fields of ``source`` among ``named``, in layer order; None without a source."""
    if source is None:
        return None
    named = set(named)
    return [f.name() for f in source.fields() if f.name() in named]


def read_orders_and_grids_for(
    chosen: GridFields, order_fields: Iterable[str] | None, alg, parameters, context, feedback
) -> OrdersAndGrids:
    """The orders and the grids as ``chosen`` names their codes. Of the orders only the fields of
    ``order_fields`` (None: every field) and the grid field are read, and their points only without
    a grid field: ten million points cost GBs."""
    orders_source = alg.parameterAsSource(parameters, INPUT, context)
    fields = None if order_fields is None else fields_of(orders_source, [*order_fields, *chosen.named_fields()])
    points = fields is None or chosen.grid_field_in(fields) not in fields
    orders, source = read_source(
        alg, parameters, INPUT, context, feedback, fields=fields, with_geometry=POSITIONS if points else False
    )
    if orders is not None:  # error messages list what the layer has, not only what was read
        orders.attrs["layer_fields"] = [f.name() for f in source.fields()]
    grids, grid_source = read_source(alg, parameters, GRIDS, context, feedback)
    if chosen.code_field not in grids.columns:
        raise QgsProcessingException(tr("CODE_FIELD: the grids have no field {0!r}").format(chosen.code_field))
    grid_field = chosen.grid_field_in(orders.columns)
    if grid_field and grid_field not in orders.columns:
        raise QgsProcessingException(tr("GRID_FIELD: the orders have no field {0!r}").format(grid_field))
    grids = grids.drop(columns=["_fid"]).reset_index(drop=True)
    return OrdersAndGrids(orders, grids, grid_source, chosen.code_field, grid_field)


def read_filtered_orders_in_grids(
    grid_fields: GridFields, chosen: FilterRequest, order_fields: Iterable[str], alg, parameters, context, feedback
) -> tuple[OrdersAndGrids, Filtered]:
    """The orders (the filter's fields, the grid field and ``order_fields``) and the grids, and the
    filter applied to the orders (each order's grid is ``order_grid_codes``)."""
    data = read_orders_and_grids_for(
        grid_fields, [*chosen.named_fields(), *order_fields], alg, parameters, context, feedback
    )
    return data, apply_filter(chosen, data.orders, feedback)


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


def weights_params(parent: str) -> tuple[declare.Param, declare.Param, declare.Param]:
    """WEIGHTS (queen, rook, distance band, k nearest: ``WEIGHT_KINDS``), DISTANCE (in the units of
    the layer ``parent``) and K."""
    labels = (
        tr_noop("Queen (shared corner)"), tr_noop("Rook (shared edge)"), tr_noop("Distance band"), tr_noop("K nearest")
    )  # fmt: skip
    return (
        declare.choice(WEIGHTS, tr_noop("Neighbours"), list(zip(labels, WEIGHT_KINDS))),
        declare.distance(DISTANCE, tr_noop("Distance band"), 500.0, parent, minimum=0.0),
        declare.integer(K, tr_noop("K nearest"), 8, minimum=1),
    )


def add_weights_parameters(alg, parent: str) -> None:
    """WEIGHTS (queen, rook, distance band, k nearest), DISTANCE and K."""
    for param in weights_params(parent):
        param.declare(alg)


def read_weights_choice(alg, parameters, context) -> WeightsChoice:
    """The neighbours WEIGHTS, DISTANCE and K name, as the engine's ``WeightsChoice`` (the readers do
    not depend on the layer the distance is measured in)."""
    kind, band, k = (param.read(alg, parameters, context) for param in weights_params(INPUT))
    return WeightsChoice(kind, band, k)


def weights_family(parent: str) -> declare.Family:
    """WEIGHTS, DISTANCE and K as one declared family, read into the request's ``weights``."""
    return declare.Family(lambda alg: add_weights_parameters(alg, parent), read_weights_choice, "weights")


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


def require_fields(grids: pd.DataFrame, chosen: tuple[tuple[str, str], ...]) -> None:
    """Stop the run when the grids lack a field of ``chosen`` ((field, parameter that chose it)),
    naming the parameter: a typo says where it is before anything is computed."""
    for name, param in chosen:
        if name not in grids.columns:
            raise QgsProcessingException(tr("{0}: the grids have no field {1!r}").format(param, name))
