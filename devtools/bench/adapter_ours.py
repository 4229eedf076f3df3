"""lifx_lan's embedded client behind the bench's Adapter, used as the integration uses it.

Runs in Home Assistant's venv (importing custom_components.lifx_lan loads the
integration package, which imports Home Assistant), configured as the integration
configures it: one shared LifxClient (with the integration's inflight limit when
network.py sets one, else the library's default), a LifxDevice per device, the
default retry schedule (5 s deadline).
"""

from __future__ import annotations

from collections.abc import Callable
import importlib
from typing import override

from custom_components.lifx_lan.protocol import (
    DeviceAddress,
    DiscoveredDevice,
    LifxClient,
    LifxDevice,
    LightHsbk,
    discover,
)
from custom_components.lifx_lan.protocol.messages import LightSetPower

from .adapter import Adapter, Handle
from .common import Dev

MAX = 65535


class _OursHandle(Handle):
    __slots__ = ("_device", "_is_light")

    def __init__(self, device: LifxDevice, is_light: bool) -> None:
        self._device = device
        self._is_light = is_light

    @property
    def address(self) -> DeviceAddress:
        return self._device.address

    @override
    async def get(self) -> None:
        if self._is_light:
            await self._device.get_light_state()
        else:
            await self._device.get_power()

    @override
    async def set_power(self, on: bool) -> None:
        await self._device.set_power(on)

    @override
    async def set_color(self, hue: int) -> None:
        await self._device.set_color(LightHsbk(hue, MAX, MAX, 3500))


class OursAdapter(Adapter):
    """One LifxClient shared by every device, as the integration shares it."""

    name = "ours"

    def __init__(self) -> None:
        # Read at run time: the integration may or may not override the library default
        network = importlib.import_module("custom_components.lifx_lan.network")
        inflight = getattr(network, "SHARED_INFLIGHT", None)
        self.client = LifxClient() if inflight is None else LifxClient(inflight=inflight)
        self._inflight = (
            "library default" if inflight is None else f"{inflight}, as the integration"
        )

    @override
    def version(self) -> str:
        return f"working tree, inflight limit {self._inflight}"

    @override
    async def start(self) -> None:
        await self.client.open()

    @override
    async def stop(self) -> None:
        await self.client.close()

    @override
    async def discover(
        self, host: str, port: int, cap: float, on_found: Callable[[str], None]
    ) -> None:
        def found(device: DiscoveredDevice) -> None:
            on_found(device.serial)

        await discover(
            self.client, broadcast_addresses=[host], port=port, timeout=cap, on_found=found
        )

    @override
    async def open(self, devices: list[Dev]) -> list[Handle]:
        return [
            _OursHandle(
                LifxDevice(self.client, DeviceAddress(dev.serial, dev.host, dev.port)),
                dev.is_light,
            )
            for dev in devices
        ]

    @override
    async def group_power(self, handles: list[Handle], on: bool) -> int:
        # send_batch builds every datagram first and sends them in one pass
        addresses = [h.address for h in handles if isinstance(h, _OursHandle)]
        errors = await self.client.send_batch(addresses, LightSetPower(level=MAX if on else 0))
        return len(errors)

    @override
    def link_stats(self, handle: Handle) -> dict[str, float] | None:
        # What the integration's link sensors and diagnostics read
        if not isinstance(handle, _OursHandle):
            return None
        stats = self.client.links.get(handle.address.serial)
        if stats is None:
            return None
        return {
            "loss": stats.loss,
            "requests": stats.requests,
            "transmissions": stats.transmissions,
            "replies": stats.replies,
            "retransmissions": stats.retransmissions,
            "timeouts": stats.timeouts,
        }
