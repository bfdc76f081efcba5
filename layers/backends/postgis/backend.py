"""The one door from an algorithm to its in-database twin: PostGIS when it can, the engine otherwise."""

from __future__ import annotations

import importlib

from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProcessingUtils

from gridgov.layers.runtime.settings import RUN_IN_POSTGIS
from gridgov.layers.runtime.translation import tr

#: algorithm → (module, function) of its in-database run
IN_DATABASE = {
    "geolocate": ("gridgov.layers.backends.postgis.geolocate_db", "geolocate_in_database"),
    "gridstats": ("gridgov.layers.backends.postgis.gridstats_db", "gridstats_in_database"),
    "findrepeats": ("gridgov.layers.backends.postgis.findrepeats_db", "findrepeats_in_database"),
}


def pushdown_enabled() -> bool:
    return RUN_IN_POSTGIS.value()


def input_layer(alg, parameters, context):
    """The layer behind INPUT, also when it comes as selected features only."""
    value = parameters.get("INPUT")
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        return QgsProcessingUtils.mapLayerFromString(value.source.staticValue(), context)
    if value is None or value == "":
        return None
    return alg.parameterAsVectorLayer(parameters, "INPUT", context)


def in_database(name: str, alg, parameters, context, feedback, request) -> dict | None:
    """The results of running ``name`` in PostGIS, or None when the engine has to run it.

    Only an input layer served by PostGIS makes this worth trying; the reason for not using the
    database is logged then, so a user who expected it knows what to change. The algorithm passes the
    request it parsed, and the backend takes it as the engine does: the two are backends of one request.
    """
    layer = input_layer(alg, parameters, context)
    if layer is None or layer.providerType() != "postgres":
        return None
    if not pushdown_enabled():
        feedback.pushInfo(
            tr("Running in the engine: running in PostGIS is switched off ({0})").format(RUN_IN_POSTGIS.key)
        )
        return None
    try:
        module = importlib.import_module(IN_DATABASE[name][0])
    except ImportError as err:  # psycopg2 is missing
        feedback.pushInfo(tr("Running in the engine, not in PostGIS: {0}").format(err))
        return None
    return getattr(module, IN_DATABASE[name][1])(alg, parameters, context, feedback, request)
