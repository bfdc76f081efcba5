"""The demo city for the PostGIS tests: its orders as points, with points made to test the rules."""

from __future__ import annotations

import numpy as np

N_ORDERS = 3000


def order_points(city, crs: str):
    """The demo orders as a point layer in the grids' CRS, positions from each row's own system, plus
    points made to test the rules: on edges shared by grids, on grid corners, just outside the
    city (within the tolerance) and far away. Rows without a usable position keep no geometry."""
    import geopandas as gpd
    import shapely

    from gridgov.grid_ops.orders import positions

    orders = city.layers["orders"]
    pos = positions.to_target(orders["x"], orders["y"], orders["coord_sys"].to_numpy(dtype=object), crs)
    frame = orders.drop(columns=["x", "y", "coord_sys", "address"]).copy()
    geometry = [shapely.Point(x, y) if np.isfinite(x) else None for x, y in zip(pos.x, pos.y)]
    grids = city.layers["grids"]
    rng = np.random.default_rng(7)
    extra = []
    boundaries = shapely.get_exterior_ring(grids.geometry.values[:60])
    for i, ring in enumerate(boundaries):
        coords = shapely.get_coordinates(ring)
        a, b = coords[i % (len(coords) - 1)], coords[i % (len(coords) - 1) + 1]
        extra.append(shapely.Point((a + b) / 2))  # on an edge (shared when inside the city)
        extra.append(shapely.Point(a))  # a corner where grids meet
    minx, miny, maxx, maxy = grids.total_bounds
    for d in (5.0, 20.0, 49.0, 51.0, 400.0, 5000.0):
        extra.append(shapely.Point(maxx + d, (miny + maxy) / 2 + rng.uniform(-100, 100)))
        extra.append(shapely.Point(minx - d, miny - d))
    rows = frame.iloc[np.arange(len(extra)) % len(frame)].copy()
    rows["order_id"] = [f"T{i:04d}" for i in range(len(extra))]
    points = gpd.GeoDataFrame(pd_concat(frame, rows), geometry=geometry + extra, crs=crs)
    return points.reset_index(drop=True)


def pd_concat(a, b):
    import pandas as pd

    return pd.concat([a, b], ignore_index=True)


def load_city(server, path) -> None:
    """The demo city (``path``, a GeoPackage) with its order points into ``server``'s schema ``city``."""
    import pyogrio

    from gridgov.grid_ops.democity import build_demo_city, write_demo_city

    city = build_demo_city(seed=20251, n_orders=N_ORDERS)
    write_demo_city(city, path)
    crs = city.layers["grids"].crs.to_string()
    pyogrio.write_dataframe(order_points(city, crs), path, layer="order_points", driver="GPKG")
    server.load_gpkg(
        path, "city", ["grids", "microgrids", "dedicated_grids", "communities", "streets", "roster", "order_points"]
    )
