"""What a geolocation is asked to do (``gridgov:geolocate``), as one typed request.

The toolbox parses its parameters into a :class:`GeolocateRequest` once; the engine's pipeline
(``placement.Placement``) and the PostGIS backend both take that same object, so neither reads a
parameter again and both see the same defaults. The request holds values only: the layers (orders,
unit layers, gazetteer, roster, class-case table) are read by the data path.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from gridgov.grid_ops.orders.gazetteer import DEFAULT_THRESHOLD
from gridgov.grid_ops.responsibility.geolocate import DEFAULT_TOLERANCE
from gridgov.grid_ops.schema import COMMUNITY_CODE, DEDICATED_CODE, GRID_CODE, MICRO_CODE, STREET_CODE

#: The unit layers by their name in :class:`UnitCodeFields`, in the order of responsibility's levels.
UNIT_KEYS = ("grids", "microgrids", "dedicated", "communities", "streets")


@dataclass(frozen=True)
class UnitCodeFields:
    """The code field of each unit layer: the one chosen, else the standard name. A layer without it
    falls back to a field named like a code (the layer side's ``code_field_of``)."""

    grids: str = GRID_CODE
    microgrids: str = MICRO_CODE
    dedicated: str = DEDICATED_CODE
    communities: str = COMMUNITY_CODE
    streets: str = STREET_CODE

    def of(self, key: str) -> str:
        """The code field of the unit layer ``key`` (one of :data:`UNIT_KEYS`)."""
        return getattr(self, key)


@dataclass(frozen=True)
class GeolocateRequest:
    """A geolocation as the toolbox, the dock or a script asks for it (``gridgov:geolocate``).

    Order fields left empty are guessed from the column names (a point layer's positions then come
    from its geometry); ``coord_sys`` empty means the point layer's CRS, else WGS 84.
    """

    x_field: str = ""
    y_field: str = ""
    #: The coordinate system of each row (a field); else ``coord_sys`` applies to all rows.
    coord_sys_field: str = ""
    address_field: str = ""
    #: The class case of each order (chooses the dedicated grid that takes it).
    category_field: str = ""
    #: wgs84, gcj02, bd09, cgcs2000 or EPSG:n, for all rows ('' : see above).
    coord_sys: str = ""
    code_fields: UnitCodeFields = dataclasses.field(default_factory=UnitCodeFields)
    #: The micro-grids' field holding their grid's code.
    micro_parent_field: str = GRID_CODE
    #: The dedicated grids' priority (1 = highest) and the class cases they take (empty: all).
    priority_field: str = "priority"
    cases_field: str = "case_groups"
    gazetteer_field: str = "address"
    #: Metres from the nearest grid within which an order outside every grid still goes to it.
    tolerance: float = DEFAULT_TOLERANCE
    #: The lowest score (0-1) of a gazetteer address that places an order without coordinates.
    address_threshold: float = DEFAULT_THRESHOLD
    #: Inspection reports: the inspector's own grid (flags ``outside_own``) and the inspector.
    own_grid_field: str = ""
    inspector_field: str = ""
    #: Whether the inspectors' coverage is wanted (written only with both inspection fields).
    coverage: bool = False
    #: Where the dispatch table per responsible unit goes (.xlsx or .csv); '' : none.
    dispatch: str = ""

    @property
    def wants_coverage(self) -> bool:
        """The inspectors' coverage is asked for and can be measured."""
        return bool(self.coverage and self.inspector_field and self.own_grid_field)
