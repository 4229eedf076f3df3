"""Each entry's device in the device registry: its own, with a MAC address only when one was seen.

A LIFX device does not tell its MAC address. Earlier versions registered one derived from
the serial (from firmware 3.70 the Wi-Fi MAC is the serial plus one), and two bulbs with
consecutive serials, the first on 3.70 or later and the second older, derived the same one:
Home Assistant then merged them into one device. Only DHCP discovery sees the real address
(it is then kept in the entry's data); a derived one is removed, and a merged device is
split again.
"""

from __future__ import annotations

from homeassistant.const import CONF_MAC
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN, LOGGER
from .coordinator import LifxConfigEntry


@callback
def async_repair_device(hass: HomeAssistant, entry: LifxConfigEntry) -> None:
    """Give the entry a device of its own, with no MAC address but the one DHCP saw.

    Runs before the entities register the device (and again when DHCP tells the MAC), so
    it only repairs what an earlier version stored; a new device is left to the entities.
    """
    registry = dr.async_get(hass)
    assert entry.unique_id is not None
    own = (DOMAIN, entry.unique_id)
    device = next(
        (
            device
            for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
            if own in device.identifiers
        ),
        None,
    )
    if device is None:
        return
    others = {
        identifier
        for identifier in device.identifiers
        if identifier[0] == DOMAIN and identifier != own
    }
    if others:
        device = _async_separate(hass, registry, entry, device, own, others)
    _async_keep_only_the_known_mac(registry, entry, device, own)


def _async_separate(
    hass: HomeAssistant,
    registry: dr.DeviceRegistry,
    entry: LifxConfigEntry,
    device: dr.DeviceEntry,
    own: tuple[str, str],
    others: set[tuple[str, str]],
) -> dr.DeviceEntry:
    """Take this entry's device back apart from another LIFX serial's.

    Before Home Assistant 2026.8 a merged device belongs to both entries: this entry gets
    a new device and moves its entities there (keeping their ids and settings), and leaves
    the merged one to the other entry. From 2026.8 Home Assistant has already split it
    into one device per entry, each with both serials, and only the other serial goes.
    """
    shared = any(
        other.entry_id != entry.entry_id
        and any(
            candidate.id == device.id
            for candidate in dr.async_entries_for_config_entry(registry, other.entry_id)
        )
        for other in hass.config_entries.async_entries(DOMAIN)
    )
    if not shared:
        updated = registry.async_update_device(
            device.id, new_identifiers=device.identifiers - others
        )
        assert updated is not None
        return updated
    LOGGER.info("Separating %s from the device it was merged with", entry.unique_id)
    registry.async_update_device(device.id, new_identifiers=device.identifiers - {own})
    separate = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={own}, name=entry.title
    )
    if device.area_id is not None:
        # The room the user put the merged device in holds this one too.
        separate = registry.async_update_device(separate.id, area_id=device.area_id) or separate
    entities = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        if entity.device_id == device.id:
            entities.async_update_entity(entity.entity_id, device_id=separate.id)
    # Reached only where a device can belong to several entries (before 2026.8).
    registry.async_update_device(device.id, remove_config_entry_id=entry.entry_id)
    return separate


def _async_keep_only_the_known_mac(
    registry: dr.DeviceRegistry,
    entry: LifxConfigEntry,
    device: dr.DeviceEntry,
    own: tuple[str, str],
) -> None:
    known_mac: str | None = entry.data.get(CONF_MAC)
    known = None if known_mac is None else (dr.CONNECTION_NETWORK_MAC, known_mac)
    macs = {c for c in device.connections if c[0] == dr.CONNECTION_NETWORK_MAC}
    if macs == ({known} if known else set()):
        return
    if macs:
        # The known MAC goes too and comes back below: left in, Home Assistant before
        # 2026.8 refuses the update when another device also holds it.
        registry.async_update_device(device.id, new_connections=device.connections - macs)
    if known is not None:
        # Added as an entity's device info adds it: to this device, even when another
        # device (another integration's, for the same bulb) has it too.
        registry.async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={own}, connections={known}
        )
