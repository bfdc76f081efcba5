"""The orders as a file (INPUT_FILE and its SHEET) beside an orders layer (INPUT): declared once for
every algorithm that takes a 12345 export as it comes (geolocate, assessment)."""

from __future__ import annotations

from gridgov.layers.io.orders_input import add_orders_file_parameters
from gridgov.layers.parameters.declare import Family
from gridgov.layers.runtime.translation import tr


def orders_file_family() -> Family:
    """INPUT_FILE and SHEET: the orders as a file, read by the data path (``read_orders_parts``)."""
    return Family(
        lambda alg: add_orders_file_parameters(
            alg,
            "INPUT_FILE",
            tr("…or orders file (CSV, XLSX, Open311 JSON)"),
            tr("Orders (*.csv *.txt *.xlsx *.xls *.json);;All files (*.*)"),
        )
    )
