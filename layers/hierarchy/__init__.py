"""The grid hierarchy on the map: one styled group with the roster joined, "whose is this?" for a
clicked point (the engine's rule, never a copy of it), what a click on an order shows.

May import: ``runtime``, ``styling``.
"""
