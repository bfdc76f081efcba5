"""``gridgov:geolocate`` in PostGIS against the engine, row by row, on a real PostgreSQL server."""

from __future__ import annotations

import numpy as np
import pandas as pd
from qgis import processing
from qgis.core import QgsVectorLayer

from .pg_layers import COMPARED, LAYERS, LogFeedback, frame_of, gpkg_layer, pg_layer


def run(layers: dict, feedback=None, **extra) -> dict:
    params = {**layers, "CATEGORY_FIELD": "class_code", "TOLERANCE": 50.0, "OUTPUT": "TEMPORARY_OUTPUT", **extra}
    return processing.run("gridgov:geolocate", params, feedback=feedback)


def test_geolocate_in_postgis_matches_the_engine_row_by_row(pg_city, authcfg, gridgov_provider):
    server, path = pg_city
    feedback = LogFeedback()
    in_db = run({k: pg_layer(server, v, authcfg) for k, v in LAYERS.items()}, feedback)
    assert any("Running in PostGIS" in line for line in feedback.lines), feedback.lines
    engine_feedback = LogFeedback()
    in_engine = run({k: gpkg_layer(path, v) for k, v in LAYERS.items()}, engine_feedback)
    assert not any("PostGIS" in line for line in engine_feedback.lines)

    assert in_db["OUTPUT"].startswith("postgres://")
    connection = server.connect()
    with connection.cursor() as cursor:  # the run's scratch table of order points went with its transaction
        cursor.execute("SELECT to_regclass('city.order_points_placed_gg_points') IS NULL")
        assert cursor.fetchone()[0]
    connection.close()
    db_layer = QgsVectorLayer(in_db["OUTPUT"][len("postgres://") :], "placed", "postgres")
    assert db_layer.isValid()
    assert "password" not in db_layer.source()  # the credentials stay in QGIS's authentication database
    db = frame_of(db_layer)
    engine_out = in_engine["OUTPUT"]
    engine = frame_of(engine_out if isinstance(engine_out, QgsVectorLayer) else QgsVectorLayer(engine_out, "e", "ogr"))
    assert len(db) == len(engine) == in_db["ROWS_IN"] == in_db["ROWS_OUT"]
    assert in_db["PLACED"] == in_engine["PLACED"] and in_db["NOT_PLACED"] == in_engine["NOT_PLACED"]
    assert db.index.equals(engine.index)
    # every rule is exercised by the data
    methods = set(engine["match_method"])
    assert {"inside", "boundary", "nearest", "unassigned", "invalid"} <= methods, methods
    assert (engine["resp_level"] == "dedicated").any() and (engine["resp_level"] == "microgrid").any()
    for column in COMPARED:
        a = db[column].astype(str).replace({"NULL": "", "None": ""})
        b = engine[column].astype(str).replace({"NULL": "", "None": ""})
        differ = a != b
        assert not differ.any(), (
            f"{column} differs on {differ.sum()} rows:\n{pd.DataFrame({'db': a, 'engine': b})[differ].head(10)}"
        )
    for column in ("distance_m", "x_located", "y_located"):
        a = pd.to_numeric(db[column], errors="coerce").to_numpy(dtype=float)
        b = pd.to_numeric(engine[column], errors="coerce").to_numpy(dtype=float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), column
        assert np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], atol=0.0051 if column == "distance_m" else 1e-6), column
