"""Fields of the LIFX effect actions: waveforms, themes, firmware and software effects.

Their types, and how services.yaml is held to them, are in fields.py.
"""

from __future__ import annotations

from .effects import SKY_TYPES
from .fields import (
    BRIGHTNESS_PCT,
    COLOR,
    COLOR_NAME,
    COLOR_TEMP_KELVIN,
    HS_COLOR,
    HUE,
    KELVIN,
    RGB_COLOR,
    TRANSITION,
    XY_COLOR,
    Choice,
    Components,
    Flag,
    Kelvin,
    Number,
    Palette,
)
from .protocol.state import CLOUD_SATURATION_MAX, CLOUD_SATURATION_MIN
from .themes import ALL_THEMES, DEFAULT_THEME

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

# Core's pulse modes; each has its waveform and shape (effect_actions.PULSE_MODES).
MODE = Choice(name="mode", options=("blink", "breathe", "ping", "strobe", "solid"), default="blink")
# No defaults: a strobe flashes ten times a second unless the call says otherwise.
PULSE_PERIOD = Number(name="period", low=0.05, high=3600, unit="s")
PULSE_CYCLES = Number(name="cycles", low=1, high=100_000)
# A pulse to zero brightness would pulse to black: core starts at 1 too.
PULSE_BRIGHTNESS = Number(name="brightness", low=1, high=255, integer=True)
PULSE_BRIGHTNESS_PCT = Number(name="brightness_pct", low=1, high=100, unit="%")
PULSE = (
    MODE,
    HS_COLOR,
    KELVIN,
    RGB_COLOR,
    XY_COLOR,
    COLOR_NAME,
    COLOR_TEMP_KELVIN,
    PULSE_BRIGHTNESS,
    PULSE_BRIGHTNESS_PCT,
    PULSE_PERIOD,
    PULSE_CYCLES,
    POWER_ON,
)

# The colour loop, with core's bounds and defaults: a saturation of zero would turn a bulb
# white, and a hue step of 180 degrees or more would fade the short way round, backwards.
COLORLOOP = (
    Number(name="brightness", low=0, high=255, integer=True),
    BRIGHTNESS_PCT,
    Number(name="saturation_min", low=1, high=100, default=80, unit="%"),
    Number(name="saturation_max", low=1, high=100, default=100, unit="%"),
    Number(name="period", low=0.05, high=3600, default=60, unit="s"),
    Number(name="change", low=1, high=179, default=20, unit="°"),
    Number(name="spread", low=0, high=360, default=30, unit="°"),
    Number(name="transition", low=0, high=3600, unit="s"),
    POWER_ON,
)

# A palette as core's actions take it: [hue, saturation %, brightness %, kelvin], 2 to 16
# colours (what the firmware effects' palette holds).
PALETTE = Palette(
    name="palette",
    color=Components(
        name="palette",
        parts=(
            HUE,
            Number(name="palette saturation", low=0, high=100),
            Number(name="palette brightness", low=0, high=100),
            Kelvin(name="palette kelvin", low=1500, high=9000),
        ),
    ),
    shortest=2,
    longest=16,
)
# The sky's palette fills six named slots (sky, sun, clouds...), as core takes it.
SKY_PALETTE = Palette(name="palette", color=PALETTE.color, shortest=1, longest=6)
THEME = Choice(name="theme", options=tuple(ALL_THEMES))
PAINTED_THEME = Choice(name="theme", options=tuple(ALL_THEMES), default=DEFAULT_THEME)
PAINT_THEME = (PAINTED_THEME, PALETTE, TRANSITION, POWER_ON)

# HEV: a cycle of up to a day, two hours unless the call says otherwise (as core's).
HEV = (
    Flag(name="power", required=True),
    Number(name="duration", low=0, high=86400, default=7200, unit="s", integer=True),
)

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
    fold_case=True,
)
# A byte each on the wire.
CLOUD_SATURATION_LOW = Number(
    name="cloud_saturation_min", low=0, high=255, default=CLOUD_SATURATION_MIN, integer=True
)
CLOUD_SATURATION_HIGH = Number(
    name="cloud_saturation_max", low=0, high=255, default=CLOUD_SATURATION_MAX, integer=True
)
EFFECT = (SPEED, EFFECT_DURATION, POWER_ON)
# The sky's speed as core takes it: up to a day, and 0 plays the sky once across the
# duration (the firmware's own reading of speed 0; it then needs a duration).
SKY_SPEED = Number(name="speed", low=0, high=86400, unit="s")

# Core's colour sweep (Mirrors): seconds a sweep, 0 sweeping once across the duration.
COLORSWEEP = (
    Number(name="speed", low=0, high=25, default=0, unit="s", integer=True),
    Number(name="duration", low=0, high=3600, default=30, unit="s", integer=True),
    PALETTE,
    POWER_ON,
)
