"""Binary sensors: whether an HEV (Clean) cycle is running."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LifxConfigEntry, LifxData
from .entity import LifxEntity
from .protocol import DeviceProfile

# Read-only entities fed by the coordinator: no requests of their own.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class LifxBinarySensorEntityDescription(BinarySensorEntityDescription):
    """How one binary sensor reads its value, and which products have it."""

    is_on_fn: Callable[[LifxData], bool]
    exists_fn: Callable[[DeviceProfile], bool]


BINARY_SENSORS = (
    LifxBinarySensorEntityDescription(
        key="hev_cleaning",
        translation_key="hev_cleaning",
        device_class=BinarySensorDeviceClass.RUNNING,
        is_on_fn=lambda data: data.hev is not None and data.hev.active,
        exists_fn=lambda profile: profile.capabilities.hev,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors the product has."""
    coordinator = entry.runtime_data
    async_add_entities(
        LifxBinarySensor(coordinator, description)
        for description in BINARY_SENSORS
        if description.exists_fn(coordinator.set_up_profile)
    )


class LifxBinarySensor(LifxEntity, BinarySensorEntity):
    """A LIFX binary sensor."""

    entity_description: LifxBinarySensorEntityDescription

    @property
    def is_on(self) -> bool:
        """Whether it is on."""
        return self.entity_description.is_on_fn(self.coordinator.data)
