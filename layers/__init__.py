"""The bridge between QGIS and the engine: Processing provider and algorithms, layers, styles, layouts."""
