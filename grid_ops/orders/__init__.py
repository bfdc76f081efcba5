"""Work orders as data: reading the columns a 12345 export carries (times, positions in WGS84 /
GCJ-02 / BD-09 / CGCS2000, addresses against a gazetteer), classifying them into class cases,
finding repeats, selecting by time and class, and the dispatch table.

May import: ``runtime``, ``grids``.
"""
