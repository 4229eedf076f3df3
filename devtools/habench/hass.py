"""The processes of the Home Assistant bench: the fleet, Home Assistant itself, its probe.

Each session gets a fresh config folder: configuration.yaml (the probe, a light group of
every bulb), and the integration's config entries written into .storage the way Home
Assistant stores entries the user added, so both integrations start from the same state.
Home Assistant is the one running the bench: the project's pinned one (.venv), or the
newest in scripts/test-latest's chroot. The core integration's requirements live in a
separate target folder (``core_requirements``) that only its Home Assistant process sees,
through PYTHONPATH.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
from dataclasses import dataclass
import hashlib
import importlib.util
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import uuid

from devtools import ROOT
from devtools.processes import child_env, stop_child

GROUP_ENTITY = "light.bench_group"
# Two scenes of every bulb (Home Assistant's scene integration), at these brightnesses
SCENES = {"scene.bench_bright": 200, "scene.bench_dim": 60}
# How long Home Assistant may take to stop before it is killed
STOP_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Integration:
    """One of the two integrations compared."""

    key: str
    domain: str
    title: str
    # Where its fleet listens (127.42.x.y, ...): two sessions may run at once
    address_prefix: str
    # Where its large fleet listens: that session runs beside the other one's last steps
    large_prefix: str
    # PYTHONPATH of its Home Assistant process (the core integration's requirements)
    extra_path: Path | None = None
    # The VERSION of the integration's config flow, whose entries are written
    entry_version: int = 1
    # The cores its Home Assistant and its fleet run on (None: wherever the kernel likes)
    ha_cpu: int | None = None
    fleet_cpu: int | None = None

    def entry(self, device: dict[str, str]) -> dict[str, Any]:
        """The config entry the integration's own config flow makes for this bulb."""
        serial = device["serial"]
        if self.domain == "lifx" and self.entry_version == 1:
            # Core on aiolifx: the unique id is the serial formatted as a MAC, the data
            # only the host
            unique_id = ":".join(serial[i : i + 2] for i in range(0, 12, 2))
            data: dict[str, Any] = {"host": device["host"]}
        elif self.domain == "lifx":
            # Core on lifx-async (entry version 2): the raw serial, in the data too
            unique_id = serial
            data = {"host": device["host"], "serial": serial}
        else:
            unique_id = serial
            data = {"host": device["host"], "port": 56700}
        return {
            "entry_id": uuid.uuid4().hex,
            "version": self.entry_version,
            "domain": self.domain,
            "title": device["label"],
            "data": data,
            "options": {},
            "source": "user",
            "unique_id": unique_id,
        }

    def memory_paths(self, config_dir: Path) -> list[str]:
        """Folders whose code counts as the integration's (its library included)."""
        if self.domain == "lifx":
            assert self.extra_path is not None
            return [str(ha_package() / "components" / "lifx") + "/", str(self.extra_path) + "/"]
        return [str(config_dir / "custom_components" / "lifx_lan") + "/"]


def ha_package() -> Path:
    """The homeassistant package of .venv (found without importing it)."""
    spec = importlib.util.find_spec("homeassistant")
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin).parent


def ha_version() -> str:
    """The version of Home Assistant the bench runs."""
    from homeassistant.const import __version__  # noqa: PLC0415 (only when needed)

    return __version__


def pinned_ha_version() -> str:
    """The project's pinned (minimum) Home Assistant: scripts/setup's HA_VERSION."""
    for line in (ROOT / "scripts" / "setup").read_text().splitlines():
        if line.startswith("HA_VERSION="):
            return line.split("=", 1)[1].strip('"')
    raise RuntimeError("scripts/setup names no HA_VERSION")


def core_entry_version() -> int:
    """The VERSION of core lifx's config flow here (read, not imported: its library is apart).

    Core on aiolifx writes version 1 entries; core on lifx-async writes version 2 and
    migrates version 1 ones on their first set-up.
    """
    source = (ha_package() / "components" / "lifx" / "config_flow.py").read_text()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "VERSION" for t in statement.targets)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, int)
            ):
                return statement.value.value
    return 1


def core_requirements() -> list[str]:
    """What the core lifx integration's manifest pins, for this Home Assistant."""
    manifest = json.loads((ha_package() / "components" / "lifx" / "manifest.json").read_text())
    return list(manifest["requirements"])


def install_core_requirements(
    cache: Path, wanted: list[str], constraints: Path | None = None
) -> Path:
    """The core integration's pinned requirements in a target folder of their own.

    Under Home Assistant's own pins, as Home Assistant would install them: `constraints`,
    else the pinned Home Assistant's that scripts/setup keeps, when there.
    """
    version = ha_version()
    target = cache / f"core-lifx-{version}"
    stamp = hashlib.sha256(json.dumps(wanted).encode()).hexdigest()
    stamp_file = target / ".habench-stamp"
    if stamp_file.is_file() and stamp_file.read_text() == stamp:
        return target
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target)]
    if constraints is None:
        pinned = ROOT / ".cache" / "setup" / f"package_constraints-{version}.txt"
        constraints = pinned if pinned.is_file() else None
    if constraints is not None:
        command += ["-c", str(constraints)]
    print(f"habench: installing {' '.join(wanted)} into {target}", file=sys.stderr)
    subprocess.run([*command, "--upgrade", *wanted], check=True)
    stamp_file.write_text(stamp)
    return target


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_config(
    config_dir: Path, integration: Integration, devices: list[dict[str, str]], probe_port: int
) -> None:
    """A fresh config folder for one session."""
    config_dir.mkdir(parents=True)
    members = "\n".join(f"      - {light_entity(device)}" for device in devices)
    (config_dir / "configuration.yaml").write_text(
        "# Written by devtools/habench: the bench's Home Assistant, nothing else loaded.\n"
        "homeassistant:\n  name: LIFX bench\n  latitude: 51.5\n  longitude: -0.12\n"
        "  elevation: 0\n  unit_system: metric\n  time_zone: Europe/London\n"
        "  country: GB\n  currency: EUR\n"
        # Home Assistant serves its frontend whatever the configuration says: on a port of
        # its own, so that two sessions at once (the smoke) or a Home Assistant already on
        # 8123 do not send one of them into recovery mode, without its integrations
        f"http:\n  server_host: 127.0.0.1\n  server_port: {free_port()}\n"
        f"habench_probe:\n  port: {probe_port}\n"
        "logger:\n  default: warning\n"
        f"light:\n  - platform: group\n    name: Bench group\n    entities:\n{members}\n"
        + _scenes(devices)
    )
    custom = config_dir / "custom_components"
    custom.mkdir()
    (custom / "habench_probe").symlink_to(ROOT / "devtools" / "habench" / "probe")
    if integration.domain == "lifx_lan":
        (custom / "lifx_lan").symlink_to(ROOT / "custom_components" / "lifx_lan")
    storage = config_dir / ".storage"
    storage.mkdir()
    # Version 1.1: Home Assistant migrates it to its own, adding every newer field
    entries = [integration.entry(device) for device in devices]
    (storage / "core.config_entries").write_text(
        json.dumps(
            {
                "version": 1,
                "minor_version": 1,
                "key": "core.config_entries",
                "data": {"entries": entries},
            }
        )
    )


def _scenes(devices: list[dict[str, str]]) -> str:
    """configuration.yaml's scenes: every bulb on at the scene's brightness."""
    text = "scene:\n"
    for entity_id, brightness in SCENES.items():
        text += f"  - name: {entity_id.removeprefix('scene.').replace('_', ' ').title()}\n"
        text += "    entities:\n"
        for device in devices:
            text += f"      {light_entity(device)}:\n        state: 'on'\n"
            text += f"        brightness: {brightness}\n"
    return text


def light_entity(device: dict[str, str]) -> str:
    """The light's entity id: both integrations name the device after its label."""
    return f"light.{device['label'].lower().replace(' ', '_')}"


class JsonLines:
    """A request/answer channel of one JSON object per line."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def request(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send one command, return its answer."""
        self.writer.write(json.dumps(command).encode() + b"\n")
        await self.writer.drain()
        line = await self.reader.readline()
        if not line:
            raise ConnectionError(f"no answer to {command['cmd']}: the other end closed")
        answer: dict[str, Any] = json.loads(line)
        return answer


class Fleet:
    """The fake bulbs' process (devtools/habench/fleet.py)."""

    def __init__(self, process: asyncio.subprocess.Process, devices: list[dict[str, str]]):
        self.process = process
        self.devices = devices
        assert process.stdout is not None
        assert process.stdin is not None
        self.channel = JsonLines(process.stdout, process.stdin)

    @classmethod
    async def start(cls, count: int, prefix: str, cpu: int | None = None) -> Fleet:
        """Start `count` bulbs at prefix.x.y:56700 and wait until they listen."""
        process = await asyncio.create_subprocess_exec(
            *on_cpu(cpu),
            sys.executable,
            "-m",
            "devtools.habench.fleet",
            "--count",
            str(count),
            "--prefix",
            prefix,
            cwd=ROOT,
            env=child_env(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 24,
        )
        assert process.stdout is not None
        line = await process.stdout.readline()
        if not line:
            await process.wait()
            raise RuntimeError(f"the fake fleet did not start ({prefix}.x.y:56700 busy?)")
        return cls(process, json.loads(line)["devices"])

    async def arrivals(self) -> dict[str, list[tuple[int, int]]]:
        """(stamp_ns, pkt_type) per serial since the last call."""
        answer = await self.channel.request({"cmd": "arrivals"})
        return {s: [(a, b) for a, b in got] for s, got in answer["arrivals"].items()}

    async def online(self, serials: list[str], online: bool) -> None:
        """Plug bulbs in or out."""
        await self.channel.request({"cmd": "online", "serials": serials, "online": online})

    async def delay(self, serials: list[str], seconds: float) -> None:
        """Make bulbs answer late."""
        await self.channel.request({"cmd": "delay", "serials": serials, "seconds": seconds})

    async def stop(self) -> None:
        """Quit, or be stopped."""
        await stop_child(self.process, quit_timeout=5, terminate_timeout=5)


def on_cpu(cpu: int | None) -> list[str]:
    """The command prefix that runs a process on one core only (none without taskset).

    On loopback, each datagram wakes the fake fleet at once, and the kernel likes to run
    it on the sender's core: it then preempts Home Assistant halfway through a burst of
    commands (a group's 50 took 0.3 ms to send, or 1.8 ms when the fleet cut in). A real
    home's bulbs never take Home Assistant's CPU, so each gets a core of its own.
    """
    taskset = shutil.which("taskset")
    if cpu is None or taskset is None or cpu >= (os.cpu_count() or 1):
        return []
    return [taskset, "-c", str(cpu)]


class Hass:
    """One Home Assistant process and the probe inside it."""

    def __init__(self, process: asyncio.subprocess.Process, started_ns: int) -> None:
        self.process = process
        self.started_ns = started_ns
        self.probe: JsonLines | None = None

    @classmethod
    async def start(cls, config_dir: Path, integration: Integration) -> Hass:
        """Start Home Assistant on the folder; the clock of its start-up starts here."""
        env = child_env()
        if integration.extra_path is not None:
            env["PYTHONPATH"] = str(integration.extra_path)
        log = (config_dir / "console.log").open("wb")
        started = time.time_ns()
        process = await asyncio.create_subprocess_exec(
            *on_cpu(integration.ha_cpu),
            sys.executable,
            "-m",
            "homeassistant",
            "--config",
            str(config_dir),
            "--skip-pip",
            # Its own folder, so the repository's custom_components/ is not on sys.path
            cwd=config_dir,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        log.close()
        return cls(process, started)

    async def connect(self, port: int, timeout: float) -> JsonLines:
        """Connect to the probe once Home Assistant has loaded it."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.returncode is not None:
                raise RuntimeError(f"Home Assistant exited ({self.process.returncode})")
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)
                continue
            self.probe = JsonLines(reader, writer)
            return self.probe

    def cpu_seconds(self) -> float:
        """CPU time Home Assistant's threads have run so far, to the nanosecond.

        The sum of each thread's run time as the scheduler counts it
        (/proc/PID/task/*/schedstat): stat(5)'s utime and stime count 10 ms ticks, and a
        30 s poll window of 50 bulbs costs a few dozen of them, too coarse to compare. A
        thread that ends takes its time with it; Home Assistant's threads (its executors,
        the recorder) live as long as it does.
        """
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9

    async def stop(self) -> None:
        """Stop it as a user would (SIGTERM), then kill it if it hangs."""
        if self.probe is not None:
            self.probe.writer.close()
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(STOP_TIMEOUT):
                    await self.process.wait()
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
