"""Home Assistant with the core lifx integration and with lifx_lan, side by side (issue 15).

Run through ``scripts/bench --ha``. Each run starts the same Home Assistant (the one
running this: the project's pinned one from .venv, or the newest in scripts/test-latest's
chroot, through ``scripts/test-latest --habench``) twice against the same fake fleet, once
with the core ``lifx`` integration (its manifest's requirements in a folder of their own)
and once with lifx_lan, in an order alternated every run, and takes every measurement of
devtools/habench/measure.py.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
import fcntl
import json
import os
from pathlib import Path
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

from devtools import ROOT
from devtools.bench.common import log
from devtools.habench.hass import (
    Integration,
    core_entry_version,
    core_requirements,
    free_port,
    ha_version,
    install_core_requirements,
    on_cpu,
    pinned_ha_version,
)
from devtools.habench.measure import Figures, Plan, run_large_session, run_session
from devtools.habench.report import Runs, merge_section, section_key, table

RESULTS = ROOT / "bench-results.md"
CACHE = ROOT / ".cache" / "habench"
# --setup-only: core's requirements could not be installed (no package index?)
EXIT_NO_CORE = 3

FULL = Plan(
    devices=50,
    settle=3.0,
    poll_settle=15.0,
    poll_window=30.0,
    latency_commands=20,
    command_gap=0.25,
    group_actions=8,
    group_gap=0.5,
    unplugged_share=0.2,
    # Counted from bulbs unplugged at every phase of the schedules (see power_back_span)
    unplugged_window=24.0,
    # Longer than core's 18 s between tries, shorter than lifx_lan's 24 s between checks
    # of a lost bulb (so its phases are not all sampled): a longer span would take the run
    # over 15 minutes
    power_back_span=20.0,
    # The core integration gives a silent bulb 90 s (5 tries of 18 s) before it fails a poll
    unavailable_timeout=150.0,
    available_timeout=120.0,
    slow_bulbs=3,
    slow_commands=5,
    slow_delay=0.15,
    startup_timeout=180.0,
    tracemalloc_frames=32,
    large_devices=200,
)
# Everything once on five bulbs, both integrations at once. Bulbs going unavailable get
# 30 s, enough for lifx_lan (two missed polls) but not for core (90 s): its figures of
# unavailability and power coming back stay n/a in a smoke run.
SMOKE = Plan(
    devices=5,
    settle=1.0,
    poll_settle=1.0,
    # A poll round (10 s) or more
    poll_window=11.0,
    latency_commands=3,
    command_gap=0.3,
    group_actions=2,
    group_gap=0.5,
    unplugged_share=0.2,
    unplugged_window=3.0,
    power_back_span=0.0,
    unavailable_timeout=30.0,
    available_timeout=30.0,
    slow_bulbs=1,
    slow_commands=2,
    slow_delay=0.15,
    startup_timeout=60.0,
    tracemalloc_frames=32,
    large_devices=10,
)


def _commit() -> str:
    # A checkout mounted in scripts/test-latest's chroot has no git there (and a worktree's
    # .git points outside it): that script names the commit with --commit instead
    if shutil.which("git") is None:
        return "unknown"

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = (
        " with uncommitted changes"
        if git("status", "--porcelain", "--", "custom_components")
        else ""
    )
    return git("rev-parse", "--short", "HEAD") + dirty


async def _bench(
    plan: Plan, record: dict[str, Any], workdir: Path, core_path: Path, save: Path
) -> None:
    """Every session; the record (results included) saved to `save` after each one."""
    # scripts/test-latest's chroot shares the host's loopback: the newest Home Assistant's
    # fleets listen on other addresses than the pinned one's, so that both benches can run
    # at once (another checkout's, say) without taking each other's port 56700
    core, ours, core_large, ours_large = (
        ("127.42", "127.43", "127.46", "127.47")
        if record["pinned"]
        else ("127.44", "127.45", "127.48", "127.49")
    )
    # A full run keeps Home Assistant and its fake bulbs on cores of their own (see on_cpu);
    # the newest Home Assistant's bench, which may run at the same time, the other way round
    cores = (0, 1) if record["pinned"] else (1, 0)
    record["cpus"] = None if record["smoke"] or not on_cpu(cores[1]) else list(cores)
    ha_cpu, fleet_cpu = cores if record["cpus"] else (None, None)
    entries = record["core_entry_version"]
    integrations = [
        Integration(
            "core", "lifx", "core lifx", core, core_large, core_path, entries, ha_cpu, fleet_cpu
        ),
        Integration(
            "lifx_lan", "lifx_lan", "lifx_lan", ours, ours_large, ha_cpu=ha_cpu, fleet_cpu=fleet_cpu
        ),
    ]
    results: dict[str, Runs] = record["results"]
    if record["smoke"]:
        # The smoke proves the bench works, not how fast: both sessions at once, to be quick
        both = await asyncio.gather(
            *(
                run_session(plan, i, workdir, free_port(), _large(plan, i, workdir))
                for i in integrations
            )
        )
        for integration, figures in zip(integrations, both, strict=True):
            results[integration.key].append(figures)
        await asyncio.to_thread(save.write_text, json.dumps(record, indent=1))
        return
    runs = record["runs"]
    for run in range(runs):
        # Alternated, so that drift on a shared machine does not favour one of them
        for integration in integrations[run % 2 :] + integrations[: run % 2]:
            log(f"habench: run {run + 1}/{runs}: {integration.key}")
            start = time.monotonic()
            large = _large(plan, integration, workdir)
            figures = await run_session(plan, integration, workdir, free_port(), large)
            log(f"habench: {integration.key} done in {time.monotonic() - start:.0f} s: {figures}")
            results[integration.key].append(figures)
            await asyncio.to_thread(save.write_text, json.dumps(record, indent=1))


def _large(
    plan: Plan, integration: Integration, workdir: Path
) -> Callable[[], Coroutine[Any, Any, Figures]] | None:
    """The large fleet's session, to run beside the integration's other one (if the plan has it)."""
    if not plan.large_devices:
        return None
    # Its probe's port is taken when it starts, not now
    return lambda: run_large_session(plan, integration, workdir, free_port())


def _section(record: dict[str, Any]) -> str:
    """The markdown section of one bench run's record."""
    plan = SMOKE if record["smoke"] else FULL
    results: dict[str, Runs] = record["results"]
    runs = record["runs"]
    minutes = record["minutes"]
    titles = {"core": f"core lifx ({', '.join(record['requirements'])})", "lifx_lan": "lifx_lan"}
    load = record["load"]
    order = "both at once" if record["smoke"] else "the two integrations alternating"
    # Records from before the newest Home Assistant was benched were all of the pinned one
    if record.get("pinned", True):
        where = "the project's pinned one, in `.venv`"
        command = "scripts/bench --ha"
    else:
        where = "the newest, in scripts/test-latest's Debian unstable chroot"
        command = "scripts/test-latest --habench"
    entries = record.get("core_entry_version", 1)
    cpus = ""
    if record.get("cpus"):
        ha_cpu, fleet_cpu = record["cpus"]
        cpus = f"""
  Home Assistant runs on core {ha_cpu} only and the fake bulbs on core {fleet_cpu} (taskset):
  on one core, the fleet, woken by each datagram, cut into Home Assistant's bursts of
  commands, which a real home's bulbs never do."""
    return f"""\
## Home Assistant {record["ha_version"]}: core lifx and lifx_lan side by side (issue 15)

Generated by `{command}` on {record["date"]} UTC in {minutes:.1f} min.

- Home Assistant {record["ha_version"]} ({where}),
  Python {record["python"]}, {os.cpu_count()} cores shared with other work (load average
  {load:.2f} as the run ended): the figures are noisy, and the ranges show how much.
{record.get("note", "")}- lifx_lan at commit {record["commit"]}; core `lifx` on its manifest's pins
  ({", ".join(record["requirements"])}), installed apart; its config entries at version
  {entries}, as its config flow writes them.
- {plan.devices} fake colour bulbs (devtools/fake_lifx.py), each on its own loopback
  address at port 56700 (as core needs), in one process of their own.{cpus}
- {runs} run(s), {order}; each cell is the median over runs
  [min-max]; the ratio is lifx_lan's median / core's (below 1: lifx_lan lower).

{table(results, titles, plan.devices, plan.large_devices)}

How each figure is taken (devtools/habench/):

- One Home Assistant process per integration per run, its config entries written as the
  config flows write them, every option at its default. Both integrations poll every
  10 s by default, so the default interval and 10 s are the same row.
- Poll: CPU time of the Home Assistant process (every thread's run time in
  /proc/PID/task/*/schedstat, to the nanosecond) over {plan.poll_window:.0f} s, from
  {plan.poll_settle:.0f} s after every light is available (start-up's own work done), and
  every datagram the bulbs received in that time.
- turn_on: {plan.latency_commands} blocking `light.turn_on` calls to one bulb, made inside
  Home Assistant by the bench's probe integration, brightness alternating; the time
  from before the call to the kernel's receive stamp of the first command datagram
  (SetColor, SetPower, waveform) at the bulb, and to the call's return.
- Light group: a `group` light of every bulb, {plan.group_actions} `light.turn_on` actions;
  the spread between the first and the last bulb's first command datagram.
- Scene: two scenes of Home Assistant's `scene` integration, every bulb on at brightness
  200 and at 60, turned on alternately {plan.group_actions} times; the same spread.
- Start-up: from starting the process to the `last_changed` of the last light to become
  available. Memory, at the end of the session: tracemalloc started
  ({plan.tracemalloc_frames} frames), every entry reloaded, every light available again,
  a garbage collection; the bytes whose allocation has a frame in the integration's
  code (core: homeassistant/components/lifx and its requirements' folder; lifx_lan:
  custom_components/lifx_lan), divided by the devices. Code imported once is not in it
  (it was imported before tracing).
- Unplugged: every fifth bulb stops answering (datagrams to it still counted), one after
  another, spread over {plan.power_back_span:.0f} s (so that each meets its integration's
  retry schedule at another phase), and the time from each one's unplugging to its showing
  unavailable; once all of them do, datagrams to them over {plan.unplugged_window:.0f} s;
  then power back to one after another in the reverse order, spread the same way, and the
  time from its power to its showing available. Broadcasts (searches for lost
  devices) go to the machine's network interfaces, not to the fake bulbs, and are not
  counted.
- {plan.large_devices} devices: a session of its own per integration and run, with a fleet of
  {plan.large_devices} bulbs, taking only start-up, poll cost and memory as above. It runs
  while the same integration's {plan.devices}-bulb session waits for its unplugged bulbs to
  go and come back (that Home Assistant then nearly idle, on another fleet), so that a
  run fits in 15 minutes.
- Slow bulbs: {plan.slow_bulbs} bulbs answer {plan.slow_delay * 1000:.0f} ms late;
  {plan.slow_commands} turn_on calls each, one at a time; command datagrams they received
  per call (retransmissions included); the same on a prompt bulb is the row above.
"""


def main() -> int:
    """Run the bench, print the table, write bench-results.md (full runs only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="5 bulbs, one short run")
    parser.add_argument("--runs", type=int, default=None, help="runs (default 2; smoke 1)")
    parser.add_argument("--output", type=Path, help="markdown file (default bench-results.md)")
    parser.add_argument(
        "--json",
        type=Path,
        help=(
            "the run's record, saved after each session"
            f" ({CACHE}/last-run-HA_VERSION.json; a smoke's: last-smoke-...)"
        ),
    )
    parser.add_argument("--report-from", type=Path, help="only write the report of a record")
    parser.add_argument("--keep", action="store_true", help="keep the config folders")
    parser.add_argument(
        "--constraints",
        type=Path,
        help="pip constraints for core's requirements (default: the pinned Home Assistant's)",
    )
    parser.add_argument("--commit", help="lifx_lan's commit, as the report names it (git's)")
    parser.add_argument(
        "--setup-only",
        action="store_true",
        help=f"install core's requirements; {EXIT_NO_CORE}: failed",
    )
    args = parser.parse_args()
    if args.report_from is not None:
        record = json.loads(args.report_from.read_text())
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        requirements = core_requirements()
        try:
            core_path = install_core_requirements(CACHE, requirements, args.constraints)
        except subprocess.CalledProcessError as err:
            log(f"habench: could not install {' '.join(requirements)}: {err}")
            return EXIT_NO_CORE
        if args.setup_only:
            return 0
        record = {
            "smoke": args.smoke,
            "runs": args.runs or (1 if args.smoke else 2),
            "requirements": requirements,
            "ha_version": ha_version(),
            "pinned": ha_version() == pinned_ha_version(),
            "core_entry_version": core_entry_version(),
            "python": platform.python_version(),
            "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
            "commit": args.commit or _commit(),
            "results": {"core": [], "lifx_lan": []},
        }
        # Each Home Assistant version its own record: --report-from rewrites its report
        # (a smoke's apart: it must not replace the last full run's)
        kind = "smoke" if args.smoke else "run"
        save = args.json or CACHE / f"last-{kind}-{record['ha_version']}.json"
        workdir = Path(tempfile.mkdtemp(prefix="habench-", dir=CACHE))
        start = time.monotonic()
        try:
            plan = SMOKE if args.smoke else FULL
            asyncio.run(_bench(plan, record, workdir, core_path, save))
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        record |= {"minutes": (time.monotonic() - start) / 60, "load": os.getloadavg()[0]}
        save.write_text(json.dumps(record, indent=1))
    section = _section(record)
    print(section)
    output = args.output or (None if record["smoke"] else RESULTS)
    if output is not None:
        key = section_key(record["ha_version"], pinned_ha_version())
        # Both Home Assistants' benches run at once (scripts/bench --ha) and each rewrites
        # its own section: one at a time, each reading what the other wrote.
        with output.open("a+") as document:
            fcntl.flock(document, fcntl.LOCK_EX)
            document.seek(0)
            merged = merge_section(document.read(), section, key)
            document.seek(0)
            document.truncate()
            document.write(merged)
        log(f"habench: wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
