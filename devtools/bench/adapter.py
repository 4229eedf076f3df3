"""What a worker needs from a LIFX client, and the raw-socket floor that defines it.

Every client is driven through the same `Adapter` and `Handle` calls by the same
workload code (devtools/bench/worker.py), so whatever the harness itself costs
(tasks, loops, timing) is paid equally by all of them; the raw client is the
least a client can do on top of that harness.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections import deque
from collections.abc import Callable
import random
import struct
from typing import override

from .common import Dev

# The LIFX header, as lifx_lan's protocol/header.py packs it: size, protocol field,
# source, target, flags, sequence, type. Duplicated so the raw client owes nothing
# to any LIFX library.
_HEADER = struct.Struct("<HHI8s6xBB8xH2x")
_PROTOCOL_ADDRESSABLE = 1024 | 0x1000
_PROTOCOL_TAGGED = _PROTOCOL_ADDRESSABLE | 0x2000
_RES_REQUIRED = 0x01
_ACK_REQUIRED = 0x02
_GET_SERVICE = 2
_STATE_SERVICE = 3
_GET_POWER = 20
_LIGHT_GET = 101
_LIGHT_SET_COLOR = 102
_LIGHT_SET_POWER = 117
_TARGET = slice(8, 14)
_TYPE = slice(32, 34)


class Handle(ABC):
    """One device through one client: the three calls the workloads make."""

    __slots__ = ()

    @abstractmethod
    async def get(self) -> None:
        """Poll the device's state (LightGet; GetPower on a switch); raise on failure."""

    @abstractmethod
    async def set_power(self, on: bool) -> None:
        """SetPower with an acknowledgement; raise if it never came."""

    @abstractmethod
    async def set_color(self, hue: int) -> None:
        """SetColor (full saturation and brightness) with an acknowledgement."""


class Adapter(ABC):
    """One LIFX client library, opened once per worker process."""

    name = "?"

    @abstractmethod
    def version(self) -> str:
        """The library's version, for the results."""

    @abstractmethod
    async def start(self) -> None:
        """Open whatever the client keeps open (a socket, for most)."""

    @abstractmethod
    async def stop(self) -> None:
        """Close everything the client opened."""

    @abstractmethod
    async def discover(
        self, host: str, port: int, cap: float, on_found: Callable[[str], None]
    ) -> None:
        """Discover devices answering at host:port for up to `cap` seconds.

        Calls on_found(serial) for each device the client reports; the worker
        cancels this coroutine as soon as every expected serial is in.
        """

    @abstractmethod
    async def open(self, devices: list[Dev]) -> list[Handle]:
        """Make the devices known to the client, as an application would."""

    async def group_power(self, handles: list[Handle], on: bool) -> int:
        """Switch many devices at once, the client's own way; return the failures."""
        results = await asyncio.gather(*(h.set_power(on) for h in handles), return_exceptions=True)
        return sum(isinstance(r, BaseException) for r in results)

    def link_stats(self, handle: Handle) -> dict[str, float] | None:
        """What the client itself has measured of a device's link, or None if it keeps nothing.

        The key "loss" is the fraction the client would show as that link's packet loss.
        """
        return None


# --- The floor ---------------------------------------------------------------


class _RawProtocol(asyncio.DatagramProtocol):
    """Hands each reply to the oldest request waiting on its device; nothing else."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.waiting: dict[bytes, deque[asyncio.Future[None]]] = {}
        self.on_service: Callable[[bytes], None] | None = None

    @override
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    @override
    def datagram_received(self, data: bytes, addr: tuple[str | int, int]) -> None:
        target = data[_TARGET]
        if self.on_service is not None and data[_TYPE] == b"\x03\x00":
            self.on_service(target)
            return
        queue = self.waiting.get(target)
        if queue:
            future = queue.popleft()
            if not future.done():
                future.set_result(None)


class _RawHandle(Handle):
    __slots__ = ("_address", "_color", "_get", "_power", "_protocol", "_source", "_target")

    def __init__(self, protocol: _RawProtocol, dev: Dev, source: int) -> None:
        self._protocol = protocol
        self._address = (dev.host, dev.port)
        self._source = source
        self._target = bytes.fromhex(dev.serial)
        get_type = _LIGHT_GET if dev.is_light else _GET_POWER
        self._get = self._datagram(_RES_REQUIRED, get_type, b"")
        self._power = {
            on: self._datagram(_ACK_REQUIRED, _LIGHT_SET_POWER, struct.pack("<HI", 0xFFFF * on, 0))
            for on in (False, True)
        }
        self._color: dict[int, bytes] = {}
        protocol.waiting.setdefault(self._target, deque())

    def _datagram(self, flags: int, pkt_type: int, payload: bytes) -> bytes:
        header = _HEADER.pack(
            36 + len(payload),
            _PROTOCOL_ADDRESSABLE,
            self._source,
            self._target + b"\x00\x00",
            flags,
            0,
            pkt_type,
        )
        return header + payload

    def send(self, datagram: bytes) -> asyncio.Future[None]:
        """Send at once; the future completes with the device's next reply."""
        protocol = self._protocol
        assert protocol.transport is not None
        future = asyncio.get_running_loop().create_future()
        protocol.waiting[self._target].append(future)
        protocol.transport.sendto(datagram, self._address)
        return future

    def forget(self, future: asyncio.Future[None]) -> None:
        """Drop an abandoned request, or the next reply would go to it."""
        queue = self._protocol.waiting[self._target]
        if future in queue:
            queue.remove(future)

    async def _exchange(self, datagram: bytes) -> None:
        future = self.send(datagram)
        try:
            await future
        except BaseException:
            self.forget(future)
            raise

    def power_datagram(self, on: bool) -> bytes:
        """The pre-built SetPower."""
        return self._power[on]

    @override
    async def get(self) -> None:
        await self._exchange(self._get)

    @override
    async def set_power(self, on: bool) -> None:
        await self._exchange(self._power[on])

    @override
    async def set_color(self, hue: int) -> None:
        datagram = self._color.get(hue)
        if datagram is None:
            payload = struct.pack("<xHHHHI", hue, 0xFFFF, 0xFFFF, 3500, 0)
            datagram = self._color[hue] = self._datagram(_ACK_REQUIRED, _LIGHT_SET_COLOR, payload)
        await self._exchange(datagram)


class RawAdapter(Adapter):
    """The floor: one socket, datagrams built once, no retries, no timers.

    A reply completes the oldest request waiting on its device. That is all a
    client must do to be usable from asyncio, so the gap between another
    client and this one is what that client's own machinery costs.
    """

    name = "raw"

    def __init__(self) -> None:
        self._protocol = _RawProtocol()
        self._source = random.randint(2, 0xFFFFFFFF)

    @override
    def version(self) -> str:
        return "stdlib socket"

    @override
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self._protocol, local_addr=("0.0.0.0", 0))

    @override
    async def stop(self) -> None:
        if self._protocol.transport is not None:
            self._protocol.transport.close()

    @override
    async def discover(
        self, host: str, port: int, cap: float, on_found: Callable[[str], None]
    ) -> None:
        protocol = self._protocol
        assert protocol.transport is not None
        seen: set[bytes] = set()

        def found(target: bytes) -> None:
            if target not in seen:
                seen.add(target)
                on_found(target.hex())

        protocol.on_service = found
        try:
            # One tagged GetService, never repeated: the floor has no retries
            protocol.transport.sendto(
                _HEADER.pack(36, _PROTOCOL_TAGGED, self._source, bytes(8), 0, 0, _GET_SERVICE),
                (host, port),
            )
            await asyncio.sleep(cap)
        finally:
            protocol.on_service = None

    @override
    async def open(self, devices: list[Dev]) -> list[Handle]:
        return [_RawHandle(self._protocol, dev, self._source) for dev in devices]

    @override
    async def group_power(self, handles: list[Handle], on: bool) -> int:
        # Every datagram leaves in one pass before anything is awaited
        raw = [h for h in handles if isinstance(h, _RawHandle)]
        futures = [h.send(h.power_datagram(on)) for h in raw]
        results = await asyncio.gather(*futures, return_exceptions=True)
        return sum(isinstance(r, BaseException) for r in results)
