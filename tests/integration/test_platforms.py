"""Every platform's entities and states, snapshotted for every product profile."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar, device_registry as dr, entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

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


async def snapshot_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry_id: str,
) -> None:
    """Home Assistant's snapshot_platform, except that a measured round trip is not a constant.

    The round-trip sensor's value is real time on loopback; its snapshot leaves the value out
    and the test checks it is a plausible number instead.
    """
    entries = er.async_entries_for_config_entry(entity_registry, config_entry_id)
    assert entries
    for entity_entry in entries:
        assert entity_entry == snapshot(name=f"{entity_entry.entity_id}-entry")
        assert entity_entry.disabled_by is None, "Please enable all entities."
        state = hass.states.get(entity_entry.entity_id)
        assert state, f"State not found for {entity_entry.entity_id}"
        if entity_entry.unique_id.endswith("_link_rtt"):
            assert 0 < float(state.state) < 1000
            assert state == snapshot(name=f"{entity_entry.entity_id}-state", exclude=props("state"))
        else:
            assert state == snapshot(name=f"{entity_entry.entity_id}-state")


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
        await snapshot_entities(hass, entity_registry, snapshot, entry.entry_id)
    else:
        assert not er.async_entries_for_config_entry(entity_registry, entry.entry_id)


@pytest.mark.parametrize("kind", KINDS)
async def test_device_info(
    hass: HomeAssistant,
    add_device: AddDevice,
    device_registry: dr.DeviceRegistry,
    area_registry: ar.AreaRegistry,
    snapshot: SnapshotAssertion,
    kind: str,
) -> None:
    entry, fake = await add_device(kind)
    device = device_registry.async_get_device(identifiers={("lifx_lan", SERIALS[kind])})
    assert device is not None
    assert device == snapshot(
        exclude=props(
            "config_entries",
            "primary_config_entry",
            "is_new",
            "object_id_base",
            "suggested_area",
        )
    )
    assert device.config_entries == {entry.entry_id}
    # The device is put in the area named after its LIFX group (the suggested area)
    assert device.area_id is not None
    area = area_registry.async_get_area(device.area_id)
    assert area is not None
    assert area.name == fake.group[1]
