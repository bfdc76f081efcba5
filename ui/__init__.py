"""The in-QGIS interface: dock panel, map tools, task wrappers."""
