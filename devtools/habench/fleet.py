"""The Home Assistant bench's fleet: fake colour bulbs, each on its own loopback address.

Home Assistant's core LIFX integration talks to every bulb at host:56700, so each fake
bulb (devtools/fake_lifx.py) gets an address of its own (127.42.x.y) on the standard
port, and its own socket. Every datagram is stamped by the kernel (SO_TIMESTAMPNS,
wall-clock nanoseconds, the clock the probe inside Home Assistant reads too) before the
fake answers it, so what is measured is when the bulb received it.

Usage: python -m devtools.habench.fleet --count 50 prints one JSON line
``{"devices": [{"serial", "host", "label"}, ...]}`` once every bulb listens, then answers
JSON lines on stdin: ``{"cmd": "arrivals"}`` (per serial, ``[stamp_ns, pkt_type]`` of each
datagram since the last call), ``{"cmd": "online", "serials": [...], "online": false}``
(unplug: those bulbs stop answering; datagrams to them are still counted) and
``{"cmd": "delay", "serials": [...], "seconds": 0.15}`` (those bulbs answer that late).
EOF on stdin stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
from typing import Any

from devtools.bench.common import write_line
from devtools.bench.fake_server import SO_TIMESTAMPNS, SocketTransport, StampingFleet
from devtools.fake_lifx import FakeFleet

LIFX_PORT = 56700
# 127.42.0.1 to 127.42.0.250, then 127.42.1.1 ...: all of 127/8 is loopback on Linux
DEFAULT_PREFIX = "127.42"
SERIAL_PREFIX = "d073d5ba"


def fleet_plan(count: int, prefix: str = DEFAULT_PREFIX) -> list[dict[str, str]]:
    """Serial, address and label of each bulb of a fleet of `count` (the same every run)."""
    return [
        {
            "serial": f"{SERIAL_PREFIX}{index:04x}",
            "host": f"{prefix}.{index // 250}.{index % 250 + 1}",
            "label": f"Bench {index + 1:03d}",
        }
        for index in range(count)
    ]


class Bulb:
    """One fake bulb behind its own socket."""

    def __init__(self, serial: str, host: str, label: str) -> None:
        self.serial = serial
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.bind((host, LIFX_PORT))
        self.sock.setblocking(False)
        self.fleet = FakeFleet()
        self.fleet.transport = SocketTransport(self.sock)
        self.fleet.host = host
        self.fleet.port = LIFX_PORT
        self.fleet.answer_tagged = True
        # In no LIFX group: both integrations suggest the group as the device's area, and
        # Home Assistant 2026 puts the area in the entity id, which the light group of
        # configuration.yaml names before Home Assistant starts (light.bench_001)
        self.device = self.fleet.add("color_bulb", serial, label=label, group=(bytes(16), ""))
        self.stamping = StampingFleet(self.fleet, self.sock)

    def take_arrivals(self) -> list[list[int]]:
        """[stamp_ns, pkt_type] of every datagram since the last call, then forgotten."""
        taken = [[stamp, pkt_type] for stamp, _target, pkt_type in self.stamping.arrivals]
        self.stamping.arrivals.clear()
        # The fakes keep every packet for tests; a long run must not grow without end
        self.device.received.clear()
        self.fleet.raw_received.clear()
        return taken


def _handle(bulbs: dict[str, Bulb], command: dict[str, Any]) -> dict[str, Any]:
    if command["cmd"] == "arrivals":
        return {
            "arrivals": {serial: bulb.take_arrivals() for serial, bulb in bulbs.items()},
            "kernel_stamps": all(bulb.stamping.kernel_stamps for bulb in bulbs.values()),
        }
    if command["cmd"] == "online":
        for serial in command["serials"]:
            bulbs[serial].device.online = bool(command["online"])
        return {"online": command["online"]}
    if command["cmd"] == "delay":
        for serial in command["serials"]:
            bulbs[serial].fleet.reply_delay = float(command["seconds"])
        return {"delay": command["seconds"]}
    return {"error": f"unknown command {command['cmd']!r}"}


async def _serve(count: int, prefix: str) -> None:
    loop = asyncio.get_running_loop()
    plan = fleet_plan(count, prefix)
    bulbs = {spec["serial"]: Bulb(**spec) for spec in plan}
    for bulb in bulbs.values():
        loop.add_reader(bulb.sock.fileno(), bulb.stamping.on_readable)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    write_line(sys.stdout, {"devices": plan})
    while line := await reader.readline():
        command = json.loads(line)
        if command["cmd"] == "quit":
            break
        write_line(sys.stdout, _handle(bulbs, command))
    for bulb in bulbs.values():
        loop.remove_reader(bulb.sock.fileno())
        bulb.sock.close()


def main() -> int:
    """Serve `--count` bulbs until stdin closes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--prefix", default=DEFAULT_PREFIX, help="first two octets")
    args = parser.parse_args()
    asyncio.run(_serve(args.count, args.prefix))
    return 0


if __name__ == "__main__":
    sys.exit(main())
