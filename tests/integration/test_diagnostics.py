"""Diagnostics of an entry and its device: product, capabilities, state, link statistics."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from tests.integration.conftest import AddDevice

# Values that differ run to run: the fake's random port and measured round trips.
VOLATILE = props("port", "rtt_median_ms", "rtt_ms", "created_at", "modified_at", "entry_id")


async def test_entry_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    add_device: AddDevice,
    snapshot: SnapshotAssertion,
) -> None:
    entry, _ = await add_device("extended_strip", power=65535)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics == snapshot(exclude=VOLATILE)
    assert diagnostics["device"]["link"]["replies"] > 0


async def test_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    add_device: AddDevice,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    entry, _ = await add_device("tile")
    device = device_registry.async_get_device(identifiers={("lifx_lan", "d073d5000005")})
    assert device is not None
    diagnostics = await get_diagnostics_for_device(hass, hass_client, entry, device)
    assert diagnostics == snapshot(exclude=VOLATILE)


async def test_diagnostics_redact_addresses_names_and_all_but_the_serials_lifx_prefix(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    add_device: AddDevice,
    device_registry: dr.DeviceRegistry,
) -> None:
    entry, _ = await add_device("color_bulb", label="Anna's bedside lamp")
    hass.config_entries.async_update_entry(entry, data={**entry.data, "mac": "d0:73:d5:00:00:01"})
    await hass.async_block_till_done()
    device = device_registry.async_get_device(identifiers={("lifx_lan", "d073d5000001")})
    assert device is not None

    for diagnostics in (
        await get_diagnostics_for_config_entry(hass, hass_client, entry),
        await get_diagnostics_for_device(hass, hass_client, entry, device),
    ):
        text = json.dumps(diagnostics)
        for private in ("127.0.0.1", "d0:73:d5:00:00:01", "Anna", "Living Room", "d073d5000001"):
            assert private not in text
        device_diagnostics = diagnostics.get("device", diagnostics)
        assert device_diagnostics["serial"] == "d073d5******"
        assert device_diagnostics["state"]["label"] == "**REDACTED**"
        # What support needs stays.
        assert device_diagnostics["product"]["name"] == "LIFX A19"
        assert device_diagnostics["product"]["firmware"] == "3.70"
        assert device_diagnostics["link"]["replies"] > 0
