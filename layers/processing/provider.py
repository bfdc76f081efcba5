"""The ``gridgov`` Processing provider.

With every required package present it holds the algorithms; an algorithm that stops because an
optional package is missing raises a :class:`QgsProcessingException` naming the package and the
*Install* action instead of a traceback. With a required package missing it registers all the same,
disabled: each algorithm is a stand-in of the same id that says what is missing (in the toolbox and
under ``qgis_process``, where "not found" would say nothing), and the provider's warning says it too.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from gridgov.grid_ops.runtime.deps import missing_module_in
from gridgov.grid_ops.runtime.paths import resource_path
from gridgov.layers.runtime.translation import tr

#: (toolbox group.module under layers/processing, class), in the toolbox order. Imported lazily, so the provider
#: module loads before the engine's dependencies are checked.
ALGORITHMS = (
    ("data.democity_alg", "DemoCityAlgorithm"),
    ("grids.importgrids_alg", "ImportGridsAlgorithm"),
    ("grids.buildgrid_alg", "BuildGridAlgorithm"),
    ("grids.splitmicrogrids_alg", "SplitMicrogridsAlgorithm"),
    ("grids.validategrids_alg", "ValidateGridsAlgorithm"),
    ("grids.renumbergrids_alg", "RenumberGridsAlgorithm"),
    ("orders.convertcoords_alg", "ConvertCoordsAlgorithm"),
    ("orders.geolocate_alg", "GeolocateAlgorithm"),
    ("orders.findrepeats_alg", "FindRepeatsAlgorithm"),
    ("orders.clues_alg", "CluesAlgorithm"),
    ("analysis.classify_alg", "ClassifyAlgorithm"),
    ("analysis.heatmap_alg", "HeatmapAlgorithm"),
    ("analysis.gridstats_alg", "GridStatsAlgorithm"),
    ("analysis.hotspots_alg", "HotspotsAlgorithm"),
    ("analysis.emerginghotspots_alg", "EmergingHotspotsAlgorithm"),
    ("analysis.timeprofile_alg", "TimeProfileAlgorithm"),
    ("governance.hotareas_alg", "HotAreasAlgorithm"),
    ("governance.patrolplan_alg", "PatrolPlanAlgorithm"),
    ("governance.classsweep_alg", "ClassSweepAlgorithm"),
    ("assessment.assessment_alg", "AssessmentAlgorithm"),
    ("warning.forecast_alg", "ForecastAlgorithm"),
    ("warning.earlywarning_alg", "EarlyWarningAlgorithm"),
    ("printing.printmap_alg", "PrintMapAlgorithm"),
)
PACKAGE = "gridgov.layers.processing"
HERE = Path(__file__).resolve().parent


def _algorithm_classes() -> list[type]:
    return [getattr(importlib.import_module(f"{PACKAGE}.{module}"), name) for module, name in ALGORITHMS]


def missing_package_message(package) -> str:
    """What a run says when ``package`` (a ``deps.Package``) is missing."""
    return tr(
        "This needs the Python package {0}, which QGIS's Python does not have; it is used for: {1}. "
        "In QGIS, Grid Governance > Install Python packages… installs it; then run again."
    ).format(package.dist, tr(package.purpose))


def optional_package_error(error: BaseException) -> QgsProcessingException | None:
    """The clear error for ``error`` when a missing package caused it, else None."""
    package = missing_module_in(error)
    if package is None:
        return None
    return QgsProcessingException(missing_package_message(package))


def _guarded(cls: type) -> type:
    """``cls`` whose run turns a missing package into a clear QgsProcessingException."""

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        try:
            return cls.processAlgorithm(self, parameters, context, feedback)
        except Exception as err:
            clear = optional_package_error(err)
            if clear is None:
                raise
            raise clear from err

    return type(cls.__name__, (cls,), {"processAlgorithm": processAlgorithm, "__module__": cls.__module__})


def _declared(module: str, name: str) -> dict[str, str]:
    """NAME, DISPLAY, GROUP_ID, GROUP of an algorithm class read from its source, without importing it."""
    tree = ast.parse((HERE / f"{module.replace('.', '/')}.py").read_text(encoding="utf-8"))
    found = {"NAME": module.rpartition(".")[2].removesuffix("_alg"), "DISPLAY": name, "GROUP_ID": "", "GROUP": ""}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                    and statement.targets[0].id in found
                    and isinstance(statement.value, ast.Constant)
                ):
                    found[statement.targets[0].id] = str(statement.value.value)
    return found


class UnavailableAlgorithm(QgsProcessingAlgorithm):
    """Stands in for an algorithm whose packages are missing: same id, says what to install."""

    def __init__(self, declared: dict[str, str], message: str) -> None:
        super().__init__()
        self.declared = declared
        self.message = message

    def name(self) -> str:
        return self.declared["NAME"]

    def displayName(self) -> str:  # noqa: N802
        return tr("{0} (unavailable)").format(tr(self.declared["DISPLAY"]))

    def group(self) -> str:
        return tr(self.declared["GROUP"]) if self.declared["GROUP"] else ""

    def groupId(self) -> str:  # noqa: N802
        return self.declared["GROUP_ID"]

    def shortHelpString(self) -> str:  # noqa: N802
        return self.message

    def icon(self) -> QIcon:
        return QIcon(str(resource_path("icons", "gridgov.svg")))

    def createInstance(self) -> QgsProcessingAlgorithm:  # noqa: N802
        return UnavailableAlgorithm(self.declared, self.message)

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        pass

    def canExecute(self):  # noqa: N802
        return False, self.message

    def checkParameterValues(self, parameters, context):  # noqa: N802
        return False, self.message

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        raise QgsProcessingException(self.message)


class GridGovProvider(QgsProcessingProvider):
    """Provider id ``gridgov``: grid building, geolocation, hotspots, patrol plans, printing.

    ``missing``: the required packages that are absent (``deps.MissingDependency``); the provider then
    holds stand-ins that say so.
    """

    def __init__(self, missing=()) -> None:
        super().__init__()
        self.missing = list(missing)

    def id(self) -> str:
        return "gridgov"

    def name(self) -> str:
        return tr("Grid Governance")

    def longName(self) -> str:  # noqa: N802
        return tr("Grid Governance: grids, work orders, hotspots and patrols")

    def icon(self) -> QIcon:
        return QIcon(str(resource_path("icons", "gridgov.svg")))

    def svgIconPath(self) -> str:  # noqa: N802
        return str(resource_path("icons", "gridgov.svg"))

    def warningMessage(self) -> str:  # noqa: N802
        return self.missing_message() if self.missing else ""

    def missing_message(self) -> str:
        """Which required packages are missing and how to install them."""
        return tr(
            "Grid Governance needs the Python packages {0}, which QGIS's Python does not have. In QGIS, "
            "the Install button of the message bar (or Grid Governance > Install Python packages…) installs them."
        ).format(", ".join(m.name for m in self.missing))

    def loadAlgorithms(self) -> None:  # noqa: N802
        if self.missing:
            message = self.missing_message()
            for module, name in ALGORITHMS:
                self.addAlgorithm(UnavailableAlgorithm(_declared(module, name), message))
            return
        for cls in _algorithm_classes():
            self.addAlgorithm(_guarded(cls)())
