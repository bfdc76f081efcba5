"""The one door from an algorithm to its in-database twin: PostGIS when it can, the engine otherwise."""

from __future__ import annotations

import importlib

from gridgov.layers.processing.base import tr

#: algorithm → (module, function) of its in-database run
IN_DATABASE = {
    "geolocate": ("gridgov.layers.postgis.geolocate_db", "geolocate_in_database"),
}


def in_database(name: str, alg, parameters, context, feedback) -> dict | None:
    """The results of running ``name`` in PostGIS, or None when the engine has to run it.

    Only an input layer served by PostGIS makes this worth trying; the reason for not using the
    database is logged then, so a user who expected it knows what to change.
    """
    layer = alg.parameterAsVectorLayer(parameters, "INPUT", context) if parameters.get("INPUT") else None
    if layer is None or layer.providerType() != "postgres":
        return None
    try:
        module = importlib.import_module(IN_DATABASE[name][0])
    except ImportError as err:  # psycopg2 is missing
        feedback.pushInfo(tr("Running in the engine, not in PostGIS: {0}").format(err))
        return None
    return getattr(module, IN_DATABASE[name][1])(alg, parameters, context, feedback)
