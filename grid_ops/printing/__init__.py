"""Printed hotspot maps without QGIS: the pages of an atlas (which streets or communities, at
which scale) and the text a printed PDF must hold.

May import: ``runtime``, ``analytics``.
"""
