"""From hot spots to action: ranked hot areas for street offices, patrol routes over the road
network and patrol plans with their measured gain.

May import: ``runtime``, ``pip``, ``grids``, ``orders``, ``responsibility``, ``analytics``.
"""
