"""StyleOnLoad: post-processors live until Processing has called them, and no longer (issue 25: the
class-level list grew for the whole session)."""

from __future__ import annotations

from qgis.core import QgsVectorLayer

from gridgov.layers.styling.layer_styles import StyleOnLoad


def test_a_used_post_processor_is_dropped_when_the_next_is_made(qgis_app, monkeypatch):
    monkeypatch.setattr(StyleOnLoad, "_alive", [])
    first, second = StyleOnLoad.make("grids", "A"), StyleOnLoad.make("grids", "B")
    layer = QgsVectorLayer("Polygon?crs=EPSG:4547&field=grid_code:string", "grids", "memory")
    first.postProcessLayer(layer, None, None)
    assert layer.name() == "A"
    assert first in StyleOnLoad._alive  # never dropped inside its own call
    third = StyleOnLoad.make("grids", "C")
    assert StyleOnLoad._alive == [second, third]


def test_post_processors_never_called_are_kept_up_to_a_bound(qgis_app, monkeypatch):
    monkeypatch.setattr(StyleOnLoad, "_alive", [])
    monkeypatch.setattr(StyleOnLoad, "WAITING", 5)
    made = [StyleOnLoad.make("grids", str(i)) for i in range(50)]
    assert StyleOnLoad._alive == made[-5:]
