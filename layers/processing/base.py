"""The base classes of the gridgov algorithms: name, group, translated help and icon in one place, the
guard around every run (its outputs land whole or not at all), and the declared algorithm whose
parameters (``parameters/declare.py``) are read once into its request."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, ClassVar

from qgis.core import QgsProcessingAlgorithm
from qgis.PyQt.QtGui import QIcon

from gridgov.grid_ops.runtime.paths import resource_path
from gridgov.layers.parameters.declare import Family, Param
from gridgov.layers.runtime.pyproj_context import keep_pyproj_context
from gridgov.layers.runtime.translation import tr


class GridGovAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set ``NAME``, ``DISPLAY``, ``GROUP_ID``, ``GROUP`` and ``HELP``."""

    NAME = ""
    DISPLAY = ""
    GROUP_ID = ""
    GROUP = ""
    HELP = ""

    def __init_subclass__(cls, **kwargs) -> None:
        """Each algorithm's run first keeps its thread's pyproj context alive: QGIS runs it on a pooled
        worker thread, where pyproj 3.7 would otherwise reuse a freed context (see ``pyproj_context``)."""
        super().__init_subclass__(**kwargs)
        run = cls.__dict__.get("processAlgorithm")
        if run is None or getattr(run, "_keeps_pyproj_context", False):
            return

        @functools.wraps(run)
        def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
            from gridgov.layers.outputs.run_outputs import RunOutputs

            keep_pyproj_context()
            # one guard per run: files move into place when it succeeds; a cancelled or failed run
            # leaves nothing behind and a cancelled one ends as cancelled
            with RunOutputs.guard(context, feedback):
                return run(self, parameters, context, feedback)

        processAlgorithm._keeps_pyproj_context = True
        cls.processAlgorithm = processAlgorithm

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


class DeclaredAlgorithm(GridGovAlgorithm):
    """An algorithm declared by ``PARAMETERS`` (:class:`Param` and :class:`Family` entries, in the
    order the dialog shows them) and ``REQUEST``, a dataclass whose fields are the lower-case names
    of the parameters it reads; ``OUTPUTS`` adds outputs that are not layers (counts, numbers)."""

    PARAMETERS: ClassVar[tuple[Param | Family, ...]] = ()
    OUTPUTS: ClassVar[tuple[Callable[[], Any], ...]] = ()
    REQUEST: ClassVar[type | None] = None

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        for parameter in self.PARAMETERS:
            parameter.declare(self)
        for make in self.OUTPUTS:
            self.addOutput(make())

    def request(self, parameters: dict, context) -> Any:
        """Every declared value of ``REQUEST`` read once from ``parameters``."""
        readers = {p.key: p.read for p in self.PARAMETERS if p.read is not None}
        return self.REQUEST(
            **{f.name: readers[f.name](self, parameters, context) for f in dataclasses.fields(self.REQUEST)}
        )
