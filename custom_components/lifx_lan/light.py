"""LIFX lights: colour, kelvin, brightness that keeps zone and tile scenes, effects, flash."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.components.light import (
    ATTR_EFFECT,
    ATTR_FLASH,
    EFFECT_OFF,
    LightEntity,
    LightEntityFeature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .ceiling import LifxCeilingPart
from .colorloop import COLORLOOP, ColorLoop, LoopOptions
from .colors import ColorRequest, LifxColorLight, scale_brightness, with_brightness
from .coordinator import Command, LifxConfigEntry, LifxCoordinator, LifxData
from .effect_actions import async_pulse, async_stop_effects
from .effects import COLORSWEEP, async_start_effect, flash_command, has_colorsweep
from .helpers import lifx_exception_handler
from .mirror import LifxMirrorRing, mirror_rings
from .protocol import LifxDevice, LightHsbk
from .protocol.state import MATRIX_EFFECTS, MULTIZONE_EFFECTS
from .segments import LifxSegment, Segment, segments_of

# Commands to one device are serialised by its coordinator; devices are independent.
PARALLEL_UPDATES = 0

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
    """Add the light of a device that has one, a Ceiling's or a Mirror's parts, segments."""
    coordinator = entry.runtime_data
    if not coordinator.capabilities.is_light:
        return
    entities: list[LightEntity] = [LifxLight(coordinator)]
    # A Ceiling is known by its product data, which names the zone of its uplight ring.
    if (uplight := coordinator.set_up_profile.uplight_zone) is not None:
        entities += [
            LifxCeilingPart(coordinator, "uplight", uplight),
            LifxCeilingPart(coordinator, "downlight", uplight),
        ]
    rings = mirror_rings(coordinator)
    entities += [LifxMirrorRing(coordinator, ring, rings) for ring in rings]
    segments = _async_segments(hass, entry)
    every_part = {zone for segment in segments for zone in segment.zones}
    entities += [LifxSegment(coordinator, segment, every_part) for segment in segments]
    async_add_entities(entities)

    async def reload_on_new_segments(hass: HomeAssistant, entry: LifxConfigEntry) -> None:
        # Segments are entities: changed in the options, the device is set up again.
        if segments_of(entry) != segments:
            hass.config_entries.async_schedule_reload(entry.entry_id)

    entry.async_on_unload(entry.add_update_listener(reload_on_new_segments))


def _async_segments(hass: HomeAssistant, entry: LifxConfigEntry) -> list[Segment]:
    """The strip's segments that fit its zones; lights of segments since removed go."""
    coordinator = entry.runtime_data
    zone_count = len(coordinator.data.zones) if coordinator.capabilities.multizone else 0
    segments = [s for s in segments_of(entry) if s.last < zone_count]
    wanted = {f"{coordinator.serial}_{s.key}" for s in segments}
    registry = er.async_get(hass)
    for registered in er.async_entries_for_config_entry(registry, entry.entry_id):
        unique_id = registered.unique_id
        if unique_id.startswith(f"{coordinator.serial}_segment_") and unique_id not in wanted:
            registry.async_remove(registered.entity_id)
    return segments


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
                lambda data: flash_command(
                    flash,
                    self._turn_on_color(kwargs, _whole_color(data), lit=data.power)
                    or _whole_color(data),
                )
            )
            return
        has_color = ColorRequest.from_turn_on(kwargs).changes_color

        def plan(data: LifxData) -> Command:
            was_on = data.power
            base = _whole_color(data)
            if _all_black(data):
                # Every zone dark (each segment or Ceiling part turned off): on means lit.
                base = with_brightness(base, 0)
            color = self._turn_on_color(kwargs, base, lit=was_on)
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
        # With every zone black there is no pattern to keep
        current = 0 if _all_black(data) else base.brightness
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


def _whole_color(data: LifxData) -> LightHsbk:
    color = data.color
    assert color is not None
    return color


def _all_black(data: LifxData) -> bool:
    """Whether the device has zones or cells and every one of them is black."""
    cells = [*data.zones, *(cell for tile in data.tiles for cell in tile)]
    return bool(cells) and not any(cell.brightness for cell in cells)
