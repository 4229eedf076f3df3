"""The front and the back ring of a LIFX Mirror, each a light of its own."""

from __future__ import annotations

from .coordinator import LifxCoordinator
from .parts import LifxTilePart

# Where the Mirror's two rings lie on its one 4 x 13 tile. LIFX's product data does not say;
# these are the facts of lifx-async 7.13.1 (lifx/products/quirks.py: the zone map LIFX's
# firmware team gave, checked on hardware), the library of Home Assistant 2026.11's core
# LIFX integration, whose Mirror has the same two parts. Columns 0 and 1 carry the front
# ring (25 zones, facing the room), columns 2 and 3 the back ring (25 zones, facing the
# wall); the first row's cells (1, 0) and (3, 0) have no LED and belong to neither.
MIRROR_PRODUCT_IDS = frozenset({267, 268})
MIRROR_TILE_SIZE = (4, 13)
MIRROR_RING_COLUMNS = {"front": (0, 1), "back": (2, 3)}
MIRROR_CELLS_WITHOUT_LED = frozenset({(1, 0), (3, 0)})


def mirror_rings(coordinator: LifxCoordinator) -> dict[str, list[int]]:
    """The cells (y * width + x) of each ring of a Mirror; nothing for any other device."""
    chain, product = coordinator.chain, coordinator.identity.product
    if (
        not product.known  # another vendor's product of the same id
        or product.product_id not in MIRROR_PRODUCT_IDS
        or len(chain) != 1
        or (chain[0].width, chain[0].height) != MIRROR_TILE_SIZE
    ):
        return {}
    width, height = MIRROR_TILE_SIZE
    return {
        ring: [
            y * width + x
            for y in range(height)
            for x in columns
            if (x, y) not in MIRROR_CELLS_WITHOUT_LED
        ]
        for ring, columns in MIRROR_RING_COLUMNS.items()
    }


class LifxMirrorRing(LifxTilePart):
    """The front or the back ring of a Mirror: the Mirror is on while either is lit."""

    def __init__(
        self, coordinator: LifxCoordinator, ring: str, rings: dict[str, list[int]]
    ) -> None:
        """Bind to one ring's cells, of `rings` (what `mirror_rings` found)."""
        every_ring = [cell for cells in rings.values() for cell in cells]
        super().__init__(coordinator, ring, rings[ring], every_ring)
