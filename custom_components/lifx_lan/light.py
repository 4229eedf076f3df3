"""LIFX lights: colour, kelvin, brightness that keeps zone and tile scenes, effects, flash."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.components.light import (
    ATTR_EFFECT,
    ATTR_FLASH,
    EFFECT_OFF,
    FLASH_LONG,
    FLASH_SHORT,
    LightEntity,
    LightEntityFeature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .ceiling import LifxCeilingPart, is_ceiling
from .colorloop import COLORLOOP, ColorLoop, LoopOptions
from .colors import ColorRequest, LifxColorLight, scale_brightness, with_brightness
from .coordinator import Command, LifxConfigEntry, LifxCoordinator, LifxData
from .effect_actions import async_pulse, async_stop_effects
from .effects import (
    COLORSWEEP,
    MATRIX_EFFECTS,
    MULTIZONE_EFFECTS,
    async_start_effect,
    has_colorsweep,
)
from .helpers import lifx_exception_handler
from .protocol import LifxDevice, LightHsbk
from .protocol.messages import LightWaveform

# Commands to one device are serialised by its coordinator; devices are independent.
PARALLEL_UPDATES = 0

FLASH_PERIODS = {FLASH_SHORT: (0.5, 1.0), FLASH_LONG: (1.0, 5.0)}  # (period s, cycles)
PULSE = "pulse"
# Effects Home Assistant runs on every colour light (firmware effects are the product's).
COLOR_EFFECTS = (COLORLOOP, PULSE)
# Core's names for the effects, as its lights' effect lists have them: taken as ours.
CORE_EFFECTS = {
    "effect_colorloop": COLORLOOP,
    "effect_pulse": PULSE,
    "effect_move": "move",
    "effect_morph": "morph",
    "effect_flame": "flame",
    "effect_sky": "sky_clouds",
    "effect_colorsweep": COLORSWEEP,
    "effect_stop": EFFECT_OFF,
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the light of a device that has one, and a Ceiling's uplight and downlight."""
    coordinator = entry.runtime_data
    if not coordinator.capabilities.is_light:
        return
    entities: list[LightEntity] = [LifxLight(coordinator)]
    if is_ceiling(coordinator):
        entities += [
            LifxCeilingPart(coordinator, "uplight"),
            LifxCeilingPart(coordinator, "downlight"),
        ]
    async_add_entities(entities)


class LifxLight(LifxColorLight):
    """The light of a LIFX device (the whole device for strips, tiles and Ceilings)."""

    _attr_name = None
    _attr_translation_key = "light"

    def __init__(self, coordinator: LifxCoordinator) -> None:
        """Add effects where the product has firmware effects."""
        super().__init__(coordinator, "light")
        caps = coordinator.capabilities
        features = LightEntityFeature.TRANSITION | LightEntityFeature.FLASH
        effects: list[str] = []
        if caps.matrix:
            effects = list(MATRIX_EFFECTS)
            if has_colorsweep(coordinator):
                effects.append(COLORSWEEP)
        elif caps.multizone:
            effects = list(MULTIZONE_EFFECTS)
        if caps.color:
            effects += COLOR_EFFECTS
        if effects:
            features |= LightEntityFeature.EFFECT
            self._attr_effect_list = [EFFECT_OFF, *effects]
        self._attr_supported_features = features

    @property
    def _color(self) -> LightHsbk:
        return _whole_color(self.coordinator.data)

    @property
    def is_on(self) -> bool:
        """Whether the light is on."""
        return self.coordinator.data.power

    @property
    def effect(self) -> str | None:
        """The running firmware effect."""
        if not self._attr_effect_list:
            return None
        if (software := self.coordinator.software_effect) is not None:
            return software.name
        return self.coordinator.data.effect or EFFECT_OFF

    @lifx_exception_handler
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn on, change colour or brightness, start an effect, or flash."""
        duration = self._transition(kwargs)
        coordinator = self.coordinator
        if ATTR_EFFECT in kwargs:
            await self._start_effect(kwargs[ATTR_EFFECT], duration)
            return
        if ATTR_FLASH in kwargs:
            flash = kwargs[ATTR_FLASH]
            await coordinator.async_plan(
                lambda data: self._flash(
                    flash,
                    self._turn_on_color(kwargs, _whole_color(data), lit=data.power)
                    or _whole_color(data),
                )
            )
            return
        has_color = ColorRequest.from_turn_on(kwargs).changes_color

        def plan(data: LifxData) -> Command:
            was_on = data.power
            color = self._turn_on_color(kwargs, _whole_color(data), lit=was_on)
            if color is not None and not has_color and (data.zones or data.tiles):
                return self._scale_scene(data, color.brightness, duration)

            async def send(device: LifxDevice) -> None:
                if color is not None:
                    # An off light takes its new colour instantly, then fades in with it.
                    await device.set_color(color, duration if was_on else 0)
                if not was_on:
                    await device.set_power(True, duration)

            def update(state: LifxData) -> LifxData:
                return (state if color is None else state.with_color(color)).with_power(True)

            return Command(send, update)

        await coordinator.async_plan(plan, transition=duration)

    async def _start_effect(self, name: str, duration: float) -> None:
        """Start an effect of the list (or by core's name for it), each with its defaults."""
        coordinator = self.coordinator
        effect = CORE_EFFECTS.get(name, name)
        if effect == EFFECT_OFF:
            await async_stop_effects([coordinator])
        elif effect == COLORLOOP and COLORLOOP in (self.effect_list or ()):
            await ColorLoop(self.hass, [coordinator], LoopOptions()).async_start()
        elif effect == PULSE and PULSE in (self.effect_list or ()):
            await async_pulse(self.hass, [coordinator], {"mode": "blink", "power_on": True})
        else:
            await async_start_effect(coordinator, effect, power_on=True, transition=duration)

    def _scale_scene(self, data: LifxData, brightness: int, duration: float) -> Command:
        """Change the brightness of a strip or tiles without wiping their pattern."""
        was_on = data.power
        base = _whole_color(data)
        current = base.brightness
        ratio = brightness / current if current else 1.0
        fade = duration if was_on else 0.0
        chain = self.coordinator.chain
        whole = with_brightness(base, brightness)
        zones = scale_brightness(data.zones, ratio) if current and data.zones else None
        tiles = (
            [scale_brightness(tile, ratio) for tile in data.tiles]
            if current and data.tiles and not data.zones
            else None
        )

        async def send(device: LifxDevice) -> None:
            if zones is not None:
                await device.set_zones(zones, duration=fade)
            elif tiles is not None:
                for tile, colors in zip(chain, tiles, strict=True):
                    await device.set_tile_colors(tile, colors, duration=fade)
            else:
                # Everything was black: no pattern to keep, so light it evenly.
                await device.set_color(whole, fade)
            if not was_on:
                await device.set_power(True, duration)

        def update(state: LifxData) -> LifxData:
            if zones is not None:
                state = state.with_zones(zones)
            elif tiles is not None:
                state = state.with_tiles(tiles)
            else:
                return state.with_color(whole).with_power(True)
            return replace(state, color=whole, power=True)

        return Command(send, update)

    @lifx_exception_handler
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn off, fading over the transition."""
        duration = self._transition(kwargs)

        async def send(device: LifxDevice) -> None:
            await device.set_power(False, duration)

        await self.coordinator.async_command(
            send, update=lambda state: state.with_power(False), transition=duration
        )

    @staticmethod
    def _flash(flash: str, color: LightHsbk) -> Command:
        period, cycles = FLASH_PERIODS.get(flash, FLASH_PERIODS[FLASH_SHORT])
        # Flash towards full brightness (or black when already bright) and back.
        peak = 0 if color.brightness > 32767 else 65535
        flash_color = LightHsbk(color.hue, color.saturation, peak, color.kelvin)

        async def send(device: LifxDevice) -> None:
            await device.set_waveform(
                flash_color,
                waveform=LightWaveform.PULSE,
                period=period,
                cycles=cycles,
                transient=True,
            )

        return Command(send)


def _whole_color(data: LifxData) -> LightHsbk:
    color = data.color
    assert color is not None
    return color
