"""Fake LIFX devices that speak real bytes over UDP, with faults injected on demand."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
import random
import struct
from typing import Any

from custom_components.lifx_lan.protocol import messages as m
from custom_components.lifx_lan.protocol.header import (
    ACK_REQUIRED,
    HEADER,
    RES_REQUIRED,
    TAGGED,
    pack_message,
    serial_to_target,
)

MAX = 65535


@dataclass(frozen=True)
class Profile:
    """What kind of device a fake is."""

    product_id: int
    firmware: tuple[int, int] = (3, 70)
    zones: int = 0
    tiles: tuple[tuple[int, int], ...] = ()
    relays: int = 0
    hev: bool = False
    infrared: bool = False
    wifi_signal: float = -52.0


PROFILES: dict[str, Profile] = {
    "color_bulb": Profile(product_id=27),
    "white_bulb": Profile(product_id=50, firmware=(3, 70)),
    "strip": Profile(product_id=32, firmware=(2, 60), zones=16),
    "extended_strip": Profile(product_id=117, firmware=(3, 70), zones=120),
    "tile": Profile(product_id=55, firmware=(3, 70), tiles=((8, 8),) * 5),
    "ceiling": Profile(product_id=201, firmware=(4, 10), tiles=((16, 8),)),
    "switch": Profile(product_id=70, firmware=(3, 90), relays=4),
    "hev": Profile(product_id=90, firmware=(3, 70), hev=True),
    "infrared": Profile(product_id=29, firmware=(2, 80), infrared=True),
    # A Ceiling 13": the 8x8 shape of the first Ceiling, under an id light.py does not list.
    "ceiling_13": Profile(product_id=265, firmware=(4, 10), tiles=((8, 8),)),
    # A Mirror: one matrix tile 4 zones wide and 13 high (52 zones, read in one Get64), as
    # lifx-emulator-core 3.15 models it; the registry gives no size. At 4.200 both the US
    # and the international Mirror have had their upgrade to 1000-10000 K.
    "mirror": Profile(product_id=267, firmware=(4, 200), tiles=((4, 13),)),
    # A Dimmer Switch: relays and buttons, no light, like the Switch. Its relay count is not
    # in the registry; lifx-emulator-core 3.15's product specs say 2 (fewer than the Switch's
    # 4 here), and the integration counts them by asking each relay in turn.
    "dimmer_switch": Profile(product_id=226, firmware=(4, 100), relays=2),
    # An Everyday Lightstrip: multizone without extended multizone in the registry, on 4.x
    # firmware. Its zone count is not published; 16 (a 2 m strip at the LIFX Z's 8 zones a
    # metre) is lifx-emulator-core 3.15's default, and needs two legacy StateMultiZone replies.
    "everyday_strip": Profile(product_id=207, firmware=(4, 10), zones=16),
}


@dataclass
class Received:
    """A packet a fake device received, and when (loop time)."""

    at: float
    pkt_type: int
    sequence: int
    source: int
    ack_required: bool
    res_required: bool
    tagged: bool
    payload: bytes


@dataclass
class FakeDevice:
    """State of one fake device and how it answers."""

    serial: str
    profile: Profile
    label: str = "Fake"
    group: tuple[bytes, str] = (b"\x01" * 16, "Living Room")
    location: tuple[bytes, str] = (b"\x02" * 16, "Home")
    power: int = 0
    color: m.LightHsbk = field(default_factory=lambda: m.LightHsbk(0, 0, MAX, 3500))
    zones: list[m.LightHsbk] = field(default_factory=list)
    tile_colors: list[list[m.LightHsbk]] = field(default_factory=list)
    relays: list[int] = field(default_factory=list)
    infrared: int = 0
    hev_duration: int = 7200
    hev_remaining: int = 0
    multizone_effect: m.MultiZoneEffectSettings = field(default_factory=m.MultiZoneEffectSettings)
    tile_effect: m.TileEffectSettings = field(default_factory=m.TileEffectSettings)
    received: list[Received] = field(default_factory=list)
    unhandled: set[int] = field(default_factory=set)
    online: bool = True

    def __post_init__(self) -> None:
        if self.profile.zones and not self.zones:
            self.zones = [
                m.LightHsbk(i * 65535 // self.profile.zones, MAX, MAX, 3500)
                for i in range(self.profile.zones)
            ]
        if self.profile.tiles and not self.tile_colors:
            self.tile_colors = [
                [m.LightHsbk(t * 1000 + z, MAX, MAX, 3500) for z in range(w * h)]
                for t, (w, h) in enumerate(self.profile.tiles)
            ]
        if self.profile.relays and not self.relays:
            self.relays = [0] * self.profile.relays

    @property
    def target(self) -> bytes:
        """The serial as the header's target field carries it."""
        return serial_to_target(self.serial)

    def handle(self, packet: m.Packet, port: int) -> list[m.Packet]:
        """Apply a packet; return the State replies it asks for (acks are added by the fleet)."""
        p = self.profile
        match packet:
            case m.DeviceGetService():
                return [m.DeviceStateService(service=m.DeviceService.UDP, port=port)]
            case m.DeviceGetVersion():
                return [m.DeviceStateVersion(vendor=1, product=p.product_id)]
            case m.DeviceGetHostFirmware():
                return [
                    m.DeviceStateHostFirmware(
                        build=1_600_000_000,
                        version_major=p.firmware[0],
                        version_minor=p.firmware[1],
                    )
                ]
            case m.DeviceGetWifiFirmware():
                # Every bulb answers it; lifx-async (core lifx since 2026) will not set up
                # a device that does not. Its Wi-Fi module's own firmware, built then.
                return [
                    m.DeviceStateWifiFirmware(build=1_600_000_000, version_major=1, version_minor=0)
                ]
            case m.DeviceGetWifiInfo():
                return [m.DeviceStateWifiInfo(signal=p.wifi_signal)]
            case m.DeviceGetLabel():
                return [m.DeviceStateLabel(label=self.label.encode())]
            case m.DeviceSetLabel(label=label):
                self.label = label.split(b"\0", 1)[0].decode()
                return [m.DeviceStateLabel(label=self.label.encode())]
            case m.DeviceGetGroup():
                return [m.DeviceStateGroup(group=self.group[0], label=self.group[1].encode())]
            case m.DeviceGetLocation():
                return [
                    m.DeviceStateLocation(
                        location=self.location[0], label=self.location[1].encode()
                    )
                ]
            case m.DeviceGetPower():
                return [m.DeviceStatePower(level=self.power)]
            case m.DeviceSetPower(level=level):
                before = self.power
                self.power = level
                return [m.DeviceStatePower(level=before)]
            case m.DeviceEchoRequest(payload=payload):
                return [m.DeviceEchoResponse(payload=payload)]
            case m.DeviceSetReboot():
                return []
            case m.LightGet():
                return [self._light_state()]
            case m.LightSetColor(color=color):
                previous = self._light_state()
                self.color = color
                # The whole device takes the colour: every zone and every tile pixel.
                self.zones = [color] * len(self.zones)
                self.tile_colors = [[color] * len(tile) for tile in self.tile_colors]
                return [previous]
            case m.LightSetWaveformOptional() | m.LightSetWaveform():
                previous = self._light_state()
                if not packet.transient:
                    self.color = packet.color
                return [previous]
            case m.LightGetPower():
                return [m.LightStatePower(level=self.power)]
            case m.LightSetPower(level=level):
                before = self.power
                self.power = level
                return [m.LightStatePower(level=before)]
            case m.LightGetInfrared() if p.infrared:
                return [m.LightStateInfrared(brightness=self.infrared)]
            case m.LightSetInfrared(brightness=brightness) if p.infrared:
                self.infrared = brightness
                return [m.LightStateInfrared(brightness=brightness)]
            case m.LightGetHevCycle() if p.hev:
                return [self._hev_state()]
            case m.LightSetHevCycle(enable=enable, duration_s=duration) if p.hev:
                self.hev_remaining = (duration or self.hev_duration) if enable else 0
                return [self._hev_state()]
            case m.LightGetHevCycleConfiguration() if p.hev:
                return [m.LightStateHevCycleConfiguration(indication=True, duration_s=7200)]
            case m.LightGetLastHevCycleResult() if p.hev:
                return [m.LightStateLastHevCycleResult(result=m.LightLastHevCycleResult.SUCCESS)]
            case m.MultiZoneGetColorZones(start_index=start, end_index=end) if p.zones:
                return self._legacy_zones(start, end)
            case m.MultiZoneSetColorZones() if p.zones:
                for index in range(packet.start_index, min(packet.end_index, p.zones - 1) + 1):
                    self.zones[index] = packet.color
                return self._legacy_zones(packet.start_index, packet.end_index)
            case m.MultiZoneExtendedGetColorZones() if p.zones and self._extended:
                return self._extended_zones()
            case m.MultiZoneExtendedSetColorZones() if p.zones and self._extended:
                for offset, color in enumerate(packet.colors[: packet.colors_count]):
                    if packet.index + offset < p.zones:
                        self.zones[packet.index + offset] = color
                return self._extended_zones()
            case m.MultiZoneGetEffect() if p.zones:
                return [m.MultiZoneStateEffect(settings=self.multizone_effect)]
            case m.MultiZoneSetEffect(settings=settings) if p.zones:
                self.multizone_effect = settings
                return [m.MultiZoneStateEffect(settings=settings)]
            case m.TileGetDeviceChain() if p.tiles:
                return [self._chain()]
            case m.TileGet64() if p.tiles:
                return self._get64(packet)
            case m.TileSet64() if p.tiles:
                self._set64(packet)
                return []
            case m.TileGetEffect() if p.tiles:
                return [m.TileStateEffect(settings=self.tile_effect)]
            case m.TileSetEffect(settings=settings) if p.tiles:
                self.tile_effect = settings
                return [m.TileStateEffect(settings=settings)]
            # A relay the switch does not have is refused: that is how its relays are counted.
            case m.RelayGetPower(relay_index=index) if index < p.relays:
                return [m.RelayStatePower(relay_index=index, level=self.relays[index])]
            case m.RelaySetPower(relay_index=index, level=level) if index < p.relays:
                self.relays[index] = level
                return [m.RelayStatePower(relay_index=index, level=level)]
        return [m.DeviceStateUnhandled(unhandled_type=packet.pkt_type)]

    @property
    def _extended(self) -> bool:
        return self.profile.product_id in (117, 118, 119, 120, 141, 142, 143, 144) or (
            self.profile.firmware >= (2, 77) and self.profile.product_id in (32, 38)
        )

    def _light_state(self) -> m.LightState:
        return m.LightState(color=self.color, power=self.power, label=self.label.encode())

    def _hev_state(self) -> m.LightStateHevCycle:
        return m.LightStateHevCycle(
            duration_s=self.hev_duration, remaining_s=self.hev_remaining, last_power=False
        )

    def _legacy_zones(self, start: int, end: int) -> list[m.Packet]:
        count = len(self.zones)
        last = min(end, count - 1)
        if start == last:
            return [m.MultiZoneStateZone(count=count, index=start, color=self.zones[start])]
        return [
            m.MultiZoneStateMultiZone(count=count, index=i, colors=tuple(self.zones[i : i + 8]))
            for i in range(start, last + 1, 8)
        ]

    def _extended_zones(self) -> list[m.Packet]:
        count = len(self.zones)
        return [
            m.MultiZoneExtendedStateMultiZone(
                count=count,
                index=i,
                colors_count=min(82, count - i),
                colors=tuple(self.zones[i : i + 82]),
            )
            for i in range(0, count, 82)
        ]

    def _chain(self) -> m.TileStateDeviceChain:
        devices = tuple(
            m.TileStateDevice(
                user_x=float(i),
                width=w,
                height=h,
                device_version=m.DeviceStateVersion(vendor=1, product=self.profile.product_id),
                firmware=m.DeviceStateHostFirmware(
                    version_major=self.profile.firmware[0], version_minor=self.profile.firmware[1]
                ),
            )
            for i, (w, h) in enumerate(self.profile.tiles)
        )
        return m.TileStateDeviceChain(
            start_index=0, tile_devices=devices, tile_devices_count=len(devices)
        )

    def _get64(self, packet: m.TileGet64) -> list[m.Packet]:
        replies: list[m.Packet] = []
        for tile in range(packet.tile_index, packet.tile_index + packet.length):
            if tile >= len(self.profile.tiles):
                break
            width = self.profile.tiles[tile][0]
            start = packet.rect.y * width + packet.rect.x
            colors = tuple(self.tile_colors[tile][start : start + 64])
            replies.append(m.TileState64(tile_index=tile, rect=packet.rect, colors=colors))
        return replies

    def _set64(self, packet: m.TileSet64) -> None:
        for tile in range(packet.tile_index, packet.tile_index + packet.length):
            if tile >= len(self.profile.tiles):
                break
            width, height = self.profile.tiles[tile]
            start = packet.rect.y * width + packet.rect.x
            for offset, color in enumerate(packet.colors):
                if start + offset < width * height:
                    self.tile_colors[tile][start + offset] = color


type Fault = Callable[[FakeDevice, int, bool], bool]
"""fault(device, pkt_type, is_reply) -> True to drop the datagram."""


class FakeFleet(asyncio.DatagramProtocol):
    """Many fake devices behind one UDP socket, like an emulator or a bridge."""

    def __init__(self) -> None:
        self.devices: dict[bytes, FakeDevice] = {}
        self.transport: asyncio.DatagramTransport | None = None
        self.port = 0
        self.host = "127.0.0.1"
        self.drop_requests: dict[str, int] = {}
        self.drop_replies: dict[str, int] = {}
        self.loss_rate = 0.0
        self.random = random.Random(0)
        self.duplicate_replies = False
        self.reorder_replies = False
        self.reply_delay = 0.0
        self.faults: list[Fault] = []
        self.sent_replies = 0
        self.raw_received: list[bytes] = []
        # A real bulb acts on any tagged message that reaches it (aiolifx tags every
        # request until it knows the serial); a fleet on one socket answers broadcasts
        # with StateService only, so that a discovery sees each device once.
        self.answer_tagged = False

    @classmethod
    async def start(cls, host: str = "127.0.0.1", port: int = 0) -> FakeFleet:
        """Listen on host:port (0: any free port) and return the fleet."""
        loop = asyncio.get_running_loop()
        _, fleet = await loop.create_datagram_endpoint(
            cls, local_addr=(host, port), allow_broadcast=True
        )
        assert isinstance(fleet, FakeFleet)
        fleet.host = "127.0.0.1" if host == "0.0.0.0" else host
        return fleet

    def add(self, kind: str, serial: str, **kwargs: Any) -> FakeDevice:
        """Add a device of one of the PROFILES kinds."""
        return self.add_profile(PROFILES[kind], serial, **kwargs)

    def add_profile(self, profile: Profile, serial: str, **kwargs: Any) -> FakeDevice:
        """Add a device of any profile."""
        device = FakeDevice(serial=serial, profile=profile, **kwargs)
        self.devices[device.target] = device
        return device

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Remember the socket and the port it got."""
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    def close(self) -> None:
        """Close the socket."""
        if self.transport is not None:
            self.transport.close()

    def _lost(self, device: FakeDevice, pkt_type: int, is_reply: bool) -> bool:
        counters = self.drop_replies if is_reply else self.drop_requests
        if counters.get(device.serial, 0) > 0:
            counters[device.serial] -= 1
            return True
        if any(fault(device, pkt_type, is_reply) for fault in self.faults):
            return True
        return self.loss_rate > 0 and self.random.random() < self.loss_rate

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        """Answer a datagram as the device it targets would, with the faults set."""
        self.raw_received.append(data)
        if len(data) < 36:
            return
        size, field_, source, target, flags, sequence, pkt_type = HEADER.unpack_from(data)
        if size != len(data):
            return
        tagged = bool(field_ & TAGGED)
        if tagged or target == bytes(8):
            targets = list(self.devices.values())
        else:
            device = self.devices.get(target)
            targets = [device] if device is not None else []
        packet_type = m.PACKETS.get(pkt_type)
        loop = asyncio.get_running_loop()
        for device in targets:
            if not device.online:
                continue
            device.received.append(
                Received(
                    at=loop.time(),
                    pkt_type=pkt_type,
                    sequence=sequence,
                    source=source,
                    ack_required=bool(flags & ACK_REQUIRED),
                    res_required=bool(flags & RES_REQUIRED),
                    tagged=tagged,
                    payload=data[36:],
                )
            )
            if self._lost(device, pkt_type, False):
                continue
            if packet_type is None or pkt_type in device.unhandled:
                replies: list[m.Packet] = [m.DeviceStateUnhandled(unhandled_type=pkt_type)]
            else:
                try:
                    packet = packet_type.unpack(data[36:])
                except Exception:  # a fake ignores what it cannot read
                    continue
                if tagged and pkt_type != m.DeviceGetService.pkt_type and not self.answer_tagged:
                    continue
                replies = device.handle(packet, self.port)
            out: list[m.Packet] = []
            # Gets always answer; Sets only with res_required; refusals always, and a
            # refused message is not acknowledged since nothing was done.
            refused = isinstance(replies[0], m.DeviceStateUnhandled) if replies else False
            if flags & ACK_REQUIRED and not refused:
                out.append(m.DeviceAcknowledgement())
            if flags & RES_REQUIRED or refused or _is_query(packet_type):
                out.extend(replies)
            datagrams = [
                pack_message(
                    reply.pkt_type,
                    reply.pack(),
                    source=source,
                    target=device.target,
                    sequence=sequence,
                )
                for reply in out
                if not self._lost(device, reply.pkt_type, True)
            ]
            if self.reorder_replies:
                datagrams.reverse()
            if self.duplicate_replies:
                datagrams = [d for d in datagrams for _ in range(2)]
            for datagram in datagrams:
                if self.reply_delay:
                    loop.call_later(self.reply_delay, self._send, datagram, addr)
                else:
                    self._send(datagram, addr)

    def _send(self, datagram: bytes, addr: tuple[str, int]) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.sent_replies += 1
            self.transport.sendto(datagram, addr)

    def send_raw(self, datagram: bytes, addr: tuple[str, int]) -> None:
        """Send anything at all to the client (spoofing, malformed packets)."""
        assert self.transport is not None
        self.transport.sendto(datagram, addr)


def _is_query(packet_type: type[m.Packet] | None) -> bool:
    if packet_type is None:
        return False
    name = packet_type.__name__
    return "Get" in name or name == "DeviceEchoRequest"


def corrupt_size(datagram: bytes, size: int) -> bytes:
    """A datagram whose header claims another size."""
    return struct.pack("<H", size) + datagram[2:]


def with_profile(profile: Profile, **changes: Any) -> Profile:
    """A profile with some fields changed."""
    return replace(profile, **changes)
