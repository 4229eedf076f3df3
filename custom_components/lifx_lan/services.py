"""LIFX actions: set_state for lights, groups and areas; zones; waveforms; themes; effects.

Every action is one row of ACTIONS: its handler and its fields (fields.py), from which
both its schema and the range checks run before it are made.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.light import EFFECT_OFF
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from . import fields as f
from .colors import ColorRequest, kelvin_range
from .const import DOMAIN
from .coordinator import Command, LifxCoordinator, LifxData
from .effects import EffectOptions, async_start_effect, check_effect_supported
from .helpers import async_run_all
from .protocol import LifxDevice, LightHsbk
from .protocol.messages import LightWaveform
from .targets import async_target_coordinators
from .themes import async_paint_theme

type Handler = Callable[[HomeAssistant, ServiceCall], Awaitable[None]]

# What a light with no colour yet is painted from: white, full brightness.
DEFAULT_BASE = LightHsbk(0, 0, 65535, 3500)


def _color(data: Mapping[str, Any], base: LightHsbk, coordinator: LifxCoordinator) -> LightHsbk:
    """The colour an action's colour fields ask of this device, from `base`."""
    return ColorRequest.from_action(data).apply(base, kelvin_range(coordinator.capabilities))


async def _set_state(hass: HomeAssistant, call: ServiceCall) -> None:
    data = call.data
    duration: float = data["transition"]
    power: bool | None = data.get("power")
    has_color = not ColorRequest.from_action(data).empty

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        color = _color(data, state.color or DEFAULT_BASE, coordinator) if has_color else None
        was_on = state.power
        now_on = was_on if power is None and color is None else (True if power is None else power)

        async def send(device: LifxDevice) -> None:
            if color is not None:
                await device.set_color(color, duration if was_on else 0)
            if now_on != was_on:
                await device.set_power(now_on, duration)

        def update(current: LifxData) -> LifxData:
            return (current if color is None else current.with_color(color)).with_power(now_on)

        return Command(send, update)

    async def action(coordinator: LifxCoordinator) -> None:
        await coordinator.async_plan(lambda state: plan(coordinator, state), transition=duration)

    await async_run_all(async_target_coordinators(hass, call), action)


def _check_zones(coordinators: list[LifxCoordinator], start: int, end: int | None) -> None:
    """Every strip is checked before any is sent anything: a call that fails changes nothing."""
    for coordinator in coordinators:
        if not coordinator.capabilities.multizone:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_multizone",
                translation_placeholders={"device": coordinator.title},
            )
        last = len(coordinator.data.zones) - 1
        if start > min(last if end is None else end, last):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="zone_range",
                translation_placeholders={
                    "start": str(start),
                    "end": str(min(last if end is None else end, last)),
                    "device": coordinator.title,
                },
            )


async def _set_zones(hass: HomeAssistant, call: ServiceCall) -> None:
    data = call.data
    start: int = data["start"]
    end: int | None = data.get("end")
    duration: float = data["transition"]
    colors: list[Mapping[str, Any]] = data.get("colors") or []
    targets = async_target_coordinators(hass, call)
    _check_zones(targets, start, end)

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        zones = state.zones
        last = min(len(zones) - 1 if end is None else end, len(zones) - 1)
        if colors:
            painted = [
                _color(color, zones[min(start + i, len(zones) - 1)], coordinator)
                for i, color in enumerate(colors)
            ][: last - start + 1]
        else:
            painted = [_color(data, zones[i], coordinator) for i in range(start, last + 1)]

        async def send(device: LifxDevice) -> None:
            await device.set_zones(painted, start=start, duration=duration)

        return Command(send, lambda current: current.with_zones(painted, start))

    async def action(coordinator: LifxCoordinator) -> None:
        await coordinator.async_plan(lambda state: plan(coordinator, state), transition=duration)

    await async_run_all(targets, action)


def _waveform(waveform: LightWaveform) -> Handler:
    async def handler(hass: HomeAssistant, call: ServiceCall) -> None:
        data = call.data

        def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
            color = _color(data, state.color or DEFAULT_BASE, coordinator)
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


async def _paint_theme(hass: HomeAssistant, call: ServiceCall) -> None:
    await async_paint_theme(
        async_target_coordinators(hass, call), call.data["theme"], call.data["transition"]
    )


EFFECT_OPTIONS = ("speed", "duration", "theme", "cloud_saturation_min", "cloud_saturation_max")


def _effect(name: str | None) -> Handler:
    """Start an effect (None: the sky the call names) or, with EFFECT_OFF, stop it."""

    async def handler(hass: HomeAssistant, call: ServiceCall) -> None:
        data = call.data
        effect = name or f"sky_{data['sky_type']}"
        # What the call leaves out is the effect's own default (EffectOptions).
        given = {key: data[key] for key in EFFECT_OPTIONS if key in data}
        options = EffectOptions(reverse=data.get("direction") == "left", **given)

        targets = async_target_coordinators(hass, call)
        for coordinator in targets:
            # Every device is checked before any is sent anything.
            check_effect_supported(coordinator, effect)

        async def action(coordinator: LifxCoordinator) -> None:
            await async_start_effect(
                coordinator, effect, options, power_on=data.get("power_on", False)
            )

        await async_run_all(targets, action)

    return handler


@dataclass(frozen=True, slots=True)
class Action:
    """One LIFX action: what it does, and the fields it takes."""

    handler: Handler
    fields: tuple[f.Field, ...] = ()

    def service(self, hass: HomeAssistant) -> Callable[[ServiceCall], Coroutine[Any, Any, None]]:
        """The service: values out of bounds are refused before any device is sent anything."""

        async def run(call: ServiceCall) -> None:
            f.check(self.fields, call.data)
            await self.handler(hass, call)

        return run


ACTIONS: dict[str, Action] = {
    "set_state": Action(_set_state, (f.POWER, *f.COLOR, f.TRANSITION)),
    "set_zones": Action(_set_zones, (f.ZONE_START, f.ZONE_END, *f.COLOR, f.COLORS, f.TRANSITION)),
    "pulse": Action(_waveform(LightWaveform.PULSE), f.WAVEFORM),
    "breathe": Action(_waveform(LightWaveform.SINE), f.WAVEFORM),
    "paint_theme": Action(_paint_theme, (f.PAINTED_THEME, f.TRANSITION)),
    "effect_move": Action(_effect("move"), (f.DIRECTION, *f.EFFECT)),
    "effect_morph": Action(_effect("morph"), (f.THEME, *f.EFFECT)),
    "effect_flame": Action(_effect("flame"), f.EFFECT),
    "effect_sky": Action(
        _effect(None), (f.SKY_TYPE, f.CLOUD_SATURATION_LOW, f.CLOUD_SATURATION_HIGH, *f.EFFECT)
    ),
    "effect_stop": Action(_effect(EFFECT_OFF)),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every LIFX action once, for all entries."""
    for name, action in ACTIONS.items():
        hass.services.async_register(
            DOMAIN,
            name,
            action.service(hass),
            schema=cv.make_entity_service_schema(f.schema(action.fields)),
        )
