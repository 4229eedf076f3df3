"""The LIFX client: one socket shared by every device, and the calls that reach them."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
import logging
from typing import Final, Literal, overload

from .address import DeviceAddress
from .batch import BatchError, BatchRequests
from .exceptions import LifxConnectionError, LifxError
from .exchange import BroadcastListener
from .header import BROADCAST_TARGET, pack_message
from .messages import Packet, Request
from .retransmission import LinkStats, RetrySchedule
from .transport import LifxTransport

# The client and the types its calls take and give back
__all__ = ["BatchError", "DeviceAddress", "LifxClient", "LinkStats", "RetrySchedule"]

_LOGGER = logging.getLogger(__package__)

DEFAULT_INFLIGHT: Final = 30
# The longest wait between attempts to open a socket that closed under us
REOPEN_MAX_DELAY: Final = 30.0


class LifxClient(BatchRequests):
    """The LIFX client: one socket, many devices, replies matched to requests.

    What it does is layered, one class a module: InflightRequests keeps the accounts of
    what is in flight, RequestExchange sends, resends and matches replies, BatchRequests
    adds calls to many devices at once, and this class owns the socket and the calls.
    """

    def __init__(
        self,
        *,
        schedule: RetrySchedule | None = None,
        inflight: int = DEFAULT_INFLIGHT,
        source: int | None = None,
    ) -> None:
        """Prepare a client; `open` binds the socket."""
        super().__init__(schedule=schedule or RetrySchedule(), inflight=inflight, source=source)
        self._broadcast_sequence = 0
        self._local_address: tuple[str, int] = ("0.0.0.0", 0)

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
    ) -> Coroutine[object, None, R]:
        """Send a Get (or a Set with res_required) and return its State reply."""
        return self._call(address, message, False, timeout, schedule, True)

    def request_all[R: Packet](
        self,
        address: DeviceAddress,
        message: Request[R],
        *,
        timeout: float | None = None,
        schedule: RetrySchedule | None = None,
    ) -> Coroutine[object, None, list[R]]:
        """Send a request answered in several parts and return every part, in order."""
        return self._call(address, message, False, timeout, schedule, False)

    def send(
        self,
        address: DeviceAddress,
        message: Packet,
        *,
        timeout: float | None = None,
        schedule: RetrySchedule | None = None,
    ) -> Coroutine[object, None, None]:
        """Send a Set with ack_required; return once the device acknowledged it."""
        return self._call(address, message, True, timeout, schedule, False)

    # The overloads type _call's outcome by its flags: the reply a request promises, all the
    # parts of it, or nothing for an acknowledged command. Nothing checks the promise at run
    # time; it holds because a request's parts are only ever packets of the types
    # reply_types_for admits (with one exception device.py allows for: the StateZone that
    # answers a one-zone GetColorZones range).
    @overload
    async def _call[R: Packet](
        self,
        address: DeviceAddress,
        message: Request[R],
        ack: Literal[False],
        timeout: float | None,
        schedule: RetrySchedule | None,
        single: Literal[True],
    ) -> R: ...

    @overload
    async def _call[R: Packet](
        self,
        address: DeviceAddress,
        message: Request[R],
        ack: Literal[False],
        timeout: float | None,
        schedule: RetrySchedule | None,
        single: Literal[False],
    ) -> list[R]: ...

    @overload
    async def _call(
        self,
        address: DeviceAddress,
        message: Packet,
        ack: Literal[True],
        timeout: float | None,
        schedule: RetrySchedule | None,
        single: Literal[False],
    ) -> None: ...

    async def _call(
        self,
        address: DeviceAddress,
        message: Packet,
        ack: bool,
        timeout: float | None,
        schedule: RetrySchedule | None,
        single: bool,
    ) -> Packet | Sequence[Packet] | None:
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
