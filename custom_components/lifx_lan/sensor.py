"""Sensors: Wi-Fi signal, and the HEV cycle's remaining time and last result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coordinator import LifxConfigEntry, LifxCoordinator, LifxData
from .entity import LifxEntity
from .protocol import DeviceIdentity
from .protocol.messages import LightLastHevCycleResult

# Read-only entities fed by the coordinator: no requests of their own.
PARALLEL_UPDATES = 0
SCAN_INTERVAL = timedelta(seconds=30)

# Firmware before 2.77 reports signal in dB rather than dBm.
RSSI_DBM_FIRMWARE = (2, 77)
HEV_RESULTS: dict[int, str] = {
    LightLastHevCycleResult.SUCCESS: "success",
    LightLastHevCycleResult.BUSY: "busy",
    LightLastHevCycleResult.INTERRUPTED_BY_RESET: "interrupted_by_reset",
    LightLastHevCycleResult.INTERRUPTED_BY_HOMEKIT: "interrupted_by_homekit",
    LightLastHevCycleResult.INTERRUPTED_BY_LAN: "interrupted_by_lan",
    LightLastHevCycleResult.INTERRUPTED_BY_CLOUD: "interrupted_by_cloud",
    LightLastHevCycleResult.NONE: "none",
}


@dataclass(frozen=True, kw_only=True)
class LifxSensorEntityDescription(SensorEntityDescription):
    """How one sensor reads its value, and which devices have it."""

    value_fn: Callable[[LifxData], StateType] = lambda data: None
    exists_fn: Callable[[DeviceIdentity], bool]
    # Link-quality sensors read the client's live statistics instead of polled data.
    link_key: str | None = None


def _hev_result(data: LifxData) -> str | None:
    if data.hev_last_result is None:
        return None
    # Firmware newer than our protocol description may report a result we do not know.
    return HEV_RESULTS.get(data.hev_last_result, "unknown")


SENSORS = (
    LifxSensorEntityDescription(
        key="rssi",
        translation_key="rssi",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        value_fn=lambda data: data.rssi,
        exists_fn=lambda identity: True,
    ),
    LifxSensorEntityDescription(
        key="link_rtt",
        translation_key="link_rtt",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_display_precision=1,
        link_key="rtt_ms",
        exists_fn=lambda identity: True,
    ),
    LifxSensorEntityDescription(
        key="link_loss",
        translation_key="link_loss",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        link_key="loss_percent",
        exists_fn=lambda identity: True,
    ),
    LifxSensorEntityDescription(
        key="link_retransmissions",
        translation_key="link_retransmissions",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        link_key="retransmissions",
        exists_fn=lambda identity: True,
    ),
    LifxSensorEntityDescription(
        key="hev_remaining",
        translation_key="hev_remaining",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        value_fn=lambda data: data.hev.remaining_s if data.hev else None,
        exists_fn=lambda identity: identity.capabilities.hev,
    ),
    LifxSensorEntityDescription(
        key="hev_last_result",
        translation_key="hev_last_result",
        device_class=SensorDeviceClass.ENUM,
        options=[*HEV_RESULTS.values(), "unknown"],
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_hev_result,
        exists_fn=lambda identity: identity.capabilities.hev,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors the device has."""
    coordinator = entry.runtime_data
    identity = coordinator.identity
    assert identity is not None
    async_add_entities(
        LifxSensor(coordinator, description)
        for description in SENSORS
        if description.exists_fn(identity)
    )


class LifxSensor(LifxEntity, SensorEntity):
    """A LIFX sensor."""

    entity_description: LifxSensorEntityDescription

    def __init__(
        self, coordinator: LifxCoordinator, description: LifxSensorEntityDescription
    ) -> None:
        """Bind the description to the device; old firmware reports RSSI in dB."""
        super().__init__(coordinator, description)
        identity = coordinator.identity
        assert identity is not None
        if description.key == "rssi" and identity.firmware < RSSI_DBM_FIRMWARE:
            self._attr_native_unit_of_measurement = SIGNAL_STRENGTH_DECIBELS

    async def async_added_to_hass(self) -> None:
        """Start polling RSSI once its sensor is in use."""
        await super().async_added_to_hass()
        if self.entity_description.key == "rssi":
            self.coordinator.rssi_wanted += 1
            self.async_on_remove(self._stop_rssi)
            await self.coordinator.async_request_refresh()

    def _stop_rssi(self) -> None:
        self.coordinator.rssi_wanted -= 1

    @property
    def should_poll(self) -> bool:
        """Link statistics are read from memory every SCAN_INTERVAL.

        They change with every request, not with the device's state, so they are kept out
        of the coordinator's data, which is then written only when the device changes.
        """
        return self.entity_description.link_key is not None

    async def async_update(self) -> None:
        """Nothing to fetch: the value is read from the client's statistics."""

    @property
    def native_value(self) -> StateType:
        """The sensor's value."""
        if (link_key := self.entity_description.link_key) is not None:
            return self.coordinator.link_quality()[link_key]
        return self.entity_description.value_fn(self.coordinator.data)
