"""Processing provider ``gridgov`` and its algorithms: everything a user can do, usable from models and qgis_process."""
