"""Which input columns a result keeps, and under which names: a result's own columns, the geometry and
the feature ids are never overwritten by an input column of the same name (compared case-insensitively);
the input's column is kept as ``<name>_src``. Reading (``convert``), writing and the PostGIS push-down
apply the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from gridgov.grid_ops.schema import PROBLEM
from gridgov.layers.runtime.translation import tr

#: Names an input column never keeps in any result: the geometry and feature id of the frames,
#: GeoPackage's geometry column and its own feature id (a text ``fid`` makes GDAL refuse every row).
ALWAYS_RESERVED = ("geometry", "geom", "_fid", "fid")
#: Those of a placement result (geolocate), which also adds level and problem columns.
RESERVED = (*ALWAYS_RESERVED, "level", PROBLEM)


def source_renames(
    columns: Iterable, results: Iterable = (), reserved: Iterable[str] = RESERVED, dedupe: bool = True
) -> dict[str, str]:
    """Renames for the input ``columns`` that would collide with ``results`` or ``reserved`` names
    (or, with ``dedupe``, with an earlier input column), compared case-insensitively: ``name`` →
    ``name_src``, or ``name_src2`` … when that is taken too."""
    columns = [str(c) for c in columns]
    taken = {c.lower() for c in results} | {c.lower() for c in reserved}
    used = {c.lower() for c in columns} | {str(c).lower() for c in results} | {c.lower() for c in reserved}
    seen: set[str] = set()
    renames = {}
    for column in columns:
        key = column.lower()
        if key in taken or (dedupe and key in seen):
            number, new = 1, f"{column}_src"
            while new.lower() in used:
                number += 1
                new = f"{column}_src{number}"
            renames[column] = new
            used.add(new.lower())
            seen.add(new.lower())
        else:
            seen.add(key)
    return renames


def log_renames(renames: dict[str, str], feedback) -> None:
    if renames and feedback is not None:
        feedback.pushInfo(
            tr("Input columns renamed so the result's own columns do not replace them: {0}").format(
                ", ".join(f"{a} → {b}" for a, b in renames.items())
            )
        )


def keep_input_columns(
    frame: pd.DataFrame, results: Iterable, feedback=None, reserved: Iterable[str] = ALWAYS_RESERVED
) -> pd.DataFrame:
    """``frame`` (the input's columns) with those colliding with ``results`` or ``reserved`` renamed
    (and the renames logged)."""
    own_geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    reserved = list(reserved)
    if "fid" in frame.columns and pd.api.types.is_integer_dtype(frame["fid"]):
        reserved = [
            r for r in reserved if r != "fid"
        ]  # a layer's own integer ids: GeoPackage keeps them as its feature ids
    renames = source_renames([c for c in frame.columns if c != own_geometry], results, reserved)
    log_renames(renames, feedback)
    return frame.rename(columns=renames) if renames else frame
