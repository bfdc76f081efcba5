"""Toolbox group *Early warning* (预警): forecasts per grid and class case, alerts before complaints
rise, the season-ahead list."""
