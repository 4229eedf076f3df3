"""Firmware effects (move, morph, flame, sky) and waveforms, shared by the light and actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from homeassistant.components.light import EFFECT_OFF, FLASH_LONG, FLASH_SHORT
from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN
from .coordinator import Command, LifxCoordinator, LifxData
from .protocol import LifxDevice, LightHsbk
from .protocol.messages import LightWaveform, MultiZoneEffectType, TileEffectSkyType, TileEffectType
from .protocol.state import (
    CLOUD_SATURATION_MAX,
    CLOUD_SATURATION_MIN,
    MATRIX_EFFECTS,
    MULTIZONE_EFFECTS,
    SKY_EFFECTS,
)
from .themes import palette

SKY_TYPES = {name: TileEffectSkyType(value) for value, name in SKY_EFFECTS.items()}

COLORSWEEP = "colorsweep"
# The Mirror's firmware sweeps a palette across its face (its button's effect). The tile
# effect type is newer than the protocol description the messages are generated from;
# core's LIFX integration (lifx-async) sends it as 6, to Mirrors only.
COLORSWEEP_TYPE = 6
COLORSWEEP_PRODUCTS = frozenset({267, 268})
# Core's default: a sweep through the white points, as the Mirror's button does.
COLORSWEEP_PALETTE = (LightHsbk(0, 0, 65535, 1500), LightHsbk(0, 0, 65535, 6500))


@dataclass(frozen=True, kw_only=True)
class EffectOptions:
    """Parameters of a firmware effect; None means the effect's own default."""

    speed: float | None = None
    duration: float = 0.0
    reverse: bool = False
    theme: str | None = None
    # A palette of the call's own; it wins over the theme.
    palette: tuple[LightHsbk, ...] = ()
    cloud_saturation_min: int = CLOUD_SATURATION_MIN
    cloud_saturation_max: int = CLOUD_SATURATION_MAX


DEFAULT_SPEEDS = {"move": 3.0, "morph": 3.0, "flame": 4.0, "sky": 50.0}
# A colour sweep at speed 0 sweeps once across its duration (core's defaults).
COLORSWEEP_DURATION = 30.0


def has_colorsweep(coordinator: LifxCoordinator) -> bool:
    """Whether the device is a Mirror, whose firmware sweeps colours."""
    identity = coordinator.identity
    return identity is not None and identity.product.product_id in COLORSWEEP_PRODUCTS


def check_effect_supported(coordinator: LifxCoordinator, name: str) -> None:
    """Refuse an effect the device cannot run (or stop) as the caller's mistake."""
    caps = coordinator.capabilities
    if name == EFFECT_OFF:
        supported = caps.matrix or caps.multizone
    elif name == COLORSWEEP:
        supported = has_colorsweep(coordinator)
    elif name in MATRIX_EFFECTS:
        supported = caps.matrix
    else:
        supported = name in MULTIZONE_EFFECTS and caps.multizone
    if not supported:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="effect_unsupported",
            translation_placeholders={"effect": name, "device": coordinator.title},
        )


async def async_start_effect(
    coordinator: LifxCoordinator,
    name: str,
    options: EffectOptions | None = None,
    *,
    power_on: bool = False,
    transition: float = 0.0,
) -> None:
    """Start (or, with EFFECT_OFF, stop) a firmware effect; then switch the light on if asked."""
    check_effect_supported(coordinator, name)
    options = options or EffectOptions()
    caps = coordinator.capabilities
    colors: Sequence[LightHsbk] = options.palette or (
        palette(options.theme) if options.theme else ()
    )

    async def command(device: LifxDevice) -> None:
        if name == EFFECT_OFF:
            if caps.matrix:
                await device.set_tile_effect(TileEffectType.OFF)
            else:
                await device.set_multizone_effect(MultiZoneEffectType.OFF)
        elif name == "move":
            await device.set_multizone_effect(
                MultiZoneEffectType.MOVE,
                speed=options.speed or DEFAULT_SPEEDS["move"],
                duration=options.duration,
                reverse=options.reverse,
            )
        elif name == COLORSWEEP:
            sweep_once = options.speed is None or options.speed == 0
            await device.set_tile_effect(
                COLORSWEEP_TYPE,
                speed=0 if sweep_once else options.speed or 0,
                duration=options.duration or (COLORSWEEP_DURATION if sweep_once else 0),
                palette=colors or COLORSWEEP_PALETTE,
            )
        elif name in SKY_TYPES:
            await device.set_tile_effect(
                TileEffectType.SKY,
                # 0 is a speed here: the sky plays once across the duration.
                speed=DEFAULT_SPEEDS["sky"] if options.speed is None else options.speed,
                duration=options.duration,
                sky_type=SKY_TYPES[name],
                cloud_saturation_min=options.cloud_saturation_min,
                cloud_saturation_max=options.cloud_saturation_max,
                palette=colors,
            )
        else:
            await device.set_tile_effect(
                TileEffectType.MORPH if name == "morph" else TileEffectType.FLAME,
                speed=options.speed or DEFAULT_SPEEDS[name],
                duration=options.duration,
                palette=colors,
            )

    running = None if name == EFFECT_OFF else name
    await coordinator.async_command(command, update=lambda data: replace(data, effect=running))
    if power_on:
        await coordinator.async_plan(lambda data: _switch_on(data, transition))


def _switch_on(data: LifxData, transition: float) -> Command:
    """Switch the light on, fading in, unless it is on already."""
    if data.power:
        return Command.nothing()

    async def send(device: LifxDevice) -> None:
        await device.set_power(True, transition)

    return Command(send, lambda state: state.with_power(True))


# light.turn_on's flash lengths: (period in seconds, cycles)
FLASH_PERIODS = {FLASH_SHORT: (0.5, 1.0), FLASH_LONG: (1.0, 5.0)}


def flash_command(flash: str, color: LightHsbk) -> Command:
    """Flash towards full brightness (or black when already bright) and back, then as before.

    The waveform is transient: the light returns to the colour it had, and nothing is kept.
    """
    period, cycles = FLASH_PERIODS.get(flash, FLASH_PERIODS[FLASH_SHORT])
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
