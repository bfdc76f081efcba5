"""Which inputs of an algorithm are PostGIS tables, and whether they share one database.

QGIS keeps each PostGIS layer's table, geometry column, key and connection in its data source URI;
credentials stay in QGIS's authentication database (an ``authcfg`` id in the URI) and are expanded
only when a connection is opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import QgsDataSourceUri, QgsProcessingFeatureSourceDefinition

from gridgov.layers.backends.postgis.geolocate_sql import Table
from gridgov.layers.io.convert import is_time_field
from gridgov.layers.runtime.translation import tr


@dataclass(frozen=True)
class PgTable:
    """One PostGIS table (or view) as QGIS sees it."""

    uri: QgsDataSourceUri
    schema: str  # key: the key column, or the columns of a composite key joined by commas
    table: str
    geometry: str
    key: str
    srid: int
    fields: tuple[str, ...]
    layer_name: str

    def sql_table(self) -> Table:
        return Table(self.schema, self.table, self.geometry, self.srid, self.fields)

    @property
    def database(self) -> tuple[str, str, str, str]:
        """What makes two tables reachable by one SQL statement."""
        return (self.uri.service(), self.uri.host(), self.uri.port() or "5432", self.uri.database())


class NotInDatabase(Exception):  # noqa: N818 - a reason, not an error
    """Why an input keeps the run in the engine (shown in the log)."""


def pg_table(alg, parameters, name: str, context, required: bool = False) -> PgTable | None:
    """The PostGIS table behind parameter ``name``; None when the parameter is empty.

    Raises :class:`NotInDatabase` with the reason when the input is something else or is narrowed
    in a way SQL would have to copy (selected features, a subset filter).
    """
    value = parameters.get(name)
    if value is None or value == "":
        if required:
            raise NotInDatabase(tr("{0} is not given").format(name))
        return None
    if isinstance(value, QgsProcessingFeatureSourceDefinition) and (
        value.selectedFeaturesOnly or getattr(value, "filterExpression", "")
    ):
        raise NotInDatabase(tr("{0} uses selected features or a filter").format(name))
    layer = alg.parameterAsVectorLayer(parameters, name, context)
    if layer is None:
        raise NotInDatabase(tr("{0} is not a vector layer").format(name))
    if layer.providerType() != "postgres":
        raise NotInDatabase(tr("{0} is not a PostGIS layer ({1})").format(name, layer.providerType()))
    uri = QgsDataSourceUri(layer.source())
    if uri.sql() or layer.subsetString():
        raise NotInDatabase(tr("{0} has a subset filter").format(name))
    if not uri.table() or uri.table().startswith("("):
        raise NotInDatabase(tr("{0} is a query, not a table").format(name))
    keys = [k.strip().strip('"') for k in uri.keyColumn().split(",") if k.strip()]
    if not keys:
        raise NotInDatabase(tr("{0} has no single key column").format(name))
    fields = tuple(f.name() for f in layer.fields())
    if not set(keys) <= set(fields):  # QGIS fell back to the row's ctid: nothing to key a result on
        raise NotInDatabase(tr("{0} has no single key column").format(name))
    srid = layer.crs().postgisSrid() if layer.isSpatial() else 0
    return PgTable(
        uri=uri,
        schema=uri.schema() or "public",
        table=uri.table(),
        geometry=uri.geometryColumn() if layer.isSpatial() else "",
        key=",".join(keys),
        srid=int(srid),
        fields=fields,
        layer_name=layer.name(),
    )


def one_database(tables: dict[str, PgTable | None]) -> PgTable:
    """The first table, once every given table is known to share its database."""
    given = {name: t for name, t in tables.items() if t is not None}
    first_name, first = next(iter(given.items()))
    for name, table in given.items():
        if table.database != first.database:
            raise NotInDatabase(tr("{0} and {1} are in different databases").format(first_name, name))
    return first


def is_given(parameters, name: str) -> bool:
    value = parameters.get(name)
    return value is not None and value != "" and value is not False


def require_time_field(alg, parameters, context, field: str) -> None:
    """A text time field keeps the run in the engine."""
    layer = alg.parameterAsVectorLayer(parameters, "INPUT", context)
    if not is_time_field(layer.fields().field(field)):  # a text time has mixed formats only the engine reads
        raise NotInDatabase(tr("TIME_FIELD {0} is text; the engine reads its mixed formats").format(field))
