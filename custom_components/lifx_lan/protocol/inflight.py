"""The requests in flight: their inflight slots, sequence numbers, and late replies."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Final

from .exceptions import LifxError, LifxTimeoutError
from .header import serial_to_target
from .messages import Packet
from .replies import ReplyCollector
from .retransmission import MAX_RETRANSMIT_TIMEOUT, LinkStats, RetrySchedule

# How long a copy superseded by a retransmission may still be answered (and so not count
# as lost) after its request finished
LATE_REPLY_WINDOW: Final = 3.0


class PendingRequest:
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


class InflightRequests:
    """The client's book of requests in flight, and what it keeps of each device.

    A request holds an inflight slot from when it starts until it finishes, and is
    registered under the (target, sequence) of every copy sent, so that any reply finds
    it. The subclass sends the requests and matches their replies; this class only keeps
    the accounts, and never sends.
    """

    def __init__(self, *, inflight: int) -> None:
        """Start with every slot free and nothing in flight."""
        if inflight < 1:
            raise ValueError("inflight must be at least 1")
        # Inflight slots: each registered request holds one until it finishes. Waiters
        # exist only while no slot is free, and a freed slot goes to the first of them.
        self._free_slots = inflight
        self._slot_waiters: deque[asyncio.Future[None]] = deque()
        # Requests in flight, under the (target, sequence) of every copy sent
        self._pending: dict[tuple[bytes, int], PendingRequest] = {}
        # Unanswered copies of finished requests: (link, address, sent at), and when each
        # stops being awaited, oldest first
        self._late: dict[tuple[bytes, int], tuple[LinkStats, tuple[str, int], float]] = {}
        self._late_expiry: deque[tuple[float, tuple[bytes, int], float]] = deque()
        # The sequence number last used for each target
        self._sequences: dict[bytes, int] = {}
        self.links: dict[str, LinkStats] = {}
        # The event loop the client was opened on (None until then)
        self._loop: asyncio.AbstractEventLoop | None = None

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
        """Hand a finished request's slot to the first waiter still waiting, else free it."""
        while self._slot_waiters:
            waiter = self._slot_waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free_slots += 1

    def _next_sequence(self, target: bytes) -> int:
        """The sequence number for a new request to `target`."""
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

    def _finish(
        self,
        pending: PendingRequest,
        error: LifxError | None = None,
        parts: list[Packet] | None = None,
    ) -> None:
        """Unregister a request, free its slot, and settle its future (if nobody did)."""
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

    def _expect_late(self, pending: PendingRequest) -> None:
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
