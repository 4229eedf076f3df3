"""The spread of a LIFX scene over many devices, measured at the devices (issue 14).

Usage: ``.venv/bin/python -m devtools.bench.scene_spread [--activations N] [--mix KIND=N ...]``

Starts the fake devices of devtools/bench/fake_server.py in their own process (every
arrival stamped by the kernel, as for the bench's group spread), runs Home Assistant with
one entry per device under pytest (devtools/bench/ha_scene.py), which captures them all
into one scene and activates it again and again, and prints, per activation:

* first-packet spread: from the first device's first datagram to the last device's first
  datagram (what the bench's group spread measures for one SetPower);
* whole-scene spread: from the first device's first datagram to the last datagram of the
  scene anywhere (a strip, a 5-tile chain or a Ceiling takes several, each acknowledged).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from typing import Any

from devtools import ROOT
from devtools.processes import child_env

from .common import write_line
from .runner import HA_PYTHON, BenchError, FakeServer, workdir

# A home's worth of lights: colour bulbs, 120-zone strips, 5-tile chains and 16x8 Ceilings
DEFAULT_MIX = {"color_bulb": 30, "extended_strip": 10, "tile": 5, "ceiling": 5}


def spec(mix: dict[str, int]) -> list[tuple[str, str]]:
    """The fake devices: each kind's count, serials numbered through."""
    kinds = [kind for kind, count in mix.items() for _ in range(count)]
    return [(kind, f"d073d5e0{index + 1:04x}") for index, kind in enumerate(kinds)]


def spreads(
    arrivals: list[list[Any]], windows: list[list[int]], serials: set[str]
) -> list[dict[str, float]]:
    """Per activation window: first-packet and whole-scene spread in ms, devices reached."""
    results = []
    for start, end in windows:
        first: dict[str, int] = {}
        last = 0
        for stamp, target, _ in sorted(arrivals):
            if not start <= stamp <= end or target not in serials:
                continue
            first.setdefault(target, stamp)
            last = max(last, stamp)
        if not first:
            continue
        earliest = min(first.values())
        results.append(
            {
                "devices": len(first),
                "first_packet_ms": (max(first.values()) - earliest) / 1e6,
                "whole_scene_ms": (last - earliest) / 1e6,
            }
        )
    return results


async def measure(mix: dict[str, int], activations: int) -> dict[str, Any]:
    """Run the Home Assistant case against the fakes; the spreads of every activation."""
    devices = spec(mix)
    scratch = workdir()
    out = scratch / "scene"
    out.mkdir()
    async with FakeServer(devices, scratch, "scene") as fake:
        env = child_env() | {
            "LIFX_BENCH_SCENE_PORT": str(fake.port),
            "LIFX_BENCH_SCENE_SERIALS": json.dumps([serial for _, serial in devices]),
            "LIFX_BENCH_SCENE_ACTIVATIONS": str(activations),
            "LIFX_BENCH_SCENE_OUT": str(out),
        }
        log_path = scratch / "ha-scene.log"
        with log_path.open("wb") as log_file:
            process = await asyncio.create_subprocess_exec(
                str(HA_PYTHON),
                *("-m", "pytest", "devtools/bench/ha_scene.py", "-q", "-p", "no:cacheprovider"),
                *("-o", "addopts="),
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=asyncio.subprocess.STDOUT,
            )
            returncode = await process.wait()
        if returncode != 0:
            tail = "\n  ".join(log_path.read_text(errors="replace").splitlines()[-30:])
            raise BenchError(f"the Home Assistant case failed ({returncode}):\n  {tail}")
        arrivals = (await fake.send(cmd="arrivals"))["arrivals"]
    windows = json.loads((out / "windows.json").read_text())["windows"]
    per_activation = spreads(arrivals, windows, {serial for _, serial in devices})
    return {
        "devices": len(devices),
        "mix": mix,
        "activations": per_activation,
        "median_first_packet_ms": statistics.median(a["first_packet_ms"] for a in per_activation),
        "median_whole_scene_ms": statistics.median(a["whole_scene_ms"] for a in per_activation),
        "max_whole_scene_ms": max(a["whole_scene_ms"] for a in per_activation),
    }


def main() -> int:
    """Parse the options, measure, print the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activations", type=int, default=8)
    parser.add_argument(
        "--mix", nargs="*", default=[], help="KIND=N fake devices (default: a home's mix)"
    )
    args = parser.parse_args()
    mix = dict(DEFAULT_MIX)
    if args.mix:
        mix = {kind: int(count) for kind, count in (item.split("=", 1) for item in args.mix)}
    result = asyncio.run(measure(mix, args.activations))
    write_line(sys.stdout, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
