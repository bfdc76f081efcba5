"""Processing provider ``gridgov`` and its algorithms, one subpackage per toolbox group: everything a
user can do, usable from models and qgis_process; ``base`` holds the algorithms' base classes, ``worker``
runs one algorithm in a child process for the dock.

May import: ``runtime``, ``io``, ``styling``, ``outputs``, ``parameters``, ``hierarchy``, ``printing``,
``project``, ``backends``.
"""
