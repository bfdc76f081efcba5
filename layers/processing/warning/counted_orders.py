"""What the forecast and the early warning both read: the orders (the shared filter applied) with
their grid, class case and time, and every grid's code, so a grid without orders is a series of
zeros rather than missing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from qgis.core import QgsProcessingException

from gridgov.grid_ops.orders.selection import FilterRequest, GridFields
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, REPORTED_AT
from gridgov.layers.parameters.grid_inputs import OrdersAndGrids, order_grid_codes, read_filtered_orders_in_grids
from gridgov.layers.runtime.cancel import raise_cancelled
from gridgov.layers.runtime.translation import tr

#: The class case of every order when the orders have no class field: one series per grid.
ALL_CLASSES = "all"


@dataclass
class CountedOrders:
    orders: pd.DataFrame  # grid_code, class_code, reported_at: one row per order the filter kept
    grid_codes: np.ndarray  # every grid's code, as text
    data: OrdersAndGrids


def read_counted_orders(grid_fields: GridFields, chosen: FilterRequest, alg, parameters, context, feedback):
    """The kept orders as the forecasting engine counts them (an order outside every grid keeps an
    empty grid code: the engine reports it by row), and the grids."""
    data, filtered = read_filtered_orders_in_grids(grid_fields, chosen, [], alg, parameters, context, feedback)
    if filtered.times is None:
        raise QgsProcessingException(tr("A forecast needs TIME_FIELD (when each order was reported)"))
    keep = filtered.keep
    grids = np.asarray(order_grid_codes(data, feedback), dtype=object)[keep]
    classes = filtered.codes[keep] if filtered.codes is not None else np.full(int(keep.sum()), ALL_CLASSES, object)
    orders = pd.DataFrame(
        {
            GRID_CODE: pd.Series(grids, dtype=object).where(pd.notna(grids), "").astype(str).str.strip().to_numpy(),
            CLASS_CODE: pd.Series(classes, dtype=object).fillna("").astype(str).str.strip().to_numpy(),
            REPORTED_AT: filtered.times[keep],
        },
        index=data.orders.index[keep],
    )
    codes = data.grids[data.code_field].astype(str).str.strip().to_numpy(dtype=object)
    feedback.pushInfo(tr("{0} orders counted over {1} grids").format(len(orders), len(codes)))
    return CountedOrders(orders, codes, data)


def counted_run(job, engine_call, request, alg, parameters, context, feedback):
    """The orders read and counted, ``engine_call(orders, request, grids=...)`` run on them (a request
    the engine refuses is named, a cancel ends the run as cancelled) and the orders it could not count
    reported: (counted orders, the engine's result)."""
    counted = read_counted_orders(job.grid_fields, job.filter, alg, parameters, context, feedback)
    feedback.setProgress(20)
    try:
        result = engine_call(counted.orders, request, grids=counted.grid_codes)
    except ValueError as err:
        raise QgsProcessingException(str(err)) from err
    if feedback.isCanceled():
        raise_cancelled()
    report_problems(result.problems, feedback)
    return counted, result


def report_problems(problems: pd.DataFrame, feedback, limit: int = 5) -> None:
    """The orders the engine could not count, said in the log: how many, and the first few by row
    and field (nothing is dropped silently)."""
    if problems is None or problems.empty:
        return
    feedback.pushWarning(tr("{0} orders not counted (no time, no grid or outside the periods)").format(len(problems)))
    for row in problems.head(limit).itertuples(index=False):
        feedback.pushInfo(tr("row {0}, {1}: {2}").format(row.row, row.field, row.problem))


def with_grids(table: pd.DataFrame, data: OrdersAndGrids) -> pd.DataFrame:
    """``table`` (a ``grid_code`` column) with each grid's polygon and name, for the map; the grid
    layer's own columns other than its code and name are left out."""
    grids = data.grids
    keep = [c for c in ("name",) if c in grids.columns and c != data.code_field]
    shapes = grids[[data.code_field, *keep, grids.geometry.name]].copy()
    shapes[data.code_field] = shapes[data.code_field].astype(str).str.strip()
    shapes = shapes.rename(columns={data.code_field: GRID_CODE}).drop_duplicates(GRID_CODE)
    merged = table.merge(shapes, on=GRID_CODE, how="left")
    return type(grids)(merged, geometry=grids.geometry.name, crs=grids.crs)
