"""Toolbox group *Work orders*: convert coordinates, place orders with their responsible unit, find repeats."""
