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
from .protocol import DeviceProfile, LinkReport
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
    """How one sensor reads the device's state, and which devices have it."""

    value_fn: Callable[[LifxData], StateType]
    exists_fn: Callable[[DeviceProfile], bool] = lambda profile: True
    # The unit, where it depends on the device (None: the description's own)
    unit_fn: Callable[[DeviceProfile], str | None] = lambda profile: None
    # Polled only while the sensor is enabled (a packet more per poll)
    costs_a_request: bool = False


@dataclass(frozen=True, kw_only=True)
class LifxLinkSensorEntityDescription(SensorEntityDescription):
    """A link-quality figure, read from what the client measured, not from the device."""

    value_fn: Callable[[LinkReport], StateType]


def _hev_result(data: LifxData) -> str | None:
    if data.hev_last_result is None:
        return None
    # Firmware newer than our protocol description may report a result we do not know.
    return HEV_RESULTS.get(data.hev_last_result, "unknown")


def _rssi_unit(profile: DeviceProfile) -> str:
    """Firmware before 2.77 reports the signal in dB rather than dBm."""
    if profile.identity.firmware < RSSI_DBM_FIRMWARE:
        return SIGNAL_STRENGTH_DECIBELS
    return SIGNAL_STRENGTH_DECIBELS_MILLIWATT


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
        unit_fn=_rssi_unit,
        costs_a_request=True,
    ),
    LifxSensorEntityDescription(
        key="hev_remaining",
        translation_key="hev_remaining",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        value_fn=lambda data: data.hev.remaining_s if data.hev else None,
        exists_fn=lambda profile: profile.capabilities.hev,
    ),
    LifxSensorEntityDescription(
        key="hev_last_result",
        translation_key="hev_last_result",
        device_class=SensorDeviceClass.ENUM,
        options=[*HEV_RESULTS.values(), "unknown"],
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_hev_result,
        exists_fn=lambda profile: profile.capabilities.hev,
    ),
)

LINK_SENSORS = (
    LifxLinkSensorEntityDescription(
        key="link_rtt",
        translation_key="link_rtt",
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_display_precision=1,
        value_fn=lambda report: (
            None if report.rtt_median is None else round(report.rtt_median * 1000, 2)
        ),
    ),
    LifxLinkSensorEntityDescription(
        key="link_loss",
        translation_key="link_loss",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        value_fn=lambda report: round(report.loss * 100, 1) if report.requests else None,
    ),
    LifxLinkSensorEntityDescription(
        key="link_retransmissions",
        translation_key="link_retransmissions",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda report: report.retransmissions if report.requests else None,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors the device has, and its link-quality sensors."""
    coordinator = entry.runtime_data
    profile = coordinator.set_up_profile
    entities: list[SensorEntity] = [
        LifxSensor(coordinator, description)
        for description in SENSORS
        if description.exists_fn(profile)
    ]
    entities += [LifxLinkSensor(coordinator, description) for description in LINK_SENSORS]
    async_add_entities(entities)


class LifxSensor(LifxEntity, SensorEntity):
    """A LIFX sensor fed by the device's polled state."""

    entity_description: LifxSensorEntityDescription

    def __init__(
        self, coordinator: LifxCoordinator, description: LifxSensorEntityDescription
    ) -> None:
        """Bind the description to the device, in the unit this device reports."""
        super().__init__(coordinator, description)
        if (unit := description.unit_fn(coordinator.set_up_profile)) is not None:
            self._attr_native_unit_of_measurement = unit

    async def async_added_to_hass(self) -> None:
        """Start asking what only this sensor needs once it is in use."""
        await super().async_added_to_hass()
        if self.entity_description.costs_a_request:
            self.coordinator.rssi_wanted += 1
            self.async_on_remove(self._stop_asking)
            await self.coordinator.async_request_refresh()

    def _stop_asking(self) -> None:
        self.coordinator.rssi_wanted -= 1

    @property
    def native_value(self) -> StateType:
        """The sensor's value."""
        return self.entity_description.value_fn(self.coordinator.data)


class LifxLinkSensor(LifxEntity, SensorEntity):
    """A link-quality figure, read from memory every SCAN_INTERVAL.

    Link statistics change with every request, not with the device's state, so they are
    kept out of the coordinator's data, which is then written only when the device changes.
    """

    entity_description: LifxLinkSensorEntityDescription
    _attr_should_poll = True

    async def async_update(self) -> None:
        """Nothing to fetch: the value is read from the client's statistics."""

    @property
    def native_value(self) -> StateType:
        """The figure."""
        return self.entity_description.value_fn(self.coordinator.device.link_report())
