"""One asyncio UDP endpoint shared by every LIFX device of the process."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
import logging
import socket
from typing import Final, override

from .exceptions import LifxConnectionError
from .header import HEADER, HEADER_SIZE, MAX_DATAGRAM, PROTOCOL_MASK, PROTOCOL_NUMBER

_LOGGER = logging.getLogger(__package__)

LIFX_PORT: Final = 56700
# The socket's receive buffer. A poll round or a command to a group brings hundreds of
# answers at once; Linux's default buffer (208 KiB) held 256 answers on loopback while the
# event loop was busy elsewhere, and dropped the rest (tests/protocol/test_fuzz.py: 600
# kept with this). The kernel caps it at net.core.rmem_max, 208 KiB on many systems.
RECEIVE_BUFFER: Final = 1 << 20

type PacketHandler = Callable[[int, bytes, int, int, int, bytes, tuple[str, int]], None]
"""Called as handler(source, target, flags, sequence, pkt_type, datagram, address)."""

type LostHandler = Callable[[LifxTransport, Exception | None], None]
"""Called as on_lost(transport, error) when the socket closes, asked to or not."""

# Characters of the numeric IPv4 forms (decimal, octal and 0x-hex parts). inet_aton stops
# at the first space and ignores the rest, so anything else must be turned away first.
_IPV4_CHARACTERS: Final = frozenset("0123456789abcdefxABCDEFX.")


def canonical_sockaddr(host: object, port: object) -> tuple[str, int]:
    """(host, port) with host as the dotted quad that replies come from.

    The host may be in any numeric IPv4 form the OS accepts (127.1, 0x7f.0.0.1); a host
    name is refused, because resolving it would block and replies carry an address, not
    a name. The port must be an int from 1 to 65535. Raises LifxConnectionError otherwise.
    """
    canonical: str | None = None
    if isinstance(host, str) and host and _IPV4_CHARACTERS.issuperset(host):
        try:
            canonical = socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            canonical = None
    if canonical is None:
        raise LifxConnectionError(
            f"{host!r} is not an IPv4 address (LIFX devices speak IPv4; resolve names first)"
        )
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port <= 0xFFFF:
        raise LifxConnectionError(f"port {port!r} is not an integer from 1 to 65535")
    return canonical, port


class LifxTransport(asyncio.DatagramProtocol):
    """Validates datagrams and hands whole LIFX packets to one handler; drops the rest."""

    def __init__(self, handler: PacketHandler, on_lost: LostHandler | None = None) -> None:
        """Remember who gets the packets; the socket comes from `open`."""
        self._handler = handler
        self._on_lost = on_lost
        self._transport: asyncio.DatagramTransport | None = None
        self.closed = asyncio.get_running_loop().create_future()
        self.drops: Counter[str] = Counter()
        self.received = 0
        self.sent = 0
        # Addresses `send` has checked, each mapped to itself: see `send`.

    @classmethod
    async def open(
        cls,
        handler: PacketHandler,
        *,
        local_host: str = "0.0.0.0",
        local_port: int = 0,
        on_lost: LostHandler | None = None,
    ) -> LifxTransport:
        """Bind one socket with SO_BROADCAST, for unicast and discovery alike."""
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            sock.setblocking(False)
            sock.bind((local_host, local_port))
        except OSError as err:
            sock.close()
            raise LifxConnectionError(f"cannot bind UDP {local_host}:{local_port}: {err}") from err
        _, protocol = await loop.create_datagram_endpoint(lambda: cls(handler, on_lost), sock=sock)
        return protocol

    @property
    def is_open(self) -> bool:
        """Whether the socket can send."""
        return self._transport is not None and not self._transport.is_closing()

    @property
    def local_address(self) -> tuple[str, int]:
        """The address the socket is bound to."""
        if self._transport is None:
            raise LifxConnectionError("transport is closed")
        host, port = self._transport.get_extra_info("sockname")[:2]
        return host, port

    @override
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self._transport = transport

    @override
    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        if not self.closed.done():
            self.closed.set_result(None)
        if self._on_lost is not None:
            self._on_lost(self, exc)

    @override
    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable and the like: a device may simply be off. Retries handle it.
        self.drops["socket_error"] += 1
        _LOGGER.debug("UDP error: %s", exc)

    @override
    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        # The socket is AF_INET (see open()): every peer address is (host, port).
        self.received += 1
        length = len(data)
        if length < HEADER_SIZE:
            self.drops["too_short"] += 1
            return
        if length > MAX_DATAGRAM:
            self.drops["too_long"] += 1
            return
        size, field, source, target, flags, sequence, pkt_type = HEADER.unpack_from(data)
        if size != length:
            self.drops["size_mismatch"] += 1
            return
        if field & PROTOCOL_MASK != PROTOCOL_NUMBER:
            self.drops["bad_protocol"] += 1
            return
        self._handler(source, target, flags, sequence, pkt_type, data, addr)

    def send(self, data: bytes, address: tuple[str, int]) -> None:
        """Send one datagram; never blocks (UDP sendto on a non-blocking socket).

        Raises LifxConnectionError, and sends nothing, unless `address` is a canonical
        dotted-quad IPv4 address and a port from 1 to 65535: asyncio hands a port out of
        range or a host of the wrong type to its fatal-error path, which closes the socket
        every device shares, and a host name would be resolved by a blocking lookup.
        """
        self._check_address(address)
        self.send_to_device(data, address)

    def send_to_device(self, data: bytes, sockaddr: tuple[str, int]) -> None:
        """Send to a device's `DeviceAddress.sockaddr`, which was checked when it was made.

        The path of every request: it skips the check `send` makes.
        """
        transport = self._transport
        if transport is None or transport.is_closing():
            raise LifxConnectionError("transport is closed")
        transport.sendto(data, sockaddr)
        self.sent += 1

    @staticmethod
    def _check_address(address: object) -> None:
        """Raise LifxConnectionError for anything but a canonical IPv4 (host, port) pair."""
        if not isinstance(address, tuple) or len(address) != 2:
            raise LifxConnectionError(f"cannot send to {address!r}: not a (host, port) pair")
        host, port = address
        try:
            canonical = canonical_sockaddr(host, port)
        except LifxConnectionError as err:
            raise LifxConnectionError(f"cannot send to {address!r}: {err}") from err
        if canonical[0] != host:
            # Replies come from the canonical form, and everything above matches them by it.
            raise LifxConnectionError(
                f"cannot send to {address!r}: write the host as {canonical[0]!r}"
            )

    def close(self) -> None:
        """Close the socket."""
        if self._transport is not None:
            self._transport.close()
