"""High-level, typed device API: what a LIFX device is and what it can be told to do."""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
import math
from typing import Any, Final, NamedTuple

from .client import DeviceAddress, LifxClient, RetrySchedule
from .exceptions import LifxError, LifxProtocolError, LifxUnsupportedError
from .messages import (
    DeviceEchoRequest,
    DeviceGetGroup,
    DeviceGetHostFirmware,
    DeviceGetLabel,
    DeviceGetLocation,
    DeviceGetPower,
    DeviceGetVersion,
    DeviceGetWifiInfo,
    DeviceSetLabel,
    DeviceSetPower,
    DeviceSetReboot,
    LightGet,
    LightGetHevCycle,
    LightGetHevCycleConfiguration,
    LightGetInfrared,
    LightGetLastHevCycleResult,
    LightHsbk,
    LightLastHevCycleResult,
    LightSetColor,
    LightSetHevCycle,
    LightSetInfrared,
    LightSetPower,
    LightSetWaveformOptional,
    LightWaveform,
    MultiZoneApplicationRequest,
    MultiZoneEffectParameter,
    MultiZoneEffectSettings,
    MultiZoneEffectType,
    MultiZoneExtendedApplicationRequest,
    MultiZoneExtendedGetColorZones,
    MultiZoneExtendedSetColorZones,
    MultiZoneGetColorZones,
    MultiZoneGetEffect,
    MultiZoneSetColorZones,
    MultiZoneSetEffect,
    MultiZoneStateMultiZone,
    MultiZoneStateZone,
    Packet,
    RelayGetPower,
    RelaySetPower,
    Request,
    TileBufferRect,
    TileEffectParameter,
    TileEffectSettings,
    TileEffectSkyType,
    TileEffectType,
    TileGet64,
    TileGetDeviceChain,
    TileGetEffect,
    TileSet64,
    TileSetEffect,
)
from .products import Capabilities, Product, lookup

MAX_LEVEL: Final = 65535
EXTENDED_ZONES_PER_PACKET: Final = 82
TILE_ZONES_PER_PACKET: Final = 64
MAX_PALETTE: Final = 16
# One transmission, answered within a second or not at all
ONE_DATAGRAM: Final = RetrySchedule(gaps=(1.0,), deadline=1.0)


def decode_label(raw: bytes) -> str:
    """Labels are NUL-padded UTF-8; firmware may leave garbage after the first NUL."""
    return raw.split(b"\x00", 1)[0].decode("utf-8", errors="replace")


def encode_label(label: str) -> bytes:
    """Encode a label into at most 32 bytes without cutting a UTF-8 character in half."""
    raw = label.encode("utf-8")
    while len(raw) > 32:
        label = label[:-1]
        raw = label.encode("utf-8")
    return raw


def milliseconds(seconds: float) -> int:
    """A duration in seconds as the protocol's u32 milliseconds, clamped."""
    return max(0, min(0xFFFFFFFF, round(seconds * 1000)))


class LightStatus(NamedTuple):
    """Power, colour and label from one LightState reply (a tuple: built on every poll)."""

    power: bool
    color: LightHsbk
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceIdentity:
    """Who a device is: product, firmware and what that makes it capable of."""

    serial: str
    vendor: int
    product: Product
    firmware: tuple[int, int]
    firmware_build: int

    @property
    def capabilities(self) -> Capabilities:
        """The product's capabilities at this firmware."""
        return self.product.capabilities

    @property
    def firmware_version(self) -> str:
        """'major.minor', as LIFX writes it."""
        return f"{self.firmware[0]}.{self.firmware[1]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupInfo:
    """A LIFX group or location: its id and label."""

    id: str
    label: str
    updated_at: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TileInfo:
    """One tile of a matrix device's chain."""

    index: int
    width: int
    height: int
    user_x: float
    user_y: float


@dataclass(frozen=True, slots=True, kw_only=True)
class HevCycle:
    """The state of an HEV (Clean) cycle."""

    duration_s: int
    remaining_s: int
    last_power: bool

    @property
    def active(self) -> bool:
        """Whether a cycle is running."""
        return self.remaining_s > 0


@dataclass(frozen=True, slots=True, kw_only=True)
class HevConfig:
    """The default HEV cycle: its duration and whether the bulb flashes when it ends."""

    indication: bool
    duration_s: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EffectState:
    """A running firmware effect (multizone or matrix)."""

    kind: int
    speed_ms: int
    duration_ns: int
    parameters: tuple[int, ...]
    palette: tuple[LightHsbk, ...] = ()


# Below -150 dBm is under the noise floor of any radio, and above +30 dBm (1 W) is more
# than any Wi-Fi transmitter sends: a reading out there is a broken value, not a signal.
MIN_RSSI_DBM = -150
MAX_RSSI_DBM = 30


def signal_to_rssi(signal: float) -> int | None:
    """StateWifiInfo's signal as dBm; None when it is no signal strength at all.

    Older firmware reports received power in milliwatts (a small positive float);
    newer firmware reports dBm directly (a negative number). The field is a float32,
    so a device can also send NaN or an infinity.
    """
    if not math.isfinite(signal):
        return None
    dbm = signal if signal <= 0 else 10 * math.log10(signal)
    if not MIN_RSSI_DBM <= dbm <= MAX_RSSI_DBM:
        return None
    return round(dbm)


class LifxDevice:
    """One LIFX device at an address, spoken to through a shared client."""

    def __init__(self, client: LifxClient, address: DeviceAddress) -> None:
        """Bind the device to its address; nothing is sent yet."""
        self.client = client
        self.address = address
        self.identity: DeviceIdentity | None = None
        # None: the client's schedule. Callers shorten it while the device is known lost.
        self.schedule: RetrySchedule | None = None

    # These hand back the client's coroutine rather than await it: one coroutine less
    # per request.

    def _request[R: Packet](self, message: Request[R]) -> Coroutine[Any, Any, R]:
        return self.client.request(self.address, message, schedule=self.schedule)

    def _request_all[R: Packet](self, message: Request[R]) -> Coroutine[Any, Any, list[R]]:
        return self.client.request_all(self.address, message, schedule=self.schedule)

    def _send(self, message: Packet) -> Coroutine[Any, Any, None]:
        return self.client.send(self.address, message, schedule=self.schedule)

    @property
    def serial(self) -> str:
        """The device's serial (12 lowercase hex digits)."""
        return self.address.serial

    def move_to(self, host: str, port: int) -> None:
        """Follow the device to a new address (DHCP gave it another IP)."""
        self.address = DeviceAddress(self.address.serial, host, port)

    @property
    def capabilities(self) -> Capabilities:
        """Capabilities learnt by `identify` (conservative defaults before)."""
        if self.identity is None:
            return lookup(0).capabilities
        return self.identity.capabilities

    async def identify(self) -> DeviceIdentity:
        """Read product and firmware, and work out the device's capabilities."""
        version = await self._request(DeviceGetVersion())
        firmware = await self._request(DeviceGetHostFirmware())
        major_minor = (firmware.version_major, firmware.version_minor)
        self.identity = DeviceIdentity(
            serial=self.serial,
            vendor=version.vendor,
            product=lookup(version.product, major_minor, vendor=version.vendor),
            firmware=major_minor,
            firmware_build=firmware.build,
        )
        return self.identity

    # Device messages

    async def get_light_state(self) -> LightStatus:
        """Power, colour and label in one round trip."""
        state = await self._request(LightGet())
        return LightStatus(state.power > 0, state.color, decode_label(state.label))

    async def get_power(self) -> bool:
        """Power of any device, light or switch."""
        state = await self._request(DeviceGetPower())
        return state.level > 0

    async def get_label(self) -> str:
        """The device's label."""
        state = await self._request(DeviceGetLabel())
        return decode_label(state.label)

    async def set_label(self, label: str) -> None:
        """Rename the device."""
        await self._send(DeviceSetLabel(label=encode_label(label)))

    async def get_group(self) -> GroupInfo:
        """The LIFX group (room) the device belongs to."""
        state = await self._request(DeviceGetGroup())
        return GroupInfo(
            id=state.group.hex(), label=decode_label(state.label), updated_at=state.updated_at
        )

    async def get_location(self) -> GroupInfo:
        """The LIFX location (home) the device belongs to."""
        state = await self._request(DeviceGetLocation())
        return GroupInfo(
            id=state.location.hex(), label=decode_label(state.label), updated_at=state.updated_at
        )

    async def get_wifi_rssi(self) -> int | None:
        """Wi-Fi signal strength in dBm (None when the device sent no real value)."""
        state = await self._request(DeviceGetWifiInfo())
        return signal_to_rssi(state.signal)

    async def is_answering(self, schedule: RetrySchedule = ONE_DATAGRAM) -> bool:
        """Whether the device answers at its address: by default one datagram, no retry.

        The cheapest way to notice that a device switched off at the wall has its power
        back, without flooding the network while it stays off.
        """
        try:
            await self.client.request(self.address, DeviceEchoRequest(), schedule=schedule)
        except LifxUnsupportedError:
            return True
        except LifxError:
            return False
        return True

    async def echo(self, payload: bytes = b"") -> bytes:
        """Round-trip a payload: the cheapest proof the device is there."""
        reply = await self._request(DeviceEchoRequest(payload=payload))
        return reply.payload[: len(payload)] if payload else reply.payload

    async def reboot(self) -> None:
        """Restart the device."""
        await self._send(DeviceSetReboot())

    # Light

    async def set_power(self, on: bool, duration: float = 0.0) -> None:
        """Switch the light (fading over `duration` seconds) or, for a switch, the device."""
        level = MAX_LEVEL if on else 0
        if self.capabilities.is_light or self.identity is None:
            await self._send(LightSetPower(level=level, duration=milliseconds(duration)))
        else:
            await self._send(DeviceSetPower(level=level))

    async def set_color(self, color: LightHsbk, duration: float = 0.0) -> None:
        """Change the whole device's colour over `duration` seconds."""
        await self._send(LightSetColor(color=color, duration=milliseconds(duration)))

    async def set_waveform(
        self,
        color: LightHsbk,
        *,
        waveform: LightWaveform,
        period: float,
        cycles: float,
        skew_ratio: float = 0.5,
        transient: bool = True,
        set_hue: bool = True,
        set_saturation: bool = True,
        set_brightness: bool = True,
        set_kelvin: bool = True,
    ) -> None:
        """Run a waveform (pulse, breathe...); skew_ratio 0..1 maps to the wire's int16."""
        skew = max(-32768, min(32767, round(skew_ratio * 65535 - 32768)))
        await self._send(
            LightSetWaveformOptional(
                transient=transient,
                color=color,
                period=milliseconds(period),
                cycles=cycles,
                skew_ratio=skew,
                waveform=waveform,
                set_hue=set_hue,
                set_saturation=set_saturation,
                set_brightness=set_brightness,
                set_kelvin=set_kelvin,
            ),
        )

    # Infrared and HEV

    async def get_infrared(self) -> int:
        """Infrared (night vision) brightness, 0..65535."""
        return (await self._request(LightGetInfrared())).brightness

    async def set_infrared(self, brightness: int) -> None:
        """Set infrared brightness, 0..65535."""
        await self._send(LightSetInfrared(brightness=_level(brightness)))

    async def get_hev_cycle(self) -> HevCycle:
        """The current HEV cycle."""
        state = await self._request(LightGetHevCycle())
        return HevCycle(
            duration_s=state.duration_s, remaining_s=state.remaining_s, last_power=state.last_power
        )

    async def set_hev_cycle(self, enable: bool, duration_s: int = 0) -> None:
        """Start (0 = the configured default duration) or stop an HEV cycle."""
        await self._send(LightSetHevCycle(enable=enable, duration_s=max(0, duration_s)))

    async def get_hev_config(self) -> HevConfig:
        """The default HEV cycle configuration."""
        state = await self._request(LightGetHevCycleConfiguration())
        return HevConfig(indication=state.indication, duration_s=state.duration_s)

    async def get_last_hev_result(self) -> LightLastHevCycleResult | int:
        """How the last HEV cycle ended."""
        return (await self._request(LightGetLastHevCycleResult())).result

    # Relays (LIFX Switch)

    async def get_relay_power(self, relay_index: int) -> bool:
        """Whether a relay is on."""
        state = await self._request(RelayGetPower(relay_index=relay_index))
        return state.level > 0

    async def set_relay_power(self, relay_index: int, on: bool) -> None:
        """Switch a relay."""
        await self._send(
            RelaySetPower(relay_index=relay_index, level=MAX_LEVEL if on else 0),
        )

    # Multizone

    async def get_zones(self) -> list[LightHsbk]:
        """Every zone's colour, with extended messages where the firmware has them."""
        if self.capabilities.extended_multizone:
            parts = await self._request_all(MultiZoneExtendedGetColorZones())
            count = parts[0].count
            zones: list[LightHsbk] = [LightHsbk()] * count
            for part in parts:
                for offset, color in enumerate(part.colors[: part.colors_count]):
                    if part.index + offset < count:
                        zones[part.index + offset] = color
            return zones
        # A one-zone strip answers with StateZone rather than StateMultiZone.
        legacy: list[MultiZoneStateMultiZone | MultiZoneStateZone] = list(
            await self._request_all(MultiZoneGetColorZones(start_index=0, end_index=255))
        )
        count = legacy[0].count
        zones = [LightHsbk()] * count
        for reply in legacy:
            colors: Sequence[LightHsbk]
            colors = (reply.color,) if isinstance(reply, MultiZoneStateZone) else reply.colors
            for offset, color in enumerate(colors):
                if reply.index + offset < count:
                    zones[reply.index + offset] = color
        return zones

    async def set_zones(
        self, colors: Sequence[LightHsbk], *, start: int = 0, duration: float = 0.0
    ) -> None:
        """Paint zones from `start`; applied together once the last packet arrives."""
        if not colors:
            return
        if start < 0 or start + len(colors) > 65536:
            raise LifxProtocolError("zone range out of bounds")
        duration_ms = milliseconds(duration)
        if self.capabilities.extended_multizone:
            chunks = [
                colors[i : i + EXTENDED_ZONES_PER_PACKET]
                for i in range(0, len(colors), EXTENDED_ZONES_PER_PACKET)
            ]
            for number, chunk in enumerate(chunks):
                last = number == len(chunks) - 1
                await self._send(
                    MultiZoneExtendedSetColorZones(
                        duration=duration_ms,
                        apply=MultiZoneExtendedApplicationRequest.APPLY
                        if last
                        else MultiZoneExtendedApplicationRequest.NO_APPLY,
                        index=start + number * EXTENDED_ZONES_PER_PACKET,
                        colors_count=len(chunk),
                        colors=tuple(chunk),
                    ),
                )
            return
        if start + len(colors) > 256:
            raise LifxProtocolError("legacy multizone addresses at most 256 zones")
        runs: list[tuple[int, int, LightHsbk]] = []
        for offset, color in enumerate(colors):
            index = start + offset
            if runs and runs[-1][2] == color and runs[-1][1] == index - 1:
                runs[-1] = (runs[-1][0], index, color)
            else:
                runs.append((index, index, color))
        for number, (first, last_index, color) in enumerate(runs):
            last = number == len(runs) - 1
            await self._send(
                MultiZoneSetColorZones(
                    start_index=first,
                    end_index=last_index,
                    color=color,
                    duration=duration_ms,
                    apply=MultiZoneApplicationRequest.APPLY
                    if last
                    else MultiZoneApplicationRequest.NO_APPLY,
                ),
            )

    async def get_multizone_effect(self) -> EffectState:
        """The running multizone effect."""
        state = await self._request(MultiZoneGetEffect())
        return EffectState(
            kind=int(state.settings.type),
            speed_ms=state.settings.speed,
            duration_ns=state.settings.duration,
            parameters=tuple(state.settings.parameter),
        )

    async def set_multizone_effect(
        self,
        kind: MultiZoneEffectType,
        *,
        speed: float = 1.0,
        duration: float = 0.0,
        reverse: bool = False,
    ) -> None:
        """Start (MOVE) or stop (OFF) the strip's firmware effect."""
        await self._send(
            MultiZoneSetEffect(
                settings=MultiZoneEffectSettings(
                    instanceid=_instance_id(),
                    type=kind,
                    speed=milliseconds(speed),
                    duration=round(duration * 1e9),
                    parameter=MultiZoneEffectParameter(parameter1=1 if reverse else 0),
                )
            ),
        )

    # Matrix

    async def get_device_chain(self) -> list[TileInfo]:
        """The tiles of a matrix device, with their sizes and positions."""
        state = await self._request(TileGetDeviceChain())
        return [
            TileInfo(
                index=state.start_index + offset,
                width=tile.width,
                height=tile.height,
                user_x=tile.user_x,
                user_y=tile.user_y,
            )
            for offset, tile in enumerate(state.tile_devices[: state.tile_devices_count])
        ]

    async def get_tile_colors(self, tile: TileInfo) -> list[LightHsbk]:
        """Every zone of one tile, row by row (two Get64 for a 128-zone Ceiling)."""
        zones = tile.width * tile.height
        rows_per_packet = max(1, TILE_ZONES_PER_PACKET // max(tile.width, 1))
        colors: list[LightHsbk] = []
        for y in range(0, tile.height, rows_per_packet):
            parts = await self._request_all(
                TileGet64(
                    tile_index=tile.index,
                    length=1,
                    rect=TileBufferRect(fb_index=0, x=0, y=y, width=tile.width),
                ),
            )
            colors.extend(parts[0].colors)
        return colors[:zones]

    async def set_tile_colors(
        self, tile: TileInfo, colors: Sequence[LightHsbk], *, duration: float = 0.0
    ) -> None:
        """Paint one tile, row by row, in packets of 64 zones."""
        rows_per_packet = max(1, TILE_ZONES_PER_PACKET // max(tile.width, 1))
        per_packet = rows_per_packet * tile.width
        for number, y in enumerate(range(0, tile.height, rows_per_packet)):
            chunk = colors[number * per_packet : (number + 1) * per_packet]
            if not chunk:
                break
            await self._send(
                TileSet64(
                    tile_index=tile.index,
                    length=1,
                    rect=TileBufferRect(fb_index=0, x=0, y=y, width=tile.width),
                    duration=milliseconds(duration),
                    colors=tuple(chunk),
                ),
            )

    async def get_tile_effect(self) -> EffectState:
        """The running matrix effect."""
        state = await self._request(TileGetEffect())
        settings = state.settings
        return EffectState(
            kind=int(settings.type),
            speed_ms=settings.speed,
            duration_ns=settings.duration,
            parameters=tuple(settings.parameter),
            palette=settings.palette[: settings.palette_count],
        )

    async def set_tile_effect(
        self,
        kind: TileEffectType,
        *,
        speed: float = 3.0,
        duration: float = 0.0,
        palette: Sequence[LightHsbk] = (),
        sky_type: TileEffectSkyType = TileEffectSkyType.SUNRISE,
        cloud_saturation_min: int = 50,
        cloud_saturation_max: int = 180,
    ) -> None:
        """Start (MORPH, FLAME, SKY) or stop (OFF) the matrix firmware effect."""
        if len(palette) > MAX_PALETTE:
            raise LifxProtocolError(f"a palette holds at most {MAX_PALETTE} colours")
        await self._send(
            TileSetEffect(
                settings=TileEffectSettings(
                    instanceid=_instance_id(),
                    type=kind,
                    speed=milliseconds(speed),
                    duration=round(duration * 1e9),
                    parameter=TileEffectParameter(
                        parameter0=int(sky_type),
                        parameter1=cloud_saturation_min,
                        parameter2=cloud_saturation_max,
                    ),
                    palette_count=len(palette),
                    palette=tuple(palette),
                )
            ),
        )


_INSTANCE = [0]


def _instance_id() -> int:
    """A fresh effect instance id: firmware restarts an effect only when it changes."""
    _INSTANCE[0] = (_INSTANCE[0] + 1) & 0xFFFFFFFF or 1
    return _INSTANCE[0]


def _level(value: int) -> int:
    if not 0 <= value <= MAX_LEVEL:
        raise LifxProtocolError(f"level {value} is outside 0..{MAX_LEVEL}")
    return value
