"""The fake devices of devtools/fake_lifx.py in a process of their own, stamping each arrival.

Group spread is measured where it matters, at the devices: the socket has
SO_TIMESTAMPNS, so every datagram carries the kernel's receive time, which
does not depend on how quickly this process gets round to reading it. The same
process serves the Home Assistant poll-cost case, so the fakes' own CPU is not
charged to Home Assistant.

Usage: python -m devtools.bench.fake_server --spec '[["color_bulb", "d073d5000001"], ...]'
prints ``{"port": N}`` once listening, then answers JSON lines on stdin:
``{"cmd": "arrivals", "pkt_type": 117}`` (receive times in ns and targets since the
last call, then forgotten), ``{"cmd": "delay", "seconds": 0.02}`` (every device answers
that much later), ``{"cmd": "delay", "seconds": 0.3, "serial": "d073d5a10002"}`` (that
device's replies take that much longer still, until changed) and ``{"cmd": "count"}``
(datagrams received so far).
EOF on stdin stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import struct
import sys
import time
from typing import Any, override

from devtools.fake_lifx import FakeFleet

from .common import write_line

_TIMESPEC = struct.Struct("@qq")
# Python does not export it; 35 on Linux's generic ABI (x86-64, arm64): struct timespec stamps
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
_TYPE = struct.Struct("<H")
_TARGET = slice(8, 14)
# What SO_TIMESTAMPNS needs per datagram, and a datagram larger than LIFX allows
_ANCILLARY = socket.CMSG_SPACE(_TIMESPEC.size)
_MAX_DATAGRAM = 2048


class SocketTransport(asyncio.DatagramTransport):
    """Lets FakeFleet reply through a socket this module reads itself.

    It is also the link between the fakes and the client, so a single device's
    slow link lives here: FakeFleet's own reply delay is one for the whole fleet.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        # Extra seconds before a reply from that device (target hex) leaves
        self.link_delays: dict[str, float] = {}

    @override
    def sendto(self, data: bytes | bytearray | memoryview, addr: Any = None) -> None:
        delay = self.link_delays.get(bytes(data[_TARGET]).hex()) if self.link_delays else None
        if delay:
            # Copied: the caller may reuse its buffer before the delay is over
            asyncio.get_running_loop().call_later(delay, self._send_now, bytes(data), addr)
        else:
            self._send_now(data, addr)

    def _send_now(self, data: bytes | bytearray | memoryview, addr: Any) -> None:
        # A full send buffer drops the datagram, as the network would
        with contextlib.suppress(BlockingIOError):
            self._sock.sendto(data, addr)

    @override
    def is_closing(self) -> bool:
        return False

    @override
    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if name == "sockname":
            return self._sock.getsockname()
        return default


class StampingFleet:
    """A FakeFleet fed by recvmsg, remembering (kernel ns, target, type) per datagram."""

    def __init__(self, fleet: FakeFleet, sock: socket.socket) -> None:
        self.fleet = fleet
        self.sock = sock
        self.arrivals: list[tuple[int, str, int]] = []
        self.count = 0
        self.kernel_stamps = True

    def on_readable(self) -> None:
        """Drain the socket: stamp, then let the fake answer."""
        while True:
            try:
                data, ancillary, _flags, addr = self.sock.recvmsg(_MAX_DATAGRAM, _ANCILLARY)
            except BlockingIOError:
                return
            stamp = None
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    seconds, nanos = _TIMESPEC.unpack_from(payload)
                    stamp = seconds * 1_000_000_000 + nanos
            if stamp is None:
                self.kernel_stamps = False
                stamp = time.time_ns()
            self.count += 1
            if len(data) >= 36:
                self.arrivals.append((stamp, data[_TARGET].hex(), _TYPE.unpack_from(data, 32)[0]))
            self.fleet.datagram_received(data, addr)


def _open_socket(host: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    # A group of 50 (or 200 devices' polls) lands at once; keep every datagram
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((host, 0))
    sock.setblocking(False)
    return sock


async def _serve(spec: list[list[str]], host: str) -> None:
    loop = asyncio.get_running_loop()
    sock = _open_socket(host)
    fleet = FakeFleet()
    transport = SocketTransport(sock)
    fleet.transport = transport
    fleet.host = host
    fleet.port = sock.getsockname()[1]
    for kind, serial in spec:
        fleet.add(kind, serial, label=f"{kind} {serial[-4:]}")
    stamping = StampingFleet(fleet, sock)
    loop.add_reader(sock.fileno(), stamping.on_readable)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    write_line(sys.stdout, {"port": fleet.port})
    while line := await reader.readline():
        command = json.loads(line)
        if command["cmd"] == "arrivals":
            wanted = command.get("pkt_type")
            arrivals = [a for a in stamping.arrivals if wanted is None or a[2] == wanted]
            stamping.arrivals.clear()
            # The fakes keep every packet for tests; a long run must not grow without end
            for device in fleet.devices.values():
                device.received.clear()
            fleet.raw_received.clear()
            write_line(
                sys.stdout,
                {"arrivals": arrivals, "kernel_stamps": stamping.kernel_stamps},
            )
        elif command["cmd"] == "delay" and "serial" in command:
            # One device answering late, as a bulb in Wi-Fi power save does
            transport.link_delays[command["serial"]] = float(command["seconds"])
            write_line(sys.stdout, {"delay": transport.link_delays[command["serial"]]})
        elif command["cmd"] == "delay":
            # Answer late, as a device behind a Wi-Fi access point does
            fleet.reply_delay = float(command["seconds"])
            write_line(sys.stdout, {"delay": fleet.reply_delay})
        elif command["cmd"] == "count":
            write_line(sys.stdout, {"count": stamping.count})
        else:
            write_line(sys.stdout, {"error": f"unknown command {command['cmd']!r}"})
    loop.remove_reader(sock.fileno())
    sock.close()


def main() -> int:
    """Parse the spec and serve until stdin closes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True, help="JSON list of [kind, serial]")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    asyncio.run(_serve(json.loads(args.spec), args.host))
    return 0


if __name__ == "__main__":
    sys.exit(main())
