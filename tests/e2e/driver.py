"""Drive a real Home Assistant with lifx_lan against emulated LIFX devices, as a user would.

Run by tests/e2e/test_e2e.py inside fresh network and PID namespaces that have only
loopback (``unshare --net --pid --fork``), so nothing it starts can reach a real network,
and everything it starts dies with it::

    python -m tests.e2e.driver --config DIR --artifacts DIR --result FILE

It starts two emulated fleets (seven devices answering on 127.0.0.1:56700, the standard
port that discovery asks, and one more on 127.0.0.1:56701 that only an address typed by
hand reaches), later two more (one device on 127.0.0.1:56702 that only its mDNS
announcement names, and one on 127.0.0.2:56700 for Home Assistant's core LIFX
integration), and `python -m homeassistant` on a prepared config folder, then goes
through the steps in STEPS: onboarding over HTTP, the config flow over REST (discovery,
typed addresses and zeroconf), entities and attributes, actions read back from the
emulators, a light group, an automation, the frontend in headless Chromium with
screenshots, and the takeover of a bulb core's LIFX integration ran. Each step's outcome
goes to the JSON result file; a step whose prerequisite failed is reported as not run.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import colorsys
import contextlib
import ctypes
from dataclasses import asdict, dataclass, field
import errno
import fcntl
import json
import math
import os
from pathlib import Path
import socket
import struct
import sys
import time
import traceback
from typing import Any

import aiohttp

from custom_components.lifx_lan.protocol.products import lookup
from devtools.emulator.process import EmulatorFleet
from tests.e2e.browser import Browser, BrowserError, find_chromium
from tests.e2e.hass import BASE_URL, CLIENT_ID, HassClient, HassError, HassProcess

MAIN_PORT = 56700
MANUAL_PORT = 56701
ANNOUNCED_PORT = 56702
# Serials 16 apart: a LIFX device's Wi-Fi MAC is its serial, or from firmware 3.70 the
# serial plus one, so consecutive serials would give two devices the same MAC and Home
# Assistant's device registry would merge them.
COLOUR, WHITE, STRIP, TILES, CEILING, SWITCH, CLEAN, NIGHT, CORE_BULB = (
    f"d073d5e200{n:x}0" for n in range(1, 10)
)
MAIN_FLEET: list[dict[str, Any]] = [
    {"serial": COLOUR, "product_id": 27, "label": "Colour bulb", "group": "Living Room"},
    {"serial": WHITE, "product_id": 50, "label": "White bulb", "group": "Bedroom"},
    {"serial": STRIP, "product_id": 117, "label": "Z strip", "zones": 120, "group": "Kitchen"},
    {"serial": TILES, "product_id": 55, "label": "Tiles", "tiles": 5, "group": "Living Room"},
    {"serial": CEILING, "product_id": 201, "label": "Ceiling", "group": "Kitchen"},
    {"serial": SWITCH, "product_id": 70, "label": "Switch", "group": "Hall"},
    {"serial": CLEAN, "product_id": 90, "label": "Clean", "group": "Bedroom"},
]
# Reached only by typing its address: discovery asks port 56700
MANUAL_FLEET: list[dict[str, Any]] = [
    {"serial": NIGHT, "product_id": 29, "label": "Night vision", "group": "Hall"},
]
# Reached only through its _lifx._udp.local. announcement, which names its port
ANNOUNCED = "d073d5e200a0"
ANNOUNCED_FLEET: list[dict[str, Any]] = [
    {"serial": ANNOUNCED, "product_id": 27, "label": "Announced bulb", "group": "Hall"},
]
# Run by Home Assistant's core LIFX integration first, then taken over: at an address of its
# own on the standard port (core reaches devices only there), which discovery does not ask.
CORE_HOST = "127.0.0.2"
# The emulator binds IPv6 on the same port too: not ::1, where the main fleet listens.
CORE_IPV6_HOST = "fd00::2"
CORE_FLEET: list[dict[str, Any]] = [
    {"serial": CORE_BULB, "product_id": 27, "label": "Core bulb", "group": "Study"},
]
LABELS = {d["serial"]: d["label"] for d in MAIN_FLEET + MANUAL_FLEET}
# Model names from LIFX's product registry, written out independently of the integration
MODELS = {
    COLOUR: "LIFX A19",
    WHITE: "LIFX Mini White to Warm",
    STRIP: "LIFX Z US",
    TILES: "LIFX Tile",
    CEILING: 'LIFX Ceiling 13x26" US',
    SWITCH: "LIFX Switch",
    CLEAN: "LIFX Clean",
    NIGHT: "LIFX A19 Night Vision",
}
LIGHTS = (COLOUR, WHITE, STRIP, TILES, CEILING, CLEAN, NIGHT)
# Picked in the discovery form; the rest come through typed addresses
DISCOVERY_PICK = [COLOUR, WHITE, STRIP, TILES, CEILING]
GROUP_MEMBERS = (COLOUR, WHITE, CEILING)
DASHBOARD = "lifx-e2e"
SCENE = "scene.e2e_look"
LEVEL = 65535
# Conversions between Home Assistant's units and LIFX levels round; 1 % is far tighter
# than any real mistake (a swapped field, a wrong scale) and looser than any rounding.
TOLERANCE = LEVEL // 100

# Errors that come from the machine, not from Home Assistant or lifx_lan, with why
ENVIRONMENT_NOISE = (
    # The camera helper wants the libturbojpeg system library (Debian: libturbojpeg0)
    "Error loading libturbojpeg",
    # The ffmpeg integration (loaded by the assist pipeline in 2026) wants the ffmpeg program
    "FFmpeg fails [Errno 2] No such file or directory: 'ffmpeg'",
)

# name, seconds allowed, the steps it needs
STEPS: list[tuple[str, float, tuple[str, ...]]] = [
    ("namespace", 10, ()),
    ("fleet", 60, ("namespace",)),
    ("hass_start", 150, ("fleet",)),
    ("onboarding", 120, ("hass_start",)),
    ("config_flow_discovery", 60, ("onboarding",)),
    ("config_flow_manual", 60, ("config_flow_discovery",)),
    ("entities", 60, ("config_flow_manual",)),
    ("light_commands", 60, ("entities",)),
    ("cells", 60, ("entities",)),
    ("segments", 60, ("entities",)),
    ("scenes", 60, ("entities",)),
    ("switches", 30, ("entities",)),
    ("effects", 30, ("entities",)),
    ("group", 60, ("entities",)),
    ("automation", 60, ("entities",)),
    ("repairs", 10, ("entities",)),
    ("frontend", 120, ("entities",)),
    ("zeroconf_discovery", 60, ("config_flow_manual",)),
    ("core_takeover", 120, ("entities",)),
    ("shutdown", 60, ("hass_start",)),
    ("hass_log", 10, ("shutdown",)),
]
STEP_NAMES = [name for name, _, _ in STEPS]


class StepSkipped(Exception):
    """The machine lacks something this step needs (not a failure of the product)."""


async def visit_file(browser: Browser, page: Path) -> None:
    """Open a local page and wait until it has drawn."""
    await browser.goto(page.as_uri())
    await browser.wait_for_text(["lifx_lan.set_cells"])


def _kelvin_rgb(kelvin: int) -> tuple[float, float, float]:
    """The colour of a white point, 0..1 each (the usual black-body fit)."""
    t = kelvin / 100
    if t <= 66:
        red = 255.0
        green = 99.4708025861 * math.log(t) - 161.1195681661
        blue = 0.0 if t <= 19 else 138.5177312231 * math.log(t - 10) - 305.0447927307
    else:
        red = 329.698727446 * (t - 60) ** -0.1332047592
        green = 288.1221695283 * (t - 60) ** -0.0755148492
        blue = 255.0
    red, green, blue = (max(0.0, min(255.0, c)) / 255 for c in (red, green, blue))
    return red, green, blue


def _css(colour: list[int]) -> str:
    """A cell's HSBK as the CSS colour it looks like (dim cells kept visible)."""
    hue, saturation, brightness, kelvin = colour
    tint = colorsys.hsv_to_rgb(hue / 65536, 1.0, 1.0)
    white = _kelvin_rgb(kelvin)
    share = saturation / 65535
    level = (brightness / 65535) ** 0.5
    red, green, blue = (
        round(255 * level * (share * c + (1 - share) * w)) for c, w in zip(tint, white, strict=True)
    )
    return f"rgb({red},{green},{blue})"


def _grid(state: dict[str, Any], call: dict[str, Any], dark: frozenset[int]) -> str:
    """Every tile of a device as a grid; the cells the call named outlined, dark ones hatched."""
    rows: list[str] = []
    x0, y0, width, height = call["x"], call["y"], call["width"], call["height"]
    for index, tile in enumerate(state["tiles"]):
        named = call.get("tile", index) == index
        cells = []
        for zone, colour in enumerate(tile["colors"]):
            x, y = zone % tile["width"], zone // tile["width"]
            inside = named and x0 <= x < x0 + width and y0 <= y < y0 + height
            classes = " ".join(
                name for name, on in (("named", inside), ("dark", zone in dark)) if on
            )
            cells.append(f'<i class="{classes}" style="background:{_css(colour)}"></i>')
        rows.append(
            f'<figure><div class="grid" style="grid-template-columns:repeat({tile["width"]},'
            f' 18px)">{"".join(cells)}</div><figcaption>tile {index}</figcaption></figure>'
        )
    return "".join(rows)


def cells_page(calls: list[dict[str, Any]], read: dict[str, dict[str, Any]]) -> str:
    """The cells of the tile chain and the Ceiling as read back after lifx_lan.set_cells."""
    sections = []
    for serial, call in zip((TILES, CEILING), calls, strict=True):
        state = read[serial]
        product = next(d for d in MAIN_FLEET if d["serial"] == serial)["product_id"]
        dark = lookup(product).dark_zones
        fields = "\n".join(
            f"  {key}: {json.dumps(value)}" for key, value in call.items() if key != "entity_id"
        )
        sections.append(
            f"<section><h2>{LABELS[serial]} ({MODELS[serial]})</h2>"
            f"<pre>action: lifx_lan.set_cells\ntarget:\n  entity_id: {call['entity_id']}\n"
            f'data:\n{fields}</pre><div class="tiles">{_grid(state, call, dark)}</div>'
            "</section>"
        )
    return f"""<!doctype html><meta charset="utf-8"><title>lifx_lan.set_cells</title>
<style>
body {{ font: 14px sans-serif; background: #1c1c1c; color: #e1e1e1; margin: 0; }}
main {{ display: inline-block; padding: 16px; max-width: 900px; }}
h1 {{ font-size: 18px; }} h2 {{ font-size: 15px; margin: 12px 0 4px; }}
pre {{ background: #2b2b2b; padding: 6px 10px; display: inline-block; margin: 0 0 8px; }}
.tiles {{ display: flex; gap: 14px; flex-wrap: wrap; }}
figure {{ margin: 0; }} figcaption {{ text-align: center; font-size: 12px; }}
.grid {{ display: grid; gap: 2px; }}
.grid i {{ width: 18px; height: 18px; border-radius: 3px; box-sizing: border-box; }}
.grid i.named {{ outline: 2px solid #fff; outline-offset: -1px; }}
.grid i.dark {{ background: repeating-linear-gradient(45deg, #333 0 3px, #555 3px 6px)
  !important; }}
</style>
<main>
<h1>lifx_lan.set_cells in the end-to-end run: every cell as read back from the emulated
devices afterwards (outlined: the rectangle asked for; hatched: no LED, skipped)</h1>
{"".join(sections)}
</main>
"""


@dataclass
class StepResult:
    """How one step went."""

    name: str
    status: str  # passed, failed, skipped
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Result:
    """Everything the pytest side reads."""

    steps: list[StepResult] = field(default_factory=list)
    ha_version: str | None = None
    artifacts: list[str] = field(default_factory=list)


def near(actual: int, expected: float, what: str) -> None:
    """Assert a 16-bit level is within TOLERANCE of what was asked."""
    if abs(actual - expected) > TOLERANCE:
        raise AssertionError(f"{what}: emulator has {actual}, expected about {round(expected)}")


def hue_level(degrees: float) -> float:
    return degrees / 360 * LEVEL


class _SockaddrIn(ctypes.Structure):
    _fields_ = (
        ("family", ctypes.c_ushort),
        ("port", ctypes.c_ushort),
        ("addr", ctypes.c_char * 4),
        ("zero", ctypes.c_char * 8),
    )


class _RtEntry(ctypes.Structure):
    """struct rtentry of <linux/route.h>, for SIOCADDRT."""

    _fields_ = (
        ("pad1", ctypes.c_ulong),
        ("dst", _SockaddrIn),
        ("gateway", _SockaddrIn),
        ("genmask", _SockaddrIn),
        ("flags", ctypes.c_ushort),
        ("pad2", ctypes.c_short),
        ("pad3", ctypes.c_ulong),
        ("pad4", ctypes.c_void_p),
        ("metric", ctypes.c_short),
        ("dev", ctypes.c_char_p),
        ("mtu", ctypes.c_ulong),
        ("window", ctypes.c_ulong),
        ("irtt", ctypes.c_ushort),
    )


def bring_up_loopback() -> None:
    """`ip link set lo up multicast on; ip route add 224.0.0.0/4 dev lo`, without iproute2.

    A new network namespace starts with lo down and no routes. A multicast route, which a
    host on a real LAN has through its default route, lets Home Assistant's zeroconf join
    its group; without it every integration that opens an HTTP session (analytics...)
    fails to set up. Unicast to anything but 127.0.0.0/8 stays unroutable.
    """
    siocgifflags, siocsifflags, siocaddrt = 0x8913, 0x8914, 0x890B
    iff_up, iff_multicast, rtf_up = 0x1, 0x1000, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, siocgifflags, request))[1]
        flags |= iff_up | iff_multicast
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH", b"lo", flags))
        route = _RtEntry(
            dst=_SockaddrIn(socket.AF_INET, 0, socket.inet_aton("224.0.0.0")),
            genmask=_SockaddrIn(socket.AF_INET, 0, socket.inet_aton("240.0.0.0")),
            flags=rtf_up,
            dev=b"lo",
        )
        fcntl.ioctl(sock, siocaddrt, bytes(route))


def add_loopback_ipv6(address: str) -> None:
    """`ip -6 addr add ADDRESS/128 dev lo`, without iproute2 (struct in6_ifreq, SIOCSIFADDR)."""
    siocsifaddr = 0x8916
    request = struct.pack(
        "16sIi", socket.inet_pton(socket.AF_INET6, address), 128, socket.if_nametoindex("lo")
    )
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        fcntl.ioctl(sock, siocsifaddr, request)


class Driver:
    """The steps, in order, sharing the processes and clients they start."""

    def __init__(self, config_dir: Path, artifacts: Path) -> None:
        self.config_dir = config_dir
        self.artifacts = artifacts
        self.result = Result()
        self.fleet: EmulatorFleet | None = None
        self.manual_fleet: EmulatorFleet | None = None
        self.announced_fleet: EmulatorFleet | None = None
        self.core_fleet: EmulatorFleet | None = None
        self.hass = HassProcess(config_dir)
        self.session: aiohttp.ClientSession | None = None
        self.client: HassClient | None = None
        self.browser: Browser | None = None
        # (serial, key) -> entity_id, from the entity registry
        self.entity: dict[tuple[str, str], str] = {}
        self.devices: dict[str, dict[str, Any]] = {}
        self.entries: dict[str, dict[str, Any]] = {}
        # The strip's segment lights, once step_segments made them
        self.segment_names: list[str] = []
        self.scene_name = ""
        self.group_entity = ""
        # What step_cells asked for and read back, drawn by step_frontend
        self.cells_calls: list[dict[str, Any]] = []
        self.cells_read: dict[str, dict[str, Any]] = {}

    @property
    def api(self) -> HassClient:
        assert self.client is not None
        return self.client

    @property
    def emulator(self) -> EmulatorFleet:
        assert self.fleet is not None
        return self.fleet

    def light(self, serial: str) -> str:
        return self.entity[(serial, "light")]

    async def emulated(self, serial: str) -> dict[str, Any]:
        """A device's state as its emulator holds it, fades projected to their end."""
        fleet = {NIGHT: self.manual_fleet, CORE_BULB: self.core_fleet}.get(serial, self.fleet)
        assert fleet is not None
        state = await fleet.state(serial)
        if state.get("final"):
            state = {**state, **state["final"]}
        return state

    async def wait_emulated(
        self, serial: str, check: Callable[[dict[str, Any]], None], timeout: float = 10.0
    ) -> dict[str, Any]:
        """Poll the emulator until check(state) stops raising."""
        deadline = time.monotonic() + timeout
        while True:
            state = await self.emulated(serial)
            try:
                check(state)
                return state
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
            await asyncio.sleep(0.2)

    # --- Steps ---------------------------------------------------------------------------

    async def step_namespace(self) -> str:
        """Only loopback exists, and no route leads anywhere else."""
        bring_up_loopback()
        interfaces = [name for _, name in socket.if_nameindex()]
        if interfaces != ["lo"]:
            raise AssertionError(f"the namespace has interfaces {interfaces}, not only lo")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            try:
                sock.connect(("192.0.2.1", 53))  # TEST-NET-1: never a real host
            except OSError as err:
                if err.errno != errno.ENETUNREACH:
                    raise
            else:
                raise AssertionError("a route to 192.0.2.1 exists inside the namespace")
        return f"interfaces {interfaces}, multicast route on lo; 192.0.2.1 unreachable"

    async def step_fleet(self) -> str:
        self.fleet = await EmulatorFleet(MAIN_FLEET, port=MAIN_PORT).__aenter__()
        self.manual_fleet = await EmulatorFleet(MANUAL_FLEET, port=MANUAL_PORT).__aenter__()
        return (
            f"{len(MAIN_FLEET)} devices on 127.0.0.1:{MAIN_PORT}, "
            f"{len(MANUAL_FLEET)} on 127.0.0.1:{MANUAL_PORT}; emulator "
            f"{self.fleet.ready_message.get('emulator_version')}"
        )

    async def step_hass_start(self) -> str:
        self.session = aiohttp.ClientSession()
        self.client = HassClient(self.session)
        started = time.monotonic()
        await self.hass.start()
        await self.hass.wait_http(self.session)
        return f"HTTP up after {time.monotonic() - started:.1f} s"

    async def step_onboarding(self) -> str:
        onboarding = await self.api.request("GET", "/api/onboarding", auth=False)
        pending = [step["step"] for step in onboarding if not step["done"]]
        if "user" not in pending or "core_config" in pending:
            raise AssertionError(f"unexpected onboarding state before start: {onboarding}")
        tokens = await self.api.onboard()
        if not tokens.get("refresh_token"):
            raise AssertionError(f"no refresh token from /auth/token: {tokens}")
        onboarding = await self.api.request("GET", "/api/onboarding", auth=False)
        if not all(step["done"] for step in onboarding):
            raise AssertionError(f"onboarding not finished: {onboarding}")
        config = await self.api.wait_running()
        self.result.ha_version = config.get("version")
        domains = sorted({entry["domain"] for entry in await self.api.entries("")})
        cloud = {"met", "radio_browser", "google_translate", "shopping_list"} & set(domains)
        if cloud:
            raise AssertionError(f"onboarding created {sorted(cloud)}")
        return f"Home Assistant {config.get('version')} running; config entries: {domains}"

    def _pick_options(self, form: dict[str, Any]) -> list[str]:
        field_ = next(f for f in form["data_schema"] if f["name"] == "devices")
        return [option["value"] for option in field_["selector"]["select"]["options"]]

    async def step_config_flow_discovery(self) -> str:
        """Add integration -> LIFX LAN -> the form lists discovered devices; pick five."""
        form = await self.api.flow_start("lifx_lan")
        if form.get("type") != "form" or form.get("step_id") != "user":
            raise AssertionError(f"expected the pick form, got {form}")
        offered = self._pick_options(form)
        expected = [*sorted(d["serial"] for d in MAIN_FLEET), "manual"]
        if sorted(offered) != sorted(expected):
            raise AssertionError(f"the form offers {offered}, expected {expected}")
        done = await self.api.flow_step(form["flow_id"], {"devices": DISCOVERY_PICK})
        if done.get("type") != "create_entry":
            raise AssertionError(f"picking devices gave {done}")
        entries = await self._wait_entries(len(DISCOVERY_PICK))
        titles = sorted(entry["title"] for entry in entries)
        wanted = sorted(LABELS[s] for s in DISCOVERY_PICK)
        if titles != wanted:
            raise AssertionError(f"entries {titles}, expected {wanted}")
        return (
            f"offered {len(offered) - 1} devices + manual; picked {len(DISCOVERY_PICK)}: {titles}"
        )

    async def _wait_entries(self, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Wait for count lifx_lan entries, all loaded."""
        deadline = time.monotonic() + timeout
        entries: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            entries = await self.api.entries("lifx_lan")
            if len(entries) == count and all(e["state"] == "loaded" for e in entries):
                return entries
            await asyncio.sleep(0.3)
        states = [(e["title"], e["state"]) for e in entries]
        raise AssertionError(f"expected {count} loaded entries, have {states}")

    async def step_config_flow_manual(self) -> str:
        """'Enter an address': a bad one, a lone device, and an address several answer at."""
        form = await self.api.flow_start("lifx_lan")
        manual = await self.api.flow_step(form["flow_id"], {"devices": ["manual"]})
        if manual.get("step_id") != "manual":
            raise AssertionError(f"picking 'manual' gave {manual}")
        bad = await self.api.flow_step(manual["flow_id"], {"host": "not a host!"})
        if bad.get("errors") != {"host": "invalid_host"}:
            raise AssertionError(f"an invalid host gave {bad}")
        # A lone device at its own port: the entry is created at once
        done = await self.api.flow_step(manual["flow_id"], {"host": f"127.0.0.1:{MANUAL_PORT}"})
        if done.get("type") != "create_entry" or done.get("title") != LABELS[NIGHT]:
            raise AssertionError(f"typing 127.0.0.1:{MANUAL_PORT} gave {done}")

        # An address where several devices answer (a bridge, or this emulator): the pick
        # form comes back with those not yet added
        form = await self.api.flow_start("lifx_lan")
        manual = await self.api.flow_step(form["flow_id"], {"devices": ["manual"]})
        pick = await self.api.flow_step(manual["flow_id"], {"host": "127.0.0.1"})
        if pick.get("step_id") != "user":
            raise AssertionError(f"typing 127.0.0.1 gave {pick}")
        offered = sorted(self._pick_options(pick))
        if offered != sorted([SWITCH, CLEAN, "manual"]):
            raise AssertionError(f"the address offered {offered}")
        done = await self.api.flow_step(pick["flow_id"], {"devices": [SWITCH, CLEAN]})
        if done.get("type") != "create_entry":
            raise AssertionError(f"picking at 127.0.0.1 gave {done}")
        entries = await self._wait_entries(len(LABELS))
        self.entries = {entry["title"]: entry for entry in entries}
        return (
            f"invalid host refused; 127.0.0.1:{MANUAL_PORT} added {LABELS[NIGHT]!r}; "
            f"127.0.0.1 offered {offered}; {len(entries)} entries loaded"
        )

    async def step_entities(self) -> str:
        """Registries and states over the websocket API, as the frontend reads them."""
        registry = await self.api.ws("config/entity_registry/list")
        mine = [e for e in registry if e["platform"] == "lifx_lan"]
        for entry in mine:
            serial, _, key = entry["unique_id"].partition("_")
            self.entity[(serial, key)] = entry["entity_id"]
        devices = await self.api.ws("config/device_registry/list")
        for device in devices:
            for domain, identifier in device["identifiers"]:
                if domain == "lifx_lan":
                    self.devices[identifier] = device
        problems: list[str] = []
        for serial, label in LABELS.items():
            device = self.devices.get(serial)
            if device is None:
                problems.append(f"no device {serial}")
                continue
            if (device["name"], device["manufacturer"], device["model"]) != (
                label,
                "LIFX",
                MODELS[serial],
            ):
                problems.append(
                    f"{serial}: device {device['name']!r} {device['manufacturer']!r} "
                    f"{device['model']!r}"
                )
            if device.get("serial_number") != serial:
                problems.append(f"{serial}: serial_number {device.get('serial_number')!r}")
            keys = {"restart", "rssi"} | ({"light", "identify"} if serial in LIGHTS else set())
            keys |= {
                SWITCH: {f"relay_{i}" for i in range(4)},
                CLEAN: {"hev_cycle", "hev_cleaning", "hev_remaining", "hev_last_result"},
                NIGHT: {"infrared_brightness"},
            }.get(serial, set())
            missing = sorted(k for k in keys if (serial, k) not in self.entity)
            if missing:
                problems.append(f"{label}: no entities {missing}")
        if (SWITCH, "light") in self.entity:
            problems.append("the Switch has a light entity")
        rssi = [e for e in mine if e["unique_id"].endswith("_rssi")]
        if any(e["disabled_by"] != "integration" for e in rssi):
            problems.append("signal strength sensors should be disabled by default")

        states = {s["entity_id"]: s for s in await self.api.states()}
        expectations = {
            COLOUR: {"hs", "color_temp"},
            WHITE: {"color_temp"},
            STRIP: {"hs", "color_temp"},
            TILES: {"hs", "color_temp"},
            CEILING: {"hs", "color_temp"},
            CLEAN: {"hs", "color_temp"},
            NIGHT: {"hs", "color_temp"},
        }
        for serial, modes in expectations.items():
            entity_id = self.entity.get((serial, "light"))
            state = states.get(entity_id or "")
            if state is None:
                problems.append(f"{LABELS[serial]}: no light state")
                continue
            attributes = state["attributes"]
            emulated = await self.emulated(serial)
            want_state = "on" if emulated["power"] else "off"
            if state["state"] != want_state:
                problems.append(f"{entity_id} is {state['state']}, emulator says {want_state}")
            if set(attributes.get("supported_color_modes", [])) != modes:
                problems.append(f"{entity_id} modes {attributes.get('supported_color_modes')}")
            if attributes.get("friendly_name") != LABELS[serial]:
                problems.append(f"{entity_id} is named {attributes.get('friendly_name')!r}")
            low, high = (
                attributes.get("min_color_temp_kelvin"),
                attributes.get("max_color_temp_kelvin"),
            )
            if not (isinstance(low, int) and isinstance(high, int) and 1500 <= low < high <= 9000):
                problems.append(f"{entity_id} kelvin range {low}..{high}")
        for index in range(4):
            entity_id = self.entity.get((SWITCH, f"relay_{index}"), "")
            if states.get(entity_id, {}).get("state") not in ("on", "off"):
                problems.append(f"{entity_id} state {states.get(entity_id)}")
        select = states.get(self.entity.get((NIGHT, "infrared_brightness"), ""), {})
        if select.get("attributes", {}).get("options") != ["off", "low", "medium", "high"]:
            problems.append(f"infrared select {select}")
        if problems:
            raise AssertionError("; ".join(problems))
        return f"{len(self.devices)} devices, {len(mine)} entities ({len(rssi)} disabled RSSI)"

    async def step_light_commands(self) -> str:
        """light.turn_on with colour, kelvin, brightness and transition; light.turn_off."""
        # Colour and brightness with a 2 s fade: the fade must still be running right after
        # the call (the duration reached the device), and end at the asked colour.
        await self.api.action(
            "light",
            "turn_on",
            entity_id=self.light(COLOUR),
            hs_color=[120, 50],
            brightness=128,
            transition=2,
        )
        raw = await self.emulator.state(COLOUR)
        if not raw["in_transition"]:
            raise AssertionError(f"no fade running after transition=2: {raw}")

        def colour_arrived(state: dict[str, Any]) -> None:
            hue, saturation, brightness, _ = state["stored_color"]
            near(hue, hue_level(120), "hue")
            near(saturation, LEVEL / 2, "saturation")
            near(brightness, 128 / 255 * LEVEL, "brightness")
            assert state["power"] == LEVEL, f"power {state['power']}"

        await self.wait_emulated(COLOUR, colour_arrived)
        await self.api.wait_state(
            self.light(COLOUR),
            lambda s: (
                s["state"] == "on"
                and s["attributes"].get("brightness") == 128
                and abs(s["attributes"]["hs_color"][0] - 120) < 1
            ),
        )

        # Kelvin on a white-only bulb
        await self.api.action(
            "light",
            "turn_on",
            entity_id=self.light(WHITE),
            color_temp_kelvin=3000,
            brightness_pct=40,
        )

        def white_arrived(state: dict[str, Any]) -> None:
            _, saturation, brightness, kelvin = state["stored_color"]
            assert kelvin == 3000, f"kelvin {kelvin}"
            assert saturation == 0, f"saturation {saturation}"
            near(brightness, 0.4 * LEVEL, "brightness")

        await self.wait_emulated(WHITE, white_arrived)
        await self.api.wait_state(
            self.light(WHITE),
            lambda s: (
                s["attributes"].get("color_temp_kelvin") == 3000
                and s["attributes"].get("color_mode") == "color_temp"
            ),
        )

        # Every zone of an extended-multizone strip
        await self.api.action(
            "light", "turn_on", entity_id=self.light(STRIP), hs_color=[240, 100], brightness=255
        )

        def strip_arrived(state: dict[str, Any]) -> None:
            zones = state["zones"]
            assert len(zones) == 120, f"{len(zones)} zones"
            for index, (hue, saturation, brightness, _) in enumerate(zones):
                near(hue, hue_level(240), f"zone {index} hue")
                near(saturation, LEVEL, f"zone {index} saturation")
                near(brightness, LEVEL, f"zone {index} brightness")

        await self.wait_emulated(STRIP, strip_arrived)

        # Every pixel of every tile of a chain, then off
        await self.api.action(
            "light", "turn_on", entity_id=self.light(TILES), hs_color=[0, 100], brightness=200
        )

        def tiles_arrived(state: dict[str, Any]) -> None:
            assert state["power"] == LEVEL, f"power {state['power']}"
            for tile in state["tiles"]:
                for hue, saturation, brightness, _ in tile["colors"]:
                    assert hue < TOLERANCE or hue > LEVEL - TOLERANCE, f"tile hue {hue}"
                    near(saturation, LEVEL, "tile saturation")
                    near(brightness, 200 / 255 * LEVEL, "tile brightness")

        await self.wait_emulated(TILES, tiles_arrived)
        await self.api.action("light", "turn_off", entity_id=self.light(TILES), transition=0)
        await self.wait_emulated(TILES, lambda s: self._assert_power(s, 0))
        await self.api.wait_state(self.light(TILES), lambda s: s["state"] == "off")
        return (
            "colour+brightness with a 2 s fade, kelvin+brightness on a white bulb, "
            "120 strip zones, 5 tiles, tiles off: all read back from the emulators"
        )

    async def step_cells(self) -> str:
        """lifx_lan.set_cells: a rectangle on tile 3 of the chain and on the 16x8 Ceiling."""
        tiles_before = [tile["colors"] for tile in (await self.emulated(TILES))["tiles"]]
        tile_call = {
            "entity_id": self.light(TILES),
            "tile": 3,
            "x": 2,
            "y": 1,
            "width": 3,
            "height": 4,
            "hs_color": [240, 100],
            "brightness_pct": 50,
        }
        await self.api.action("lifx_lan", "set_cells", **tile_call)
        rectangle = {y * 8 + x for y in range(1, 5) for x in range(2, 5)}

        def tile_painted(state: dict[str, Any]) -> None:
            tiles = [tile["colors"] for tile in state["tiles"]]
            for index, (tile, before) in enumerate(zip(tiles, tiles_before, strict=True)):
                for zone, (colour, was) in enumerate(zip(tile, before, strict=True)):
                    if index == 3 and zone in rectangle:
                        hue, saturation, brightness, _ = colour
                        near(hue, hue_level(240), f"tile 3 cell {zone} hue")
                        near(saturation, LEVEL, f"tile 3 cell {zone} saturation")
                        near(brightness, LEVEL / 2, f"tile 3 cell {zone} brightness")
                    else:
                        assert colour == was, f"tile {index} cell {zone}: {was} -> {colour}"

        self.cells_read[TILES] = await self.wait_emulated(TILES, tile_painted)

        # Rows 5 to 7 at the Ceiling's left edge: cells 112 and 113 have no LED.
        (ceiling_before,) = [tile["colors"] for tile in (await self.emulated(CEILING))["tiles"]]
        ceiling_call = {
            "entity_id": self.light(CEILING),
            "x": 0,
            "y": 5,
            "width": 3,
            "height": 3,
            "hs_color": [120, 100],
            "brightness_pct": 80,
        }
        await self.api.action("lifx_lan", "set_cells", **ceiling_call)
        lit = {y * 16 + x for y in range(5, 8) for x in range(3)} - {112, 113}

        def ceiling_painted(state: dict[str, Any]) -> None:
            ((width, height),) = [(t["width"], t["height"]) for t in state["tiles"]]
            assert (width, height) == (16, 8), f"a {width}x{height} Ceiling"
            colours = state["tiles"][0]["colors"]
            for zone, (colour, was) in enumerate(zip(colours, ceiling_before, strict=True)):
                if zone in lit:
                    hue, saturation, brightness, _ = colour
                    near(hue, hue_level(120), f"Ceiling cell {zone} hue")
                    near(saturation, LEVEL, f"Ceiling cell {zone} saturation")
                    near(brightness, LEVEL * 0.8, f"Ceiling cell {zone} brightness")
                else:
                    assert colour == was, f"cell {zone}: {was} -> {colour}"

        self.cells_read[CEILING] = await self.wait_emulated(CEILING, ceiling_painted)
        self.cells_calls = [tile_call, ceiling_call]
        return (
            "a 3x4 rectangle on tile 3 of 5 and a 3x3 corner of the 16x8 Ceiling (its two "
            "cells without LED skipped): painted cells and every other cell read back"
        )

    async def step_segments(self) -> str:
        """Three segments of the strip set in its options, then driven as lights."""
        entry_id = self.entries[LABELS[STRIP]]["entry_id"]
        path = "config_entries/options/flow"
        form = await self.api.flow_start(entry_id, path=path)
        form = await self.api.flow_step(form["flow_id"], {"poll_interval": 10}, path=path)
        if form.get("step_id") != "segments":
            raise AssertionError(f"the strip's options gave {form}")
        text = "Desk: 0-39\nShelf: 40-79\nWindow: 80-119"
        saved = await self.api.flow_step(form["flow_id"], {"segments": text}, path=path)
        if saved.get("type") != "create_entry":
            raise AssertionError(f"saving the segments gave {saved}")
        lights: dict[str, str] = {}
        deadline = time.monotonic() + 20
        while len(lights) < 3:
            if time.monotonic() > deadline:
                raise AssertionError(f"segment lights after the reload: {lights}")
            await asyncio.sleep(0.25)
            registry = await self.api.ws("config/entity_registry/list")
            lights = {
                e["unique_id"].removeprefix(f"{STRIP}_segment_"): e["entity_id"]
                for e in registry
                if e["unique_id"].startswith(f"{STRIP}_segment_")
            }
        for entity_id in lights.values():
            await self.api.wait_state(entity_id, lambda s: s["state"] in ("on", "off"))
        before = (await self.emulated(STRIP))["zones"]

        await self.api.action(
            "light", "turn_on", entity_id=lights["desk"], hs_color=[120, 100], brightness=255
        )
        await self.api.action("light", "turn_off", entity_id=lights["shelf"])

        def painted(state: dict[str, Any]) -> None:
            zones = state["zones"]
            for index in range(40):
                near(zones[index][0], hue_level(120), f"desk zone {index} hue")
                near(zones[index][2], LEVEL, f"desk zone {index} brightness")
            for index in range(40, 80):
                assert zones[index][2] == 0, f"shelf zone {index}: {zones[index]}"
            assert zones[80:] == before[80:], "the window's zones changed"

        await self.wait_emulated(STRIP, painted)
        for name in ("desk", "window"):
            await self.api.action("light", "turn_off", entity_id=lights[name])
        await self.wait_emulated(STRIP, lambda s: self._assert_power(s, 0))
        await self.api.action("light", "turn_on", entity_id=lights["window"])

        def window_alone(state: dict[str, Any]) -> None:
            self._assert_power(state, LEVEL)
            zones = state["zones"]
            assert all(zone[2] == 0 for zone in zones[:80]), "desk or shelf lit"
            assert all(zone[2] > 0 for zone in zones[80:]), "window dark"

        await self.wait_emulated(STRIP, window_alone)
        self.segment_names = ["Desk", "Shelf", "Window"]
        return (
            f"{', '.join(sorted(lights.values()))}: desk green and shelf off leave the window; "
            "all off switches the strip off; the window on lights alone"
        )

    async def step_scenes(self) -> str:
        """A LIFX scene of the strip, the tile chain and the Ceiling: captured, painted
        over, restored with scene.turn_on and read back zone for zone, cell for cell."""
        devices = (STRIP, TILES, CEILING)

        def picture(state: dict[str, Any]) -> list[list[int]]:
            if state.get("tiles"):
                return [list(c) for tile in state["tiles"] for c in tile["colors"]]
            return [list(c) for c in state["zones"]]

        captured = {serial: picture(await self.emulated(serial)) for serial in devices}
        await self.api.action(
            "lifx_lan",
            "create_scene",
            entity_id=[self.light(serial) for serial in devices],
            name="E2E look",
        )
        await self.api.wait_state(SCENE, lambda s: s["state"] != "unavailable")
        await self.api.action(
            "light",
            "turn_on",
            entity_id=[self.light(serial) for serial in devices],
            hs_color=[0, 100],
            brightness=255,
        )

        def flat_red(state: dict[str, Any]) -> None:
            for index, (hue, saturation, brightness, _) in enumerate(picture(state)):
                assert (hue, saturation, brightness) == (0, LEVEL, LEVEL), f"zone {index}"

        for serial in devices:
            await self.wait_emulated(serial, flat_red)
        await self.api.action("scene", "turn_on", entity_id=SCENE)

        def restored(serial: str) -> Callable[[dict[str, Any]], None]:
            def check(state: dict[str, Any]) -> None:
                now = picture(state)
                assert len(now) == len(captured[serial]), f"{len(now)} zones"
                for index, (colour, was) in enumerate(zip(now, captured[serial], strict=True)):
                    for part, (level, expected) in enumerate(zip(colour, was, strict=True)):
                        near(level, expected, f"{serial} zone {index} part {part}")

            return check

        for serial in devices:
            await self.wait_emulated(serial, restored(serial))
        self.scene_name = "E2E look"
        zones = sum(len(picture) for picture in captured.values())
        return (
            f"{SCENE}: {zones} zones and cells of the strip, the 5-tile chain and the Ceiling "
            "painted red over, then read back as captured after scene.turn_on"
        )

    @staticmethod
    def _assert_power(state: dict[str, Any], power: int) -> None:
        assert state["power"] == power, f"power {state['power']}, expected {power}"

    async def step_switches(self) -> str:
        """A relay of the LIFX Switch, both ways, and the HEV clean cycle."""
        relay = self.entity[(SWITCH, "relay_1")]
        await self.api.action("switch", "turn_on", entity_id=relay)

        def relay_is(level: int) -> Callable[[dict[str, Any]], None]:
            def check(state: dict[str, Any]) -> None:
                assert state["relays"][1] == level, f"relays {state['relays']}"

            return check

        await self.wait_emulated(SWITCH, relay_is(LEVEL))
        await self.api.wait_state(relay, lambda s: s["state"] == "on")
        await self.api.action("switch", "turn_off", entity_id=relay)
        await self.wait_emulated(SWITCH, relay_is(0))
        await self.api.wait_state(relay, lambda s: s["state"] == "off")

        cycle = self.entity[(CLEAN, "hev_cycle")]
        await self.api.action("switch", "turn_on", entity_id=cycle)

        def cleaning(state: dict[str, Any]) -> None:
            assert state["hev"]["remaining_s"] > 0, f"hev {state['hev']}"

        await self.wait_emulated(CLEAN, cleaning)
        await self.api.wait_state(cycle, lambda s: s["state"] == "on")
        return f"{relay} on then off, {cycle} started: read back from the emulator"

    async def _waveforms(self) -> int:
        """SetWaveform and SetWaveformOptional packets the main fleet has received."""
        stats = await self.emulator.stats()
        return sum(
            server["packets_received_by_type"].get(kind, 0)
            for server in stats["servers"]
            for kind in ("103", "119")
        )

    async def step_effects(self) -> str:
        """flash: short on a light, and the Identify button: both send a waveform."""
        before = await self._waveforms()
        await self.api.action("light", "turn_on", entity_id=self.light(COLOUR), flash="short")
        after_flash = await self._waveforms()
        if after_flash <= before:
            raise AssertionError("flash sent no waveform to the device")
        await self.api.action("button", "press", entity_id=self.entity[(WHITE, "identify")])
        after_identify = await self._waveforms()
        if after_identify <= after_flash:
            raise AssertionError("identify sent no waveform to the device")
        return f"waveform packets: {before} -> {after_flash} (flash) -> {after_identify} (identify)"

    async def step_group(self) -> str:
        """A light group made in Helpers, then one action on it reaches every member."""
        members = [self.light(serial) for serial in GROUP_MEMBERS]
        menu = await self.api.flow_start("group")
        form = await self.api.flow_step(menu["flow_id"], {"next_step_id": "light"})
        if form.get("step_id") != "light":
            raise AssertionError(f"the group menu gave {form}")
        done = await self.api.flow_step(
            form["flow_id"], {"name": "LIFX bulbs", "entities": members, "hide_members": False}
        )
        if done.get("type") != "create_entry":
            raise AssertionError(f"creating the group gave {done}")
        registry = await self.api.ws("config/entity_registry/list")
        self.group_entity = next(
            e["entity_id"]
            for e in registry
            if e["platform"] == "group" and e["config_entry_id"] == done["result"]["entry_id"]
        )
        await self.api.wait_state(self.group_entity, lambda s: s["state"] in ("on", "off"))

        await self.api.action(
            "light",
            "turn_on",
            entity_id=self.group_entity,
            color_temp_kelvin=4000,
            brightness_pct=30,
        )

        def white_4000(state: dict[str, Any]) -> None:
            _, saturation, brightness, kelvin = state["stored_color"]
            assert state["power"] == LEVEL, f"power {state['power']}"
            assert kelvin == 4000, f"kelvin {kelvin}"
            assert saturation == 0, f"saturation {saturation}"
            near(brightness, 0.3 * LEVEL, "brightness")

        for serial in GROUP_MEMBERS:
            await self.wait_emulated(serial, white_4000)
        await self.api.action("light", "turn_off", entity_id=self.group_entity)
        for serial in GROUP_MEMBERS:
            await self.wait_emulated(serial, lambda s: self._assert_power(s, 0))
        await self.api.wait_state(self.group_entity, lambda s: s["state"] == "off")
        return f"{self.group_entity} ({', '.join(members)}): 4000 K at 30 %, then off"

    async def step_automation(self) -> str:
        """An automation made in the editor fires when a bulb is switched off elsewhere."""
        # Poll every 2 s (the options dialog), so a change made outside Home Assistant
        # shows up quickly
        entry_id = self.entries[LABELS[COLOUR]]["entry_id"]
        options = await self.api.flow_start(entry_id, path="config_entries/options/flow")
        saved = await self.api.flow_step(
            options["flow_id"], {"poll_interval": 2}, path="config_entries/options/flow"
        )
        if saved.get("type") != "create_entry":
            raise AssertionError(f"the options flow gave {saved}")

        light, relay = self.light(COLOUR), self.entity[(SWITCH, "relay_3")]
        await self.api.action("light", "turn_on", entity_id=light)
        await self.api.wait_state(light, lambda s: s["state"] == "on")
        await self.api.action("switch", "turn_off", entity_id=relay)
        await self.wait_emulated(SWITCH, lambda s: self._assert_relay(s, 3, 0))

        automation_id = "lifx_e2e_colour_bulb_off"
        saved = await self.api.request(
            "POST",
            f"/api/config/automation/config/{automation_id}",
            json_body={
                "id": automation_id,
                "alias": "Colour bulb off turns relay 4 on",
                "description": "Written by the lifx_lan end-to-end test",
                "triggers": [{"trigger": "state", "entity_id": light, "from": "on", "to": "off"}],
                "conditions": [],
                "actions": [{"action": "switch.turn_on", "target": {"entity_id": relay}}],
                "mode": "single",
            },
        )
        if saved != {"result": "ok"}:
            raise AssertionError(f"saving the automation gave {saved}")
        automation = await self._wait_automation(automation_id)
        if automation["state"] != "on":
            raise AssertionError(f"the automation is {automation['state']}")

        # Switched off as the LIFX app or a wall switch would: behind Home Assistant's back
        await self.emulator.set_state(COLOUR, power=0)
        await self.api.wait_state(light, lambda s: s["state"] == "off", timeout=15)
        fired = await self.api.wait_state(
            automation["entity_id"],
            lambda s: s["attributes"].get("last_triggered") is not None,
            timeout=10,
        )
        await self.wait_emulated(SWITCH, lambda s: self._assert_relay(s, 3, LEVEL))
        return (
            f"{fired['entity_id']} fired at {fired['attributes']['last_triggered']} when the "
            f"emulated bulb was switched off; relay 4 is on in the emulator"
        )

    @staticmethod
    def _assert_relay(state: dict[str, Any], index: int, level: int) -> None:
        assert state["relays"][index] == level, f"relays {state['relays']}"

    async def _wait_automation(self, automation_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for state in await self.api.states():
                if (
                    state["entity_id"].startswith("automation.")
                    and state["attributes"].get("id") == automation_id
                ):
                    return state
            await asyncio.sleep(0.3)
        raise AssertionError(f"automation {automation_id} never appeared")

    async def step_repairs(self) -> str:
        """No repair issue about lifx_lan, and no notification, after all of the above."""
        issues = await self.api.ws("repairs/list_issues")
        issues = issues.get("issues", []) if isinstance(issues, dict) else issues
        ours = [
            issue
            for issue in issues
            if "lifx_lan" in (issue.get("domain"), issue.get("issue_domain"))
        ]
        notifications = await self.api.ws("persistent_notification/get")
        problems = []
        if ours:
            problems.append(f"repair issues about lifx_lan: {ours}")
        if notifications:
            problems.append(f"notifications: {notifications}")
        if problems:
            raise AssertionError("; ".join(problems))
        others = sorted(f"{i.get('domain')}.{i.get('issue_id')}" for i in issues)
        return f"no lifx_lan repair issues, no notifications; other issues: {others or 'none'}"

    async def step_core_takeover(self) -> str:
        """Core's LIFX integration runs a bulb an automation uses; LIFX LAN takes it over."""
        # Started only now, and run last but one: its IPv6 address on loopback (see
        # CORE_IPV6_HOST) leaves Home Assistant's zeroconf with a socket it cannot send on.
        add_loopback_ipv6(CORE_IPV6_HOST)
        self.core_fleet = await EmulatorFleet(
            CORE_FLEET, host=CORE_HOST, port=MAIN_PORT, ipv6_host=CORE_IPV6_HOST
        ).__aenter__()
        # Add integration -> LIFX -> the bulb's address, as a core user once did
        form = await self.api.flow_start("lifx")
        added = await self.api.flow_step(form["flow_id"], {"host": CORE_HOST})
        if added.get("type") != "create_entry":
            raise AssertionError(f"core's LIFX config flow gave {added}")
        light = await self._wait_registered("lifx", "light")
        await self.api.wait_state(light, lambda s: s["state"] in ("on", "off"), timeout=30)
        automation_id = "lifx_e2e_core_bulb_on"
        saved = await self.api.request(
            "POST",
            f"/api/config/automation/config/{automation_id}",
            json_body={
                "id": automation_id,
                "alias": "Study light on",
                "description": "Written by the lifx_lan end-to-end test for core's bulb",
                "triggers": [{"trigger": "event", "event_type": "lifx_e2e_study"}],
                "conditions": [],
                "actions": [
                    {
                        "action": "light.turn_on",
                        "target": {"entity_id": light},
                        "data": {"brightness_pct": 40},
                    }
                ],
                "mode": "single",
            },
        )
        if saved != {"result": "ok"}:
            raise AssertionError(f"saving the automation gave {saved}")
        await self._wait_automation(automation_id)

        # Add integration -> LIFX LAN now offers the takeover first
        menu = await self.api.flow_start("lifx_lan")
        if menu.get("type") != "menu" or "take_over" not in menu.get("menu_options", []):
            raise AssertionError(f"expected the takeover menu, got {menu}")
        confirm = await self.api.flow_step(menu["flow_id"], {"next_step_id": "take_over"})
        if confirm.get("step_id") != "take_over":
            raise AssertionError(f"choosing the takeover gave {confirm}")
        done = await self.api.flow_step(confirm["flow_id"], {})
        if done.get("reason") != "takeover_successful":
            raise AssertionError(f"the takeover gave {done}")
        if core_entries := await self.api.entries("lifx"):
            raise AssertionError(f"core LIFX entries left: {core_entries}")
        moved = await self.api.ws("config/entity_registry/get", entity_id=light)
        if moved.get("platform") != "lifx_lan":
            raise AssertionError(f"{light} belongs to {moved.get('platform')}")

        assert self.core_fleet is not None
        await self.core_fleet.set_state(CORE_BULB, power=0)
        await self.api.wait_state(light, lambda s: s["state"] == "off", timeout=30)
        await self.api.request("POST", "/api/events/lifx_e2e_study", json_body={})
        state = await self.wait_emulated(CORE_BULB, lambda s: self._assert_power(s, LEVEL))
        near(state["color"][2], 0.4 * LEVEL, "brightness")
        return (
            f"core's {light} is LIFX LAN's now; the automation written for it turned the "
            f"emulated bulb on at 40 %"
        )

    async def _wait_registered(self, platform: str, domain: str) -> str:
        """The entity id of the first entity of a platform and domain to register."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for entry in await self.api.ws("config/entity_registry/list"):
                if entry["platform"] == platform and entry["entity_id"].startswith(f"{domain}."):
                    return str(entry["entity_id"])
            await asyncio.sleep(0.3)
        raise AssertionError(f"no {domain} entity of {platform} registered")

    async def _make_dashboard(self) -> None:
        """A dashboard as one would build it in the UI: lights, the switch, the Clean bulb."""
        await self.api.ws(
            "lovelace/dashboards/create",
            url_path=DASHBOARD,
            title="LIFX",
            icon="mdi:lightbulb-group",
            show_in_sidebar=True,
            require_admin=False,
            mode="storage",
        )
        lights = [self.light(serial) for serial in LIGHTS]
        if self.group_entity:
            lights.append(self.group_entity)
        cards = [
            {"type": "entities", "title": "LIFX lights", "entities": lights},
            {
                "type": "entities",
                "title": "LIFX Switch",
                "entities": [self.entity[(SWITCH, f"relay_{i}")] for i in range(4)],
            },
            {
                "type": "entities",
                "title": "LIFX Clean",
                "entities": [
                    self.entity[(CLEAN, key)]
                    for key in ("hev_cycle", "hev_cleaning", "hev_remaining", "hev_last_result")
                ],
            },
            {
                "type": "entities",
                "title": "Night vision",
                "entities": [self.entity[(NIGHT, "infrared_brightness")]],
            },
        ]
        await self.api.ws(
            "lovelace/config/save",
            url_path=DASHBOARD,
            config={"title": "LIFX", "views": [{"title": "LIFX", "path": "lifx", "cards": cards}]},
        )

    async def step_frontend(self) -> str:
        """The integration page and a dashboard in headless Chromium, logged in."""
        await self._make_dashboard()
        binary = find_chromium()
        if binary is None:
            raise StepSkipped("no Chromium on this machine (apt-get install chromium)")
        self.browser = Browser(binary, self.config_dir.parent / "chromium-profile")
        await self.browser.start()
        await self.browser.login_with(BASE_URL, self.api.tokens, CLIENT_ID)
        shots: list[str] = []

        async def visit(path: str, wanted: list[str], name: str) -> str:
            assert self.browser is not None
            await self.browser.goto(f"{BASE_URL}{path}")
            text = await self.browser.wait_for_text(wanted)
            target = self.artifacts / name
            size = await self.browser.screenshot(target)
            shots.append(f"{name} ({size // 1024} KiB)")
            self.result.artifacts.append(str(target))
            return text

        await visit(
            "/config/integrations/integration/lifx_lan",
            ["LIFX LAN", *LABELS.values()],
            "integration.png",
        )
        await visit(
            f"/{DASHBOARD}/lifx",
            [
                "LIFX lights",
                *(LABELS[s] for s in LIGHTS),
                "Relay 1",
                "Clean cycle",
                "Infrared brightness",
            ],
            "dashboard.png",
        )
        strip = self.devices[STRIP]["id"]
        await visit(
            f"/config/devices/device/{strip}",
            ["Z strip", "LIFX Z US", "Identify", "Restart", *self.segment_names],
            "device.png",
        )
        if self.scene_name:
            await visit("/config/scene/dashboard", [self.scene_name], "scenes.png")
        if self.cells_calls:
            await self._show_cells_action(visit)
            page = self.artifacts / "cells.html"
            await asyncio.to_thread(page.write_text, cells_page(self.cells_calls, self.cells_read))
            await visit_file(self.browser, page)
            target = self.artifacts / "cells.png"
            box = await self.browser.evaluate(
                "JSON.stringify(document.querySelector('main').getBoundingClientRect())"
            )
            size = await self.browser.screenshot(target, clip=json.loads(box))
            shots.append(f"cells.png ({size // 1024} KiB)")
            self.result.artifacts.append(str(target))
        return "rendered and saved " + ", ".join(shots)

    async def _show_cells_action(self, visit: Callable[..., Awaitable[str]]) -> None:
        """Developer tools -> Actions, filled in with the tile chain's set_cells call.

        The page keeps its last action in local storage; the call is put there before the
        page loads, as if the user had typed it.
        """
        assert self.browser is not None
        call = dict(self.cells_calls[0])
        entity_id = call.pop("entity_id")
        state = {"action": "lifx_lan.set_cells", "target": {"entity_id": entity_id}, "data": call}
        await self.browser.evaluate(
            "localStorage.setItem('panel-dev-action-state-service-data', "
            f"{json.dumps(json.dumps(state))});"
            "localStorage.setItem('panel-dev-action-state-yaml-mode', 'false');"
        )
        # The action's name sits in the picker's input (no page text): its fields show it.
        wanted = ["Index of the tile in the chain", "Transition"]
        try:
            await visit("/developer-tools/action", wanted, "cells-action.png")
        except BrowserError:
            await self.browser.screenshot(self.artifacts / "cells-action-failed.png")
            raise

    async def step_zeroconf_discovery(self) -> str:
        """A device that only its mDNS announcement names is offered, confirmed and added.

        Its emulator advertises _lifx._udp.local. on loopback (multicast is on there), Home
        Assistant's zeroconf integration hands the announcement to lifx_lan, and the flow
        probes the announced address and port before it asks for confirmation.
        """
        # Other steps (the core takeover) may have added entries of their own.
        entries_before = len(await self.api.entries("lifx_lan"))
        self.announced_fleet = await EmulatorFleet(
            ANNOUNCED_FLEET, port=ANNOUNCED_PORT, mdns=True
        ).__aenter__()
        deadline = time.monotonic() + 30
        while True:
            progress = await self.api.ws("config_entries/flow/progress")
            flow = next(
                (
                    f
                    for f in progress
                    if f["handler"] == "lifx_lan"
                    and f["context"].get("source") == "zeroconf"
                    and f["context"].get("unique_id") == ANNOUNCED
                ),
                None,
            )
            if flow is not None:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"no zeroconf flow for {ANNOUNCED}; in progress: {progress}")
            await asyncio.sleep(0.5)
        if flow["step_id"] != "discovery_confirm":
            raise AssertionError(f"the zeroconf flow waits at {flow}")
        done = await self.api.flow_step(flow["flow_id"], {})
        label = ANNOUNCED_FLEET[0]["label"]
        if done.get("type") != "create_entry" or done.get("title") != label:
            raise AssertionError(f"confirming the announced device gave {done}")
        entries = await self._wait_entries(entries_before + 1)
        entry = next(e for e in entries if e["title"] == label)
        if entry["source"] != "zeroconf":
            raise AssertionError(f"the entry came from {entry['source']}")
        return (
            f"announced {ANNOUNCED} on 127.0.0.1:{ANNOUNCED_PORT}: zeroconf flow confirmed, "
            f"entry {label!r} loaded"
        )

    async def step_shutdown(self) -> str:
        """Close the browser, stop Home Assistant (SIGTERM) and the emulators."""
        await self._close_browser()
        if self.client is not None:
            await self.client.close()
        if self.session is not None:
            await self.session.close()
            self.session = None
        code = await self.hass.stop()
        await self._close_fleets()
        if code not in (0, None):
            raise AssertionError(f"Home Assistant exited with {code}:\n{self.hass.output_tail()}")
        return f"Home Assistant exited with {code}"

    async def step_hass_log(self) -> str:
        """No error at all, and no warning about lifx_lan, in Home Assistant's log.

        Warnings about lifx_lan include Home Assistant's "Detected that custom integration
        'lifx_lan' uses ..., which will stop working in ..." deprecation reports.
        """
        log = self.hass.log_path.read_text(errors="replace")
        bad: list[str] = []
        tolerated: list[str] = []
        for line in log.splitlines():
            if " ERROR " in line or " CRITICAL " in line:
                if any(noise in line for noise in ENVIRONMENT_NOISE):
                    tolerated.append(line)
                else:
                    bad.append(line)
            elif (
                " WARNING " in line
                and "lifx_lan" in line
                and "has not been tested by Home Assistant" not in line
            ):
                bad.append(line)
        if bad:
            raise AssertionError("Home Assistant logged:\n" + "\n".join(bad[:30]))
        note = f"; tolerated: {tolerated}" if tolerated else ""
        return f"{len(log.splitlines())} log lines, no errors, no warnings about lifx_lan{note}"

    # --- Running -------------------------------------------------------------------------

    async def _close_browser(self) -> None:
        if self.browser is not None:
            browser, self.browser = self.browser, None
            await browser.close()

    async def _close_fleets(self) -> None:
        for fleet in (self.fleet, self.manual_fleet, self.announced_fleet, self.core_fleet):
            if fleet is not None:
                await fleet.close()
        self.fleet = self.manual_fleet = self.announced_fleet = self.core_fleet = None

    async def run(self) -> Result:
        """Every step in order; always ends with nothing running."""
        status: dict[str, str] = {}
        try:
            for name, timeout, needs in STEPS:
                blocked = [need for need in needs if status.get(need) != "passed"]
                if blocked:
                    step = StepResult(name, "failed", f"not run: {', '.join(blocked)} did not pass")
                else:
                    step = await self._run_step(name, timeout)
                status[name] = step.status
                self.result.steps.append(step)
                print(f"[e2e] {step.name}: {step.status} ({step.seconds:.1f} s) {step.detail}")
                sys.stdout.flush()
        finally:
            # Steps that failed midway leave things running; so might an interruption
            await self._close_browser()
            if self.session is not None:
                await self.session.close()
            await self.hass.stop()
            await self._close_fleets()
        return self.result

    async def _run_step(self, name: str, timeout: float) -> StepResult:
        method: Callable[[], Awaitable[str]] = getattr(self, f"step_{name}")
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                detail = await method()
            status = "passed"
        except StepSkipped as err:
            status, detail = "skipped", str(err)
        except TimeoutError:
            status, detail = "failed", f"timed out after {timeout} s"
        except (AssertionError, HassError) as err:
            status, detail = "failed", str(err) or repr(err)
        except Exception:  # Reported as the step's failure; the other steps go on
            status, detail = "failed", traceback.format_exc()
        return StepResult(name, status, detail, round(time.monotonic() - started, 1))


async def main_async(args: argparse.Namespace) -> int:
    driver = Driver(args.config, args.artifacts)
    result = await driver.run()
    args.result.write_text(json.dumps(asdict(result), indent=2))
    return 0 if all(step.status != "failed" for step in result.steps) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--config", type=Path, required=True, help="prepared config folder")
    parser.add_argument("--artifacts", type=Path, required=True, help="where screenshots go")
    parser.add_argument("--result", type=Path, required=True, help="JSON result file")
    args = parser.parse_args()
    if os.getpid() != 1:
        print("[e2e] warning: not PID 1 of a fresh PID namespace", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(main_async(args))
    return 130


if __name__ == "__main__":
    sys.exit(main())
