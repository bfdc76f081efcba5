"""PostGIS push-down: when the inputs are tables of one PostGIS database, the work runs there as SQL."""
