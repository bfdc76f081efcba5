"""The ``gridgov`` Processing provider."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from gridgov.grid_ops.paths import resource_path
from gridgov.layers.processing.base import tr


def _algorithm_classes() -> list[type]:
    """Imported lazily so the provider module loads even before the engine's dependencies are checked."""
    from gridgov.layers.processing.buildgrid_alg import BuildGridAlgorithm
    from gridgov.layers.processing.classify_alg import ClassifyAlgorithm
    from gridgov.layers.processing.convertcoords_alg import ConvertCoordsAlgorithm
    from gridgov.layers.processing.democity_alg import DemoCityAlgorithm
    from gridgov.layers.processing.emerginghotspots_alg import EmergingHotspotsAlgorithm
    from gridgov.layers.processing.findrepeats_alg import FindRepeatsAlgorithm
    from gridgov.layers.processing.geolocate_alg import GeolocateAlgorithm
    from gridgov.layers.processing.gridstats_alg import GridStatsAlgorithm
    from gridgov.layers.processing.heatmap_alg import HeatmapAlgorithm
    from gridgov.layers.processing.hotareas_alg import HotAreasAlgorithm
    from gridgov.layers.processing.hotspots_alg import HotspotsAlgorithm
    from gridgov.layers.processing.importgrids_alg import ImportGridsAlgorithm
    from gridgov.layers.processing.patrolplan_alg import PatrolPlanAlgorithm
    from gridgov.layers.processing.printmap_alg import PrintMapAlgorithm
    from gridgov.layers.processing.renumbergrids_alg import RenumberGridsAlgorithm
    from gridgov.layers.processing.splitmicrogrids_alg import SplitMicrogridsAlgorithm
    from gridgov.layers.processing.timeprofile_alg import TimeProfileAlgorithm
    from gridgov.layers.processing.validategrids_alg import ValidateGridsAlgorithm

    return [
        DemoCityAlgorithm,
        ImportGridsAlgorithm,
        BuildGridAlgorithm,
        SplitMicrogridsAlgorithm,
        ValidateGridsAlgorithm,
        RenumberGridsAlgorithm,
        ConvertCoordsAlgorithm,
        GeolocateAlgorithm,
        FindRepeatsAlgorithm,
        ClassifyAlgorithm,
        HeatmapAlgorithm,
        GridStatsAlgorithm,
        HotspotsAlgorithm,
        EmergingHotspotsAlgorithm,
        TimeProfileAlgorithm,
        HotAreasAlgorithm,
        PatrolPlanAlgorithm,
        PrintMapAlgorithm,
    ]


class GridGovProvider(QgsProcessingProvider):
    """Provider id ``gridgov``: grid building, geolocation, hotspots, patrol plans, printing."""

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

    def loadAlgorithms(self) -> None:  # noqa: N802
        for cls in _algorithm_classes():
            self.addAlgorithm(cls())
