"""The uplight and the downlight of a LIFX Ceiling, each a light of its own."""

from __future__ import annotations

from collections.abc import Sequence

from .coordinator import LifxCoordinator, LifxData
from .parts import LifxPartLight
from .protocol import LifxDevice, LightHsbk


class LifxCeilingPart(LifxPartLight):
    """The uplight (the ring, one zone) or the downlight (every other zone) of a Ceiling.

    The two parts cover the whole tile: the Ceiling is on while either is lit.
    """

    _attr_entity_registry_enabled_default = False

    def __init__(self, coordinator: LifxCoordinator, part: str, uplight: int) -> None:
        """Bind to the uplight zone, or every other zone, of the Ceiling's single tile."""
        tile = coordinator.chain[0]
        cells = range(tile.width * tile.height)
        zones = [uplight] if part == "uplight" else [i for i in cells if i != uplight]
        super().__init__(coordinator, part, zones, cells)
        self._attr_translation_key = part

    def _frame(self, data: LifxData) -> Sequence[LightHsbk]:
        return data.tiles[0]

    async def _send(
        self, device: LifxDevice, frame: Sequence[LightHsbk], whole: bool, duration: float
    ) -> None:
        # A Set64 carries whole rows, and the uplight shares its row with the downlight.
        await device.set_tile_colors(self.coordinator.chain[0], frame, duration=duration)

    def _with_frame(self, state: LifxData, frame: Sequence[LightHsbk]) -> LifxData:
        return state.with_tiles([frame])
