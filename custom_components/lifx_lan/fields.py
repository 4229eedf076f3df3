"""Fields of the LIFX actions, each declared once: its type, bounds, default and unit.

An action's schema and the range checks run before it are both made from these, and
tests/integration/test_actions.py proves services.yaml offers the same bounds, defaults,
units and options. Schemas use only what voluptuous and probatio (Home Assistant's
validator from 2026.x) both take: Schema, Required, Optional, All, Coerce, In and
ExactSequence, and cv.boolean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .const import DOMAIN
from .effects import SKY_TYPES
from .protocol.products import DEFAULT_TEMPERATURE_RANGE
from .protocol.state import CLOUD_SATURATION_MAX, CLOUD_SATURATION_MIN
from .themes import THEMES


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

    @property
    def fallback(self) -> object:
        """The default."""
        return self.default

    def validator(self) -> object:
        """Only the options."""
        return vol.In(list(self.options))


@dataclass(frozen=True, slots=True, kw_only=True)
class Text(Field):
    """A line of text."""

    selector: ClassVar[str] = "text"

    def validator(self) -> object:
        """Any text."""
        return cv.string


@dataclass(frozen=True, slots=True, kw_only=True)
class HsColor(Field):
    """[hue, saturation]: each within its own bounds."""

    selector: ClassVar[str] = "object"

    hue: Number
    saturation: Number

    def validator(self) -> object:
        """Two numbers."""
        return vol.All(vol.Coerce(tuple), vol.ExactSequence((vol.Coerce(float),) * 2))

    def check(self, value: Any) -> None:
        """Hue and saturation each within bounds."""
        self.hue.check(value[0])
        self.saturation.check(value[1])


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
    for field in fields:
        if (value := data.get(field.name)) is not None:
            field.check(value)


# The fields, and why their bounds are what they are.

HS_COLOR = HsColor(
    name="hs_color",
    hue=Number(name="hs_color hue", low=0, high=360),
    saturation=Number(name="hs_color saturation", low=0, high=100),
)
BRIGHTNESS_PCT = Number(name="brightness_pct", low=0, high=100, unit="%")
# The widest white range of any LIFX product; each product's own range clamps it further.
KELVIN = Kelvin(name="kelvin", low=DEFAULT_TEMPERATURE_RANGE[0], high=DEFAULT_TEMPERATURE_RANGE[1])
COLOR = (HS_COLOR, BRIGHTNESS_PCT, KELVIN)
COLORS = ColorList(name="colors", fields=COLOR)
POWER = Flag(name="power")
# An hour: longer fades are better done by an automation in steps.
TRANSITION = Number(name="transition", low=0, high=3600, default=0, unit="s")

# Zone indices: extended multizone addresses zones with 16 bits (legacy strips with 8). A
# device has far fewer (120 on the longest strips, more on a chain of them), and every call
# is checked against the zones of each strip it reaches: this bound is the protocol's.
ZONE_START = Number(name="start", low=0, high=65535, default=0, integer=True)
ZONE_END = Number(name="end", low=0, high=65535, integer=True)

# 50 ms is the shortest period Home Assistant's own LIFX integration accepts; the wire
# takes u32 milliseconds, but an hour per cycle is already a slow breath.
PERIOD = Number(name="period", low=0.05, high=3600, default=1, unit="s")
# The wire's cycles are a float32; 100,000 breaths of a second last a day and more, which
# is as long as anyone lets a light pulse (any other colour ends a transient waveform).
CYCLES = Number(name="cycles", low=0.1, high=100_000, default=1)
SKEW_RATIO = Number(name="skew_ratio", low=0, high=1, default=0.5)
TRANSIENT = Flag(name="transient", default=True)
POWER_ON = Flag(name="power_on", default=True)
WAVEFORM = (*COLOR, PERIOD, CYCLES, SKEW_RATIO, TRANSIENT, POWER_ON)

THEME = Choice(name="theme", options=tuple(THEMES))
PAINTED_THEME = Choice(name="theme", options=tuple(THEMES), required=True)

# Effect speed is a u32 of milliseconds per cycle: a tenth of a second to an hour.
SPEED = Number(name="speed", low=0.1, high=3600, unit="s")
# The wire takes u64 nanoseconds; 0 runs an effect until it is stopped, so a day is as
# long as a timed effect needs to be.
EFFECT_DURATION = Number(name="duration", low=0, high=86400, default=0, unit="s")
DIRECTION = Choice(name="direction", options=("left", "right"), default="right")
# The skies the light's effect list offers, without their "sky_".
SKY_TYPE = Choice(
    name="sky_type",
    options=tuple(effect.removeprefix("sky_") for effect in SKY_TYPES),
    default="sunrise",
)
# A byte each on the wire.
CLOUD_SATURATION_LOW = Number(
    name="cloud_saturation_min", low=0, high=255, default=CLOUD_SATURATION_MIN, integer=True
)
CLOUD_SATURATION_HIGH = Number(
    name="cloud_saturation_max", low=0, high=255, default=CLOUD_SATURATION_MAX, integer=True
)
EFFECT = (SPEED, EFFECT_DURATION, POWER_ON)

# A scene's name; its entity id is made from it (scene.<name>).
SCENE_NAME = Text(name="name", required=True)
