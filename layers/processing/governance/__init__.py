"""Toolbox group *Governance*: hot areas and patrol plans for street offices."""
