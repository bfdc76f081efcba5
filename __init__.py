"""Grid Governance (网格治理) QGIS plugin.

Nothing is imported here at module level: QGIS calls ``classFactory`` and the plugin class is
imported only then, so ``gridgov.grid_ops`` stays importable from plain Python without QGIS.
"""


def classFactory(iface):  # noqa: N802  (QGIS's name)
    """Create the plugin for QGIS, speaking QGIS's language (Chinese when QGIS is set to Chinese)."""
    from gridgov.layers.runtime.translation import install_translator
    from gridgov.plugin import GridGovPlugin

    install_translator()
    return GridGovPlugin(iface)
