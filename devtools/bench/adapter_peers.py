"""aiolifx and lifx-async behind the bench's Adapter, each used the way its own docs show.

Both run in .venv-bench only; they are imported through importlib because they are
absent from the venv where mypy checks this file, so every object from them is Any.

aiolifx (what Home Assistant's core lifx integration uses) keeps its library
defaults: a connected socket per device, 0.5 s per attempt, 3 attempts. The core
integration wraps it in its own slower retries; those belong to the integration,
not to the client compared here. lifx-async gets a 5 s request timeout, the same
budget our client has, and otherwise its defaults.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import importlib
from importlib import metadata
from typing import Any, override

from .adapter import Adapter, Handle
from .common import Dev

MAX = 65535
BUDGET = 5.0
STOP_TIMEOUT = 3.0


def _mac(serial: str) -> str:
    """The MAC form aiolifx addresses a device by, with colons."""
    return ":".join(serial[i : i + 2] for i in range(0, 12, 2))


class _AiolifxFailed(Exception):
    """The aiolifx callback came with no message: every attempt went unanswered."""


class _AiolifxHandle(Handle):
    __slots__ = ("_is_light", "_light", "_loop", "_msgtypes")

    def __init__(self, light: Any, is_light: bool, msgtypes: Any) -> None:
        self._light = light
        self._is_light = is_light
        self._msgtypes = msgtypes
        self._loop = asyncio.get_running_loop()

    def _callback(self) -> tuple[asyncio.Future[None], Callable[[Any, Any], None]]:
        # aiolifx reports through callbacks; this is how Home Assistant's core
        # integration turns them into awaitables too (AwaitAioLIFX)
        future: asyncio.Future[None] = self._loop.create_future()

        def done(_device: Any, message: Any) -> None:
            if future.done():
                return
            if message is None:
                future.set_exception(_AiolifxFailed())
            else:
                future.set_result(None)

        return future, done

    @override
    async def get(self) -> None:
        future, done = self._callback()
        if self._is_light:
            self._light.get_color(callb=done)
        else:
            self._light.req_with_resp(
                self._msgtypes.GetPower, self._msgtypes.StatePower, callb=done
            )
        await future

    @override
    async def set_power(self, on: bool) -> None:
        future, done = self._callback()
        self._light.set_power(on, callb=done)
        await future

    @override
    async def set_color(self, hue: int) -> None:
        future, done = self._callback()
        self._light.set_color([hue, MAX, MAX, 3500], callb=done)
        await future


class AiolifxAdapter(Adapter):
    """aiolifx 1.x: a DatagramProtocol (and socket) per device, callbacks."""

    name = "aiolifx"

    def __init__(self) -> None:
        self._aio: Any = importlib.import_module("aiolifx.aiolifx")
        self._msgtypes: Any = importlib.import_module("aiolifx.msgtypes")
        self._transports: list[Any] = []

    @override
    def version(self) -> str:
        return metadata.version("aiolifx")

    @override
    async def start(self) -> None:
        pass  # nothing is shared: each device gets its socket in open()

    @override
    async def stop(self) -> None:
        for transport in self._transports:
            transport.close()
        self._transports.clear()

    @override
    async def discover(
        self, host: str, port: int, cap: float, on_found: Callable[[str], None]
    ) -> None:
        aio = self._aio
        # LifxDiscovery always sends to UDP_BROADCAST_PORT, read at send time;
        # the emulated fleet listens elsewhere.
        aio.UDP_BROADCAST_PORT = port

        class Manager:
            def register(self, light: Any) -> None:
                on_found(str(light.mac_addr).replace(":", "").lower())

            def unregister(self, light: Any) -> None:
                pass

        discovery = aio.LifxDiscovery(asyncio.get_running_loop(), Manager(), broadcast_ip=host)
        try:
            discovery.start()
            await asyncio.sleep(cap)
        finally:
            discovery.cleanup()

    @override
    async def open(self, devices: list[Dev]) -> list[Handle]:
        loop = asyncio.get_running_loop()
        handles: list[Handle] = []
        for dev in devices:
            # As aiolifx's own LIFXConnection does it: one connected endpoint per device
            transport, light = await loop.create_datagram_endpoint(
                lambda dev=dev: self._aio.Light(loop, _mac(dev.serial), dev.host, dev.port),  # type: ignore[misc]
                remote_addr=(dev.host, dev.port),
            )
            self._transports.append(transport)
            handles.append(_AiolifxHandle(light, dev.is_light, self._msgtypes))
        return handles


class _LifxAsyncHandle(Handle):
    __slots__ = ("_device", "_hsbk", "_is_light")

    def __init__(self, device: Any, is_light: bool, hsbk: Any) -> None:
        self._device = device
        self._is_light = is_light
        self._hsbk = hsbk

    @property
    def device(self) -> Any:
        return self._device

    @override
    async def get(self) -> None:
        if self._is_light:
            await self._device.get_color()
        else:
            await self._device.get_power()

    @override
    async def set_power(self, on: bool) -> None:
        await self._device.set_power(on)

    @override
    async def set_color(self, hue: int) -> None:
        await self._device.set_color(
            self._hsbk(hue=hue * 360 / 65536, saturation=1.0, brightness=1.0, kelvin=3500)
        )


class LifxAsyncAdapter(Adapter):
    """lifx-async: a device object (and connection, and receiver task) per device."""

    name = "lifx-async"

    def __init__(self) -> None:
        self._lifx: Any = importlib.import_module("lifx")
        self._discovery: Any = importlib.import_module("lifx.network.discovery")
        self._devices: list[Any] = []

    @override
    def version(self) -> str:
        return metadata.version("lifx-async")

    @override
    async def start(self) -> None:
        pass  # connections open lazily, per device, on first use

    @override
    async def stop(self) -> None:
        # Each close waits for that device's receiver task to notice; all at once, then
        closing = asyncio.gather(*(d.close() for d in self._devices), return_exceptions=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing, STOP_TIMEOUT)
        self._devices.clear()

    @override
    async def discover(
        self, host: str, port: int, cap: float, on_found: Callable[[str], None]
    ) -> None:
        stream = self._discovery.discover_devices(timeout=cap, broadcast_address=host, port=port)
        try:
            async for device in stream:
                on_found(str(device.serial).lower())
        finally:
            await stream.aclose()

    @override
    async def open(self, devices: list[Dev]) -> list[Handle]:
        handles: list[Handle] = []
        for dev in devices:
            kind = self._lifx.Light if dev.is_light else self._lifx.Device
            device = kind(dev.serial, dev.host, port=dev.port, timeout=BUDGET)
            self._devices.append(device)
            handles.append(_LifxAsyncHandle(device, dev.is_light, self._lifx.HSBK))
        return handles

    @override
    async def group_power(self, handles: list[Handle], on: bool) -> int:
        # The library's own batch API (it gathers set_power over its lights)
        devices = [h.device for h in handles if isinstance(h, _LifxAsyncHandle)]
        try:
            await self._lifx.DeviceGroup(devices).set_power(on)
        except Exception:  # DeviceGroup raises the first failure only
            return len(devices)
        return 0
