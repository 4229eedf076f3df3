"""Capabilities from LIFX's product registry, with firmware upgrades compared as tuples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custom_components.lifx_lan.protocol import lookup
from custom_components.lifx_lan.protocol.products import product_ids

PROTOCOL = Path(__file__).resolve().parents[2] / "custom_components" / "lifx_lan" / "protocol"
# The 36 products LIFX's registry gained between 03ff681 and 58b8dfa, and their features.
ADDED_SINCE_03FF681: dict[int, tuple[str, set[str]]] = {
    2: ("Original 1000", {"color"}),
    12: ("LIFX LCMv4 White OEM (A19 LV)", set()),
    13: ("LIFX LCMv4 White OEM (A19 HV)", set()),
    14: ("LIFX Carbon Prototype", {"color"}),
    21: ("LIFX LCMv4 Color (GU10)", {"color"}),
    23: ("LIFX (A19)", {"color"}),
    24: ("LIFX (BR30)", {"color"}),
    25: ("LIFX+ (A19)", {"color", "infrared"}),
    26: ("LIFX+ (BR30)", {"color", "infrared"}),
    33: ("LIFX Downlight", {"color"}),
    54: ("LIFX GU10 White", set()),
    56: ("LIFX Beam", {"color", "multizone"}),
    67: ("LIFX Candle WW", set()),
    72: ("LIFX A19", {"color"}),
    84: ("LIFX Switch", {"relays", "buttons"}),
    86: ("LIFX Filament Smokey", set()),
    102: ("LIFX Filament Smokey", set()),
    151: ("LIFX Neon Outdoor", {"color", "multizone"}),
    152: ("LIFX Neon Outdoor", {"color", "multizone"}),
    153: ("LIFX PAR38 US", {"color"}),
    154: ("LIFX PAR38 Intl", {"color"}),
    155: ("LIFX Sunshine", {"color"}),
    156: ("LIFX A21 1000lm Intl", {"color"}),
    172: ("LIFX Spot", {"color", "matrix"}),
    191: ("LIFX Everyday A19", {"color"}),
    192: ("LIFX Everyday A19 Intl", {"color"}),
    207: ("LIFX Everyday Lightstrip", {"color", "multizone", "buttons"}),
    208: ("LIFX Everyday Lightstrip Intl", {"color", "multizone", "buttons"}),
    211: ("LIFX Everyday Permanent Outdoor US", {"color", "multizone"}),
    226: ("LIFX Dimmer Switch", {"relays", "buttons"}),
    229: ("LIFX Path Intl", {"color", "matrix"}),
    265: ('LIFX Ceiling 13"', {"color", "matrix"}),
    266: ('LIFX Ceiling 13" Intl', {"color", "matrix"}),
    267: ("LIFX Mirror", {"color", "matrix", "buttons"}),
    268: ("LIFX Mirror Intl", {"color", "matrix", "buttons"}),
    300: ("LIFX Everyday Permanent Outdoor US", {"color", "multizone"}),
}
FLAGS = (
    "color", "infrared", "multizone", "extended_multizone", "matrix", "chain", "hev", "relays",
    "buttons",
)  # fmt: skip


def test_colour_bulb_capabilities() -> None:
    product = lookup(27, (3, 70))
    assert product.name == "LIFX A19"
    caps = product.capabilities
    assert caps.color
    assert caps.is_light
    assert not caps.multizone
    assert not caps.matrix
    assert not caps.hev
    assert not caps.relays
    assert not caps.infrared


def test_white_bulb_has_temperature_but_no_colour() -> None:
    caps = lookup(50, (3, 60)).capabilities
    assert not caps.color
    assert caps.temperature_range == (1500, 6500)
    assert caps.is_light
    assert lookup(50, (3, 70)).capabilities.temperature_range == (1500, 9000)
    assert lookup(87).capabilities.temperature_range == (2700, 2700)


def test_extended_multizone_needs_firmware_2_77() -> None:
    assert not lookup(32, (2, 76)).capabilities.extended_multizone
    assert lookup(32, (2, 77)).capabilities.extended_multizone
    # Tuples, not fields: 3.0 is newer than 2.77 although 0 < 77.
    assert lookup(32, (3, 0)).capabilities.extended_multizone
    assert not lookup(32).capabilities.extended_multizone


def test_upgrades_widen_the_temperature_range() -> None:
    assert lookup(29, (2, 79)).capabilities.temperature_range == (2500, 9000)
    assert lookup(29, (2, 80)).capabilities.temperature_range == (1500, 9000)
    assert lookup(29, (2, 80)).capabilities.infrared


def test_switch_has_relays_and_buttons_but_no_light() -> None:
    caps = lookup(70).capabilities
    assert caps.relays
    assert caps.buttons
    assert not caps.is_light


def test_matrix_hev_and_chain_products() -> None:
    assert lookup(55).capabilities.chain
    assert lookup(55).capabilities.matrix
    assert lookup(176).capabilities.matrix
    assert not lookup(176).capabilities.chain
    assert lookup(90).capabilities.hev


def test_unknown_product_gets_a_conservative_light() -> None:
    product = lookup(99999, (9, 9))
    assert not product.known
    assert "99999" in product.name
    assert product.capabilities.color
    assert product.capabilities.temperature_range == (1500, 9000)
    assert not product.capabilities.multizone
    assert not lookup(27, vendor=2).known


def test_registry_is_complete() -> None:
    ids = product_ids()
    assert len(ids) == 137 + len(ADDED_SINCE_03FF681)
    assert set(ADDED_SINCE_03FF681) <= set(ids)
    for product_id in ids:
        assert lookup(product_id, (99, 0)).known


def test_registry_is_sorted_by_product_id_like_upstream() -> None:
    (lifx,) = json.loads((PROTOCOL / "products.json").read_text())
    pids = [product["pid"] for product in lifx["products"]]
    assert pids == sorted(set(pids))


@pytest.mark.parametrize("product_id", sorted(ADDED_SINCE_03FF681))
def test_products_added_up_to_58b8dfa_have_their_names_and_features(product_id: int) -> None:
    name, features = ADDED_SINCE_03FF681[product_id]
    product = lookup(product_id, (4, 0))
    assert product.known
    assert product.name == name
    caps = product.capabilities
    assert {flag for flag in FLAGS if getattr(caps, flag)} == features
    assert caps.is_light == ("relays" not in features)


def test_dimmer_switch_has_relays_and_buttons_but_no_light() -> None:
    caps = lookup(226, (4, 100)).capabilities
    assert caps.relays
    assert caps.buttons
    assert not caps.is_light
    assert caps.temperature_range is None


def test_everyday_range_is_white_from_2700_to_6500_kelvin() -> None:
    for product_id in (191, 192, 207, 208, 211, 300):
        assert lookup(product_id).capabilities.temperature_range == (2700, 6500)
    strip = lookup(207, (4, 0)).capabilities
    assert strip.multizone
    assert strip.buttons
    assert strip.is_light
    assert not strip.matrix


def test_ceiling_13_and_mirror_widen_their_white_range_with_firmware() -> None:
    assert lookup(265, (4, 147)).capabilities.temperature_range == (1500, 9000)
    assert lookup(265, (4, 148)).capabilities.temperature_range == (1000, 10000)
    assert lookup(266, (4, 148)).capabilities.temperature_range == (1000, 10000)
    # The registry has the US Mirror's upgrade later than the international one's.
    assert lookup(267, (4, 148)).capabilities.temperature_range == (1500, 9000)
    assert lookup(267, (4, 200)).capabilities.temperature_range == (1000, 10000)
    assert lookup(268, (4, 148)).capabilities.temperature_range == (1000, 10000)


def test_mirror_is_a_matrix_light_with_buttons() -> None:
    for product_id in (267, 268):
        caps = lookup(product_id).capabilities
        assert caps.matrix
        assert not caps.chain
        assert not caps.multizone
        assert caps.buttons
        assert caps.is_light


@pytest.mark.parametrize(
    ("product_id", "name"),
    [
        (1, "LIFX Original 1000"),
        (36, "LIFX Downlight"),
        (50, "LIFX Mini White to Warm"),
        (57, "LIFX Candle"),
        (201, 'LIFX Ceiling 13x26" US'),
    ],
)
def test_older_products_keep_the_friendlier_names_we_ship(product_id: int, name: str) -> None:
    # Upstream renamed these (to "LIFX Original", "LIFX DL", "LIFX Mini DD", "LIFX Candle C"
    # and "LIFX Ceiling 13x26"); people know them by the names we already show.
    assert lookup(product_id).name == name


@pytest.mark.parametrize(
    ("product_id", "size", "uplight"),
    [
        (176, (8, 8), 63),
        (177, (8, 8), 63),
        (265, (8, 8), 63),
        (266, (8, 8), 63),
        (201, (16, 8), 127),
        (202, (16, 8), 127),
    ],
)
def test_ceilings_know_the_zone_of_their_uplight(
    product_id: int, size: tuple[int, int], uplight: int
) -> None:
    product = lookup(product_id, (4, 10))
    assert product.matrix_size == size
    assert product.uplight_zone == uplight
    width, height = size
    # The uplight is the last cell, (width - 1, height - 1), where light.py has assumed it.
    assert uplight == width * height - 1


def test_ceiling_corners_are_dark_but_not_the_uplight() -> None:
    assert lookup(265).dark_zones == {0, 1, 6, 7, 56, 57, 62}
    assert lookup(176).dark_zones == lookup(265).dark_zones
    assert lookup(201).dark_zones == {0, 1, 14, 15, 112, 113, 126}
    for product_id in (176, 201, 265):
        assert lookup(product_id).uplight_zone not in lookup(product_id).dark_zones


def test_candle_tip_and_luna_corners_are_dark() -> None:
    candle = lookup(57, (3, 70))
    assert candle.matrix_size == (5, 6)
    assert candle.dark_zones == {2, 3, 4}
    assert candle.uplight_zone is None
    assert lookup(215).dark_zones == {2, 3, 4}
    luna = lookup(219)
    assert luna.matrix_size == (7, 5)
    assert luna.dark_zones == {0, 6, 28, 34}
    assert luna.uplight_zone is None


def test_products_without_a_known_layout_have_no_dark_zones_or_uplight() -> None:
    for product_id in (27, 55, 117, 267, 226, 99999):
        product = lookup(product_id)
        assert product.dark_zones == frozenset()
        assert product.uplight_zone is None
        assert product.matrix_size is None
    # A white Candle of the same family has no matrix, so no zones to be dark.
    assert lookup(67).dark_zones == frozenset()
    assert lookup(81).matrix_size is None


def test_layout_tables_agree_with_each_other_and_fit_their_rectangles() -> None:
    tables = json.loads((PROTOCOL / "products_layout.json").read_text())
    families = tables["matrix_cells_without_led"]
    for family in families:
        cells = family["width"] * family["height"]
        assert all(0 <= cell < cells for cell in family["cells_without_led"])
    for pid, (x, y) in tables["uplight_cell_xy"].items():
        (family,) = [f for f in families if int(pid) in f["pids"]]
        assert 0 <= x < family["width"]
        assert 0 <= y < family["height"]
        assert family["uplight_zone"] == y * family["width"] + x == lookup(int(pid)).uplight_zone
