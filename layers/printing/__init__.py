"""Printed hotspot maps: the page layers styled for paper, the print layout from a ``.qpt`` template,
charts, rendering to PNG.

May import: ``runtime``, ``io``, ``styling``, ``outputs``.
"""
