"""Capabilities and matrix layouts of LIFX products, from shipped data (see SOURCE.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace
import json
from pathlib import Path
from typing import Final, TypedDict

LIFX_VENDOR: Final = 1
# The widest range any LIFX white channel has: a guess that never refuses a real value.
DEFAULT_TEMPERATURE_RANGE: Final = (1500, 9000)


@dataclass(frozen=True, slots=True, kw_only=True)
class Capabilities:
    """What a device can do, for its product and firmware."""

    color: bool = False
    temperature_range: tuple[int, int] | None = None
    infrared: bool = False
    multizone: bool = False
    extended_multizone: bool = False
    matrix: bool = False
    chain: bool = False
    hev: bool = False
    relays: bool = False
    buttons: bool = False

    @property
    def is_light(self) -> bool:
        """Whether the device has a light (a LIFX Switch has only relays)."""
        return self.color or self.temperature_range is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    """One LIFX product: its id, name and capabilities at a firmware version.

    A matrix product may also carry facts about its tile that products.json lacks
    (products_layout.json). Zone indices count row by row on the product's single tile,
    y * width + x, in the `matrix_size` rectangle the firmware reports; they say nothing
    about a device whose tile has another size.
    """

    vendor: int
    product_id: int
    name: str
    capabilities: Capabilities
    known: bool = True
    matrix_size: tuple[int, int] | None = None
    """(width, height) of the tile that `uplight_zone` and `dark_zones` describe."""
    uplight_zone: int | None = None
    """The zone that drives a Ceiling's uplight ring; None for everything else."""
    dark_zones: frozenset[int] = frozenset()
    """Zones with no LED behind them: they read and write, but painting them shows nothing."""


class _Features(TypedDict, total=False):
    """A product's features as products.json states them (absent: the vendor default)."""

    color: bool
    temperature_range: list[int] | None
    infrared: bool
    multizone: bool
    extended_multizone: bool
    matrix: bool
    chain: bool
    hev: bool
    relays: bool
    buttons: bool


class _Upgrade(TypedDict):
    major: int
    minor: int
    features: _Features


class _Entry(TypedDict, total=False):
    pid: int
    name: str
    features: _Features
    upgrades: list[_Upgrade]


@dataclass(frozen=True, slots=True)
class _Layout:
    """What products_layout.json says about the tile of one product."""

    width: int
    height: int
    uplight_zone: int | None
    dark_zones: frozenset[int]


def _apply(capabilities: Capabilities, features: _Features) -> Capabilities:
    """The capabilities with what `features` states applied; absent features keep theirs."""
    temperature_range = capabilities.temperature_range
    if "temperature_range" in features:
        kelvins = features["temperature_range"]
        temperature_range = (kelvins[0], kelvins[1]) if kelvins else None
    return Capabilities(
        color=features.get("color", capabilities.color),
        temperature_range=temperature_range,
        infrared=features.get("infrared", capabilities.infrared),
        multizone=features.get("multizone", capabilities.multizone),
        extended_multizone=features.get("extended_multizone", capabilities.extended_multizone),
        matrix=features.get("matrix", capabilities.matrix),
        chain=features.get("chain", capabilities.chain),
        hev=features.get("hev", capabilities.hev),
        relays=features.get("relays", capabilities.relays),
        buttons=features.get("buttons", capabilities.buttons),
    )


def _load() -> tuple[Capabilities, dict[int, _Entry]]:
    # json.loads is untyped: the TypedDicts state the schema products.json follows.
    vendors = json.loads((Path(__file__).parent / "products.json").read_text())
    lifx = next(v for v in vendors if v["vid"] == LIFX_VENDOR)
    defaults = _apply(Capabilities(), lifx["defaults"])
    products: list[_Entry] = lifx["products"]
    return defaults, {product["pid"]: product for product in products}


def _load_layouts() -> dict[int, _Layout]:
    tables = json.loads((Path(__file__).parent / "products_layout.json").read_text())
    uplight_cells = {int(pid): (x, y) for pid, (x, y) in tables["uplight_cell_xy"].items()}
    layouts: dict[int, _Layout] = {}
    for family in tables["matrix_cells_without_led"]:
        width, height = family["width"], family["height"]
        for pid in family["pids"]:
            cell = uplight_cells.get(pid)
            uplight = None if cell is None else cell[1] * width + cell[0]
            # The table counts a Ceiling's uplight cell among the cells with no downlight
            # LED behind them, but the uplight ring is lit by that cell: it is not dark.
            dark = frozenset(family["cells_without_led"]) - {uplight}
            layouts[pid] = _Layout(width, height, uplight, dark)
    return layouts


# Read once at import; integrations are imported outside the event loop.
_DEFAULTS, _PRODUCTS = _load()
_LAYOUTS = _load_layouts()


def product_ids() -> list[int]:
    """Every product id in the registry."""
    return sorted(_PRODUCTS)


def lookup(
    product_id: int, firmware: tuple[int, int] | None = None, *, vendor: int = LIFX_VENDOR
) -> Product:
    """Capabilities of a product at a firmware (major, minor); unknown ids get a guess.

    Upgrades apply when their (major, minor) is at most the device's, compared as tuples
    (2.80 is newer than 2.77, and 3.0 newer than 2.80). Without a firmware version no
    upgrade is assumed, which is the conservative choice.
    """
    entry = _PRODUCTS.get(product_id) if vendor == LIFX_VENDOR else None
    if entry is None:
        # An unknown product still gets a usable light: colour with the widest white range.
        return Product(
            vendor=vendor,
            product_id=product_id,
            name=f"Unknown LIFX product {product_id}",
            capabilities=replace(
                _DEFAULTS, color=True, temperature_range=DEFAULT_TEMPERATURE_RANGE
            ),
            known=False,
        )
    capabilities = _apply(_DEFAULTS, entry["features"])
    if firmware is not None:
        for upgrade in entry.get("upgrades", []):
            if (upgrade["major"], upgrade["minor"]) <= firmware:
                capabilities = _apply(capabilities, upgrade["features"])
    product = Product(
        vendor=vendor, product_id=product_id, name=entry["name"], capabilities=capabilities
    )
    layout = _LAYOUTS.get(product_id)
    # Zones belong to a matrix: a white-only Candle of the same family has none.
    if layout is None or not capabilities.matrix:
        return product
    return replace(
        product,
        matrix_size=(layout.width, layout.height),
        uplight_zone=layout.uplight_zone,
        dark_zones=layout.dark_zones,
    )
