"""Capabilities from LIFX's product registry, with firmware upgrades compared as tuples."""

from __future__ import annotations

from custom_components.lifx_lan.protocol import lookup
from custom_components.lifx_lan.protocol.products import product_ids


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
    assert len(ids) == 137
    for product_id in ids:
        assert lookup(product_id, (99, 0)).known
