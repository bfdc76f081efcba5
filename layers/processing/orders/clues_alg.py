"""``gridgov:clues``: internet posts (未诉先办 clues) placed, classified and checked against the orders."""

from __future__ import annotations

import dataclasses

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessing, QgsProcessingException

from gridgov.grid_ops.clues.engine import CluesRequest, Existing, read_clues
from gridgov.grid_ops.clues.places import PlaceBook
from gridgov.grid_ops.orders import coords
from gridgov.grid_ops.orders.classify import Taxonomy
from gridgov.grid_ops.responsibility.geolocate import DEFAULT_TOLERANCE
from gridgov.grid_ops.responsibility.request import GeolocateRequest, UnitCodeFields
from gridgov.grid_ops.schema import CLASS_CODE, REPORTED_AT
from gridgov.layers.io.columns import keep_input_columns
from gridgov.layers.io.orders_input import point_xy, read_orders_input, to_working_crs
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.point_columns import carry_points
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import Param, field, number, number_output, sink, source, text
from gridgov.layers.parameters.orders_file import orders_file_family
from gridgov.layers.parameters.unit_layers import read_class_cases, unit_layers_family
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.processing.orders.geolocate_alg import read_units
from gridgov.layers.runtime.cancel import raise_cancelled
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

POINTS = [QgsProcessing.SourceType.TypeVectorPoint]
LINES = [QgsProcessing.SourceType.TypeVectorLine]
#: The output's point columns (the post's place in the grids' CRS).
X_OUT, Y_OUT = "x_located", "y_located"
#: A point layer's own points, as the geotag columns the engine reads (not written out).
GEOTAG_X, GEOTAG_Y = "_geotag_x", "_geotag_y"


def report_problems(table, feedback) -> None:
    """The rows whose time could not be read or whose geotag was unusable, counted in the log with
    the first row named (each row says its own in ``problem`` and ``evidence``)."""
    for label, rows in (
        (tr("posts whose time could not be read"), np.flatnonzero(table["problem"].str.contains("not checked"))),
        (tr("posts whose geotag was unusable"), np.flatnonzero(table["evidence"].str.contains("geotag unusable"))),
    ):
        if len(rows):
            feedback.pushWarning(
                tr("{0} {1}, first row {2}: {3}").format(
                    len(rows), label, rows[0] + 1, table["problem"].iloc[rows[0]] or table["evidence"].iloc[rows[0]]
                )
            )


def advanced(param: Param) -> Param:
    return dataclasses.replace(param, advanced=True)


def place_book_params() -> tuple[Param, ...]:
    """The map's own names: roads, the gazetteer's addresses and estates, the dedicated grids' names
    (declared once for Clues and Class sweep)."""
    return (
        source("ROADS", tr_noop("Roads (named centrelines)"), LINES, optional=True),
        field("ROAD_NAME_FIELD", tr_noop("Road name field"), "ROADS", "name", fallback=True),
        source("GAZETTEER", tr_noop("Gazetteer (points: standard addresses, estates)"), POINTS, optional=True),
        field("GAZETTEER_FIELD", tr_noop("Gazetteer address field"), "GAZETTEER", "address", fallback=True),
        field("PLACE_NAME_FIELD", tr_noop("Gazetteer estate / place name field"), "GAZETTEER", "estate", fallback=True),
    )


def read_place_book(
    alg, parameters, context, request, work_crs: str, landmarks=None, landmark_code_field: str = "", feedback=None
) -> PlaceBook:
    """The book of names from ROADS, GAZETTEER and the landmarks given (in ``work_crs``)."""
    roads, _ = read_source(alg, parameters, "ROADS", context)
    gazetteer, _ = read_source(alg, parameters, "GAZETTEER", context)
    for name, frame, column in (
        ("ROADS", roads, request.road_name_field),
        ("GAZETTEER", gazetteer, request.gazetteer_field),
    ):
        if frame is not None and column not in frame.columns:
            raise QgsProcessingException(tr("{0} has no field {1!r}").format(name, column))
    for frame, column, what in ((gazetteer, request.place_name_field, tr("estates")),
                                (landmarks, request.landmark_name_field, tr("landmarks"))):  # fmt: skip
        if frame is not None and column not in frame.columns and feedback is not None:
            feedback.pushWarning(
                tr("No field {0!r} for the names of {1}: they are not looked for").format(column, what)
            )
    return PlaceBook.build(
        to_working_crs(roads, work_crs),
        request.road_name_field,
        to_working_crs(gazetteer, work_crs),
        request.gazetteer_field,
        request.place_name_field,
        landmarks,
        request.landmark_name_field,
        landmark_code_field,
    )


@dataclasses.dataclass(frozen=True)
class CluesAlgorithmRequest(CluesRequest):
    """The engine's request and what the data path reads: the unit layers' code fields and the names
    of the place layers' fields."""

    code_fields: UnitCodeFields = dataclasses.field(default_factory=UnitCodeFields)
    road_name_field: str = "name"
    gazetteer_field: str = "address"
    place_name_field: str = "estate"
    landmark_name_field: str = "name"


class CluesAlgorithm(DeclaredAlgorithm):
    NAME = "clues"
    DISPLAY = "Internet clues to grids"
    GROUP_ID = "orders"
    GROUP = "Work orders"
    HELP = (
        "未诉先办: reads internet posts (a layer, or a CSV / XLSX / JSON file) and writes every post once, with "
        "clue_status: new_case (a problem nobody reported yet: file it), duplicate_of (the same class within DISTANCE "
        "metres and DAYS days of an existing order or of an earlier post: case_id names that case), unplaced (a "
        "problem whose place cannot be told: candidates lists the grids along the roads it names) or not_a_case. "
        "dup_distance_m and dup_days: how far from the case's report and how many days after it (negative: the "
        "post came first).\n\n"
        "Place: the names the text gives are matched against the map's own: ROADS (and their crossings: 'X与Y交叉口', "
        "'X和Y路口'), the GAZETTEER's addresses (road + house number) and estates (with a building number), the "
        "DEDICATED grids' names (landmarks), with near-misses for typos. A geotag (X_FIELD / Y_FIELD in the system "
        "of COORD_SYS_FIELD: gcj02 from AMap / Tencent apps, bd09 from Baidu) is used where it agrees with the named "
        "place, or alone; evidence says which words matched what, place_confidence how sure the place is.\n\n"
        "Class: the catalogue's keywords, and the learned model trained on the EXISTING orders' texts and classes "
        "when they have them. Responsible unit and person as Geolocate gives them (GRIDS, MICROGRIDS, DEDICATED, "
        "ROSTER).\n\n"
        "Example: demo city: INPUT_FILE the posts (or the posts table), GRIDS grids, MICROGRIDS microgrids, "
        "DEDICATED dedicated_grids, ROADS roads, GAZETTEER addresses, ROSTER roster, EXISTING the placed orders, "
        "DISTANCE 300, DAYS 7."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Posts (table or layer)"), optional=True),
        orders_file_family(),
        field("TEXT_FIELD", tr_noop("Text field"), "INPUT", "text", fallback=True),
        field("TIME_FIELD", tr_noop("Time field"), "INPUT", "posted_at", fallback=True),
        field("X_FIELD", tr_noop("Geotag longitude field"), "INPUT", "lon"),
        field("Y_FIELD", tr_noop("Geotag latitude field"), "INPUT", "lat"),
        field("COORD_SYS_FIELD", tr_noop("Geotag coordinate system field (per row)"), "INPUT", "coord_sys"),
        text("COORD_SYS", tr_noop("Geotag coordinate system of all rows (gcj02, bd09, wgs84, EPSG:n)"), "gcj02"),
        unit_layers_family(),
        field("LANDMARK_NAME_FIELD", tr_noop("Dedicated grid name field"), "DEDICATED", "name", fallback=True),
        *place_book_params(),
        source("EXISTING", tr_noop("Existing orders or cases (points)"), POINTS, optional=True),
        field("EXISTING_CLASS_FIELD", tr_noop("Existing: class case field"), "EXISTING", CLASS_CODE, fallback=True),
        field("EXISTING_TIME_FIELD", tr_noop("Existing: time field"), "EXISTING", REPORTED_AT, fallback=True),
        field("EXISTING_TEXT_FIELD", tr_noop("Existing: text field"), "EXISTING", "description", fallback=True),
        field("EXISTING_ID_FIELD", tr_noop("Existing: case or order id field"), "EXISTING"),
        source("ROSTER", tr_noop("Roster (grid managers)"), optional=True),
        advanced(source("TAXONOMY", tr_noop("Class-case table (class_code, case_group)"), optional=True)),
        number("DISTANCE", tr_noop("Duplicate distance (metres)"), 300.0, 0.01),
        number("DAYS", tr_noop("Duplicate window (days)"), 7.0, 0.0),
        advanced(
            number(
                "NOT_A_CASE_PROBABILITY",
                tr_noop("Model probability of no case from which a post is not a case (0-1)"),
                0.5,
                0.0,
                1.0,
            )
        ),
        advanced(
            number(
                "PLAUSIBLE_PROBABILITY",
                tr_noop("Duplicates: least model probability of an order's class for the post (0-1)"),
                CluesRequest.plausible_probability,
                0.0,
                1.0,
            )
        ),
        advanced(number("AGREE_DISTANCE", tr_noop("Geotag agreement distance (metres)"), 500.0, 0.0)),
        number("TOLERANCE", tr_noop("Nearest-grid tolerance (metres)"), DEFAULT_TOLERANCE, 0.0),
        advanced(text("CASE_PREFIX", tr_noop("Prefix of new case ids"), "XS")),
        sink("OUTPUT", tr_noop("Clues"), QgsProcessing.SourceType.TypeVectorPoint),
    )
    OUTPUTS = (
        number_output("POSTS_IN", tr_noop("Posts read")),
        number_output("POSTS_OUT", tr_noop("Posts written")),
        number_output("NEW_CASES", tr_noop("New cases")),
        number_output("DUPLICATES", tr_noop("Duplicates")),
        number_output("UNPLACED", tr_noop("Unplaced")),
        number_output("NOT_A_CASE", tr_noop("Not a case")),
    )
    REQUEST = CluesAlgorithmRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: CluesAlgorithmRequest = self.request(parameters, context)
        posts, request = self.posts(parameters, context, feedback, request)
        units = GeolocateRequest(code_fields=request.code_fields, tolerance=request.tolerance)
        hierarchy, work_crs = read_units(self, parameters, context, feedback, units)
        landmarks = read_source(self, parameters, "DEDICATED", context)[0]
        book = read_place_book(
            self, parameters, context, request, work_crs, to_working_crs(landmarks, work_crs),
            request.code_fields.dedicated, feedback,
        )  # fmt: skip
        feedback.pushInfo(tr("{0} place names, {1} addresses").format(len(book), len(book.addresses)))
        existing = self.existing(parameters, context, feedback, request, work_crs)
        taxonomy = Taxonomy.from_frame(read_class_cases(self, parameters, context))
        if feedback.isCanceled():
            raise_cancelled()

        def progress(fraction: float, _message: str) -> None:
            feedback.setProgress(10 + 80 * fraction)
            if feedback.isCanceled():
                raise_cancelled()

        result = read_clues(posts, book, hierarchy, work_crs, taxonomy, request, existing, progress)
        report_problems(result.table, feedback)
        return self.written(posts.drop(columns=[GEOTAG_X, GEOTAG_Y], errors="ignore"), result, parameters, context,
                            feedback, work_crs)  # fmt: skip

    def posts(self, parameters, context, feedback, request: CluesAlgorithmRequest):
        """The posts and the request with their geotag resolved: the fields chosen, else the default
        names where the posts have them (a geotag is optional), else a point layer's own points."""
        posts_in = read_orders_input(self, parameters, context, feedback, "INPUT", "INPUT_FILE")
        posts = posts_in.frame
        unset = {
            key: ""
            for key, name in (("x_field", "X_FIELD"), ("y_field", "Y_FIELD"), ("coord_sys_field", "COORD_SYS_FIELD"))
            if not parameters.get(name) and getattr(request, key) not in posts.columns
        }
        request = dataclasses.replace(request, **unset)
        if not request.x_field and not request.y_field and posts_in.xy is not None:
            posts = posts.assign(**{GEOTAG_X: posts_in.xy[:, 0], GEOTAG_Y: posts_in.xy[:, 1]})
            request = dataclasses.replace(
                request, x_field=GEOTAG_X, y_field=GEOTAG_Y, coord_sys=posts_in.crs or "", coord_sys_field=""
            )
            feedback.pushInfo(tr("The posts' own points are their geotags ({0})").format(posts_in.crs))
        missing = request.missing_column(posts.columns)
        if missing:
            raise QgsProcessingException(
                tr("{0}: the posts have no field {1!r} (fields: {2})").format(
                    *missing, ", ".join(map(str, posts.columns))
                )
            )
        if request.x_field and not request.coord_sys_field:
            try:
                coords.normalise_coord_sys(request.coord_sys)
            except coords.CoordSysError as err:
                raise QgsProcessingException(tr("COORD_SYS: {0}").format(err)) from err
        return posts, request

    def existing(self, parameters, context, feedback, request: CluesAlgorithmRequest, work_crs: str):
        """EXISTING in the working CRS with its points; its class and time fields must be there (without
        them no post could be matched), its text field may not (the keywords classify alone then)."""
        frame, _ = read_source(self, parameters, "EXISTING", context)
        if frame is None:
            return None
        for name, column in (("EXISTING_CLASS_FIELD", request.existing_class_field),
                             ("EXISTING_TIME_FIELD", request.existing_time_field)):  # fmt: skip
            if column not in frame.columns:
                raise QgsProcessingException(
                    tr("{0}: EXISTING has no field {1!r} (fields: {2})").format(
                        name, column, ", ".join(c for c in map(str, frame.columns) if c not in ("_fid", "geometry"))
                    )
                )
        if request.existing_text_field not in frame.columns:
            feedback.pushWarning(
                tr(
                    "EXISTING has no text field {0!r}: the posts are classified by the catalogue's keywords only"
                ).format(request.existing_text_field)
            )
        frame = to_working_crs(frame, work_crs)
        xy = point_xy(frame.geometry.values)
        return Existing(
            frame.drop(columns=[c for c in ("_fid", frame.geometry.name) if c in frame.columns]), xy[:, 0], xy[:, 1]
        )

    def written(self, posts, result, parameters, context, feedback, work_crs: str) -> dict:
        out = keep_input_columns(posts, (*result.table.columns, X_OUT, Y_OUT), feedback).copy()
        for column in result.table.columns:
            out[column] = result.table[column].to_numpy()
        out[X_OUT], out[Y_OUT] = result.x, result.y
        frame = carry_points(out, X_OUT, Y_OUT, work_crs)
        dest = write_frame(self, parameters, "OUTPUT", context, frame, QgsCoordinateReferenceSystem(work_crs), feedback)
        StyleOnLoad.attach(context, dest, "clues", tr("Internet clues"))
        counts = result.counts
        feedback.pushInfo(
            tr("{0} posts: {1} new cases, {2} duplicates, {3} unplaced, {4} not a case").format(
                len(out), counts["new_case"], counts["duplicate_of"], counts["unplaced"], counts["not_a_case"]
            )
        )
        return {
            "OUTPUT": dest,
            "POSTS_IN": len(posts),
            "POSTS_OUT": len(out),  # write_frame checked that every row reached the output
            "NEW_CASES": counts["new_case"],
            "DUPLICATES": counts["duplicate_of"],
            "UNPLACED": counts["unplaced"],
            "NOT_A_CASE": counts["not_a_case"],
        }
