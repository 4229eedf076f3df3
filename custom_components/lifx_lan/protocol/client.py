"""Request/reply correlation over the shared transport: retries, deadlines, inflight limit."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from dataclasses import dataclass
import logging
import random
from typing import Any, Final, cast

from .address import DeviceAddress
from .exceptions import (
    LifxConnectionError,
    LifxError,
    LifxProtocolError,
    LifxTimeoutError,
    LifxUnsupportedError,
)
from .header import (
    ACK_REQUIRED,
    BROADCAST_TARGET,
    HEADER,
    HEADER_SIZE,
    RES_REQUIRED,
    SEQUENCE_OFFSET,
    UNTAGGED_PROTOCOL_FIELD,
    is_device_target,
    pack_message,
    serial_to_target,
    target_to_serial,
)
from .messages import PACKETS, DeviceAcknowledgement, DeviceStateUnhandled, Packet, Request
from .replies import NO_REPLIES, ReplyCollector, collector_for, reply_types_for
from .retransmission import MAX_RETRANSMIT_TIMEOUT, MIN_RETRANSMIT_GAP, LinkStats, RetrySchedule
from .transport import LifxTransport

# The client and the types its calls take and give back
__all__ = ["BatchError", "DeviceAddress", "LifxClient", "LinkStats", "RetrySchedule"]

_LOGGER = logging.getLogger(__package__)

ACK_TYPE: Final = DeviceAcknowledgement.pkt_type
UNHANDLED_TYPE: Final = DeviceStateUnhandled.pkt_type
DEFAULT_INFLIGHT: Final = 30
# Requests due within this much of the timer's run are handled in the same run, so
# retransmissions due together cost one wake-up, not one each.
TIMER_SLACK: Final = 0.001
# How long a copy superseded by a retransmission may still be answered (and so not count
# as lost) after its request finished
LATE_REPLY_WINDOW: Final = 3.0
# The longest wait between attempts to open a socket that closed under us
REOPEN_MAX_DELAY: Final = 30.0


class _Pending:
    """One request in flight: its datagram, when it is due again, what it waits for."""

    __slots__ = (
        "ack",
        "address",
        "attempts",
        "collector",
        "datagram",
        "deadline",
        "due",
        "future",
        "key",
        "link",
        "reply_types",
        "resent",
        "schedule",
        "target",
        "unanswered",
    )

    def __init__(
        self,
        target: bytes,
        sequence: int,
        address: tuple[str, int],
        datagram: bytes,
        ack: bool,
        reply_types: dict[int, type[Packet]],
        collector: ReplyCollector | None,
        schedule: RetrySchedule,
        link: LinkStats,
        future: asyncio.Future[list[Packet]],
        deadline: float,
    ) -> None:
        self.target = target
        # Where the request is registered first (its first copy's sequence)
        self.key = (target, sequence)
        # The sequence numbers copies sent again went out with (None until there is one)
        self.resent: list[int] | None = None
        self.address = address
        self.datagram = datagram
        self.ack = ack
        self.reply_types = reply_types
        self.collector = collector
        self.schedule = schedule
        self.link = link
        self.future = future
        self.deadline = deadline
        self.attempts = 0
        # When each copy not yet answered was sent, by its sequence number
        self.unanswered: dict[int, float] = {}
        # When to transmit again (or give up): set by every transmission
        self.due = deadline


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
        inflight: int = DEFAULT_INFLIGHT,
        source: int | None = None,
    ) -> None:
        """Prepare a client; `open` binds the socket."""
        # Sources 0 and 1 make some firmware broadcast its replies, so never use them.
        self.source = source if source is not None else random.randint(2, 0xFFFFFFFF)
        if not 2 <= self.source <= 0xFFFFFFFF:
            raise ValueError("source must be between 2 and 0xFFFFFFFF")
        # Broadcasts go out under a source of their own: every device answers them under
        # its own target, and a sequence shared with a unicast request must not make one
        # reply pass for the other.
        self.broadcast_source = self.source - 1 if self.source > 2 else 3
        if inflight < 1:
            raise ValueError("inflight must be at least 1")
        self.schedule = schedule or RetrySchedule()
        # Inflight slots: each registered request holds one until it finishes. Waiters
        # exist only while no slot is free, and a freed slot goes to the first of them.
        self._free_slots = inflight
        self._slot_waiters: deque[asyncio.Future[None]] = deque()
        # Requests in flight, under the (target, sequence) of every copy sent
        self._pending: dict[tuple[bytes, int], _Pending] = {}
        # Unanswered copies of finished requests: (link, address, sent at), and when each
        # stops being awaited, oldest first
        self._late: dict[tuple[bytes, int], tuple[LinkStats, tuple[str, int], float]] = {}
        self._late_expiry: deque[tuple[float, tuple[bytes, int], float]] = deque()
        self._sequences: dict[bytes, int] = {}
        self._broadcast_listeners: dict[int, BroadcastListener] = {}
        self._broadcast_sequence = 0
        self.links: dict[str, LinkStats] = {}
        self.drops: Counter[str] = Counter()
        self._transport: LifxTransport | None = None
        self._local_address: tuple[str, int] = ("0.0.0.0", 0)
        # Set while a socket closed under us is being replaced
        self._reopening: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outbox: list[_Pending] = []
        # One timer for every retransmission and deadline, armed for the earliest one
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0

    async def open(self, *, local_host: str = "0.0.0.0", local_port: int = 0) -> None:
        """Bind the client's single UDP socket."""
        if self._transport is not None:
            return
        self._loop = asyncio.get_running_loop()
        transport = await LifxTransport.open(
            self._on_packet,
            local_host=local_host,
            local_port=local_port,
            on_lost=self._on_transport_lost,
        )
        self._transport = transport
        # Reopened on the same port, replies to what is in flight still find us
        self._local_address = (local_host, transport.local_address[1])

    async def close(self) -> None:
        """Fail everything pending and close the socket."""
        transport, self._transport = self._transport, None
        if self._reopening is not None:
            self._reopening.cancel()
            self._reopening = None
        for pending in list(self._pending.values()):
            self._finish(pending, LifxConnectionError("client closed"))
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._late.clear()
        self._late_expiry.clear()
        if transport is not None:
            transport.close()
            await transport.closed

    def _on_transport_lost(self, transport: LifxTransport, exc: Exception | None) -> None:
        """The socket closed without close() asking: open another, keep what is in flight."""
        if transport is not self._transport or self._reopening is not None:
            return
        _LOGGER.warning("LIFX socket closed unexpectedly (%s); opening it again", exc)
        assert self._loop is not None
        self._reopening = self._loop.create_task(self._reopen(), name="lifx reopen socket")

    async def _reopen(self) -> None:
        """Bind a new socket, on the same port if it is still free; retry until it works.

        Meanwhile requests stay registered and their copies count as lost, so they are
        answered once the socket is back, or time out at their usual deadline.
        """
        host, port = self._local_address
        delay = 0.0
        while True:
            if delay:
                await asyncio.sleep(delay)
            try:
                transport = await LifxTransport.open(
                    self._on_packet,
                    local_host=host,
                    local_port=port,
                    on_lost=self._on_transport_lost,
                )
            except LifxConnectionError as err:
                if port:
                    # Someone took the port meanwhile: any port will do for what comes next
                    port = 0
                    continue
                if not delay:
                    _LOGGER.warning("Cannot open the LIFX socket again (%s); retrying", err)
                delay = min(REOPEN_MAX_DELAY, max(1.0, delay * 2))
                continue
            break
        self._transport = transport
        self._local_address = (host, transport.local_address[1])
        self._reopening = None

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
        if self._transport is None or not self._transport.is_open:
            raise LifxConnectionError("client is not open")
        return self._transport

    @property
    def is_open(self) -> bool:
        """Whether the socket is bound (or being bound again after closing under us)."""
        return self._transport is not None

    @property
    def free_slots(self) -> int:
        """How many more requests may start before one has to wait for a slot."""
        return self._free_slots

    @property
    def pending_count(self) -> int:
        """How many requests are in flight."""
        return sum(1 for key, pending in self._pending.items() if key is pending.key)

    def forget(self, serial: str) -> None:
        """Drop what the client keeps of a device nobody uses any more (its link, sequence).

        Kept while a request to it is in flight; a device spoken to again starts afresh.
        """
        target = serial_to_target(serial)
        if any(key[0] == target for key in self._pending):
            return
        self.links.pop(target[:6].hex(), None)
        self._sequences.pop(target, None)

    @property
    def known_devices(self) -> int:
        """How many devices the client keeps state for (links or sequence numbers)."""
        return len(self.links.keys() | {target[:6].hex() for target in self._sequences})

    def link(self, serial: str) -> LinkStats:
        """The link statistics of a device (created on first use)."""
        stats = self.links.get(serial)
        if stats is None:
            stats = self.links[serial] = LinkStats()
        return stats

    # Requests

    # The public calls return _call's coroutine themselves instead of awaiting it: one
    # coroutine less per request, on the path every poll takes.

    def request[R: Packet](
        self,
        address: DeviceAddress,
        message: Request[R],
        *,
        timeout: float | None = None,
        schedule: RetrySchedule | None = None,
    ) -> Coroutine[Any, Any, R]:
        """Send a Get (or a Set with res_required) and return its State reply."""
        return cast(
            Coroutine[Any, Any, R], self._call(address, message, False, timeout, schedule, True)
        )

    def request_all[R: Packet](
        self,
        address: DeviceAddress,
        message: Request[R],
        *,
        timeout: float | None = None,
        schedule: RetrySchedule | None = None,
    ) -> Coroutine[Any, Any, list[R]]:
        """Send a request answered in several parts and return every part, in order."""
        return cast(
            Coroutine[Any, Any, list[R]],
            self._call(address, message, False, timeout, schedule, False),
        )

    def send(
        self,
        address: DeviceAddress,
        message: Packet,
        *,
        timeout: float | None = None,
        schedule: RetrySchedule | None = None,
    ) -> Coroutine[Any, Any, None]:
        """Send a Set with ack_required; return once the device acknowledged it."""
        return cast(
            Coroutine[Any, Any, None], self._call(address, message, True, timeout, schedule, False)
        )

    async def _call(
        self,
        address: DeviceAddress,
        message: Packet,
        ack: bool,
        timeout: float | None,
        schedule: RetrySchedule | None,
        single: bool,
    ) -> Any:
        """Take a slot (waiting only if none is free), start, and wait for the outcome."""
        if self._free_slots > 0:
            self._free_slots -= 1
        else:
            await self._wait_for_slot(
                timeout if timeout is not None else (schedule or self.schedule).deadline
            )
        pending = self._start(address, message, ack, timeout, schedule)
        try:
            parts = await pending.future
        except asyncio.CancelledError:
            # The caller gave up: forget the request and free its slot and sequence now
            self._finish(pending)
            raise
        if ack:
            return None
        return parts[0] if single else parts

    async def _wait_for_slot(self, limit: float) -> None:
        """Wait until a finishing request hands over its slot (already taken on return).

        A request that finds no slot within `limit` seconds fails as if the device had not
        answered: no caller waits without end behind others' work.
        """
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._slot_waiters.append(waiter)
        try:
            async with asyncio.timeout(limit):
                await waiter
        except TimeoutError as err:
            raise LifxTimeoutError(
                f"no free request slot within {limit:g} s ({len(self._pending)} in flight)"
            ) from err
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # The slot was handed over just as the wait was cancelled: pass it on.
                self._release_slot()
            elif waiter in self._slot_waiters:
                # (A release may have skipped it already, seeing it cancelled)
                self._slot_waiters.remove(waiter)
            raise

    def _release_slot(self) -> None:
        while self._slot_waiters:
            waiter = self._slot_waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free_slots += 1

    def _start(
        self,
        address: DeviceAddress,
        message: Packet,
        ack: bool,
        timeout: float | None,
        schedule: RetrySchedule | None,
    ) -> _Pending:
        """Register and send a request, holding a slot already taken; never yields.

        The slot is given back when the request finishes, or here if it cannot start.
        """
        try:
            if self._transport is None:
                raise LifxConnectionError("client is not open")
            loop = self._loop
            assert loop is not None
            target = address.target
            sequence = self._next_sequence(target)
            payload = message.pack()
            # pack_message's work, inline: this runs for every request
            datagram = (
                HEADER.pack(
                    HEADER_SIZE + len(payload),
                    UNTAGGED_PROTOCOL_FIELD,
                    self.source,
                    target,
                    ACK_REQUIRED if ack else RES_REQUIRED,
                    sequence,
                    message.pkt_type,
                )
                + payload
            )
            if ack:
                reply_types, collector = NO_REPLIES, None
            else:
                reply_types = reply_types_for(message)
                collector = collector_for(message)
        except BaseException:
            self._release_slot()
            raise
        schedule = schedule or self.schedule
        if timeout is not None:
            schedule = RetrySchedule(schedule.gaps, timeout)
        link = self.link(address.serial)
        link.requests += 1
        now = loop.time()
        pending = _Pending(
            target,
            sequence,
            address.sockaddr,
            datagram,
            ack,
            reply_types,
            collector,
            schedule,
            link,
            loop.create_future(),
            now + schedule.deadline,
        )
        # Nothing past this point raises: the request holds its slot until it finishes
        self._pending[pending.key] = pending
        if not ack:
            # A query goes out at once: nothing is gained by holding it back.
            self._transmit(pending, now)
            return pending
        # Acknowledged commands wait for the end of this loop iteration and then go out back
        # to back: commands that many entities issue together (a group, a scene) reach
        # their devices together instead of one after another.
        self._outbox.append(pending)
        if len(self._outbox) == 1:
            loop.call_soon(self._flush_outbox)
        return pending

    def _flush_outbox(self) -> None:
        outbox, self._outbox = self._outbox, []
        assert self._loop is not None
        now = self._loop.time()
        for pending in outbox:
            if not pending.future.done():
                self._transmit(pending, now)

    def _next_sequence(self, target: bytes) -> int:
        # The next number is almost always free: try it before searching
        sequence = (self._sequences.get(target, 0) + 1) & 0xFF
        key = (target, sequence)
        if key not in self._pending and key not in self._late:
            self._sequences[target] = sequence
            return sequence
        free = self._free_sequence(target)
        if free is None:
            raise LifxError("256 requests already in flight to one device")
        return free

    def _free_sequence(self, target: bytes) -> int | None:
        """The next sequence number no request in flight, nor a late answer, may claim."""
        sequence = self._sequences.get(target, 0)
        pending, late = self._pending, self._late
        for _ in range(256):
            sequence = (sequence + 1) & 0xFF
            key = (target, sequence)
            if key not in pending and key not in late:
                self._sequences[target] = sequence
                return sequence
        # Late answers only keep a sequence while others are free: the oldest one yields
        self._purge_late(None)
        for _ in range(256):
            sequence = (sequence + 1) & 0xFF
            if (target, sequence) not in pending:
                self._late.pop((target, sequence), None)
                self._sequences[target] = sequence
                return sequence
        return None

    def _transmit(self, pending: _Pending, now: float) -> None:
        """Send a request's datagram (again) and note when it is due next.

        A copy sent again gets a fresh sequence number, so its reply tells which copy it
        answers: the round trip is measured from that copy's own send time.
        """
        attempts = pending.attempts
        if attempts:
            resent = pending.resent
            if resent is None:
                resent = pending.resent = []
            sequence = self._free_sequence(pending.target)
            if sequence is None:
                # Every sequence is taken: send the last copy again as it was
                sequence = resent[-1] if resent else pending.key[1]
            else:
                resent.append(sequence)
                self._pending[pending.target, sequence] = pending
                datagram = pending.datagram
                pending.datagram = (
                    datagram[:SEQUENCE_OFFSET]
                    + sequence.to_bytes(1, "little")
                    + datagram[SEQUENCE_OFFSET + 1 :]
                )
        else:
            sequence = pending.key[1]
        transport = self._transport
        try:
            if transport is None:
                raise LifxConnectionError("client is closed")
            transport.send_to_device(pending.datagram, pending.address)
        except LifxConnectionError as err:
            if self._reopening is None:
                self._finish(pending, err)
                return
            # The socket is being reopened: this copy is lost, the next goes out on the new one
        except LifxError as err:
            self._finish(pending, err)
            return
        except Exception as err:
            # Not expected of a UDP send; the request fails, it does not linger
            self._finish(pending, LifxConnectionError(f"cannot send: {err!r}"))
            return
        pending.attempts = attempts + 1
        pending.unanswered[sequence] = now
        link = pending.link
        link.transmissions += 1
        if attempts:
            link.retransmissions += 1
        gaps = pending.schedule.gaps
        gap = gaps[min(attempts, len(gaps) - 1)]
        gap = max(gap, link.retransmit_timeout)
        due = now + (gap if gap > MIN_RETRANSMIT_GAP else MIN_RETRANSMIT_GAP)
        due = min(due, pending.deadline)
        pending.due = due
        if self._timer is None or due < self._timer_at:
            self._arm_timer(due)

    def _arm_timer(self, when: float) -> None:
        """Run the timer at `when` if it is not armed for an earlier time already."""
        if self._timer is not None:
            if self._timer_at <= when:
                return
            self._timer.cancel()
        assert self._loop is not None
        self._timer = self._loop.call_at(when, self._on_timer)
        self._timer_at = when

    def _on_timer(self) -> None:
        """Retransmit what is due, fail what is past its deadline, re-arm for the rest.

        Most requests are answered long before they are due, so this runs about once per
        retransmission gap while requests are in flight, and never when none are.
        """
        self._timer = None
        assert self._loop is not None
        now = self._loop.time()
        # A timer may run early (by the clock's resolution, or more under a test clock):
        # what it was armed for counts as due, so it never re-arms for the same instant.
        horizon = max(now + TIMER_SLACK, self._timer_at)
        try:
            earliest = self._retransmit_due(now, horizon)
        except BaseException:
            # Whatever went wrong, the requests not yet looked at keep a timer
            self._arm_timer(now + MIN_RETRANSMIT_GAP)
            raise
        if earliest is not None:
            self._arm_timer(earliest)

    def _retransmit_due(self, now: float, horizon: float) -> float | None:
        """Handle every request due by `horizon`; return when the next one is due."""
        earliest: float | None = None
        for key, pending in list(self._pending.items()):
            if key is not pending.key:
                continue  # a later copy's entry: the request is handled once, by its first
            if pending.future.done():
                # Cancelled by its caller: forget it, and free its slot
                self._finish(pending)
                continue
            if pending.attempts == 0:
                continue  # still in the outbox: the flush transmits it
            if pending.due <= horizon:
                if pending.deadline <= horizon:
                    pending.link.timeouts += 1
                    self._finish(pending, self._timeout_error(pending))
                    continue
                self._transmit(pending, now)
                if pending.future.done():
                    continue
            if earliest is None or pending.due < earliest:
                earliest = pending.due
        return earliest

    @staticmethod
    def _timeout_error(pending: _Pending) -> LifxTimeoutError:
        host, port = pending.address
        return LifxTimeoutError(
            f"no reply from {host}:{port} ({target_to_serial(pending.target)}) after "
            f"{pending.attempts} transmissions in {pending.schedule.deadline:g} s"
        )

    def _finish(
        self, pending: _Pending, error: LifxError | None = None, parts: list[Packet] | None = None
    ) -> None:
        key = pending.key
        if self._pending.get(key) is not pending:
            return
        del self._pending[key]
        resent = pending.resent
        if resent is not None:
            target = pending.target
            for sequence in resent:
                if self._pending.get((target, sequence)) is pending:
                    del self._pending[target, sequence]
        if pending.unanswered:
            self._expect_late(pending)
        self._release_slot()
        future = pending.future
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(parts or [])

    def _expect_late(self, pending: _Pending) -> None:
        """Keep a finished request's unanswered copies answerable for a while.

        A reply to a copy that was superseded by a retransmission (a slow device answering
        the first copy after the second went out) proves the copy was not lost.
        """
        assert self._loop is not None
        now = self._loop.time()
        self._purge_late(now)
        expires = now + LATE_REPLY_WINDOW
        for sequence, sent_at in pending.unanswered.items():
            key = (pending.target, sequence)
            self._late[key] = (pending.link, pending.address, sent_at)
            self._late_expiry.append((expires, key, sent_at))

    def _purge_late(self, now: float | None) -> None:
        """Forget late-answer slots that expired (all of them when `now` is None)."""
        expiry = self._late_expiry
        while expiry and (now is None or expiry[0][0] <= now):
            _, key, sent_at = expiry.popleft()
            late = self._late.get(key)
            if late is not None and late[2] == sent_at:
                del self._late[key]

    def _on_late_reply(self, key: tuple[bytes, int], address: tuple[str, int]) -> bool:
        """Count a reply to a copy of an already finished request; False if it is none."""
        late = self._late.get(key)
        if late is None or late[1] != address:
            return False
        del self._late[key]
        link, _, sent_at = late
        assert self._loop is not None
        rtt = self._loop.time() - sent_at
        if rtt > LATE_REPLY_WINDOW + MAX_RETRANSMIT_TIMEOUT:
            # The slot outlived its window (slots are only swept as new ones come)
            return False
        link.late_replies += 1
        link.answered(rtt)
        return True

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
            if source == self.broadcast_source:
                listener = self._broadcast_listeners.get(sequence)
                if listener is not None:
                    self._on_broadcast_reply(listener, target, pkt_type, datagram, address)
                else:
                    self.drops["unmatched"] += 1
                return
            self.drops["foreign_source"] += 1
            return
        pending = self._pending.get((target, sequence))
        if pending is None:
            if self._late and self._on_late_reply((target, sequence), address):
                return
            # A duplicate, a reply after its deadline, or one forged for a target or
            # sequence we never asked: all the same to us.
            self.drops["unmatched"] += 1
            return
        if address != pending.address:
            self.drops["wrong_address"] += 1
            return
        sent_at = pending.unanswered.pop(sequence, None)
        if sent_at is not None:
            # The first datagram answering this copy (a multi-part reply sends several)
            assert self._loop is not None
            pending.link.answered(self._loop.time() - sent_at)
        if pkt_type == ACK_TYPE:
            if pending.ack:
                self._finish(pending, parts=[])
            else:
                self.drops["unexpected_type"] += 1
            return
        if pkt_type == UNHANDLED_TYPE:
            try:
                unhandled = DeviceStateUnhandled.unpack_from(datagram, HEADER_SIZE)
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
            reply = reply_type.unpack_from(datagram, HEADER_SIZE)
        except LifxProtocolError:
            self.drops["malformed"] += 1
            return
        collector = pending.collector
        if collector is None:
            self._finish(pending, parts=[reply])
        elif collector.add(reply):
            self._finish(pending, parts=collector.parts())

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
            reply = reply_type.unpack_from(datagram, HEADER_SIZE)
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
            source=self.broadcast_source,
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
        waiting: list[int] = []
        queue: asyncio.Queue[tuple[DeviceAddress, list[Packet] | LifxError]] = asyncio.Queue()

        def report(address: DeviceAddress, future: asyncio.Future[list[Packet]]) -> None:
            error = future.exception()
            if error is None:
                queue.put_nowait((address, future.result()))
            else:
                queue.put_nowait((address, cast(LifxError, error)))

        def start(index: int) -> None:
            """Start one request; its inflight slot is already taken."""
            address = targets[index]
            try:
                future = self._start(address, messages[index], ack, timeout, None).future
            except LifxError as err:
                # Nothing was registered (the message could not be built); _start gave
                # the slot back.
                queue.put_nowait((address, err))
                return
            future.add_done_callback(lambda f, a=address: report(a, f))  # type: ignore[misc]

        # Start every request that fits in the inflight limit in one pass, no awaits.
        for index in range(len(targets)):
            if self._free_slots > 0:
                self._free_slots -= 1
                start(index)
            else:
                waiting.append(index)
        for index in waiting:
            try:
                await self._wait_for_slot(
                    timeout if timeout is not None else self.schedule.deadline
                )
            except LifxTimeoutError as err:
                queue.put_nowait((targets[index], err))
                continue
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
