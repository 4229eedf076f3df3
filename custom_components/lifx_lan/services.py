"""LIFX actions: set_state, zones and HEV here; waveforms, themes and effects in effect_actions.

Every action is one row of ACTIONS: its handler and its fields (fields.py, effect_fields.py),
from which both its schema and the range checks run before it are made. Core's LIFX actions
are here under their own names, taking core's fields.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from typing import Any

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    EFFECT_OFF,
    preprocess_turn_on_alternatives,
)
from homeassistant.const import (
    ATTR_AREA_ID,
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    ATTR_FLOOR_ID,
    ATTR_LABEL_ID,
)
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from . import cells, effect_fields as ef, fields as f
from .colors import DEFAULT_BASE, ColorRequest, action_color, kelvin_range
from .const import DOMAIN
from .coordinator import Command, LifxCoordinator, LifxData
from .effect_actions import (
    Handler,
    effect_colorloop,
    effect_pulse,
    firmware_effect,
    paint_theme,
    waveform,
)
from .effects import flash_command
from .helpers import async_run_all
from .protocol import LifxDevice, LightHsbk
from .protocol.messages import LightWaveform
from .scene import async_create_scene, async_delete_scenes, async_update_scenes
from .targets import async_target_coordinators, referenced_entities

# The keys of an action's target, handed on as they came
TARGET_KEYS = (ATTR_ENTITY_ID, ATTR_DEVICE_ID, ATTR_AREA_ID, ATTR_FLOOR_ID, ATTR_LABEL_ID)


def _check_set_state(targets: list[LifxCoordinator], data: Mapping[str, Any]) -> None:
    """Infrared only where there is some, zones only where the strips have them."""
    for coordinator in targets:
        if "infrared" in data and not coordinator.capabilities.infrared:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_infrared",
                translation_placeholders={"device": coordinator.title},
            )
        zones = data.get("zones")
        if zones and coordinator.capabilities.multizone:
            last = len(coordinator.data.zones) - 1
            if (beyond := max(zones)) > last:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="zone_missing",
                    translation_placeholders={
                        "zone": str(beyond),
                        "last": str(last),
                        "device": coordinator.title,
                    },
                )


def _with_profile(hass: HomeAssistant, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The call's fields with its light profile (light_profiles.csv) applied, as turn_on does.

    Home Assistant's own light helper applies it: the profile's colour (a profile takes the
    place of a colour field), and its brightness unless the call gives one; with a brightness
    step the helper leaves the call alone. An unknown profile changes nothing, as with
    light.turn_on.
    """
    if "profile" not in data:
        return data
    asked = {key: data[key] for key in _PROFILE_KEYS if key in data}
    preprocess_turn_on_alternatives(hass, asked)
    params = {key: value for key, value in data.items() if key != "profile"}
    for key in ("hs_color", "xy_color", ATTR_BRIGHTNESS):
        if key in asked:
            params[key] = asked[key]
    return params


# What Home Assistant's profile helper is given: the profile and the brightness fields.
_PROFILE_KEYS = (
    "profile",
    ATTR_BRIGHTNESS,
    "brightness_pct",
    "brightness_step",
    "brightness_step_pct",
)


async def _set_state(hass: HomeAssistant, call: ServiceCall) -> None:
    """Core's set_state: light.turn_on's colours, power, zones of strips, infrared."""
    data = _with_profile(hass, call.data)
    if (effect := data.get("effect")) is not None:
        # As core's set_state does: the effect action, with its defaults, and nothing else.
        target = {key: data[key] for key in TARGET_KEYS if key in data}
        await hass.services.async_call(DOMAIN, effect, target, blocking=True, context=call.context)
        return
    duration: float = data["transition"]
    power: bool | None = data.get("power")
    zones: set[int] = set(data.get("zones") or ())
    infrared: int | None = data.get("infrared")
    flash: str | None = data.get("flash")
    targets = async_target_coordinators(hass, call)
    _check_set_state(targets, data)

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        white_points = kelvin_range(coordinator.capabilities)
        request = ColorRequest.from_action(data, white_points)
        base = state.color or DEFAULT_BASE
        color = None if request.empty else request.apply(base, white_points)
        if flash is not None:
            # As light.turn_on's flash: the colour asked for flashes, nothing else changes.
            return flash_command(flash, color or base)
        painted: list[LightHsbk] | None = None
        if color is not None and zones and coordinator.capabilities.multizone and state.zones:
            # Only the zones named change; a bulb (no zones) takes the whole colour.
            painted = [
                request.apply(zone, white_points) if index in zones else zone
                for index, zone in enumerate(state.zones)
            ]
            color = None
        was_on = state.power
        # As core's set_state (and the field's description): a colour alone leaves an off
        # light off, ready for when it is turned on.
        now_on = was_on if power is None else power
        fade = duration if was_on else 0

        async def send(device: LifxDevice) -> None:
            if painted is not None:
                await device.set_zones(painted, duration=fade)
            if color is not None:
                await device.set_color(color, fade)
            if infrared is not None:
                # A byte, as core takes it, spread over the wire's 16 bits.
                await device.set_infrared(infrared * 257)
            if now_on != was_on:
                await device.set_power(now_on, duration)

        def update(current: LifxData) -> LifxData:
            if painted is not None:
                current = current.with_zones(painted)
            if color is not None:
                current = current.with_color(color)
            if infrared is not None:
                current = replace(current, infrared=infrared * 257)
            return current.with_power(now_on)

        return Command(send, update)

    async def action(coordinator: LifxCoordinator) -> None:
        await coordinator.async_plan(
            lambda state: plan(coordinator, state), transition=0 if flash else duration
        )

    await async_run_all(targets, action)


async def _set_hev_cycle_state(hass: HomeAssistant, call: ServiceCall) -> None:
    """Start an HEV cleaning cycle of the call's length, or stop it."""
    on: bool = call.data["power"]
    duration: int = call.data["duration"]
    targets = async_target_coordinators(hass, call)
    for coordinator in targets:
        if not coordinator.capabilities.hev:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_hev",
                translation_placeholders={"device": coordinator.title},
            )

    async def send(device: LifxDevice) -> None:
        await device.set_hev_cycle(on, duration)

    def update(state: LifxData) -> LifxData:
        if state.hev is None:
            return state
        return replace(state, hev=replace(state.hev, remaining_s=duration if on else 0))

    async def action(coordinator: LifxCoordinator) -> None:
        await coordinator.async_command(send, update=update)

    await async_run_all(targets, action)


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
                action_color(color, zones[min(start + i, len(zones) - 1)], coordinator)
                for i, color in enumerate(colors)
            ][: last - start + 1]
        else:
            painted = [action_color(data, zones[i], coordinator) for i in range(start, last + 1)]

        async def send(device: LifxDevice) -> None:
            await device.set_zones(painted, start=start, duration=duration)

        return Command(send, lambda current: current.with_zones(painted, start))

    async def action(coordinator: LifxCoordinator) -> None:
        await coordinator.async_plan(lambda state: plan(coordinator, state), transition=duration)

    await async_run_all(targets, action)


async def _set_cells(hass: HomeAssistant, call: ServiceCall) -> None:
    await cells.async_set_cells(async_target_coordinators(hass, call), call.data)


async def _create_scene(hass: HomeAssistant, call: ServiceCall) -> None:
    await async_create_scene(hass, call.data["name"], async_target_coordinators(hass, call))


async def _update_scene(hass: HomeAssistant, call: ServiceCall) -> None:
    await async_update_scenes(hass, referenced_entities(hass, call))


async def _delete_scene(hass: HomeAssistant, call: ServiceCall) -> None:
    await async_delete_scenes(hass, referenced_entities(hass, call))


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
    "set_state": Action(
        _set_state,
        (f.POWER, *f.SET_STATE_COLOR, f.TRANSITION, f.ZONES, f.INFRARED, f.SET_STATE_EFFECT),
    ),
    "set_zones": Action(_set_zones, (f.ZONE_START, f.ZONE_END, *f.COLOR, f.COLORS, f.TRANSITION)),
    "set_hev_cycle_state": Action(_set_hev_cycle_state, ef.HEV),
    "set_cells": Action(_set_cells, cells.FIELDS),
    "pulse": Action(waveform(LightWaveform.PULSE), ef.WAVEFORM),
    "breathe": Action(waveform(LightWaveform.SINE), ef.WAVEFORM),
    "effect_pulse": Action(effect_pulse, ef.PULSE),
    "effect_colorloop": Action(effect_colorloop, ef.COLORLOOP),
    "paint_theme": Action(paint_theme, ef.PAINT_THEME),
    "effect_move": Action(firmware_effect("move"), (ef.DIRECTION, ef.THEME, *ef.EFFECT)),
    "effect_morph": Action(firmware_effect("morph"), (ef.THEME, ef.PALETTE, *ef.EFFECT)),
    "effect_flame": Action(firmware_effect("flame"), ef.EFFECT),
    "effect_colorsweep": Action(firmware_effect("colorsweep"), ef.COLORSWEEP),
    "effect_sky": Action(
        firmware_effect(None),
        (
            ef.SKY_TYPE,
            ef.CLOUD_SATURATION_LOW,
            ef.CLOUD_SATURATION_HIGH,
            ef.SKY_PALETTE,
            ef.SKY_SPEED,
            ef.EFFECT_DURATION,
            ef.POWER_ON,
        ),
    ),
    "effect_stop": Action(firmware_effect(EFFECT_OFF)),
    "create_scene": Action(_create_scene, (f.SCENE_NAME,)),
    "update_scene": Action(_update_scene),
    "delete_scene": Action(_delete_scene),
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
