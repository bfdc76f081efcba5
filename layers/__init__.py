"""The bridge between QGIS and the engine, one package per job (``docs/architecture.md``), lowest first:

- ``runtime``: settings, translation, log, cancel, pyproj on QGIS's threads;
- ``io``: layers and files into frames; ``styling``: styles and temporal properties;
- ``outputs``: frames into outputs, counted; ``parameters``: the toolbox's parameters as data;
- ``hierarchy``: the grid hierarchy on the map and "whose is this?";
- ``printing``: printed hotspot maps; ``project``: result groups, the demo project;
- ``backends``: PostGIS push-down; ``processing``: the provider and its algorithms.

Each package's docstring says what it may import (``tests/unit/test_package_rules.py`` keeps to it).
"""
