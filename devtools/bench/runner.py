"""Drive the processes of a bench run: emulator, fake receivers, one worker per client.

Everything here runs in the orchestrator (Home Assistant's venv). A client's
workloads all happen inside its worker; this side only sets the stage (which
devices answer, how lossy the link is), hands out commands and reads the
receiving side's counters, so the orchestrator's own CPU is never in a figure.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
import hashlib
import json
from pathlib import Path
import shutil
import sys
import tempfile
import time
from types import TracebackType
from typing import Any, Self

from devtools import ROOT
from devtools.emulator.process import EmulatorFleet
from devtools.processes import child_env, stop_child

from .common import KIND_BULB, Dev, log, percentile

HA_PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
LIGHT_SET_POWER = 117
GET_SERVICE = "2"
# Arrivals further apart than this belong to different group actions
ACTION_GAP_NS = 60_000_000
_LINE_LIMIT = 64 * 1024 * 1024
# Slow devices: each request gets the budget our client and lifx-async have by default,
# far beyond the slowest device's 300 ms, so no client fails for want of patience
SLOW_REQUEST_BUDGET = 5.0
# Waited after the last slow request, beyond the longest delay, before the link statistics
# are read: replies to earlier copies are then in, for a client that counts them
SLOW_SETTLE = 0.2

SCENARIOS: tuple[str, ...] = (
    "discovery",
    "latency",
    "throughput",
    "fixed_rate",
    "idle",
    "loss",
    "spread",
    "slow",
    "ha",
)
"""Every scenario of a run, in the order a client's worker runs them (Home Assistant last)."""

EMULATED_SCENARIOS: tuple[str, ...] = ("latency", "throughput", "fixed_rate", "idle", "loss")
"""The scenarios that need the emulated fleet opened in the client."""


class BenchError(RuntimeError):
    """A worker or helper process failed; the run cannot continue."""


@dataclass(frozen=True)
class Plan:
    """How much of everything one run does (full or smoke)."""

    runs: int
    discovery_sizes: tuple[int, ...]
    discovery_cap: float
    latency_n: int
    latency_pause: float
    throughput_s: float
    fixed_rate: float
    fixed_s: float
    idle_s: float
    loss_per_device: dict[float, int]
    loss_devices: int
    loss_budget: float
    spread_devices: int
    spread_actions: int
    spread_pause: float
    spread_delay: float
    spread_delay_actions: int
    slow_delays: tuple[float, ...]
    slow_warmup: int
    slow_requests: int
    slow_runs: int
    ha_devices: int
    ha_interval: float
    ha_rounds: int

    @property
    def loss_rates(self) -> tuple[float, ...]:
        """The loss rates run, lowest first."""
        return tuple(sorted(self.loss_per_device))


FULL = Plan(
    runs=5,
    discovery_sizes=(1, 10, 50),
    discovery_cap=2.0,
    latency_n=150,
    latency_pause=0.002,
    throughput_s=3.0,
    fixed_rate=200.0,
    fixed_s=3.0,
    idle_s=1.2,
    # Fewer Sets at 10 %: 30 % is where the targets are, and where the tails are long
    loss_per_device={0.1: 4, 0.3: 6},
    loss_devices=40,
    loss_budget=5.0,
    spread_devices=50,
    spread_actions=8,
    spread_pause=0.1,
    spread_delay=0.02,
    spread_delay_actions=4,
    # 45 sequential requests at 300 ms keep each client waiting 14 s a run, so only the first
    # two runs have them (about two minutes in all): one run would give no range, and at
    # 1.05 copies per request two stray copies in 40 requests already decide the target
    slow_delays=(0.15, 0.3),
    slow_warmup=5,
    slow_requests=40,
    slow_runs=2,
    ha_devices=200,
    ha_interval=10.0,
    ha_rounds=2,
)

SMOKE = Plan(
    runs=1,
    discovery_sizes=(1, 6),
    discovery_cap=1.0,
    latency_n=20,
    latency_pause=0.002,
    throughput_s=0.3,
    fixed_rate=200.0,
    fixed_s=0.3,
    idle_s=0.3,
    loss_per_device={0.3: 3},
    loss_devices=2,
    loss_budget=5.0,
    spread_devices=6,
    spread_actions=2,
    spread_pause=0.1,
    spread_delay=0.02,
    spread_delay_actions=2,
    slow_delays=(0.15, 0.3),
    slow_warmup=2,
    slow_requests=5,
    slow_runs=1,
    ha_devices=5,
    ha_interval=2.0,
    ha_rounds=1,
)


@dataclass
class ClientRun:
    """What one client's worker reported in one run; metrics are plain numbers or None."""

    client: str
    run: int
    metrics: dict[str, float | None] = field(default_factory=dict)
    loss_latencies: dict[str, list[float]] = field(default_factory=dict)
    loss_failures: dict[str, int] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)


# --- Child processes ----------------------------------------------------------


class _LineProcess:
    """A child that answers one JSON line per JSON line; stderr goes to a log file."""

    def __init__(
        self, name: str, argv: Sequence[str], *, cwd: Path, log_path: Path, env: dict[str, str]
    ) -> None:
        self.name = name
        self._argv = list(argv)
        self._cwd = cwd
        self._log_path = log_path
        self._env = env
        self._process: asyncio.subprocess.Process | None = None
        self._log: Any = None

    async def start(self) -> dict[str, Any]:
        """Spawn the child and return its first line."""
        self._log = self._log_path.open("ab")
        self._process = await asyncio.create_subprocess_exec(
            *self._argv,
            cwd=self._cwd,
            env=self._env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
            limit=_LINE_LIMIT,
        )
        return await self._read(timeout=120.0)

    async def _read(self, timeout: float) -> dict[str, Any]:
        process = self._process
        assert process is not None
        assert process.stdout is not None
        try:
            async with asyncio.timeout(timeout):
                line = await process.stdout.readline()
        except TimeoutError:
            raise BenchError(f"{self.name}: no answer in {timeout:g} s{self._tail()}") from None
        if not line:
            await process.wait()
            raise BenchError(f"{self.name} exited with {process.returncode}{self._tail()}")
        message: dict[str, Any] = json.loads(line)
        return message

    async def send(self, timeout: float = 120.0, **command: Any) -> dict[str, Any]:
        """Send a command and wait for its answer."""
        process = self._process
        assert process is not None
        assert process.stdin is not None
        process.stdin.write(json.dumps(command).encode() + b"\n")
        await process.stdin.drain()
        reply = await self._read(timeout)
        if reply.get("ok") is False or "error" in reply:
            raise BenchError(f"{command['cmd']} failed: {reply.get('error')}{self._tail()}")
        return reply

    def _tail(self) -> str:
        try:
            lines = self._log_path.read_text(errors="replace").splitlines()[-15:]
        except OSError:
            return ""
        return "\n  " + "\n  ".join(lines) if lines else ""

    async def stop(self) -> None:
        """Ask politely (EOF), then terminate, then kill."""
        process, self._process = self._process, None
        if process is None:
            return
        await stop_child(process, quit_timeout=10.0, terminate_timeout=3.0)
        if self._log is not None:
            self._log.close()


def tree(workdir: Path, name: str, source: Path) -> Path:
    """A tree with a frozen copy of source's custom_components beside our devtools.

    Run from its root, `custom_components` resolves to the copy while everything
    else is this checkout's. The copy is taken once, at the start: the working tree
    may change while the bench runs, and every run must measure the same code.
    """
    root = workdir / f"tree-{name}"
    if not root.exists():
        root.mkdir()
        shutil.copytree(
            source / "custom_components",
            root / "custom_components",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        for entry in ("devtools", "pyproject.toml"):
            (root / entry).symlink_to(ROOT / entry)
    return root


def digest(root: Path) -> str:
    """A short hash of the integration's Python files in a tree."""
    sha = hashlib.sha256()
    for path in sorted((root / "custom_components").rglob("*.py")):
        sha.update(path.relative_to(root).as_posix().encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:12]


class Worker(_LineProcess):
    """One client's process (devtools/bench/worker.py).

    Our client (and a candidate) run in Home Assistant's venv from their frozen
    tree; the peers and the raw floor run in .venv-bench.
    """

    def __init__(self, client: str, workdir: Path, trees: dict[str, Path]) -> None:
        if client in trees:
            python, cwd, name = HA_PYTHON, trees[client], "ours"
        else:
            python, cwd, name = BENCH_PYTHON, ROOT, client
        super().__init__(
            f"{client} worker",
            [str(python), "-m", "devtools.bench.worker", "--client", name],
            cwd=cwd,
            log_path=workdir / f"worker-{client}.log",
            env=child_env(),
        )


class FakeServer(_LineProcess):
    """Fake devices from devtools/fake_lifx.py in their own process, stamping arrivals."""

    def __init__(self, spec: list[tuple[str, str]], workdir: Path, name: str) -> None:
        super().__init__(
            f"fake devices ({name})",
            [str(HA_PYTHON), "-m", "devtools.bench.fake_server", "--spec", json.dumps(spec)],
            cwd=ROOT,
            log_path=workdir / f"fake-{name}.log",
            env=child_env(),
        )
        self.port = 0

    async def __aenter__(self) -> Self:
        """Start and learn the port."""
        ready = await self.start()
        self.port = int(ready["port"])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()


# --- The stage ------------------------------------------------------------------


class Stage:
    """The emulated fleet and the fake receiver every client runs against.

    The fake receiver serves the group-spread devices and the slow devices, each
    slow one answering after its own delay (the keys of slow_devices, in seconds).
    """

    def __init__(
        self,
        emulator: EmulatorFleet,
        devices: list[Dev],
        fake: FakeServer,
        fake_devices: list[Dev],
        slow_devices: dict[float, Dev],
    ) -> None:
        self.emulator = emulator
        self.devices = devices
        self.fake = fake
        self.fake_devices = fake_devices
        self.slow_devices = slow_devices
        self.offline: set[str] = set()

    async def slow_down(self) -> None:
        """Make each slow device answer after its delay, from now on."""
        for delay, dev in self.slow_devices.items():
            await self.fake.send(cmd="delay", seconds=delay, serial=dev.serial)

    async def set_online(self, online: Sequence[str]) -> None:
        """Exactly these emulated devices answer; the rest are switched off."""
        wanted_offline = {d.serial for d in self.devices} - set(online)
        for serial in sorted(wanted_offline - self.offline):
            await self.emulator.set_offline(serial, True)
        for serial in sorted(self.offline - wanted_offline):
            await self.emulator.set_offline(serial, False)
        self.offline = wanted_offline

    async def counters(self) -> tuple[int, int, int]:
        """Datagrams the emulated devices took in, GetServices among them, and inbound drops."""
        stats = await self.emulator.stats()
        server = stats["servers"][0]
        by_type = server["packets_received_by_type"]
        return (
            int(server["packets_received"]),
            int(by_type.get(GET_SERVICE, 0)),
            int(stats["dropped_in"]),
        )


async def _discover(stage: Stage, worker: Worker, plan: Plan, size: int) -> dict[str, Any]:
    serials = [d.serial for d in stage.devices[:size]]
    await stage.set_online(serials)
    dev = stage.devices[0]
    return await worker.send(
        cmd="discover", host=dev.host, port=dev.port, serials=serials, cap=plan.discovery_cap
    )


async def _discover_third_missing(stage: Stage, worker: Worker, plan: Plan) -> dict[str, Any]:
    """Every device, but a third of them miss the first GetService (and only that)."""
    everyone = [d.serial for d in stage.devices]
    missing = everyone[::3]
    await stage.set_online([s for s in everyone if s not in missing])
    _, services, _ = await stage.counters()
    dev = stage.devices[0]
    reply = asyncio.create_task(
        worker.send(
            cmd="discover", host=dev.host, port=dev.port, serials=everyone, cap=plan.discovery_cap
        )
    )
    try:
        # Watch the devices' side for the first broadcast, then bring the third back
        async with asyncio.timeout(plan.discovery_cap):
            # Polled: the only sign of the broadcast is the emulator's counter
            while (await stage.counters())[1] == services and not reply.done():  # noqa: ASYNC110
                await asyncio.sleep(0.002)
    except TimeoutError:
        pass
    await stage.set_online(everyone)
    result = await reply
    result["missed_first"] = len(missing)
    return result


def _spread(arrivals: list[list[Any]], expected: int) -> list[float]:
    """Per group action, ms between the first and the last device's first arrival."""
    spreads: list[float] = []
    cluster: dict[str, int] = {}
    last = None

    def close() -> None:
        if len(cluster) >= expected:
            spreads.append((max(cluster.values()) - min(cluster.values())) / 1e6)

    for stamp, target, _ in sorted(arrivals):
        if last is not None and stamp - last > ACTION_GAP_NS:
            close()
            cluster = {}
        cluster.setdefault(target, stamp)
        last = stamp
    close()
    return spreads


class _Phases:
    """Wall time of each phase, so the bench's own duration can be kept in check."""

    def __init__(self, into: dict[str, float]) -> None:
        self._into = into
        self._name = ""
        self._start = 0.0

    def __call__(self, name: str) -> None:
        now = time.monotonic()
        if self._name:
            self._into[self._name] = round(now - self._start, 2)
        self._name, self._start = name, now


async def run_client(
    stage: Stage,
    worker: Worker,
    plan: Plan,
    client: str,
    run: int,
    scenarios: Collection[str] = SCENARIOS,
) -> ClientRun:
    """Every workload of the scenarios asked for, in order, through one client's worker."""
    result = ClientRun(client, run)
    metrics = result.metrics
    phases: dict[str, float] = {}
    phase = _Phases(phases)
    phase("start")
    ready = await worker.start()
    result.info = {"version": ready.get("version"), "python": ready.get("python"), "phases": phases}

    # Discovery: n devices answering, then all with a third missing the first broadcast
    if "discovery" in scenarios:
        phase("discovery")
        for size in plan.discovery_sizes:
            found = await _discover(stage, worker, plan, size)
            metrics[f"disc{size}_ms"] = None if found["all_at"] is None else found["all_at"] * 1000
            metrics[f"disc{size}_cpu_ms"] = found["cpu"] * 1000
            metrics[f"disc{size}_found"] = found["found"]
        if client != "raw":
            third = await _discover_third_missing(stage, worker, plan)
            metrics["disc_third_ms"] = None if third["all_at"] is None else third["all_at"] * 1000
            metrics["disc_third_found"] = third["found"]
        await stage.set_online([d.serial for d in stage.devices])

    every = [d.serial for d in stage.devices]
    bulbs = [d.serial for d in stage.devices if d.kind == KIND_BULB]
    if set(scenarios) & set(EMULATED_SCENARIOS):
        phase("open")
        await worker.send(cmd="open", group="emu", devices=[d.to_json() for d in stage.devices])

    if "latency" in scenarios:
        phase("latency")
        for kind in ("get_color", "set_power", "set_color"):
            reply = await worker.send(
                cmd="latency",
                group="emu",
                serials=bulbs[:1],
                kind=kind,
                n=plan.latency_n,
                pause=plan.latency_pause,
            )
            samples = reply["samples"]
            for name, fraction in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
                metrics[f"lat_{kind}_{name}_ms"] = percentile(samples, fraction) * 1000
            metrics[f"lat_{kind}_errors"] = reply["errors"]

    if "throughput" in scenarios:
        phase("throughput")
        reply = await worker.send(
            cmd="throughput", group="emu", serials=every, seconds=plan.throughput_s
        )
        metrics["tput_rps"] = reply["requests"] / reply["elapsed"]
        metrics["tput_cpu_per_1000"] = 1000 * reply["cpu"] / max(reply["requests"], 1)
        metrics["tput_errors"] = reply["errors"]

    if "fixed_rate" in scenarios:
        phase("fixed_rate")
        reply = await worker.send(
            cmd="fixed_rate",
            group="emu",
            serials=every,
            rate=plan.fixed_rate,
            seconds=plan.fixed_s,
        )
        metrics["fixed_cpu_per_1000"] = 1000 * reply["cpu"] / max(reply["requests"], 1)
        metrics["fixed_done_rate"] = reply["requests"] / reply["elapsed"]

    if "idle" in scenarios:
        phase("idle")
        reply = await worker.send(cmd="idle", seconds=plan.idle_s)
        metrics["idle_cpu_pct"] = 100 * reply["cpu"] / reply["elapsed"]

    if "loss" in scenarios and client != "raw":
        for rate in plan.loss_rates:
            label = f"loss{round(rate * 100)}"
            phase(label)
            await stage.emulator.set_loss(rate, seed=1000 * run + round(rate * 100))
            before = await stage.counters()
            reply = await worker.send(
                timeout=600.0,
                cmd="loss",
                group="emu",
                serials=bulbs[: plan.loss_devices],
                per_device=plan.loss_per_device[rate],
                budget=plan.loss_budget,
            )
            after = await stage.counters()
            await stage.emulator.set_loss(0)
            latencies: list[float] = reply["latencies"]
            # Every transmission either reached a device or was dropped on its way in
            sent = (after[0] - before[0]) + (after[2] - before[2])
            metrics[f"{label}_success_pct"] = 100 * len(latencies) / reply["attempted"]
            metrics[f"{label}_p99_ms"] = percentile(latencies, 0.99) * 1000
            metrics[f"{label}_tx_per_success"] = sent / max(len(latencies), 1)
            metrics[f"{label}_sent"] = sent
            metrics[f"{label}_ok"] = len(latencies)
            result.loss_latencies[label] = latencies
            result.loss_failures[label] = reply["failures"]

    if "spread" in scenarios:
        phase("spread")
        await _spread_workloads(stage, worker, plan, result)

    # The slow devices' sequential requests take seconds of waiting each run, so only
    # the first few runs have them (see Plan.slow_runs)
    if "slow" in scenarios and run < plan.slow_runs:
        phase("slow")
        await _slow_workload(stage, worker, plan, result)
    phase("stop")
    await worker.stop()
    phase("")
    return result


async def _spread_workloads(stage: Stage, worker: Worker, plan: Plan, result: ClientRun) -> None:
    """Group spread, with the fake devices answering at once and then after a delay."""
    metrics = result.metrics
    await worker.send(cmd="open", group="fake", devices=[d.to_json() for d in stage.fake_devices])
    await stage.fake.send(cmd="arrivals")  # forget the warm-up
    await worker.send(
        cmd="spread",
        group="fake",
        serials=[d.serial for d in stage.fake_devices],
        actions=plan.spread_actions,
        pause=plan.spread_pause,
    )
    arrivals = await stage.fake.send(cmd="arrivals", pkt_type=LIGHT_SET_POWER)
    spreads = _spread(arrivals["arrivals"], len(stage.fake_devices))
    metrics["spread_ms"] = percentile(spreads, 0.5) if spreads else None
    metrics["spread_max_ms"] = max(spreads) if spreads else None
    metrics["spread_actions_seen"] = len(spreads)
    result.info["kernel_stamps"] = arrivals["kernel_stamps"]

    # Again with every device answering after a Wi-Fi-like delay: a client that holds
    # datagrams back until earlier ones are answered now spreads by whole round trips
    await stage.fake.send(cmd="delay", seconds=plan.spread_delay)
    try:
        await worker.send(
            cmd="spread",
            group="fake",
            serials=[d.serial for d in stage.fake_devices],
            actions=plan.spread_delay_actions,
            pause=plan.spread_pause,
        )
    finally:
        await stage.fake.send(cmd="delay", seconds=0)
    arrivals = await stage.fake.send(cmd="arrivals", pkt_type=LIGHT_SET_POWER)
    spreads = _spread(arrivals["arrivals"], len(stage.fake_devices))
    metrics["spread_delayed_ms"] = percentile(spreads, 0.5) if spreads else None


async def _slow_workload(stage: Stage, worker: Worker, plan: Plan, result: ClientRun) -> None:
    """Sequential requests to devices answering late; copies counted where they arrive.

    The client's own count of what it sent is not trusted: the fake devices' socket
    sees every copy, whatever the client believes. The warm-up requests let a client
    learn each device's round trip before anything is counted.
    """
    slow = stage.slow_devices
    serials = [dev.serial for dev in slow.values()]
    await worker.send(
        cmd="open", group="slow", devices=[dev.to_json() for dev in slow.values()], warmup=False
    )

    async def sequential(count: int, settle: float) -> dict[str, Any]:
        return await worker.send(
            # Enough for a client that uses its whole budget on every request
            timeout=count * SLOW_REQUEST_BUDGET + settle + 60.0,
            cmd="sequential",
            group="slow",
            serials=serials,
            n=count,
            budget=SLOW_REQUEST_BUDGET,
            settle=settle,
        )

    await sequential(plan.slow_warmup, 0.0)
    await stage.fake.send(cmd="arrivals")  # forget the warm-up's copies
    reply = await sequential(plan.slow_requests, max(slow) + SLOW_SETTLE)
    arrivals = await stage.fake.send(cmd="arrivals")
    received = Counter(target for _, target, _ in arrivals["arrivals"])
    links: dict[str, Any] = {}
    for delay, dev in slow.items():
        label = f"slow{round(delay * 1000)}"
        device = reply["devices"][dev.serial]
        link = device["link"]
        result.metrics[f"{label}_copies"] = received[dev.serial] / plan.slow_requests
        result.metrics[f"{label}_failed"] = device["failures"]
        result.metrics[f"{label}_p50_ms"] = percentile(device["latencies"], 0.5) * 1000
        result.metrics[f"{label}_link_loss_pct"] = None if link is None else 100 * link["loss"]
        links[label] = link
    result.info["slow_links"] = links


# --- Home Assistant ---------------------------------------------------------------


HA_MIX = (("color_bulb", 40), ("strip", 4), ("tile", 2), ("hev", 2), ("switch", 2))


def ha_spec(count: int) -> list[tuple[str, str]]:
    """Fake devices in the fleet's proportions: 80% colour bulbs, the rest mixed."""
    kinds = [kind for kind, n in HA_MIX for _ in range(n)]
    return [(kinds[i % len(kinds)], f"d073d5c0{i + 1:04x}") for i in range(count)]


async def run_ha(
    plan: Plan, workdir: Path, root: Path = ROOT, name: str = "ours"
) -> dict[str, Any]:
    """Home Assistant with plan.ha_devices entries, under pytest, against fake devices."""
    spec = ha_spec(plan.ha_devices)
    out = workdir / f"ha-{name}"
    out.mkdir(exist_ok=True)
    async with FakeServer(spec, workdir, "ha") as fake:
        env = child_env() | {
            "LIFX_BENCH_HA_PORT": str(fake.port),
            "LIFX_BENCH_HA_SERIALS": json.dumps([serial for _, serial in spec]),
            "LIFX_BENCH_HA_INTERVAL": str(plan.ha_interval),
            "LIFX_BENCH_HA_ROUNDS": str(plan.ha_rounds),
            "LIFX_BENCH_HA_OUT": str(out),
        }
        log_path = workdir / f"ha-{name}.log"
        with log_path.open("wb") as log_file:
            process = await asyncio.create_subprocess_exec(
                str(HA_PYTHON),
                "-m",
                "pytest",
                "devtools/bench/ha_poll.py",
                "-q",
                "-p",
                "no:cacheprovider",
                "-o",
                "addopts=",
                cwd=root,
                env=env,
                stdout=log_file,
                stderr=asyncio.subprocess.STDOUT,
            )
            returncode = await process.wait()
        if returncode != 0:
            tail = "\n  ".join(log_path.read_text(errors="replace").splitlines()[-30:])
            raise BenchError(f"the Home Assistant case failed ({returncode}):\n  {tail}")
    poll: dict[str, Any] = json.loads((out / "poll.json").read_text())
    baseline: dict[str, Any] = json.loads((out / "baseline.json").read_text())
    return {"poll": poll, "baseline": baseline}


def emulator_spec(serials: list[tuple[str, str, int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """fleet.py's spec for (serial, kind, product, extra) tuples."""
    return [
        {"serial": serial, "product_id": product, "label": f"{kind} {serial[-4:]}", **extra}
        for serial, kind, product, extra in serials
    ]


def workdir() -> Path:
    """Logs and scratch files of this run (kept on failure, for the tail it prints)."""
    base = ROOT / ".cache" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="run-", dir=base))


def python_ok() -> None:
    """Both interpreters must exist before anything starts."""
    for python in (HA_PYTHON, BENCH_PYTHON):
        if not python.exists():
            log(f"bench: {python} is missing; run scripts/bench (it creates the venvs)")
            sys.exit(2)
