"""The uplight and the downlight of a LIFX Ceiling, each a light of its own."""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import LightEntityFeature

from .colors import LifxColorLight, with_brightness
from .coordinator import Command, LifxCoordinator, LifxData
from .helpers import lifx_exception_handler
from .protocol import LifxDevice, LightHsbk


async def _send_nothing(device: LifxDevice) -> None:
    """Send nothing: the Ceiling is off and stays dark."""


class LifxCeilingPart(LifxColorLight):
    """The uplight (the ring, one zone) or the downlight (every other zone) of a Ceiling.

    Each part changes only its own zones; the device's power follows: on when either part
    is lit, off when both are dark. Turning one part off dims its zones to black while the
    device stays on, so the other part never flashes.
    """

    _attr_entity_registry_enabled_default = False

    def __init__(self, coordinator: LifxCoordinator, part: str, uplight: int) -> None:
        """Bind to the uplight zone, or every other zone, of the Ceiling's single tile."""
        super().__init__(coordinator, part)
        self._attr_translation_key = part
        self._attr_supported_features = LightEntityFeature.TRANSITION
        tile = coordinator.chain[0]
        self._zones = (
            [uplight]
            if part == "uplight"
            else [i for i in range(tile.width * tile.height) if i != uplight]
        )

    def _part_color(self, data: LifxData) -> LightHsbk:
        zones = [data.tiles[0][i] for i in self._zones]
        lit = [z for z in zones if z.brightness] or zones
        return max(lit, key=lambda z: z.brightness)

    def _part_lit(self, data: LifxData) -> bool:
        return data.power and any(data.tiles[0][i].brightness for i in self._zones)

    @property
    def _color(self) -> LightHsbk:
        return self._part_color(self.coordinator.data)

    @property
    def is_on(self) -> bool:
        """Lit: the device is on and one of this part's zones is not black."""
        return self._part_lit(self.coordinator.data)

    def _paint(self, data: LifxData, colors: dict[int, LightHsbk], duration: float) -> Command:
        """Paint the part's zones, on the frame the commands before this one left."""
        tile = self.coordinator.chain[0]
        device_on = data.power
        frame = list(data.tiles[0])
        if not device_on:
            # The other part showed nothing while the device was off: keep it dark.
            frame = [with_brightness(z, 0) for z in frame]
        for index, color in colors.items():
            frame[index] = color
        lit = any(z.brightness for z in frame)
        if not device_on and not lit:
            return Command(_send_nothing)

        async def send(device: LifxDevice) -> None:
            if device_on or lit:
                await device.set_tile_colors(tile, frame, duration=duration if device_on else 0)
            if lit != device_on:
                # The first part lit switches the Ceiling on; the last one dark, off.
                await device.set_power(lit, duration)

        return Command(send, lambda state: state.with_tiles([frame]).with_power(lit))

    @lifx_exception_handler
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Light this part only."""
        duration = self._transition(kwargs)

        def plan(data: LifxData) -> Command:
            base = self._part_color(data)
            color = self._turn_on_color(kwargs, base, lit=self._part_lit(data)) or base
            if color.brightness == 0:
                color = with_brightness(color, 65535)
            return self._paint(data, dict.fromkeys(self._zones, color), duration)

        await self.coordinator.async_plan(plan, transition=duration)

    @lifx_exception_handler
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Darken this part only; the device turns off once both parts are dark."""
        duration = self._transition(kwargs)

        def plan(data: LifxData) -> Command:
            dark = {i: with_brightness(data.tiles[0][i], 0) for i in self._zones}
            return self._paint(data, dark, duration)

        await self.coordinator.async_plan(plan, transition=duration)
