"""``gridgov:renumbergrids``: recode a community's grids west→east, north→south."""

from __future__ import annotations

from qgis.core import QgsProcessing, QgsProcessingException

from gridgov.grid_ops.grids.codes import RenumberRequest, community_codes, renumber_grids
from gridgov.grid_ops.schema import COMMUNITY_CODE, GRID_CODE
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import choice, field, sink, source
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

#: How many of the rows without a community code an error names.
NAMED_ROWS = 10


class RenumberGridsAlgorithm(DeclaredAlgorithm):
    NAME = "renumbergrids"
    DISPLAY = "Renumber grids"
    GROUP_ID = "grids"
    GROUP = "Grids"
    HELP = (
        "Gives each grid a new code: its community's 12-digit code (COMMUNITY_FIELD) plus a sequence numbered "
        "west to east, north to south inside the community, as CJ/T 213 (14 digits, 2-digit sequence) or "
        "DB11/T 2157 (15 digits, 3-digit sequence) require. The old code is kept in old_code.\n\n"
        "Example: INPUT the grids, COMMUNITY_FIELD community_code, FORMAT 15 digits."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Grids"), [QgsProcessing.SourceType.TypeVectorPolygon]),
        field("CODE_FIELD", tr_noop("Code field"), "INPUT", GRID_CODE, optional=False),
        field("COMMUNITY_FIELD", tr_noop("Community code field"), "INPUT", COMMUNITY_CODE, optional=False),
        choice(
            "FORMAT",
            tr_noop("Code format"),
            [(tr_noop("15 digits (DB11/T 2157)"), 15), (tr_noop("14 digits (CJ/T 213)"), 14)],
        ),
        sink("OUTPUT", tr_noop("Renumbered grids"), QgsProcessing.SourceType.TypeVectorPolygon),
    )
    REQUEST = RenumberRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: RenumberRequest = self.request(parameters, context)
        frame, source = read_source(self, parameters, "INPUT", context, feedback)
        check_renumberable(frame, request.community_field)
        try:
            frame = renumber_grids(frame.drop(columns=["_fid"]), request)
        except ValueError as err:
            raise QgsProcessingException(str(err)) from err
        changed = int((frame["old_code"].astype(str) != frame[request.code_field]).sum())
        feedback.pushInfo(tr("{0} of {1} codes changed").format(changed, len(frame)))
        dest = write_frame(self, parameters, "OUTPUT", context, frame, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "grids")
        return {"OUTPUT": dest}


def check_renumberable(frame, community_field: str) -> None:
    """Every grid must have a 12-digit community code and a geometry: the new code is numbered by
    where it lies inside its community."""
    bad = ~community_codes(frame, community_field).str.fullmatch(r"[0-9]{12}")
    if bad.any():
        rows = ", ".join(str(r + 1) for r in bad[bad].index[:NAMED_ROWS])
        raise QgsProcessingException(
            tr("Rows {0}: field {1} is not a 12-digit community code").format(rows, community_field)
        )
    empty = frame.geometry.isna() | frame.geometry.is_empty
    if empty.any():
        raise QgsProcessingException(
            tr("{0} grids have no geometry; they cannot be placed in the numbering").format(int(empty.sum()))
        )
