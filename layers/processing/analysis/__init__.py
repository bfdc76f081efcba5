"""Toolbox group *Analysis*: classify, heatmaps, counts per grid, Gi* and emerging hot spots, time profiles."""
