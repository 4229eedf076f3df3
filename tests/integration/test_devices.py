"""The device registry: one device per entry, and a MAC address only when one was seen.

A LIFX device does not tell its MAC address. The Wi-Fi MAC of most is the serial (from
firmware 3.70 the serial plus one), but that is a guess: two bulbs with consecutive serials,
the first on 3.70 or later and the second older, would get the same one, and Home Assistant
merges devices that share a MAC. Only DHCP discovery sees the real address.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar, device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifx_lan.const import DOMAIN
from devtools.fake_lifx import PROFILES, with_profile
from tests.integration.conftest import AddDevice

# Consecutive serials across the firmware that moved the MAC: serial + 1 of the first is the
# serial of the second.
NEWER = "d073d5000010"
OLDER = "d073d5000011"
FIRMWARE = {NEWER: (3, 70), OLDER: (2, 80)}
SHARED_GUESS = "d0:73:d5:00:00:11"


async def _add(add_device: AddDevice, serial: str, *, setup: bool = True) -> MockConfigEntry:
    profile = with_profile(PROFILES["tile"], firmware=FIRMWARE[serial])
    entry, _ = await add_device(
        "tile", serial=serial, profile=profile, label="Wall Tiles", setup=setup
    )
    return entry


def _device_of(device_registry: dr.DeviceRegistry, entry: MockConfigEntry) -> dr.DeviceEntry:
    """The one device of an entry."""
    (device,) = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    return device


def _assert_one_device_each(
    device_registry: dr.DeviceRegistry, entries: dict[str, MockConfigEntry]
) -> None:
    """Each entry has one device, its own: only its serial, and listed under no other entry."""
    devices = {serial: _device_of(device_registry, entry) for serial, entry in entries.items()}
    assert len({device.id for device in devices.values()}) == len(entries)
    for serial, device in devices.items():
        assert device.identifiers == {(DOMAIN, serial)}
        assert device.serial_number == serial


@pytest.mark.parametrize(
    "order", [(NEWER, OLDER), (OLDER, NEWER)], ids=["newer first", "older first"]
)
async def test_consecutive_serials_either_side_of_firmware_3_70_stay_two_devices(
    hass: HomeAssistant,
    add_device: AddDevice,
    device_registry: dr.DeviceRegistry,
    order: tuple[str, str],
) -> None:
    entries = {serial: await _add(add_device, serial) for serial in order}

    _assert_one_device_each(device_registry, entries)
    for entry in entries.values():
        # Nothing but DHCP has seen a MAC address: no device claims one.
        assert _device_of(device_registry, entry).connections == set()
    assert len(hass.states.async_entity_ids("light")) == 2


@pytest.mark.parametrize(
    "order", [(NEWER, OLDER), (OLDER, NEWER)], ids=["newer first", "older first"]
)
async def test_a_device_merged_by_a_guessed_mac_is_split_into_one_device_per_entry(
    hass: HomeAssistant,
    add_device: AddDevice,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    area_registry: ar.AreaRegistry,
    order: tuple[str, str],
) -> None:
    # What an earlier version left behind: both entries registered the same guessed MAC, so
    # Home Assistant made one device of the two, and the user put it in a room. (The
    # integration is loaded first, so that each entry is set up only when the test says.)
    assert await async_setup_component(hass, DOMAIN, {})
    entries = {serial: await _add(add_device, serial, setup=False) for serial in order}
    for serial, entry in entries.items():
        merged = device_registry.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, serial)},
            connections={(dr.CONNECTION_NETWORK_MAC, SHARED_GUESS)},
            name="Wall Tiles",
        )
    study = area_registry.async_create("Study")
    device_registry.async_update_device(merged.id, area_id=study.id)
    lights = {
        serial: entity_registry.async_get_or_create(
            "light",
            DOMAIN,
            f"{serial}_light",
            config_entry=entry,
            device_id=merged.id,
            suggested_object_id=f"wall_tiles_{serial[-2:]}",
        ).entity_id
        for serial, entry in entries.items()
    }

    for entry in entries.values():
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

    _assert_one_device_each(device_registry, entries)
    for serial, entry in entries.items():
        device = _device_of(device_registry, entry)
        assert device.connections == set()
        assert device.area_id == study.id
        # The entities are the same ones (same entity ids, so automations still work), on
        # the device of their own entry.
        light = entity_registry.async_get(lights[serial])
        assert light is not None
        assert light.device_id == device.id
        assert light.config_entry_id == entry.entry_id
        assert hass.states.get(lights[serial]) is not None


async def test_a_device_left_with_the_serial_of_a_removed_entry_keeps_only_its_own(
    hass: HomeAssistant, add_device: AddDevice, device_registry: dr.DeviceRegistry
) -> None:
    # Merged once, then the other entry was deleted (or, from Home Assistant 2026.8, the
    # merged device was split with both serials on each half).
    entry = await _add(add_device, NEWER, setup=False)
    device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, NEWER), (DOMAIN, OLDER)},
        connections={(dr.CONNECTION_NETWORK_MAC, SHARED_GUESS)},
    )

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    _assert_one_device_each(device_registry, {NEWER: entry})
    assert _device_of(device_registry, entry).connections == set()


async def test_a_guessed_mac_is_removed_from_the_device(
    hass: HomeAssistant, add_device: AddDevice, device_registry: dr.DeviceRegistry
) -> None:
    entry = await _add(add_device, NEWER, setup=False)
    device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, NEWER)},
        connections={(dr.CONNECTION_NETWORK_MAC, SHARED_GUESS)},
    )

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert _device_of(device_registry, entry).connections == set()


async def test_the_mac_dhcp_saw_replaces_a_guessed_one_on_the_device(
    hass: HomeAssistant, add_device: AddDevice, device_registry: dr.DeviceRegistry
) -> None:
    entry = await _add(add_device, NEWER, setup=False)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "mac": "d0:73:d5:00:00:99"})
    device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, NEWER)},
        connections={(dr.CONNECTION_NETWORK_MAC, SHARED_GUESS)},
    )

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert _device_of(device_registry, entry).connections == {
        (dr.CONNECTION_NETWORK_MAC, "d0:73:d5:00:00:99")
    }
