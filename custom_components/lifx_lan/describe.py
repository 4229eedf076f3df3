"""How the config flow names a device it found: its label and model, asked of the device."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import NamedTuple

from homeassistant.core import HomeAssistant

from .network import async_get_network
from .protocol import DeviceAddress, DiscoveredDevice, LifxDevice, LifxError, RetrySchedule

# Naming a device found by discovery: eleven copies in 3 s get through 30 % loss each way,
# and a made-up device found in a flood holds its request slots no longer than that.
DESCRIBE_SCHEDULE = RetrySchedule(gaps=(0.1,) * 5 + (0.2, 0.3, 0.5), deadline=3.0)
# The pick list names every device found, a few at a time: this long at most.
PICK_NAMING_DEADLINE = 2 * DESCRIBE_SCHEDULE.deadline


class DeviceName(NamedTuple):
    """How the user knows a device: the label given in the LIFX app, and its model."""

    label: str
    model: str

    @property
    def title(self) -> str:
        """The label, else the model."""
        return self.label or self.model


async def async_name(hass: HomeAssistant, device: DiscoveredDevice) -> DeviceName:
    """Ask the device its label and model (which also shows that it answers).

    A few devices are asked at a time, each with a short deadline, so that a flood of
    made-up devices never holds the request slots the configured devices need; what the
    client learnt of a device is dropped again unless an entry keeps it.
    """
    network = async_get_network(hass)
    async with network.describe_slots, network.async_client() as client:
        lifx = LifxDevice(client, DeviceAddress(device.serial, device.host, device.port))
        lifx.schedule = DESCRIBE_SCHEDULE
        try:
            identity = await lifx.identify()
            label = await lifx.get_label()
        finally:
            if device.serial not in network.coordinators:
                client.forget(device.serial)
    return DeviceName(label, identity.product.name)


async def async_pick_labels(hass: HomeAssistant, devices: Sequence[DiscoveredDevice]) -> list[str]:
    """A line for each device in a pick list: "Kitchen — LIFX A19 (serial, address)".

    Nine bulbs of one model differ only by the labels they were given in the LIFX app,
    so every device found is asked. The list waits no longer than PICK_NAMING_DEADLINE
    (a flood of made-up devices would otherwise hold it for minutes): a device not named
    by then is still listed, by its serial and address.
    """
    tasks = [asyncio.ensure_future(async_name(hass, device)) for device in devices]
    if tasks:
        _, late = await asyncio.wait(tasks, timeout=PICK_NAMING_DEADLINE)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    lines = []
    for device, task in zip(devices, tasks, strict=True):
        where = f"{device.serial}, {device.host}"
        error = None if task.cancelled() else task.exception()
        if task.cancelled() or isinstance(error, LifxError):
            lines.append(f"{device.serial} ({device.host})")
        elif error is not None:
            raise error
        elif (name := task.result()).label:
            lines.append(f"{name.label} — {name.model} ({where})")
        else:
            lines.append(f"{name.model} ({where})")
    return lines
