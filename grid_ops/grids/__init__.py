"""Grids as data: unit codes and their order, building lattices and micro-grids, importing grids
from other systems, and validating a grid layer (gaps, overlaps, codes).

May import: ``runtime``, ``pip``.
"""
