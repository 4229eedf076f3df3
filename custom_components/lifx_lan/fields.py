"""Fields of the LIFX actions, each declared once: its type, bounds, default and unit.

An action's schema and the range checks run before it are both made from these, and
tests/integration/test_actions.py proves services.yaml offers the same bounds, defaults,
units and options. Schemas use only what voluptuous and probatio (Home Assistant's
validator from 2026.x) both take: Schema, Required, Optional, All, Any, Coerce, In and
ExactSequence, and cv.boolean, cv.string and cv.ensure_list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from homeassistant.components.light import FLASH_LONG, FLASH_SHORT
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import color as color_util
import voluptuous as vol

from .const import DOMAIN
from .protocol.products import DEFAULT_TEMPERATURE_RANGE


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """One field of an action; `selector` is what services.yaml offers for it."""

    selector: ClassVar[str]

    name: str
    required: bool = False

    @property
    def fallback(self) -> object:
        """The value a call that leaves the field out gets (None: no value)."""
        return None

    def marker(self) -> vol.Marker:
        """The schema key: required, optional, or optional with its default."""
        if self.required:
            return vol.Required(self.name)
        if self.fallback is None:
            return vol.Optional(self.name)
        return vol.Optional(self.name, default=self.fallback)

    def validator(self) -> object:
        """What the schema makes of a value: its type, never its range."""
        raise NotImplementedError

    def check(self, value: Any) -> None:
        """Refuse a value of the right type that is out of bounds."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Number(Field):
    """A number between two bounds, both included."""

    selector: ClassVar[str] = "number"

    low: float
    high: float
    default: float | None = None
    unit: str | None = None
    integer: bool = False

    @property
    def fallback(self) -> object:
        """The default."""
        return self.default

    def validator(self) -> object:
        """An int or a float, coerced from what the call gave."""
        return vol.Coerce(int if self.integer else float)

    def check(self, value: Any) -> None:
        """Out-of-range values (NaN too) are the caller's mistake: say which and what fits."""
        if not self.low <= value <= self.high:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="out_of_range",
                translation_placeholders={
                    "field": self.name,
                    "value": f"{value:g}",
                    "min": f"{self.low:g}",
                    "max": f"{self.high:g}",
                },
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Kelvin(Number):
    """A white point in kelvin (a colour temperature selector)."""

    selector: ClassVar[str] = "color_temp"

    integer: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag(Field):
    """On or off."""

    selector: ClassVar[str] = "boolean"

    default: bool | None = None

    @property
    def fallback(self) -> object:
        """The default."""
        return self.default

    def validator(self) -> object:
        """Home Assistant's booleans: true, "on", 1..."""
        return cv.boolean


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice(Field):
    """One of a few named options."""

    selector: ClassVar[str] = "select"

    options: tuple[str, ...]
    default: str | None = None
    # Also take an option in capitals ("Clouds"), as core's actions spell some.
    fold_case: bool = False

    @property
    def fallback(self) -> object:
        """The default."""
        return self.default

    def validator(self) -> object:
        """Only the options."""
        if self.fold_case:
            return vol.All(cv.string, str.lower, vol.In(list(self.options)))
        return vol.In(list(self.options))


@dataclass(frozen=True, slots=True, kw_only=True)
class Text(Field):
    """A line of text."""

    selector: ClassVar[str] = "text"

    def validator(self) -> object:
        """Any text."""
        return cv.string


@dataclass(frozen=True, slots=True, kw_only=True)
class White(Field):
    """light.turn_on's `white`: true, or the white's brightness (0..255)."""

    selector: ClassVar[str] = "object"

    def validator(self) -> object:
        """True, or a whole number."""
        return vol.Any(True, vol.Coerce(int))

    def check(self, value: Any) -> None:
        """A brightness within a byte."""
        if value is not True:
            BRIGHTNESS_BYTE.check(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Components(Field):
    """A fixed number of numbers, each within its own bounds: [hue, saturation], [x, y]."""

    selector: ClassVar[str] = "object"

    parts: tuple[Number, ...]

    def validator(self) -> object:
        """As many numbers as there are parts."""
        return vol.All(
            vol.Coerce(tuple), vol.ExactSequence(tuple(part.validator() for part in self.parts))
        )

    def check(self, value: Any) -> None:
        """Each part within its bounds."""
        for part, number in zip(self.parts, value, strict=True):
            part.check(number)


@dataclass(frozen=True, slots=True, kw_only=True)
class RgbColor(Components):
    """[red, green, blue], a byte each (a colour picker)."""

    selector: ClassVar[str] = "color_rgb"


@dataclass(frozen=True, slots=True, kw_only=True)
class ColorName(Field):
    """One of the colour names Home Assistant's lights take ("red", "aliceblue")."""

    selector: ClassVar[str] = "text"

    def validator(self) -> object:
        """A string."""
        return cv.string

    def check(self, value: Any) -> None:
        """A name Home Assistant knows."""
        try:
            color_util.color_name_to_rgb(value)
        except ValueError:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_color_name",
                translation_placeholders={"name": str(value)},
            ) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberList(Field):
    """A list of numbers (one is taken as a list of one), each within the same bounds."""

    selector: ClassVar[str] = "object"

    each: Number

    def validator(self) -> object:
        """Numbers."""
        return vol.All(cv.ensure_list, [self.each.validator()])

    def check(self, value: Any) -> None:
        """Every number within bounds."""
        for number in value:
            self.each.check(number)


@dataclass(frozen=True, slots=True, kw_only=True)
class Palette(Field):
    """A few colours, each [hue, saturation %, brightness %, kelvin]."""

    selector: ClassVar[str] = "object"

    color: Components
    shortest: int
    longest: int

    def validator(self) -> object:
        """A list of colours."""
        return vol.All(cv.ensure_list, [self.color.validator()])

    def check(self, value: Any) -> None:
        """As many colours as the firmware takes, each within bounds."""
        if not self.shortest <= len(value) <= self.longest:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="palette_length",
                translation_placeholders={
                    "field": self.name,
                    "count": str(len(value)),
                    "min": str(self.shortest),
                    "max": str(self.longest),
                },
            )
        for color in value:
            self.color.check(color)


@dataclass(frozen=True, slots=True, kw_only=True)
class ColorList(Field):
    """A list of colours, each made of the colour fields."""

    selector: ClassVar[str] = "object"

    fields: tuple[Field, ...]

    def validator(self) -> object:
        """A list of colour mappings."""
        return [vol.Schema(schema(self.fields))]

    def check(self, value: Any) -> None:
        """Every colour within bounds."""
        for color in value:
            check(self.fields, color)


def schema(fields: Sequence[Field]) -> dict[vol.Marker, object]:
    """The schema of these fields, for make_entity_service_schema or vol.Schema."""
    return {field.marker(): field.validator() for field in fields}


def check(fields: Sequence[Field], data: Mapping[str, Any]) -> None:
    """Refuse the call, before anything is sent, if one of its values is out of bounds."""
    for group in EXCLUSIVE:
        if len(given := [name for name in group if name in data]) > 1:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="conflicting_fields",
                translation_placeholders={"fields": ", ".join(given)},
            )
    for field in fields:
        if (value := data.get(field.name)) is not None:
            field.check(value)


# The fields, and why their bounds are what they are.

HUE = Number(name="hue", low=0, high=360)
HS_COLOR = Components(
    name="hs_color", parts=(HUE, Number(name="hs_color saturation", low=0, high=100))
)
BRIGHTNESS_PCT = Number(name="brightness_pct", low=0, high=100, unit="%")
# The widest white range of any LIFX product; each product's own range clamps it further.
WARMEST, COOLEST = DEFAULT_TEMPERATURE_RANGE
KELVIN = Kelvin(name="kelvin", low=WARMEST, high=COOLEST)
COLOR = (HS_COLOR, BRIGHTNESS_PCT, KELVIN)

# The rest of light.turn_on's colour and brightness vocabulary, as Home Assistant's lights
# (and so the core LIFX integration's set_state) take it.
RGB_COLOR = RgbColor(
    name="rgb_color",
    parts=tuple(Number(name=f"rgb_color {c}", low=0, high=255, integer=True) for c in "rgb"),
)
XY_COLOR = Components(
    name="xy_color", parts=tuple(Number(name=f"xy_color {c}", low=0, high=1) for c in "xy")
)
COLOR_NAME = ColorName(name="color_name")
COLOR_TEMP_KELVIN = Kelvin(name="color_temp_kelvin", low=WARMEST, high=COOLEST)
BRIGHTNESS = Number(name="brightness", low=0, high=255, integer=True)
BRIGHTNESS_BYTE = Number(name="white", low=0, high=255, integer=True)
BRIGHTNESS_STEP = Number(name="brightness_step", low=-255, high=255, integer=True)
BRIGHTNESS_STEP_PCT = Number(name="brightness_step_pct", low=-100, high=100, unit="%")
LIGHT_COLOR = (
    *COLOR,
    RGB_COLOR,
    XY_COLOR,
    COLOR_NAME,
    COLOR_TEMP_KELVIN,
    BRIGHTNESS,
    BRIGHTNESS_STEP,
    BRIGHTNESS_STEP_PCT,
)
# The rest of what core's set_state took (its schema is light.turn_on's): colours in RGBW
# and RGBWW, white, a light profile, a flash, and the white point in mireds that Home
# Assistant took until 2026.1 (the LIFX range, 1500-9000 K, in mireds).
RGBW_COLOR = Components(
    name="rgbw_color",
    parts=tuple(Number(name=f"rgbw_color {c}", low=0, high=255, integer=True) for c in "rgbw"),
)
RGBWW_COLOR = Components(
    name="rgbww_color",
    parts=tuple(
        Number(name=f"rgbww_color {c}", low=0, high=255, integer=True)
        for c in ("r", "g", "b", "cw", "ww")
    ),
)
WHITE = White(name="white")
PROFILE = Text(name="profile")
FLASH = Choice(name="flash", options=(FLASH_SHORT, FLASH_LONG))
COLOR_TEMP = Number(
    name="color_temp",
    low=color_util.color_temperature_kelvin_to_mired(COOLEST),
    high=color_util.color_temperature_kelvin_to_mired(WARMEST),
    integer=True,
    unit="mired",
)
SET_STATE_COLOR = (*LIGHT_COLOR, RGBW_COLOR, RGBWW_COLOR, WHITE, COLOR_TEMP, PROFILE, FLASH)
# At most one of each group, as light.turn_on takes them.
EXCLUSIVE = (
    (
        "hs_color",
        "rgb_color",
        "rgbw_color",
        "rgbww_color",
        "xy_color",
        "color_name",
        "kelvin",
        "color_temp_kelvin",
        "color_temp",
        "white",
        "profile",
    ),
    ("brightness", "brightness_pct", "brightness_step", "brightness_step_pct"),
)
# As core's set_state takes it: a byte, not the 16 bits of the wire.
INFRARED = Number(name="infrared", low=0, high=255, integer=True)
ZONES = NumberList(name="zones", each=Number(name="zones", low=0, high=65535, integer=True))
COLORS = ColorList(name="colors", fields=COLOR)
POWER = Flag(name="power")
# Core's set_state starts one of core's effect actions, with its defaults, by this name.
SET_STATE_EFFECT = Choice(
    name="effect",
    options=(
        "effect_pulse",
        "effect_colorloop",
        "effect_move",
        "effect_morph",
        "effect_flame",
        "effect_sky",
        "effect_colorsweep",
        "effect_stop",
    ),
)
# An hour: longer fades are better done by an automation in steps.
TRANSITION = Number(name="transition", low=0, high=3600, default=0, unit="s")

# Zone indices: extended multizone addresses zones with 16 bits (legacy strips with 8). A
# device has far fewer (120 on the longest strips, more on a chain of them), and every call
# is checked against the zones of each strip it reaches: this bound is the protocol's.
ZONE_START = Number(name="start", low=0, high=65535, default=0, integer=True)
ZONE_END = Number(name="end", low=0, high=65535, integer=True)

# A scene's name; its entity id is made from it (scene.<name>).
SCENE_NAME = Text(name="name", required=True)
