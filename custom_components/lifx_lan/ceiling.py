"""The uplight and the downlight of a LIFX Ceiling, each a light of its own."""

from __future__ import annotations

from .coordinator import LifxCoordinator
from .parts import LifxTilePart


class LifxCeilingPart(LifxTilePart):
    """The uplight (the ring, one zone) or the downlight (every other zone) of a Ceiling.

    The two parts cover the whole tile: the Ceiling is on while either is lit.
    """

    def __init__(self, coordinator: LifxCoordinator, part: str, uplight: int) -> None:
        """Bind to the uplight zone, or every other zone, of the Ceiling's single tile."""
        tile = coordinator.chain[0]
        cells = range(tile.width * tile.height)
        zones = [uplight] if part == "uplight" else [i for i in cells if i != uplight]
        super().__init__(coordinator, part, zones, cells)
