"""Finding devices: rebroadcast GetService, unicast probes and subnet scans, deduped by serial."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
import contextlib
from dataclasses import dataclass
import ipaddress
import logging
import socket
import struct
import sys
from typing import Final

from .client import DeviceAddress, LifxClient
from .header import target_to_serial
from .messages import DeviceGetService, DeviceService, DeviceStateService, Packet
from .transport import LIFX_PORT

_LOGGER = logging.getLogger(__package__)

# One broadcast misses devices on multi-AP Wi-Fi and busy networks, so it is repeated:
# the offsets (seconds from the start) at which GetService goes out again.
REBROADCAST_OFFSETS: Final = (0.0, 0.25, 0.6, 1.2, 2.0, 3.0, 4.5)
LIMITED_BROADCAST: Final = "255.255.255.255"
# Unicast scans pace themselves so a /24 does not burst 254 datagrams at once.
SCAN_RATE_PER_SECOND: Final = 200
# Anyone on the LAN can answer a broadcast, with as many serials as they like: one search
# keeps at most this many devices (far more than any home has), so a flood of forged
# replies costs a bounded amount of memory.
MAX_DEVICES_PER_SEARCH: Final = 512


@dataclass(frozen=True, slots=True)
class DiscoveredDevice:
    """A device that answered GetService."""

    serial: str
    host: str
    port: int

    @property
    def address(self) -> DeviceAddress:
        """The address to talk to it."""
        return DeviceAddress(self.serial, self.host, self.port)


def interface_broadcast_addresses() -> list[str]:
    """The IPv4 broadcast address of every interface that is up and can broadcast."""
    if not sys.platform.startswith("linux"):
        return [LIMITED_BROADCAST]
    import fcntl  # noqa: PLC0415 - Linux only

    siocgifflags, siocgifbrdaddr = 0x8913, 0x8919
    iff_up, iff_broadcast, iff_loopback = 0x1, 0x2, 0x8
    found: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                flags = struct.unpack_from("H", fcntl.ioctl(sock, siocgifflags, request), 16)[0]
                if not flags & iff_up or not flags & iff_broadcast or flags & iff_loopback:
                    continue
                raw = fcntl.ioctl(sock, siocgifbrdaddr, request)
            except OSError:
                # No IPv4 address on this interface.
                continue
            address = socket.inet_ntoa(raw[20:24])
            if address not in found and address != "0.0.0.0":
                found.append(address)
    return found or [LIMITED_BROADCAST]


class _Finder:
    """Collects StateService replies to one tagged sequence, deduped by serial."""

    def __init__(
        self,
        client: LifxClient,
        on_found: Callable[[DiscoveredDevice], None] | None,
        only_host: str | None = None,
    ) -> None:
        self.client = client
        self.on_found = on_found
        self.only_host = only_host
        self.found: dict[str, DiscoveredDevice] = {}
        self.first = asyncio.get_running_loop().create_future()
        self.sequence = client.listen_broadcast(self._on_reply)

    def _on_reply(self, reply: Packet, target: bytes, address: tuple[str, int]) -> None:
        if not isinstance(reply, DeviceStateService):
            return
        if reply.service != DeviceService.UDP or not 0 < reply.port <= 0xFFFF:
            self.client.drops["bad_service"] += 1
            return
        if self.only_host is not None and address[0] != self.only_host:
            self.client.drops["wrong_address"] += 1
            return
        serial = target_to_serial(target)
        device = DiscoveredDevice(serial, address[0], reply.port)
        known = self.found.get(serial)
        if known == device:
            return
        if known is None and len(self.found) >= MAX_DEVICES_PER_SEARCH:
            self.client.drops["too_many_devices"] += 1
            return
        self.found[serial] = device
        if self.on_found is not None:
            self.on_found(device)
        if not self.first.done():
            self.first.set_result(None)

    def send(self, address: tuple[str, int]) -> None:
        self.client.send_tagged(DeviceGetService(), self.sequence, address)

    def close(self) -> None:
        self.client.stop_listening(self.sequence)


async def discover(
    client: LifxClient,
    *,
    broadcast_addresses: Iterable[str] | None = None,
    port: int = LIFX_PORT,
    timeout: float = 5.0,
    rebroadcast_offsets: Iterable[float] = REBROADCAST_OFFSETS,
    on_found: Callable[[DiscoveredDevice], None] | None = None,
) -> list[DiscoveredDevice]:
    """Broadcast GetService to the addresses given, again and again, for `timeout` seconds.

    Without addresses (None) it broadcasts on every interface, as the CLI does; an empty
    list sends nothing, so a caller that chose no address never reaches one it did not.
    """
    targets = (
        interface_broadcast_addresses()
        if broadcast_addresses is None
        else list(broadcast_addresses)
    )
    finder = _Finder(client, on_found)
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        for offset in rebroadcast_offsets:
            if offset >= timeout:
                break
            delay = start + offset - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            for target in targets:
                finder.send((target, port))
        remaining = start + timeout - loop.time()
        if remaining > 0:
            await asyncio.sleep(remaining)
    finally:
        finder.close()
    return sorted(finder.found.values(), key=lambda d: d.serial)


async def probe(
    client: LifxClient,
    host: str,
    port: int = LIFX_PORT,
    *,
    timeout: float = 2.0,
    linger: float = 0.2,
) -> list[DiscoveredDevice]:
    """Ask one address which devices answer there (usually one; emulators may have many).

    GetService is repeated on the client's retry gaps until something answers, then sent
    once more and the probe waits `linger` seconds for other devices sharing the address
    (one of them may have missed every copy before the first answer).
    """
    finder = _Finder(client, None, only_host=host)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    attempt = 0
    try:
        while not finder.first.done():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            attempt += 1
            finder.send((host, port))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.shield(finder.first), min(client.schedule.gap(attempt), remaining)
                )
        finder.send((host, port))
        await asyncio.sleep(min(linger, max(0.0, deadline - loop.time())))
    finally:
        finder.close()
    return sorted(finder.found.values(), key=lambda d: d.serial)


async def scan(
    client: LifxClient,
    network: str,
    port: int = LIFX_PORT,
    *,
    timeout: float = 2.0,
    rate: int = SCAN_RATE_PER_SECOND,
    on_found: Callable[[DiscoveredDevice], None] | None = None,
) -> list[DiscoveredDevice]:
    """Unicast GetService to every host of a CIDR, for devices behind routers or on VLANs."""
    hosts = [str(h) for h in ipaddress.ip_network(network, strict=False).hosts()]
    finder = _Finder(client, on_found)
    loop = asyncio.get_running_loop()
    try:
        for _ in range(2):
            # Two rounds: a datagram lost in the first gets a second chance.
            start = loop.time()
            for index, host in enumerate(hosts):
                due = start + index / rate
                delay = due - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                finder.send((host, port))
        await asyncio.sleep(timeout / 2)
    finally:
        finder.close()
    return sorted(finder.found.values(), key=lambda d: d.serial)
