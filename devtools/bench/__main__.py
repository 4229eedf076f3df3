"""Benchmark lifx_lan's client against aiolifx, lifx-async and a raw socket (issue 6).

Run through scripts/bench, which prepares the venvs first. One emulated fleet
(lifx-emulator-core, 50 devices on one loopback port) serves every client; each
client runs in its own process, one after another, in an order rotated every
run. The Home Assistant case runs once, at the end. See bench-results.md for the
latest figures and devtools/bench/ for how each one is taken.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from devtools import ROOT
from devtools.bench.common import CLIENTS, KIND_BULB, Dev, fleet_serials, log
from devtools.bench.report import (
    ROWS_MAIN,
    WHY,
    Target,
    check_targets,
    discovery_rows,
    loss_rows,
    loss_table,
    markdown_table,
    slow_table,
)
from devtools.bench.runner import (
    FULL,
    SCENARIOS,
    SLOW_REQUEST_BUDGET,
    SLOW_SETTLE,
    SMOKE,
    BenchError,
    ClientRun,
    FakeServer,
    Plan,
    Stage,
    Worker,
    digest,
    emulator_spec,
    python_ok,
    run_client,
    run_ha,
    tree,
    workdir,
)
from devtools.emulator.process import EmulatorFleet
from devtools.habench.report import kept_section

RESULTS = ROOT / "bench-results.md"
# The smoke fleet: one of each kind, two bulbs (loss runs on bulbs)
SMOKE_MIX = {"bulb": 2, "strip": 1, "tile": 1, "hev": 1, "switch": 1}


def _fleet(plan: Plan, smoke: bool) -> list[tuple[str, str, int, dict[str, Any]]]:
    serials = fleet_serials()
    if not smoke:
        return serials
    picked: list[tuple[str, str, int, dict[str, Any]]] = []
    for kind, count in SMOKE_MIX.items():
        picked += [s for s in serials if s[1] == kind][:count]
    return picked


def _describe(fleet: list[tuple[str, str, int, dict[str, Any]]]) -> str:
    """'50 devices (40 bulb, 4 strip, ...)'."""
    counts: dict[str, int] = {}
    for _, kind, _, _ in fleet:
        counts[kind] = counts.get(kind, 0) + 1
    parts = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    return f"{len(fleet)} devices ({parts})"


def _git_state(ours: Path) -> str:
    """HEAD, and whether the integration measured differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        head = "unknown commit"
    committed = Path(tempfile.mkdtemp(dir=ours.parent))
    try:
        archive = subprocess.run(
            ["git", "archive", "HEAD", "custom_components"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(committed)], input=archive, check=True)
        same = digest(committed) == digest(ours)
    except (OSError, subprocess.CalledProcessError):
        same = False
    finally:
        shutil.rmtree(committed, ignore_errors=True)
    state = "as committed" if same else "with uncommitted changes"
    return f"{head}, custom_components {state}, sha256 {digest(ours)}"


def _log_phases(runs: list[ClientRun]) -> None:
    """Median seconds per phase and client, for keeping the bench inside its time budget."""
    by_client: dict[str, dict[str, list[float]]] = {}
    for run in runs:
        for name, seconds in run.info.get("phases", {}).items():
            by_client.setdefault(run.client, {}).setdefault(name, []).append(seconds)
    for client, phases in by_client.items():
        parts = ", ".join(f"{n} {statistics.median(s):.1f}" for n, s in phases.items())
        log(f"bench: {client} phases (s): {parts}")


def _machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def _scenarios(args: argparse.Namespace) -> tuple[str, ...]:
    """The scenarios asked for, in the bench's own order."""
    if args.scenarios:
        wanted = {name.strip() for name in args.scenarios.split(",")}
        unknown = wanted - set(SCENARIOS)
        if unknown:
            raise BenchError(
                f"unknown scenario(s) {', '.join(sorted(unknown))}; pick from {','.join(SCENARIOS)}"
            )
    else:
        wanted = set(SCENARIOS)
    if args.skip_ha:
        wanted.discard("ha")
    return tuple(name for name in SCENARIOS if name in wanted)


def _plan(args: argparse.Namespace, scenarios: tuple[str, ...]) -> Plan:
    """The plan of this mode, with the number of runs the options ask for."""
    plan: Plan = SMOKE if args.smoke else FULL
    if set(scenarios) - {"ha"} == {"slow"}:
        # Only the slow devices: every run is one of theirs
        runs = args.runs or plan.slow_runs
        return dataclasses.replace(plan, runs=runs, slow_runs=runs)
    if args.runs:
        return dataclasses.replace(plan, runs=args.runs, slow_runs=min(plan.slow_runs, args.runs))
    return plan


def _slow_devices(plan: Plan) -> dict[float, Dev]:
    """One fake colour bulb per delay of the slow-device scenario, by delay."""
    return {
        delay: Dev(f"d073d5a1{index + 1:04x}", "127.0.0.1", 0, KIND_BULB)
        for index, delay in enumerate(plan.slow_delays)
    }


async def _run(args: argparse.Namespace) -> int:
    scenarios = _scenarios(args)
    plan = _plan(args, scenarios)
    # Leaving out Home Assistant alone still measures every client scenario
    complete = set(scenarios) >= set(SCENARIOS) - {"ha"}
    clients = [c.strip() for c in args.clients.split(",")] if args.clients else list(CLIENTS)
    if args.candidate:
        clients.insert(clients.index("ours") + 1 if "ours" in clients else 0, "candidate")
    python_ok()
    scratch = workdir()
    # Frozen copies: every run measures the code as it was when the bench started
    trees = {"ours": tree(scratch, "ours", ROOT)}
    if args.candidate:
        trees["candidate"] = tree(scratch, "candidate", Path(args.candidate))
    started = time.monotonic()
    load_start = os.getloadavg()
    fleet = _fleet(plan, args.smoke)
    mode = "smoke" if args.smoke else "full"
    log(f"bench: {mode} run, {plan.runs} run(s) of {', '.join(clients)}")
    if not complete:
        log(f"bench: only {', '.join(scenarios)}")
    log(f"bench: logs in {scratch}")
    runs: list[ClientRun] = []
    spread_spec = [("color_bulb", f"d073d5a0{i + 1:04x}") for i in range(plan.spread_devices)]
    slow = _slow_devices(plan)
    slow_spec = [("color_bulb", dev.serial) for dev in slow.values()]
    async with (
        EmulatorFleet(emulator_spec(fleet), start_timeout=60.0) as emulator,
        FakeServer(spread_spec + slow_spec, scratch, "devices") as fake,
    ):
        kinds = {serial: kind for serial, kind, _, _ in fleet}
        devices = [Dev(d.serial, d.host, d.port, kinds[d.serial]) for d in emulator.devices]
        fake_devices = [Dev(serial, "127.0.0.1", fake.port, KIND_BULB) for _, serial in spread_spec]
        slow_devices = {
            delay: dataclasses.replace(dev, port=fake.port) for delay, dev in slow.items()
        }
        stage = Stage(emulator, devices, fake, fake_devices, slow_devices)
        await stage.slow_down()
        emulator_version = str(emulator.ready_message.get("emulator_version"))
        for run in range(plan.runs):
            order = clients[run % len(clients) :] + clients[: run % len(clients)]
            for client in order:
                at = time.monotonic() - started
                log(f"bench: run {run + 1}/{plan.runs}: {client} ({at:.0f} s)")
                worker = Worker(client, scratch, trees)
                try:
                    runs.append(await run_client(stage, worker, plan, client, run, scenarios))
                finally:
                    await worker.stop()
    ha: dict[str, Any] | None = None
    ha_candidate: dict[str, Any] | None = None
    if "ha" in scenarios:
        at = time.monotonic() - started
        log(f"bench: Home Assistant, {plan.ha_devices} devices ({at:.0f} s)")
        ha = await run_ha(plan, scratch, trees["ours"], "ours")
        if "candidate" in trees:
            ha_candidate = await run_ha(plan, scratch, trees["candidate"], "candidate")
    elapsed = time.monotonic() - started
    (scratch / "runs.json").write_text(json.dumps([dataclasses.asdict(r) for r in runs]))
    _log_phases(runs)
    targets = check_targets(runs, plan, ha) if "ours" in clients else []
    if not complete:
        # The scenarios left out have no figures: their targets are not unknown, just not run
        targets = [t for t in targets if t.met is not None]
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "elapsed": elapsed,
        "machine": _machine(),
        "load": (load_start, os.getloadavg()),
        "git": _git_state(trees["ours"]),
        "candidate": digest(trees["candidate"]) if "candidate" in trees else None,
        "emulator": emulator_version,
        "versions": {r.client: r.info.get("version") for r in runs},
        "python": next((r.info.get("python") for r in runs), sys.version),
        "fleet": _describe(fleet),
        "ha_candidate": ha_candidate,
        "kernel_stamps": all(r.info.get("kernel_stamps", True) for r in runs),
        "scenarios": None if complete else scenarios,
    }
    text = "\n".join(render(runs, plan, clients, ha, targets, info, smoke=args.smoke))
    print(text)
    # A smoke run or a partial one never replaces the published results unless asked to
    output = (
        Path(args.output) if args.output else (RESULTS if complete and not args.smoke else None)
    )
    if output is not None and not args.no_write:
        # scripts/bench --ha's section (devtools/habench) stays as it was
        kept = kept_section(output.read_text()) if output.is_file() else ""
        output.write_text(text + "\n" + (f"\n{kept}\n" if kept else ""))
        log(f"bench: wrote {output}")
    log(f"bench: done in {elapsed:.0f} s")
    return 0


def render(
    runs: list[ClientRun],
    plan: Plan,
    clients: list[str],
    ha: dict[str, Any] | None,
    targets: list[Target],
    info: dict[str, Any],
    *,
    smoke: bool,
) -> list[str]:
    """The whole report, as markdown (also what the terminal shows)."""
    versions = info["versions"]
    load_start, load_end = info["load"]
    partial = info["scenarios"]
    out = [
        "# lifx_lan benchmark results" + (" (smoke run: tiny sizes, not figures)" if smoke else ""),
        "",
        f"Generated by `scripts/bench` on {info['date']} in {info['elapsed'] / 60:.1f} min"
        + (f", only these scenarios: {', '.join(partial)}." if partial else "."),
        "",
        f"- Machine: {info['machine']}; load average {load_start[0]:.2f} at the start, "
        f"{load_end[0]:.2f} at the end (other work on the machine shows up as noise).",
        f"- Python {info['python'].split()[0]} for every client; asyncio's default event loop.",
        f"- Clients: ours ({versions.get('ours')}; {info['git']}), "
        + (f"candidate (sha256 {info['candidate']}), " if info["candidate"] else "")
        + ", ".join(f"{c} {versions.get(c)}" for c in clients if c not in ("ours", "candidate"))
        + ".",
        f"- Devices: lifx-emulator-core {info['emulator']}, {info['fleet']} in "
        f"one process on one loopback port; group spread on {plan.spread_devices} fake devices "
        f"(devtools/fake_lifx.py) stamped by the kernel on arrival"
        + ("" if info["kernel_stamps"] else " (kernel stamps unavailable: user-space times)")
        + ".",
        f"- {plan.runs} run(s), client order rotated every run. Each cell: median over runs "
        "[min-max]; ratios are ours / that client's median (below 1 is better for ours, "
        "except throughput and found devices).",
        "",
        "## Targets (issues 6 and 11)",
        "",
    ]
    if targets:
        met = sum(t.met is True for t in targets)
        out.append(f"{met} of {len(targets)} met.")
        out.append("")
        out += [f"- **{t.verdict}**: {t.name}: {t.detail}" for t in targets]
        missed = list(dict.fromkeys(t.key for t in targets if t.met is False and t.key in WHY))
        if missed:
            out += ["", "### Why the targets not met are missed", ""]
            out += [f"- *{_names(targets, key)}*: {WHY[key]}" for key in missed]
    else:
        out.append("Not checked (our client was not part of this run).")
    ran = set(partial or SCENARIOS)
    if ran & {"latency", "throughput", "fixed_rate", "idle", "spread"}:
        out += ["", "## Clients side by side", ""]
        out += markdown_table(runs, ROWS_MAIN, clients)
    if "discovery" in ran:
        out += ["", "## Discovery", ""]
        out += markdown_table(runs, discovery_rows(plan), clients)
    if "loss" in ran:
        out += ["", "## Random loss, acknowledged SetColor (per run)", ""]
        out += markdown_table(runs, loss_rows(plan), [c for c in clients if c != "raw"])
        out += ["", "## Random loss, every run pooled", ""]
        out += loss_table(runs, plan, [c for c in clients if c != "raw"])
    if "slow" in ran:
        delays = " and ".join(f"{delay * 1000:g} ms" for delay in plan.slow_delays)
        out += ["", f"## Slow devices, answering after {delays} (no loss)", ""]
        out += slow_table(runs, plan, clients)
    for label, case in (("", ha), (" (candidate)", info["ha_candidate"])):
        if case is not None:
            out += ["", f"## Home Assistant poll cost{label}", ""]
            out += _ha_lines(case)
    out += ["", "## How each figure is taken", ""]
    out += method(plan)
    return out


def _names(targets: list[Target], key: str) -> str:
    return "; ".join(t.name for t in targets if t.key == key and t.met is False)


def _ha_lines(case: dict[str, Any]) -> list[str]:
    poll, baseline = case["poll"], case["baseline"]
    rounds = poll.get("rounds_pct") or []
    lines = [
        f"{poll['loaded']} of {poll['devices']} lifx_lan entries loaded ({poll['entities']} "
        f"entities, set up in {poll['setup_s']:.1f} s), polled every {poll['interval_s']:g} s; "
        f"measured over {poll['elapsed_s']:.0f} s of steady polling, {poll['sent']} datagrams "
        f"sent through {poll['clients']} LifxClient(s):",
        "",
        "| Case | CPU, % of one core |",
        "|---|---|",
        f"| Home Assistant + {poll['devices']} devices | {poll['cpu_pct']:.2f}"
        + (f" (per poll round: {', '.join(f'{r:.2f}' for r in rounds)})" if len(rounds) > 1 else "")
        + " |",
        f"| Home Assistant, nothing configured | {baseline['cpu_pct']:.2f} |",
        f"| The integration's share | {poll['cpu_pct'] - baseline['cpu_pct']:.2f} |",
    ]
    if poll["clients"] > 1:
        lines += [
            "",
            f"**{poll['clients']} LifxClients (one socket each) for {poll['devices']} entries:** "
            "entries set up concurrently each open their own client while the first is still "
            "opening (LifxNetwork.async_acquire awaits `open()` before publishing the client), "
            "and only the last one is kept for closing.",
        ]
    return lines


def method(plan: Plan) -> list[str]:
    """How each figure is taken, with this plan's sizes."""
    rate = " and ".join(f"{round(r * 100)}%" for r in plan.loss_rates)
    delays = " and ".join(f"{delay * 1000:g} ms" for delay in plan.slow_delays)
    sets = " and ".join(
        f"{n} SetColors at {round(r * 100)}%" for r, n in sorted(plan.loss_per_device.items())
    )
    return [
        "- **CPU** is the client process's own `time.process_time()` (user + system, all "
        "threads) across the workload, so the emulator's and the orchestrator's work is never "
        "in it. Every client is driven by the same harness (devtools/bench/worker.py): one "
        "task per device awaiting one call at a time, or one task per request at a fixed rate.",
        "- **raw** is the floor: one socket, datagrams built once, a future per request "
        "completed by the next reply from that device, no retries, no timers. It gets no loss "
        "runs (it has no retries by design) and sends one GetService only.",
        "- **aiolifx** runs with its library defaults (0.5 s per attempt, 3 attempts, a socket "
        "per device), awaited through callbacks as Home Assistant's core integration does. "
        f"**lifx-async** gets a {plan.loss_budget:g} s request timeout, the budget ours has.",
        "- **Throughput** polls every emulated device back to back for "
        f"{plan.throughput_s:g} s (LightGet; GetPower on the switches); loopback throughput is "
        "bounded by the single emulator process, so compare CPU per request. The fixed load "
        f"issues {plan.fixed_rate:g} polls a second for {plan.fixed_s:g} s.",
        f"- **Latency** is {plan.latency_n} sequential requests to one colour bulb, "
        f"{plan.latency_pause * 1000:g} ms apart: the emulator acknowledges a Set before it "
        "spends about 1.5 ms of CPU applying it, and a request sent straight after an "
        "acknowledgement would time that, not the client.",
        f"- **Idle** is {plan.idle_s:g} s with nothing asked, every device already used once.",
        f"- **Loss** ({rate}) is injected by the emulator in both directions, seeded "
        f"identically for every client; {plan.loss_devices} bulbs each take {sets} one after "
        f"another, each within a {plan.loss_budget:g} s budget. Transmissions are counted at "
        "the devices (datagrams taken in plus datagrams dropped on the way in). Photons cannot "
        "be installed beside Home Assistant, so its row is a seeded Monte Carlo of its "
        "LanTarget retry schedule under the same loss model.",
        "- **Discovery** switches the other devices off in the emulator; for the "
        "third-missing case the orchestrator watches the emulator's GetService counter and "
        "brings the missing third back right after the first broadcast. Discovery stops at "
        f"{plan.discovery_cap:g} s.",
        "- **Group spread** is one SetPower (ack) to every device of a group, "
        f"{plan.spread_actions} times; the kernel stamps each arrival at the fake devices' "
        "socket (SO_TIMESTAMPNS); spread = last minus first device's arrival per action. "
        f"It is repeated {plan.spread_delay_actions} times with every fake device answering "
        f"{plan.spread_delay * 1000:g} ms late, as over Wi-Fi: a client that holds datagrams "
        "back until earlier ones are answered then spreads by whole round trips.",
        f"- **Slow devices** are {len(plan.slow_delays)} more fake colour bulbs, answering "
        f"{delays} late (the fake devices' socket holds each reply back; nothing is lost), as "
        "bulbs in Wi-Fi power save do. Each client sends each of them "
        f"{plan.slow_warmup} warm-up requests, then {plan.slow_requests} measured ones, one at "
        "a time per device (the two devices at once): LightGet and acknowledged LightSetPower "
        "in turn, "
        "each sent the way the client normally sends it, under the client's own deadline "
        f"and {SLOW_REQUEST_BUDGET:g} s at most. Copies per request are the datagrams the "
        f"device's socket received during the measured requests, divided by "
        f"{plan.slow_requests}, whatever the client believes it sent. Link loss is the packet "
        "loss our client's link statistics show for that device, read "
        f"{(max(plan.slow_delays) + SLOW_SETTLE) * 1000:g} ms after the last request so that "
        "late replies to earlier copies are in; it covers all "
        f"{plan.slow_warmup + plan.slow_requests} requests, as the integration's sensor would "
        "show it. The peers and the raw floor keep no such figure. At "
        f"{max(plan.slow_delays) * 1000:g} ms each client waits about "
        f"{(plan.slow_warmup + plan.slow_requests) * max(plan.slow_delays):.0f} s per run"
        + (
            f", so this scenario runs in the first {plan.slow_runs} of the {plan.runs} runs only."
            if plan.slow_runs < plan.runs
            else "."
        ),
        "- **Home Assistant** runs under pytest-homeassistant-custom-component with real time "
        "and the event loop out of debug mode; the fake devices run in another process.",
    ]


def main() -> int:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run (CI)")
    parser.add_argument("--runs", type=int, default=0, help="runs per client (default 5; smoke 1)")
    parser.add_argument("--clients", help=f"comma-separated subset of {','.join(CLIENTS)}")
    parser.add_argument(
        "--candidate",
        help="a checkout whose custom_components/ is benchmarked as 'candidate' beside ours",
    )
    parser.add_argument(
        "--scenarios",
        help=f"comma-separated subset of {','.join(SCENARIOS)} (default all); a subset other "
        "than all but ha writes no file unless --output is given, and 'slow' alone runs "
        "its own number of runs",
    )
    parser.add_argument("--skip-ha", action="store_true", help="leave out the Home Assistant case")
    parser.add_argument(
        "--output", help="markdown file (default bench-results.md; smoke or a subset: none)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    try:
        return asyncio.run(_run(args))
    except BenchError as err:
        log(f"bench: {err}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
