"""A palette library, how a palette spreads over bulbs, zones and tiles, and painting it."""

from __future__ import annotations

from collections.abc import Sequence
import math

from .coordinator import Command, LifxCoordinator, LifxData
from .helpers import async_run_all
from .protocol import LifxDevice, LightHsbk, make_hsbk

type Swatch = tuple[float, float, float, int]
"""(hue degrees, saturation 0-1, brightness 0-1, kelvin)."""

# Our own palettes. Each is a short list of swatches that sit well together.
THEMES: dict[str, tuple[Swatch, ...]] = {
    "aurora": ((140, 0.9, 0.8, 3500), (170, 0.8, 0.7, 3500), (280, 0.7, 0.6, 3500)),
    "autumn": ((18, 0.95, 0.8, 3500), (32, 0.9, 0.9, 3500), (48, 0.85, 0.7, 3500)),
    "calm": ((200, 0.35, 0.6, 3500), (220, 0.3, 0.5, 3500), (185, 0.25, 0.55, 3500)),
    "candlelight": ((28, 0.7, 0.45, 2200), (34, 0.6, 0.4, 2200), (22, 0.8, 0.3, 2200)),
    "energize": ((190, 0.2, 1.0, 6500), (210, 0.3, 1.0, 6500), (0, 0.0, 1.0, 6500)),
    "forest": ((95, 0.8, 0.6, 3500), (120, 0.75, 0.5, 3500), (70, 0.6, 0.55, 3500)),
    "ocean": ((185, 0.9, 0.8, 3500), (200, 0.95, 0.6, 3500), (220, 0.85, 0.5, 3500)),
    "party": ((0, 1.0, 1.0, 3500), (120, 1.0, 1.0, 3500), (240, 1.0, 1.0, 3500)),
    "relax": ((30, 0.5, 0.5, 2700), (340, 0.3, 0.4, 2700), (45, 0.4, 0.45, 2700)),
    "spring": ((330, 0.5, 0.8, 3500), (90, 0.6, 0.8, 3500), (55, 0.6, 0.9, 3500)),
    "sunset": ((10, 0.9, 0.8, 3000), (30, 0.85, 0.9, 3000), (300, 0.6, 0.5, 3000)),
    "winter": ((200, 0.2, 0.9, 5500), (220, 0.35, 0.8, 5500), (0, 0.0, 0.85, 5500)),
}


def palette(theme: str) -> list[LightHsbk]:
    """The theme's swatches as wire colours."""
    return [
        make_hsbk(hue=hue, saturation=sat, brightness=bri, kelvin=kelvin)
        for hue, sat, bri, kelvin in THEMES[theme]
    ]


def _blend(first: LightHsbk, second: LightHsbk, amount: float) -> LightHsbk:
    """Mix two colours, taking the short way round the hue circle."""
    delta = ((second.hue - first.hue + 32768) % 65536) - 32768
    return LightHsbk(
        round(first.hue + delta * amount) % 65536,
        round(first.saturation + (second.saturation - first.saturation) * amount),
        round(first.brightness + (second.brightness - first.brightness) * amount),
        round(first.kelvin + (second.kelvin - first.kelvin) * amount),
    )


def gradient(colors: Sequence[LightHsbk], count: int) -> list[LightHsbk]:
    """`count` colours flowing smoothly through the palette and back to its start."""
    if count <= 0:
        return []
    loop = [*colors, colors[0]]
    result = []
    for index in range(count):
        position = index * (len(loop) - 1) / count
        base = math.floor(position)
        result.append(_blend(loop[base], loop[base + 1], position - base))
    return result


def for_bulbs(colors: Sequence[LightHsbk], count: int) -> list[LightHsbk]:
    """One swatch per bulb, cycling, so neighbours differ."""
    return [colors[index % len(colors)] for index in range(count)]


def for_tile(colors: Sequence[LightHsbk], width: int, height: int) -> list[LightHsbk]:
    """A diagonal gradient across a tile, row by row."""
    steps = gradient(colors, width + height)
    return [steps[x + y] for y in range(height) for x in range(width)]


async def async_paint_theme(
    coordinators: Sequence[LifxCoordinator], theme: str, duration: float
) -> None:
    """Spread a palette: one swatch per bulb, a gradient over zones, a diagonal on tiles."""
    colors = palette(theme)
    swatches = dict(zip(coordinators, for_bulbs(colors, len(coordinators)), strict=True))

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        caps = coordinator.capabilities
        chain = coordinator.chain
        swatch = swatches[coordinator]
        zones = gradient(colors, len(state.zones)) if caps.multizone and state.zones else []
        tiles = [for_tile(colors, t.width, t.height) for t in chain] if caps.matrix else []
        was_on = state.power

        async def send(device: LifxDevice) -> None:
            if zones:
                await device.set_zones(zones, duration=duration)
            elif tiles:
                for tile, frame in zip(chain, tiles, strict=True):
                    await device.set_tile_colors(tile, frame, duration=duration)
            else:
                await device.set_color(swatch, duration)
            if not was_on:
                await device.set_power(True, duration)

        def update(current: LifxData) -> LifxData:
            if zones:
                current = current.with_zones(zones)
            elif tiles:
                current = current.with_tiles(tiles)
            else:
                current = current.with_color(swatch)
            return current.with_power(True)

        return Command(send, update)

    async def paint(coordinator: LifxCoordinator) -> None:
        coordinator.theme = theme
        await coordinator.async_plan(lambda state: plan(coordinator, state), transition=duration)

    await async_run_all(coordinators, paint)
