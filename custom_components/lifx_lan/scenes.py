"""LIFX scenes: what a device shows, captured whole, kept as JSON, and put back in one command.

A capture is everything a device shows: power, colour, every zone of a strip, every cell
of every tile (a Ceiling's uplight and downlight are cells of its one tile), the running
firmware effect with its parameters, and infrared. It is keyed by the device's serial,
never its address, so a scene still finds a device DHCP moved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .coordinator import Command, LifxCoordinator, LifxData
from .protocol import EffectState, LifxDevice, LifxError, LightHsbk, effect_name
from .protocol.canvas import EXTENDED_ZONES_PER_PACKET, together
from .protocol.messages import MultiZoneEffectType, TileEffectSkyType, TileEffectType


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceScene:
    """What one device showed when the scene was captured."""

    serial: str
    # The device's name at capture, to name it when it cannot be reached later
    label: str
    power: bool
    color: LightHsbk | None = None
    zones: tuple[LightHsbk, ...] = ()
    tiles: tuple[tuple[LightHsbk, ...], ...] = ()
    effect: EffectState | None = None
    infrared: int | None = None

    @property
    def title(self) -> str:
        """How errors name the device: its label at capture and its serial."""
        return f"{self.label or self.serial} ({self.serial})"


@dataclass(frozen=True, slots=True, kw_only=True)
class SceneRecipe:
    """A named scene: every device's capture."""

    name: str
    devices: tuple[DeviceScene, ...]


# JSON, as the storage helper keeps it: colours as [hue, saturation, brightness, kelvin].


def _color_json(color: LightHsbk) -> list[int]:
    return [color.hue, color.saturation, color.brightness, color.kelvin]


def _color(raw: Sequence[int]) -> LightHsbk:
    hue, saturation, brightness, kelvin = (int(value) for value in raw)
    return LightHsbk(hue, saturation, brightness, kelvin)


def recipe_to_json(recipe: SceneRecipe) -> dict[str, Any]:
    """The scene as the storage helper saves it."""
    return {
        "name": recipe.name,
        "devices": [_device_json(device) for device in recipe.devices],
    }


def _device_json(device: DeviceScene) -> dict[str, Any]:
    effect = device.effect
    return {
        "serial": device.serial,
        "label": device.label,
        "power": device.power,
        "color": None if device.color is None else _color_json(device.color),
        "zones": [_color_json(zone) for zone in device.zones],
        "tiles": [[_color_json(cell) for cell in tile] for tile in device.tiles],
        "effect": None
        if effect is None
        else {
            "kind": effect.kind,
            "speed_ms": effect.speed_ms,
            "duration_ns": effect.duration_ns,
            "parameters": list(effect.parameters),
            "palette": [_color_json(color) for color in effect.palette],
        },
        "infrared": device.infrared,
    }


def recipe_from_json(raw: Mapping[str, Any]) -> SceneRecipe:
    """A stored scene (KeyError, TypeError or ValueError when it is not one)."""
    return SceneRecipe(
        name=str(raw["name"]),
        devices=tuple(_device_from_json(device) for device in raw["devices"]),
    )


def _device_from_json(raw: Mapping[str, Any]) -> DeviceScene:
    effect = raw.get("effect")
    infrared = raw.get("infrared")
    return DeviceScene(
        serial=str(raw["serial"]),
        label=str(raw.get("label", "")),
        power=bool(raw["power"]),
        color=None if raw.get("color") is None else _color(raw["color"]),
        zones=tuple(_color(zone) for zone in raw.get("zones", ())),
        tiles=tuple(tuple(_color(cell) for cell in tile) for tile in raw.get("tiles", ())),
        effect=None
        if effect is None
        else EffectState(
            kind=int(effect["kind"]),
            speed_ms=int(effect["speed_ms"]),
            duration_ns=int(effect["duration_ns"]),
            parameters=tuple(int(value) for value in effect["parameters"]),
            palette=tuple(_color(color) for color in effect["palette"]),
        ),
        infrared=None if infrared is None else int(infrared),
    )


# Capturing


def is_reachable(coordinator: LifxCoordinator) -> bool:
    """Whether the device answered its last poll (one missed poll already counts here)."""
    return coordinator.last_update_success and not coordinator.lost and not coordinator.missed_polls


async def async_capture(coordinators: Sequence[LifxCoordinator]) -> list[DeviceScene | None]:
    """Every device's look, from a poll taken now (None for a device that did not answer).

    A fresh poll, because the LIFX app or a wall switch may have changed a device since
    the last one; while a transition runs, the poll shows its target. A device already
    known to be unavailable is not asked.
    """
    return list(await asyncio.gather(*(_capture(c) for c in coordinators)))


async def _capture(coordinator: LifxCoordinator) -> DeviceScene | None:
    if coordinator.lost:
        # Known to be off at the wall: its coordinator checks for it on its own schedule,
        # and a capture should not wait for the answer it will not get.
        return None
    await coordinator.async_refresh()
    if not is_reachable(coordinator):
        return None
    data = coordinator.data
    effect = None
    if data.effect is not None:
        # The poll keeps only the effect's name; a scene needs its speed, palette and
        # parameters too, so the running effect is asked for once more, only here.
        device = coordinator.device
        caps = coordinator.capabilities
        try:
            effect = await (
                device.get_tile_effect() if caps.matrix else device.get_multizone_effect()
            )
        except LifxError:
            return None
    return DeviceScene(
        serial=coordinator.serial,
        label=coordinator.title,
        power=data.power,
        color=data.color,
        zones=data.zones,
        tiles=data.tiles,
        effect=effect,
        infrared=data.infrared,
    )


# Restoring


async def async_restore(coordinator: LifxCoordinator, scene: DeviceScene, duration: float) -> None:
    """Put one device back as captured, in turn with its other commands."""
    await coordinator.async_plan(
        lambda data: _restore(coordinator, data, scene, duration), transition=duration
    )


def _restore(
    coordinator: LifxCoordinator, data: LifxData, scene: DeviceScene, duration: float
) -> Command:
    """The packets that turn what the device shows now into the capture.

    Like set_state: a device that is off takes its colours at once and then fades in; one
    that is on fades to them. A running effect the scene has not is stopped first, or it
    would paint over the restored colours.
    """
    caps = coordinator.capabilities
    chain = coordinator.chain
    was_on = data.power
    fade = duration if was_on else 0.0
    zones = list(scene.zones[: len(data.zones)]) if caps.multizone and data.zones else []
    tiles = (
        [(tile, colors) for tile, colors in zip(chain, scene.tiles, strict=False)]
        if caps.matrix
        else []
    )
    color = scene.color if not zones and not tiles else None
    effect = scene.effect if (caps.matrix or caps.multizone) else None
    stop_effect = data.effect is not None and effect is None
    infrared = scene.infrared if caps.infrared else None

    async def send(device: LifxDevice) -> None:
        # Everything but a change of power leaves in one pass, in this order, without
        # waiting for acknowledgements in between: a scene over many devices lands together.
        sends: list[Coroutine[object, None, None]] = []
        if stop_effect:
            sends.append(_stop_effect(device, matrix=caps.matrix))
        sends += _paint_zones(device, zones, fade, extended=caps.extended_multizone)
        sends += [device.set_tile_colors(tile, colors, duration=fade) for tile, colors in tiles]
        if color is not None:
            sends.append(device.set_color(color, fade))
        if effect is not None:
            sends.append(_start_effect(device, effect, matrix=caps.matrix))
        if infrared is not None:
            sends.append(device.set_infrared(infrared))
        await together(sends)
        if scene.power != was_on:
            # Only once the colours are there: a light switched on fades in with them.
            await device.set_power(scene.power, duration)

    def update(state: LifxData) -> LifxData:
        if zones:
            state = state.with_zones(zones)
        if tiles:
            state = state.with_tiles([colors for _, colors in tiles])
        if color is not None:
            state = state.with_color(color)
        return replace(
            state,
            color=scene.color if scene.color is not None else state.color,
            power=scene.power,
            effect=None if effect is None else effect_name(effect, caps.matrix),
            infrared=state.infrared if infrared is None else infrared,
        )

    return Command(send, update)


def _paint_zones(
    device: LifxDevice, zones: list[LightHsbk], fade: float, *, extended: bool
) -> list[Coroutine[object, None, None]]:
    """A strip's zones: one send per extended packet, so that none waits for another.

    Each applies its own zones at once, so a retransmitted packet can never arrive after
    the one that applies the rest. A legacy strip's runs stay one send, in order.
    """
    if not zones:
        return []
    if not extended:
        return [device.set_zones(zones, duration=fade)]
    step = EXTENDED_ZONES_PER_PACKET
    return [
        device.set_zones(zones[start : start + step], start=start, duration=fade)
        for start in range(0, len(zones), step)
    ]


async def _stop_effect(device: LifxDevice, *, matrix: bool) -> None:
    if matrix:
        await device.set_tile_effect(TileEffectType.OFF)
    else:
        await device.set_multizone_effect(MultiZoneEffectType.OFF)


async def _start_effect(device: LifxDevice, effect: EffectState, *, matrix: bool) -> None:
    """The captured effect again, with its speed, duration, parameters and palette."""
    speed = effect.speed_ms / 1000
    duration = effect.duration_ns / 1e9
    parameters = (*effect.parameters, 0, 0, 0)
    if matrix:
        await device.set_tile_effect(
            _known(TileEffectType, effect.kind, TileEffectType.OFF),
            speed=speed,
            duration=duration,
            palette=effect.palette,
            sky_type=_known(TileEffectSkyType, parameters[0], TileEffectSkyType.SUNRISE),
            cloud_saturation_min=parameters[1],
            cloud_saturation_max=parameters[2],
        )
    else:
        await device.set_multizone_effect(
            _known(MultiZoneEffectType, effect.kind, MultiZoneEffectType.OFF),
            speed=speed,
            duration=duration,
            # The move effect's direction is its second parameter: 1 moves backwards.
            reverse=parameters[1] == 1,
        )


def _known[E: (TileEffectType, TileEffectSkyType, MultiZoneEffectType)](
    kind: type[E], value: int, fallback: E
) -> E:
    """The enum member for a captured number; newer firmware's unknown ones fall back."""
    try:
        return kind(value)
    except ValueError:
        return fallback
