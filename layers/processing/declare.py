"""Algorithms as declarations: each parameter is declared once, as data, with the way its value is
read; an algorithm lists its parameters and gets one typed request parsed from them.

Why: ``initAlgorithm`` bodies were a third of the algorithm code, and each ``processAlgorithm``
read the same parameters again with ``parameterAsX`` calls scattered through helper functions that
passed ``(alg, parameters, context)`` around. Here (as DataPlotly's generic algorithm and QuickOSM's
definitions do) a :class:`Param` holds both halves, a shared family (the filters, the orders and
grids, the weights) is a :class:`Family` declared once, and :meth:`DeclaredAlgorithm.request` reads
every value once into the algorithm's request dataclass, which the engine or PostGIS backend
takes as it is.

Labels are marked with ``tr_noop`` where they are written (``scripts/i18n.py`` collects them) and
translated when the definition is made, so the user's language applies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from gridgov.layers.processing.base import GridGovAlgorithm, tr

#: How a value is read: (algorithm, parameters, context) -> value.
Reader = Callable[[QgsProcessingAlgorithm, dict, Any], Any]


@dataclass(frozen=True)
class Param:
    """One parameter: how its definition is made and, unless it is only declared (a source the data
    path reads, a sink the writer opens), how its value is read into the request."""

    name: str
    make: Callable[[], QgsProcessingParameterDefinition]
    read: Reader | None = None
    advanced: bool = False

    @property
    def key(self) -> str:
        """The request's attribute for this parameter: its name in lower case."""
        return self.name.lower()

    def declare(self, alg: QgsProcessingAlgorithm) -> None:
        definition = self.make()
        if self.advanced:
            definition.setFlags(definition.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        alg.addParameter(definition)


@dataclass(frozen=True)
class Family:
    """A family of parameters several algorithms share, declared by one function (e.g.
    ``order_filters.add_filter_parameters``); with ``read`` and ``key`` the request holds what the
    family's reader makes of them (e.g. the chosen weights), else the family is read where it is
    used (the data path reads its layers)."""

    declare_all: Callable[[QgsProcessingAlgorithm], None]
    read: Reader | None = None
    key: str = ""

    def declare(self, alg: QgsProcessingAlgorithm) -> None:
        self.declare_all(alg)


def text(name: str, label: str, default: str | None = None, optional: bool = True, advanced: bool = False) -> Param:
    """A string; the request holds it ('' when empty)."""
    return Param(
        name,
        lambda: QgsProcessingParameterString(name, tr(label), default, optional=optional),
        lambda alg, parameters, context: alg.parameterAsString(parameters, name, context),
        advanced,
    )


def field(
    name: str,
    label: str,
    parent: str,
    default: str | None = None,
    optional: bool = True,
    numeric: bool = False,
    advanced: bool = False,
    fallback: bool = False,
) -> Param:
    """One field of the layer ``parent``; the request holds its name ('' when none is chosen; with
    ``fallback`` the default then: QGIS 3.22 checks a field's default against the layer only when it
    is given, so such a parameter is declared optional and falls back here)."""
    kind = QgsProcessingParameterField.DataType.Numeric if numeric else QgsProcessingParameterField.DataType.Any

    def read(alg, parameters, context) -> str:
        chosen = alg.parameterAsString(parameters, name, context)
        return chosen or (default or "" if fallback else "")

    return Param(
        name,
        lambda: QgsProcessingParameterField(
            name, tr(label), default, parentLayerParameterName=parent, type=kind, optional=optional
        ),
        read,
        advanced,
    )


def choice(name: str, label: str, options: Sequence[tuple[str, Any]], default: int = 0) -> Param:
    """One of ``options`` (label, value); the request holds the chosen value, not its index."""
    return Param(
        name,
        lambda: QgsProcessingParameterEnum(name, tr(label), [tr(text) for text, _ in options], defaultValue=default),
        lambda alg, parameters, context: options[alg.parameterAsEnum(parameters, name, context)][1],
    )


def integer(name: str, label: str, default: int, minimum: int | None = None, maximum: int | None = None) -> Param:
    """A whole number within the bounds given."""
    return Param(
        name,
        lambda: _number(name, label, QgsProcessingParameterNumber.Type.Integer, default, minimum, maximum),
        lambda alg, parameters, context: alg.parameterAsInt(parameters, name, context),
    )


def number(name: str, label: str, default: float, minimum: float | None = None, maximum: float | None = None) -> Param:
    """A real number within the bounds given."""
    return Param(
        name,
        lambda: _number(name, label, QgsProcessingParameterNumber.Type.Double, default, minimum, maximum),
        lambda alg, parameters, context: alg.parameterAsDouble(parameters, name, context),
    )


def _number(name, label, kind, default, minimum, maximum) -> QgsProcessingParameterNumber:
    definition = QgsProcessingParameterNumber(name, tr(label), kind, default)
    if minimum is not None:
        definition.setMinimum(minimum)
    if maximum is not None:
        definition.setMaximum(maximum)
    return definition


def flag(name: str, label: str, default: bool) -> Param:
    """A yes / no choice."""
    return Param(
        name,
        lambda: QgsProcessingParameterBoolean(name, tr(label), default),
        lambda alg, parameters, context: alg.parameterAsBoolean(parameters, name, context),
    )


def source(name: str, label: str, types: Sequence[int] = (), optional: bool = False) -> Param:
    """A vector layer the data path reads (``base.read_source``): declared here, not in the request."""
    kinds = list(types) or [QgsProcessing.SourceType.TypeVector]
    return Param(name, lambda: QgsProcessingParameterFeatureSource(name, tr(label), kinds, optional=optional))


def sink(
    name: str,
    label: str,
    kind: int = QgsProcessing.SourceType.TypeVector,
    optional: bool = False,
    create_by_default: bool = True,
) -> Param:
    """An output layer the writer opens (``base.write_frame``): declared here, not in the request."""
    return Param(
        name,
        lambda: QgsProcessingParameterFeatureSink(
            name, tr(label), kind, optional=optional, createByDefault=create_by_default
        ),
    )


def number_output(name: str, label: str) -> Callable[[], QgsProcessingOutputNumber]:
    """A number the run returns beside its layers (a count, a maximum)."""
    return lambda: QgsProcessingOutputNumber(name, tr(label))


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
