"""Issue 26's assessment figure, as a user meets it: 1,000,000 orders (a GeoPackage table with the
lifecycle columns as a 12345 export has them, as text) assessed by unit (20,000 grids) and month
through ``processing.run("gridgov:assessment")``, to GeoPackage tables. Target: at most 10 s.

Beside it, the nearest QGIS algorithm: ``qgis:statisticsbycategories`` computing only the handling
hours' statistics per unit and month (given a ready numeric hours column, which the assessment
computes itself from the times), same table in, a GeoPackage table out.

Run with ``make bench``; not part of ``make test``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pyogrio
import pytest
from qgis import processing
from qgis.core import QgsVectorLayer

N = 1_000_000
UNITS = 20_000


@pytest.fixture(scope="module")
def orders(tmp_path_factory):
    rng = np.random.default_rng(26)
    start = np.datetime64("2025-01-01T00:00:00", "s")
    created = start + rng.integers(0, 365 * 86400, N).astype("timedelta64[s]")
    signed = created + (rng.exponential(6 * 3600, N)).astype("timedelta64[s]")
    closed = created + (rng.exponential(60 * 3600, N)).astype("timedelta64[s]")
    due = created + np.timedelta64(7 * 86400, "s")
    open_ = rng.random(N) < 0.03

    def text(times):
        return pd.to_datetime(times).strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object)

    frame = pd.DataFrame(
        {
            "order_id": [f"GD{i:010d}" for i in range(N)],
            "resp_code": np.char.add("4403990", (rng.integers(0, UNITS, N) + 10_000_000).astype(str)).astype(object),
            "class_code": rng.choice(["0101", "0503", "0601", "0602", "0403"], N),
            "受理时间": text(created),
            "签收时间": text(signed),
            "办结时间": np.where(open_, None, text(closed)),
            "办理时限": text(due),
            "办理状态": np.where(open_, "办理中", "办结"),
            "是否解决": rng.choice(["是", "否", "基本解决"], N, p=[0.8, 0.1, 0.1]),
            "满意度": rng.choice(["满意", "基本满意", "不满意", "未评价"], N, p=[0.6, 0.2, 0.1, 0.1]),
            "hours": (closed - created).astype("timedelta64[s]").astype(float) / 3600,
            "month": pd.to_datetime(created).strftime("%Y-%m").to_numpy(dtype=object),
        }
    )
    path = tmp_path_factory.mktemp("assess_bench") / "orders.gpkg"
    pyogrio.write_dataframe(frame, path, layer="orders")
    return path


def test_bench_assessment_of_a_million_orders(orders, gridgov_provider, tmp_path):
    layer = QgsVectorLayer(f"{orders}|layername=orders", "orders", "ogr")
    assert layer.featureCount() == N
    start = time.perf_counter()
    ours = processing.run(
        "gridgov:assessment",
        {"INPUT": layer, "OUTPUT": str(tmp_path / "units.gpkg"), "OVERDUE": str(tmp_path / "overdue.gpkg"),
         "TOPICS": str(tmp_path / "topics.gpkg")},
    )  # fmt: skip
    assessment = time.perf_counter() - start
    start = time.perf_counter()
    processing.run(
        "qgis:statisticsbycategories",
        {"INPUT": layer, "VALUES_FIELD_NAME": "hours", "CATEGORIES_FIELD_NAME": ["resp_code", "month"],
         "OUTPUT": str(tmp_path / "qgis_stats.gpkg")},
    )  # fmt: skip
    qgis_stats = time.perf_counter() - start
    units = pyogrio.read_dataframe(tmp_path / "units.gpkg", read_geometry=False)
    assert units["n_orders"].sum() == N
    print(
        f"\nassessment of {N:,} orders by {UNITS:,} units x month: gridgov:assessment {assessment:.1f} s "
        f"({len(units):,} unit-months, {ours['OVERDUE_COUNT']:,} overdue); qgis:statisticsbycategories on the "
        f"hours alone {qgis_stats:.1f} s (ratio {qgis_stats / assessment:.1f}x)"
    )
    assert assessment <= 10.0
