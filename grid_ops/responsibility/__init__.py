"""Who answers for a point: the responsibility rule (``geolocate``: dedicated grid, micro-grid,
grid, community, street; shared edges, overlaps, nearest), placing a table of orders with it
(``placement``) and inspectors' coverage of their own grids (``inspections``).

May import: ``runtime``, ``pip``, ``grids``, ``orders``.
"""
