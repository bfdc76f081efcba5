"""The built-in demo district: a deterministic, realistic city for demos, tests and benchmarks.

``build_demo_city(seed, n_orders)`` returns every layer as (Geo)DataFrames in EPSG:4547;
``write_demo_city(city, path)`` writes them into one GeoPackage; ``make_demo_city(request)`` does
both as ``gridgov:democity`` asks (:class:`DemoCityRequest`). The same seed gives the same
city, whatever the number of orders: each part draws from its own random stream.

May import: ``runtime``, ``grids``, ``orders`` (a city is made of grids and orders, never of
an analysis of them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from gridgov.grid_ops.democity import facilities, names
from gridgov.grid_ops.democity.hierarchy import CRS, build_hierarchy
from gridgov.grid_ops.democity.history import build_order_history
from gridgov.grid_ops.democity.orders import generate_inspections, generate_orders, plant_hot_areas
from gridgov.grid_ops.democity.posts import generate_posts
from gridgov.grid_ops.democity.streets_and_blocks import build_road_network
from gridgov.grid_ops.orders.classify import shipped_class_cases
from gridgov.grid_ops.runtime.paths import resource_path

GENERATOR_VERSION = "1"
DEFAULT_SEED = 20251
DEFAULT_ORDERS = 100_000
DEFAULT_POSTS = 600

#: Layers in the order they are written; spatial ones first.
SPATIAL_LAYERS = (
    "district",
    "streets",
    "communities",
    "grids",
    "microgrids",
    "dedicated_grids",
    "roads",
    "buildings",
    "addresses",
    "street_offices",
    "truth_hotareas",
    "truth_orders",
    "truth_inspections",
    "order_history",
    "truth_posts",
)
TABLES = (
    "roster", "patrol_teams", "orders", "inspections", "class_cases", "demo_info", "truth_surges", "truth_season",
    "posts",
)  # fmt: skip

Progress = Callable[[float, str], None]


@dataclass
class DemoCity:
    """Every layer of the demo district."""

    layers: dict[str, pd.DataFrame] = field(default_factory=dict)
    seed: int = DEFAULT_SEED
    n_orders: int = DEFAULT_ORDERS
    n_posts: int = DEFAULT_POSTS

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.layers[name]


def _noop(_fraction: float, _message: str) -> None:
    return None


@dataclass(frozen=True)
class DemoCityRequest:
    """A demo city as the toolbox or a script asks for it (``gridgov:democity``)."""

    #: The same seed gives the same city, byte for byte.
    seed: int = DEFAULT_SEED
    #: The number of work orders.
    orders: int = DEFAULT_ORDERS
    #: The number of internet posts (网络线索) about the district's problems, with their truth.
    posts: int = DEFAULT_POSTS
    #: The GeoPackage written; ``.gpkg`` is added to a name without it.
    output: str = ""

    @property
    def gpkg(self) -> Path:
        """The GeoPackage written."""
        path = Path(self.output)
        return path if path.suffix.lower() == ".gpkg" else path.with_suffix(".gpkg")


def make_demo_city(request: DemoCityRequest, progress: Progress = _noop) -> Path:
    """Build the city ``request`` asks for and write it into its GeoPackage (returned);
    ``progress(fraction, message)`` is told how far the whole run got (building is the first 70 %,
    writing the next 25 %: what is left is the caller's, a project for instance)."""
    gpkg = request.gpkg
    city = build_demo_city(
        seed=request.seed, n_orders=request.orders, n_posts=request.posts, progress=lambda f, m: progress(0.7 * f, m)
    )
    return write_demo_city(city, gpkg, progress=lambda f, m: progress(0.7 + 0.25 * f, m))


def build_demo_city(
    seed: int = DEFAULT_SEED,
    n_orders: int = DEFAULT_ORDERS,
    n_inspections: int | None = None,
    progress: Progress = _noop,
    n_posts: int | None = None,
) -> DemoCity:
    """Generate the demo district; ``progress(fraction, message)`` is told how far it got.
    ``n_posts`` internet posts (None: DEFAULT_POSTS) are written about it, from a stream of their own."""
    if n_orders < 0:
        raise ValueError("the number of orders cannot be negative")
    n_posts = DEFAULT_POSTS if n_posts is None else n_posts
    if n_posts < 0:
        raise ValueError("the number of posts cannot be negative")
    # child k is the same whatever the count (spawn(8)'s first seven are spawn(7)'s): adding one keeps the rest
    streams = np.random.SeedSequence(seed).spawn(8)
    rng_roads, rng_units, rng_places, rng_hot, rng_orders, rng_insp, rng_history = (
        np.random.default_rng(s) for s in streams[:7]
    )
    rng_posts = np.random.default_rng(streams[7])
    progress(0.02, "roads and blocks")
    net = build_road_network(rng_roads)
    progress(0.10, "streets, communities, grids, micro-grids")
    h = build_hierarchy(net, rng_units)
    progress(0.35, "dedicated grids, roads, addresses, roster")
    parts = _places(h, net, rng_places)
    progress(0.45, "planted hot areas and work orders")
    parts.update(_orders(h, parts, n_orders, rng_hot, rng_orders))
    progress(0.8, "the order archive 2023-2025")
    parts["order_history"], parts["truth_surges"], parts["truth_season"] = build_order_history(
        parts["truth_orders"], h.grids, rng_history
    )
    progress(0.85, "inspection reports")
    n_insp = n_inspections if n_inspections is not None else max(1, n_orders // 5)
    inspections, parts["truth_inspections"] = generate_inspections(
        h, parts["roster"], n_insp, resource_path("taxonomy", "descriptions.csv"), rng_insp
    )
    parts.update(
        _units(h, net),
        inspections=inspections,
        class_cases=shipped_class_cases(),
        demo_info=_info(seed, n_orders, n_insp, n_posts),
    )
    progress(0.87, "internet posts")
    parts["posts"], parts["truth_posts"] = generate_posts(parts, n_posts, rng_posts)
    progress(0.9, "done")
    layers = {name: parts[name] for name in (*SPATIAL_LAYERS, *TABLES)}
    return DemoCity(layers=layers, seed=seed, n_orders=n_orders, n_posts=n_posts)


def _places(h, net, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Dedicated grids, named roads, the address gazetteer, the street offices, the roster and the
    patrol teams, drawn in this order from one stream (the same seed, the same places)."""
    dedicated = facilities.dedicated_grids(h, rng)
    roads = facilities.named_roads(net, rng)
    addresses = facilities.gazetteer(h, roads, rng)
    offices = facilities.street_offices(h, addresses)
    roster, teams = facilities.roster_and_teams(h, rng)
    return {
        "dedicated_grids": dedicated,
        "roads": roads,
        "addresses": addresses,
        "street_offices": offices,
        "roster": roster,
        "patrol_teams": teams,
    }


def _orders(
    h, places: dict[str, pd.DataFrame], n_orders: int, rng_hot: np.random.Generator, rng_orders: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """The planted hot areas and the work orders they and the background make, with the truth behind each."""
    hot = plant_hot_areas(h, n_orders, rng_hot)
    orders, truth_orders = generate_orders(
        h,
        places["roads"],
        places["addresses"],
        hot,
        n_orders,
        resource_path("taxonomy", "descriptions.csv"),
        rng_orders,
        names.CITY,
        names.DISTRICT,
    )
    return {"truth_hotareas": hot, "orders": orders, "truth_orders": truth_orders}


def _units(h, net) -> dict[str, pd.DataFrame]:
    """The district and the units and buildings of its hierarchy."""
    district = gpd.GeoDataFrame(
        {
            "admin_code": [names.ADMIN_CODE],
            "name": [names.CITY + names.DISTRICT],
            "households": [int(h.grids["households"].sum())],
        },
        geometry=[net.district],
        crs=CRS,
    )
    return {
        "district": district,
        "streets": h.streets,
        "communities": h.communities,
        "grids": h.grids,
        "microgrids": h.microgrids,
        "buildings": h.buildings,
    }


def _info(seed: int, n_orders: int, n_inspections: int, n_posts: int) -> pd.DataFrame:
    """What the GeoPackage was made from (``demo_info``): generator version, seed, counts, CRS, year."""
    return pd.DataFrame(
        {
            "key": [
                "generator_version",
                "seed",
                "n_orders",
                "n_inspections",
                "n_posts",
                "crs",
                "year",
                "admin_code",
                "name",
            ],
            "value": [
                GENERATOR_VERSION,
                str(seed),
                str(n_orders),
                str(n_inspections),
                str(n_posts),
                CRS,
                "2025",
                names.ADMIN_CODE,
                names.CITY + names.DISTRICT,
            ],
        }
    )


def write_demo_city(city: DemoCity, path: str | Path, progress: Progress = _noop) -> Path:
    """Write every layer into one GeoPackage (replaced if it exists) and return its path.

    GeoPackage 1.2 is requested so QGIS builds with an older GDAL read it without a warning, and
    the timestamp GDAL stamps into it is fixed so the same city gives the same file contents.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2025-12-31T00:00:00.000Z"})
    names_in_order = [*SPATIAL_LAYERS, *TABLES]
    for index, name in enumerate(names_in_order):
        frame = city.layers[name]
        options = {"dataset_options": {"VERSION": "1.2"}} if index == 0 else {}
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", **options)
        progress(index / len(names_in_order), f"wrote {name} ({len(frame)} rows)")
    return path
