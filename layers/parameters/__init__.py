"""The toolbox's parameters as data: each declared once with how its value is read (``declare``), and
the families several algorithms share (order filters, orders and grids, spatial weights, unit layers),
each read once into the engine's request.

May import: ``runtime``, ``io``.
"""
