"""How layers look and play: QML styles from ``resources/styles`` (at once, or when Processing loads
an output), the shared-scale heatmap ramp, temporal properties for QGIS's temporal controller.

May import: ``runtime``, ``io``.
"""
