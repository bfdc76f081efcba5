"""Reading: QGIS layers and order files into engine frames (positions straight from GeoPackage blobs,
files by GDAL in parts, PostGIS tables by COPY, anything else through QGIS's iterator), and which input
columns a result keeps under which names.

May import: ``runtime``.
"""
