"""``gridgov:importgrids``: any grid layer, any field names, into the standard grid fields."""

from __future__ import annotations

from qgis.core import QgsCoordinateReferenceSystem, QgsProcessing, QgsProcessingException

from gridgov.grid_ops.grids.codes import LEVELS
from gridgov.grid_ops.grids.gridimport import ChosenFields, ImportedGrids, ImportGridsRequest, import_grids
from gridgov.grid_ops.schema import PROBLEM
from gridgov.layers.hierarchy.group import LEVEL_TITLES
from gridgov.layers.hierarchy.group import LEVELS as HIERARCHY_LEVELS
from gridgov.layers.io.sources import read_source
from gridgov.layers.outputs.run_outputs import write_frame
from gridgov.layers.parameters.declare import (
    Family,
    choice,
    coordinate_system,
    crs_of_text,
    field,
    number_output,
    sink,
    source,
)
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop
from gridgov.layers.styling.layer_styles import StyleOnLoad

STYLE_OF_LEVEL = {level: style for level, _layer, _code, _title, style in HIERARCHY_LEVELS}
#: The levels of the hierarchy as a choice (street first: codes.LEVELS' order), by their titles.
LEVEL_OPTIONS = tuple((LEVEL_TITLES[level], level) for level in LEVELS)
#: Field parameter, the standard field it maps (a field of ``ChosenFields``), its label.
MAPPED = (
    ("CODE_FIELD", "code", "Code field"),
    ("NAME_FIELD", "name", "Name field"),
    ("PARENT_FIELD", "parent_code", "Parent code field"),
    ("MANAGER_FIELD", "manager", "Manager field"),
    ("PHONE_FIELD", "phone", "Phone field"),
    ("HOUSEHOLDS_FIELD", "households", "Households field"),
    ("PRIORITY_FIELD", "priority", "Priority field"),
)
#: How many rows with a problem the log lists one by one.
LISTED_PROBLEMS = 50


def add_mapped_fields(alg) -> None:
    """One optional field of INPUT per standard field (MAPPED), none chosen by default."""
    for name, _key, label in MAPPED:
        field(name, label, "INPUT").declare(alg)


def read_mapped_fields(alg, parameters, context) -> ChosenFields:
    """The fields chosen for the standard fields ('' where the import is to guess)."""
    return ChosenFields(**{key: alg.parameterAsString(parameters, name, context) for name, key, _label in MAPPED})


class ImportGridsAlgorithm(DeclaredAlgorithm):
    NAME = "importgrids"
    DISPLAY = "Import grid layer"
    GROUP_ID = "grids"
    GROUP = "Grids"
    HELP = (
        "Reads a grid layer from any QGIS source (GeoPackage, Shapefile, GeoJSON, PostGIS ...) and writes it "
        "with the standard fields: code, name, level, parent_code, manager, phone, households, priority, plus "
        "import_status and problem for every row (nothing is dropped). Fields left empty are guessed from "
        "their names (e.g. WGBM / 网格编码 / grid_id for the code; 网格员 / manager; 户数 / households). Codes "
        "are cleaned (full-width digits, spaces, Excel's 4.4e14). Without a parent field, a grid's parent is "
        "read from its code. TARGET_CRS reprojects (empty: keep the layer's CRS).\n\n"
        "Example: INPUT a Shapefile of grids with fields WGBM and WGY, LEVEL grid, TARGET_CRS EPSG:4547."
    )
    PARAMETERS = (
        source("INPUT", tr_noop("Grid layer"), [QgsProcessing.SourceType.TypeVectorPolygon]),
        choice("LEVEL", tr_noop("Level"), LEVEL_OPTIONS, default=2),
        Family(add_mapped_fields, read_mapped_fields, "fields"),
        coordinate_system("TARGET_CRS", tr_noop("Reproject to")),
        sink("OUTPUT", tr_noop("Imported grids"), QgsProcessing.SourceType.TypeVectorPolygon),
    )
    OUTPUTS = (number_output("PROBLEMS", tr_noop("Rows with a problem")),)
    REQUEST = ImportGridsRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request: ImportGridsRequest = self.request(parameters, context)
        frame, source = read_source(self, parameters, "INPUT", context, feedback)
        imported = import_grids(frame.drop(columns=["_fid"]), request)
        report_mapping(imported, request.fields, feedback)
        if imported.missing:
            raise QgsProcessingException(
                tr("The grid layer has no field {0} (fields: {1})").format(
                    ", ".join(imported.missing), ", ".join(c for c in frame.columns if c != "_fid")
                )
            )
        if imported.grids is None:
            raise QgsProcessingException(tr("No code field: choose the field that holds the grid codes"))
        out, crs = reprojected(imported.grids, source.sourceCrs(), request.target_crs)
        problems = report_problems(out, feedback)
        feedback.pushInfo(tr("{0} rows imported, {1} with a problem").format(len(out), problems))
        dest = write_frame(self, parameters, "OUTPUT", context, out, crs, feedback)
        StyleOnLoad.attach(context, dest, STYLE_OF_LEVEL[request.level])
        return {"OUTPUT": dest, "PROBLEMS": problems}


def report_mapping(imported: ImportedGrids, chosen: ChosenFields, feedback) -> None:
    """Which field each standard field is read from, and whether the user chose it or it was guessed."""
    for field_name, column in imported.mapping.items():
        how = tr("chosen") if getattr(chosen, field_name) else tr("guessed")
        feedback.pushInfo(f"{field_name} ← {column or '—'} ({how})")


def reprojected(out, crs: QgsCoordinateReferenceSystem, target_text: str):
    """``out`` in the target CRS and that CRS, or as it is in ``crs`` when there is no other target
    (or the rows have no CRS to reproject from)."""
    target = crs_of_text(target_text)
    if target.isValid() and target != crs and out.crs is not None:
        return out.to_crs(target_text), target
    return out, crs


def report_problems(out, feedback) -> int:
    """The rows with a problem, each reported (the first LISTED_PROBLEMS); returns how many."""
    problems = out[out["import_status"] != "ok"]
    for text in problems[PROBLEM].head(LISTED_PROBLEMS):
        feedback.reportError(text)
    if len(problems) > LISTED_PROBLEMS:
        feedback.reportError(tr("... and {0} more rows with a problem").format(len(problems) - LISTED_PROBLEMS))
    return len(problems)
