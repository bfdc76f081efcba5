"""The grid centre's job as the dock's tabs: each step, what it is for, and the algorithms it runs.

One table drives the dock, its tests and its screenshots, so a new algorithm is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridgov.grid_ops.schema import GRID_CODE, STREET_CODE


@dataclass(frozen=True)
class Step:
    """One tab: its object name, title, purpose, the layer group its results go to, its algorithms."""

    name: str
    title: str
    note: str
    results_group: str
    algorithms: tuple[str, ...]


STEPS = (
    Step(
        "tab_grids",
        "Grids",
        "Load, build, split and validate grids, micro-grids and dedicated grids.",
        "Grid results",
        (
            "gridgov:importgrids",
            "gridgov:buildgrid",
            "gridgov:splitmicrogrids",
            "gridgov:validategrids",
            "gridgov:renumbergrids",
        ),
    ),
    Step(
        "tab_orders",
        "Orders",
        "Place 12345 orders, internet clues and inspection reports in the grid responsible for them "
        "(any coordinate system, or only an address), write the dispatch table, and find repeats.",
        "Order results",
        ("gridgov:geolocate", "gridgov:convertcoords", "gridgov:findrepeats", "gridgov:clues"),
    ),
    Step(
        "tab_analysis",
        "Analysis",
        "Where and when class cases concentrate: heatmaps (e.g. noise at night), counts and change per grid, "
        "and statistically significant hot spots.",
        "Analysis results",
        (
            "gridgov:classify",
            "gridgov:heatmap",
            "gridgov:gridstats",
            "gridgov:hotspots",
            "gridgov:emerginghotspots",
            "gridgov:timeprofile",
        ),
    ),
    Step(
        "tab_assess",
        "Assessment",
        "Close the loop (考评): rate every responsible unit on response, on-time closure, resolution and "
        "satisfaction per month, list the open orders past their deadline with their owners, and pick the month's "
        "topic (每月一题) from the class cases with most unresolved orders.",
        "Assessment results",
        ("gridgov:assessment",),
    ),
    Step(
        "tab_warning",
        "Early warning",
        "Act before people complain (未诉先办): forecast each grid's orders per class case, see where a class case "
        "is surging or turning up, and list the grids to treat before the next season (冬病夏治).",
        "Early-warning results",
        ("gridgov:earlywarning", "gridgov:forecast"),
    ),
    Step(
        "tab_patrol",
        "Patrol",
        "Turn hot spots into action: merge hot grids into ranked hot areas (the governance list), then plan "
        "each street office's patrol teams through its hot places in their hours.",
        "Patrol results",
        ("gridgov:hotareas", "gridgov:classsweep", "gridgov:patrolplan"),
    ),
    Step(
        "tab_print",
        "Print",
        "Print hotspot maps for the weekly review and the monthly topic meeting: one page per street office, "
        "community or hot area, most urgent first, every page on one colour scale, with a table of its worst "
        "grids (A4 / A3 templates you can edit in the layout designer).",
        "Print layers",
        ("gridgov:printmap",),
    ),
)

STEPS_BY_NAME = {step.name: step for step in STEPS}

#: Parameter name → the hierarchy level whose loaded layer a fresh form picks (levels as tagged by
#: ``layers.hierarchy``), so a grid manager who loaded the hierarchy need not hunt in every combo.
HIERARCHY_DEFAULTS = {
    "GRIDS": "grid",
    "MICROGRIDS": "microgrid",
    "DEDICATED": "dedicated",
    "COMMUNITIES": "community",
    "STREETS": "street",
    "ROSTER": "roster",
}
#: Per algorithm: its own names on top of HIERARCHY_DEFAULTS (None: leave the parameter alone).
ALGORITHM_DEFAULTS = {
    "gridgov:validategrids": {"INPUT": "grid"},
    "gridgov:renumbergrids": {"INPUT": "grid"},
    "gridgov:splitmicrogrids": {"INPUT": "grid"},
    "gridgov:patrolplan": {"INPUT": "grid"},
    "gridgov:printmap": {"GRIDS": None, "COVERAGE": "street"},  # the grids to print carry Gi* results
}


def hierarchy_defaults(algorithm_id: str) -> dict[str, str]:
    """Which parameters of ``algorithm_id`` default to which hierarchy level."""
    merged = {**HIERARCHY_DEFAULTS, **ALGORITHM_DEFAULTS.get(algorithm_id, {})}
    return {name: level for name, level in merged.items() if level}


#: Per algorithm: fields a layer parameter's layer is expected to have, for parameters that have no
#: field parameter saying so (the patrol teams table, the start points, the hot areas to print).
EXPECTED_FIELDS = {
    "gridgov:patrolplan": {"TEAMS": ["team_id", STREET_CODE, "team_name"], "START": [STREET_CODE, "name"]},
    "gridgov:printmap": {"HOT_AREAS": ["area_id", "grid_codes", "rank"], "TRENDS": ["pattern", GRID_CODE]},
}
