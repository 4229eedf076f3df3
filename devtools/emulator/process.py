"""Run devtools/emulator/fleet.py as a subprocess and control it from asyncio.

lifx-emulator-core cannot share Home Assistant's virtualenv, so the fleet runs
as a separate program from ``<repo>/.venv-emulator`` and listens on loopback
UDP; tests point the real client at it and read device state back through a
line-based JSON protocol on the child's stdin/stdout::

    async with EmulatorFleet([{"serial": "d073d5000001", "product_id": 27}]) as fleet:
        device = fleet.device("d073d5000001")   # host, port, product_id
        ...  # drive the integration against device.host / device.port
        assert (await fleet.state("d073d5000001"))["power"] == 0

``EmulatorUnavailable`` means the emulator venv is missing or broken (skip the
test); ``EmulatorError`` means it failed while running (fail the test).
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Mapping, Sequence
import contextlib
from dataclasses import dataclass
import itertools
import json
import logging
import os
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from devtools import ROOT
from devtools.processes import child_env, stop_child

_LOGGER = logging.getLogger(__name__)

FLEET_SCRIPT = Path(__file__).with_name("fleet.py")
# Points at another interpreter that has lifx-emulator-core, e.g. in CI
EMULATOR_PYTHON_ENV = "LIFX_EMULATOR_PYTHON"

_EXIT_UNAVAILABLE = 3  # fleet.py: lifx-emulator-core is not importable
# A tile chain's state is tens of kilobytes on one line; asyncio's default
# 64 KiB line limit would be too tight for a large fleet's "states".
_LINE_LIMIT = 16 * 1024 * 1024
_STDERR_LINES_KEPT = 200
_QUIT_TIMEOUT = 5.0
_TERMINATE_TIMEOUT = 2.0


class EmulatorUnavailable(Exception):
    """The emulator's interpreter or package is missing; the test should skip."""


class EmulatorError(RuntimeError):
    """The emulator subprocess failed, died or broke its protocol."""


@dataclass(frozen=True, slots=True)
class EmulatedDevice:
    """Where one emulated device listens."""

    serial: str
    host: str
    port: int
    product_id: int
    label: str


def emulator_python(python: Path | None = None) -> Path:
    """Return the interpreter to run the fleet with, or raise EmulatorUnavailable.

    That is ``python`` if given, else $LIFX_EMULATOR_PYTHON, else the
    interpreter of ``<repo>/.venv-emulator``.
    """
    override = os.environ.get(EMULATOR_PYTHON_ENV)
    if python is not None:
        path = python
    elif override:
        path = Path(override)
    else:
        path = ROOT / ".venv-emulator" / "bin" / "python"
    if not os.access(path, os.X_OK):
        raise EmulatorUnavailable(
            f"LIFX emulator interpreter {path} is missing; run scripts/setup to "
            f"create .venv-emulator (or set {EMULATOR_PYTHON_ENV})"
        )
    return path


class EmulatorFleet:
    """Async context manager owning one fleet.py subprocess.

    Commands are serialised: each writes one JSON line and reads the reply
    with the same ``id``, so a command abandoned by a cancelled test cannot
    hand its late reply to the next one.
    """

    def __init__(
        self,
        spec: Sequence[Mapping[str, Any]],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        port_per_device: bool = False,
        mdns: bool = False,
        ipv6_host: str = "::1",
        start_timeout: float = 30.0,
        command_timeout: float = 10.0,
        log_level: str = "WARNING",
        python: Path | None = None,
    ) -> None:
        """Describe the fleet; nothing starts until ``async with``.

        Args:
            spec: One mapping per device, as fleet.py documents (serial,
                product_id, and optionally label, zones, tiles, power, color,
                location, group, firmware, extended_multizone, relays).
            host: Loopback address to bind.
            port: UDP port for the shared server, 0 for any free port.
            port_per_device: Give every device its own server and port.
            mdns: Advertise every device as _lifx._udp.local. (mDNS).
            ipv6_host: The IPv6 address the emulator also binds, on the same
                port (two fleets on one port need two).
            start_timeout: Seconds to wait for the fleet to listen.
            command_timeout: Seconds to wait for each control reply.
            log_level: The emulator's stderr log level.
            python: Interpreter to use instead of the emulator venv's.

        """
        self._spec_json = json.dumps([dict(device) for device in spec])
        self._host = host
        self._port = port
        self._port_per_device = port_per_device
        self._mdns = mdns
        self._ipv6_host = ipv6_host
        self._start_timeout = start_timeout
        self._command_timeout = command_timeout
        self._log_level = log_level
        self._python = python
        self._process: asyncio.subprocess.Process | None = None
        self._stderr_task: asyncio.Task[None] | None = None
        self._stderr: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES_KEPT)
        self._lock = asyncio.Lock()
        self._ids = itertools.count(1)
        self._ready: dict[str, Any] = {}
        self._devices: list[EmulatedDevice] = []

    # Lifecycle

    async def __aenter__(self) -> Self:
        """Start the subprocess and wait until every device listens."""
        python = emulator_python(self._python)
        args = [
            # Isolated mode: ignore PYTHON* variables and the user site, so
            # the emulator venv is all the child can import
            "-I",
            str(FLEET_SCRIPT),
            "--spec",
            self._spec_json,
            "--host",
            self._host,
            "--port",
            str(self._port),
            "--ipv6-host",
            self._ipv6_host,
            "--log-level",
            self._log_level,
        ]
        if self._port_per_device:
            args.append("--port-per-device")
        if self._mdns:
            args.append("--mdns")
        self._process = await asyncio.create_subprocess_exec(
            str(python),
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            # Without the variables that would load Home Assistant's venv's packages
            env=child_env(),
            limit=_LINE_LIMIT,
        )
        # Drained continuously: a child blocked on a full stderr pipe would
        # stop answering, and the tail makes failures explainable.
        assert self._process.stderr is not None
        self._stderr_task = asyncio.create_task(
            self._pump_stderr(self._process.stderr), name="lifx-emulator-stderr"
        )
        try:
            await self._wait_ready()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the subprocess, leaving nothing running."""
        await self.close()

    async def _wait_ready(self) -> None:
        try:
            async with asyncio.timeout(self._start_timeout):
                message = await self._read_message()
        except TimeoutError:
            raise EmulatorError(
                f"LIFX emulator did not become ready within {self._start_timeout} s"
                f"{self._stderr_tail()}"
            ) from None
        if message.get("ready") is not True:
            error = message.get("error", message)
            if message.get("reason") == "unavailable":
                raise EmulatorUnavailable(f"{error}; run scripts/setup")
            raise EmulatorError(f"LIFX emulator failed to start: {error}{self._stderr_tail()}")
        self._ready = message
        self._devices = [
            EmulatedDevice(
                serial=str(device["serial"]),
                host=str(device["host"]),
                port=int(device["port"]),
                product_id=int(device["product_id"]),
                label=str(device["label"]),
            )
            for device in message["devices"]
        ]

    async def close(self) -> None:
        """Ask the fleet to quit, then terminate and kill it if it lingers."""
        process = self._process
        if process is None:
            return
        self._process = None
        try:
            await stop_child(
                process, quit_timeout=_QUIT_TIMEOUT, terminate_timeout=_TERMINATE_TIMEOUT
            )
            if process.stdout is not None:
                # Read to EOF so the pipe transport closes with the process
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(_TERMINATE_TIMEOUT):
                        await process.stdout.read()
        finally:
            if self._stderr_task is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(_TERMINATE_TIMEOUT):
                        await asyncio.shield(self._stderr_task)
                self._stderr_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._stderr_task
                self._stderr_task = None
        if process.returncode not in (0, None):
            _LOGGER.warning(
                "LIFX emulator exited with %s%s",
                process.returncode,
                self._stderr_tail(),
            )

    # Plumbing

    async def _pump_stderr(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            text = line.decode(errors="replace").rstrip()
            self._stderr.append(text)
            _LOGGER.debug("emulator: %s", text)

    def _stderr_tail(self) -> str:
        if not self._stderr:
            return ""
        return "\nemulator stderr (last lines):\n" + "\n".join(self._stderr)

    async def _read_message(self) -> dict[str, Any]:
        """Read one JSON line from the child, failing clearly if it died."""
        process = self._process
        if process is None or process.stdout is None:
            raise EmulatorError("LIFX emulator is not running")
        line = await process.stdout.readline()
        if not line:
            # EOF: the child exited. Wait for it so the exit status (and, via
            # the stderr pump reaching EOF, the last of stderr) is known.
            returncode = await process.wait()
            if self._stderr_task is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(_TERMINATE_TIMEOUT):
                        await asyncio.shield(self._stderr_task)
            if returncode == _EXIT_UNAVAILABLE:
                raise EmulatorUnavailable(
                    f"lifx-emulator-core is not usable by the emulator interpreter;"
                    f" run scripts/setup{self._stderr_tail()}"
                )
            raise EmulatorError(
                f"LIFX emulator exited with status {returncode}{self._stderr_tail()}"
            )
        try:
            message = json.loads(line)
        except json.JSONDecodeError as err:
            raise EmulatorError(
                f"LIFX emulator wrote a non-JSON line {line!r}{self._stderr_tail()}"
            ) from err
        if not isinstance(message, dict):
            raise EmulatorError(f"LIFX emulator wrote {message!r}, not an object")
        return message

    # Commands

    async def command(self, cmd: str, **fields: Any) -> dict[str, Any]:
        """Send one control command and return its reply.

        Raises:
            EmulatorError: The fleet rejected the command or stopped answering.

        """
        process = self._process
        if process is None or process.stdin is None:
            raise EmulatorError("LIFX emulator is not running")
        async with self._lock:
            request_id = next(self._ids)
            line = json.dumps({**fields, "cmd": cmd, "id": request_id})
            try:
                process.stdin.write(line.encode() + b"\n")
                await process.stdin.drain()
            except ConnectionError as err:
                raise EmulatorError(
                    f"LIFX emulator stopped reading commands{self._stderr_tail()}"
                ) from err
            try:
                async with asyncio.timeout(self._command_timeout):
                    while True:
                        reply = await self._read_message()
                        # Earlier ids are replies to commands whose callers
                        # were cancelled while waiting
                        if reply.get("id") == request_id:
                            break
            except TimeoutError:
                raise EmulatorError(
                    f"LIFX emulator did not answer {cmd!r} within "
                    f"{self._command_timeout} s{self._stderr_tail()}"
                ) from None
        if reply.get("ok") is not True:
            raise EmulatorError(f"LIFX emulator rejected {cmd!r}: {reply.get('error')}")
        return reply

    async def state(self, serial: str) -> dict[str, Any]:
        """Return everything the emulator knows about one device.

        Keys: serial, product_id, vendor, firmware [major, minor], label,
        location, group, online, power (0-65535), color ([h, s, b, k] as
        LightGet reports it, the zone average on strips and tiles; None on a
        switch), stored_color, zones (list of [h, s, b, k] or None),
        zone_count, tiles (list of {index, width, height, user_x, user_y,
        colors} or None), tile_count, infrared (int or None), hev (dict or
        None), relays (list of levels or None), multizone_effect,
        tile_effect, in_transition, final (power/zones/tiles at the end of a
        running fade, or None) and capabilities.
        """
        reply = await self.command("state", serial=serial)
        result: dict[str, Any] = reply["state"]
        return result

    async def states(self) -> dict[str, dict[str, Any]]:
        """Return the state of every device, keyed by serial."""
        reply = await self.command("states")
        result: dict[str, dict[str, Any]] = reply["states"]
        return result

    async def set_offline(self, serial: str, offline: bool = True) -> None:
        """Make a device ignore every datagram (True) or answer again (False)."""
        await self.command("offline", serial=serial, offline=offline)

    async def set_loss(
        self,
        rate: float,
        *,
        seed: int | None = None,
        serial: str | None = None,
        direction: str = "both",
    ) -> None:
        """Drop datagrams at random; rate 0 clears it.

        Args:
            rate: Probability, 0 to 1, of losing each datagram.
            seed: Seed for a repeatable sequence of losses.
            serial: Limit the loss to one device (default: all).
            direction: "in" (requests lost, device unchanged), "out" (device
                acts, its reply is lost) or "both".

        """
        fields: dict[str, Any] = {"rate": rate, "direction": direction}
        if seed is not None:
            fields["seed"] = seed
        if serial is not None:
            fields["serial"] = serial
        await self.command("loss", **fields)

    async def set_state(self, serial: str, **changes: Any) -> dict[str, Any]:
        """Change a device behind the client's back; returns its new state.

        Accepts power, color ([h, s, b, k]), label, zones (list of
        [h, s, b, k] from zone 0), infrared and relays (list of levels).
        """
        reply = await self.command("set", serial=serial, **changes)
        result: dict[str, Any] = reply["state"]
        return result

    async def stats(self) -> dict[str, Any]:
        """Return the emulator's packet counters and the injected drops."""
        reply = await self.command("stats")
        return {k: v for k, v in reply.items() if k not in ("ok", "id")}

    # Addresses

    @property
    def devices(self) -> list[EmulatedDevice]:
        """Every device and where it listens, in spec order."""
        return list(self._devices)

    def device(self, serial: str) -> EmulatedDevice:
        """Return one device by serial."""
        for device in self._devices:
            if device.serial == serial.lower():
                return device
        raise KeyError(serial)

    @property
    def port(self) -> int:
        """The port every device shares (not meaningful with port_per_device)."""
        return self._devices[0].port

    @property
    def host(self) -> str:
        """The loopback address the devices listen on."""
        return self._devices[0].host

    @property
    def ready_message(self) -> dict[str, Any]:
        """The fleet's raw ready line (also has emulator_version and pid)."""
        return dict(self._ready)
