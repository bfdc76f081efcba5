"""How a cancelled run ends: one exception, one message, wherever the cancel is noticed (reading,
writing, COPY, the engine's callbacks), so Processing and the dock report it the same way."""

from __future__ import annotations

from qgis.core import QgsProcessingException

from gridgov.layers.runtime.translation import tr


def raise_cancelled() -> None:
    """End the run as cancelled (its outputs are removed by ``RunOutputs.guard``)."""
    raise QgsProcessingException(tr("Cancelled: nothing was written"))
