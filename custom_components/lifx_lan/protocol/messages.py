"""LIFX LAN packets, GENERATED from protocol.yml by scripts/generate_messages."""

# Do not edit: change devtools/generate_messages.py and run it again.

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from struct import Struct, error as StructError
from typing import Any, ClassVar, Final, NamedTuple, Protocol, Self

from .exceptions import LifxProtocolError

# Decoding builds objects the cheapest way: fields set directly, tuples from one slice
_new_object: Final = object.__new__
_set_attribute: Final = object.__setattr__
_tuple_new: Final = tuple.__new__


class _Flattenable(Protocol):
    def _flat(self) -> tuple[Any, ...]: ...


def _pad_scalars(values: Sequence[int], count: int) -> tuple[int, ...]:
    """Fixed-size arrays on the wire: short ones are zero-padded, long ones refused."""
    if len(values) > count:
        raise LifxProtocolError(f"{len(values)} values do not fit in an array of {count}")
    return (*values, *(0,) * (count - len(values)))


def _flatten(values: Sequence[_Flattenable], count: int, zero: _Flattenable) -> Iterable[Any]:
    """Flatten a fixed-size array of structs, zero-padding a short one."""
    if len(values) > count:
        raise LifxProtocolError(f"{len(values)} items do not fit in an array of {count}")
    for item in values:
        yield from item._flat()
    for _ in range(count - len(values)):
        yield from zero._flat()


class Packet:
    """Base of every packet: its type number, payload size and (un)packing."""

    __slots__ = ()
    pkt_type: ClassVar[int]
    size: ClassVar[int]
    _STRUCT: ClassVar[Struct]

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        raise NotImplementedError

    def _flat(self) -> tuple[Any, ...]:
        raise NotImplementedError

    @classmethod
    def unpack(cls, payload: bytes | memoryview) -> Self:
        """Decode a payload; newer firmware may append fields, which are ignored."""
        return cls.unpack_from(payload, 0)

    @classmethod
    def unpack_from(cls, data: bytes | memoryview, offset: int) -> Self:
        """Decode the payload that starts at `offset` of a datagram, without copying it."""
        if len(data) - offset < cls.size:
            raise LifxProtocolError(
                f"{cls.__name__} needs {cls.size} payload bytes, got {len(data) - offset}"
            )
        return cls._unflat(cls._STRUCT.unpack_from(data, offset), 0)

    def pack(self) -> bytes:
        """Encode the payload."""
        try:
            return self._STRUCT.pack(*self._flat())
        except (StructError, OverflowError) as err:
            raise LifxProtocolError(f"{type(self).__name__}: {err}") from err


class Request[R: Packet](Packet):
    """A packet a device answers with a State packet of type `reply_type`."""

    __slots__ = ()
    reply_type: ClassVar[type[Packet]]


class Command(Packet):
    """A packet that changes a device and has no State reply: only an acknowledgement."""

    __slots__ = ()


class ButtonGesture(IntEnum):
    """ButtonGesture values from the LIFX protocol."""

    PRESS = 1
    HOLD = 2
    PRESS_PRESS = 3
    PRESS_HOLD = 4
    HOLD_HOLD = 5
    PRESS_RELEASE = 6
    HOLD_RELEASE = 7
    PRESS_TOUCH = 8
    HOLD_TOUCH = 9
    PRESS_TOUCH_REPEAT = 10
    HOLD_TOUCH_REPEAT = 11
    PRESS_FAST_REPEAT = 12


_BUTTON_GESTURE_VALUES: dict[int, ButtonGesture] = {m.value: m for m in ButtonGesture}


class ButtonTargetType(IntEnum):
    """ButtonTargetType values from the LIFX protocol."""

    POWER_TOGGLE_RELAYS = 2
    POWER_TOGGLE_DEVICE = 3
    POWER_TOGGLE_LOCATION = 4
    POWER_TOGGLE_GROUP = 5
    SCENE = 6
    POWER_TOGGLE_DEVICE_RELAYS = 7
    BRIGHTNESS_DOWN_DEVICE = 8
    BRIGHTNESS_DOWN_GROUP = 9
    BRIGHTNESS_DOWN_LOCATION = 10
    BRIGHTNESS_UP_DEVICE = 11
    BRIGHTNESS_UP_GROUP = 12
    BRIGHTNESS_UP_LOCATION = 13
    DEMO_EFFECT_CYCLE = 14
    DEMO_EFFECT_CYCLE_STOP = 15
    DEMO_SUNRISE_SUNSET = 16
    POWER_ON_DEVICE = 17
    POWER_ON_LOCATION = 18
    POWER_ON_GROUP = 19
    POWER_ON_RELAYS = 20
    POWER_OFF_DEVICE = 21
    POWER_OFF_LOCATION = 22
    POWER_OFF_GROUP = 23
    POWER_OFF_RELAYS = 24
    POWER_TOGGLE_LOCAL_DEVICE = 28
    BRIGHTNESS_DOWN_LOCAL_DEVICE = 29
    BRIGHTNESS_UP_LOCAL_DEVICE = 30


_BUTTON_TARGET_TYPE_VALUES: dict[int, ButtonTargetType] = {m.value: m for m in ButtonTargetType}


class DeviceService(IntEnum):
    """DeviceService values from the LIFX protocol."""

    UDP = 1


_DEVICE_SERVICE_VALUES: dict[int, DeviceService] = {m.value: m for m in DeviceService}


class LightWaveform(IntEnum):
    """LightWaveform values from the LIFX protocol."""

    SAW = 0
    SINE = 1
    HALF_SINE = 2
    TRIANGLE = 3
    PULSE = 4


_LIGHT_WAVEFORM_VALUES: dict[int, LightWaveform] = {m.value: m for m in LightWaveform}


class LightLastHevCycleResult(IntEnum):
    """LightLastHevCycleResult values from the LIFX protocol."""

    SUCCESS = 0
    BUSY = 1
    INTERRUPTED_BY_RESET = 2
    INTERRUPTED_BY_HOMEKIT = 3
    INTERRUPTED_BY_LAN = 4
    INTERRUPTED_BY_CLOUD = 5
    NONE = 255


_LIGHT_LAST_HEV_CYCLE_RESULT_VALUES: dict[int, LightLastHevCycleResult] = {
    m.value: m for m in LightLastHevCycleResult
}


class MultiZoneApplicationRequest(IntEnum):
    """MultiZoneApplicationRequest values from the LIFX protocol."""

    NO_APPLY = 0
    APPLY = 1
    APPLY_ONLY = 2


_MULTI_ZONE_APPLICATION_REQUEST_VALUES: dict[int, MultiZoneApplicationRequest] = {
    m.value: m for m in MultiZoneApplicationRequest
}


class MultiZoneEffectType(IntEnum):
    """MultiZoneEffectType values from the LIFX protocol."""

    OFF = 0
    MOVE = 1


_MULTI_ZONE_EFFECT_TYPE_VALUES: dict[int, MultiZoneEffectType] = {
    m.value: m for m in MultiZoneEffectType
}


class MultiZoneExtendedApplicationRequest(IntEnum):
    """MultiZoneExtendedApplicationRequest values from the LIFX protocol."""

    NO_APPLY = 0
    APPLY = 1
    APPLY_ONLY = 2


_MULTI_ZONE_EXTENDED_APPLICATION_REQUEST_VALUES: dict[int, MultiZoneExtendedApplicationRequest] = {
    m.value: m for m in MultiZoneExtendedApplicationRequest
}


class TileEffectSkyPalette(IntEnum):
    """TileEffectSkyPalette values from the LIFX protocol."""

    CLOUDS_SKY = 0
    NIGHT_SKY = 1
    DAWN_SKY = 2
    DAWN_SUN = 3
    FULL_SUN = 4
    FINAL_SUN = 5
    NUM_COLOURS = 6


_TILE_EFFECT_SKY_PALETTE_VALUES: dict[int, TileEffectSkyPalette] = {
    m.value: m for m in TileEffectSkyPalette
}


class TileEffectSkyType(IntEnum):
    """TileEffectSkyType values from the LIFX protocol."""

    SUNRISE = 0
    SUNSET = 1
    CLOUDS = 2


_TILE_EFFECT_SKY_TYPE_VALUES: dict[int, TileEffectSkyType] = {m.value: m for m in TileEffectSkyType}


class TileEffectType(IntEnum):
    """TileEffectType values from the LIFX protocol."""

    OFF = 0
    MORPH = 2
    FLAME = 3
    SKY = 5


_TILE_EFFECT_TYPE_VALUES: dict[int, TileEffectType] = {m.value: m for m in TileEffectType}


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateVersion(Packet):
    """DeviceStateVersion (type 33, 12 bytes)."""

    pkt_type: ClassVar[int] = 33
    size: ClassVar[int] = 12
    _STRUCT: ClassVar[Struct] = Struct("<II4x")
    vendor: int = 0
    product: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "vendor", v[i])
        _set_attribute(self, "product", v[i + 1])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.vendor,
            self.product,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateHostFirmware(Packet):
    """DeviceStateHostFirmware (type 15, 20 bytes)."""

    pkt_type: ClassVar[int] = 15
    size: ClassVar[int] = 20
    _STRUCT: ClassVar[Struct] = Struct("<Q8xHH")
    build: int = 0
    version_minor: int = 0
    version_major: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "build", v[i])
        _set_attribute(self, "version_minor", v[i + 1])
        _set_attribute(self, "version_major", v[i + 2])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.build,
            self.version_minor,
            self.version_major,
        )


class ButtonTargetRelays(NamedTuple):
    """The ButtonTargetRelays field group."""

    relays_count: int = 0
    relays: tuple[int, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return cls(v[i], tuple(v[i + 1 : i + 1 + 15]))

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.relays_count,
            *_pad_scalars(self.relays, 15),
        )


class ButtonTargetDevice(NamedTuple):
    """The ButtonTargetDevice field group."""

    serial: bytes = b""
    reserved: bytes = b""

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _tuple_new(cls, v[i : i + 2])

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.serial,
            self.reserved,
        )


class ButtonTargetDeviceRelays(NamedTuple):
    """The ButtonTargetDeviceRelays field group."""

    serial: bytes = b""
    relays_count: int = 0
    relays: tuple[int, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return cls(v[i], v[i + 1], tuple(v[i + 2 : i + 2 + 9]))

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.serial,
            self.relays_count,
            *_pad_scalars(self.relays, 9),
        )


class ButtonAction(NamedTuple):
    """The ButtonAction field group."""

    gesture: ButtonGesture | int = 0
    target_type: ButtonTargetType | int = 0
    target: bytes = b""

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return cls(
            _BUTTON_GESTURE_VALUES.get(v[i], v[i]),
            _BUTTON_TARGET_TYPE_VALUES.get(v[i + 1], v[i + 1]),
            v[i + 2],
        )

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.gesture,
            self.target_type,
            self.target,
        )


class Button(NamedTuple):
    """The Button field group."""

    actions_count: int = 0
    actions: tuple[ButtonAction, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return cls(v[i], tuple(ButtonAction._unflat(v, j) for j in range(i + 1, i + 1 + 15, 3)))

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.actions_count,
            *_flatten(self.actions, 5, ButtonAction()),
        )


class ButtonBacklightHsbk(NamedTuple):
    """The ButtonBacklightHsbk field group."""

    hue: int = 0
    saturation: int = 0
    brightness: int = 0
    kelvin: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _tuple_new(cls, v[i : i + 4])

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.hue,
            self.saturation,
            self.brightness,
            self.kelvin,
        )


class LightHsbk(NamedTuple):
    """The LightHsbk field group."""

    hue: int = 0
    saturation: int = 0
    brightness: int = 0
    kelvin: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _tuple_new(cls, v[i : i + 4])

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.hue,
            self.saturation,
            self.brightness,
            self.kelvin,
        )


class MultiZoneEffectParameter(NamedTuple):
    """The MultiZoneEffectParameter field group."""

    parameter0: int = 0
    parameter1: int = 0
    parameter2: int = 0
    parameter3: int = 0
    parameter4: int = 0
    parameter5: int = 0
    parameter6: int = 0
    parameter7: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _tuple_new(cls, v[i : i + 8])

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.parameter0,
            self.parameter1,
            self.parameter2,
            self.parameter3,
            self.parameter4,
            self.parameter5,
            self.parameter6,
            self.parameter7,
        )


class MultiZoneEffectSettings(NamedTuple):
    """The MultiZoneEffectSettings field group."""

    instanceid: int = 0
    type: MultiZoneEffectType | int = 0
    speed: int = 0
    duration: int = 0
    parameter: MultiZoneEffectParameter = MultiZoneEffectParameter()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return cls(
            v[i],
            _MULTI_ZONE_EFFECT_TYPE_VALUES.get(v[i + 1], v[i + 1]),
            v[i + 2],
            v[i + 3],
            MultiZoneEffectParameter._unflat(v, i + 4),
        )

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.instanceid,
            self.type,
            self.speed,
            self.duration,
            *self.parameter._flat(),
        )


class TileAccelMeas(NamedTuple):
    """The TileAccelMeas field group."""

    x: int = 0
    y: int = 0
    z: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _tuple_new(cls, v[i : i + 3])

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.x,
            self.y,
            self.z,
        )


class TileStateDevice(NamedTuple):
    """The TileStateDevice field group."""

    accel_meas: TileAccelMeas = TileAccelMeas()
    user_x: float = 0.0
    user_y: float = 0.0
    width: int = 0
    height: int = 0
    device_version: DeviceStateVersion = DeviceStateVersion()
    firmware: DeviceStateHostFirmware = DeviceStateHostFirmware()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return cls(
            TileAccelMeas._unflat(v, i),
            v[i + 3],
            v[i + 4],
            v[i + 5],
            v[i + 6],
            DeviceStateVersion._unflat(v, i + 7),
            DeviceStateHostFirmware._unflat(v, i + 9),
        )

    def _flat(self) -> tuple[Any, ...]:
        return (
            *self.accel_meas._flat(),
            self.user_x,
            self.user_y,
            self.width,
            self.height,
            *self.device_version._flat(),
            *self.firmware._flat(),
        )


class TileBufferRect(NamedTuple):
    """The TileBufferRect field group."""

    fb_index: int = 0
    x: int = 0
    y: int = 0
    width: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _tuple_new(cls, v[i : i + 4])

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.fb_index,
            self.x,
            self.y,
            self.width,
        )


class TileEffectParameter(NamedTuple):
    """The TileEffectParameter field group."""

    parameter0: int = 0
    parameter1: int = 0
    parameter2: int = 0
    parameter3: int = 0
    parameter4: int = 0
    parameter5: int = 0
    parameter6: int = 0
    parameter7: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _tuple_new(cls, v[i : i + 8])

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.parameter0,
            self.parameter1,
            self.parameter2,
            self.parameter3,
            self.parameter4,
            self.parameter5,
            self.parameter6,
            self.parameter7,
        )


class TileEffectSettings(NamedTuple):
    """The TileEffectSettings field group."""

    instanceid: int = 0
    type: TileEffectType | int = 0
    speed: int = 0
    duration: int = 0
    parameter: TileEffectParameter = TileEffectParameter()
    palette_count: int = 0
    palette: tuple[LightHsbk, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return cls(
            v[i],
            _TILE_EFFECT_TYPE_VALUES.get(v[i + 1], v[i + 1]),
            v[i + 2],
            v[i + 3],
            TileEffectParameter._unflat(v, i + 4),
            v[i + 12],
            tuple(LightHsbk._unflat(v, j) for j in range(i + 13, i + 13 + 64, 4)),
        )

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.instanceid,
            self.type,
            self.speed,
            self.duration,
            *self.parameter._flat(),
            self.palette_count,
            *_flatten(self.palette, 16, LightHsbk()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateService(Packet):
    """DeviceStateService (type 3, 5 bytes)."""

    pkt_type: ClassVar[int] = 3
    size: ClassVar[int] = 5
    _STRUCT: ClassVar[Struct] = Struct("<BI")
    service: DeviceService | int = 0
    port: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "service", _DEVICE_SERVICE_VALUES.get(v[i], v[i]))
        _set_attribute(self, "port", v[i + 1])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.service,
            self.port,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateWifiInfo(Packet):
    """DeviceStateWifiInfo (type 17, 14 bytes)."""

    pkt_type: ClassVar[int] = 17
    size: ClassVar[int] = 14
    _STRUCT: ClassVar[Struct] = Struct("<f4x4x2x")
    signal: float = 0.0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "signal", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.signal,)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateWifiFirmware(Packet):
    """DeviceStateWifiFirmware (type 19, 20 bytes)."""

    pkt_type: ClassVar[int] = 19
    size: ClassVar[int] = 20
    _STRUCT: ClassVar[Struct] = Struct("<Q8xHH")
    build: int = 0
    version_minor: int = 0
    version_major: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "build", v[i])
        _set_attribute(self, "version_minor", v[i + 1])
        _set_attribute(self, "version_major", v[i + 2])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.build,
            self.version_minor,
            self.version_major,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStatePower(Packet):
    """DeviceStatePower (type 22, 2 bytes)."""

    pkt_type: ClassVar[int] = 22
    size: ClassVar[int] = 2
    _STRUCT: ClassVar[Struct] = Struct("<H")
    level: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "level", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.level,)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateLabel(Packet):
    """DeviceStateLabel (type 25, 32 bytes)."""

    pkt_type: ClassVar[int] = 25
    size: ClassVar[int] = 32
    _STRUCT: ClassVar[Struct] = Struct("<32s")
    label: bytes = b""

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "label", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.label,)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateInfo(Packet):
    """DeviceStateInfo (type 35, 24 bytes)."""

    pkt_type: ClassVar[int] = 35
    size: ClassVar[int] = 24
    _STRUCT: ClassVar[Struct] = Struct("<QQQ")
    time: int = 0
    uptime: int = 0
    downtime: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "time", v[i])
        _set_attribute(self, "uptime", v[i + 1])
        _set_attribute(self, "downtime", v[i + 2])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.time,
            self.uptime,
            self.downtime,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceAcknowledgement(Packet):
    """DeviceAcknowledgement (type 45, 0 bytes)."""

    pkt_type: ClassVar[int] = 45
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateLocation(Packet):
    """DeviceStateLocation (type 50, 56 bytes)."""

    pkt_type: ClassVar[int] = 50
    size: ClassVar[int] = 56
    _STRUCT: ClassVar[Struct] = Struct("<16s32sQ")
    location: bytes = b""
    label: bytes = b""
    updated_at: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "location", v[i])
        _set_attribute(self, "label", v[i + 1])
        _set_attribute(self, "updated_at", v[i + 2])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.location,
            self.label,
            self.updated_at,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateGroup(Packet):
    """DeviceStateGroup (type 53, 56 bytes)."""

    pkt_type: ClassVar[int] = 53
    size: ClassVar[int] = 56
    _STRUCT: ClassVar[Struct] = Struct("<16s32sQ")
    group: bytes = b""
    label: bytes = b""
    updated_at: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "group", v[i])
        _set_attribute(self, "label", v[i + 1])
        _set_attribute(self, "updated_at", v[i + 2])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.group,
            self.label,
            self.updated_at,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceEchoResponse(Packet):
    """DeviceEchoResponse (type 59, 64 bytes)."""

    pkt_type: ClassVar[int] = 59
    size: ClassVar[int] = 64
    _STRUCT: ClassVar[Struct] = Struct("<64s")
    payload: bytes = b""

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "payload", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.payload,)


@dataclass(frozen=True, slots=True, kw_only=True)
class LightState(Packet):
    """LightState (type 107, 52 bytes)."""

    pkt_type: ClassVar[int] = 107
    size: ClassVar[int] = 52
    _STRUCT: ClassVar[Struct] = Struct("<HHHH2xH32s8x")
    color: LightHsbk = LightHsbk()
    power: int = 0
    label: bytes = b""

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "color", LightHsbk._unflat(v, i))
        _set_attribute(self, "power", v[i + 4])
        _set_attribute(self, "label", v[i + 5])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            *self.color._flat(),
            self.power,
            self.label,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LightStatePower(Packet):
    """LightStatePower (type 118, 2 bytes)."""

    pkt_type: ClassVar[int] = 118
    size: ClassVar[int] = 2
    _STRUCT: ClassVar[Struct] = Struct("<H")
    level: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "level", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.level,)


@dataclass(frozen=True, slots=True, kw_only=True)
class LightStateInfrared(Packet):
    """LightStateInfrared (type 121, 2 bytes)."""

    pkt_type: ClassVar[int] = 121
    size: ClassVar[int] = 2
    _STRUCT: ClassVar[Struct] = Struct("<H")
    brightness: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "brightness", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.brightness,)


@dataclass(frozen=True, slots=True, kw_only=True)
class LightStateHevCycle(Packet):
    """LightStateHevCycle (type 144, 9 bytes)."""

    pkt_type: ClassVar[int] = 144
    size: ClassVar[int] = 9
    _STRUCT: ClassVar[Struct] = Struct("<II?")
    duration_s: int = 0
    remaining_s: int = 0
    last_power: bool = False

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "duration_s", v[i])
        _set_attribute(self, "remaining_s", v[i + 1])
        _set_attribute(self, "last_power", v[i + 2])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.duration_s,
            self.remaining_s,
            self.last_power,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LightStateHevCycleConfiguration(Packet):
    """LightStateHevCycleConfiguration (type 147, 5 bytes)."""

    pkt_type: ClassVar[int] = 147
    size: ClassVar[int] = 5
    _STRUCT: ClassVar[Struct] = Struct("<?I")
    indication: bool = False
    duration_s: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "indication", v[i])
        _set_attribute(self, "duration_s", v[i + 1])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.indication,
            self.duration_s,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LightStateLastHevCycleResult(Packet):
    """LightStateLastHevCycleResult (type 149, 1 bytes)."""

    pkt_type: ClassVar[int] = 149
    size: ClassVar[int] = 1
    _STRUCT: ClassVar[Struct] = Struct("<B")
    result: LightLastHevCycleResult | int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "result", _LIGHT_LAST_HEV_CYCLE_RESULT_VALUES.get(v[i], v[i]))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.result,)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStateUnhandled(Packet):
    """DeviceStateUnhandled (type 223, 2 bytes)."""

    pkt_type: ClassVar[int] = 223
    size: ClassVar[int] = 2
    _STRUCT: ClassVar[Struct] = Struct("<H")
    unhandled_type: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "unhandled_type", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.unhandled_type,)


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneStateZone(Packet):
    """MultiZoneStateZone (type 503, 10 bytes)."""

    pkt_type: ClassVar[int] = 503
    size: ClassVar[int] = 10
    _STRUCT: ClassVar[Struct] = Struct("<BBHHHH")
    count: int = 0
    index: int = 0
    color: LightHsbk = LightHsbk()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "count", v[i])
        _set_attribute(self, "index", v[i + 1])
        _set_attribute(self, "color", LightHsbk._unflat(v, i + 2))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.count,
            self.index,
            *self.color._flat(),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneStateMultiZone(Packet):
    """MultiZoneStateMultiZone (type 506, 66 bytes)."""

    pkt_type: ClassVar[int] = 506
    size: ClassVar[int] = 66
    _STRUCT: ClassVar[Struct] = Struct("<BBHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH")
    count: int = 0
    index: int = 0
    colors: tuple[LightHsbk, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "count", v[i])
        _set_attribute(self, "index", v[i + 1])
        _set_attribute(
            self, "colors", tuple(LightHsbk._unflat(v, j) for j in range(i + 2, i + 2 + 32, 4))
        )
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.count,
            self.index,
            *_flatten(self.colors, 8, LightHsbk()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneStateEffect(Packet):
    """MultiZoneStateEffect (type 509, 59 bytes)."""

    pkt_type: ClassVar[int] = 509
    size: ClassVar[int] = 59
    _STRUCT: ClassVar[Struct] = Struct("<IB2xIQ4x4xIIIIIIII")
    settings: MultiZoneEffectSettings = MultiZoneEffectSettings()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "settings", MultiZoneEffectSettings._unflat(v, i))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (*self.settings._flat(),)


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneExtendedStateMultiZone(Packet):
    """MultiZoneExtendedStateMultiZone (type 512, 661 bytes)."""

    pkt_type: ClassVar[int] = 512
    size: ClassVar[int] = 661
    _STRUCT: ClassVar[Struct] = Struct(
        "<HHBHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
    )
    count: int = 0
    index: int = 0
    colors_count: int = 0
    colors: tuple[LightHsbk, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "count", v[i])
        _set_attribute(self, "index", v[i + 1])
        _set_attribute(self, "colors_count", v[i + 2])
        _set_attribute(
            self, "colors", tuple(LightHsbk._unflat(v, j) for j in range(i + 3, i + 3 + 328, 4))
        )
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.count,
            self.index,
            self.colors_count,
            *_flatten(self.colors, 82, LightHsbk()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TileStateDeviceChain(Packet):
    """TileStateDeviceChain (type 702, 882 bytes)."""

    pkt_type: ClassVar[int] = 702
    size: ClassVar[int] = 882
    _STRUCT: ClassVar[Struct] = Struct(
        "<Bhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xhhh1x1xffBB1xII4xQ8xHH4xB"
    )
    start_index: int = 0
    tile_devices: tuple[TileStateDevice, ...] = ()
    tile_devices_count: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "start_index", v[i])
        _set_attribute(
            self,
            "tile_devices",
            tuple(TileStateDevice._unflat(v, j) for j in range(i + 1, i + 1 + 192, 12)),
        )
        _set_attribute(self, "tile_devices_count", v[i + 193])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.start_index,
            *_flatten(self.tile_devices, 16, TileStateDevice()),
            self.tile_devices_count,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TileState64(Packet):
    """TileState64 (type 711, 517 bytes)."""

    pkt_type: ClassVar[int] = 711
    size: ClassVar[int] = 517
    _STRUCT: ClassVar[Struct] = Struct(
        "<BBBBBHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
    )
    tile_index: int = 0
    rect: TileBufferRect = TileBufferRect()
    colors: tuple[LightHsbk, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "tile_index", v[i])
        _set_attribute(self, "rect", TileBufferRect._unflat(v, i + 1))
        _set_attribute(
            self, "colors", tuple(LightHsbk._unflat(v, j) for j in range(i + 5, i + 5 + 256, 4))
        )
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.tile_index,
            *self.rect._flat(),
            *_flatten(self.colors, 64, LightHsbk()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TileStateEffect(Packet):
    """TileStateEffect (type 720, 187 bytes)."""

    pkt_type: ClassVar[int] = 720
    size: ClassVar[int] = 187
    _STRUCT: ClassVar[Struct] = Struct(
        "<1xIBIQ4x4xIIIIIIIIBHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
    )
    settings: TileEffectSettings = TileEffectSettings()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "settings", TileEffectSettings._unflat(v, i))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (*self.settings._flat(),)


@dataclass(frozen=True, slots=True, kw_only=True)
class RelayStatePower(Packet):
    """RelayStatePower (type 818, 3 bytes)."""

    pkt_type: ClassVar[int] = 818
    size: ClassVar[int] = 3
    _STRUCT: ClassVar[Struct] = Struct("<BH")
    relay_index: int = 0
    level: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "relay_index", v[i])
        _set_attribute(self, "level", v[i + 1])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.relay_index,
            self.level,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonState(Packet):
    """ButtonState (type 907, 811 bytes)."""

    pkt_type: ClassVar[int] = 907
    size: ClassVar[int] = 811
    _STRUCT: ClassVar[Struct] = Struct(
        "<BBBBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16s"
    )
    count: int = 0
    index: int = 0
    buttons_count: int = 0
    buttons: tuple[Button, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "count", v[i])
        _set_attribute(self, "index", v[i + 1])
        _set_attribute(self, "buttons_count", v[i + 2])
        _set_attribute(
            self, "buttons", tuple(Button._unflat(v, j) for j in range(i + 3, i + 3 + 128, 16))
        )
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.count,
            self.index,
            self.buttons_count,
            *_flatten(self.buttons, 8, Button()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonStateConfig(Packet):
    """ButtonStateConfig (type 911, 18 bytes)."""

    pkt_type: ClassVar[int] = 911
    size: ClassVar[int] = 18
    _STRUCT: ClassVar[Struct] = Struct("<HHHHHHHHH")
    haptic_duration_ms: int = 0
    backlight_on_color: ButtonBacklightHsbk = ButtonBacklightHsbk()
    backlight_off_color: ButtonBacklightHsbk = ButtonBacklightHsbk()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "haptic_duration_ms", v[i])
        _set_attribute(self, "backlight_on_color", ButtonBacklightHsbk._unflat(v, i + 1))
        _set_attribute(self, "backlight_off_color", ButtonBacklightHsbk._unflat(v, i + 5))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.haptic_duration_ms,
            *self.backlight_on_color._flat(),
            *self.backlight_off_color._flat(),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetService(Request[DeviceStateService]):
    """DeviceGetService (type 2, 0 bytes)."""

    pkt_type: ClassVar[int] = 2
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStateService

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetHostFirmware(Request[DeviceStateHostFirmware]):
    """DeviceGetHostFirmware (type 14, 0 bytes)."""

    pkt_type: ClassVar[int] = 14
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStateHostFirmware

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetWifiInfo(Request[DeviceStateWifiInfo]):
    """DeviceGetWifiInfo (type 16, 0 bytes)."""

    pkt_type: ClassVar[int] = 16
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStateWifiInfo

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetWifiFirmware(Request[DeviceStateWifiFirmware]):
    """DeviceGetWifiFirmware (type 18, 0 bytes)."""

    pkt_type: ClassVar[int] = 18
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStateWifiFirmware

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetPower(Request[DeviceStatePower]):
    """DeviceGetPower (type 20, 0 bytes)."""

    pkt_type: ClassVar[int] = 20
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStatePower

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceSetPower(Request[DeviceStatePower]):
    """DeviceSetPower (type 21, 2 bytes)."""

    pkt_type: ClassVar[int] = 21
    size: ClassVar[int] = 2
    _STRUCT: ClassVar[Struct] = Struct("<H")
    reply_type: ClassVar[type[Packet]] = DeviceStatePower
    level: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "level", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.level,)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetLabel(Request[DeviceStateLabel]):
    """DeviceGetLabel (type 23, 0 bytes)."""

    pkt_type: ClassVar[int] = 23
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStateLabel

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceSetLabel(Request[DeviceStateLabel]):
    """DeviceSetLabel (type 24, 32 bytes)."""

    pkt_type: ClassVar[int] = 24
    size: ClassVar[int] = 32
    _STRUCT: ClassVar[Struct] = Struct("<32s")
    reply_type: ClassVar[type[Packet]] = DeviceStateLabel
    label: bytes = b""

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "label", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.label,)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetVersion(Request[DeviceStateVersion]):
    """DeviceGetVersion (type 32, 0 bytes)."""

    pkt_type: ClassVar[int] = 32
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStateVersion

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetInfo(Request[DeviceStateInfo]):
    """DeviceGetInfo (type 34, 0 bytes)."""

    pkt_type: ClassVar[int] = 34
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStateInfo

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceSetReboot(Command):
    """DeviceSetReboot (type 38, 0 bytes)."""

    pkt_type: ClassVar[int] = 38
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetLocation(Request[DeviceStateLocation]):
    """DeviceGetLocation (type 48, 0 bytes)."""

    pkt_type: ClassVar[int] = 48
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStateLocation

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceSetLocation(Request[DeviceStateLocation]):
    """DeviceSetLocation (type 49, 56 bytes)."""

    pkt_type: ClassVar[int] = 49
    size: ClassVar[int] = 56
    _STRUCT: ClassVar[Struct] = Struct("<16s32sQ")
    reply_type: ClassVar[type[Packet]] = DeviceStateLocation
    location: bytes = b""
    label: bytes = b""
    updated_at: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "location", v[i])
        _set_attribute(self, "label", v[i + 1])
        _set_attribute(self, "updated_at", v[i + 2])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.location,
            self.label,
            self.updated_at,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceGetGroup(Request[DeviceStateGroup]):
    """DeviceGetGroup (type 51, 0 bytes)."""

    pkt_type: ClassVar[int] = 51
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = DeviceStateGroup

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceSetGroup(Request[DeviceStateGroup]):
    """DeviceSetGroup (type 52, 56 bytes)."""

    pkt_type: ClassVar[int] = 52
    size: ClassVar[int] = 56
    _STRUCT: ClassVar[Struct] = Struct("<16s32sQ")
    reply_type: ClassVar[type[Packet]] = DeviceStateGroup
    group: bytes = b""
    label: bytes = b""
    updated_at: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "group", v[i])
        _set_attribute(self, "label", v[i + 1])
        _set_attribute(self, "updated_at", v[i + 2])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.group,
            self.label,
            self.updated_at,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceEchoRequest(Request[DeviceEchoResponse]):
    """DeviceEchoRequest (type 58, 64 bytes)."""

    pkt_type: ClassVar[int] = 58
    size: ClassVar[int] = 64
    _STRUCT: ClassVar[Struct] = Struct("<64s")
    reply_type: ClassVar[type[Packet]] = DeviceEchoResponse
    payload: bytes = b""

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "payload", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.payload,)


@dataclass(frozen=True, slots=True, kw_only=True)
class LightGet(Request[LightState]):
    """LightGet (type 101, 0 bytes)."""

    pkt_type: ClassVar[int] = 101
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = LightState

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class LightSetColor(Request[LightState]):
    """LightSetColor (type 102, 13 bytes)."""

    pkt_type: ClassVar[int] = 102
    size: ClassVar[int] = 13
    _STRUCT: ClassVar[Struct] = Struct("<1xHHHHI")
    reply_type: ClassVar[type[Packet]] = LightState
    color: LightHsbk = LightHsbk()
    duration: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "color", LightHsbk._unflat(v, i))
        _set_attribute(self, "duration", v[i + 4])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            *self.color._flat(),
            self.duration,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LightSetWaveform(Request[LightState]):
    """LightSetWaveform (type 103, 21 bytes)."""

    pkt_type: ClassVar[int] = 103
    size: ClassVar[int] = 21
    _STRUCT: ClassVar[Struct] = Struct("<1x?HHHHIfhB")
    reply_type: ClassVar[type[Packet]] = LightState
    transient: bool = False
    color: LightHsbk = LightHsbk()
    period: int = 0
    cycles: float = 0.0
    skew_ratio: int = 0
    waveform: LightWaveform | int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "transient", v[i])
        _set_attribute(self, "color", LightHsbk._unflat(v, i + 1))
        _set_attribute(self, "period", v[i + 5])
        _set_attribute(self, "cycles", v[i + 6])
        _set_attribute(self, "skew_ratio", v[i + 7])
        _set_attribute(self, "waveform", _LIGHT_WAVEFORM_VALUES.get(v[i + 8], v[i + 8]))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.transient,
            *self.color._flat(),
            self.period,
            self.cycles,
            self.skew_ratio,
            self.waveform,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LightGetPower(Request[LightStatePower]):
    """LightGetPower (type 116, 0 bytes)."""

    pkt_type: ClassVar[int] = 116
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = LightStatePower

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class LightSetPower(Request[LightStatePower]):
    """LightSetPower (type 117, 6 bytes)."""

    pkt_type: ClassVar[int] = 117
    size: ClassVar[int] = 6
    _STRUCT: ClassVar[Struct] = Struct("<HI")
    reply_type: ClassVar[type[Packet]] = LightStatePower
    level: int = 0
    duration: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "level", v[i])
        _set_attribute(self, "duration", v[i + 1])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.level,
            self.duration,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LightSetWaveformOptional(Request[LightState]):
    """LightSetWaveformOptional (type 119, 25 bytes)."""

    pkt_type: ClassVar[int] = 119
    size: ClassVar[int] = 25
    _STRUCT: ClassVar[Struct] = Struct("<1x?HHHHIfhB????")
    reply_type: ClassVar[type[Packet]] = LightState
    transient: bool = False
    color: LightHsbk = LightHsbk()
    period: int = 0
    cycles: float = 0.0
    skew_ratio: int = 0
    waveform: LightWaveform | int = 0
    set_hue: bool = False
    set_saturation: bool = False
    set_brightness: bool = False
    set_kelvin: bool = False

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "transient", v[i])
        _set_attribute(self, "color", LightHsbk._unflat(v, i + 1))
        _set_attribute(self, "period", v[i + 5])
        _set_attribute(self, "cycles", v[i + 6])
        _set_attribute(self, "skew_ratio", v[i + 7])
        _set_attribute(self, "waveform", _LIGHT_WAVEFORM_VALUES.get(v[i + 8], v[i + 8]))
        _set_attribute(self, "set_hue", v[i + 9])
        _set_attribute(self, "set_saturation", v[i + 10])
        _set_attribute(self, "set_brightness", v[i + 11])
        _set_attribute(self, "set_kelvin", v[i + 12])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.transient,
            *self.color._flat(),
            self.period,
            self.cycles,
            self.skew_ratio,
            self.waveform,
            self.set_hue,
            self.set_saturation,
            self.set_brightness,
            self.set_kelvin,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LightGetInfrared(Request[LightStateInfrared]):
    """LightGetInfrared (type 120, 0 bytes)."""

    pkt_type: ClassVar[int] = 120
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = LightStateInfrared

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class LightSetInfrared(Request[LightStateInfrared]):
    """LightSetInfrared (type 122, 2 bytes)."""

    pkt_type: ClassVar[int] = 122
    size: ClassVar[int] = 2
    _STRUCT: ClassVar[Struct] = Struct("<H")
    reply_type: ClassVar[type[Packet]] = LightStateInfrared
    brightness: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "brightness", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.brightness,)


@dataclass(frozen=True, slots=True, kw_only=True)
class LightGetHevCycle(Request[LightStateHevCycle]):
    """LightGetHevCycle (type 142, 0 bytes)."""

    pkt_type: ClassVar[int] = 142
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = LightStateHevCycle

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class LightSetHevCycle(Request[LightStateHevCycle]):
    """LightSetHevCycle (type 143, 5 bytes)."""

    pkt_type: ClassVar[int] = 143
    size: ClassVar[int] = 5
    _STRUCT: ClassVar[Struct] = Struct("<?I")
    reply_type: ClassVar[type[Packet]] = LightStateHevCycle
    enable: bool = False
    duration_s: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "enable", v[i])
        _set_attribute(self, "duration_s", v[i + 1])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.enable,
            self.duration_s,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LightGetHevCycleConfiguration(Request[LightStateHevCycleConfiguration]):
    """LightGetHevCycleConfiguration (type 145, 0 bytes)."""

    pkt_type: ClassVar[int] = 145
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = LightStateHevCycleConfiguration

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class LightSetHevCycleConfiguration(Request[LightStateHevCycleConfiguration]):
    """LightSetHevCycleConfiguration (type 146, 5 bytes)."""

    pkt_type: ClassVar[int] = 146
    size: ClassVar[int] = 5
    _STRUCT: ClassVar[Struct] = Struct("<?I")
    reply_type: ClassVar[type[Packet]] = LightStateHevCycleConfiguration
    indication: bool = False
    duration_s: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "indication", v[i])
        _set_attribute(self, "duration_s", v[i + 1])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.indication,
            self.duration_s,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LightGetLastHevCycleResult(Request[LightStateLastHevCycleResult]):
    """LightGetLastHevCycleResult (type 148, 0 bytes)."""

    pkt_type: ClassVar[int] = 148
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = LightStateLastHevCycleResult

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneSetColorZones(Request[MultiZoneStateMultiZone]):
    """MultiZoneSetColorZones (type 501, 15 bytes)."""

    pkt_type: ClassVar[int] = 501
    size: ClassVar[int] = 15
    _STRUCT: ClassVar[Struct] = Struct("<BBHHHHIB")
    reply_type: ClassVar[type[Packet]] = MultiZoneStateMultiZone
    start_index: int = 0
    end_index: int = 0
    color: LightHsbk = LightHsbk()
    duration: int = 0
    apply: MultiZoneApplicationRequest | int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "start_index", v[i])
        _set_attribute(self, "end_index", v[i + 1])
        _set_attribute(self, "color", LightHsbk._unflat(v, i + 2))
        _set_attribute(self, "duration", v[i + 6])
        _set_attribute(
            self, "apply", _MULTI_ZONE_APPLICATION_REQUEST_VALUES.get(v[i + 7], v[i + 7])
        )
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.start_index,
            self.end_index,
            *self.color._flat(),
            self.duration,
            self.apply,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneGetColorZones(Request[MultiZoneStateMultiZone]):
    """MultiZoneGetColorZones (type 502, 2 bytes)."""

    pkt_type: ClassVar[int] = 502
    size: ClassVar[int] = 2
    _STRUCT: ClassVar[Struct] = Struct("<BB")
    reply_type: ClassVar[type[Packet]] = MultiZoneStateMultiZone
    start_index: int = 0
    end_index: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "start_index", v[i])
        _set_attribute(self, "end_index", v[i + 1])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.start_index,
            self.end_index,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneGetEffect(Request[MultiZoneStateEffect]):
    """MultiZoneGetEffect (type 507, 0 bytes)."""

    pkt_type: ClassVar[int] = 507
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = MultiZoneStateEffect

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneSetEffect(Request[MultiZoneStateEffect]):
    """MultiZoneSetEffect (type 508, 59 bytes)."""

    pkt_type: ClassVar[int] = 508
    size: ClassVar[int] = 59
    _STRUCT: ClassVar[Struct] = Struct("<IB2xIQ4x4xIIIIIIII")
    reply_type: ClassVar[type[Packet]] = MultiZoneStateEffect
    settings: MultiZoneEffectSettings = MultiZoneEffectSettings()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "settings", MultiZoneEffectSettings._unflat(v, i))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (*self.settings._flat(),)


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneExtendedSetColorZones(Request[MultiZoneExtendedStateMultiZone]):
    """MultiZoneExtendedSetColorZones (type 510, 664 bytes)."""

    pkt_type: ClassVar[int] = 510
    size: ClassVar[int] = 664
    _STRUCT: ClassVar[Struct] = Struct(
        "<IBHBHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
    )
    reply_type: ClassVar[type[Packet]] = MultiZoneExtendedStateMultiZone
    duration: int = 0
    apply: MultiZoneExtendedApplicationRequest | int = 0
    index: int = 0
    colors_count: int = 0
    colors: tuple[LightHsbk, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "duration", v[i])
        _set_attribute(
            self, "apply", _MULTI_ZONE_EXTENDED_APPLICATION_REQUEST_VALUES.get(v[i + 1], v[i + 1])
        )
        _set_attribute(self, "index", v[i + 2])
        _set_attribute(self, "colors_count", v[i + 3])
        _set_attribute(
            self, "colors", tuple(LightHsbk._unflat(v, j) for j in range(i + 4, i + 4 + 328, 4))
        )
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.duration,
            self.apply,
            self.index,
            self.colors_count,
            *_flatten(self.colors, 82, LightHsbk()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiZoneExtendedGetColorZones(Request[MultiZoneExtendedStateMultiZone]):
    """MultiZoneExtendedGetColorZones (type 511, 0 bytes)."""

    pkt_type: ClassVar[int] = 511
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = MultiZoneExtendedStateMultiZone

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class TileGetDeviceChain(Request[TileStateDeviceChain]):
    """TileGetDeviceChain (type 701, 0 bytes)."""

    pkt_type: ClassVar[int] = 701
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = TileStateDeviceChain

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class TileSetUserPosition(Command):
    """TileSetUserPosition (type 703, 11 bytes)."""

    pkt_type: ClassVar[int] = 703
    size: ClassVar[int] = 11
    _STRUCT: ClassVar[Struct] = Struct("<B1x1xff")
    tile_index: int = 0
    user_x: float = 0.0
    user_y: float = 0.0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "tile_index", v[i])
        _set_attribute(self, "user_x", v[i + 1])
        _set_attribute(self, "user_y", v[i + 2])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.tile_index,
            self.user_x,
            self.user_y,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TileGet64(Request[TileState64]):
    """TileGet64 (type 707, 6 bytes)."""

    pkt_type: ClassVar[int] = 707
    size: ClassVar[int] = 6
    _STRUCT: ClassVar[Struct] = Struct("<BBBBBB")
    reply_type: ClassVar[type[Packet]] = TileState64
    tile_index: int = 0
    length: int = 0
    rect: TileBufferRect = TileBufferRect()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "tile_index", v[i])
        _set_attribute(self, "length", v[i + 1])
        _set_attribute(self, "rect", TileBufferRect._unflat(v, i + 2))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.tile_index,
            self.length,
            *self.rect._flat(),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TileSet64(Command):
    """TileSet64 (type 715, 522 bytes)."""

    pkt_type: ClassVar[int] = 715
    size: ClassVar[int] = 522
    _STRUCT: ClassVar[Struct] = Struct(
        "<BBBBBBIHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
    )
    tile_index: int = 0
    length: int = 0
    rect: TileBufferRect = TileBufferRect()
    duration: int = 0
    colors: tuple[LightHsbk, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "tile_index", v[i])
        _set_attribute(self, "length", v[i + 1])
        _set_attribute(self, "rect", TileBufferRect._unflat(v, i + 2))
        _set_attribute(self, "duration", v[i + 6])
        _set_attribute(
            self, "colors", tuple(LightHsbk._unflat(v, j) for j in range(i + 7, i + 7 + 256, 4))
        )
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.tile_index,
            self.length,
            *self.rect._flat(),
            self.duration,
            *_flatten(self.colors, 64, LightHsbk()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TileCopyFrameBuffer(Command):
    """TileCopyFrameBuffer (type 716, 15 bytes)."""

    pkt_type: ClassVar[int] = 716
    size: ClassVar[int] = 15
    _STRUCT: ClassVar[Struct] = Struct("<BBBBBBBBBBI1x")
    tile_index: int = 0
    length: int = 0
    src_fb_index: int = 0
    dst_fb_index: int = 0
    src_x: int = 0
    src_y: int = 0
    dst_x: int = 0
    dst_y: int = 0
    width: int = 0
    height: int = 0
    duration: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "tile_index", v[i])
        _set_attribute(self, "length", v[i + 1])
        _set_attribute(self, "src_fb_index", v[i + 2])
        _set_attribute(self, "dst_fb_index", v[i + 3])
        _set_attribute(self, "src_x", v[i + 4])
        _set_attribute(self, "src_y", v[i + 5])
        _set_attribute(self, "dst_x", v[i + 6])
        _set_attribute(self, "dst_y", v[i + 7])
        _set_attribute(self, "width", v[i + 8])
        _set_attribute(self, "height", v[i + 9])
        _set_attribute(self, "duration", v[i + 10])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.tile_index,
            self.length,
            self.src_fb_index,
            self.dst_fb_index,
            self.src_x,
            self.src_y,
            self.dst_x,
            self.dst_y,
            self.width,
            self.height,
            self.duration,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TileGetEffect(Request[TileStateEffect]):
    """TileGetEffect (type 718, 2 bytes)."""

    pkt_type: ClassVar[int] = 718
    size: ClassVar[int] = 2
    _STRUCT: ClassVar[Struct] = Struct("<1x1x")
    reply_type: ClassVar[type[Packet]] = TileStateEffect

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return bytes(2)


@dataclass(frozen=True, slots=True, kw_only=True)
class TileSetEffect(Request[TileStateEffect]):
    """TileSetEffect (type 719, 188 bytes)."""

    pkt_type: ClassVar[int] = 719
    size: ClassVar[int] = 188
    _STRUCT: ClassVar[Struct] = Struct(
        "<1x1xIBIQ4x4xIIIIIIIIBHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
    )
    reply_type: ClassVar[type[Packet]] = TileStateEffect
    settings: TileEffectSettings = TileEffectSettings()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "settings", TileEffectSettings._unflat(v, i))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (*self.settings._flat(),)


@dataclass(frozen=True, slots=True, kw_only=True)
class RelayGetPower(Request[RelayStatePower]):
    """RelayGetPower (type 816, 1 bytes)."""

    pkt_type: ClassVar[int] = 816
    size: ClassVar[int] = 1
    _STRUCT: ClassVar[Struct] = Struct("<B")
    reply_type: ClassVar[type[Packet]] = RelayStatePower
    relay_index: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "relay_index", v[i])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (self.relay_index,)


@dataclass(frozen=True, slots=True, kw_only=True)
class RelaySetPower(Request[RelayStatePower]):
    """RelaySetPower (type 817, 3 bytes)."""

    pkt_type: ClassVar[int] = 817
    size: ClassVar[int] = 3
    _STRUCT: ClassVar[Struct] = Struct("<BH")
    reply_type: ClassVar[type[Packet]] = RelayStatePower
    relay_index: int = 0
    level: int = 0

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "relay_index", v[i])
        _set_attribute(self, "level", v[i + 1])
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.relay_index,
            self.level,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonGet(Request[ButtonState]):
    """ButtonGet (type 905, 0 bytes)."""

    pkt_type: ClassVar[int] = 905
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = ButtonState

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonSet(Request[ButtonState]):
    """ButtonSet (type 906, 810 bytes)."""

    pkt_type: ClassVar[int] = 906
    size: ClassVar[int] = 810
    _STRUCT: ClassVar[Struct] = Struct(
        "<BBBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16sBHH16sHH16sHH16sHH16sHH16s"
    )
    reply_type: ClassVar[type[Packet]] = ButtonState
    index: int = 0
    buttons_count: int = 0
    buttons: tuple[Button, ...] = ()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "index", v[i])
        _set_attribute(self, "buttons_count", v[i + 1])
        _set_attribute(
            self, "buttons", tuple(Button._unflat(v, j) for j in range(i + 2, i + 2 + 128, 16))
        )
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.index,
            self.buttons_count,
            *_flatten(self.buttons, 8, Button()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonGetConfig(Request[ButtonStateConfig]):
    """ButtonGetConfig (type 909, 0 bytes)."""

    pkt_type: ClassVar[int] = 909
    size: ClassVar[int] = 0
    _STRUCT: ClassVar[Struct] = Struct("<")
    reply_type: ClassVar[type[Packet]] = ButtonStateConfig

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        return _new_object(cls)

    def _flat(self) -> tuple[Any, ...]:
        return ()

    def pack(self) -> bytes:
        """Encode the payload: no fields, so always the same bytes."""
        return b""


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonSetConfig(Request[ButtonStateConfig]):
    """ButtonSetConfig (type 910, 18 bytes)."""

    pkt_type: ClassVar[int] = 910
    size: ClassVar[int] = 18
    _STRUCT: ClassVar[Struct] = Struct("<HHHHHHHHH")
    reply_type: ClassVar[type[Packet]] = ButtonStateConfig
    haptic_duration_ms: int = 0
    backlight_on_color: ButtonBacklightHsbk = ButtonBacklightHsbk()
    backlight_off_color: ButtonBacklightHsbk = ButtonBacklightHsbk()

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        self = _new_object(cls)
        _set_attribute(self, "haptic_duration_ms", v[i])
        _set_attribute(self, "backlight_on_color", ButtonBacklightHsbk._unflat(v, i + 1))
        _set_attribute(self, "backlight_off_color", ButtonBacklightHsbk._unflat(v, i + 5))
        return self

    def _flat(self) -> tuple[Any, ...]:
        return (
            self.haptic_duration_ms,
            *self.backlight_on_color._flat(),
            *self.backlight_off_color._flat(),
        )


PACKETS: dict[int, type[Packet]] = {
    DeviceGetService.pkt_type: DeviceGetService,
    DeviceStateService.pkt_type: DeviceStateService,
    DeviceGetHostFirmware.pkt_type: DeviceGetHostFirmware,
    DeviceStateHostFirmware.pkt_type: DeviceStateHostFirmware,
    DeviceGetWifiInfo.pkt_type: DeviceGetWifiInfo,
    DeviceStateWifiInfo.pkt_type: DeviceStateWifiInfo,
    DeviceGetWifiFirmware.pkt_type: DeviceGetWifiFirmware,
    DeviceStateWifiFirmware.pkt_type: DeviceStateWifiFirmware,
    DeviceGetPower.pkt_type: DeviceGetPower,
    DeviceSetPower.pkt_type: DeviceSetPower,
    DeviceStatePower.pkt_type: DeviceStatePower,
    DeviceGetLabel.pkt_type: DeviceGetLabel,
    DeviceSetLabel.pkt_type: DeviceSetLabel,
    DeviceStateLabel.pkt_type: DeviceStateLabel,
    DeviceGetVersion.pkt_type: DeviceGetVersion,
    DeviceStateVersion.pkt_type: DeviceStateVersion,
    DeviceGetInfo.pkt_type: DeviceGetInfo,
    DeviceStateInfo.pkt_type: DeviceStateInfo,
    DeviceSetReboot.pkt_type: DeviceSetReboot,
    DeviceAcknowledgement.pkt_type: DeviceAcknowledgement,
    DeviceGetLocation.pkt_type: DeviceGetLocation,
    DeviceSetLocation.pkt_type: DeviceSetLocation,
    DeviceStateLocation.pkt_type: DeviceStateLocation,
    DeviceGetGroup.pkt_type: DeviceGetGroup,
    DeviceSetGroup.pkt_type: DeviceSetGroup,
    DeviceStateGroup.pkt_type: DeviceStateGroup,
    DeviceEchoRequest.pkt_type: DeviceEchoRequest,
    DeviceEchoResponse.pkt_type: DeviceEchoResponse,
    LightGet.pkt_type: LightGet,
    LightSetColor.pkt_type: LightSetColor,
    LightSetWaveform.pkt_type: LightSetWaveform,
    LightState.pkt_type: LightState,
    LightGetPower.pkt_type: LightGetPower,
    LightSetPower.pkt_type: LightSetPower,
    LightStatePower.pkt_type: LightStatePower,
    LightSetWaveformOptional.pkt_type: LightSetWaveformOptional,
    LightGetInfrared.pkt_type: LightGetInfrared,
    LightStateInfrared.pkt_type: LightStateInfrared,
    LightSetInfrared.pkt_type: LightSetInfrared,
    LightGetHevCycle.pkt_type: LightGetHevCycle,
    LightSetHevCycle.pkt_type: LightSetHevCycle,
    LightStateHevCycle.pkt_type: LightStateHevCycle,
    LightGetHevCycleConfiguration.pkt_type: LightGetHevCycleConfiguration,
    LightSetHevCycleConfiguration.pkt_type: LightSetHevCycleConfiguration,
    LightStateHevCycleConfiguration.pkt_type: LightStateHevCycleConfiguration,
    LightGetLastHevCycleResult.pkt_type: LightGetLastHevCycleResult,
    LightStateLastHevCycleResult.pkt_type: LightStateLastHevCycleResult,
    DeviceStateUnhandled.pkt_type: DeviceStateUnhandled,
    MultiZoneSetColorZones.pkt_type: MultiZoneSetColorZones,
    MultiZoneGetColorZones.pkt_type: MultiZoneGetColorZones,
    MultiZoneStateZone.pkt_type: MultiZoneStateZone,
    MultiZoneStateMultiZone.pkt_type: MultiZoneStateMultiZone,
    MultiZoneGetEffect.pkt_type: MultiZoneGetEffect,
    MultiZoneSetEffect.pkt_type: MultiZoneSetEffect,
    MultiZoneStateEffect.pkt_type: MultiZoneStateEffect,
    MultiZoneExtendedSetColorZones.pkt_type: MultiZoneExtendedSetColorZones,
    MultiZoneExtendedGetColorZones.pkt_type: MultiZoneExtendedGetColorZones,
    MultiZoneExtendedStateMultiZone.pkt_type: MultiZoneExtendedStateMultiZone,
    TileGetDeviceChain.pkt_type: TileGetDeviceChain,
    TileStateDeviceChain.pkt_type: TileStateDeviceChain,
    TileSetUserPosition.pkt_type: TileSetUserPosition,
    TileGet64.pkt_type: TileGet64,
    TileState64.pkt_type: TileState64,
    TileSet64.pkt_type: TileSet64,
    TileCopyFrameBuffer.pkt_type: TileCopyFrameBuffer,
    TileGetEffect.pkt_type: TileGetEffect,
    TileSetEffect.pkt_type: TileSetEffect,
    TileStateEffect.pkt_type: TileStateEffect,
    RelayGetPower.pkt_type: RelayGetPower,
    RelaySetPower.pkt_type: RelaySetPower,
    RelayStatePower.pkt_type: RelayStatePower,
    ButtonGet.pkt_type: ButtonGet,
    ButtonSet.pkt_type: ButtonSet,
    ButtonState.pkt_type: ButtonState,
    ButtonGetConfig.pkt_type: ButtonGetConfig,
    ButtonSetConfig.pkt_type: ButtonSetConfig,
    ButtonStateConfig.pkt_type: ButtonStateConfig,
}
