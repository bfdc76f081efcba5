"""``gridgov:renumbergrids``: recode a community's grids west→east, north→south."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
)

from gridgov.grid_ops.schema import COMMUNITY_CODE, GRID_CODE
from gridgov.layers.processing.base import GridGovAlgorithm, StyleOnLoad, read_source, tr, write_frame


class RenumberGridsAlgorithm(GridGovAlgorithm):
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
    INPUT, CODE_FIELD, COMMUNITY_FIELD, FORMAT, OUTPUT = "INPUT", "CODE_FIELD", "COMMUNITY_FIELD", "FORMAT", "OUTPUT"

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, tr("Grids"), [QgsProcessing.SourceType.TypeVectorPolygon])
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD, tr("Code field"), GRID_CODE, parentLayerParameterName=self.INPUT
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.COMMUNITY_FIELD, tr("Community code field"), COMMUNITY_CODE, parentLayerParameterName=self.INPUT
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.FORMAT,
                tr("Code format"),
                [tr("15 digits (DB11/T 2157)"), tr("14 digits (CJ/T 213)")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, tr("Renumbered grids"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.grid_ops.grids.codes import renumber

        frame, source = read_source(self, parameters, self.INPUT, context, feedback)
        code_field = self.parameterAsString(parameters, self.CODE_FIELD, context)
        community_field = self.parameterAsString(parameters, self.COMMUNITY_FIELD, context)
        digits = 15 if self.parameterAsEnum(parameters, self.FORMAT, context) == 0 else 14
        communities = frame[community_field].astype(str).str.strip()
        bad = ~communities.str.fullmatch(r"[0-9]{12}")
        if bad.any():
            rows = ", ".join(str(r + 1) for r in bad[bad].index[:10])
            raise QgsProcessingException(
                tr("Rows {0}: field {1} is not a 12-digit community code").format(rows, community_field)
            )
        empty = frame.geometry.isna() | frame.geometry.is_empty
        if empty.any():
            raise QgsProcessingException(
                tr("{0} grids have no geometry; they cannot be placed in the numbering").format(int(empty.sum()))
            )
        centroids = frame.geometry.representative_point()
        try:
            new = renumber(communities.tolist(), centroids.x, centroids.y, digits)
        except ValueError as err:
            raise QgsProcessingException(str(err)) from err
        frame = frame.drop(columns=["_fid"])
        frame.insert(0, "old_code", frame[code_field])
        frame[code_field] = new
        changed = int((frame["old_code"].astype(str) != frame[code_field]).sum())
        feedback.pushInfo(tr("{0} of {1} codes changed").format(changed, len(frame)))
        dest = write_frame(self, parameters, self.OUTPUT, context, frame, source.sourceCrs(), feedback)
        StyleOnLoad.attach(context, dest, "grids")
        return {self.OUTPUT: dest}
