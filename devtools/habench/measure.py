"""One session of the Home Assistant bench: start, then each measurement in turn.

A session is one Home Assistant process with one integration's entries for the whole
fleet. Figures are taken where they happen: datagrams and their arrival times at the
fake bulbs (kernel stamps), CPU from /proc for the Home Assistant process, availability
from Home Assistant's own states (``last_changed``), service calls timed by the probe.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, replace
import math
from pathlib import Path
import statistics
import time
from typing import Any

from custom_components.lifx_lan.protocol import messages as m
from devtools.bench.common import log
from devtools.habench.hass import (
    GROUP_ENTITY,
    SCENES,
    Fleet,
    Hass,
    Integration,
    JsonLines,
    light_entity,
    write_config,
)

# What changes a bulb: the datagrams a command is made of (copies counted, queries not)
COMMAND_TYPES = frozenset(
    packet.pkt_type
    for packet in (
        m.DeviceSetPower,
        m.LightSetPower,
        m.LightSetColor,
        m.LightSetWaveform,
        m.LightSetWaveformOptional,
    )
)
NS = 1_000_000_000
# The two brightnesses commands alternate between, so every command changes something
BRIGHTNESSES = (96, 192)

type Figures = dict[str, float | None]


@dataclass(frozen=True, slots=True)
class Plan:
    """How much of each measurement a session takes."""

    devices: int
    settle: float
    # After start-up, before poll cost is taken: start-up's own work (registry writes
    # 10 s after the last change, say) is over by then
    poll_settle: float
    poll_window: float
    latency_commands: int
    command_gap: float
    group_actions: int
    group_gap: float
    unplugged_share: float
    unplugged_window: float
    power_back_span: float
    unavailable_timeout: float
    available_timeout: float
    slow_bulbs: int
    slow_commands: int
    slow_delay: float
    startup_timeout: float
    tracemalloc_frames: int
    # A second, larger fleet: start-up, poll cost and memory only (0: none)
    large_devices: int = 0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p99 of 20 samples is their largest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _first_command(arrivals: list[tuple[int, int]], after: int, before: int) -> int | None:
    stamps = [s for s, kind in arrivals if kind in COMMAND_TYPES and after <= s < before]
    return min(stamps) if stamps else None


class Session:
    """One Home Assistant, one integration, the fleet: the measurements in order."""

    def __init__(self, plan: Plan, integration: Integration, fleet: Fleet, hass: Hass):
        self.plan = plan
        self.integration = integration
        self.fleet = fleet
        self.hass = hass
        self.probe: JsonLines | None = None
        self.lights: dict[str, str] = {}
        self.figures: Figures = {}

    async def call(self, entity_id: str, brightness: int) -> dict[str, Any]:
        """light.turn_on, blocking, as an automation calls it."""
        assert self.probe is not None
        data = {"entity_id": entity_id, "brightness": brightness}
        answer = await self.probe.request(
            {"cmd": "call", "domain": "light", "service": "turn_on", "data": data}
        )
        if "error" in answer:
            log(f"habench: {self.integration.key}: turn_on {entity_id} failed: {answer['error']}")
        return answer

    async def activate(self, scene: str) -> dict[str, Any]:
        """scene.turn_on, blocking."""
        assert self.probe is not None
        answer = await self.probe.request(
            {"cmd": "call", "domain": "scene", "service": "turn_on", "data": {"entity_id": scene}}
        )
        if "error" in answer:
            log(f"habench: {self.integration.key}: {scene} failed: {answer['error']}")
        return answer

    async def wait(self, entities: list[str], available: bool, timeout: float) -> list[int] | None:
        """When each entity became (un)available; None if one did not within the timeout."""
        assert self.probe is not None
        answer = await self.probe.request(
            {"cmd": "wait", "entities": entities, "available": available, "timeout": timeout}
        )
        if "changed" not in answer:
            log(f"habench: {self.integration.key}: still waiting for {answer.get('missing')}")
            return None
        return [int(answer["changed"][entity]) for entity in entities]

    async def start(self, probe_port: int) -> None:
        """Home Assistant up, every light of the fleet available: the start-up time."""
        plan = self.plan
        self.probe = await self.hass.connect(probe_port, plan.startup_timeout)
        expected = [light_entity(device) for device in self.fleet.devices]
        changed = await self.wait(expected, True, plan.startup_timeout)
        if changed is None:
            raise RuntimeError(f"{self.integration.key}: not every light became available")
        self.figures["startup_s"] = (max(changed) - self.hass.started_ns) / NS
        answer = await self.probe.request({"cmd": "lights", "domain": self.integration.domain})
        self.lights = answer["lights"]
        # The group's members are named before Home Assistant starts: they must be these
        if sorted(self.lights.values()) != sorted(expected):
            raise RuntimeError(f"{self.integration.key}: lights are {self.lights}")

    async def memory(self, config_dir: Path) -> None:
        """What the integration's code holds per device, traced after setting it up again."""
        assert self.probe is not None
        plan = self.plan
        domain = self.integration.domain
        await self.probe.request(
            {"cmd": "retrace", "domain": domain, "frames": plan.tracemalloc_frames}
        )
        if await self.wait(list(self.lights.values()), True, plan.startup_timeout) is None:
            return
        await asyncio.sleep(plan.settle)
        paths = self.integration.memory_paths(config_dir)
        answer = await self.probe.request({"cmd": "memory", "paths": paths})
        self.figures["memory_kib_per_device"] = answer["bytes"] / 1024 / plan.devices

    async def poll_cost(self) -> None:
        """CPU of Home Assistant and datagrams at the bulbs over whole poll intervals."""
        await asyncio.sleep(self.plan.poll_settle)
        await self.fleet.arrivals()
        cpu, start = self.hass.cpu_seconds(), time.monotonic()
        await asyncio.sleep(self.plan.poll_window)
        cpu, elapsed = self.hass.cpu_seconds() - cpu, time.monotonic() - start
        received = sum(len(a) for a in (await self.fleet.arrivals()).values())
        self.figures["poll_cpu_pct"] = 100 * cpu / elapsed
        self.figures["poll_datagrams_per_device_min"] = (
            received / self.plan.devices / (elapsed / 60)
        )

    async def latency(self) -> None:
        """One bulb: service call to the first command datagram there, and to its return."""
        serial = self.fleet.devices[0]["serial"]
        entity = self.lights[serial]
        await self.fleet.arrivals()
        calls = []
        for index in range(self.plan.latency_commands):
            calls.append(await self.call(entity, BRIGHTNESSES[index % 2]))
            await asyncio.sleep(self.plan.command_gap)
        arrivals = (await self.fleet.arrivals())[serial]
        copies = sum(kind in COMMAND_TYPES for _stamp, kind in arrivals)
        self.figures["command_datagrams_per_call"] = copies / len(calls)
        firsts: list[float] = []
        returns: list[float] = []
        for index, call in enumerate(calls):
            before = calls[index + 1]["start_ns"] if index + 1 < len(calls) else 1 << 63
            first = _first_command(arrivals, call["start_ns"], before)
            if first is not None and "error" not in call:
                firsts.append((first - call["start_ns"]) / 1e6)
                returns.append((call["end_ns"] - call["start_ns"]) / 1e6)
        if firsts:
            self.figures["latency_first_p50_ms"] = percentile(firsts, 0.5)
            self.figures["latency_first_p99_ms"] = percentile(firsts, 0.99)
            self.figures["latency_return_p50_ms"] = percentile(returns, 0.5)
            self.figures["latency_return_p99_ms"] = percentile(returns, 0.99)

    async def group(self) -> None:
        """A light group of every bulb: first to last bulb receiving its command."""
        await self._spread(
            "group",
            [lambda index: self.call(GROUP_ENTITY, BRIGHTNESSES[index % 2])]
            * self.plan.group_actions,
        )

    async def scene(self) -> None:
        """A Home Assistant scene of every bulb, alternately bright and dim: the same spread."""
        scenes = list(SCENES)
        await self._spread(
            "scene",
            [lambda index: self.activate(scenes[index % 2])] * self.plan.group_actions,
        )

    async def _spread(
        self, name: str, actions: list[Callable[[int], Awaitable[dict[str, Any]]]]
    ) -> None:
        """Each action in turn: the spread from the first to the last bulb's first command."""
        spreads: list[float] = []
        missed = 0
        for index, action in enumerate(actions):
            await self.fleet.arrivals()
            call = await action(index)
            await asyncio.sleep(self.plan.group_gap)
            arrivals = await self.fleet.arrivals()
            firsts = [_first_command(a, call["start_ns"], 1 << 63) for a in arrivals.values()]
            got = [stamp for stamp in firsts if stamp is not None]
            missed += len(firsts) - len(got)
            if got:
                spreads.append((max(got) - min(got)) / 1e6)
        if spreads:
            self.figures[f"{name}_spread_p50_ms"] = statistics.median(spreads)
            self.figures[f"{name}_spread_worst_ms"] = max(spreads)
        self.figures[f"{name}_missed"] = float(missed)

    async def unplugged(self) -> None:
        """A fifth of the bulbs off at the wall: traffic to them, then power back."""
        plan = self.plan
        step = max(1, round(1 / plan.unplugged_share))
        lost = [device["serial"] for device in self.fleet.devices[::step]]
        entities = [self.lights[serial] for serial in lost]
        # Unplugged one after another, over the same span as power comes back: bulbs
        # unplugged at once stay in step, so a window of traffic catches every one of them
        # at the same phase of its integration's schedule (it counted one probe in 30 s
        # where lifx_lan sends one every 16 s); one after another, each at another phase.
        unplugged_at = await self._one_after_another(lost, online=False)
        gone = await self.wait(entities, False, plan.unavailable_timeout)
        if gone is not None:
            self.figures["unplugged_to_unavailable_s"] = (
                max(stamp - unplugged_at[s] for stamp, s in zip(gone, lost, strict=True)) / NS
            )
        # Steady state: what bulbs off for hours cost, counted where it arrives
        await self.fleet.arrivals()
        start = time.monotonic()
        await asyncio.sleep(plan.unplugged_window)
        elapsed = time.monotonic() - start
        arrivals = await self.fleet.arrivals()
        to_lost = sum(len(arrivals[serial]) for serial in lost)
        self.figures["unplugged_datagrams_per_bulb_min"] = to_lost / len(lost) / (elapsed / 60)
        # Power comes back to one bulb after another, spread over a span longer than either
        # integration's retry period: each bulb meets its integration's schedule at another
        # phase, so the median and the worst are those of a bulb plugged in at any moment.
        # In the reverse order of unplugging: in the same order, each bulb would be back
        # about the same time after its own unplugging, and meet its schedule at much the
        # same phase as the others.
        back_on = await self._one_after_another(lost[::-1], online=True)
        if gone is None:
            return
        back = await self.wait(entities, True, plan.available_timeout)
        if back is not None:
            delays = [(stamp - back_on[s]) / NS for stamp, s in zip(back, lost, strict=True)]
            self.figures["unplugged_back_p50_s"] = statistics.median(delays)
            self.figures["unplugged_back_worst_s"] = max(delays)

    async def _one_after_another(self, serials: list[str], *, online: bool) -> dict[str, int]:
        """Plug bulbs in or out one at a time over power_back_span: when each one was."""
        when: dict[str, int] = {}
        for serial in serials:
            await self.fleet.online([serial], online)
            when[serial] = time.time_ns()
            await asyncio.sleep(self.plan.power_back_span / len(serials))
        return when

    async def slow(self) -> None:
        """Bulbs answering 150 ms late: command datagrams each command costs."""
        plan = self.plan
        bulbs = [device["serial"] for device in self.fleet.devices[1 : 1 + plan.slow_bulbs]]
        await self.fleet.delay(bulbs, plan.slow_delay)
        await self.fleet.arrivals()
        commands = 0
        for index in range(plan.slow_commands):
            for serial in bulbs:
                call = await self.call(self.lights[serial], BRIGHTNESSES[index % 2])
                commands += "error" not in call
        # Retransmissions of the last command may still be on their way
        await asyncio.sleep(plan.group_gap)
        arrivals = await self.fleet.arrivals()
        copies = sum(kind in COMMAND_TYPES for s in bulbs for _stamp, kind in arrivals[s])
        await self.fleet.delay(bulbs, 0.0)
        if commands:
            self.figures["slow_datagrams_per_command"] = copies / commands


async def _timed(session: Session, step: Coroutine[Any, Any, None]) -> None:
    """Await one measurement; log how long it took (where a bench run's time goes)."""
    start = time.monotonic()
    await step
    name = getattr(step, "__qualname__", "a step").removeprefix("Session.")
    who = f"{session.integration.key}, {session.plan.devices} bulbs"
    log(f"habench: {who}: {name} took {time.monotonic() - start:.1f} s")


async def run_session(
    plan: Plan,
    integration: Integration,
    workdir: Path,
    probe_port: int,
    alongside: Callable[[], Coroutine[Any, Any, Figures]] | None = None,
) -> Figures:
    """A fresh fleet and Home Assistant, every measurement in turn, both stopped.

    `alongside` (the large fleet's session) starts when the bulbs are unplugged: from
    then on this Home Assistant mostly waits, for bulbs to go and to come back, and what
    it measures is counted in datagrams and seconds, not in CPU or milliseconds.
    """
    fleet = await Fleet.start(plan.devices, integration.address_prefix, integration.fleet_cpu)
    config_dir = workdir / f"{integration.key}-{time.time_ns()}"
    hass: Hass | None = None
    beside: asyncio.Task[Figures] | None = None
    try:
        write_config(config_dir, integration, fleet.devices, probe_port)
        hass = await Hass.start(config_dir, integration)
        session = Session(plan, integration, fleet, hass)
        await session.start(probe_port)
        for step in (session.poll_cost, session.latency, session.group, session.scene):
            await _timed(session, step())
        if alongside is not None:
            beside = asyncio.create_task(alongside())
        for step in (session.unplugged, session.slow):
            await _timed(session, step())
        # Last: tracing slows everything after it
        await _timed(session, session.memory(config_dir))
        if beside is not None:
            return session.figures | await beside
        return session.figures
    finally:
        if beside is not None and not beside.done():
            beside.cancel()
            await asyncio.gather(beside, return_exceptions=True)
        if hass is not None:
            await hass.stop()
        await fleet.stop()


# The figures a large fleet's session takes, reported under these keys + LARGE
LARGE = "_large"


async def run_large_session(
    plan: Plan, integration: Integration, workdir: Path, probe_port: int
) -> Figures:
    """A fleet of plan.large_devices: start-up, poll cost and memory, nothing else."""
    large = replace(plan, devices=plan.large_devices)
    fleet = await Fleet.start(large.devices, integration.large_prefix, integration.fleet_cpu)
    config_dir = workdir / f"{integration.key}-large-{time.time_ns()}"
    hass: Hass | None = None
    try:
        write_config(config_dir, integration, fleet.devices, probe_port)
        hass = await Hass.start(config_dir, integration)
        session = Session(large, integration, fleet, hass)
        await session.start(probe_port)
        await _timed(session, session.poll_cost())
        await _timed(session, session.memory(config_dir))
        return {f"{key}{LARGE}": value for key, value in session.figures.items()}
    finally:
        if hass is not None:
            await hass.stop()
        await fleet.stop()
