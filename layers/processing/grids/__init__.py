"""Toolbox group *Grids*: build, import, renumber, split and validate grids."""
