"""30 % loss each way on a veth link between two namespaces: every request still succeeds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
import os
from pathlib import Path
import shutil
import sys

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOSS_PERCENT = 30
# The kernel here has no sch_netem, so loss comes from nftables' random numbers instead.
NFT_RULES = f"""
table inet lifxloss {{
  chain input {{
    type filter hook input priority 0;
    udp dport 56700 numgen random mod 100 < {LOSS_PERCENT} drop;
  }}
  chain output {{
    type filter hook output priority 0;
    udp sport 56700 numgen random mod 100 < {LOSS_PERCENT} drop;
  }}
}}
"""


async def sh(*argv: str, stdin: bytes | None = None) -> str:
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(stdin)
    if process.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed: {err.decode().strip()}")
    return out.decode()


@pytest.fixture
async def namespaces() -> AsyncIterator[tuple[str, str]]:
    """Two namespaces joined by a veth pair; the device side drops 30 % each way."""
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("nft"):
        pytest.skip("needs root, iproute2 and nftables to build namespaces with loss")
    suffix = str(os.getpid())
    client_ns, device_ns = f"lifxc{suffix}", f"lifxd{suffix}"
    try:
        await sh("ip", "netns", "add", client_ns)
        await sh("ip", "netns", "add", device_ns)
    except RuntimeError as err:
        pytest.skip(f"cannot create network namespaces here: {err}")
    try:
        await sh("ip", "link", "add", f"vc{suffix}", "netns", client_ns, "type", "veth",
                 "peer", "name", f"vd{suffix}", "netns", device_ns)  # fmt: skip
        for ns, link, address in (
            (client_ns, f"vc{suffix}", "10.231.0.1/24"),
            (device_ns, f"vd{suffix}", "10.231.0.2/24"),
        ):
            await sh("ip", "-n", ns, "addr", "add", address, "dev", link)
            await sh("ip", "-n", ns, "link", "set", link, "up")
            await sh("ip", "-n", ns, "link", "set", "lo", "up")
        await sh("ip", "netns", "exec", device_ns, "nft", "-f", "-", stdin=NFT_RULES.encode())
        yield client_ns, device_ns
    finally:
        for ns in (client_ns, device_ns):
            await sh("ip", "netns", "del", ns)


async def test_thirty_percent_loss_each_way_loses_no_request(
    namespaces: tuple[str, str],
) -> None:
    client_ns, device_ns = namespaces
    devices = await asyncio.create_subprocess_exec(
        "ip", "netns", "exec", device_ns, sys.executable, "-m", "tests.netns.peer", "device",
        "--host", "10.231.0.2",
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert devices.stdout is not None
        ready = await asyncio.wait_for(devices.stdout.readline(), 30)
        assert json.loads(ready) == {"ready": True}
        out = await sh(
            "ip", "netns", "exec", client_ns, sys.executable, "-m", "tests.netns.peer",
            "client", "--host", "10.231.0.2", "--rounds", "40",
        )  # fmt: skip
    finally:
        assert devices.stdin is not None
        devices.stdin.close()
        await devices.wait()
    result = json.loads(out)
    print(f"\n30% loss each way: {result}")
    assert result["requests"] == 200
    assert result["failures"] == 0
    assert result["max"] < 5
    # Retransmissions are paced, not a flood: a request+reply survives with p = 0.49.
    assert result["transmissions_per_request"] < 4
