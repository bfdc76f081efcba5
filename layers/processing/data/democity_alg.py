"""``gridgov:democity``: generate the built-in demo district as a GeoPackage and a styled project."""

from __future__ import annotations

from qgis.core import QgsProcessingException, QgsProcessingOutputFile, QgsProcessingParameterFileDestination

from gridgov.grid_ops.democity import (
    DEFAULT_ORDERS,
    DEFAULT_POSTS,
    DEFAULT_SEED,
    DemoCityRequest,
    Progress,
    make_demo_city,
)
from gridgov.layers.parameters.declare import Param, integer
from gridgov.layers.processing.base import DeclaredAlgorithm
from gridgov.layers.runtime.translation import tr, tr_noop

#: The GeoPackage written: unlike ``declare.file_destination`` (the writer asks for its path), the
#: request holds it, since the engine writes the file itself.
OUTPUT = Param(
    "OUTPUT",
    lambda: QgsProcessingParameterFileDestination("OUTPUT", tr("Demo city GeoPackage"), tr("GeoPackage (*.gpkg)")),
    lambda alg, parameters, context: alg.parameterAsFileOutput(parameters, "OUTPUT", context),
)


class DemoCityAlgorithm(DeclaredAlgorithm):
    """Build the deterministic demo district (streets, communities, grids, micro-grids, orders ...)."""

    NAME = "democity"
    DISPLAY = "Build demo city"
    GROUP_ID = "data"
    GROUP = "Data"
    HELP = (
        "Generates a realistic demo district in CGCS2000 / 3-degree Gauss-Kruger CM 114E (EPSG:4547): "
        "7 street offices, about 60 communities, 600 grids and 3,000 micro-grids nested along a road "
        "network, about 30 dedicated grids, a roster, an address gazetteer, a year of 12345 work orders "
        "(coordinates as each channel reports them: GCJ-02, BD-09, WGS84, CGCS2000), inspection reports, "
        "the planted hot areas behind them, and internet posts about its problems (未诉先办 clues: colloquial, some "
        "with GCJ-02 / BD-09 geotags, some repeating a phone order, some no case) with the truth behind each.\n\n"
        "SEED: the same seed gives the same city, byte for byte.\n"
        "ORDERS: number of work orders (100,000 by default; up to 5,000,000).\n"
        "POSTS: number of internet posts (600 by default).\n"
        "OUTPUT: the GeoPackage; a QGIS project with styled layers is written beside it (PROJECT).\n\n"
        "Example: qgis_process run gridgov:democity -- SEED=20251 ORDERS=100000 OUTPUT=demo_city.gpkg"
    )
    PARAMETERS = (
        integer("SEED", tr_noop("Random seed"), DEFAULT_SEED, minimum=0),
        integer("ORDERS", tr_noop("Number of work orders"), DEFAULT_ORDERS, minimum=0, maximum=5_000_000),
        integer("POSTS", tr_noop("Number of internet posts"), DEFAULT_POSTS, minimum=0, maximum=1_000_000),
        OUTPUT,
    )
    OUTPUTS = (lambda: QgsProcessingOutputFile("PROJECT", tr("Demo city QGIS project")),)
    REQUEST = DemoCityRequest

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from gridgov.layers.project.demo_project import build_demo_project

        request: DemoCityRequest = self.request(parameters, context)
        gpkg = make_demo_city(request, progress_of(feedback))
        project_path = gpkg.with_suffix(".qgz")
        build_demo_project(gpkg, project_path)
        feedback.setProgress(100)
        feedback.pushInfo(tr("Demo city written to {0} and {1}").format(gpkg, project_path))
        return {"OUTPUT": str(gpkg), "PROJECT": str(project_path)}


def progress_of(feedback) -> Progress:
    """The engine's progress said to ``feedback``; a cancelled run stops at the next report."""

    def progress(fraction: float, message: str) -> None:
        if feedback.isCanceled():
            raise QgsProcessingException(tr("Cancelled"))
        feedback.setProgress(100.0 * fraction)
        feedback.pushInfo(message)

    return progress
