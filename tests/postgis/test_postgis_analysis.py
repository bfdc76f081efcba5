"""``gridgov:gridstats`` and ``gridgov:findrepeats`` in PostGIS against the engine on the same PostGIS rows,
and a month-partitioned orders table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from qgis import processing
from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProject, QgsVectorLayer

from .pg_layers import LogFeedback, pg_layer


@pytest.fixture(scope="module")
def timed_orders(pg_city):
    """city.orders_ts: the order points with their report time as a timestamp column and a repeat flag."""
    from gridgov.grid_ops.orders.repeats import parse_times

    server, _ = pg_city
    connection = server.connect()
    with connection.cursor() as cursor:
        cursor.execute("SELECT fid, reported_at FROM city.order_points ORDER BY fid")
        rows = cursor.fetchall()
        times, _ = parse_times(pd.Series([r[1] for r in rows], dtype=object))
        texts = [None if np.isnat(t) else str(t) for t in times]
        cursor.execute(
            "DROP TABLE IF EXISTS city.orders_ts; CREATE TABLE city.orders_ts AS "
            "SELECT o.fid, o.order_id, o.class_code, o.geom, t.ts::timestamp AS reported_ts, "
            "(o.fid %% 4 = 0) AS is_repeat, "
            "(SELECT min(u.grid_code) FROM city.grids u WHERE ST_Intersects(u.geom, o.geom)) AS grid_of_order "
            "FROM city.order_points o JOIN unnest(%s::bigint[], %s::text[]) AS t(fid, ts) ON t.fid = o.fid;"
            "ALTER TABLE city.orders_ts ADD PRIMARY KEY (fid)",
            ([r[0] for r in rows], texts),
        )
    connection.close()
    return server


def frame_of(layer) -> pd.DataFrame:
    names = layer.fields().names()
    return pd.DataFrame([dict(zip(names, f.attributes())) for f in layer.getFeatures()]).set_index("fid").sort_index()


@pytest.mark.parametrize("period", [1, 0])  # month, week
def test_gridstats_in_postgis_matches_the_engine(timed_orders, authcfg, gridgov_provider, period):
    server = timed_orders
    orders = pg_layer(server, "orders_ts", authcfg)
    grids = pg_layer(server, "grids", authcfg)
    params = {
        "GRIDS": grids, "CATEGORY_FIELD": "class_code", "TIME_FIELD": "reported_ts", "PERIOD": period,
        "REPEAT_FIELD": "is_repeat", "POPULATION_FIELD": "households", "OUTPUT": "TEMPORARY_OUTPUT",
    }  # fmt: skip
    n_orders = orders.featureCount()
    feedback = LogFeedback()
    in_db = processing.run("gridgov:gridstats", {**params, "INPUT": orders}, feedback=feedback)
    assert any("Running in PostGIS" in line for line in feedback.lines), feedback.lines
    in_engine = _engine_run("gridgov:gridstats", orders, params)
    db = frame_of(_as_layer(in_db["OUTPUT"]))
    engine = frame_of(_as_layer(in_engine["OUTPUT"]))
    assert list(db.columns) == list(engine.columns)
    assert len(db) == len(engine) == grids.featureCount()
    assert db["cnt_total"].sum() > 0.9 * n_orders
    assert (db["cur_cnt"] > 0).any() and db["perc_chg"].notna().any()
    for column in db.columns:
        a, b = db[column], engine[column]
        if pd.api.types.is_numeric_dtype(b) or column.startswith(
            ("cnt_", "per_", "cur_cnt", "prev_", "diff_", "perc_", "repeat_")
        ):
            a = pd.to_numeric(a, errors="coerce").to_numpy(float)
            b = pd.to_numeric(b, errors="coerce").to_numpy(float)
            assert np.array_equal(np.isnan(a), np.isnan(b)), column
            assert np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], atol=1e-9), column
        else:
            assert (a.astype(str) == b.astype(str)).all(), column


def _engine_run(algorithm: str, layer, params: dict) -> dict:
    """The same PostGIS rows through the engine: a selection keeps the run out of the database."""
    QgsProject.instance().addMapLayer(layer)
    layer.selectAll()
    try:
        feedback = LogFeedback()
        source = QgsProcessingFeatureSourceDefinition(layer.id(), True)
        result = processing.run(algorithm, {**params, "INPUT": source}, feedback=feedback)
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    assert any("Running in the engine" in line for line in feedback.lines)
    return result


def _as_layer(value, provider: str = "ogr") -> QgsVectorLayer:
    if isinstance(value, QgsVectorLayer):
        return value
    if value.startswith("postgres://"):
        return QgsVectorLayer(value[len("postgres://") :], "db", "postgres")
    return QgsVectorLayer(value, "engine", provider)


def test_findrepeats_in_postgis_matches_the_engine(timed_orders, authcfg, gridgov_provider):
    server = timed_orders
    params = {
        "CATEGORY_FIELD": "class_code", "TIME_FIELD": "reported_ts", "DISTANCE": 300.0, "DAYS": 20.0,
        "GRID_FIELD": "grid_of_order", "OUTPUT": "TEMPORARY_OUTPUT", "RATES": "TEMPORARY_OUTPUT",
    }  # fmt: skip
    feedback = LogFeedback()
    in_db = processing.run(
        "gridgov:findrepeats", {**params, "INPUT": pg_layer(server, "orders_ts", authcfg)}, feedback=feedback
    )
    assert any("Running in PostGIS" in line for line in feedback.lines), feedback.lines
    in_engine = _engine_run("gridgov:findrepeats", pg_layer(server, "orders_ts", authcfg), params)
    assert in_db["CASES"] == in_engine["CASES"]
    db = frame_of(_as_layer(in_db["OUTPUT"]))
    engine = frame_of(_as_layer(in_engine["OUTPUT"]))
    assert len(db) == len(engine) == pg_layer(server, "orders_ts", authcfg).featureCount()
    assert (engine["repeat_count"] > 1).sum() > 100  # the rule is exercised: many cases hold several orders
    for column in ("case_id", "repeat_count", "is_repeat", "repeat_problem"):
        a, b = db[column].astype(str).replace({"NULL": ""}), engine[column].astype(str).replace({"NULL": ""})
        assert (a == b).all(), f"{column}:\n{pd.DataFrame({'db': a, 'engine': b})[a != b].head()}"
    first_db = pd.to_datetime(db["first_seen"].map(lambda v: v.toString("yyyy-MM-ddTHH:mm:ss") if v else None))
    first_engine = pd.to_datetime(engine["first_seen"].map(lambda v: v.toString("yyyy-MM-ddTHH:mm:ss") if v else None))
    assert first_db.equals(first_engine)
    rates_db = frame_rates(_as_layer(in_db["RATES"]))
    rates_engine = frame_rates(_as_layer(in_engine["RATES"]))
    assert rates_db.equals(rates_engine)


def frame_rates(layer) -> pd.DataFrame:
    names = layer.fields().names()
    frame = pd.DataFrame([dict(zip(names, f.attributes())) for f in layer.getFeatures()])
    # a GeoPackage output (the engine's temporary outputs are written as one) shows its storage key as a
    # field "fid": not one of the table's columns
    frame = frame.drop(columns=[c for c in ("fid",) if c in frame.columns])
    return frame.astype({"orders": int, "cases": int, "repeat_orders": int}).set_index("grid_of_order").sort_index()


def test_orders_partitioned_by_month_run_in_postgis(timed_orders, authcfg, gridgov_provider):
    """A month-partitioned orders table (primary key: fid and the month's column) is used as it is."""
    server = timed_orders
    connection = server.connect()
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS city.orders_by_month CASCADE;"
            "CREATE TABLE city.orders_by_month (LIKE city.orders_ts, PRIMARY KEY (fid, reported_ts)) "
            "PARTITION BY RANGE (reported_ts);"
            "DO $$ DECLARE m date; BEGIN FOR m IN SELECT DISTINCT date_trunc('month', reported_ts)::date "
            "FROM city.orders_ts WHERE reported_ts IS NOT NULL LOOP EXECUTE format("
            "'CREATE TABLE city.%I PARTITION OF city.orders_by_month FOR VALUES FROM (%L) TO (%L)', "
            "'orders_' || to_char(m, 'YYYY_MM'), m, m + interval '1 month'); END LOOP; END $$;"
            "INSERT INTO city.orders_by_month SELECT * FROM city.orders_ts WHERE reported_ts IS NOT NULL;"
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'city.orders_by_month'::regclass"
        )
        assert cursor.fetchone()[0] >= 3
    connection.close()
    layers = {k: pg_layer(server, v, authcfg) for k, v in (("GRIDS", "grids"), ("DEDICATED", "dedicated_grids"))}
    feedback = LogFeedback()
    placed = processing.run(
        "gridgov:geolocate",
        {"INPUT": pg_layer(server, "orders_by_month", authcfg), **layers, "OUTPUT": "TEMPORARY_OUTPUT"},
        feedback=feedback,
    )
    assert any("Running in PostGIS" in line for line in feedback.lines), feedback.lines
    assert placed["ROWS_OUT"] == pg_layer(server, "orders_by_month", authcfg).featureCount() > 2000
    feedback = LogFeedback()
    stats = processing.run(
        "gridgov:gridstats",
        {
            "INPUT": pg_layer(server, "orders_by_month", authcfg), "GRIDS": layers["GRIDS"],
            "TIME_FIELD": "reported_ts", "OUTPUT": "TEMPORARY_OUTPUT",
        },
        feedback=feedback,
    )  # fmt: skip
    assert any("Running in PostGIS" in line for line in feedback.lines), feedback.lines
    counted = sum(
        f["cnt_total"] for f in QgsVectorLayer(stats["OUTPUT"][len("postgres://") :], "s", "postgres").getFeatures()
    )
    assert counted == placed["ROWS_OUT"] - sum(
        1
        for f in QgsVectorLayer(placed["OUTPUT"][len("postgres://") :], "p", "postgres").getFeatures()
        if f["grid_code"] in ("", None) or f["match_method"] == "nearest"
    )
