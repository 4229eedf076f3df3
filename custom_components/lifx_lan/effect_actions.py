"""The effect actions: waveforms, core's pulse modes, the colour loop, themes, firmware effects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.light import EFFECT_OFF
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_call_later

from .colorloop import COLORLOOP, ColorLoop, LoopOptions
from .colors import DEFAULT_BASE, ColorRequest, action_color, kelvin_range
from .const import DOMAIN
from .coordinator import Command, LifxCoordinator, LifxData
from .effects import COLORSWEEP, EffectOptions, async_start_effect, check_effect_supported
from .helpers import async_run_all
from .protocol import LifxDevice, LightHsbk, make_hsbk
from .protocol.messages import LightWaveform
from .targets import async_target_coordinators
from .themes import async_paint_theme

type Handler = Callable[[HomeAssistant, ServiceCall], Awaitable[None]]


def waveform(waveform: LightWaveform) -> Handler:
    """Our pulse and breathe: one waveform, every part of it the caller's."""

    async def handler(hass: HomeAssistant, call: ServiceCall) -> None:
        data = call.data

        def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
            color = action_color(data, state.color, coordinator)
            switch_on = data["power_on"] and not state.power

            async def send(device: LifxDevice) -> None:
                if switch_on:
                    await device.set_power(True)
                await device.set_waveform(
                    color,
                    waveform=waveform,
                    period=data["period"],
                    cycles=data["cycles"],
                    skew_ratio=data["skew_ratio"],
                    transient=data["transient"],
                    # Only the components asked for change; the rest keep the bulb's.
                    set_hue="hs_color" in data,
                    set_saturation="hs_color" in data or "kelvin" in data,
                    set_brightness="brightness_pct" in data,
                    set_kelvin="kelvin" in data,
                )

            return Command(send, (lambda current: current.with_power(True)) if switch_on else None)

        async def action(coordinator: LifxCoordinator) -> None:
            await coordinator.async_plan(lambda state: plan(coordinator, state))

        await async_run_all(async_target_coordinators(hass, call), action)

    return handler


@dataclass(frozen=True, slots=True)
class PulseMode:
    """One of core's pulse modes: its waveform, and what a call that says nothing gets."""

    waveform: LightWaveform
    period: float = 1.0
    cycles: float = 1.0
    skew_ratio: float | None = 0.5  # None: worked out from the period (ping)

    def skew(self, period: float) -> float:
        """How much of each cycle is spent at the pulse colour."""
        if self.skew_ratio is not None:
            return self.skew_ratio
        # A ping is a short flash at the end of each cycle, shorter for longer periods:
        # core's formula, in the wire's signed 16-bit skew scaled to 0..1.
        flash = int(5000 - min(2500, 300 * period))
        return (2**15 - flash + 32767) / 65534


PULSE_MODES = {
    "blink": PulseMode(LightWaveform.PULSE),
    "breathe": PulseMode(LightWaveform.SINE),
    "ping": PulseMode(LightWaveform.PULSE, skew_ratio=None),
    "strobe": PulseMode(LightWaveform.PULSE, period=0.1, cycles=10),
    "solid": PulseMode(LightWaveform.PULSE, skew_ratio=0.0),
}


def _pulse_color(
    data: Mapping[str, Any], mode: str, state: LifxData, coordinator: LifxCoordinator
) -> LightHsbk:
    """The colour a pulse goes to: the one asked for, else a visible change of this one."""
    if not ColorRequest.from_action(data).empty:
        return action_color(data, state.color, coordinator)
    if mode == "strobe":
        # Core strobes in cold white.
        return make_hsbk(
            saturation=0, brightness=1, kelvin=kelvin_range(coordinator.capabilities)[1]
        )
    base = action_color({}, state.color, coordinator)
    # Towards full brightness, or to black for a light that is bright already.
    peak = 0 if base.brightness > 32767 and state.power else 65535
    return LightHsbk(base.hue, base.saturation, peak, base.kelvin)


async def effect_pulse(hass: HomeAssistant, call: ServiceCall) -> None:
    """Core's effect_pulse."""
    await async_pulse(hass, async_target_coordinators(hass, call), call.data)


async def async_pulse(
    hass: HomeAssistant, targets: list[LifxCoordinator], data: Mapping[str, Any]
) -> None:
    """Pulse in one of core's modes; a light that is off is lit for the pulse, then off again."""
    mode = PULSE_MODES[data["mode"]]
    period: float = data.get("period", mode.period)
    cycles: float = data.get("cycles", mode.cycles)

    # The colour of each light lit for the pulse, given back when it goes off again.
    lit: dict[LifxCoordinator, LightHsbk] = {}

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        color = _pulse_color(data, data["mode"], state, coordinator)
        light_up = data["power_on"] and not state.power
        if light_up:
            lit[coordinator] = state.color or DEFAULT_BASE

        async def send(device: LifxDevice) -> None:
            if not state.power and not light_up:
                return  # An off light left off shows nothing: core leaves it out.
            if light_up:
                # From black in the pulse's colour, so the pulse is all that shows.
                await device.set_color(LightHsbk(color.hue, color.saturation, 0, color.kelvin))
                await device.set_power(True)
            await device.set_waveform(
                color,
                waveform=mode.waveform,
                period=period,
                cycles=cycles,
                skew_ratio=mode.skew(period),
                transient=True,
            )

        return Command(send)

    async def action(coordinator: LifxCoordinator) -> None:
        await coordinator.async_plan(lambda state: plan(coordinator, state))
        if (previous := lit.get(coordinator)) is not None:
            async_call_later(hass, period * cycles, _switch_off_later(coordinator, previous))

    await async_run_all(targets, action)


def _switch_off_later(
    coordinator: LifxCoordinator, previous: LightHsbk
) -> Callable[[datetime], Coroutine[Any, Any, None]]:
    """Turn a light lit for a pulse off again, with the colour it had before."""

    async def switch_off(_now: datetime) -> None:
        async def send(device: LifxDevice) -> None:
            await device.set_power(False)
            await device.set_color(previous)

        await coordinator.async_command(
            send, update=lambda state: state.with_color(previous).with_power(False)
        )

    return switch_off


async def effect_colorloop(hass: HomeAssistant, call: ServiceCall) -> None:
    """Core's colour loop over every light the call names, spread across the hue circle."""
    data = call.data
    brightness: float | None = None
    if (percent := data.get("brightness_pct")) is not None:
        brightness = percent / 100
    elif (level := data.get("brightness")) is not None:
        brightness = level / 255
    low, high = sorted((data["saturation_min"], data["saturation_max"]))
    options = LoopOptions(
        period=data["period"],
        change=data["change"],
        spread=data["spread"],
        saturation_min=low / 100,
        saturation_max=high / 100,
        brightness=brightness,
        transition=data.get("transition"),
        power_on=data["power_on"],
    )
    targets = async_target_coordinators(hass, call)
    # White bulbs have no hue to turn: core leaves them out, and so does this, unless
    # nothing is left.
    colored = [coordinator for coordinator in targets if coordinator.capabilities.color]
    if not colored:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="effect_unsupported",
            translation_placeholders={"effect": COLORLOOP, "device": targets[0].title},
        )
    await ColorLoop(hass, colored, options).async_start()


async def paint_theme(hass: HomeAssistant, call: ServiceCall) -> None:
    """A theme by name, or the call's own palette."""
    data = call.data
    colors = _palette(data)
    await async_paint_theme(
        async_target_coordinators(hass, call),
        None if colors else data["theme"],
        data["transition"],
        colors=colors or None,
        power_on=data["power_on"],
    )


def _palette(data: Mapping[str, Any]) -> tuple[LightHsbk, ...]:
    """The call's palette ([hue, saturation %, brightness %, kelvin] each) as wire colours."""
    return tuple(
        make_hsbk(hue=hue, saturation=sat / 100, brightness=bri / 100, kelvin=int(kelvin))
        for hue, sat, bri, kelvin in data.get("palette") or ()
    )


EFFECT_OPTIONS = ("speed", "duration", "theme", "cloud_saturation_min", "cloud_saturation_max")


def firmware_effect(name: str | None) -> Handler:
    """Start an effect (None: the sky the call names) or, with EFFECT_OFF, stop every effect."""

    async def handler(hass: HomeAssistant, call: ServiceCall) -> None:
        data = call.data
        targets = async_target_coordinators(hass, call)
        if name == EFFECT_OFF:
            await async_stop_effects(targets)
            return
        effect = name or f"sky_{data['sky_type']}"
        if effect == COLORSWEEP and not data["speed"] and not data["duration"]:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="colorsweep_needs_duration"
            )
        if name is None and data.get("speed") == 0 and not data["duration"]:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="sky_speed_needs_duration"
            )
        # What the call leaves out is the effect's own default (EffectOptions).
        given = {key: data[key] for key in EFFECT_OPTIONS if key in data}
        options = EffectOptions(
            reverse=data.get("direction") == "left", palette=_palette(data), **given
        )
        for coordinator in targets:
            # Every device is checked before any is sent anything.
            check_effect_supported(coordinator, effect)

        async def action(coordinator: LifxCoordinator) -> None:
            if effect == "move" and options.theme:
                # Core's move with a theme: the strip is painted, then moves.
                await async_paint_theme([coordinator], options.theme, 0, power_on=False)
            await async_start_effect(
                coordinator, effect, options, power_on=data.get("power_on", False)
            )

        await async_run_all(targets, action)

    return handler


async def async_stop_effects(targets: list[LifxCoordinator]) -> None:
    """Stop software loops on every light, and firmware effects where there are any."""
    for coordinator in targets:
        if coordinator.software_effect is not None:
            coordinator.software_effect.stop(coordinator)
    firmware = [c for c in targets if c.capabilities.matrix or c.capabilities.multizone]

    async def stop(coordinator: LifxCoordinator) -> None:
        await async_start_effect(coordinator, EFFECT_OFF)

    await async_run_all(firmware, stop)
