"""Shared base of the gridgov algorithms: translation, grouping, help and icon in one place."""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from gridgov.grid_ops.paths import resource_path


def tr(text: str) -> str:
    """Translate a user-visible string in the plugin's context."""
    return QCoreApplication.translate("gridgov", text)


class GridGovAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set ``NAME``, ``DISPLAY``, ``GROUP_ID``, ``GROUP`` and ``HELP``."""

    NAME = ""
    DISPLAY = ""
    GROUP_ID = ""
    GROUP = ""
    HELP = ""

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:  # noqa: N802
        return tr(self.DISPLAY)

    def group(self) -> str:
        return tr(self.GROUP)

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP_ID

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(self.HELP)

    def icon(self) -> QIcon:
        return QIcon(str(resource_path("icons", "gridgov.svg")))

    def createInstance(self) -> QgsProcessingAlgorithm:  # noqa: N802
        return type(self)()
