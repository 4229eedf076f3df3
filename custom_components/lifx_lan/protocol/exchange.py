"""Request/reply exchange: sending, resending on one timer, deadlines, and matching replies."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
import random
from typing import Final

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
    HEADER,
    HEADER_SIZE,
    RES_REQUIRED,
    SEQUENCE_OFFSET,
    UNTAGGED_PROTOCOL_FIELD,
    is_device_target,
    target_to_serial,
)
from .inflight import InflightRequests, PendingRequest
from .messages import PACKETS, DeviceAcknowledgement, DeviceStateUnhandled, Packet
from .replies import NO_REPLIES, collector_for, reply_types_for
from .retransmission import MIN_RETRANSMIT_GAP, RetrySchedule
from .transport import LifxTransport

ACK_TYPE: Final = DeviceAcknowledgement.pkt_type
UNHANDLED_TYPE: Final = DeviceStateUnhandled.pkt_type
# Requests due within this much of the timer's run are handled in the same run, so
# retransmissions due together cost one wake-up, not one each.
TIMER_SLACK: Final = 0.001

type BroadcastListener = Callable[[Packet, bytes, tuple[str, int]], None]
"""Called with (reply, target, address) for every reply to a broadcast."""


class RequestExchange(InflightRequests):
    """Sends requests and the copies that replace lost ones, and settles them on replies.

    Every request and every copy goes out on the one socket the subclass opens, and one
    timer, armed for the earliest moment anything is due, resends copies and fails
    requests past their deadline. Replies come back through `_on_packet`.
    """

    def __init__(self, *, schedule: RetrySchedule, inflight: int, source: int | None) -> None:
        """Pick the source replies must carry; no socket yet."""
        # Sources 0 and 1 make some firmware broadcast its replies, so never use them.
        self.source = source if source is not None else random.randint(2, 0xFFFFFFFF)
        if not 2 <= self.source <= 0xFFFFFFFF:
            raise ValueError("source must be between 2 and 0xFFFFFFFF")
        # Broadcasts go out under a source of their own: every device answers them under
        # its own target, and a sequence shared with a unicast request must not make one
        # reply pass for the other.
        self.broadcast_source = self.source - 1 if self.source > 2 else 3
        super().__init__(inflight=inflight)
        self.schedule = schedule
        self._broadcast_listeners: dict[int, BroadcastListener] = {}
        self.drops: Counter[str] = Counter()
        # The socket, opened and replaced by the subclass (None while it is closed)
        self._transport: LifxTransport | None = None
        # Set while a socket closed under us is being replaced
        self._reopening: asyncio.Task[None] | None = None
        self._outbox: list[PendingRequest] = []
        # One timer for every retransmission and deadline, armed for the earliest one
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0

    def _start(
        self,
        address: DeviceAddress,
        message: Packet,
        ack: bool,
        timeout: float | None,
        schedule: RetrySchedule | None,
    ) -> PendingRequest:
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
        pending = PendingRequest(
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

    def _transmit(self, pending: PendingRequest, now: float) -> None:
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
    def _timeout_error(pending: PendingRequest) -> LifxTimeoutError:
        host, port = pending.address
        return LifxTimeoutError(
            f"no reply from {host}:{port} ({target_to_serial(pending.target)}) after "
            f"{pending.attempts} transmissions in {pending.schedule.deadline:g} s"
        )

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
        """Settle the request (or tell the broadcast listener) a packet answers; else drop it."""
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
