"""Toolbox group *Print*: hotspot maps as PDF or PNG."""
