"""Colour between Home Assistant and LIFX: a colour asked for, and one shown as a light."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
import math
from typing import Any

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_HS_COLOR,
    ATTR_TRANSITION,
    ColorMode,
    LightEntity,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import color as color_util

from .const import DOMAIN
from .coordinator import LifxCoordinator
from .entity import LifxEntity
from .protocol import (
    Capabilities,
    LightHsbk,
    degrees_to_hue,
    fraction_to_level,
    hue_to_degrees,
    level_to_fraction,
)
from .protocol.products import DEFAULT_TEMPERATURE_RANGE

# HA brightness is 0..255; LIFX brightness is 0..65535.
HA_MAX_BRIGHTNESS = 255
MAX_LEVEL = 65535
# What a light with no colour yet is painted from: white, full brightness.
DEFAULT_BASE = LightHsbk(0, 0, MAX_LEVEL, 3500)


def kelvin_range(capabilities: Capabilities) -> tuple[int, int]:
    """The white points the product takes (every LIFX light has a range in products.json)."""
    return capabilities.temperature_range or DEFAULT_TEMPERATURE_RANGE


def to_ha_brightness(level: int) -> int:
    """0..65535 -> 0..255."""
    return round(level * HA_MAX_BRIGHTNESS / MAX_LEVEL)


def with_brightness(color: LightHsbk, brightness: int) -> LightHsbk:
    """The same colour at another brightness."""
    return LightHsbk(color.hue, color.saturation, brightness, color.kelvin)


def scale_brightness(colors: Sequence[LightHsbk], ratio: float) -> list[LightHsbk]:
    """Every zone dimmed or brightened by the same factor: the pattern stays."""
    return [with_brightness(c, max(0, min(MAX_LEVEL, round(c.brightness * ratio)))) for c in colors]


@dataclass(frozen=True, slots=True, kw_only=True)
class ColorRequest:
    """The parts of a colour a light's turn_on or an action asks for; None keeps the base's."""

    hs: tuple[float, float] | None = None  # hue in degrees, saturation in percent
    brightness: float | None = None  # 0..1
    brightness_step: float | None = None  # -1..1, added to the base's brightness
    kelvin: int | None = None
    white: bool = False  # white at the base's white point: no saturation, hue and kelvin kept

    @classmethod
    def from_turn_on(cls, kwargs: Mapping[str, Any]) -> ColorRequest:
        """What a light's turn_on asks for (brightness 0..255)."""
        brightness = kwargs.get(ATTR_BRIGHTNESS)
        kelvin = kwargs.get(ATTR_COLOR_TEMP_KELVIN)
        return cls(
            hs=kwargs.get(ATTR_HS_COLOR),
            brightness=None if brightness is None else brightness / HA_MAX_BRIGHTNESS,
            kelvin=None if kelvin is None else int(kelvin),
        )

    @classmethod
    def from_action(
        cls,
        data: Mapping[str, Any],
        white_points: tuple[int, int] = DEFAULT_TEMPERATURE_RANGE,
    ) -> ColorRequest:
        """What an action's colour fields ask for: light.turn_on's words, and `kelvin`.

        Colours in RGB, RGBW, RGBWW, xy or by name become hue and saturation as Home
        Assistant's own lights convert them for a light without those colour modes (RGBWW
        by the white points of the product); the fields were checked (one of each kind)
        before. `white` is white at the light's white point, at its brightness if a number;
        `color_temp` is mireds, as core's set_state took them before Home Assistant 2026.1.
        """
        hs: tuple[float, float] | None = data.get("hs_color")
        if (rgb := data.get("rgb_color")) is not None:
            hs = color_util.color_RGB_to_hs(*rgb)
        elif (rgbw := data.get("rgbw_color")) is not None:
            hs = color_util.color_RGB_to_hs(*color_util.color_rgbw_to_rgb(*rgbw))
        elif (rgbww := data.get("rgbww_color")) is not None:
            red, green, blue, cold, warm = rgbww
            rgb = color_util.color_rgbww_to_rgb(red, green, blue, cold, warm, *white_points)
            hs = color_util.color_RGB_to_hs(*rgb)
        elif (xy := data.get("xy_color")) is not None:
            hs = color_util.color_xy_to_hs(*xy)
        elif (name := data.get("color_name")) is not None:
            hs = color_util.color_RGB_to_hs(*color_util.color_name_to_rgb(name))
        white = data.get("white")
        brightness: float | None = None
        if (percent := data.get("brightness_pct")) is not None:
            brightness = percent / 100
        elif (level := data.get(ATTR_BRIGHTNESS)) is not None:
            brightness = level / HA_MAX_BRIGHTNESS
        elif white is not None and white is not True:
            # As Home Assistant's lights take it: a number is the white's brightness.
            brightness = white / HA_MAX_BRIGHTNESS
        step: float | None = None
        if (step_pct := data.get("brightness_step_pct")) is not None:
            step = step_pct / 100
        elif (step_level := data.get("brightness_step")) is not None:
            step = step_level / HA_MAX_BRIGHTNESS
        kelvin = data.get("kelvin", data.get(ATTR_COLOR_TEMP_KELVIN))
        if (mireds := data.get("color_temp")) is not None:
            kelvin = color_util.color_temperature_mired_to_kelvin(mireds)
        return cls(
            hs=hs,
            brightness=brightness,
            brightness_step=step,
            kelvin=None if kelvin is None else int(kelvin),
            white=white is not None,
        )

    @property
    def changes_color(self) -> bool:
        """Whether it asks for a hue or a white point, not only a brightness."""
        return self.hs is not None or self.kelvin is not None or self.white

    @property
    def empty(self) -> bool:
        """Whether it asks for nothing."""
        return not self.changes_color and self.brightness is None and self.brightness_step is None

    def apply(self, base: LightHsbk, white_points: tuple[int, int]) -> LightHsbk:
        """The colour asked for, starting from `base`; kelvin kept within the product's range.

        A white point without a hue asks for white: the saturation goes to zero.
        """
        hue, saturation, brightness, kelvin = base
        if self.hs is not None:
            degrees, percent = self.hs
            hue, saturation = degrees_to_hue(degrees), fraction_to_level(percent / 100)
        if self.kelvin is not None:
            low, high = white_points
            kelvin = max(low, min(high, self.kelvin))
            if self.hs is None:
                saturation = 0
        if self.white:
            saturation = 0
        if self.brightness is not None:
            brightness = fraction_to_level(self.brightness)
        elif self.brightness_step is not None:
            brightness = fraction_to_level(
                max(0.0, min(1.0, level_to_fraction(brightness) + self.brightness_step))
            )
        return LightHsbk(hue, saturation, brightness, kelvin)


def action_color(
    data: Mapping[str, Any], base: LightHsbk | None, coordinator: LifxCoordinator
) -> LightHsbk:
    """The colour an action's colour fields ask of this device, from `base`."""
    request = ColorRequest.from_action(data)
    return request.apply(base or DEFAULT_BASE, kelvin_range(coordinator.capabilities))


class LifxColorLight(LifxEntity, LightEntity):
    """A light whose state is one LIFX colour: a whole device, or a part of a Ceiling."""

    def __init__(self, coordinator: LifxCoordinator, key: str) -> None:
        """Work out the colour modes the product really has."""
        super().__init__(coordinator, key)
        caps = coordinator.capabilities
        self._white_points = kelvin_range(caps)
        low, high = self._white_points
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
        low, high = self._white_points
        return max(low, min(high, self._color.kelvin))

    @staticmethod
    def _transition(kwargs: Mapping[str, Any]) -> float:
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

    def _turn_on_color(
        self, kwargs: Mapping[str, Any], base: LightHsbk, *, lit: bool
    ) -> LightHsbk | None:
        """The colour a turn_on asks for, from `base`; None when it asks for no change."""
        request = ColorRequest.from_turn_on(kwargs)
        if request.brightness is None and not lit and base.brightness == 0:
            # Turning on a light left at zero brightness would show nothing.
            request = replace(request, brightness=1.0)
        if request.empty:
            return None
        return request.apply(base, self._white_points)
