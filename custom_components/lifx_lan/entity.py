"""Base entity of the LIFX LAN integration."""

from __future__ import annotations

from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import LifxCoordinator

# From firmware 3.70 the Wi-Fi MAC is the serial with its last octet plus one; routers and
# DHCP see that address, so the device registry must too to merge with them.
MAC_OFFSET_FIRMWARE = (3, 70)


def wifi_mac(serial: str, firmware: tuple[int, int]) -> str:
    """The MAC address the device uses on Wi-Fi, as aa:bb:cc:dd:ee:ff."""
    octets = bytearray.fromhex(serial)
    if firmware >= MAC_OFFSET_FIRMWARE:
        octets[5] = (octets[5] + 1) % 256
    return ":".join(f"{octet:02x}" for octet in octets)


class LifxEntity(CoordinatorEntity[LifxCoordinator]):
    """An entity of one LIFX device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: LifxCoordinator, key: str | EntityDescription) -> None:
        """Attach to the device's coordinator; unique id is serial_key.

        Given an entity description, the entity takes it and its key.
        """
        super().__init__(coordinator)
        # Not isinstance(key, EntityDescription): HA's frozen-or-thawed descriptions fail it.
        if not isinstance(key, str):
            self.entity_description = key
            key = key.key
        identity = coordinator.identity
        assert identity is not None
        serial = coordinator.serial
        self._attr_unique_id = f"{serial}_{key}"
        mac = wifi_mac(serial, identity.firmware)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, serial)},
            connections={(CONNECTION_NETWORK_MAC, mac)},
            manufacturer="LIFX",
            model=identity.product.name,
            model_id=str(identity.product.product_id),
            name=coordinator.data.label or identity.product.name,
            serial_number=serial,
            sw_version=identity.firmware_version,
            suggested_area=coordinator.group,
        )
