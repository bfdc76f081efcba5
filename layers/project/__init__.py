"""The project a person works in: results filed under one group per step, the demo city's project.

May import: ``runtime``, ``io``, ``styling``, ``outputs``, ``hierarchy``.
"""
