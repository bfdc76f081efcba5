"""``gridgov:geolocate``: every work order or inspection report to the unit responsible for it."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pandas as pd
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from gridgov.grid_ops.responsibility.geolocate import DEFAULT_TOLERANCE
from gridgov.grid_ops.schema import CLASS_CODE, GRID_CODE, MATCH_METHOD, PROBLEM
from gridgov.layers.orders_input import (
    add_orders_file_parameters,
    point_xy,
    read_orders_parts,
    resolve_field,
    to_working_crs,
)
from gridgov.layers.outputs import RowSink, log_renames, raise_cancelled, source_renames, staged_path
from gridgov.layers.point_columns import carry_points
from gridgov.layers.processing.base import (
    GridGovAlgorithm,
    StyleOnLoad,
    read_source,
    tr,
    write_frame,
)
from gridgov.layers.processing.unit_layers import add_unit_layer_parameters, unit_frames

#: Orders placed per part: each part is read, placed and written before the next is read, so a table of
#: ten million orders is never held whole (measured: about 3 GB in QGIS for 10 million, docs/scaling.md).
ORDERS_PART = 250_000
ORDER_FIELDS = (
    ("X_FIELD", "X / longitude field", "x"),
    ("Y_FIELD", "Y / latitude field", "y"),
    ("COORD_SYS_FIELD", "Coordinate system field (per row)", "coord_sys"),
    ("ADDRESS_FIELD", "Address field", "address"),
    ("CATEGORY_FIELD", "Class case field", "category"),
)


def build_hierarchy(
    frames, code_fields, roster: pd.DataFrame | None, taxonomy: pd.DataFrame | None, parameters, alg, context
):
    from gridgov.grid_ops.responsibility import geolocate

    def layer(param):
        return geolocate.UnitLayer.from_frame(frames[param], code_fields[param]) if param in frames else None

    class_groups = {}
    if taxonomy is not None and {CLASS_CODE, "case_group"} <= set(taxonomy.columns):
        class_groups = dict(zip(taxonomy[CLASS_CODE].astype(str), taxonomy["case_group"].astype(str)))
    if roster is not None:
        key = GRID_CODE if GRID_CODE in roster.columns else roster.columns[0]
        roster = roster.astype(str).drop_duplicates(key).set_index(key)
    return geolocate.Hierarchy(
        grids=layer("GRIDS"),
        micro=layer("MICROGRIDS"),
        dedicated=layer("DEDICATED"),
        communities=layer("COMMUNITIES"),
        streets=layer("STREETS"),
        micro_grid_field=alg.parameterAsString(parameters, "MICRO_PARENT_FIELD", context) or GRID_CODE,
        priority_field=alg.parameterAsString(parameters, "PRIORITY_FIELD", context) or "priority",
        cases_field=alg.parameterAsString(parameters, "CASES_FIELD", context) or "case_groups",
        roster=roster,
        class_groups=class_groups,
    )


def _placed_part(place, orders, first_row: int, own_field: str, work_crs: str, feedback=None):
    """One part of the orders placed: (its rows, the result columns, the output rows with points).

    Rows are numbered over all parts, so a problem names the row of the whole input. Input columns
    named like a result column (whatever the case) are kept as ``<name>_src`` (``_src2`` …).
    """
    from gridgov.grid_ops.responsibility import inspections

    try:
        placed = place(orders.frame, geometry_xy=orders.xy)
    except KeyError as err:
        raise QgsProcessingException(str(err)) from err
    placed.index = pd.RangeIndex(first_row, first_row + len(orders.frame))
    frame = orders.frame.set_axis(placed.index)
    if own_field:
        placed["outside_own"] = inspections.outside_own(placed, frame[own_field])
    renames = source_renames(frame.columns, placed.columns)
    if first_row == 0:
        log_renames(renames, feedback)
    # the output point is (x_located, y_located): carried as those columns, made into geometry only
    # by a writer that needs it (point_columns)
    out = carry_points(frame.rename(columns=renames).join(placed), "x_located", "y_located", work_crs)
    return frame, placed, out


class GeolocateAlgorithm(GridGovAlgorithm):
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
    INPUT, INPUT_FILE, COORD_SYS, GAZETTEER, GAZETTEER_FIELD = (
        "INPUT",
        "INPUT_FILE",
        "COORD_SYS",
        "GAZETTEER",
        "GAZETTEER_FIELD",
    )
    ROSTER, TAXONOMY, TOLERANCE, ADDRESS_THRESHOLD = "ROSTER", "TAXONOMY", "TOLERANCE", "ADDRESS_THRESHOLD"
    OWN_GRID_FIELD, INSPECTOR_FIELD = "OWN_GRID_FIELD", "INSPECTOR_FIELD"
    OUTPUT, COVERAGE, DISPATCH = "OUTPUT", "COVERAGE", "DISPATCH"
    ROWS_IN, ROWS_OUT, PLACED, NOT_PLACED = "ROWS_IN", "ROWS_OUT", "PLACED", "NOT_PLACED"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        any_vector = [QgsProcessing.SourceType.TypeVector]
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, tr("Orders layer"), any_vector, optional=True)
        )
        add_orders_file_parameters(
            self,
            self.INPUT_FILE,
            tr("…or orders file (CSV, XLSX, Open311 JSON)"),
            tr("Orders (*.csv *.txt *.xlsx *.xls *.json);;All files (*.*)"),
        )
        for name, label, _ in ORDER_FIELDS:
            self.addParameter(
                QgsProcessingParameterField(name, tr(label), parentLayerParameterName=self.INPUT, optional=True)
            )
        self.addParameter(
            QgsProcessingParameterString(
                self.COORD_SYS,
                tr("Coordinate system of all rows (wgs84, gcj02, bd09, cgcs2000, EPSG:n)"),
                optional=True,
            )
        )
        add_unit_layer_parameters(self)
        for name, label, default, parent in (
            ("MICRO_PARENT_FIELD", "Micro-grid field holding its grid's code", GRID_CODE, "MICROGRIDS"),
            ("PRIORITY_FIELD", "Dedicated grid priority field (1 = highest)", "priority", "DEDICATED"),
            ("CASES_FIELD", "Dedicated grid class cases field", "case_groups", "DEDICATED"),
        ):
            param = QgsProcessingParameterField(
                name, tr(label), default, parentLayerParameterName=parent, optional=True
            )
            param.setFlags(param.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(param)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.GAZETTEER,
                tr("Gazetteer of standard addresses (points)"),
                [QgsProcessing.SourceType.TypeVectorPoint],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.GAZETTEER_FIELD,
                tr("Gazetteer address field"),
                "address",
                parentLayerParameterName=self.GAZETTEER,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.ROSTER, tr("Roster (grid managers)"), any_vector, optional=True)
        )
        taxonomy = QgsProcessingParameterFeatureSource(
            self.TAXONOMY, tr("Class-case table (class_code, case_group)"), any_vector, optional=True
        )
        taxonomy.setFlags(taxonomy.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(taxonomy)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.TOLERANCE,
                tr("Nearest-grid tolerance (metres, whatever the grids' CRS)"),
                QgsProcessingParameterNumber.Type.Double,
                DEFAULT_TOLERANCE,
                minValue=0.0,
            )
        )
        threshold = QgsProcessingParameterNumber(
            self.ADDRESS_THRESHOLD,
            tr("Address match threshold (0-1)"),
            QgsProcessingParameterNumber.Type.Double,
            0.85,
            minValue=0.0,
            maxValue=1.0,
        )
        threshold.setFlags(threshold.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(threshold)
        for name, label in (
            (self.OWN_GRID_FIELD, "Inspection reports: inspector's own grid field"),
            (self.INSPECTOR_FIELD, "Inspection reports: inspector field"),
        ):
            self.addParameter(
                QgsProcessingParameterField(name, tr(label), parentLayerParameterName=self.INPUT, optional=True)
            )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Placed orders"), QgsProcessing.SourceType.TypeVectorPoint
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.COVERAGE,
                tr("Inspector coverage"),
                QgsProcessing.SourceType.TypeVector,
                optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.DISPATCH,
                tr("Dispatch table"),
                tr("Excel (*.xlsx);;CSV (*.csv)"),
                optional=True,
                createByDefault=False,
            )
        )
        for name, label in (
            (self.ROWS_IN, "Rows read"),
            (self.ROWS_OUT, "Rows written"),
            (self.PLACED, "Rows placed"),
            (self.NOT_PLACED, "Rows not placed"),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, tr(label)))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.layers.postgis.backend import in_database

        results = in_database("geolocate", self, parameters, context, feedback)
        if results is not None:
            return results
        return self._in_engine(parameters, context, feedback)

    def _in_engine(self, parameters, context, feedback):
        from gridgov.grid_ops.orders import coords, dispatch_table
        from gridgov.grid_ops.orders.gazetteer import Gazetteer
        from gridgov.grid_ops.orders.ordertable import guess_order_fields
        from gridgov.grid_ops.responsibility import inspections, placement

        # a layer is placed part by part: each row is placed on its own, so the orders of a large
        # database table never sit in memory all at once
        parts = read_orders_parts(self, parameters, context, feedback, self.INPUT, self.INPUT_FILE, ORDERS_PART)
        orders = next(parts)
        frame = orders.frame
        guessed = guess_order_fields(frame.columns).as_dict()
        if orders.xy is not None:  # a point layer: positions come from the geometry unless fields are chosen
            guessed.update(x=None, y=None, coord_sys=None)
        chosen = {
            key: resolve_field(self, parameters, name, context, frame, guessed[key]) for name, _, key in ORDER_FIELDS
        }
        system_text = self.parameterAsString(parameters, self.COORD_SYS, context).strip()
        if system_text:
            try:
                system = coords.normalise_coord_sys(system_text)
            except coords.CoordSysError as err:
                raise QgsProcessingException(tr("COORD_SYS: {0}").format(err)) from err
        else:
            system = orders.crs if (orders.xy is not None and not chosen["x"]) else "wgs84"
        for key, value in chosen.items():
            feedback.pushInfo(f"{key} ← {value or '—'}")
        if not chosen["coord_sys"]:
            feedback.pushInfo(tr("coordinate system of all rows: {0}").format(system))

        frames, code_fields = unit_frames(self, parameters, context, feedback)
        if "GRIDS" not in frames:
            raise QgsProcessingException(tr("GRIDS is required"))
        grids = frames["GRIDS"]
        if grids.crs is None:
            raise QgsProcessingException(tr("The grid layer has no CRS"))
        work_crs = placement.working_crs(grids.crs.to_string(), tuple(grids.total_bounds))
        if work_crs != grids.crs.to_string():
            feedback.pushInfo(
                tr("The grids are in geographic coordinates; distances are measured in {0}").format(work_crs)
            )
        frames = {k: to_working_crs(v, work_crs) for k, v in frames.items()}
        roster = self._table(parameters, self.ROSTER, context)
        taxonomy = self._table(parameters, self.TAXONOMY, context)
        if taxonomy is None:
            from gridgov.grid_ops.runtime.paths import resource_path

            taxonomy = pd.read_csv(resource_path("taxonomy", "class_cases.csv"), dtype=str)
        hierarchy = build_hierarchy(frames, code_fields, roster, taxonomy, parameters, self, context)

        gazetteer = gazetteer_xy = None
        gaz, _ = read_source(self, parameters, self.GAZETTEER, context)
        if gaz is not None:
            field = self.parameterAsString(parameters, self.GAZETTEER_FIELD, context) or "address"
            if field not in gaz.columns:
                raise QgsProcessingException(tr("GAZETTEER has no field {0!r}").format(field))
            gaz = to_working_crs(gaz, work_crs)
            gazetteer = Gazetteer(gaz[field])
            gazetteer_xy = point_xy(gaz.geometry.values)
        feedback.setProgress(10)
        if feedback.isCanceled():
            raise_cancelled()
        columns = placement.OrderColumns(
            x=chosen["x"],
            y=chosen["y"],
            coord_sys=system,
            coord_sys_field=chosen["coord_sys"],
            address=chosen["address"],
            category=chosen["category"],
        )
        own_field = self.parameterAsString(parameters, self.OWN_GRID_FIELD, context)
        inspector_field = self.parameterAsString(parameters, self.INSPECTOR_FIELD, context)
        want_coverage = bool(
            inspector_field and own_field and self.COVERAGE in parameters and parameters[self.COVERAGE] is not None
        )
        dispatch_path = self.parameterAsFileOutput(parameters, self.DISPATCH, context)
        total, like = orders.total, orders.fields
        crs = QgsCoordinateReferenceSystem(work_crs)
        counts: Counter = Counter()
        rows_in = warned = 0
        sink = None
        kept_for_dispatch, kept_for_coverage = [], []
        place = functools.partial(
            placement.place_orders,
            columns=columns,
            hierarchy=hierarchy,
            target_crs=work_crs,
            gazetteer=gazetteer,
            gazetteer_xy=gazetteer_xy,
            tolerance=self.parameterAsDouble(parameters, self.TOLERANCE, context),
            address_threshold=self.parameterAsDouble(parameters, self.ADDRESS_THRESHOLD, context),
        )
        while orders is not None:
            frame, placed, out = _placed_part(place, orders, rows_in, own_field, work_crs, feedback)
            if sink is None:
                sink = RowSink(self, parameters, self.OUTPUT, context, out, crs, like, results=placed.columns)
            sink.write(out)
            rows_in += len(frame)
            counts.update(placed[MATCH_METHOD])
            problems = placed.index[placed[PROBLEM] != ""]
            for row in problems[: max(0, 20 - warned)]:
                feedback.pushWarning(tr("row {0}: {1}").format(row + 1, placed.at[row, PROBLEM]))
            warned += len(problems)
            if dispatch_path:
                kept_for_dispatch.append(pd.DataFrame(out))
            if want_coverage:
                kept_for_coverage.append(
                    placed.assign(_inspector=frame[inspector_field].to_numpy(), _own=frame[own_field].to_numpy())
                )
            if total > 0:  # -1: the provider has not counted the rows
                feedback.setProgress(10 + 85 * min(1.0, rows_in / total))
            if feedback.isCanceled():
                raise_cancelled()
            orders = next(parts, None)
        for method, count in sorted(counts.items()):
            feedback.pushInfo(f"{method}: {count}")
        rows_out = sink.close(rows_in)  # counted in the output: a row it refused fails the run, named
        dest = sink.dest  # after close: a temporary output's layer id
        StyleOnLoad.attach(context, dest, "placed_orders", tr("Placed orders"), events=True)
        results = {
            self.OUTPUT: dest,
            self.ROWS_IN: rows_in,
            self.ROWS_OUT: rows_out,
            self.PLACED: int(sum(counts[m] for m in ("inside", "boundary", "nearest", "address"))),
            self.NOT_PLACED: int(sum(counts[m] for m in ("unlocated", "unassigned", "invalid"))),
        }
        if want_coverage:
            placed = pd.concat(kept_for_coverage)
            coverage = inspections.inspector_coverage(
                placed, placed["_inspector"], placed["_own"], placed["x_located"], placed["y_located"], hierarchy
            )
            results[self.COVERAGE] = write_frame(
                self, parameters, self.COVERAGE, context, coverage, QgsCoordinateReferenceSystem(), feedback
            )
        if dispatch_path:
            extra = [c for c in (guessed["order_id"], chosen["category"], guessed["time"], chosen["address"]) if c]
            staged = staged_path(dispatch_path)  # moved to dispatch_path when the run succeeds
            written = dispatch_table.write_dispatch(pd.concat(kept_for_dispatch), staged, extra)
            written = [Path(dispatch_path).parent / Path(p).name for p in written]
            feedback.pushInfo(tr("Dispatch table: {0}").format(", ".join(map(str, written))))
            results[self.DISPATCH] = str(written[0])
        return results

    def _table(self, parameters, name, context) -> pd.DataFrame | None:
        frame, _ = read_source(self, parameters, name, context)
        if frame is None:
            return None
        return pd.DataFrame(frame.drop(columns=[frame.geometry.name, "_fid"]))
