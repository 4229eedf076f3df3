"""LIFX actions: set_state for lights, groups and areas; zones; waveforms; themes; effects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.components.light import EFFECT_OFF
from homeassistant.const import ATTR_AREA_ID, ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
import voluptuous as vol

from .colors import ColorRequest, kelvin_range
from .const import DOMAIN
from .coordinator import Command, LifxCoordinator, LifxData
from .effects import EffectOptions, async_start_effect
from .helpers import async_run_all
from .protocol import (
    LifxDevice,
    LightHsbk,
)
from .protocol.messages import LightWaveform
from .themes import THEMES, async_paint_theme

SERVICE_SET_STATE = "set_state"
SERVICE_SET_ZONES = "set_zones"
SERVICE_PULSE = "pulse"
SERVICE_BREATHE = "breathe"
SERVICE_PAINT_THEME = "paint_theme"
SERVICE_EFFECT_MOVE = "effect_move"
SERVICE_EFFECT_MORPH = "effect_morph"
SERVICE_EFFECT_FLAME = "effect_flame"
SERVICE_EFFECT_SKY = "effect_sky"
SERVICE_EFFECT_STOP = "effect_stop"

TARGET = cv.make_entity_service_schema
COLOR_FIELDS: dict[vol.Marker, Any] = {
    vol.Optional("hs_color"): vol.All(
        vol.Coerce(tuple), vol.ExactSequence((vol.Coerce(float),) * 2)
    ),
    vol.Optional("brightness_pct"): vol.Coerce(float),
    vol.Optional("kelvin"): vol.Coerce(int),
}
DIRECTIONS = ["left", "right"]
SKY_TYPES = ["sunrise", "sunset", "clouds"]
TRANSITION: dict[vol.Marker, Any] = {vol.Optional("transition", default=0): vol.Coerce(float)}


def _range(field: str, value: float | None, low: float, high: float) -> None:
    """Out-of-range fields are the caller's mistake: say which and what is allowed."""
    if value is not None and not low <= value <= high:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="out_of_range",
            translation_placeholders={
                "field": field,
                "value": f"{value:g}",
                "min": f"{low:g}",
                "max": f"{high:g}",
            },
        )


def _referenced_entities(hass: HomeAssistant, data: dict[str, Any]) -> set[str]:
    """Entity ids named by a target: directly, through devices, or through areas.

    Resolved from the registries here because Home Assistant's own helper for this moved
    and changed its signature between the versions this integration supports.
    """
    entities = er.async_get(hass)
    devices = dr.async_get(hass)

    def as_set(key: str) -> set[str]:
        value = data.get(key)
        if value is None:
            return set()
        return {value} if isinstance(value, str) else set(value)

    found = as_set(ATTR_ENTITY_ID)
    for device_id in as_set(ATTR_DEVICE_ID):
        found.update(e.entity_id for e in er.async_entries_for_device(entities, device_id))
    for area_id in as_set(ATTR_AREA_ID):
        found.update(e.entity_id for e in er.async_entries_for_area(entities, area_id))
        for device in dr.async_entries_for_area(devices, area_id):
            # A device's entities are in its area unless they were given one of their own.
            found.update(
                e.entity_id
                for e in er.async_entries_for_device(entities, device.id)
                if e.area_id is None
            )
    return found


def _targets(hass: HomeAssistant, call: ServiceCall) -> list[LifxCoordinator]:
    """Every LIFX light the call names: directly, through areas and devices, or in groups."""
    pending = list(_referenced_entities(hass, dict(call.data)))
    registry = er.async_get(hass)
    seen: set[str] = set()
    found: dict[str, LifxCoordinator] = {}
    while pending:
        entity_id = pending.pop()
        if entity_id in seen:
            continue
        seen.add(entity_id)
        entry = registry.async_get(entity_id)
        if entry is not None and entry.platform == DOMAIN and entry.domain == "light":
            config_entry = hass.config_entries.async_get_entry(entry.config_entry_id or "")
            if config_entry is None or not hasattr(config_entry, "runtime_data"):
                continue
            # Actions work on whole devices: a Ceiling's uplight names its Ceiling.
            coordinator: LifxCoordinator = config_entry.runtime_data
            found[coordinator.serial] = coordinator
            continue
        state = hass.states.get(entity_id)
        if state is not None and isinstance(
            members := state.attributes.get(ATTR_ENTITY_ID), list | tuple
        ):
            # A light group (or an old-style group): act on its members.
            pending.extend(members)
    if not found:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_lifx_targets")
    return list(found.values())


def _color_from(data: dict[str, Any], base: LightHsbk, kelvin_range: tuple[int, int]) -> LightHsbk:
    if (hs := data.get("hs_color")) is not None:
        _range("hs_color hue", hs[0], 0, 360)
        _range("hs_color saturation", hs[1], 0, 100)
    if (pct := data.get("brightness_pct")) is not None:
        _range("brightness_pct", pct, 0, 100)
    if (value := data.get("kelvin")) is not None:
        _range("kelvin", value, 1500, 9000)
    return ColorRequest.from_action(data).apply(base, kelvin_range)


def _kelvin_range(coordinator: LifxCoordinator) -> tuple[int, int]:
    return kelvin_range(coordinator.capabilities)


async def _set_state(hass: HomeAssistant, call: ServiceCall) -> None:
    data = call.data
    duration = data["transition"]
    _range("transition", duration, 0, 3600)
    targets = _targets(hass, call)
    power: bool | None = data.get("power")
    has_color = any(k in data for k in ("hs_color", "brightness_pct", "kelvin"))

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        base = state.color or LightHsbk(0, 0, 65535, 3500)
        color = _color_from(data, base, _kelvin_range(coordinator)) if has_color else None
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

    _validate_colors(data)
    await async_run_all(targets, action)


def _validate_colors(data: dict[str, Any]) -> None:
    """Check colour fields up front, so no device changes when one field is wrong."""
    _color_from(data, LightHsbk(0, 0, 0, 3500), (1500, 9000))


async def _set_zones(hass: HomeAssistant, call: ServiceCall) -> None:
    data = call.data
    targets = _targets(hass, call)
    start: int = data["start"]
    duration = data["transition"]
    _range("start", start, 0, 65535)
    _range("transition", duration, 0, 3600)
    _validate_colors(data)
    for colors in data.get("colors") or ():
        _validate_colors(colors)
    # Every target is checked before any is sent anything: a call that fails changes nothing.
    for coordinator in targets:
        if not coordinator.capabilities.multizone:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_multizone",
                translation_placeholders={"device": coordinator.title},
            )
        count = len(coordinator.data.zones)
        end = min(data.get("end", count - 1), count - 1)
        if start > end:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="zone_range",
                translation_placeholders={
                    "start": str(start),
                    "end": str(end),
                    "device": coordinator.title,
                },
            )

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        zones = state.zones
        end = min(data.get("end", len(zones) - 1), len(zones) - 1)
        kelvin_range = _kelvin_range(coordinator)
        if colors := data.get("colors"):
            painted = [
                _color_from(c, zones[min(start + i, len(zones) - 1)], kelvin_range)
                for i, c in enumerate(colors)
            ][: end - start + 1]
        else:
            painted = [_color_from(data, zones[i], kelvin_range) for i in range(start, end + 1)]

        async def send(device: LifxDevice) -> None:
            await device.set_zones(painted, start=start, duration=duration)

        return Command(send, lambda current: current.with_zones(painted, start))

    async def action(coordinator: LifxCoordinator) -> None:
        await coordinator.async_plan(lambda state: plan(coordinator, state), transition=duration)

    await async_run_all(targets, action)


def _waveform_handler(
    waveform: LightWaveform,
) -> Callable[[HomeAssistant, ServiceCall], Awaitable[None]]:
    async def handler(hass: HomeAssistant, call: ServiceCall) -> None:
        data = call.data
        _range("period", data["period"], 0.02, 3600)
        _range("cycles", data["cycles"], 0.1, 100000)
        _range("skew_ratio", data["skew_ratio"], 0, 1)
        _validate_colors(data)
        targets = _targets(hass, call)

        def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
            base = state.color or LightHsbk(0, 0, 65535, 3500)
            color = _color_from(data, base, _kelvin_range(coordinator))
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

        await async_run_all(targets, action)

    return handler


async def _paint_theme(hass: HomeAssistant, call: ServiceCall) -> None:
    _range("transition", call.data["transition"], 0, 3600)
    await async_paint_theme(_targets(hass, call), call.data["theme"], call.data["transition"])


def _effect_handler(name: str | None) -> Callable[[HomeAssistant, ServiceCall], Awaitable[None]]:
    async def handler(hass: HomeAssistant, call: ServiceCall) -> None:
        data = call.data
        effect = name or f"sky_{data['sky_type']}"
        if "speed" in data:
            _range("speed", data["speed"], 0.1, 3600)
        _range("duration", data.get("duration", 0), 0, 86400 * 365)
        _range("cloud_saturation_min", data.get("cloud_saturation_min", 50), 0, 255)
        _range("cloud_saturation_max", data.get("cloud_saturation_max", 180), 0, 255)
        options = EffectOptions(
            speed=data.get("speed"),
            duration=data.get("duration", 0),
            reverse=data.get("direction") == "left",
            theme=data.get("theme"),
            cloud_saturation_min=data.get("cloud_saturation_min", 50),
            cloud_saturation_max=data.get("cloud_saturation_max", 180),
        )
        targets = _targets(hass, call)

        async def action(coordinator: LifxCoordinator) -> None:
            await async_start_effect(
                coordinator, effect, options, power_on=data.get("power_on", False)
            )

        await async_run_all(targets, action)

    return handler


EFFECT_COMMON: dict[vol.Marker, Any] = {
    vol.Optional("speed"): vol.Coerce(float),
    vol.Optional("duration", default=0): vol.Coerce(float),
    vol.Optional("power_on", default=True): cv.boolean,
}
WAVEFORM_SCHEMA = TARGET(
    {
        **COLOR_FIELDS,
        vol.Optional("period", default=1.0): vol.Coerce(float),
        vol.Optional("cycles", default=1.0): vol.Coerce(float),
        vol.Optional("skew_ratio", default=0.5): vol.Coerce(float),
        vol.Optional("transient", default=True): cv.boolean,
        vol.Optional("power_on", default=True): cv.boolean,
    }
)

type Handler = Callable[[HomeAssistant, ServiceCall], Awaitable[None]]

SERVICES: dict[str, tuple[Handler, Any]] = {
    SERVICE_SET_STATE: (
        _set_state,
        TARGET({**COLOR_FIELDS, **TRANSITION, vol.Optional("power"): cv.boolean}),
    ),
    SERVICE_SET_ZONES: (
        _set_zones,
        TARGET(
            {
                **COLOR_FIELDS,
                **TRANSITION,
                vol.Optional("start", default=0): vol.Coerce(int),
                vol.Optional("end"): vol.Coerce(int),
                vol.Optional("colors"): [vol.Schema(COLOR_FIELDS)],
            }
        ),
    ),
    SERVICE_PULSE: (_waveform_handler(LightWaveform.PULSE), WAVEFORM_SCHEMA),
    SERVICE_BREATHE: (_waveform_handler(LightWaveform.SINE), WAVEFORM_SCHEMA),
    SERVICE_PAINT_THEME: (
        _paint_theme,
        TARGET({vol.Required("theme"): vol.In(list(THEMES)), **TRANSITION}),
    ),
    SERVICE_EFFECT_MOVE: (
        _effect_handler("move"),
        TARGET(
            {**EFFECT_COMMON, vol.Optional("direction", default="right"): vol.In(["left", "right"])}
        ),
    ),
    SERVICE_EFFECT_MORPH: (
        _effect_handler("morph"),
        TARGET({**EFFECT_COMMON, vol.Optional("theme"): vol.In(list(THEMES))}),
    ),
    SERVICE_EFFECT_FLAME: (_effect_handler("flame"), TARGET(EFFECT_COMMON)),
    SERVICE_EFFECT_SKY: (
        _effect_handler(None),
        TARGET(
            {
                **EFFECT_COMMON,
                vol.Optional("sky_type", default="sunrise"): vol.In(
                    ["sunrise", "sunset", "clouds"]
                ),
                vol.Optional("cloud_saturation_min", default=50): vol.Coerce(int),
                vol.Optional("cloud_saturation_max", default=180): vol.Coerce(int),
            }
        ),
    ),
    SERVICE_EFFECT_STOP: (_effect_handler(EFFECT_OFF), TARGET({})),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every LIFX action once, for all entries."""
    for name, (handler, schema) in SERVICES.items():

        async def service(call: ServiceCall, handler: Any = handler) -> None:
            await handler(hass, call)

        hass.services.async_register(DOMAIN, name, service, schema=schema)
