"""Serve a fleet of emulated LIFX devices over loopback UDP, driven by JSON lines.

This script is the emulator side of the lifx_lan tests, bench and develop. It runs in its own
virtualenv (``.venv-emulator``) because ``lifx-emulator-core`` cannot share Home
Assistant's pins, so it imports nothing from this repository or from Home
Assistant: it is a separate program, as a real bulb is a separate machine.

Usage::

    .venv-emulator/bin/python devtools/emulator/fleet.py \
        --spec '[{"serial": "d073d5000001", "product_id": 27, "label": "Kitchen"}]' \
        [--host 127.0.0.1] [--port 0] [--port-per-device] [--mdns]

Device spec keys: ``serial`` (12 hex digits) and ``product_id`` are required;
optional ``label``, ``zones`` (multizone products), ``tiles`` (chain products),
``power`` (0-65535), ``color`` ([h, s, b, k]), ``location``, ``group``,
``firmware`` ([major, minor]), ``extended_multizone`` (bool) and ``relays``
(bool or relay count, switches only; see "Relays" below).

``--mdns`` advertises every device as ``_lifx._udp.local.`` over mDNS on the bound
address (TXT ``id`` = serial, and the fleet's port), as LIFX firmware does; the
multicast group must be routable there (in a namespace: lo with multicast on).

Once every device listens, exactly one line is printed to stdout::

    {"ready": true, "devices": [{"serial": ..., "host": ..., "port": ...,
     "product_id": ...}, ...], ...}

(or ``{"ready": false, "error": ..., "reason": ...}`` followed by a non-zero
exit). After that stdin takes one JSON object per line and every request gets
exactly one JSON line back, ``{"ok": true, ...}`` or ``{"ok": false, "error":
...}``, echoing ``id`` when the request had one:

* ``{"cmd": "state", "serial": s}`` -> ``{"ok": true, "state": {...}}``
* ``{"cmd": "states"}`` -> ``{"ok": true, "states": {serial: {...}}}``
* ``{"cmd": "offline", "serial": s, "offline": true}``: the device stops
  answering (unicast and broadcast) and ignores every request until resumed.
* ``{"cmd": "loss", "rate": 0.3, "seed": 1, "serial": s?, "direction": d?}``:
  drop datagrams at random; ``direction`` is ``"in"`` (requests never reach
  the device, so no state change), ``"out"`` (the device acts but its
  acknowledgement or reply is lost) or ``"both"`` (default); without
  ``serial`` the rate applies to every device, and rate 0 clears it.
* ``{"cmd": "set", "serial": s, "power"?, "color"?, "label"?, "zones"?,
  "infrared"?, "relays"?}``: change state behind the client's back, as the
  LIFX app or a wall switch would.
* ``{"cmd": "stats"}``: the emulator's packet counters.
* ``{"cmd": "ping"}``; ``{"cmd": "quit"}`` or EOF on stdin: stop and exit 0.

Relays: lifx-emulator-core 3.15.0 removes the Relay messages (816-818) from
its protocol tables, so a Switch answers them with StateUnhandled. To let the
tests exercise relays anyway, this script adds GetRPower/SetRPower/StateRPower
to Switch products (on by default, ``"relays": false`` turns it off). That
part is ours, not the independent emulator's, so it checks wire plumbing
rather than our reading of the protocol.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import dataclasses
import importlib
import ipaddress
import json
import logging
import os
import random
import signal
import socket
import struct
import sys
import threading
from types import ModuleType
from typing import Any, ClassVar

_LOGGER = logging.getLogger("lifx_lan.tests.fleet")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BAD_SPEC = 2
EXIT_UNAVAILABLE = 3

_UINT16_MAX = 0xFFFF
_DEFAULT_RELAY_COUNT = 4
# Relay messages from the LIFX LAN protocol (absent from the emulator's tables)
_GET_RPOWER = 816
_SET_RPOWER = 817
_STATE_RPOWER = 818
# Bytes 8..13 of every LIFX header hold the target serial; a reply carries its
# sender's serial there, which is how outbound loss knows whose reply it is.
_TARGET_SLICE = slice(8, 14)
_SPEC_KEYS = frozenset(
    {
        "serial",
        "product_id",
        "label",
        "zones",
        "tiles",
        "power",
        "color",
        "location",
        "group",
        "firmware",
        "extended_multizone",
        "relays",
    }
)
_DIRECTIONS = frozenset({"in", "out", "both"})
_STDIN_FD = 0


class SpecError(ValueError):
    """The fleet spec or a control command is invalid."""


class _Emulator:
    """The parts of lifx-emulator-core this script uses, imported at run time.

    Imported through importlib rather than import statements because the
    package ships no type information and is absent from Home Assistant's
    virtualenv, where mypy checks this file too; attribute access on a module
    is ``Any`` either way.
    """

    def __init__(self) -> None:
        self.root: ModuleType = importlib.import_module("lifx_emulator")
        self.devices: ModuleType = importlib.import_module("lifx_emulator.devices")
        self.transitions: ModuleType = importlib.import_module("lifx_emulator.devices.transitions")
        self.factories: ModuleType = importlib.import_module("lifx_emulator.factories")
        self.registry: ModuleType = importlib.import_module("lifx_emulator.products.registry")
        self.repositories: ModuleType = importlib.import_module("lifx_emulator.repositories")
        self.packets: ModuleType = importlib.import_module("lifx_emulator.protocol.packets")
        self.types: ModuleType = importlib.import_module("lifx_emulator.protocol.protocol_types")

    @property
    def version(self) -> str:
        """The installed lifx-emulator-core version."""
        return str(self.root.__version__)

    def hsbk(self, value: Any, what: str) -> Any:
        """Build a LightHsbk from a JSON [h, s, b, k] list."""
        hue, saturation, brightness, kelvin = _parse_hsbk(value, what)
        return self.types.LightHsbk(
            hue=hue, saturation=saturation, brightness=brightness, kelvin=kelvin
        )

    @property
    def relays_native(self) -> bool:
        """Whether this emulator version implements the Relay messages itself."""
        return _GET_RPOWER in self.packets.PACKET_REGISTRY


# --- Spec parsing -----------------------------------------------------------


def _parse_int(value: Any, what: str, low: int, high: int) -> int:
    """Return value as an int within [low, high], rejecting bools and floats."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{what} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise SpecError(f"{what} must be between {low} and {high}, got {value}")
    return value


def _parse_hsbk(value: Any, what: str) -> tuple[int, int, int, int]:
    """Validate a JSON [hue, saturation, brightness, kelvin] list of uint16s."""
    if not isinstance(value, list) or len(value) != 4:
        raise SpecError(f"{what} must be [hue, saturation, brightness, kelvin]")
    hue, saturation, brightness, kelvin = (_parse_int(part, what, 0, _UINT16_MAX) for part in value)
    return hue, saturation, brightness, kelvin


def _parse_serial(value: Any) -> str:
    """Normalise a serial to 12 lower-case hex digits."""
    if not isinstance(value, str) or len(value) != 12:
        raise SpecError(f"serial must be 12 hex digits, got {value!r}")
    try:
        bytes.fromhex(value)
    except ValueError as err:
        raise SpecError(f"serial must be 12 hex digits, got {value!r}") from err
    return value.lower()


@dataclasses.dataclass(frozen=True)
class DeviceSpec:
    """One device the fleet should emulate, validated from the JSON spec."""

    serial: str
    product_id: int
    label: str | None = None
    zones: int | None = None
    tiles: int | None = None
    power: int | None = None
    color: tuple[int, int, int, int] | None = None
    location: str | None = None
    group: str | None = None
    firmware: tuple[int, int] | None = None
    extended_multizone: bool | None = None
    relays: bool | int | None = None

    @classmethod
    def from_json(cls, raw: Any) -> DeviceSpec:
        """Validate one device object from the spec."""
        if not isinstance(raw, dict):
            raise SpecError(f"each device must be an object, got {raw!r}")
        unknown = set(raw) - _SPEC_KEYS
        if unknown:
            raise SpecError(f"unknown device keys {sorted(unknown)}")
        if "serial" not in raw or "product_id" not in raw:
            raise SpecError("each device needs serial and product_id")
        label = raw.get("label")
        if label is not None and (not isinstance(label, str) or len(label.encode()) > 32):
            raise SpecError(f"label must be a string of at most 32 bytes: {label!r}")
        for key in ("location", "group"):
            if raw.get(key) is not None and not isinstance(raw[key], str):
                raise SpecError(f"{key} must be a string")
        firmware = raw.get("firmware")
        if firmware is not None:
            if not isinstance(firmware, list) or len(firmware) != 2:
                raise SpecError("firmware must be [major, minor]")
            firmware = (
                _parse_int(firmware[0], "firmware major", 0, _UINT16_MAX),
                _parse_int(firmware[1], "firmware minor", 0, _UINT16_MAX),
            )
        extended = raw.get("extended_multizone")
        if extended is not None and not isinstance(extended, bool):
            raise SpecError("extended_multizone must be a boolean")
        relays = raw.get("relays")
        if relays is not None and not isinstance(relays, bool):
            relays = _parse_int(relays, "relays", 1, 8)
        return cls(
            serial=_parse_serial(raw["serial"]),
            product_id=_parse_int(raw["product_id"], "product_id", 0, 0xFFFFFFFF),
            label=label,
            zones=(None if raw.get("zones") is None else _parse_int(raw["zones"], "zones", 1, 255)),
            tiles=(None if raw.get("tiles") is None else _parse_int(raw["tiles"], "tiles", 1, 16)),
            power=(
                None
                if raw.get("power") is None
                else _parse_int(raw["power"], "power", 0, _UINT16_MAX)
            ),
            color=None if raw.get("color") is None else _parse_hsbk(raw["color"], "color"),
            location=raw.get("location"),
            group=raw.get("group"),
            firmware=firmware,
            extended_multizone=extended,
            relays=relays,
        )


def parse_spec(text: str) -> list[DeviceSpec]:
    """Parse the --spec JSON list, rejecting duplicate serials."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise SpecError(f"--spec is not valid JSON: {err}") from err
    if not isinstance(raw, list) or not raw:
        raise SpecError("--spec must be a non-empty JSON list of devices")
    specs = [DeviceSpec.from_json(item) for item in raw]
    serials = [spec.serial for spec in specs]
    duplicates = sorted({serial for serial in serials if serials.count(serial) > 1})
    if duplicates:
        raise SpecError(f"duplicate serials {duplicates}")
    return specs


# --- Network faults ---------------------------------------------------------


class NetworkFaults:
    """Offline devices and random datagram loss, shared by every server.

    Faults are injected around the emulator rather than through its scenario
    system: its drop_packets scenario is keyed by packet type and only ever
    drops requests, while a lost reply to a request the device did act on is
    the case a retrying client most needs to survive.
    """

    def __init__(self) -> None:
        self.offline: set[str] = set()
        # Loss rate per serial; "*" applies to every device without its own rate
        self._loss: dict[str, float] = {}
        self._direction = "both"
        self._rng = random.Random()
        self.dropped_in = 0
        self.dropped_out = 0

    def set_loss(self, rate: float, seed: int | None, serial: str | None, direction: str) -> None:
        """Set or clear (rate 0) the loss rate for one serial or all devices."""
        key = serial or "*"
        if rate > 0:
            self._loss[key] = rate
        else:
            self._loss.pop(key, None)
        self._direction = direction
        if seed is not None:
            # A seeded generator makes a lossy run repeatable for a given
            # sequence of datagrams, which is what a flaky test needs.
            self._rng = random.Random(seed)

    @property
    def outbound_active(self) -> bool:
        """Whether replies may currently be dropped."""
        return bool(self._loss) and self._direction in ("out", "both")

    def _rate(self, serial: str) -> float:
        return self._loss.get(serial, self._loss.get("*", 0.0))

    def drop_inbound(self, serial: str) -> bool:
        """Decide whether a request to this device is lost (or it is offline)."""
        if serial in self.offline:
            return True
        if self._direction not in ("in", "both"):
            return False
        rate = self._rate(serial)
        if rate > 0 and self._rng.random() < rate:
            self.dropped_in += 1
            return True
        return False

    def drop_outbound(self, serial: str) -> bool:
        """Decide whether a datagram sent by this device is lost."""
        if serial in self.offline:
            return True
        if self._direction not in ("out", "both"):
            return False
        rate = self._rate(serial)
        if rate > 0 and self._rng.random() < rate:
            self.dropped_out += 1
            return True
        return False


class _LossyTransport:
    """A datagram transport stand-in that drops some of the replies it sends.

    The emulator only calls ``sendto`` on the transport carried in a packet's
    receive context, so this is all it needs.
    """

    def __init__(self, transport: Any, faults: NetworkFaults) -> None:
        self._transport = transport
        self._faults = faults

    def sendto(self, data: bytes, addr: Any = None) -> None:
        """Forward the datagram unless its sender's loss roll says otherwise."""
        if len(data) >= _TARGET_SLICE.stop and self._faults.drop_outbound(
            data[_TARGET_SLICE].hex()
        ):
            return
        self._transport.sendto(data, addr)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _install_faults(server: Any, manager: Any, faults: NetworkFaults) -> None:
    """Wrap a server's routing and sending so faults apply to it.

    Instance attributes shadow the methods, which avoids subclassing classes
    that carry no type information; the server looks both up per datagram.
    """
    resolve = manager.resolve_target_devices

    def resolve_target_devices(header: Any, family: Any = socket.AF_INET) -> list[Any]:
        # Per device, so one broadcast can reach some devices and miss others
        return [
            device
            for device in resolve(header, family)
            if not faults.drop_inbound(device.state.serial)
        ]

    manager.resolve_target_devices = resolve_target_devices

    handle_packet: Callable[..., Awaitable[None]] = server.handle_packet

    async def handle_packet_with_loss(data: bytes, context_or_addr: Any, **kwargs: Any) -> None:
        # The server passes a frozen dataclass holding the receiving transport
        # (a bare address tuple only from legacy callers, which has none)
        transport = getattr(context_or_addr, "transport", None)
        if faults.outbound_active and transport is not None:
            context_or_addr = dataclasses.replace(
                context_or_addr, transport=_LossyTransport(transport, faults)
            )
        await handle_packet(data, context_or_addr, **kwargs)

    server.handle_packet = handle_packet_with_loss


# --- Relays (our extension; see the module docstring) -----------------------


class _RelayPacket:
    """Duck-typed stand-in for the emulator's generated packet classes.

    The server needs ``PKT_TYPE``, ``unpack``, ``pack`` and ``_fields`` (read
    only by its debug formatter, which shows "no fields" for an empty list).
    """

    PKT_TYPE: ClassVar[int]
    FORMAT: ClassVar[str]
    _fields: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, relay_index: int = 0, level: int = 0) -> None:
        self.relay_index = relay_index
        self.level = level

    @classmethod
    def unpack(cls, data: bytes, offset: int = 0) -> _RelayPacket:
        """Decode the payload; a short payload means relay 0, level 0."""
        size = struct.calcsize(cls.FORMAT)
        if len(data) - offset < size:
            return cls()
        return cls(*struct.unpack_from(cls.FORMAT, data, offset))

    def pack(self) -> bytes:
        """Encode the payload."""
        if self.FORMAT == "<B":
            return struct.pack(self.FORMAT, self.relay_index)
        return struct.pack(self.FORMAT, self.relay_index, self.level)


class Relay:
    """Relay messages 816-818, named like the emulator's packet namespaces."""

    class GetRPower(_RelayPacket):
        """GetRPower (816): relay_index uint8."""

        PKT_TYPE = _GET_RPOWER
        FORMAT = "<B"

    class SetRPower(_RelayPacket):
        """SetRPower (817): relay_index uint8, level uint16."""

        PKT_TYPE = _SET_RPOWER
        FORMAT = "<BH"

    class StateRPower(_RelayPacket):
        """StateRPower (818): relay_index uint8, level uint16."""

        PKT_TYPE = _STATE_RPOWER
        FORMAT = "<BH"


class _RelayHandler:
    """Answer GetRPower/SetRPower for one device from its relay level list.

    The levels live here rather than on the device state because that state
    rejects unknown attributes and is replaced by a deep copy on every change.
    """

    def __init__(self, pkt_type: int, levels: list[int]) -> None:
        self.PKT_TYPE = pkt_type
        self._levels = levels

    def handle(self, device_state: Any, packet: Any, res_required: bool) -> list[Any]:
        """Apply a SetRPower and report StateRPower, as the handler API expects."""
        index = packet.relay_index if packet is not None else 0
        if not 0 <= index < len(self._levels):
            # An index the switch does not have gets no reply
            return []
        if self.PKT_TYPE == _SET_RPOWER:
            self._levels[index] = packet.level if packet is not None else 0
            if not res_required:
                return []
        return [Relay.StateRPower(relay_index=index, level=self._levels[index])]


# --- The fleet --------------------------------------------------------------


@dataclasses.dataclass
class _Member:
    """One emulated device and the server it is reachable through."""

    spec: DeviceSpec
    device: Any
    server: Any
    relays: list[int] | None = None


class Fleet:
    """Build the devices, run their servers and answer control commands."""

    def __init__(
        self,
        emulator: _Emulator,
        specs: list[DeviceSpec],
        host: str,
        port: int,
        port_per_device: bool,
        ipv6_host: str,
        mdns: bool = False,
    ) -> None:
        self._emu = emulator
        self._mdns = mdns
        self._specs = specs
        self._host = host
        self._port = port
        self._port_per_device = port_per_device
        self._ipv6_host = ipv6_host
        self.faults = NetworkFaults()
        self._members: dict[str, _Member] = {}
        self._servers: list[Any] = []

    # Construction

    def _create_device(self, spec: DeviceSpec) -> tuple[Any, list[int] | None]:
        """Create one device through the emulator's product registry."""
        product = self._emu.registry.get_product(spec.product_id)
        if product is None:
            raise SpecError(f"{spec.serial}: unknown product_id {spec.product_id}")
        if spec.zones is not None and not product.has_multizone:
            raise SpecError(f"{spec.serial}: product {spec.product_id} has no zones")
        if spec.tiles is not None and not product.has_matrix:
            raise SpecError(f"{spec.serial}: product {spec.product_id} has no tiles")
        if spec.relays and not product.has_relays:
            raise SpecError(f"{spec.serial}: product {spec.product_id} has no relays")
        kwargs: dict[str, Any] = {
            "serial": spec.serial,
            "zone_count": spec.zones,
            "tile_count": spec.tiles,
            "firmware_version": spec.firmware,
            "extended_multizone": spec.extended_multizone,
            "location_label": spec.location,
            "group_label": spec.group,
            # Advertised only with --mdns (the server's switch); set here too so
            # that a later emulator version's default changes nothing.
            "mdns_enabled": self._mdns,
        }
        try:
            device = self._emu.factories.create_device(spec.product_id, **kwargs)
        except ValueError as err:
            raise SpecError(f"{spec.serial}: {err}") from err
        state = device.state
        if spec.label is not None:
            state.label = spec.label
        if spec.power is not None:
            state.power_level = spec.power
        if spec.color is not None:
            color = self._emu.hsbk(list(spec.color), "color")
            # Same targets SetColor uses, so zones and tiles follow the colour
            self._emu.transitions.apply_zone_colors(state, self._color_targets(state, color), 0)
        relays: list[int] | None = None
        if product.has_relays and spec.relays is not False:
            if self._emu.relays_native:
                _LOGGER.warning("emulator implements relays itself; extension unused")
            else:
                # True (or unset) means the real Switch's four relays
                count = _DEFAULT_RELAY_COUNT
                if not isinstance(spec.relays, bool) and spec.relays is not None:
                    count = spec.relays
                relays = [0] * count
                for pkt_type in (_GET_RPOWER, _SET_RPOWER):
                    device.handlers.register(_RelayHandler(pkt_type, relays))
        return device, relays

    def _color_targets(self, state: Any, color: Any) -> dict[int, Any]:
        """Flat zones a whole-device colour applies to, as LightSetColor does."""
        targets = dict.fromkeys(range(self._emu.transitions.zone_count(state)), color)
        if state.has_multizone or state.has_matrix:
            targets[self._emu.transitions.DEVICE_COLOR_ZONE] = color
        return targets

    async def start(self) -> None:
        """Create the devices and start one server, or one per device."""
        created = [(spec, *self._create_device(spec)) for spec in self._specs]
        if any(relays is not None for _, _, relays in created):
            for packet in (Relay.GetRPower, Relay.SetRPower, Relay.StateRPower):
                self._emu.packets.PACKET_REGISTRY.setdefault(packet.PKT_TYPE, packet)
        groups = [[item] for item in created] if self._port_per_device else [created]
        for index, group in enumerate(groups):
            port = self._port + index if self._port else 0
            manager = self._emu.devices.DeviceManager(self._emu.repositories.DeviceRepository())
            server = self._emu.root.EmulatedLifxServer(
                [device for _, device, _ in group],
                manager,
                bind_address=self._host,
                port=port,
                # The activity log keeps the last 100 packets for an HTTP
                # API this script does not run.
                track_activity=False,
                ipv6_bind_address=self._ipv6_host,
                mdns_enabled=self._mdns,
            )
            _install_faults(server, manager, self.faults)
            # Registered before start so stop() covers a partial start
            self._servers.append(server)
            await server.start()
            for spec, device, relays in group:
                self._members[spec.serial] = _Member(spec, device, server, relays)

    async def stop(self) -> None:
        """Stop every server, draining packets already being handled."""
        for server in reversed(self._servers):
            try:
                await server.stop()
            except Exception:
                _LOGGER.exception("error stopping emulator server")
        self._servers.clear()

    def ready_message(self) -> dict[str, Any]:
        """The single line announcing where every device listens."""
        devices = []
        for serial, member in self._members.items():
            host, port = member.server.ipv4_endpoint
            if ipaddress.ip_address(host).is_unspecified:
                host = "127.0.0.1"
            devices.append(
                {
                    "serial": serial,
                    "host": host,
                    "port": port,
                    "product_id": member.spec.product_id,
                    "label": member.device.state.label,
                }
            )
        return {
            "ready": True,
            "devices": devices,
            "emulator_version": self._emu.version,
            "pid": os.getpid(),
        }

    # State

    def _member(self, request: dict[str, Any]) -> _Member:
        serial = _parse_serial(request.get("serial"))
        try:
            return self._members[serial]
        except KeyError:
            raise SpecError(f"no device with serial {serial}") from None

    @staticmethod
    def _hsbk_list(color: Any) -> list[int]:
        return [color.hue, color.saturation, color.brightness, color.kelvin]

    def _view(self, state: Any) -> dict[str, Any]:
        """The colour-bearing parts of a state, as JSON."""
        view: dict[str, Any] = {
            "power": state.power_level,
            "stored_color": self._hsbk_list(state.color),
            "zones": None,
            "tiles": None,
        }
        if state.has_multizone:
            view["zones"] = [self._hsbk_list(c) for c in state.zone_colors]
        if state.has_matrix:
            view["tiles"] = [
                {
                    "index": index,
                    "width": tile["width"],
                    "height": tile["height"],
                    "user_x": tile["user_x"],
                    "user_y": tile["user_y"],
                    "colors": [self._hsbk_list(c) for c in tile["colors"]],
                }
                for index, tile in enumerate(state.tile_devices)
            ]
        return view

    def _wire_color(self, member: _Member, state: Any) -> list[int] | None:
        """The colour a LightGet would report (the zone average on strips/tiles)."""
        handler = member.device.handlers.get_handler(101)
        if state.has_relays or handler is None:
            return None
        replies = handler.handle(state, None, True)
        return self._hsbk_list(replies[0].color) if replies else None

    def snapshot(self, member: _Member) -> dict[str, Any]:
        """Everything the emulator knows about one device, as JSON."""
        device = member.device
        # Fades are evaluated lazily; settling shows what a client reading now
        # would see. The device replaces its state object on every change, so
        # it is read afresh here rather than cached.
        device.settle()
        state = device.state
        in_transition = bool(state.transition.is_active)
        snapshot: dict[str, Any] = {
            "serial": state.serial,
            "product_id": state.product,
            "vendor": state.vendor,
            "firmware": [state.version_major, state.version_minor],
            "label": state.label,
            "location": state.location_label,
            "group": state.group_label,
            "online": state.serial not in self.faults.offline,
            "color": self._wire_color(member, state),
            **self._view(state),
            "zone_count": state.zone_count if state.has_multizone else None,
            "multizone_effect": (state.multizone_effect_type if state.has_multizone else None),
            "tile_count": state.tile_count if state.has_matrix else None,
            "tile_effect": state.tile_effect_type if state.has_matrix else None,
            "infrared": state.infrared_brightness if state.has_infrared else None,
            "hev": None,
            "relays": list(member.relays) if member.relays is not None else None,
            "in_transition": in_transition,
            "final": None,
            "capabilities": {
                "color": state.has_color,
                "infrared": state.has_infrared,
                "multizone": state.has_multizone,
                "extended_multizone": state.has_extended_multizone,
                "matrix": state.has_matrix,
                "chain": state.has_chain,
                "hev": state.has_hev,
                "relays": state.has_relays,
                "buttons": state.has_buttons,
            },
        }
        if state.has_hev:
            current = state.hev_cycle_current_duration_s
            snapshot["hev"] = {
                # What StateHevCycle reports: the running (or last) cycle's
                # length, else the configured default
                "duration_s": (current if current is not None else state.hev_cycle_duration_s),
                "remaining_s": state.hev_cycle_remaining_s,
                "last_power": state.hev_cycle_last_power,
                "config_duration_s": state.hev_cycle_duration_s,
                "indication": state.hev_indication,
                "last_result": state.hev_last_result,
            }
        if in_transition:
            snapshot["final"] = self._view(self._emu.transitions.project_to_end(state))
        return snapshot

    # Commands

    def _cmd_set(self, request: dict[str, Any]) -> dict[str, Any]:
        """Change state the way the LIFX app or a wall switch would."""
        member = self._member(request)
        device = member.device
        changes: list[Callable[[Any], None]] = []
        if "power" in request:
            power = _parse_int(request["power"], "power", 0, _UINT16_MAX)
            changes.append(lambda s: self._emu.transitions.apply_power(s, power, 0))
        if "color" in request:
            color = self._emu.hsbk(request["color"], "color")
            changes.append(
                lambda s: self._emu.transitions.apply_zone_colors(
                    s, self._color_targets(s, color), 0
                )
            )
        if "zones" in request:
            zones = request["zones"]
            if not device.state.has_multizone:
                raise SpecError("device has no zones")
            if not isinstance(zones, list) or len(zones) > device.state.zone_count:
                raise SpecError("zones must be a list of at most zone_count colours")
            colors = {i: self._emu.hsbk(zone, f"zones[{i}]") for i, zone in enumerate(zones)}
            changes.append(lambda s: self._emu.transitions.apply_zone_colors(s, colors, 0))
        if "label" in request:
            label = request["label"]
            if not isinstance(label, str) or len(label.encode()) > 32:
                raise SpecError("label must be a string of at most 32 bytes")
            changes.append(lambda s: setattr(s, "label", label))
        if "infrared" in request:
            if not device.state.has_infrared:
                raise SpecError("device has no infrared")
            infrared = _parse_int(request["infrared"], "infrared", 0, _UINT16_MAX)
            changes.append(lambda s: setattr(s, "infrared_brightness", infrared))
        relays: list[int] | None = None
        if "relays" in request:
            if member.relays is None:
                raise SpecError("device has no emulated relays")
            raw = request["relays"]
            if not isinstance(raw, list) or len(raw) != len(member.relays):
                raise SpecError(f"relays must be a list of {len(member.relays)} levels")
            relays = [_parse_int(v, "relay level", 0, _UINT16_MAX) for v in raw]

        def mutate(state: Any) -> None:
            for change in changes:
                change(state)

        # Validated in full before anything changes, so a bad request is a no-op
        if changes:
            device.settle()
            device.apply_state_mutation(mutate, change_type=self._emu.devices.EXTERNAL_STATE_UPDATE)
        if relays is not None and member.relays is not None:
            member.relays[:] = relays
        return {"state": self.snapshot(member)}

    def _cmd_loss(self, request: dict[str, Any]) -> dict[str, Any]:
        rate = request.get("rate")
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise SpecError("rate must be a number between 0 and 1")
        if not 0.0 <= float(rate) <= 1.0:
            raise SpecError("rate must be a number between 0 and 1")
        seed = request.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise SpecError("seed must be an integer")
        serial = request.get("serial")
        if serial is not None:
            serial = self._member(request).spec.serial
        direction = request.get("direction", "both")
        if direction not in _DIRECTIONS:
            raise SpecError(f"direction must be one of {sorted(_DIRECTIONS)}")
        self.faults.set_loss(float(rate), seed, serial, direction)
        return {}

    def _cmd_offline(self, request: dict[str, Any]) -> dict[str, Any]:
        member = self._member(request)
        offline = request.get("offline", True)
        if not isinstance(offline, bool):
            raise SpecError("offline must be a boolean")
        if offline:
            self.faults.offline.add(member.spec.serial)
        else:
            self.faults.offline.discard(member.spec.serial)
        return {}

    def _cmd_stats(self, request: dict[str, Any]) -> dict[str, Any]:
        servers = []
        for server in self._servers:
            stats = server.get_stats()
            # JSON object keys must be strings; packet types are ints
            for key in ("packets_received_by_type", "packets_sent_by_type"):
                stats[key] = {str(k): v for k, v in stats[key].items()}
            servers.append(stats)
        return {
            "servers": servers,
            "dropped_in": self.faults.dropped_in,
            "dropped_out": self.faults.dropped_out,
        }

    def handle(self, request: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Run one command; returns the reply and whether to stop afterwards."""
        cmd = request.get("cmd")
        if cmd == "quit":
            return {}, True
        if cmd == "ping":
            return {}, False
        if cmd == "state":
            return {"state": self.snapshot(self._member(request))}, False
        if cmd == "states":
            return {"states": {s: self.snapshot(m) for s, m in self._members.items()}}, False
        if cmd == "set":
            return self._cmd_set(request), False
        if cmd == "offline":
            return self._cmd_offline(request), False
        if cmd == "loss":
            return self._cmd_loss(request), False
        if cmd == "stats":
            return self._cmd_stats(request), False
        raise SpecError(f"unknown cmd {cmd!r}")


# --- Process plumbing -------------------------------------------------------


def _emit(message: dict[str, Any]) -> None:
    """Write one JSON line to stdout; the only thing that ever writes there."""
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def _start_stdin_reader(
    loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[bytes | None]
) -> None:
    """Feed stdin lines into the queue from a daemon thread, None at EOF.

    A thread works whatever stdin is (pipe, file, terminal), and as a daemon
    it never holds up exit while blocked in a read. It reads the raw file
    descriptor: a daemon thread parked inside sys.stdin's buffered reader
    holds that reader's lock, and interpreter shutdown then aborts with
    "could not acquire lock for <stdin>".
    """

    def pump() -> None:
        pending = b""
        try:
            while chunk := os.read(_STDIN_FD, 65536):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
            if pending:
                loop.call_soon_threadsafe(queue.put_nowait, pending)
        except OSError:
            pass
        finally:
            # RuntimeError: the loop already closed, so nobody is waiting
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="fleet-stdin", daemon=True).start()


async def _serve_commands(fleet: Fleet) -> None:
    """Answer control commands until quit, EOF or SIGTERM/SIGINT."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, queue.put_nowait, None)
    _start_stdin_reader(loop, queue)
    while (line := await queue.get()) is not None:
        if not line.strip():
            continue
        request: Any = None
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise SpecError("a command must be a JSON object")
            reply, stop = fleet.handle(request)
            reply = {"ok": True, **reply}
        except (SpecError, ValueError) as err:
            reply, stop = {"ok": False, "error": str(err)}, False
        except Exception as err:  # Report and carry on: one bad command
            _LOGGER.exception("command failed")  # must not take the fleet down
            reply, stop = {"ok": False, "error": f"{type(err).__name__}: {err}"}, False
        if isinstance(request, dict) and "id" in request:
            reply["id"] = request["id"]
        _emit(reply)
        if stop:
            break


def _check_host(host: str, allow_wildcard: bool) -> None:
    """Refuse any bind address that could expose the fleet beyond this host."""
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError as err:
        raise SpecError(f"--host must be an IPv4 address: {err}") from err
    if address.is_loopback:
        return
    if address.is_unspecified and allow_wildcard:
        return
    raise SpecError(
        f"--host {host} is not a loopback address; the fleet only binds loopback"
        " (0.0.0.0 needs --allow-wildcard)"
    )


async def _run(args: argparse.Namespace) -> int:
    try:
        specs = parse_spec(args.spec)
        _check_host(args.host, args.allow_wildcard)
        if not 0 <= args.port <= 65535:
            raise SpecError("--port must be between 0 and 65535")
    except SpecError as err:
        _emit({"ready": False, "reason": "spec", "error": str(err)})
        return EXIT_BAD_SPEC
    try:
        emulator = _Emulator()
    except ImportError as err:
        _emit(
            {
                "ready": False,
                "reason": "unavailable",
                "error": f"lifx-emulator-core is not importable by {sys.executable}: {err}",
            }
        )
        return EXIT_UNAVAILABLE
    fleet = Fleet(
        emulator, specs, args.host, args.port, args.port_per_device, args.ipv6_host, args.mdns
    )
    try:
        try:
            await fleet.start()
        except SpecError as err:
            _emit({"ready": False, "reason": "spec", "error": str(err)})
            return EXIT_BAD_SPEC
        except OSError as err:
            _emit({"ready": False, "reason": "bind", "error": str(err)})
            return EXIT_ERROR
        except Exception as err:
            _LOGGER.exception("fleet failed to start")
            _emit(
                {
                    "ready": False,
                    "reason": "error",
                    "error": f"{type(err).__name__}: {err}",
                }
            )
            return EXIT_ERROR
        _emit(fleet.ready_message())
        await _serve_commands(fleet)
    finally:
        await fleet.stop()
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the fleet until told to stop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True, help="JSON list of device specs")
    parser.add_argument("--host", default="127.0.0.1", help="IPv4 loopback to bind")
    parser.add_argument("--port", type=int, default=0, help="UDP port, 0 for any free")
    parser.add_argument(
        "--port-per-device",
        action="store_true",
        help="one server and port per device instead of one for the whole fleet",
    )
    parser.add_argument(
        "--ipv6-host",
        default="::1",
        help="the emulator always binds IPv6 too, on this address and the same port",
    )
    parser.add_argument(
        "--mdns", action="store_true", help="advertise every device as _lifx._udp.local."
    )
    parser.add_argument("--allow-wildcard", action="store_true", help="permit --host 0.0.0.0")
    parser.add_argument("--log-level", default="WARNING", help="stderr log level")
    args = parser.parse_args(argv)
    # stdout carries the control protocol, so every log line goes to stderr
    logging.basicConfig(
        stream=sys.stderr,
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return asyncio.run(_run(args))


if __name__ == "__main__":
    sys.exit(main())
