"""Writing: where a run's results land (GeoPackage and temporary outputs in bulk through GDAL, PostGIS
by COPY, other formats through QGIS's sink, GeoTIFF rasters), rows counted in what was written,
nothing left by a cancelled run.

May import: ``runtime``, ``io``, ``styling``.
"""
