"""A palette library, how a palette spreads over bulbs, zones and tiles, and painting it."""

from __future__ import annotations

from collections.abc import Sequence, Set
import json
import math
from pathlib import Path

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


def _app_themes() -> dict[str, tuple[Swatch, ...]]:
    """The LIFX app's theme catalogue, as core's LIFX integration offers it.

    Written by devtools/import_app_themes.py; read once, when the integration is imported
    (which Home Assistant does outside its event loop).
    """
    catalogue = json.loads((Path(__file__).parent / "app_themes.json").read_text())
    return {
        slug: tuple((hue, sat, bri, int(kelvin)) for hue, sat, bri, kelvin in theme["colors"])
        for slug, theme in catalogue.items()
    }


APP_THEMES = _app_themes()
# Every theme an action takes. Six names are in both lists (aurora, autumn, forest, ocean,
# party, spring): those keep our palette, which the theme select has always painted.
ALL_THEMES: dict[str, tuple[Swatch, ...]] = dict(sorted({**APP_THEMES, **THEMES}.items()))
# What paint_theme paints when the call names no theme: core's default.
DEFAULT_THEME = "exciting"


def to_palette(swatches: Sequence[Swatch]) -> list[LightHsbk]:
    """Swatches as wire colours."""
    return [
        make_hsbk(hue=hue, saturation=sat, brightness=bri, kelvin=kelvin)
        for hue, sat, bri, kelvin in swatches
    ]


def palette(theme: str) -> list[LightHsbk]:
    """The theme's swatches as wire colours."""
    return to_palette(ALL_THEMES[theme])


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
    coordinators: Sequence[LifxCoordinator],
    theme: str | None,
    duration: float,
    *,
    colors: Sequence[LightHsbk] | None = None,
    power_on: bool = True,
) -> None:
    """Spread a palette: one swatch per bulb, a gradient over zones, a diagonal on tiles.

    The palette is the named theme's, or `colors` (then `theme` is None); a light that is
    off is switched on unless `power_on` is False. Cells with no LED keep what they had.
    Each light remembers a named theme, for its select.
    """
    spread = list(colors) if colors is not None else palette(theme or "")
    swatches = dict(zip(coordinators, for_bulbs(spread, len(coordinators)), strict=True))

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        caps = coordinator.capabilities
        chain = coordinator.chain
        dark = coordinator.set_up_profile.dark_zones
        white_points = kelvin_range(caps)
        within = [_within(color, white_points) for color in spread]
        swatch = _within(swatches[coordinator], white_points)
        zones = gradient(within, len(state.zones)) if caps.multizone and state.zones else []
        tiles: list[list[LightHsbk]] = []
        if caps.matrix:
            for tile, shown in zip(chain, state.tiles, strict=True):
                painted = for_tile(within, tile.width, tile.height, dark)
                tiles.append([painted.get(index, cell) for index, cell in enumerate(shown)])
        was_on = state.power
        switch_on = power_on and not was_on

        async def send(device: LifxDevice) -> None:
            if zones:
                await device.set_zones(zones, duration=duration)
            elif tiles:
                for tile, frame in zip(chain, tiles, strict=True):
                    await device.set_tile_colors(tile, frame, duration=duration)
            else:
                await device.set_color(swatch, duration)
            if switch_on:
                await device.set_power(True, duration)

        def update(current: LifxData) -> LifxData:
            if zones:
                current = current.with_zones(zones)
            elif tiles:
                current = current.with_tiles(tiles)
            else:
                current = current.with_color(swatch)
            return current.with_power(True) if switch_on else current

        # A palette of the call's own is no theme the select could show.
        coordinator.theme = None if theme is None else PaintedTheme(theme, tints(update(state)))
        return Command(send, update)

    async def paint(coordinator: LifxCoordinator) -> None:
        await coordinator.async_plan(lambda state: plan(coordinator, state), transition=duration)

    await async_run_all(coordinators, paint)
