"""Point-in-polygon at scale: which polygons cover which points, for millions of points, by the
compiled kernels (numba, optional) or the edge raster (numpy), each checked against GEOS.

May import: ``runtime``.
"""
