"""lifx_lan.set_cells: paint a rectangle of a matrix's cells, skipping cells with no LED.

A rectangle is given on one tile of a chain (`tile`), or on the whole matrix: a single
tile for a Ceiling, Candle or Luna, and for a chain its tiles side by side in chain order
(x runs across tile 0, then tile 1...). Colours fill the rectangle row by row; cells with
no LED behind them (the Ceiling's corners, the Candle's tip row) are skipped, so neither
one colour nor a list is spent on them, and they keep what they hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.exceptions import ServiceValidationError

from . import fields as f
from .colors import ColorRequest, kelvin_range
from .const import DOMAIN
from .coordinator import Command, LifxCoordinator, LifxData
from .helpers import async_run_all
from .protocol import LifxDevice, LightHsbk, TileInfo

# A chain holds at most 16 tiles (StateDeviceChain's 16 entries) of at most 255 cells a
# side (a byte each); every call is checked against the size of each matrix it reaches.
MAX_SPAN: Final = 16 * 255
TILE = f.Number(name="tile", low=0, high=15, integer=True)
CELL_X = f.Number(name="x", low=0, high=MAX_SPAN - 1, default=0, integer=True)
CELL_Y = f.Number(name="y", low=0, high=MAX_SPAN - 1, default=0, integer=True)
CELL_WIDTH = f.Number(name="width", low=1, high=MAX_SPAN, integer=True)
CELL_HEIGHT = f.Number(name="height", low=1, high=MAX_SPAN, integer=True)
FIELDS: Final = (TILE, CELL_X, CELL_Y, CELL_WIDTH, CELL_HEIGHT, *f.COLOR, f.COLORS, f.TRANSITION)

type Cell = tuple[int, int]
"""(position of the tile in the chain, zone on that tile counted row by row)."""


@dataclass(frozen=True, slots=True)
class Canvas:
    """The cells a call's coordinates reach on one device: one tile, or the chain in a row."""

    tiles: tuple[TileInfo, ...]
    dark: frozenset[Cell]

    @property
    def width(self) -> int:
        """Cells across: the tiles' widths added up."""
        return sum(tile.width for tile in self.tiles)

    @property
    def height(self) -> int:
        """Cells down: the tallest tile's."""
        return max(tile.height for tile in self.tiles)

    def cell(self, x: int, y: int) -> Cell | None:
        """The cell at (x, y); None where no tile reaches or no LED is behind it."""
        for tile in self.tiles:
            if x < tile.width:
                if y >= tile.height:
                    return None
                cell = (tile.index, y * tile.width + x)
                return None if cell in self.dark else cell
            x -= tile.width
        return None


def canvas(coordinator: LifxCoordinator, tile: int | None) -> Canvas:
    """The canvas of a device; refuses a device with no matrix or a tile it lacks."""
    chain = coordinator.chain
    if not coordinator.capabilities.matrix or not chain:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_matrix",
            translation_placeholders={"device": coordinator.title},
        )
    if tile is not None and tile >= len(chain):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_such_tile",
            translation_placeholders={
                "tile": str(tile),
                "count": str(len(chain)),
                "device": coordinator.title,
            },
        )
    tiles = chain if tile is None else (chain[tile],)
    product = coordinator.identity.product
    # The product's cells without an LED are known for its own tile size only.
    dark = frozenset(
        (t.index, zone)
        for t in tiles
        if (t.width, t.height) == product.matrix_size
        for zone in product.dark_zones
    )
    return Canvas(tuple(tiles), dark)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rectangle:
    """Where a call paints: an origin, and a size (None: to the canvas's edge)."""

    x: int
    y: int
    width: int | None
    height: int | None

    @classmethod
    def from_call(cls, data: Mapping[str, Any]) -> Rectangle:
        """The rectangle of a set_cells call."""
        return cls(x=data["x"], y=data["y"], width=data.get("width"), height=data.get("height"))

    def cells(self, coordinator: LifxCoordinator, area: Canvas) -> list[Cell]:
        """The lit cells of the rectangle, row by row, clipped at the canvas's edges.

        An origin beyond the canvas is refused: the call would paint nothing there.
        """
        if self.x >= area.width or self.y >= area.height:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="cell_range",
                translation_placeholders={
                    "x": str(self.x),
                    "y": str(self.y),
                    "width": str(area.width),
                    "height": str(area.height),
                    "device": coordinator.title,
                },
            )
        right = area.width if self.width is None else min(area.width, self.x + self.width)
        bottom = area.height if self.height is None else min(area.height, self.y + self.height)
        return [
            cell
            for y in range(self.y, bottom)
            for x in range(self.x, right)
            if (cell := area.cell(x, y)) is not None
        ]


def _check_colors(coordinator: LifxCoordinator, colors: Sequence[object], lit: int) -> None:
    """A list longer than the rectangle's lit cells is a mistake: say how many there are."""
    if len(colors) > lit:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="too_many_cell_colors",
            translation_placeholders={
                "count": str(len(colors)),
                "cells": str(lit),
                "device": coordinator.title,
            },
        )


def paint(
    state: LifxData,
    cells: Sequence[Cell],
    colors: Sequence[ColorRequest],
    white_points: tuple[int, int],
) -> tuple[tuple[LightHsbk, ...], ...]:
    """Every tile's frame with the cells painted, each from what it showed.

    One colour paints every cell; a list paints one cell each, in turn (`cells` holds as
    many cells as the list has colours, or fewer).
    """
    frames = [list(frame) for frame in state.tiles]
    for number, (tile, zone) in enumerate(cells):
        request = colors[number] if len(colors) > 1 else colors[0]
        frames[tile][zone] = request.apply(frames[tile][zone], white_points)
    return tuple(tuple(frame) for frame in frames)


def _rows(cells: Sequence[Cell], chain: Sequence[TileInfo]) -> dict[int, range]:
    """For each tile painted, the band of rows its painted cells lie in."""
    bands: dict[int, range] = {}
    for tile, zone in cells:
        row = zone // chain[tile].width
        band = bands.get(tile)
        bands[tile] = (
            range(row, row + 1)
            if band is None
            else range(min(band.start, row), max(band.stop, row + 1))
        )
    return bands


async def async_set_cells(coordinators: Sequence[LifxCoordinator], data: Mapping[str, Any]) -> None:
    """Paint the call's rectangle on every matrix it names; every one checked first."""
    rectangle = Rectangle.from_call(data)
    duration: float = data["transition"]
    listed: list[Mapping[str, Any]] = data.get("colors") or []
    colors = [ColorRequest.from_action(c) for c in listed] or [ColorRequest.from_action(data)]
    plans: dict[str, list[Cell]] = {}
    for coordinator in coordinators:
        # Every device is checked before any is sent anything: a call that fails changes nothing.
        cells = rectangle.cells(coordinator, canvas(coordinator, data.get("tile")))
        _check_colors(coordinator, listed, len(cells))
        plans[coordinator.serial] = cells

    def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
        cells = plans[coordinator.serial]
        if listed:
            # A list paints as many cells as it has colours (a list of one paints one).
            cells = cells[: len(listed)]
        frames = paint(state, cells, colors, kelvin_range(coordinator.capabilities))
        chain = coordinator.chain
        bands = _rows(cells, chain)

        async def send(device: LifxDevice) -> None:
            for tile, rows in bands.items():
                await device.set_tile_colors(
                    chain[tile], frames[tile], duration=duration, rows=rows
                )

        return Command(send, lambda current: current.with_tiles(frames))

    async def action(coordinator: LifxCoordinator) -> None:
        await coordinator.async_plan(lambda state: plan(coordinator, state), transition=duration)

    await async_run_all(coordinators, action)
