"""Buttons: identify (the bulb pulses) and restart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LifxConfigEntry
from .entity import LifxEntity
from .helpers import lifx_exception_handler
from .protocol import DeviceProfile, LifxDevice, LightHsbk
from .protocol.messages import LightWaveform

# Commands to one device are serialised by its coordinator; devices are independent.
PARALLEL_UPDATES = 0


async def _identify(device: LifxDevice) -> None:
    """Pulse white three times, then return to what the bulb showed."""
    await device.set_waveform(
        LightHsbk(0, 0, 65535, 4000),
        waveform=LightWaveform.PULSE,
        period=1.0,
        cycles=3,
        transient=True,
    )


@dataclass(frozen=True, kw_only=True)
class LifxButtonEntityDescription(ButtonEntityDescription):
    """What one button does, and which products have it."""

    press_fn: Callable[[LifxDevice], Awaitable[None]]
    exists_fn: Callable[[DeviceProfile], bool]


BUTTONS = (
    LifxButtonEntityDescription(
        key="identify",
        translation_key="identify",
        device_class=ButtonDeviceClass.IDENTIFY,
        entity_category=EntityCategory.CONFIG,
        press_fn=_identify,
        exists_fn=lambda profile: profile.capabilities.is_light,
    ),
    LifxButtonEntityDescription(
        key="restart",
        translation_key="restart",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda device: device.reboot(),
        exists_fn=lambda profile: True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons the device has."""
    coordinator = entry.runtime_data
    async_add_entities(
        LifxButton(coordinator, description)
        for description in BUTTONS
        if description.exists_fn(coordinator.set_up_profile)
    )


class LifxButton(LifxEntity, ButtonEntity):
    """A LIFX button."""

    entity_description: LifxButtonEntityDescription

    @lifx_exception_handler
    async def async_press(self) -> None:
        """Press."""
        await self.coordinator.async_command(self.entity_description.press_fn)
