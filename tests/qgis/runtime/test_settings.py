"""layers/runtime/settings.py: each setting reads its default where nothing is stored, and what was stored,
in the default's type (QSettings hands back text for a boolean stored in an INI file)."""

from __future__ import annotations

from qgis.core import QgsSettings

from gridgov.layers.runtime import settings


def test_defaults_and_stored_values_in_their_types(qgis_app):
    for setting in (settings.RUN_IN_POSTGIS, settings.OUT_OF_PROCESS, settings.LAST_HIERARCHY_GPKG):
        QgsSettings().remove(setting.key)
        assert setting.value() == setting.default
    try:
        settings.RUN_IN_POSTGIS.set_value(False)
        settings.LAST_HIERARCHY_GPKG.set_value("/data/网格.gpkg")
        assert settings.RUN_IN_POSTGIS.value() is False
        assert settings.LAST_HIERARCHY_GPKG.value() == "/data/网格.gpkg"
    finally:
        QgsSettings().remove(settings.RUN_IN_POSTGIS.key)
        QgsSettings().remove(settings.LAST_HIERARCHY_GPKG.key)


def test_every_key_is_the_plugins_and_unique():
    found = [v for v in vars(settings).values() if isinstance(v, settings.Setting)]
    keys = [s.key for s in found]
    assert len(found) >= 3 and len(set(keys)) == len(keys) and all(k.startswith("gridgov/") for k in keys)
