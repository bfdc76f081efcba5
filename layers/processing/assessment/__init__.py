"""Toolbox group *Assessment* (考评): every responsible unit rated on response, resolution and satisfaction."""
