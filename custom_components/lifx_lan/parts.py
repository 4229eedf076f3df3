"""A light made of some of a device's zones: a Ceiling's or a Mirror's part, a strip segment.

Each part changes only its own zones; the device's power follows its parts: on when any
part is lit, off when every part is dark. Turning one part off dims its zones to black
while the device stays on, so the others never flash; turning one on while the device is
off lights that part alone, the rest dark.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from homeassistant.components.light import LightEntityFeature

from .colors import ColorRequest, LifxColorLight, scale_brightness, with_brightness
from .coordinator import Command, LifxCoordinator, LifxData
from .helpers import lifx_exception_handler
from .protocol import LifxDevice, LightHsbk, fraction_to_level


class LifxPartLight(LifxColorLight):
    """Some zones of a device, as a light of their own (see the module's docstring).

    A subclass says where the zones are (a strip's zones, a tile's cells), how to send a
    frame of them and how the state looks once it is sent.
    """

    def __init__(
        self,
        coordinator: LifxCoordinator,
        key: str,
        zones: Sequence[int],
        every_part: Collection[int],
    ) -> None:
        """Bind to `zones`; `every_part` is every zone of every part of the device."""
        super().__init__(coordinator, key)
        self._attr_supported_features = LightEntityFeature.TRANSITION
        self._zones = list(zones)
        self._every_part = frozenset(every_part)

    def _frame(self, data: LifxData) -> Sequence[LightHsbk]:
        """Every zone of the surface the parts share."""
        raise NotImplementedError

    async def _send(
        self, device: LifxDevice, frame: Sequence[LightHsbk], whole: bool, duration: float
    ) -> None:
        """Send the frame: only this part's zones, or (whole) every zone."""
        raise NotImplementedError

    def _with_frame(self, state: LifxData, frame: Sequence[LightHsbk]) -> LifxData:
        """The state once the frame shows."""
        raise NotImplementedError

    def _part_color(self, data: LifxData) -> LightHsbk:
        frame = self._frame(data)
        zones = [frame[i] for i in self._zones]
        lit = [z for z in zones if z.brightness] or zones
        return max(lit, key=lambda z: z.brightness)

    def _part_lit(self, data: LifxData) -> bool:
        frame = self._frame(data)
        return data.power and any(frame[i].brightness for i in self._zones)

    @property
    def _color(self) -> LightHsbk:
        return self._part_color(self.coordinator.data)

    @property
    def is_on(self) -> bool:
        """Lit: the device is on and one of this part's zones is not black."""
        return self._part_lit(self.coordinator.data)

    def _paint(self, data: LifxData, colors: dict[int, LightHsbk], duration: float) -> Command:
        """Paint the part's zones, on the frame the commands before this one left."""
        device_on = data.power
        frame = list(self._frame(data))
        if not device_on:
            # The other parts showed nothing while the device was off: keep them dark.
            frame = [with_brightness(z, 0) for z in frame]
        for index, color in colors.items():
            frame[index] = color
        lit = any(frame[i].brightness for i in self._every_part)
        if not device_on and not lit:
            return Command.nothing()

        async def send(device: LifxDevice) -> None:
            if device_on:
                await self._send(device, frame, False, duration)
            elif lit:
                # Instantly, while the device is still off; the power then fades it in.
                await self._send(device, frame, True, 0)
            if lit != device_on:
                # The first part lit switches the device on; the last one dark, off.
                await device.set_power(lit, duration)

        return Command(send, lambda state: self._with_frame(state, frame).with_power(lit))

    @lifx_exception_handler
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Light this part only."""
        duration = self._transition(kwargs)
        request = ColorRequest.from_turn_on(kwargs)

        def plan(data: LifxData) -> Command:
            base = self._part_color(data)
            if not request.changes_color and base.brightness:
                # Brightness alone (or nothing): the part's picture (a gradient, cells
                # painted by lifx_lan.set_cells) stays, dimmed or brightened as a whole.
                target = request.brightness
                ratio = 1.0 if target is None else fraction_to_level(target) / base.brightness
                frame = self._frame(data)
                zones = scale_brightness([frame[i] for i in self._zones], ratio)
                return self._paint(data, dict(zip(self._zones, zones, strict=True)), duration)
            color = self._turn_on_color(kwargs, base, lit=self._part_lit(data)) or base
            if color.brightness == 0:
                color = with_brightness(color, 65535)
            return self._paint(data, dict.fromkeys(self._zones, color), duration)

        await self.coordinator.async_plan(plan, transition=duration)

    @lifx_exception_handler
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Darken this part only; the device turns off once every part is dark."""
        duration = self._transition(kwargs)

        def plan(data: LifxData) -> Command:
            frame = self._frame(data)
            dark = {i: with_brightness(frame[i], 0) for i in self._zones}
            return self._paint(data, dark, duration)

        await self.coordinator.async_plan(plan, transition=duration)


class LifxTilePart(LifxPartLight):
    """Some cells of a device's one tile, as a light of its own (a Ceiling's, a Mirror's).

    `key` is the part's unique-id key and translation key. Like their device, whose whole
    light stays, these are disabled by default.
    """

    _attr_entity_registry_enabled_default = False

    def __init__(
        self,
        coordinator: LifxCoordinator,
        key: str,
        cells: Sequence[int],
        every_part: Collection[int],
    ) -> None:
        """Bind to `cells` (y * width + x) of the device's one tile."""
        super().__init__(coordinator, key, cells, every_part)
        self._attr_translation_key = key

    def _frame(self, data: LifxData) -> Sequence[LightHsbk]:
        return data.tiles[0]

    async def _send(
        self, device: LifxDevice, frame: Sequence[LightHsbk], whole: bool, duration: float
    ) -> None:
        # A Set64 carries whole rows, and the parts share rows: the whole tile goes.
        await device.set_tile_colors(self.coordinator.chain[0], frame, duration=duration)

    def _with_frame(self, state: LifxData, frame: Sequence[LightHsbk]) -> LifxData:
        return state.with_tiles([frame])
