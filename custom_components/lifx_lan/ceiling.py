"""The uplight and the downlight of a LIFX Ceiling, each a light of its own."""

from __future__ import annotations

from collections.abc import Sequence

from .coordinator import LifxCoordinator, LifxData
from .parts import LifxPartLight
from .protocol import LifxDevice, LightHsbk

CEILING_PRODUCTS = frozenset({176, 177, 201, 202})


def is_ceiling(coordinator: LifxCoordinator) -> bool:
    """A LIFX Ceiling: one matrix whose last zone is the uplight ring."""
    identity = coordinator.identity
    return (
        identity is not None
        and identity.product.product_id in CEILING_PRODUCTS
        and len(coordinator.chain) == 1
    )


class LifxCeilingPart(LifxPartLight):
    """The uplight (the ring, the last zone) or the downlight (every other zone) of a Ceiling.

    The two parts cover the whole tile: the Ceiling is on while either is lit.
    """

    _attr_entity_registry_enabled_default = False

    def __init__(self, coordinator: LifxCoordinator, part: str) -> None:
        """Bind to the uplight or downlight zones of the Ceiling's single tile."""
        tile = coordinator.chain[0]
        last = tile.width * tile.height - 1
        zones = [last] if part == "uplight" else list(range(last))
        super().__init__(coordinator, part, zones, range(last + 1))
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
