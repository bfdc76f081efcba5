"""The plugin's life inside a QGIS session: typed settings, translation (``tr``), the log, how a
cancelled run ends, pyproj on QGIS's threads.

May import: no other package of the bridge (every other package imports it).
"""
