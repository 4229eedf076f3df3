"""One client in its own process: runs the bench's workloads on command and reports.

Started by the bench (devtools/bench/runner.py) as ``python -m devtools.bench.worker --client NAME``
(our client from Home Assistant's venv, the others from .venv-bench). It reads one
JSON command per line on stdin and answers each with one JSON line on stdout.
CPU is this process's own (time.process_time: user + system, every thread), so a
client's cost is measured where it is paid, apart from the emulator's.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import json
import sys
import time
from typing import Any

from .adapter import Adapter, Handle, RawAdapter
from .common import Dev, write_line

Command = dict[str, Any]


def make_adapter(name: str) -> Adapter:
    """Import only the library this process measures."""
    if name == "raw":
        return RawAdapter()
    if name == "ours":
        from .adapter_ours import OursAdapter  # noqa: PLC0415 - HA venv only

        return OursAdapter()
    from .adapter_peers import AiolifxAdapter, LifxAsyncAdapter  # noqa: PLC0415

    if name == "aiolifx":
        return AiolifxAdapter()
    if name == "lifx-async":
        return LifxAsyncAdapter()
    raise ValueError(f"unknown client {name!r}")


class Worker:
    """Holds the adapter and the device groups opened so far."""

    def __init__(self, adapter: Adapter) -> None:
        self.adapter = adapter
        self.groups: dict[str, dict[str, Handle]] = {}
        self.loop = asyncio.get_running_loop()

    def handles(self, command: Command) -> list[Handle]:
        """The handles a command names, in its order."""
        group = self.groups[command["group"]]
        return [group[serial] for serial in command["serials"]]

    async def cmd_discover(self, command: Command) -> dict[str, Any]:
        """Time until every expected serial is reported, and the CPU it took."""
        expected = set(command["serials"])
        found: dict[str, float] = {}
        everyone = self.loop.create_future()
        start = time.perf_counter()
        cpu_start = time.process_time()
        cpu_all: list[float] = []

        def on_found(serial: str) -> None:
            if serial in expected and serial not in found:
                found[serial] = time.perf_counter() - start
                if len(found) == len(expected) and not everyone.done():
                    cpu_all.append(time.process_time() - cpu_start)
                    everyone.set_result(None)

        task = asyncio.create_task(
            self.adapter.discover(command["host"], command["port"], command["cap"], on_found)
        )
        await asyncio.wait([task, everyone], return_when=asyncio.FIRST_COMPLETED)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return {
            "found": len(found),
            "expected": len(expected),
            "all_at": max(found.values()) if len(found) == len(expected) else None,
            "cpu": cpu_all[0] if cpu_all else time.process_time() - cpu_start,
        }

    async def cmd_open(self, command: Command) -> dict[str, Any]:
        """Make devices known and talk to each once, so first-use costs stay out.

        With "warmup": false the devices are only made known: a workload that
        counts its own warm-up requests does the talking.
        """
        devices = [Dev.from_json(raw) for raw in command["devices"]]
        handles = await self.adapter.open(devices)
        self.groups[command["group"]] = {
            dev.serial: handle for dev, handle in zip(devices, handles, strict=True)
        }
        if not command.get("warmup", True):
            return {"warmup_failures": 0}
        failures = 0
        for dev, handle in zip(devices, handles, strict=True):
            calls: list[Awaitable[None]] = [handle.get()]
            if dev.is_light:
                calls += [handle.set_power(True), handle.set_color(0)]
            for call in calls:
                try:
                    await call
                except Exception:
                    failures += 1
        return {"warmup_failures": failures}

    async def cmd_latency(self, command: Command) -> dict[str, Any]:
        """Sequential requests to one device: every round trip, in seconds.

        The pause between requests lets the device finish with the last one: the
        emulator acknowledges a Set before it spends a millisecond or more applying
        it, and a request arriving meanwhile would measure that, not the client.
        """
        (handle,) = self.handles(command)
        kind = command["kind"]
        calls: dict[str, Callable[[int], Awaitable[None]]] = {
            "get_color": lambda _: handle.get(),
            "set_power": lambda i: handle.set_power(bool(i % 2)),
            "set_color": lambda i: handle.set_color((i * 4096) & 0xFFFF),
        }
        call = calls[kind]
        samples: list[float] = []
        errors = 0
        for index in range(command["n"]):
            start = time.perf_counter()
            try:
                await call(index)
            except Exception:
                errors += 1
                continue
            samples.append(time.perf_counter() - start)
            await asyncio.sleep(command["pause"])
        return {"samples": samples, "errors": errors}

    async def cmd_throughput(self, command: Command) -> dict[str, Any]:
        """Every device polled back to back, all at once, for a fixed time."""
        handles = self.handles(command)
        stop = self.loop.time() + command["seconds"]
        counts = [0, 0]  # done, errors

        async def poll(handle: Handle) -> None:
            loop = self.loop
            while loop.time() < stop:
                try:
                    await handle.get()
                except Exception:
                    counts[1] += 1
                else:
                    counts[0] += 1

        cpu = time.process_time()
        start = time.perf_counter()
        await asyncio.gather(*(poll(h) for h in handles))
        return {
            "requests": counts[0],
            "errors": counts[1],
            "elapsed": time.perf_counter() - start,
            "cpu": time.process_time() - cpu,
        }

    async def cmd_fixed_rate(self, command: Command) -> dict[str, Any]:
        """Polls issued at a fixed rate across the devices (open loop)."""
        handles = self.handles(command)
        rate: float = command["rate"]
        seconds: float = command["seconds"]
        tick = 0.01
        counts = [0, 0]
        tasks: set[asyncio.Task[None]] = set()

        async def one(handle: Handle) -> None:
            try:
                await handle.get()
            except Exception:
                counts[1] += 1
            else:
                counts[0] += 1

        loop = self.loop
        cpu = time.process_time()
        start = loop.time()
        issued = 0
        total = round(rate * seconds)
        while issued < total:
            due = min(total, int((loop.time() - start) * rate) + 1)
            while issued < due:
                task = loop.create_task(one(handles[issued % len(handles)]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                issued += 1
            await asyncio.sleep(tick)
        while tasks:
            await asyncio.wait(set(tasks))
        return {
            "issued": issued,
            "requests": counts[0],
            "errors": counts[1],
            "elapsed": loop.time() - start,
            "cpu": time.process_time() - cpu,
        }

    async def cmd_idle(self, command: Command) -> dict[str, Any]:
        """Nothing asked of the client: what its timers and tasks cost on their own."""
        cpu = time.process_time()
        start = time.perf_counter()
        await asyncio.sleep(command["seconds"])
        return {"cpu": time.process_time() - cpu, "elapsed": time.perf_counter() - start}

    async def cmd_loss(self, command: Command) -> dict[str, Any]:
        """Acknowledged SetColors, one device at a time each, within a budget."""
        handles = self.handles(command)
        budget: float = command["budget"]
        latencies: list[float] = []
        failures = [0]

        async def device(handle: Handle, offset: int) -> None:
            for index in range(command["per_device"]):
                start = time.perf_counter()
                try:
                    # The budget bounds clients whose own deadline is longer
                    async with asyncio.timeout(budget):
                        await handle.set_color(((offset + index) * 4096) & 0xFFFF)
                except Exception:
                    failures[0] += 1
                    continue
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(device(h, i) for i, h in enumerate(handles)))
        return {
            "latencies": latencies,
            "failures": failures[0],
            "attempted": len(handles) * command["per_device"],
        }

    async def cmd_sequential(self, command: Command) -> dict[str, Any]:
        """Gets and acknowledged SetPowers in turn, one at a time per device, devices at once.

        Each request waits for the one before it, as a poll and a command from one
        entity do; the devices run side by side, so two slow devices cost the time
        of the slower one. After the last request the worker waits `settle` seconds
        before reading the client's link statistics, so that late replies to earlier
        copies are in, for a client that counts them.
        """
        handles = self.handles(command)
        budget: float = command["budget"]

        async def device(handle: Handle) -> dict[str, Any]:
            failures = 0
            latencies: list[float] = []
            for index in range(command["n"]):
                start = time.perf_counter()
                try:
                    # The budget bounds clients whose own deadline is longer
                    async with asyncio.timeout(budget):
                        if index % 2 == 0:
                            await handle.get()
                        else:
                            await handle.set_power(index % 4 == 1)
                except Exception:
                    failures += 1
                    continue
                latencies.append(time.perf_counter() - start)
            return {"failures": failures, "latencies": latencies}

        results = await asyncio.gather(*(device(h) for h in handles))
        await asyncio.sleep(command["settle"])
        return {
            "devices": {
                serial: {**result, "link": self.adapter.link_stats(handle)}
                for serial, handle, result in zip(command["serials"], handles, results, strict=True)
            }
        }

    async def cmd_spread(self, command: Command) -> dict[str, Any]:
        """One SetPower to every device at once, repeated; the receiver times it."""
        handles = self.handles(command)
        failures = 0
        for action in range(command["actions"]):
            failures += await self.adapter.group_power(handles, on=action % 2 == 0)
            await asyncio.sleep(command["pause"])
        return {"failures": failures}

    async def run(self, command: Command) -> dict[str, Any]:
        """Dispatch one command."""
        handler = getattr(self, f"cmd_{command['cmd']}", None)
        if handler is None:
            raise ValueError(f"unknown command {command['cmd']!r}")
        result: dict[str, Any] = await handler(command)
        return result


async def _main(client: str) -> int:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    adapter = make_adapter(client)
    await adapter.start()
    worker = Worker(adapter)
    write_line(
        sys.stdout,
        {"ready": True, "client": client, "version": adapter.version(), "python": sys.version},
    )
    try:
        while line := await reader.readline():
            command: Command = json.loads(line)
            if command.get("cmd") == "quit":
                break
            try:
                reply = {"ok": True, **await worker.run(command)}
            except Exception as err:  # reported, and the orchestrator decides
                reply = {"ok": False, "error": f"{type(err).__name__}: {err}"}
            write_line(sys.stdout, reply)
    finally:
        await adapter.stop()
    return 0


def main() -> int:
    """Parse --client and serve commands until quit or EOF."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", required=True)
    args = parser.parse_args()
    return asyncio.run(_main(args.client))


if __name__ == "__main__":
    sys.exit(main())
