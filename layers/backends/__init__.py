"""Backends a request can run on besides the engine: today PostGIS, where the work runs as SQL in the
database that holds the tables, taking the same request as the engine.

May import: ``runtime``, ``io``, ``styling``, ``outputs``, ``parameters``.
"""
