"""A palette library, how a palette spreads over bulbs, zones and tiles, and painting it."""

from __future__ import annotations

from collections.abc import Sequence, Set
import math

from .colors import kelvin_range
from .coordinator import Command, LifxCoordinator, LifxData, PaintedTheme, tints
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


def for_tile(
    colors: Sequence[LightHsbk], width: int, height: int, dark: Set[int] = frozenset()
) -> dict[int, LightHsbk]:
    """A diagonal gradient across a tile's lit cells: the colour of each, by its index.

    A cell with no LED behind it (`dark`) gets no colour, and a diagonal of dark cells only
    takes no step of the gradient: the whole palette spreads over what can be seen.
    """
    lit = [index for index in range(width * height) if index not in dark]
    diagonals = sorted({index % width + index // width for index in lit})
    steps = dict(zip(diagonals, gradient(colors, len(diagonals)), strict=True))
    return {index: steps[index % width + index // width] for index in lit}


def _within(color: LightHsbk, white_points: tuple[int, int]) -> LightHsbk:
    """The colour with its kelvin in the product's range, as the device will show it."""
    low, high = white_points
    return color._replace(kelvin=max(low, min(high, color.kelvin)))


async def async_paint_theme(
    coordinators: Sequence[LifxCoordinator], theme: str, duration: float
) -> None:
    """Spread a palette: one swatch per bulb, a gradient over zones, a diagonal on tiles.

    Cells with no LED keep what they had. Each light remembers the theme, for its select.
    """
    themed = palette(theme)
    swatches = dict(zip(coordinators, for_bulbs(themed, len(coordinators)), strict=True))

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        caps = coordinator.capabilities
        chain = coordinator.chain
        dark = coordinator.set_up_profile.dark_zones
        white_points = kelvin_range(caps)
        colors = [_within(color, white_points) for color in themed]
        swatch = _within(swatches[coordinator], white_points)
        zones = gradient(colors, len(state.zones)) if caps.multizone and state.zones else []
        tiles: list[list[LightHsbk]] = []
        if caps.matrix:
            for tile, shown in zip(chain, state.tiles, strict=True):
                painted = for_tile(colors, tile.width, tile.height, dark)
                tiles.append([painted.get(index, cell) for index, cell in enumerate(shown)])
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

        coordinator.theme = PaintedTheme(theme, tints(update(state)))
        return Command(send, update)

    async def paint(coordinator: LifxCoordinator) -> None:
        await coordinator.async_plan(lambda state: plan(coordinator, state), transition=duration)

    await async_run_all(coordinators, paint)
