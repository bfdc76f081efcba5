"""``gridgov:geolocate``: every work order or inspection report to the unit responsible for it.

The parameters are parsed once into the engine's ``GeolocateRequest``; the PostGIS backend
(``layers/backends/postgis/geolocate_db.py``) takes that same request when every input is a table of one
database, else the engine places the orders part by part (``placement.Placement``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pandas as pd
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFileDestination,
)

from gridgov.grid_ops.orders.gazetteer import DEFAULT_THRESHOLD
from gridgov.grid_ops.responsibility.geolocate import DEFAULT_TOLERANCE, Hierarchy
from gridgov.grid_ops.responsibility.placement import (
    OrderColumns,
    Placement,
    placed_and_not,
    unit_hierarchy,
    working_crs,
)
from gridgov.grid_ops.responsibility.request import GeolocateRequest
from gridgov.grid_ops.schema import GRID_CODE, MATCH_METHOD, PROBLEM
from gridgov.layers.io.columns import log_renames, source_renames
from gridgov.layers.io.orders_input import (
    OrdersInput,
    order_field,
    point_xy,
    read_orders_parts,
    to_working_crs,
)
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.point_columns import carry_points
from gridgov.layers.outputs.run_outputs import RowSink, staged_path, write_frame
from gridgov.layers.parameters.declare import Param, field, number, number_output, sink, source, text
from gridgov.layers.parameters.orders_file import orders_file_family
from gridgov.layers.parameters.unit_layers import read_class_cases, read_table, unit_frames, unit_layers_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.cancel import raise_cancelled
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

#: Orders placed per part: each part is read, placed and written before the next is read, so a table of
#: ten million orders is never held whole (measured: about 3 GB in QGIS for 10 million, docs/scaling.md).
ORDERS_PART = 250_000
#: The order fields: parameter, label, and the column they name (``OrderColumns``, ``guess_order_fields``).
ORDER_FIELDS = (
    ("X_FIELD", tr_noop("X / longitude field"), "x"),
    ("Y_FIELD", tr_noop("Y / latitude field"), "y"),
    ("COORD_SYS_FIELD", tr_noop("Coordinate system field (per row)"), "coord_sys"),
    ("ADDRESS_FIELD", tr_noop("Address field"), "address"),
    ("CATEGORY_FIELD", tr_noop("Class case field"), "category"),
)
POINTS = [QgsProcessing.SourceType.TypeVectorPoint]


def coverage_sink() -> Param:
    """COVERAGE, an output written only when asked for: the request holds whether it is."""
    declared = sink(
        "COVERAGE",
        tr_noop("Inspector coverage"),
        QgsProcessing.SourceType.TypeVector,
        optional=True,
        create_by_default=False,
    )
    return dataclasses.replace(declared, read=lambda alg, parameters, context: parameters.get("COVERAGE") is not None)


def dispatch_file() -> Param:
    """DISPATCH, a file destination whose path the request holds (the engine writes the dispatch
    table), unlike ``declare.file_destination``, whose path the writer asks for."""
    return Param(
        "DISPATCH",
        lambda: QgsProcessingParameterFileDestination(
            "DISPATCH",
            tr("Dispatch table"),
            tr("Excel (*.xlsx);;CSV (*.csv)"),
            optional=True,
            createByDefault=False,
        ),
        lambda alg, parameters, context: alg.parameterAsFileOutput(parameters, "DISPATCH", context),
    )


class GeolocateAlgorithm(DeclaredAlgorithm):
    NAME = "geolocate"
    DISPLAY = "Geolocate orders to grids"
    GROUP_ID = "orders"
    GROUP = "Work orders"
    HELP = (
        "Places every work order (or inspection report) in the unit responsible for it and writes every input row "
        "exactly once, with grid_code, micro_code, dedicated_code, community_code, street_code, the responsible unit "
        "(resp_level, resp_code, responsible, resp_phone, team_id, street_office), match_method, on_boundary, "
        "overlap, distance_m and a problem text.\n\n"
        "Orders: a layer (points, or a table with X_FIELD / Y_FIELD) or a file in INPUT_FILE (CSV in UTF-8, UTF-8 "
        "with BOM or GBK/GB18030, XLSX, Open311 GeoReport v2 JSON). COORD_SYS is wgs84, gcj02, bd09, cgcs2000 or "
        "EPSG:n for all rows; COORD_SYS_FIELD gives it per row. Rows without coordinates are matched by ADDRESS_FIELD "
        "against the GAZETTEER (exact, normalised, fuzzy ≥ ADDRESS_THRESHOLD); below it they are 'unlocated' with "
        "the best candidates listed.\n\n"
        "Responsibility: the dedicated grid of highest priority (lowest PRIORITY_FIELD) that takes the order's class "
        "case (CASES_FIELD lists case groups or class codes; empty = all), else the micro-grid, grid, community, "
        "street. A point on an edge shared by grids goes to the grid holding the point moved 1 mm east and 0.5 mm "
        "north (then the lowest code) and is flagged on_boundary. A point inside overlapping grids (a data error) "
        "goes to the lowest code among the grids holding it in their interior, codes of digits compared as numbers; "
        "overlap names the grids and the problem points at Validate grids. Outside every grid but within "
        "TOLERANCE metres: the nearest grid (match_method nearest). Further: unassigned, with distance_m. No usable "
        "position: invalid, and "
        "the problem names the field.\n\n"
        "Inspection reports: set OWN_GRID_FIELD (the inspector's own grid) to flag outside_own, and INSPECTOR_FIELD "
        "to write each inspector's coverage of their grid to COVERAGE.\n\n"
        "DISPATCH writes the dispatch table per responsible unit (.xlsx or .csv).\n\n"
        "Example: demo city orders: INPUT orders, X_FIELD x, Y_FIELD y, COORD_SYS_FIELD coord_sys, ADDRESS_FIELD "
        "address, CATEGORY_FIELD class_code, GRIDS grids, MICROGRIDS microgrids, DEDICATED dedicated_grids, "
        "GAZETTEER addresses, ROSTER roster."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Orders layer"), optional=True),
        orders_file_family(),
        *(field(name, label, "INPUT") for name, label, _ in ORDER_FIELDS),
        text("COORD_SYS", tr_noop("Coordinate system of all rows (wgs84, gcj02, bd09, cgcs2000, EPSG:n)")),
        unit_layers_family(),
        field(
            "MICRO_PARENT_FIELD",
            tr_noop("Micro-grid field holding its grid's code"),
            "MICROGRIDS",
            GRID_CODE,
            advanced=True,
            fallback=True,
        ),
        field(
            "PRIORITY_FIELD",
            tr_noop("Dedicated grid priority field (1 = highest)"),
            "DEDICATED",
            "priority",
            advanced=True,
            fallback=True,
        ),
        field(
            "CASES_FIELD",
            tr_noop("Dedicated grid class cases field"),
            "DEDICATED",
            "case_groups",
            advanced=True,
            fallback=True,
        ),
        source("GAZETTEER", tr_noop("Gazetteer of standard addresses (points)"), POINTS, optional=True),
        field("GAZETTEER_FIELD", tr_noop("Gazetteer address field"), "GAZETTEER", "address", fallback=True),
        source("ROSTER", tr_noop("Roster (grid managers)"), optional=True),
        dataclasses.replace(
            source("TAXONOMY", tr_noop("Class-case table (class_code, case_group)"), optional=True), advanced=True
        ),
        number(
            "TOLERANCE", tr_noop("Nearest-grid tolerance (metres, whatever the grids' CRS)"), DEFAULT_TOLERANCE, 0.0
        ),
        dataclasses.replace(
            number("ADDRESS_THRESHOLD", tr_noop("Address match threshold (0-1)"), DEFAULT_THRESHOLD, 0.0, 1.0),
            advanced=True,
        ),
        field("OWN_GRID_FIELD", tr_noop("Inspection reports: inspector's own grid field"), "INPUT"),
        field("INSPECTOR_FIELD", tr_noop("Inspection reports: inspector field"), "INPUT"),
        sink("OUTPUT", tr_noop("Placed orders"), QgsProcessing.SourceType.TypeVectorPoint),
        coverage_sink(),
        dispatch_file(),
    )
    OUTPUTS = (
        number_output("ROWS_IN", tr_noop("Rows read")),
        number_output("ROWS_OUT", tr_noop("Rows written")),
        number_output("PLACED", tr_noop("Rows placed")),
        number_output("NOT_PLACED", tr_noop("Rows not placed")),
    )
    REQUEST = GeolocateRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.layers.backends.postgis.backend import in_database

        request: GeolocateRequest = self.request(parameters, context)
        results = in_database("geolocate", self, parameters, context, feedback, request)
        if results is not None:
            return results
        return geolocate_in_engine(self, parameters, context, feedback, request)


def geolocate_in_engine(alg, parameters, context, feedback, request: GeolocateRequest) -> dict:
    """Every order placed by the engine and written, with the dispatch table and the inspectors'
    coverage when asked for.

    A layer is placed part by part (``ORDERS_PART`` rows): each row is placed on its own, so the
    orders of a large database table never sit in memory all at once.
    """
    parts = read_orders_parts(alg, parameters, context, feedback, "INPUT", "INPUT_FILE", ORDERS_PART)
    orders = next(parts)
    columns, guessed = order_columns(request, orders, feedback)
    hierarchy, work_crs = read_units(alg, parameters, context, feedback, request)
    gazetteer, gazetteer_xy = read_gazetteer(alg, parameters, context, request, work_crs)
    feedback.setProgress(10)
    if feedback.isCanceled():
        raise_cancelled()
    placing = Placement(request, columns, hierarchy, work_crs, gazetteer, gazetteer_xy)
    written = place_parts(alg, parameters, context, feedback, placing, orders, parts)
    results = written.close(context, feedback)
    if request.wants_coverage:
        coverage = placing.coverage(written.for_coverage)
        crs = QgsCoordinateReferenceSystem()
        results["COVERAGE"] = write_frame(alg, parameters, "COVERAGE", context, coverage, crs, feedback)
    if request.dispatch:
        results["DISPATCH"] = write_dispatch(written.for_dispatch, request.dispatch, columns, guessed, feedback)
    return results


def order_columns(request: GeolocateRequest, orders: OrdersInput, feedback) -> tuple[OrderColumns, dict]:
    """The columns the request names, else those guessed from the orders' column names (a point
    layer's positions come from its geometry unless fields are chosen), and the guesses."""
    from gridgov.grid_ops.orders.ordertable import guess_order_fields

    frame = orders.frame
    guessed = guess_order_fields(frame.columns).as_dict()
    if orders.xy is not None:
        guessed.update(x=None, y=None, coord_sys=None)
    chosen = {
        key: order_field(name, getattr(request, name.lower()), frame, guessed[key]) for name, _, key in ORDER_FIELDS
    }
    system = coordinate_system(request, orders, chosen["x"])
    for key, value in chosen.items():
        feedback.pushInfo(f"{key} ← {value or '—'}")
    if not chosen["coord_sys"]:
        feedback.pushInfo(tr("coordinate system of all rows: {0}").format(system))
    columns = OrderColumns(
        x=chosen["x"],
        y=chosen["y"],
        coord_sys=system,
        coord_sys_field=chosen["coord_sys"],
        address=chosen["address"],
        category=chosen["category"],
    )
    return columns, guessed


def coordinate_system(request: GeolocateRequest, orders: OrdersInput, x_field: str | None) -> str:
    """The coordinate system of all rows: COORD_SYS, else a point layer's own CRS (its positions
    taken from the geometry), else WGS 84."""
    from gridgov.grid_ops.orders import coords

    system_text = request.coord_sys.strip()
    if not system_text:
        return orders.crs if (orders.xy is not None and not x_field) else "wgs84"
    try:
        return coords.normalise_coord_sys(system_text)
    except coords.CoordSysError as err:
        raise QgsProcessingException(tr("COORD_SYS: {0}").format(err)) from err


def read_units(alg, parameters, context, feedback, request: GeolocateRequest) -> tuple[Hierarchy, str]:
    """The unit layers in the working CRS (the grids', or the UTM zone of geographic grids: the
    tolerance is in metres) as the hierarchy, with the roster and the class-case table; and that CRS."""
    frames, code_fields = unit_frames(alg, parameters, context, feedback, request)
    if "grids" not in frames:
        raise QgsProcessingException(tr("GRIDS is required"))
    grids = frames["grids"]
    if grids.crs is None:
        raise QgsProcessingException(tr("The grid layer has no CRS"))
    work_crs = working_crs(grids.crs.to_string(), tuple(grids.total_bounds))
    if work_crs != grids.crs.to_string():
        feedback.pushInfo(tr("The grids are in geographic coordinates; distances are measured in {0}").format(work_crs))
    frames = {k: to_working_crs(v, work_crs) for k, v in frames.items()}
    roster = read_table(alg, parameters, "ROSTER", context)
    taxonomy = read_class_cases(alg, parameters, context)
    return unit_hierarchy(frames, code_fields, request, roster, taxonomy), work_crs


def read_gazetteer(alg, parameters, context, request: GeolocateRequest, work_crs: str) -> tuple:
    """The GAZETTEER's addresses (its field GAZETTEER_FIELD) and their points in ``work_crs``; (None,
    None) without a gazetteer."""
    from gridgov.grid_ops.orders.gazetteer import Gazetteer

    gaz, _ = read_source(alg, parameters, "GAZETTEER", context)
    if gaz is None:
        return None, None
    name = request.gazetteer_field
    if name not in gaz.columns:
        raise QgsProcessingException(tr("GAZETTEER has no field {0!r}").format(name))
    gaz = to_working_crs(gaz, work_crs)
    return Gazetteer(gaz[name]), point_xy(gaz.geometry.values)


@dataclasses.dataclass
class Written:
    """The parts placed and written so far: the sink, the rows per match method, and what the
    dispatch table and the inspectors' coverage keep of them."""

    placing: Placement
    sink: RowSink | None = None
    counts: Counter = dataclasses.field(default_factory=Counter)
    rows_in: int = 0
    warned: int = 0
    for_dispatch: list = dataclasses.field(default_factory=list)
    for_coverage: list = dataclasses.field(default_factory=list)

    def add(self, frame: pd.DataFrame, placed: pd.DataFrame, out: pd.DataFrame, feedback) -> None:
        """One part written, counted, its first problems logged (20 in all), and kept where asked."""
        self.sink.write(out)
        self.rows_in += len(frame)
        self.counts.update(placed[MATCH_METHOD])
        problems = placed.index[placed[PROBLEM] != ""]
        for row in problems[: max(0, 20 - self.warned)]:
            feedback.pushWarning(tr("row {0}: {1}").format(row + 1, placed.at[row, PROBLEM]))
        self.warned += len(problems)
        if self.placing.request.dispatch:
            self.for_dispatch.append(pd.DataFrame(out))
        kept = self.placing.for_coverage(placed, frame)
        if kept is not None:
            self.for_coverage.append(kept)

    def close(self, context, feedback) -> dict:
        """The output checked (every row landed) and styled, with the counts of the run."""
        for method, count in sorted(self.counts.items()):
            feedback.pushInfo(f"{method}: {count}")
        rows_out = self.sink.close(self.rows_in)  # counted in the output: a row it refused fails the run, named
        dest = self.sink.dest  # after close: a temporary output's layer id
        StyleOnLoad.attach(context, dest, "placed_orders", tr("Placed orders"), events=True)
        placed, not_placed = placed_and_not(self.counts)
        return {
            "OUTPUT": dest,
            "ROWS_IN": self.rows_in,
            "ROWS_OUT": rows_out,
            "PLACED": placed,
            "NOT_PLACED": not_placed,
        }


def place_parts(alg, parameters, context, feedback, placing: Placement, orders: OrdersInput, parts) -> Written:
    """Every part of the orders placed and written (the sink opens with the first), with progress."""
    written = Written(placing)
    crs = QgsCoordinateReferenceSystem(placing.target_crs)
    total, like = orders.total, orders.fields
    while orders is not None:
        frame, placed, out = placed_part(placing, orders, written.rows_in, feedback)
        if written.sink is None:
            written.sink = RowSink(alg, parameters, "OUTPUT", context, out, crs, like, results=placed.columns)
        written.add(frame, placed, out, feedback)
        if total > 0:  # -1: the provider has not counted the rows
            feedback.setProgress(10 + 85 * min(1.0, written.rows_in / total))
        if feedback.isCanceled():
            raise_cancelled()
        orders = next(parts, None)
    return written


def placed_part(placing: Placement, orders: OrdersInput, first_row: int, feedback=None) -> tuple:
    """One part of the orders placed: (its rows, the result columns, the output rows with points).

    Rows are numbered over all parts, so a problem names the row of the whole input. Input columns
    named like a result column (whatever the case) are kept as ``<name>_src`` (``_src2`` …).
    """
    try:
        placed = placing.place(orders.frame, orders.xy, first_row)
    except KeyError as err:
        raise QgsProcessingException(str(err)) from err
    frame = orders.frame.set_axis(placed.index)
    renames = source_renames(frame.columns, placed.columns)
    if first_row == 0:
        log_renames(renames, feedback)
    # the output point is (x_located, y_located): carried as those columns, made into geometry only
    # by a writer that needs it (point_columns)
    out = carry_points(frame.rename(columns=renames).join(placed), "x_located", "y_located", placing.target_crs)
    return frame, placed, out


def write_dispatch(kept: list, path: str, columns: OrderColumns, guessed: dict, feedback) -> str:
    """The dispatch table per responsible unit, staged and moved to ``path`` when the run succeeds;
    the first file written."""
    from gridgov.grid_ops.orders import dispatch_table

    extra = [c for c in (guessed["order_id"], columns.category, guessed["time"], columns.address) if c]
    staged = staged_path(path)  # moved to path when the run succeeds
    written = dispatch_table.write_dispatch(pd.concat(kept), staged, extra)
    written = [Path(path).parent / Path(p).name for p in written]
    feedback.pushInfo(tr("Dispatch table: {0}").format(", ".join(map(str, written))))
    return str(written[0])
