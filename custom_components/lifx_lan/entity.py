"""Base entity of the LIFX LAN integration."""

from __future__ import annotations

from homeassistant.const import CONF_MAC
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import LifxCoordinator


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
        profile = coordinator.set_up_profile
        identity = profile.identity
        serial = coordinator.serial
        self._attr_unique_id = f"{serial}_{key}"
        # A LIFX device does not tell its MAC address: only the one DHCP discovery saw is
        # registered. One derived from the serial is a guess, and two devices that guess
        # alike would be merged into one.
        mac: str | None = coordinator.config_entry.data.get(CONF_MAC)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, serial)},
            connections=set() if mac is None else {(CONNECTION_NETWORK_MAC, mac)},
            manufacturer="LIFX",
            model=identity.product.name,
            model_id=str(identity.product.product_id),
            name=coordinator.data.label or identity.product.name,
            serial_number=serial,
            sw_version=identity.firmware_version,
            suggested_area=profile.group,
        )
