"""LIFX lights: colour, kelvin, brightness that keeps zone and tile scenes, effects, Ceilings."""

from __future__ import annotations

from collections.abc import Sequence
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
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LifxConfigEntry, LifxCoordinator
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

    def _target_color(self, kwargs: dict[str, Any], *, lit: bool) -> LightHsbk | None:
        """The colour a turn_on asks for, or None when it asks for no change of colour."""
        hue, saturation, brightness, kelvin = self._color
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
        color = self.coordinator.data.color
        assert color is not None
        return color

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
        duration = float(kwargs.get(ATTR_TRANSITION, 0))
        was_on = self.is_on
        if ATTR_EFFECT in kwargs:
            await async_start_effect(self.coordinator, kwargs[ATTR_EFFECT])
            if not was_on:
                await self.coordinator.async_command(
                    lambda device: device.set_power(True, duration), power=True
                )
            return
        color = self._target_color(kwargs, lit=was_on)
        if ATTR_FLASH in kwargs:
            await self._flash(kwargs[ATTR_FLASH], color or self._color)
            return
        data = self.coordinator.data
        brightness_only = (
            color is not None
            and ATTR_HS_COLOR not in kwargs
            and ATTR_COLOR_TEMP_KELVIN not in kwargs
            and (data.zones or data.tiles)
        )
        if brightness_only and color is not None:
            await self._scale_scene(color.brightness, duration, was_on)
            return
        target = color or self._color

        async def command(device: LifxDevice) -> None:
            if color is not None:
                # An off light takes its new colour instantly, then fades in with it.
                await device.set_color(color, duration if was_on else 0)
            if not was_on:
                await device.set_power(True, duration)

        await self.coordinator.async_command(command, transition=duration, power=True, color=target)

    async def _scale_scene(self, brightness: int, duration: float, was_on: bool) -> None:
        """Change the brightness of a strip or tiles without wiping their pattern."""
        coordinator = self.coordinator
        data = coordinator.data
        current = self._color.brightness
        ratio = brightness / current if current else 1.0
        zones = scale_brightness(data.zones, ratio) if current else None
        tiles = [scale_brightness(tile, ratio) for tile in data.tiles] if current else None
        fade = duration if was_on else 0.0
        chain = coordinator.chain

        async def command(device: LifxDevice) -> None:
            if zones is not None and data.zones:
                await device.set_zones(zones, duration=fade)
            elif tiles is not None:
                for tile, colors in zip(chain, tiles, strict=True):
                    await device.set_tile_colors(tile, colors, duration=fade)
            else:
                # Everything was black: no pattern to keep, so light it evenly.
                await device.set_color(
                    LightHsbk(
                        self._color.hue, self._color.saturation, brightness, self._color.kelvin
                    ),
                    fade,
                )
            if not was_on:
                await device.set_power(True, duration)

        changes: dict[str, Any] = {
            "power": True,
            "color": LightHsbk(
                self._color.hue, self._color.saturation, brightness, self._color.kelvin
            ),
        }
        if zones is not None and data.zones:
            changes["zones"] = tuple(zones)
        if tiles is not None and data.tiles:
            changes["tiles"] = tuple(tuple(t) for t in tiles)
        await coordinator.async_command(command, transition=duration, **changes)

    @lifx_exception_handler
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn off, fading over the transition."""
        duration = float(kwargs.get(ATTR_TRANSITION, 0))

        async def command(device: LifxDevice) -> None:
            await device.set_power(False, duration)

        await self.coordinator.async_command(command, transition=duration, power=False)

    async def _flash(self, flash: str, color: LightHsbk) -> None:
        period, cycles = FLASH_PERIODS.get(flash, FLASH_PERIODS[FLASH_SHORT])
        # Flash towards full brightness (or black when already bright) and back.
        peak = 0 if color.brightness > 32767 else 65535
        flash_color = LightHsbk(color.hue, color.saturation, peak, color.kelvin)

        async def command(device: LifxDevice) -> None:
            await device.set_waveform(
                flash_color,
                waveform=LightWaveform.PULSE,
                period=period,
                cycles=cycles,
                transient=True,
            )

        await self.coordinator.async_command(command)


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

    @property
    def _tile(self) -> tuple[LightHsbk, ...]:
        return self.coordinator.data.tiles[0]

    @property
    def _color(self) -> LightHsbk:
        zones = [self._tile[i] for i in self._zones]
        lit = [z for z in zones if z.brightness] or zones
        brightest = max(lit, key=lambda z: z.brightness)
        return brightest

    @property
    def is_on(self) -> bool:
        """Lit: the device is on and one of this part's zones is not black."""
        return self.coordinator.data.power and any(self._tile[i].brightness for i in self._zones)

    async def _paint(self, colors: dict[int, LightHsbk], duration: float, power: bool) -> None:
        coordinator = self.coordinator
        tile = coordinator.chain[0]
        device_on = coordinator.data.power
        frame = list(self._tile)
        if not device_on:
            # The other part showed nothing while the device was off: keep it dark.
            frame = [with_brightness(z, 0) for z in frame]
        others_lit = any(frame[i].brightness for i in range(len(frame)) if i not in colors)
        if not power and not others_lit:
            # The last lit part goes dark: switch the device off and keep its scene, so
            # turning the whole light on again brings both parts back as they were.
            await coordinator.async_command(
                lambda device: device.set_power(False, duration),
                transition=duration,
                power=False,
            )
            return
        for index, color in colors.items():
            frame[index] = color

        async def command(device: LifxDevice) -> None:
            await device.set_tile_colors(tile, frame, duration=duration if device_on else 0)
            if not device_on:
                await device.set_power(True, duration)

        await coordinator.async_command(
            command, transition=duration, power=True, tiles=(tuple(frame),)
        )

    @lifx_exception_handler
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Light this part only."""
        duration = float(kwargs.get(ATTR_TRANSITION, 0))
        color = self._target_color(kwargs, lit=self.is_on) or self._color
        if color.brightness == 0:
            color = with_brightness(color, 65535)
        await self._paint(dict.fromkeys(self._zones, color), duration, True)

    @lifx_exception_handler
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Darken this part only; the device turns off once both parts are dark."""
        duration = float(kwargs.get(ATTR_TRANSITION, 0))
        dark = {
            i: LightHsbk(self._tile[i].hue, self._tile[i].saturation, 0, self._tile[i].kelvin)
            for i in self._zones
        }
        await self._paint(dark, duration, False)
