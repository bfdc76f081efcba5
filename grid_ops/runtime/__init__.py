"""What the engine needs from its surroundings: its Python packages (which are required, which
optional, and how a missing one is installed from inside QGIS) and the paths of its resource files.

May import: no other package of the engine (every other package may import this one).
"""
