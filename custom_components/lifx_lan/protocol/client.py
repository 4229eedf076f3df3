"""Request/reply correlation over the shared transport: retries, deadlines, inflight limit."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
import logging
import random
from typing import Any, Final, cast

from .exceptions import (
    LifxConnectionError,
    LifxError,
    LifxProtocolError,
    LifxTimeoutError,
    LifxUnsupportedError,
)
from .header import (
    BROADCAST_TARGET,
    is_device_target,
    pack_message,
    serial_to_target,
    target_to_serial,
)
from .messages import (
    PACKETS,
    DeviceAcknowledgement,
    DeviceStateUnhandled,
    MultiZoneExtendedGetColorZones,
    MultiZoneExtendedStateMultiZone,
    MultiZoneGetColorZones,
    MultiZoneStateMultiZone,
    MultiZoneStateZone,
    Packet,
    Request,
    TileGet64,
    TileState64,
)
from .transport import LIFX_PORT, LifxTransport

_LOGGER = logging.getLogger(__package__)

ACK_TYPE: Final = DeviceAcknowledgement.pkt_type
UNHANDLED_TYPE: Final = DeviceStateUnhandled.pkt_type
DEFAULT_INFLIGHT: Final = 30
# Never more than 20 messages a second to one device, whatever the round trips say.
MIN_RETRANSMIT_GAP: Final = 0.05


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """When to send a request again, as data: escalating gaps and an overall deadline.

    The n-th retransmission waits `gaps[n]` (the last gap repeats), stretched to the
    device's measured retransmission timeout when that is longer, so a slow or lossy
    device is not flooded. Nothing is sent after `deadline` seconds.
    """

    # Flat 100 ms gaps for the first second: on a lossy Wi-Fi link (30 % each way, so a
    # request and its reply both survive only half the time) nine tries in that second
    # bring the chance of failing below 0.2 %, and since each gap is far longer than a
    # LAN round trip, no more datagrams are sent per success than with longer gaps.
    # After that the gaps grow, so a device that is really gone is not flooded.
    gaps: tuple[float, ...] = (0.1,) * 9 + (0.15, 0.2, 0.3, 0.5)
    deadline: float = 5.0

    def gap(self, attempt: int) -> float:
        """The wait after the `attempt`-th transmission (1-based)."""
        return self.gaps[min(attempt - 1, len(self.gaps) - 1)]


@dataclass(frozen=True, slots=True)
class DeviceAddress:
    """Where a device is: its serial (12 lowercase hex digits), host and UDP port."""

    serial: str
    host: str
    port: int = LIFX_PORT
    target: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate the serial once and keep its 8-byte wire form."""
        object.__setattr__(self, "target", serial_to_target(self.serial))
        object.__setattr__(self, "serial", self.target[:6].hex())


@dataclass(slots=True)
class LinkStats:
    """What the client has measured of one device's link."""

    requests: int = 0
    transmissions: int = 0
    replies: int = 0
    timeouts: int = 0
    retransmissions: int = 0
    smoothed_rtt: float | None = None
    rtt_variance: float = 0.0
    last_rtts: list[float] = field(default_factory=list)

    def observe_rtt(self, rtt: float) -> None:
        """Update the smoothed round trip (RFC 6298's estimator)."""
        if self.smoothed_rtt is None:
            self.smoothed_rtt = rtt
            self.rtt_variance = rtt / 2
        else:
            self.rtt_variance = 0.75 * self.rtt_variance + 0.25 * abs(self.smoothed_rtt - rtt)
            self.smoothed_rtt = 0.875 * self.smoothed_rtt + 0.125 * rtt
        self.last_rtts.append(rtt)
        if len(self.last_rtts) > 64:
            del self.last_rtts[:32]

    @property
    def retransmit_timeout(self) -> float:
        """How long a reply can plausibly take on this link."""
        if self.smoothed_rtt is None:
            return 0.0
        return self.smoothed_rtt + 4 * self.rtt_variance

    @property
    def rtt_median(self) -> float | None:
        """Median of the recent round trips, in seconds."""
        if not self.last_rtts:
            return None
        ordered = sorted(self.last_rtts)
        return ordered[len(ordered) // 2]

    @property
    def loss(self) -> float:
        """Fraction of transmissions that got no reply."""
        if not self.transmissions:
            return 0.0
        return max(0.0, 1 - self.replies / self.transmissions)


class _Collector:
    """Decides when a request has all of its reply parts; the base takes one."""

    __slots__ = ()

    def add(self, reply: Packet) -> bool:
        """Keep a reply part; return True when the request is complete."""
        return True

    def parts(self) -> list[Packet]:
        """The parts in order."""
        raise NotImplementedError


class _Single(_Collector):
    __slots__ = ("reply",)

    def __init__(self) -> None:
        self.reply: Packet | None = None

    def add(self, reply: Packet) -> bool:
        self.reply = reply
        return True

    def parts(self) -> list[Packet]:
        return [] if self.reply is None else [self.reply]


class _ByIndex(_Collector):
    """Parts keyed by an index; complete once every expected index has arrived."""

    __slots__ = ("expected", "received")

    def __init__(self) -> None:
        self.expected: set[int] | None = None
        self.received: dict[int, Packet] = {}

    def expect(self, reply: Packet) -> set[int]:
        raise NotImplementedError

    def index(self, reply: Packet) -> int:
        raise NotImplementedError

    def add(self, reply: Packet) -> bool:
        if self.expected is None:
            self.expected = self.expect(reply)
        self.received.setdefault(self.index(reply), reply)
        return self.expected <= self.received.keys()

    def parts(self) -> list[Packet]:
        return [self.received[i] for i in sorted(self.received)]


class _ZonesCollector(_ByIndex):
    """GetColorZones: one StateMultiZone per 8 zones from start to min(end, count - 1)."""

    __slots__ = ("end", "start")

    def __init__(self, request: MultiZoneGetColorZones) -> None:
        super().__init__()
        self.start = request.start_index
        self.end = request.end_index

    def expect(self, reply: Packet) -> set[int]:
        assert isinstance(reply, MultiZoneStateMultiZone | MultiZoneStateZone)
        last = min(self.end, reply.count - 1)
        if isinstance(reply, MultiZoneStateZone):
            return set(range(self.start, last + 1))
        return set(range(self.start, last + 1, 8))

    def index(self, reply: Packet) -> int:
        assert isinstance(reply, MultiZoneStateMultiZone | MultiZoneStateZone)
        return reply.index


class _ExtendedZonesCollector(_ByIndex):
    """GetExtendedColorZones: one ExtendedStateMultiZone per 82 zones."""

    __slots__ = ()

    def expect(self, reply: Packet) -> set[int]:
        assert isinstance(reply, MultiZoneExtendedStateMultiZone)
        return set(range(0, max(reply.count, 1), 82))

    def index(self, reply: Packet) -> int:
        assert isinstance(reply, MultiZoneExtendedStateMultiZone)
        return reply.index


class _TilesCollector(_ByIndex):
    """Get64: one State64 per tile asked for."""

    __slots__ = ("tiles",)

    def __init__(self, request: TileGet64) -> None:
        super().__init__()
        self.tiles = set(range(request.tile_index, request.tile_index + max(request.length, 1)))

    def expect(self, reply: Packet) -> set[int]:
        return self.tiles

    def index(self, reply: Packet) -> int:
        assert isinstance(reply, TileState64)
        return reply.tile_index


def _collector_for(message: Packet) -> _Collector:
    if isinstance(message, MultiZoneGetColorZones):
        return _ZonesCollector(message)
    if isinstance(message, MultiZoneExtendedGetColorZones):
        return _ExtendedZonesCollector()
    if isinstance(message, TileGet64):
        return _TilesCollector(message)
    return _Single()


def _reply_types(message: Packet, ack: bool) -> dict[int, type[Packet]]:
    if ack:
        return {}
    reply_type = cast(Request[Any], message).reply_type
    types: dict[int, type[Packet]] = {reply_type.pkt_type: reply_type}
    if isinstance(message, MultiZoneGetColorZones):
        # A one-zone range is answered with StateZone instead of StateMultiZone.
        types[MultiZoneStateZone.pkt_type] = MultiZoneStateZone
    return types


class _Pending:
    """One request in flight: its datagram, timers and what it is waiting for."""

    __slots__ = (
        "ack",
        "address",
        "attempts",
        "collector",
        "datagram",
        "deadline",
        "first_sent",
        "future",
        "key",
        "last_sent",
        "link",
        "reply_types",
        "schedule",
        "timer",
    )

    def __init__(
        self,
        *,
        key: tuple[bytes, int],
        address: tuple[str, int],
        datagram: bytes,
        ack: bool,
        reply_types: dict[int, type[Packet]],
        collector: _Collector,
        schedule: RetrySchedule,
        link: LinkStats,
        future: asyncio.Future[list[Packet]],
    ) -> None:
        self.key = key
        self.address = address
        self.datagram = datagram
        self.ack = ack
        self.reply_types = reply_types
        self.collector = collector
        self.schedule = schedule
        self.link = link
        self.future = future
        self.attempts = 0
        self.first_sent = 0.0
        self.last_sent = 0.0
        self.deadline = 0.0
        self.timer: asyncio.TimerHandle | None = None


@dataclass(frozen=True, slots=True)
class BatchError:
    """A device of a batch that failed, and why."""

    address: DeviceAddress
    error: LifxError


type BroadcastListener = Callable[[Packet, bytes, tuple[str, int]], None]
"""Called with (reply, target, address) for every reply to a broadcast."""


class LifxClient:
    """The LIFX client: one socket, many devices, replies matched to requests."""

    def __init__(
        self,
        *,
        schedule: RetrySchedule | None = None,
        inflight: asyncio.Semaphore | int = DEFAULT_INFLIGHT,
        source: int | None = None,
    ) -> None:
        """Prepare a client; `open` binds the socket."""
        # Sources 0 and 1 make some firmware broadcast its replies, so never use them.
        self.source = source if source is not None else random.randint(2, 0xFFFFFFFF)
        if not 2 <= self.source <= 0xFFFFFFFF:
            raise ValueError("source must be between 2 and 0xFFFFFFFF")
        self.schedule = schedule or RetrySchedule()
        self._inflight = (
            inflight if isinstance(inflight, asyncio.Semaphore) else asyncio.Semaphore(inflight)
        )
        self._pending: dict[tuple[bytes, int], _Pending] = {}
        self._sequences: dict[bytes, int] = {}
        self._broadcast_listeners: dict[int, BroadcastListener] = {}
        self._broadcast_sequence = 0
        self.links: dict[str, LinkStats] = {}
        self.drops: Counter[str] = Counter()
        self._transport: LifxTransport | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outbox: list[_Pending] = []

    async def open(self, *, local_host: str = "0.0.0.0", local_port: int = 0) -> None:
        """Bind the client's single UDP socket."""
        if self._transport is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._transport = await LifxTransport.open(
            self._on_packet, local_host=local_host, local_port=local_port
        )

    async def close(self) -> None:
        """Fail everything pending and close the socket."""
        for pending in list(self._pending.values()):
            self._finish(pending, LifxConnectionError("client closed"))
        if self._transport is not None:
            transport, self._transport = self._transport, None
            transport.close()
            await transport.closed

    async def __aenter__(self) -> LifxClient:
        """Open on entry."""
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close on exit."""
        await self.close()

    @property
    def transport(self) -> LifxTransport:
        """The open transport."""
        if self._transport is None:
            raise LifxConnectionError("client is not open")
        return self._transport

    @property
    def is_open(self) -> bool:
        """Whether the socket is bound."""
        return self._transport is not None

    @property
    def pending_count(self) -> int:
        """How many requests are in flight."""
        return len(self._pending)

    def link(self, serial: str) -> LinkStats:
        """The link statistics of a device (created on first use)."""
        stats = self.links.get(serial)
        if stats is None:
            stats = self.links[serial] = LinkStats()
        return stats

    # Requests

    async def request[R: Packet](
        self,
        address: DeviceAddress,
        message: Request[R],
        *,
        timeout: float | None = None,
        schedule: RetrySchedule | None = None,
    ) -> R:
        """Send a Get (or a Set with res_required) and return its State reply."""
        parts = await self._call(address, message, False, timeout, schedule)
        return cast(R, parts[0])

    async def request_all[R: Packet](
        self,
        address: DeviceAddress,
        message: Request[R],
        *,
        timeout: float | None = None,
        schedule: RetrySchedule | None = None,
    ) -> list[R]:
        """Send a request answered in several parts and return every part, in order."""
        return cast(list[R], await self._call(address, message, False, timeout, schedule))

    async def send(
        self,
        address: DeviceAddress,
        message: Packet,
        *,
        timeout: float | None = None,
        schedule: RetrySchedule | None = None,
    ) -> None:
        """Send a Set with ack_required; return once the device acknowledged it."""
        await self._call(address, message, True, timeout, schedule)

    async def _call(
        self,
        address: DeviceAddress,
        message: Packet,
        ack: bool,
        timeout: float | None,
        schedule: RetrySchedule | None,
    ) -> list[Packet]:
        await self._inflight.acquire()
        try:
            future = self._start(address, message, ack, timeout, schedule)
            return await future
        finally:
            self._inflight.release()

    def _start(
        self,
        address: DeviceAddress,
        message: Packet,
        ack: bool,
        timeout: float | None,
        schedule: RetrySchedule | None,
    ) -> asyncio.Future[list[Packet]]:
        """Register and send a request at once, without yielding to the loop."""
        transport = self.transport
        loop = self._loop
        assert loop is not None
        target = address.target
        sequence = self._next_sequence(target)
        key = (target, sequence)
        datagram = pack_message(
            message.pkt_type,
            message.pack(),
            source=self.source,
            target=target,
            sequence=sequence,
            res_required=not ack,
            ack_required=ack,
        )
        schedule = schedule or self.schedule
        if timeout is not None:
            schedule = RetrySchedule(schedule.gaps, timeout)
        link = self.link(address.serial)
        link.requests += 1
        pending = _Pending(
            key=key,
            address=(address.host, address.port),
            datagram=datagram,
            ack=ack,
            reply_types=_reply_types(message, ack),
            collector=_collector_for(message),
            schedule=schedule,
            link=link,
            future=loop.create_future(),
        )
        now = loop.time()
        pending.first_sent = now
        pending.deadline = now + schedule.deadline
        self._pending[key] = pending
        if not ack:
            # A query goes out at once: nothing is gained by holding it back.
            try:
                self._transmit(pending, now, transport)
            except LifxError as err:
                self._finish(pending, err)
            return pending.future
        # Acknowledged commands wait for the end of this loop iteration and then go out back
        # to back: commands that many entities issue together (a group, a scene) reach
        # their devices together instead of one after another.
        self._outbox.append(pending)
        if len(self._outbox) == 1:
            loop.call_soon(self._flush_outbox, transport)
        return pending.future

    def _flush_outbox(self, transport: LifxTransport) -> None:
        outbox, self._outbox = self._outbox, []
        assert self._loop is not None
        now = self._loop.time()
        for pending in outbox:
            if pending.future.done():
                continue
            try:
                self._transmit(pending, now, transport)
            except LifxError as err:
                self._finish(pending, err)

    def _next_sequence(self, target: bytes) -> int:
        sequence = self._sequences.get(target, 0)
        for _ in range(256):
            sequence = (sequence + 1) & 0xFF
            if (target, sequence) not in self._pending:
                self._sequences[target] = sequence
                return sequence
        raise LifxError("256 requests already in flight to one device")

    def _transmit(self, pending: _Pending, now: float, transport: LifxTransport) -> None:
        transport.send(pending.datagram, pending.address)
        pending.attempts += 1
        pending.last_sent = now
        link = pending.link
        link.transmissions += 1
        if pending.attempts > 1:
            link.retransmissions += 1
        gap = max(pending.schedule.gap(pending.attempts), link.retransmit_timeout)
        gap = max(gap, MIN_RETRANSMIT_GAP)
        assert self._loop is not None
        pending.timer = self._loop.call_at(
            min(now + gap, pending.deadline), self._on_timer, pending
        )

    def _on_timer(self, pending: _Pending) -> None:
        if pending.future.done():
            return
        assert self._loop is not None
        now = self._loop.time()
        if now >= pending.deadline:
            pending.link.timeouts += 1
            self._finish(
                pending,
                LifxTimeoutError(
                    f"no reply from {pending.address[0]}:{pending.address[1]} "
                    f"({target_to_serial(pending.key[0])}) after {pending.attempts} "
                    f"transmissions in {pending.schedule.deadline:g} s"
                ),
            )
            return
        try:
            self._transmit(pending, now, self.transport)
        except LifxError as err:
            self._finish(pending, err)

    def _finish(
        self, pending: _Pending, error: LifxError | None = None, parts: list[Packet] | None = None
    ) -> None:
        if self._pending.get(pending.key) is pending:
            del self._pending[pending.key]
        if pending.timer is not None:
            pending.timer.cancel()
            pending.timer = None
        if pending.future.done():
            return
        if error is not None:
            pending.future.set_exception(error)
        else:
            pending.future.set_result(parts or [])

    # Replies

    def _on_packet(
        self,
        source: int,
        target: bytes,
        flags: int,
        sequence: int,
        pkt_type: int,
        datagram: bytes,
        address: tuple[str, int],
    ) -> None:
        if source != self.source:
            self.drops["foreign_source"] += 1
            return
        pending = self._pending.get((target, sequence))
        if pending is None:
            listener = self._broadcast_listeners.get(sequence)
            if listener is not None:
                self._on_broadcast_reply(listener, target, pkt_type, datagram, address)
            else:
                # A duplicate, a reply after its deadline, or one forged for a target or
                # sequence we never asked: all the same to us.
                self.drops["unmatched"] += 1
            return
        if address != pending.address:
            self.drops["wrong_address"] += 1
            return
        link = pending.link
        link.replies += 1
        if pending.attempts == 1:
            # Karn's rule: only unambiguous round trips feed the estimator.
            assert self._loop is not None
            link.observe_rtt(self._loop.time() - pending.last_sent)
        if pkt_type == ACK_TYPE:
            if pending.ack:
                self._finish(pending, parts=[])
            else:
                self.drops["unexpected_type"] += 1
            return
        if pkt_type == UNHANDLED_TYPE:
            try:
                unhandled = DeviceStateUnhandled.unpack(memoryview(datagram)[36:])
            except LifxProtocolError:
                self.drops["malformed"] += 1
                return
            self._finish(pending, LifxUnsupportedError(unhandled.unhandled_type))
            return
        reply_type = pending.reply_types.get(pkt_type)
        if reply_type is None:
            self.drops["unexpected_type"] += 1
            return
        try:
            reply = reply_type.unpack(memoryview(datagram)[36:])
        except LifxProtocolError:
            self.drops["malformed"] += 1
            return
        if pending.collector.add(reply):
            self._finish(pending, parts=pending.collector.parts())

    def _on_broadcast_reply(
        self,
        listener: BroadcastListener,
        target: bytes,
        pkt_type: int,
        datagram: bytes,
        address: tuple[str, int],
    ) -> None:
        if not is_device_target(target):
            self.drops["bad_serial"] += 1
            return
        reply_type = PACKETS.get(pkt_type)
        if reply_type is None:
            self.drops["unexpected_type"] += 1
            return
        try:
            reply = reply_type.unpack(memoryview(datagram)[36:])
        except LifxProtocolError:
            self.drops["malformed"] += 1
            return
        listener(reply, target, address)

    # Broadcasts

    def listen_broadcast(self, listener: BroadcastListener) -> int:
        """Reserve a sequence for tagged messages; replies to it go to `listener`."""
        for _ in range(256):
            self._broadcast_sequence = (self._broadcast_sequence + 1) & 0xFF
            if self._broadcast_sequence not in self._broadcast_listeners:
                break
        else:
            raise LifxError("too many broadcasts in flight")
        sequence = self._broadcast_sequence
        self._broadcast_listeners[sequence] = listener
        return sequence

    def stop_listening(self, sequence: int) -> None:
        """Forget a broadcast listener."""
        self._broadcast_listeners.pop(sequence, None)

    def send_tagged(self, message: Packet, sequence: int, address: tuple[str, int]) -> None:
        """Send a tagged (all devices) message to a broadcast or unicast address."""
        datagram = pack_message(
            message.pkt_type,
            message.pack(),
            source=self.source,
            target=BROADCAST_TARGET,
            sequence=sequence,
            res_required=False,
            tagged=True,
        )
        self.transport.send(datagram, address)

    # Batches

    async def request_batch[R: Packet](
        self,
        addresses: Iterable[DeviceAddress],
        message: Request[R] | Callable[[DeviceAddress], Request[R]],
        *,
        errors: list[BatchError] | Callable[[BatchError], None] | None = None,
        timeout: float | None = None,
    ) -> AsyncIterator[tuple[DeviceAddress, R]]:
        """Ask many devices at once; yield replies as they arrive, collect failures."""
        async for address, parts in self._batch(addresses, message, False, errors, timeout):
            yield address, cast(R, parts[0])

    async def send_batch(
        self,
        addresses: Iterable[DeviceAddress],
        message: Packet | Callable[[DeviceAddress], Packet],
        *,
        timeout: float | None = None,
    ) -> list[BatchError]:
        """Send acknowledged Sets to many devices together; return the ones that failed.

        Every datagram is built first and sent in one pass over the socket, so devices
        change together instead of one after another.
        """
        errors: list[BatchError] = []
        async for _ in self._batch(addresses, message, True, errors, timeout):
            pass
        return errors

    async def _batch(
        self,
        addresses: Iterable[DeviceAddress],
        message: Packet | Callable[[DeviceAddress], Packet],
        ack: bool,
        errors: list[BatchError] | Callable[[BatchError], None] | None,
        timeout: float | None,
    ) -> AsyncIterator[tuple[DeviceAddress, list[Packet]]]:
        targets = list(addresses)
        messages = [message(a) if callable(message) else message for a in targets]
        futures: dict[asyncio.Future[list[Packet]], DeviceAddress] = {}
        waiting: list[int] = []
        queue: asyncio.Queue[tuple[DeviceAddress, list[Packet] | LifxError]] = asyncio.Queue()

        def report(address: DeviceAddress, future: asyncio.Future[list[Packet]]) -> None:
            self._inflight.release()
            error = future.exception()
            if error is None:
                queue.put_nowait((address, future.result()))
            else:
                queue.put_nowait((address, cast(LifxError, error)))

        def start(index: int) -> None:
            address = targets[index]
            try:
                future = self._start(address, messages[index], ack, timeout, None)
            except LifxError as err:
                # Nothing was registered (the message could not be built): free the slot.
                self._inflight.release()
                queue.put_nowait((address, err))
                return
            futures[future] = address
            future.add_done_callback(lambda f, a=address: report(a, f))  # type: ignore[misc]

        # Start every request that fits in the inflight limit in one pass, no awaits.
        for index in range(len(targets)):
            if self._inflight.locked():
                waiting.append(index)
                continue
            await self._inflight.acquire()  # does not suspend: a slot is free
            start(index)
        for index in waiting:
            await self._inflight.acquire()
            start(index)
        for _ in range(len(targets)):
            address, outcome = await queue.get()
            if isinstance(outcome, LifxError):
                failure = BatchError(address, outcome)
                if callable(errors):
                    errors(failure)
                elif errors is not None:
                    errors.append(failure)
                continue
            yield address, outcome
