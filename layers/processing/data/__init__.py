"""Toolbox group *Data*: the built-in demo city."""
