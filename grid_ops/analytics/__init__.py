"""Where and when class cases concentrate: kernel density (``kde``), counts per grid and period
(``gridstats``), spatial weights, Getis-Ord Gi* hot spots, emerging hot spots and time profiles.

May import: ``runtime``, ``pip``, ``grids``, ``orders``, ``responsibility``.
"""
