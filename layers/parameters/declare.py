"""Algorithms as declarations: each parameter is declared once, as data, with the way its value is
read; an algorithm lists its parameters and gets one typed request parsed from them.

Why: ``initAlgorithm`` bodies were a third of the algorithm code, and each ``processAlgorithm``
read the same parameters again with ``parameterAsX`` calls scattered through helper functions that
passed ``(alg, parameters, context)`` around. Here (as DataPlotly's generic algorithm and QuickOSM's
definitions do) a :class:`Param` holds both halves, a shared family (the filters, the orders and
grids, the weights) is a :class:`Family` declared once, and ``DeclaredAlgorithm.request``
(``processing/base.py``) reads
every value once into the algorithm's request dataclass, which the engine or PostGIS backend
takes as it is.

Labels are marked with ``tr_noop`` where they are written (``scripts/i18n.py`` collects them) and
translated when the definition is made, so the user's language applies.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterDistance,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from gridgov.grid_ops.grids.lattice import Extent
from gridgov.layers.runtime.translation import tr, tr_noop

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


def default_field(
    name: str, label: str, parent: str, default: str, numeric: bool = False, advanced: bool = False
) -> Param:
    """A field whose default name a layer may lack (the orders' class code, time or grid code): the
    request holds the name chosen ('' for none), or None when the parameter is not given, which means
    ``default`` where the layer has it and no field where it has not (the engine request's
    ``field_in`` says which); a name the user gives must be the layer's."""

    def read(alg, parameters, context) -> str | None:
        chosen = alg.parameterAsString(parameters, name, context)
        return chosen if parameters.get(name) else (None if chosen else "")

    declared = field(name, label, parent, default, optional=True, numeric=numeric, advanced=advanced)
    return dataclasses.replace(declared, read=read)


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
    """A vector layer the data path reads (``sources.read_source``): declared here, not in the request."""
    kinds = list(types) or [QgsProcessing.SourceType.TypeVector]
    return Param(name, lambda: QgsProcessingParameterFeatureSource(name, tr(label), kinds, optional=optional))


def sink(
    name: str,
    label: str,
    kind: int = QgsProcessing.SourceType.TypeVector,
    optional: bool = False,
    create_by_default: bool = True,
) -> Param:
    """An output layer the writer opens (``run_outputs.write_frame``): declared here, not in the request."""
    return Param(
        name,
        lambda: QgsProcessingParameterFeatureSink(
            name, tr(label), kind, optional=optional, createByDefault=create_by_default
        ),
    )


def as_optional(param: Param) -> Param:
    """``param`` declared optional (a number that may be left empty: its default is read then)."""
    make = param.make

    def optional_make() -> QgsProcessingParameterDefinition:
        definition = make()
        definition.setFlags(definition.flags() | QgsProcessingParameterDefinition.Flag.FlagOptional)
        return definition

    return dataclasses.replace(param, make=optional_make)


def distance(
    name: str, label: str, default: float, parent: str, minimum: float | None = None, maximum: float | None = None
) -> Param:
    """A distance in the units of the layer ``parent`` (the dialog shows them)."""

    def make() -> QgsProcessingParameterDistance:
        definition = QgsProcessingParameterDistance(name, tr(label), default, parentParameterName=parent)
        if minimum is not None:
            definition.setMinimum(minimum)
        if maximum is not None:
            definition.setMaximum(maximum)
        return definition

    return Param(name, make, lambda alg, parameters, context: alg.parameterAsDouble(parameters, name, context))


#: An extent as the request holds it: (x_min, y_min, x_max, y_max).
Bounds = tuple[float, float, float, float]


def extent(name: str, label: str, crs_of: str = "", optional: bool = True) -> Param:
    """An extent; the request holds its bounds (x_min, y_min, x_max, y_max), None when none is given.
    With ``crs_of`` (a layer parameter) they are in that layer's CRS: an extent drawn in another CRS
    is transformed, as ``parameterAsExtent`` does."""

    def read(alg, parameters, context) -> Bounds | None:
        if not parameters.get(name):
            return None
        layer = alg.parameterAsSource(parameters, crs_of, context) if crs_of else None
        crs = layer.sourceCrs() if layer is not None else QgsCoordinateReferenceSystem()
        rectangle = alg.parameterAsExtent(parameters, name, context, crs)
        if rectangle.isNull():
            return None
        return (rectangle.xMinimum(), rectangle.yMinimum(), rectangle.xMaximum(), rectangle.yMaximum())

    return Param(name, lambda: QgsProcessingParameterExtent(name, tr(label), optional=optional), read)


# A CRS travels in a request as text: its authority id, else WKT2, which (unlike QGIS's default WKT1)
# gives back an equal CRS.


def crs_text(crs: QgsCoordinateReferenceSystem) -> str:
    """``crs`` as a request holds it ('' for no CRS); :func:`crs_of_text` turns it back."""
    if not crs.isValid():
        return ""
    return crs.authid() or crs.toWkt(QgsCoordinateReferenceSystem.WktVariant.WKT_PREFERRED)


def crs_of_text(value: str) -> QgsCoordinateReferenceSystem:
    """The CRS :func:`crs_text` wrote (an invalid one for '')."""
    return QgsCoordinateReferenceSystem(value) if value else QgsCoordinateReferenceSystem()


def extent_with_crs(name: str, label: str, optional: bool = True) -> Param:
    """A rectangle; the request holds the engine's ``Extent`` in the CRS it names (the project's
    when it names none), None when none is given."""

    def read(alg, parameters, context) -> Extent | None:
        crs = alg.parameterAsExtentCrs(parameters, name, context)
        if not crs.isValid():
            crs = context.project().crs() if context.project() else crs
        rect = alg.parameterAsExtent(parameters, name, context, crs)
        if rect.isNull() or rect.isEmpty():
            return None
        return Extent(rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum(), crs_text(crs))

    return Param(name, lambda: QgsProcessingParameterExtent(name, tr(label), optional=optional), read)


def coordinate_system(name: str, label: str, optional: bool = True) -> Param:
    """A coordinate reference system; the request holds it as :func:`crs_text` ('' when none is given)."""
    return Param(
        name,
        lambda: QgsProcessingParameterCrs(name, tr(label), optional=optional),
        lambda alg, parameters, context: crs_text(alg.parameterAsCrs(parameters, name, context)),
    )


def string_output(name: str, label: str) -> Callable[[], QgsProcessingOutputString]:
    """A text the run returns beside its layers (a summary as JSON)."""
    return lambda: QgsProcessingOutputString(name, tr(label))


#: The kinds of :func:`date_time`.
DATE, DATE_TIME, TIME = "date", "datetime", "time"
_DATE_TIME_TYPES = {
    DATE: QgsProcessingParameterDateTime.Type.Date,
    DATE_TIME: QgsProcessingParameterDateTime.Type.DateTime,
    TIME: QgsProcessingParameterDateTime.Type.Time,
}


def date_time(name: str, label: str, kind: str = DATE_TIME, optional: bool = True) -> Param:
    """A date (``DATE``), date and time or time of day; the request holds a ``datetime.date``,
    ``datetime.datetime`` or ``datetime.time``, None when none is given; a value that is none stops
    the run, named."""

    def read(alg, parameters, context) -> datetime.date | datetime.datetime | datetime.time | None:
        value = parameters.get(name)
        if value is None or value == "":
            return None
        # parameterAsDate does not exist on QGIS 3.22; parameterAsDateTime does, from 3.22 to 3.40 and on
        when = alg.parameterAsDateTime(parameters, name, context)
        part = when.date() if kind == DATE else when.time() if kind == TIME else when
        if not part.isValid():
            raise QgsProcessingException(tr("{0}: {1!r} is not a date").format(name, value))
        return part.toPyDate() if kind == DATE else part.toPyTime() if kind == TIME else part.toPyDateTime()

    return Param(
        name, lambda: QgsProcessingParameterDateTime(name, tr(label), _DATE_TIME_TYPES[kind], optional=optional), read
    )


def file(
    name: str, label: str, extension: str = "", optional: bool = False, folder: bool = False, file_filter: str = ""
) -> Param:
    """A file (or with ``folder`` a folder) to read; the request holds its path ('' when none)."""
    behavior = QgsProcessingParameterFile.Behavior.Folder if folder else QgsProcessingParameterFile.Behavior.File
    return Param(
        name,
        lambda: QgsProcessingParameterFile(
            name, tr(label), behavior, extension, optional=optional, fileFilter=file_filter
        ),
        lambda alg, parameters, context: alg.parameterAsFile(parameters, name, context),
    )


def folder_destination(name: str, label: str, optional: bool = False, create_by_default: bool = True) -> Param:
    """A folder the run writes into: declared here, not in the request (the writer reads it, as a sink)."""
    return Param(
        name,
        lambda: QgsProcessingParameterFolderDestination(
            name, tr(label), optional=optional, createByDefault=create_by_default
        ),
    )


def file_destination(
    name: str, label: str, file_filter: str = "", optional: bool = False, create_by_default: bool = True
) -> Param:
    """A file the run writes: declared here, not in the request (the writer reads it, as a sink)."""
    return Param(
        name,
        lambda: QgsProcessingParameterFileDestination(
            name,
            tr(label),
            tr(file_filter) if file_filter else "",
            optional=optional,
            createByDefault=create_by_default,
        ),
    )


def raster_destination(name: str, label: str, optional: bool = False, create_by_default: bool = True) -> Param:
    """A raster the run writes: declared here, not in the request (the writer reads it, as a sink)."""
    return Param(
        name,
        lambda: QgsProcessingParameterRasterDestination(
            name, tr(label), optional=optional, createByDefault=create_by_default
        ),
    )


def number_output(name: str, label: str) -> Callable[[], QgsProcessingOutputNumber]:
    """A number the run returns beside its layers (a count, a maximum)."""
    return lambda: QgsProcessingOutputNumber(name, tr(label))


def layers_output(name: str, label: str) -> Callable[[], QgsProcessingOutputMultipleLayers]:
    """Layers the run writes besides its outputs (a series of rasters, charts), as a list of paths."""
    return lambda: QgsProcessingOutputMultipleLayers(name, tr(label))


def checked_text(
    name: str,
    label: str,
    check: Callable[[str], object],
    default: str | None = None,
    optional: bool = True,
    advanced: bool = False,
    named: bool = True,
    fallback: bool = False,
) -> Param:
    """A string the request holds as written (with ``fallback``, the default when it is empty),
    checked by ``check`` (which raises ValueError) as it is read: a typo stops the run before any
    layer is read, and the message names the parameter (unless ``named`` is off: the check's message
    already says what is wrong)."""

    def read(alg, parameters, context) -> str:
        value = alg.parameterAsString(parameters, name, context) or (default or "" if fallback else "")
        try:
            check(value)
        except ValueError as err:
            raise QgsProcessingException(f"{name}: {err}" if named else str(err)) from err
        return value

    def make() -> QgsProcessingParameterString:
        return QgsProcessingParameterString(name, tr(label), default, optional=optional)

    return Param(name, make, read, advanced)


def sheets_destination(name: str, label: str) -> Param:
    """An optional XLSX or CSV file the run writes its sheets to (``outputs.write_sheets_output``),
    not in the request."""
    return file_destination(name, label, tr_noop("Excel (*.xlsx);;CSV (*.csv)"), optional=True, create_by_default=False)
