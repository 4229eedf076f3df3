"""LIFX lights: colour, kelvin, brightness that keeps zone and tile scenes, effects, Ceilings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
import math
from typing import Any

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_FLASH,
    ATTR_HS_COLOR,
    ATTR_TRANSITION,
    EFFECT_OFF,
    FLASH_LONG,
    FLASH_SHORT,
    ColorMode,
    LightEntity,
    LightEntityFeature,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator import Command, LifxConfigEntry, LifxCoordinator, LifxData
from .effects import MATRIX_EFFECTS, MULTIZONE_EFFECTS, async_start_effect
from .entity import LifxEntity
from .helpers import lifx_exception_handler
from .protocol import (
    LifxDevice,
    LightHsbk,
    degrees_to_hue,
    fraction_to_level,
    hue_to_degrees,
    level_to_fraction,
)
from .protocol.messages import LightWaveform

# Commands to one device are serialised by its coordinator; devices are independent.
PARALLEL_UPDATES = 0

# HA brightness is 1..255; LIFX brightness is 0..65535.
HA_MAX_BRIGHTNESS = 255
FLASH_PERIODS = {FLASH_SHORT: (0.5, 1.0), FLASH_LONG: (1.0, 5.0)}  # (period s, cycles)
CEILING_PRODUCTS = frozenset({176, 177, 201, 202})


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


def is_ceiling(coordinator: LifxCoordinator) -> bool:
    """A LIFX Ceiling: one matrix whose last zone is the uplight ring."""
    identity = coordinator.identity
    return (
        identity is not None
        and identity.product.product_id in CEILING_PRODUCTS
        and len(coordinator.chain) == 1
    )


def to_ha_brightness(level: int) -> int:
    """0..65535 -> 0..255."""
    return round(level * HA_MAX_BRIGHTNESS / 65535)


def from_ha_brightness(brightness: int) -> int:
    """0..255 -> 0..65535."""
    return fraction_to_level(brightness / HA_MAX_BRIGHTNESS)


def with_brightness(color: LightHsbk, brightness: int) -> LightHsbk:
    """The same colour at another brightness."""
    return LightHsbk(color.hue, color.saturation, brightness, color.kelvin)


def scale_brightness(colors: Sequence[LightHsbk], ratio: float) -> list[LightHsbk]:
    """Every zone dimmed or brightened by the same factor: the pattern stays."""
    return [with_brightness(c, max(0, min(65535, round(c.brightness * ratio)))) for c in colors]


class _LifxLightBase(LifxEntity, LightEntity):
    """Colour modes and attribute handling shared by whole lights and Ceiling parts."""

    def __init__(self, coordinator: LifxCoordinator, key: str) -> None:
        """Work out the colour modes the product really has."""
        super().__init__(coordinator, key)
        caps = coordinator.capabilities
        low, high = caps.temperature_range or (2500, 9000)
        self._attr_min_color_temp_kelvin = low
        self._attr_max_color_temp_kelvin = high
        modes: set[ColorMode] = set()
        if caps.color:
            modes.add(ColorMode.HS)
        if low < high:
            modes.add(ColorMode.COLOR_TEMP)
        if not modes:
            # A fixed-white bulb: it only dims.
            modes.add(ColorMode.BRIGHTNESS)
        self._attr_supported_color_modes = modes

    @property
    def _color(self) -> LightHsbk:
        raise NotImplementedError

    @property
    def brightness(self) -> int:
        """Brightness 0..255."""
        return to_ha_brightness(self._color.brightness)

    @property
    def color_mode(self) -> ColorMode:
        """HS when the light shows a colour, colour temperature when it shows white."""
        modes = self.supported_color_modes or set()
        if ColorMode.HS in modes and (
            self._color.saturation > 0 or ColorMode.COLOR_TEMP not in modes
        ):
            return ColorMode.HS
        if ColorMode.COLOR_TEMP in modes:
            return ColorMode.COLOR_TEMP
        return ColorMode.BRIGHTNESS

    @property
    def hs_color(self) -> tuple[float, float] | None:
        """Hue in degrees, saturation in percent."""
        return (
            round(hue_to_degrees(self._color.hue), 2),
            round(level_to_fraction(self._color.saturation) * 100, 2),
        )

    @property
    def color_temp_kelvin(self) -> int:
        """The white point, within the product's range."""
        return max(self.min_color_temp_kelvin, min(self.max_color_temp_kelvin, self._color.kelvin))

    def _target_color(
        self, kwargs: dict[str, Any], base: LightHsbk, *, lit: bool
    ) -> LightHsbk | None:
        """The colour a turn_on asks for, from `base`; None when it asks for no change."""
        hue, saturation, brightness, kelvin = base
        changed = False
        if ATTR_HS_COLOR in kwargs:
            degrees, percent = kwargs[ATTR_HS_COLOR]
            hue, saturation = degrees_to_hue(degrees), fraction_to_level(percent / 100)
            changed = True
        if ATTR_COLOR_TEMP_KELVIN in kwargs:
            kelvin = max(
                self.min_color_temp_kelvin,
                min(self.max_color_temp_kelvin, int(kwargs[ATTR_COLOR_TEMP_KELVIN])),
            )
            saturation = 0
            changed = True
        if ATTR_BRIGHTNESS in kwargs:
            brightness = from_ha_brightness(kwargs[ATTR_BRIGHTNESS])
            changed = True
        elif not lit and brightness == 0:
            # Turning on a light left at zero brightness would show nothing.
            brightness = 65535
            changed = True
        if not changed:
            return None
        return LightHsbk(hue, saturation, brightness, kelvin)


def transition_of(kwargs: dict[str, Any]) -> float:
    """The transition asked for, in seconds; refused before anything is sent if unusable.

    Home Assistant's schema clamps the range but lets NaN through.
    """
    duration = float(kwargs.get(ATTR_TRANSITION, 0))
    if not math.isfinite(duration) or duration < 0:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_transition",
            translation_placeholders={"value": str(kwargs.get(ATTR_TRANSITION))},
        )
    return duration


class LifxLight(_LifxLightBase):
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
        elif caps.multizone:
            effects = list(MULTIZONE_EFFECTS)
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
        return self.coordinator.data.effect or EFFECT_OFF

    @lifx_exception_handler
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn on, change colour or brightness, start an effect, or flash."""
        duration = transition_of(kwargs)
        coordinator = self.coordinator
        if ATTR_EFFECT in kwargs:
            await async_start_effect(coordinator, kwargs[ATTR_EFFECT])
            await coordinator.async_plan(lambda data: _power_on(data, duration))
            return
        if ATTR_FLASH in kwargs:
            flash = kwargs[ATTR_FLASH]
            await coordinator.async_plan(
                lambda data: self._flash(
                    flash,
                    self._target_color(kwargs, _whole_color(data), lit=data.power)
                    or _whole_color(data),
                )
            )
            return
        has_color = ATTR_HS_COLOR in kwargs or ATTR_COLOR_TEMP_KELVIN in kwargs

        def plan(data: LifxData) -> Command:
            was_on = data.power
            color = self._target_color(kwargs, _whole_color(data), lit=was_on)
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
        duration = transition_of(kwargs)

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


def _power_on(data: LifxData, duration: float) -> Command:
    """Switch a light on if it is off (after starting an effect)."""
    if data.power:
        return Command(_nothing)

    async def send(device: LifxDevice) -> None:
        await device.set_power(True, duration)

    return Command(send, lambda state: state.with_power(True))


async def _nothing(device: LifxDevice) -> None:
    """Send nothing."""


class LifxCeilingPart(_LifxLightBase):
    """The uplight (the ring, the last zone) or the downlight (every other zone) of a Ceiling.

    Each part changes only its own zones; the device's power follows: on when either part
    is lit, off when both are dark. Turning one part off dims its zones to black while the
    device stays on, so the other part never flashes.
    """

    _attr_entity_registry_enabled_default = False

    def __init__(self, coordinator: LifxCoordinator, part: str) -> None:
        """Bind to the uplight or downlight zones of the Ceiling's single tile."""
        super().__init__(coordinator, part)
        self._attr_translation_key = part
        self._attr_supported_features = LightEntityFeature.TRANSITION
        tile = coordinator.chain[0]
        last = tile.width * tile.height - 1
        self._zones = [last] if part == "uplight" else list(range(last))

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
            return Command(_nothing)

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
        duration = transition_of(kwargs)

        def plan(data: LifxData) -> Command:
            base = self._part_color(data)
            color = self._target_color(kwargs, base, lit=self._part_lit(data)) or base
            if color.brightness == 0:
                color = with_brightness(color, 65535)
            return self._paint(data, dict.fromkeys(self._zones, color), duration)

        await self.coordinator.async_plan(plan, transition=duration)

    @lifx_exception_handler
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Darken this part only; the device turns off once both parts are dark."""
        duration = transition_of(kwargs)

        def plan(data: LifxData) -> Command:
            dark = {i: with_brightness(data.tiles[0][i], 0) for i in self._zones}
            return self._paint(data, dark, duration)

        await self.coordinator.async_plan(plan, transition=duration)
