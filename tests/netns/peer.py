"""One end of the namespace test: fake devices (`device`) or our client's workload (`client`).

Run as `python -m tests.netns.peer device|client ...` inside a namespace with `ip netns exec`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from custom_components.lifx_lan.protocol import DeviceAddress, LifxClient, LifxError, messages as m
from devtools.fake_lifx import FakeFleet

SERIALS = [f"d073d5c0{i:04x}" for i in range(1, 6)]


async def run_devices(host: str, port: int) -> None:
    """Serve fake devices until standard input closes."""
    fleet = await FakeFleet.start(host, port)
    for serial in SERIALS:
        fleet.add("color_bulb", serial)
    print(json.dumps({"ready": True}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    fleet.close()


async def run_client(host: str, port: int, rounds: int) -> None:
    """Acked Sets and Gets to every device; report success, latency and transmissions."""
    latencies: list[float] = []
    failures = 0
    async with LifxClient() as client:

        async def one(serial: str, index: int) -> None:
            nonlocal failures
            address = DeviceAddress(serial, host, port)
            started = time.monotonic()
            try:
                if index % 2:
                    await client.send(address, m.LightSetPower(level=65535 * (index % 4 == 1)))
                else:
                    await client.request(address, m.LightGet())
            except LifxError:
                failures += 1
                return
            latencies.append(time.monotonic() - started)

        for index in range(rounds):
            await asyncio.gather(*(one(serial, index) for serial in SERIALS))
        transmissions = sum(link.transmissions for link in client.links.values())
        drops = dict(client.drops)
    latencies.sort()
    total = rounds * len(SERIALS)
    print(
        json.dumps(
            {
                "requests": total,
                "failures": failures,
                "p50": latencies[len(latencies) // 2] if latencies else None,
                "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else None,
                "max": latencies[-1] if latencies else None,
                "transmissions_per_request": transmissions / total,
                "drops": drops,
            }
        )
    )


def main() -> None:
    """Dispatch on the role."""
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["device", "client"])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, default=56700)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    if args.role == "device":
        asyncio.run(run_devices(args.host, args.port))
    else:
        asyncio.run(run_client(args.host, args.port, args.rounds))


if __name__ == "__main__":
    main()
