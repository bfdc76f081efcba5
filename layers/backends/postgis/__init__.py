"""PostGIS push-down: when the inputs are tables of one PostGIS database, geolocate, gridstats and
findrepeats run there as SQL (the responsibility rule written in SQL, held to the engine's by
``tests/parity``).

May import: ``runtime``, ``io``, ``styling``, ``outputs``, ``parameters``.
"""
