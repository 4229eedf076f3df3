"""Every platform's entities and states, snapshotted for every product profile."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from tests.integration.conftest import SERIALS, AddDevice

KINDS = list(SERIALS)

# Which product kinds have entities on which platform.
EXPECTED: dict[Platform, set[str]] = {
    Platform.LIGHT: set(KINDS) - {"switch"},
    Platform.SWITCH: {"switch", "hev"},
    Platform.SENSOR: set(KINDS),
    Platform.SELECT: set(KINDS) - {"switch", "white_bulb"},
    Platform.BUTTON: set(KINDS),
    Platform.BINARY_SENSOR: {"hev"},
}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", list(EXPECTED))
@pytest.mark.parametrize("kind", KINDS)
async def test_entities(
    hass: HomeAssistant,
    add_device: AddDevice,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
    kind: str,
) -> None:
    with patch("custom_components.lifx_lan.PLATFORMS", [platform]):
        entry, _ = await add_device(kind, power=65535)
    if kind in EXPECTED[platform]:
        await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
    else:
        assert not er.async_entries_for_config_entry(entity_registry, entry.entry_id)


@pytest.mark.parametrize("kind", KINDS)
async def test_device_info(
    hass: HomeAssistant,
    add_device: AddDevice,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
    kind: str,
) -> None:
    entry, _ = await add_device(kind)
    device = device_registry.async_get_device(identifiers={("lifx_lan", SERIALS[kind])})
    assert device is not None
    assert device == snapshot(
        exclude=lambda prop, path: prop in ("config_entries", "primary_config_entry")
    )
    assert device.config_entries == {entry.entry_id}
