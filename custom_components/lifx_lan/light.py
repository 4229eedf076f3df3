"""LIFX lights: power, brightness, HS colour and colour temperature in kelvin, flash."""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_FLASH,
    ATTR_HS_COLOR,
    ATTR_TRANSITION,
    FLASH_LONG,
    FLASH_SHORT,
    ColorMode,
    LightEntity,
    LightEntityFeature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LifxConfigEntry, LifxCoordinator
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


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the light of a device that has one (a LIFX Switch has none)."""
    coordinator = entry.runtime_data
    if coordinator.capabilities.is_light:
        async_add_entities([LifxLight(coordinator)])


def to_ha_brightness(level: int) -> int:
    """0..65535 -> 0..255."""
    return round(level * HA_MAX_BRIGHTNESS / 65535)


def from_ha_brightness(brightness: int) -> int:
    """0..255 -> 0..65535."""
    return fraction_to_level(brightness / HA_MAX_BRIGHTNESS)


class LifxLight(LifxEntity, LightEntity):
    """The light of a LIFX device."""

    _attr_name = None
    _attr_translation_key = "light"
    _attr_supported_features = LightEntityFeature.TRANSITION | LightEntityFeature.FLASH

    def __init__(self, coordinator: LifxCoordinator) -> None:
        """Work out the colour modes the product really has."""
        super().__init__(coordinator, "light")
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
        color = self.coordinator.data.color
        assert color is not None
        return color

    @property
    def is_on(self) -> bool:
        """Whether the light is on."""
        return self.coordinator.data.power

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
        low = self.min_color_temp_kelvin
        high = self.max_color_temp_kelvin
        return max(low, min(high, self._color.kelvin))

    def _target_color(self, kwargs: dict[str, Any]) -> LightHsbk | None:
        """The colour a turn_on asks for, or None when it asks for no change of colour."""
        current = self._color
        hue, saturation, brightness, kelvin = current
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
        elif not self.is_on and brightness == 0:
            # Turning on a light left at zero brightness would show nothing.
            brightness = 65535
            changed = True
        if not changed:
            return None
        return LightHsbk(hue, saturation, brightness, kelvin)

    @lifx_exception_handler
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn on, change colour, or flash."""
        duration = float(kwargs.get(ATTR_TRANSITION, 0))
        color = self._target_color(kwargs)
        if ATTR_FLASH in kwargs:
            await self._flash(kwargs[ATTR_FLASH], color or self._color)
            return
        was_on = self.is_on
        target = color or self._color

        async def command(device: LifxDevice) -> None:
            if color is not None:
                # An off light takes its new colour instantly, then fades in with it.
                await device.set_color(color, duration if was_on else 0)
            if not was_on:
                await device.set_power(True, duration)

        await self.coordinator.async_command(command, power=True, color=target)

    @lifx_exception_handler
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn off, fading over the transition."""
        duration = float(kwargs.get(ATTR_TRANSITION, 0))

        async def command(device: LifxDevice) -> None:
            await device.set_power(False, duration)

        await self.coordinator.async_command(command, power=False)

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
