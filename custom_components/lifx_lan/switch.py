"""Switches: each relay of a LIFX Switch, and the HEV clean cycle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LifxConfigEntry, LifxData
from .entity import LifxEntity
from .helpers import lifx_exception_handler
from .protocol import DeviceProfile, LifxDevice
from .protocol.device import MAX_RELAYS

# Commands to one device are serialised by its coordinator; devices are independent.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class LifxSwitchEntityDescription(SwitchEntityDescription):
    """How one switch reads its state and sends a change, and which devices have it."""

    is_on_fn: Callable[[LifxData], bool]
    set_fn: Callable[[LifxDevice, bool], Awaitable[None]]
    update_fn: Callable[[LifxData, bool], LifxData]
    exists_fn: Callable[[DeviceProfile], bool]


def _relay(index: int) -> LifxSwitchEntityDescription:
    """The switch of relay `index` (shown to people as relay index + 1)."""
    return LifxSwitchEntityDescription(
        key=f"relay_{index}",
        translation_key="relay",
        translation_placeholders={"relay": str(index + 1)},
        is_on_fn=lambda data: data.relays[index],
        set_fn=lambda device, on: device.set_relay_power(index, on),
        update_fn=lambda data, on: data.with_relay(index, on),
        exists_fn=lambda profile: index < profile.relay_count,
    )


def _hev_update(data: LifxData, on: bool) -> LifxData:
    if data.hev is None:
        return data
    remaining = data.hev.duration_s if on else 0
    return replace(data, hev=replace(data.hev, remaining_s=remaining))


SWITCHES = (
    *(_relay(index) for index in range(MAX_RELAYS)),
    LifxSwitchEntityDescription(
        key="hev_cycle",
        translation_key="hev_cycle",
        is_on_fn=lambda data: data.hev is not None and data.hev.active,
        # 0 starts a cycle of the duration configured on the device.
        set_fn=lambda device, on: device.set_hev_cycle(on, 0),
        update_fn=_hev_update,
        exists_fn=lambda profile: profile.capabilities.hev,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add relay switches and the HEV switch where the product has them."""
    coordinator = entry.runtime_data
    async_add_entities(
        LifxSwitch(coordinator, description)
        for description in SWITCHES
        if description.exists_fn(coordinator.set_up_profile)
    )


class LifxSwitch(LifxEntity, SwitchEntity):
    """A LIFX relay or HEV cycle."""

    entity_description: LifxSwitchEntityDescription

    @property
    def is_on(self) -> bool:
        """Whether it is on."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    async def _set(self, on: bool) -> None:
        description = self.entity_description

        async def command(device: LifxDevice) -> None:
            await description.set_fn(device, on)

        await self.coordinator.async_command(
            command, update=lambda data: description.update_fn(data, on)
        )

    @lifx_exception_handler
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on."""
        await self._set(True)

    @lifx_exception_handler
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        await self._set(False)
