"""Golden bytes for the LIFX header and every packet family, written independently of our pack.

The expected bytes below are hex literals or explicit little-endian `struct.pack` formats taken
from LIFX's public LAN protocol documentation (lan.developer.lifx.com), never from
`messages.py`, so a wrong offset, width, signedness or padding in the generator shows up here.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path
import struct
import subprocess
import sys
from typing import NamedTuple

import pytest

from custom_components.lifx_lan.protocol import messages as m
from custom_components.lifx_lan.protocol.exceptions import LifxProtocolError
from custom_components.lifx_lan.protocol.header import (
    HEADER_SIZE,
    Header,
    pack_message,
    serial_to_target,
)

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL_DIR = ROOT / "custom_components" / "lifx_lan" / "protocol"

ZERO = m.LightHsbk()


def h(text: str) -> bytes:
    """Bytes from hex written with spaces for readability."""
    return bytes.fromhex(text)


def hsbk(hue: int, saturation: int, brightness: int, kelvin: int) -> bytes:
    """A documented HSBK: four little-endian uint16."""
    return struct.pack("<HHHH", hue, saturation, brightness, kelvin)


def wire_colors(colors: list[m.LightHsbk], count: int) -> bytes:
    """A fixed array of `count` HSBK on the wire, zero-padded after `colors`."""
    return b"".join(hsbk(*c) for c in colors) + bytes(8 * (count - len(colors)))


# The example packet of LIFX's documentation: SetColor to green, tagged, source 0, sequence 0.
DOCUMENTED_SET_COLOR = h(
    "31 00 00 34 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
    " 00 00 00 00 00 00 00 00 66 00 00 00 00 55 55 FF FF FF FF AC 0D 00 04 00 00"
)

SERIAL = "d073d5001122"


# Header


def test_documented_set_color_example_is_what_pack_message_builds() -> None:
    datagram = pack_message(
        102,
        m.LightSetColor(color=m.LightHsbk(21845, 65535, 65535, 3500), duration=1024).pack(),
        source=0,
        target=bytes(8),
        sequence=0,
        tagged=True,
    )
    assert datagram == DOCUMENTED_SET_COLOR


def test_documented_set_color_example_decodes_to_green_over_1024_ms() -> None:
    header = Header.unpack(DOCUMENTED_SET_COLOR)
    assert header == Header(
        size=49,
        source=0,
        target=bytes(8),
        sequence=0,
        pkt_type=102,
        tagged=True,
        addressable=True,
        res_required=False,
        ack_required=False,
        protocol=1024,
    )
    payload = m.LightSetColor.unpack(DOCUMENTED_SET_COLOR[HEADER_SIZE:])
    assert payload == m.LightSetColor(color=m.LightHsbk(21845, 65535, 65535, 3500), duration=1024)


HEADER_CASES: dict[str, Header] = {
    "plain": Header(size=36, source=2, target=bytes(8), sequence=0, pkt_type=2),
    "tagged": Header(size=36, source=7, target=bytes(8), sequence=1, pkt_type=2, tagged=True),
    "ack_required": Header(
        size=38,
        source=0xDEADBEEF,
        target=serial_to_target(SERIAL),
        sequence=9,
        pkt_type=21,
        ack_required=True,
    ),
    "res_required": Header(
        size=36,
        source=0xFFFFFFFF,
        target=serial_to_target(SERIAL),
        sequence=10,
        pkt_type=101,
        res_required=True,
    ),
    "both_flags": Header(
        size=49,
        source=1234,
        target=serial_to_target(SERIAL),
        sequence=11,
        pkt_type=102,
        res_required=True,
        ack_required=True,
    ),
    "sequence_255": Header(
        size=36, source=99, target=serial_to_target(SERIAL), sequence=255, pkt_type=0xFFFF
    ),
    "not_addressable": Header(
        size=36, source=99, target=bytes(8), sequence=3, pkt_type=45, addressable=False
    ),
}


@pytest.mark.parametrize("header", HEADER_CASES.values(), ids=HEADER_CASES.keys())
def test_header_round_trips_every_flag_and_field(header: Header) -> None:
    packed = header.pack()
    assert len(packed) == HEADER_SIZE
    assert Header.unpack(packed) == header


@pytest.mark.parametrize("header", HEADER_CASES.values(), ids=HEADER_CASES.keys())
def test_header_fields_sit_at_documented_byte_offsets(header: Header) -> None:
    packed = header.pack()
    assert struct.unpack_from("<H", packed, 0)[0] == header.size
    field = struct.unpack_from("<H", packed, 2)[0]
    assert field & 0x0FFF == 1024
    assert bool(field & 0x1000) == header.addressable
    assert bool(field & 0x2000) == header.tagged
    assert field >> 14 == 0  # origin: always 0
    assert struct.unpack_from("<I", packed, 4)[0] == header.source
    assert packed[8:16] == header.target
    assert packed[16:22] == bytes(6)
    assert packed[22] == (0x02 if header.ack_required else 0) | (1 if header.res_required else 0)
    assert packed[23] == header.sequence
    assert packed[24:32] == bytes(8)
    assert struct.unpack_from("<H", packed, 32)[0] == header.pkt_type
    assert packed[34:36] == bytes(2)


def test_header_with_real_serial_and_both_flags_matches_hand_written_bytes() -> None:
    header = Header(
        size=38,
        source=0xDEADBEEF,
        target=serial_to_target(SERIAL),
        sequence=255,
        pkt_type=117,
        res_required=True,
        ack_required=True,
    )
    expected = h(
        "26 00"  # size 38
        " 00 14"  # protocol 1024 | addressable
        " ef be ad de"  # source
        " d0 73 d5 00 11 22 00 00"  # target: the serial and two zero bytes
        " 00 00 00 00 00 00"  # reserved
        " 03"  # res_required | ack_required
        " ff"  # sequence
        " 00 00 00 00 00 00 00 00"  # reserved
        " 75 00"  # type 117
        " 00 00"  # reserved
    )
    assert header.pack() == expected
    assert Header.unpack(expected) == header


ADDRESSABLE_CASES = {name: hdr for name, hdr in HEADER_CASES.items() if hdr.addressable}


@pytest.mark.parametrize("header", ADDRESSABLE_CASES.values(), ids=ADDRESSABLE_CASES.keys())
def test_pack_message_equals_header_pack_followed_by_payload(header: Header) -> None:
    # pack_message always sets the addressable bit, as every LIFX message must.
    payload = bytes(range(header.size - HEADER_SIZE))
    datagram = pack_message(
        header.pkt_type,
        payload,
        source=header.source,
        target=header.target,
        sequence=header.sequence,
        res_required=header.res_required,
        ack_required=header.ack_required,
        tagged=header.tagged,
    )
    assert datagram == header.pack() + payload


@pytest.mark.parametrize("length", [0, 1, 35])
def test_header_unpack_rejects_data_shorter_than_36_bytes(length: int) -> None:
    with pytest.raises(LifxProtocolError, match="shorter than a header"):
        Header.unpack(DOCUMENTED_SET_COLOR[:length])


@pytest.mark.parametrize("protocol", [0, 1023, 1025, 0x0FFF])
def test_header_unpack_rejects_a_protocol_number_other_than_1024(protocol: int) -> None:
    datagram = bytearray(DOCUMENTED_SET_COLOR)
    struct.pack_into("<H", datagram, 2, 0x3000 | protocol)
    with pytest.raises(LifxProtocolError, match="protocol number"):
        Header.unpack(bytes(datagram))


def test_serial_and_target_convert_both_ways() -> None:
    assert serial_to_target("D0:73:D5:00:11:22") == h("d0 73 d5 00 11 22 00 00")
    with pytest.raises(LifxProtocolError):
        serial_to_target("d073d5")
    with pytest.raises(LifxProtocolError):
        serial_to_target("not-a-serial")


# Golden payloads of every family


class Golden(NamedTuple):
    """A packet, its documented wire bytes and what decoding those bytes gives back."""

    packet: m.Packet
    wire: bytes
    decoded: m.Packet | None = None


def _label(text: bytes, size: int = 32) -> bytes:
    return text + bytes(size - len(text))


CAFE = "Café ☕".encode()
UPDATED_AT = 1_700_000_000_123_456_789  # nanoseconds since the epoch
GREEN = m.LightHsbk(21845, 65535, 65535, 3500)
RED = m.LightHsbk(0, 65535, 65535, 3500)
BLUE = m.LightHsbk(43690, 65535, 32768, 9000)
ZONES_8_TO_15 = [m.LightHsbk(i * 4096, 65535, 65535, 3500) for i in range(8, 16)]
ZONES_82_TO_119 = [m.LightHsbk(i * 500, 60000, 50000, 2500 + i) for i in range(82, 120)]
TILE_PIXELS = [m.LightHsbk(i * 1000, 65535 - i, 1000 + i, 3500) for i in range(64)]

TILE = m.TileStateDevice(
    accel_meas=m.TileAccelMeas(-100, 200, -300),
    user_x=1.5,
    user_y=-0.5,
    width=8,
    height=8,
    device_version=m.DeviceStateVersion(vendor=1, product=55),
    firmware=m.DeviceStateHostFirmware(build=0x0102030405060708, version_minor=70, version_major=3),
)
TILE_WIRE = h(
    "9c ff c8 00 d4 fe"  # accel_meas x, y, z: int16 -100, 200, -300
    " 00 00"  # reserved
    " 00 00 c0 3f"  # user_x: float32 1.5
    " 00 00 00 bf"  # user_y: float32 -0.5
    " 08 08"  # width, height
    " 00"  # reserved
    " 01 00 00 00 37 00 00 00"  # device_version: vendor 1, product 55
    " 00 00 00 00"  # device_version: reserved
    " 08 07 06 05 04 03 02 01"  # firmware build
    " 00 00 00 00 00 00 00 00"  # reserved
    " 46 00 03 00"  # firmware minor 70, major 3
    " 00 00 00 00"  # reserved
)

SKY = m.TileEffectSettings(
    instanceid=7,
    type=m.TileEffectType.SKY,
    speed=50000,
    duration=0,
    # Sky: sky_type, 3 reserved, cloud_saturation_min, 3 reserved, cloud_saturation_max, ...
    parameter=m.TileEffectParameter(
        parameter0=m.TileEffectSkyType.CLOUDS, parameter1=50, parameter2=180
    ),
    palette_count=2,
    palette=(RED, BLUE),
)

MOVE = m.MultiZoneEffectSettings(
    instanceid=0xDEADBEEF,
    type=m.MultiZoneEffectType.MOVE,
    speed=5000,
    duration=0,
    parameter=m.MultiZoneEffectParameter(parameter1=1),  # direction
)

GOLDENS: dict[str, Golden] = {
    # Device
    "device_set_power": Golden(m.DeviceSetPower(level=65535), h("ff ff")),
    "device_state_service": Golden(
        m.DeviceStateService(service=m.DeviceService.UDP, port=56700), h("01 7c dd 00 00")
    ),
    "device_state_host_firmware": Golden(
        m.DeviceStateHostFirmware(build=0x1122334455667788, version_minor=80, version_major=3),
        h("88 77 66 55 44 33 22 11  00 00 00 00 00 00 00 00  50 00  03 00"),
    ),
    "device_state_version": Golden(
        m.DeviceStateVersion(vendor=1, product=27), h("01 00 00 00  1b 00 00 00  00 00 00 00")
    ),
    "device_state_label_utf8": Golden(
        m.DeviceStateLabel(label=CAFE),
        h("43 61 66 c3 a9 20 e2 98 95") + bytes(23),
        m.DeviceStateLabel(label=_label(CAFE)),
    ),
    "device_state_group": Golden(
        m.DeviceStateGroup(group=bytes(range(16)), label=b"Living Room", updated_at=UPDATED_AT),
        bytes(range(16)) + b"Living Room" + bytes(21) + struct.pack("<Q", UPDATED_AT),
        m.DeviceStateGroup(
            group=bytes(range(16)),
            label=_label(b"Living Room"),
            updated_at=UPDATED_AT,
        ),
    ),
    "device_state_wifi_info": Golden(
        m.DeviceStateWifiInfo(signal=-52.5), h("00 00 52 c2") + bytes(10)
    ),
    "device_echo_request": Golden(
        m.DeviceEchoRequest(payload=b"ping"),
        b"ping" + bytes(60),
        m.DeviceEchoRequest(payload=_label(b"ping", 64)),
    ),
    "device_state_unhandled": Golden(m.DeviceStateUnhandled(unhandled_type=707), h("c3 02")),
    "device_acknowledgement": Golden(m.DeviceAcknowledgement(), b""),
    # Light
    "light_set_color": Golden(
        m.LightSetColor(color=GREEN, duration=1024), h("00 55 55 ff ff ff ff ac 0d 00 04 00 00")
    ),
    "light_state": Golden(
        m.LightState(
            color=m.LightHsbk(0x1234, 0x5678, 0x9ABC, 3500), power=65535, label=b"Kitchen"
        ),
        h("34 12 78 56 bc 9a ac 0d  00 00  ff ff") + _label(b"Kitchen") + bytes(8),
        m.LightState(
            color=m.LightHsbk(0x1234, 0x5678, 0x9ABC, 3500), power=65535, label=_label(b"Kitchen")
        ),
    ),
    "light_set_power_with_duration": Golden(
        m.LightSetPower(level=65535, duration=1500), h("ff ff dc 05 00 00")
    ),
    "light_set_waveform_optional": Golden(
        m.LightSetWaveformOptional(
            transient=True,
            color=m.LightHsbk(0, 65535, 65535, 3500),
            period=1000,
            cycles=2.5,
            skew_ratio=-16384,
            waveform=m.LightWaveform.PULSE,
            set_hue=False,
            set_saturation=True,
            set_brightness=True,
            set_kelvin=False,
        ),
        h(
            "00"  # reserved
            " 01"  # transient
            " 00 00 ff ff ff ff ac 0d"  # colour
            " e8 03 00 00"  # period 1000 ms
            " 00 00 20 40"  # cycles float32 2.5
            " 00 c0"  # skew_ratio int16 -16384
            " 04"  # waveform PULSE
            " 00 01 01 00"  # set_hue, set_saturation, set_brightness, set_kelvin
        ),
    ),
    "light_state_hev_cycle": Golden(
        m.LightStateHevCycle(duration_s=7200, remaining_s=3599, last_power=True),
        h("20 1c 00 00  0f 0e 00 00  01"),
    ),
    "light_state_infrared": Golden(m.LightStateInfrared(brightness=0x8000), h("00 80")),
    # MultiZone
    "multizone_set_color_zones": Golden(
        m.MultiZoneSetColorZones(
            start_index=2,
            end_index=9,
            color=m.LightHsbk(21845, 65535, 32768, 3500),
            duration=250,
            apply=m.MultiZoneApplicationRequest.APPLY,
        ),
        h("02 09  55 55 ff ff 00 80 ac 0d  fa 00 00 00  01"),
    ),
    "multizone_state_zone": Golden(
        m.MultiZoneStateZone(count=16, index=5, color=BLUE),
        h("10 05") + hsbk(43690, 65535, 32768, 9000),
    ),
    "multizone_state_multi_zone": Golden(
        m.MultiZoneStateMultiZone(count=16, index=8, colors=tuple(ZONES_8_TO_15)),
        h("10 08") + wire_colors(ZONES_8_TO_15, 8),
    ),
    "multizone_extended_set_color_zones_padded": Golden(
        m.MultiZoneExtendedSetColorZones(
            duration=1000,
            apply=m.MultiZoneExtendedApplicationRequest.APPLY_ONLY,
            index=80,
            colors_count=3,
            colors=(RED, GREEN, BLUE),
        ),
        h("e8 03 00 00  02  50 00  03") + wire_colors([RED, GREEN, BLUE], 82),
        m.MultiZoneExtendedSetColorZones(
            duration=1000,
            apply=m.MultiZoneExtendedApplicationRequest.APPLY_ONLY,
            index=80,
            colors_count=3,
            colors=(RED, GREEN, BLUE, *(ZERO,) * 79),
        ),
    ),
    "multizone_extended_state_multi_zone": Golden(
        m.MultiZoneExtendedStateMultiZone(
            count=120, index=82, colors_count=38, colors=tuple(ZONES_82_TO_119)
        ),
        h("78 00  52 00  26") + wire_colors(ZONES_82_TO_119, 82),
        m.MultiZoneExtendedStateMultiZone(
            count=120, index=82, colors_count=38, colors=(*ZONES_82_TO_119, *(ZERO,) * 44)
        ),
    ),
    "multizone_set_effect_move": Golden(
        m.MultiZoneSetEffect(settings=MOVE),
        h(
            "ef be ad de"  # instanceid
            " 01"  # type MOVE
            " 00 00"  # reserved
            " 88 13 00 00"  # speed 5000 ms
            " 00 00 00 00 00 00 00 00"  # duration (ns)
            " 00 00 00 00 00 00 00 00"  # reserved
            " 00 00 00 00  01 00 00 00"  # parameters[0], parameters[1] = direction
        )
        + bytes(24),  # parameters[2..7]
    ),
    # Tile
    "tile_get64": Golden(
        m.TileGet64(tile_index=0, length=5, rect=m.TileBufferRect(fb_index=0, x=0, y=0, width=8)),
        h("00 05  00 00 00 08"),
    ),
    "tile_state64": Golden(
        m.TileState64(tile_index=3, rect=m.TileBufferRect(0, 0, 4, 8), colors=tuple(TILE_PIXELS)),
        h("03  00 00 04 08") + wire_colors(TILE_PIXELS, 64),
    ),
    "tile_set64_padded": Golden(
        m.TileSet64(
            tile_index=1,
            length=1,
            rect=m.TileBufferRect(0, 0, 0, 8),
            duration=100,
            colors=(RED, GREEN),
        ),
        h("01 01  00 00 00 08  64 00 00 00") + wire_colors([RED, GREEN], 64),
        m.TileSet64(
            tile_index=1,
            length=1,
            rect=m.TileBufferRect(0, 0, 0, 8),
            duration=100,
            colors=(RED, GREEN, *(ZERO,) * 62),
        ),
    ),
    "tile_state_device_chain_one_tile": Golden(
        m.TileStateDeviceChain(start_index=0, tile_devices=(TILE,), tile_devices_count=1),
        h("00") + TILE_WIRE + bytes(55 * 15) + h("01"),
        m.TileStateDeviceChain(
            start_index=0,
            tile_devices=(TILE, *(m.TileStateDevice(),) * 15),
            tile_devices_count=1,
        ),
    ),
    "tile_set_effect_sky_with_palette": Golden(
        m.TileSetEffect(settings=SKY),
        h(
            "00 00"  # reserved
            " 07 00 00 00"  # instanceid
            " 05"  # type SKY
            " 50 c3 00 00"  # speed 50000 ms
            " 00 00 00 00 00 00 00 00"  # duration
            " 00 00 00 00 00 00 00 00"  # reserved
            " 02 00 00 00"  # sky_type CLOUDS
            " 32 00 00 00"  # cloud_saturation_min 50
            " b4 00 00 00"  # cloud_saturation_max 180
        )
        + bytes(20)  # rest of the 32 parameter bytes
        + h("02")  # palette_count
        + wire_colors([RED, BLUE], 16),
        m.TileSetEffect(settings=SKY._replace(palette=(RED, BLUE, *(ZERO,) * 14))),
    ),
    # Relay
    "relay_get_power": Golden(m.RelayGetPower(relay_index=1), h("01")),
    "relay_set_power": Golden(m.RelaySetPower(relay_index=2, level=65535), h("02 ff ff")),
    "relay_state_power": Golden(m.RelayStatePower(relay_index=3, level=0), h("03 00 00")),
    # Button
    "button_state_config": Golden(
        m.ButtonStateConfig(
            haptic_duration_ms=50,
            backlight_on_color=m.ButtonBacklightHsbk(0, 0, 65535, 3500),
            backlight_off_color=m.ButtonBacklightHsbk(0, 0, 0, 2700),
        ),
        h("32 00  00 00 00 00 ff ff ac 0d  00 00 00 00 00 00 8c 0a"),
    ),
}


@pytest.mark.parametrize("golden", GOLDENS.values(), ids=GOLDENS.keys())
def test_packet_packs_to_documented_bytes(golden: Golden) -> None:
    assert golden.packet.pack() == golden.wire
    assert len(golden.wire) == type(golden.packet).size


@pytest.mark.parametrize("golden", GOLDENS.values(), ids=GOLDENS.keys())
def test_packet_unpacks_documented_bytes(golden: Golden) -> None:
    decoded = type(golden.packet).unpack(golden.wire)
    assert decoded == (golden.decoded or golden.packet)
    assert decoded.pack() == golden.wire
    # As the client decodes replies: in place, after the 36-byte header of the datagram
    in_place = type(golden.packet).unpack_from(bytes(36) + golden.wire, 36)
    assert in_place == decoded
    assert type(in_place) is type(decoded)


def test_every_family_has_a_golden() -> None:
    names = {type(golden.packet).__name__ for golden in GOLDENS.values()}
    for family in ("Device", "Light", "MultiZone", "Tile", "Relay", "Button"):
        assert any(name.startswith(family) for name in names), family


def test_label_is_utf8_and_nul_padded_to_32_bytes() -> None:
    wire = m.DeviceStateLabel(label=CAFE).pack()
    assert wire[: len(CAFE)] == CAFE
    assert wire[len(CAFE) :] == bytes(32 - len(CAFE))
    decoded = m.DeviceStateLabel.unpack(wire)
    assert decoded.label.rstrip(b"\0").decode() == "Café ☕"
    # A label of exactly 32 bytes has no terminating NUL at all.
    exact = ("y" * 32).encode()
    assert m.DeviceSetLabel(label=exact).pack() == exact


def test_reserved_bytes_are_ignored_on_unpack_and_zeroed_on_pack() -> None:
    golden = GOLDENS["light_state"]
    dirty = bytearray(golden.wire)
    dirty[8:10] = b"\xee\xee"  # reserved after the colour
    dirty[44:52] = b"\xee" * 8  # reserved after the label
    decoded = m.LightState.unpack(bytes(dirty))
    assert decoded == golden.decoded
    assert decoded.pack() == golden.wire


def test_bool_bytes_other_than_one_decode_true_and_pack_back_as_one() -> None:
    golden = GOLDENS["light_set_waveform_optional"]
    wire = bytearray(golden.wire)
    wire[1] = 0x02  # transient
    wire[22] = 0xFF  # set_saturation
    decoded = m.LightSetWaveformOptional.unpack(bytes(wire))
    assert decoded.transient is True
    assert decoded.set_saturation is True
    assert decoded.set_hue is False
    assert decoded.pack() == golden.wire


def test_negative_skew_ratio_is_a_signed_int16() -> None:
    decoded = m.LightSetWaveform.unpack(bytes(18) + h("00 80") + h("00"))
    assert decoded.skew_ratio == -32768
    assert m.LightSetWaveform(skew_ratio=-1).pack()[18:20] == h("ff ff")


def test_float_fields_round_to_float32() -> None:
    signal = 1e-5  # not exactly representable in float32
    decoded = m.DeviceStateWifiInfo.unpack(m.DeviceStateWifiInfo(signal=signal).pack())
    (as_float32,) = struct.unpack("<f", struct.pack("<f", signal))
    assert decoded.signal == as_float32
    assert decoded.signal != signal


def test_decoded_enum_fields_are_enum_members() -> None:
    service = m.DeviceStateService.unpack(GOLDENS["device_state_service"].wire)
    assert service.service is m.DeviceService.UDP
    waveform = m.LightSetWaveformOptional.unpack(GOLDENS["light_set_waveform_optional"].wire)
    assert waveform.waveform is m.LightWaveform.PULSE
    zones = m.MultiZoneSetColorZones.unpack(GOLDENS["multizone_set_color_zones"].wire)
    assert zones.apply is m.MultiZoneApplicationRequest.APPLY
    effect = m.TileSetEffect.unpack(GOLDENS["tile_set_effect_sky_with_palette"].wire)
    assert effect.settings.type is m.TileEffectType.SKY
    move = m.MultiZoneSetEffect.unpack(GOLDENS["multizone_set_effect_move"].wire)
    assert move.settings.type is m.MultiZoneEffectType.MOVE


UNKNOWN_ENUMS: dict[str, tuple[type[m.Packet], bytes, str]] = {
    "waveform_9": (m.LightSetWaveform, bytes(20) + h("09"), "waveform"),
    "service_2": (m.DeviceStateService, h("02 7c dd 00 00"), "service"),
    "hev_result_6": (m.LightStateLastHevCycleResult, h("06"), "result"),
}


@pytest.mark.parametrize(("cls", "wire", "field"), UNKNOWN_ENUMS.values(), ids=UNKNOWN_ENUMS.keys())
def test_unknown_enum_value_decodes_to_the_raw_int(
    cls: type[m.Packet], wire: bytes, field: str
) -> None:
    decoded = cls.unpack(wire)
    value = getattr(decoded, field)
    assert type(value) is int
    assert decoded.pack() == wire


def test_unknown_effect_types_decode_to_the_raw_int() -> None:
    tile = m.TileStateEffect.unpack(h("00 00 00 00 00 01") + bytes(181))  # type 1: not listed
    assert type(tile.settings.type) is int
    assert tile.settings.type == 1
    zones = m.MultiZoneStateEffect.unpack(h("00 00 00 00 07") + bytes(54))
    assert type(zones.settings.type) is int
    assert zones.settings.type == 7


def test_payload_longer_than_size_decodes_and_ignores_the_extra_bytes() -> None:
    assert m.LightStatePower.unpack(h("01 02 ff ff ff")) == m.LightStatePower(level=0x0201)
    golden = GOLDENS["light_state"]
    assert m.LightState.unpack(golden.wire + b"\xaa" * 40) == golden.decoded
    assert m.DeviceAcknowledgement.unpack(b"extra") == m.DeviceAcknowledgement()


SIZED = [cls for cls in m.PACKETS.values() if cls.size > 0]


@pytest.mark.parametrize("cls", SIZED, ids=[cls.__name__ for cls in SIZED])
def test_payload_shorter_than_size_raises_protocol_error(cls: type[m.Packet]) -> None:
    with pytest.raises(LifxProtocolError, match=f"needs {cls.size} payload bytes"):
        cls.unpack(bytes(cls.size - 1))
    with pytest.raises(LifxProtocolError):
        cls.unpack(memoryview(bytes(cls.size + 10))[11:])
    with pytest.raises(LifxProtocolError, match=f"needs {cls.size} payload bytes"):
        cls.unpack_from(bytes(36 + cls.size - 1), 36)


TOO_LONG: dict[str, m.Packet] = {
    "state_multi_zone_9": m.MultiZoneStateMultiZone(colors=(RED,) * 9),
    "extended_set_color_zones_83": m.MultiZoneExtendedSetColorZones(colors=(RED,) * 83),
    "tile_set64_65": m.TileSet64(colors=(RED,) * 65),
    "tile_palette_17": m.TileSetEffect(settings=m.TileEffectSettings(palette=(RED,) * 17)),
    "device_chain_17": m.TileStateDeviceChain(tile_devices=(TILE,) * 17),
    "button_set_9_buttons": m.ButtonSet(buttons=(m.Button(),) * 9),
    "button_6_actions": m.ButtonSet(buttons=(m.Button(actions=(m.ButtonAction(),) * 6),)),
}


@pytest.mark.parametrize("packet", TOO_LONG.values(), ids=TOO_LONG.keys())
def test_packing_an_array_longer_than_its_fixed_size_raises(packet: m.Packet) -> None:
    with pytest.raises(LifxProtocolError, match="do not fit"):
        packet.pack()


OUT_OF_RANGE: dict[str, m.Packet] = {
    "hue_70000": m.LightSetColor(color=m.LightHsbk(70000, 0, 0, 3500)),
    "negative_level": m.DeviceSetPower(level=-1),
    "relay_index_256": m.RelaySetPower(relay_index=256, level=0),
    "skew_ratio_40000": m.LightSetWaveform(skew_ratio=40000),
    "duration_2_pow_32": m.LightSetPower(level=1, duration=2**32),
    "waveform_300": m.LightSetWaveform(waveform=300),
    "zone_color_in_array": m.MultiZoneStateMultiZone(colors=(m.LightHsbk(0, 0, 0, 65536),)),
    "label_not_bytes": m.DeviceSetLabel(label="text"),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("packet", OUT_OF_RANGE.values(), ids=OUT_OF_RANGE.keys())
def test_value_out_of_struct_range_raises_protocol_error(packet: m.Packet) -> None:
    with pytest.raises(LifxProtocolError, match=type(packet).__name__):
        packet.pack()


@pytest.mark.parametrize(
    "packet",
    [
        m.LightSetWaveform(cycles=1e39),
        m.TileSetUserPosition(user_x=-1e300),
        m.DeviceStateWifiInfo(signal=3.5e38),
    ],
    ids=["cycles", "user_x", "signal"],
)
def test_float_out_of_float32_range_raises_protocol_error(packet: m.Packet) -> None:
    with pytest.raises(LifxProtocolError):
        packet.pack()


# The packet table

# Payload sizes from LIFX's documentation, by message type.
# fmt: off
DOCUMENTED_SIZES: dict[int, int] = {
    2: 0, 3: 5, 14: 0, 15: 20, 16: 0, 17: 14, 18: 0, 19: 20, 20: 0, 21: 2, 22: 2,
    23: 0, 24: 32, 25: 32, 32: 0, 33: 12, 34: 0, 35: 24, 38: 0, 45: 0, 48: 0, 49: 56,
    50: 56, 51: 0, 52: 56, 53: 56, 58: 64, 59: 64, 101: 0, 102: 13, 103: 21, 107: 52,
    116: 0, 117: 6, 118: 2, 119: 25, 120: 0, 121: 2, 122: 2, 142: 0, 143: 5, 144: 9,
    145: 0, 146: 5, 147: 5, 148: 0, 149: 1, 223: 2, 501: 15, 502: 2, 503: 10, 506: 66,
    507: 0, 508: 59, 509: 59, 510: 664, 511: 0, 512: 661, 701: 0, 702: 882, 703: 11,
    707: 6, 711: 517, 715: 522, 716: 15, 718: 2, 719: 188, 720: 187, 816: 1, 817: 3,
    818: 3, 905: 0, 906: 810, 907: 811, 909: 0, 910: 18, 911: 18,
}
# fmt: on

ALL_PACKETS = sorted(m.PACKETS.values(), key=lambda cls: cls.pkt_type)


def test_packet_table_covers_exactly_the_documented_types() -> None:
    assert sorted(m.PACKETS) == sorted(DOCUMENTED_SIZES)


@pytest.mark.parametrize("cls", ALL_PACKETS, ids=[cls.__name__ for cls in ALL_PACKETS])
def test_every_packet_is_registered_under_its_type_with_its_documented_size(
    cls: type[m.Packet],
) -> None:
    assert m.PACKETS[cls.pkt_type] is cls
    assert cls.size == DOCUMENTED_SIZES[cls.pkt_type]
    assert len(cls().pack()) == cls.size
    assert cls.unpack(bytes(cls.size)).pack() == bytes(cls.size)


REPLY_PAIRS: list[tuple[type[m.Packet], type[m.Packet]]] = [
    (m.DeviceGetService, m.DeviceStateService),
    (m.DeviceGetHostFirmware, m.DeviceStateHostFirmware),
    (m.DeviceGetWifiInfo, m.DeviceStateWifiInfo),
    (m.DeviceGetPower, m.DeviceStatePower),
    (m.DeviceSetPower, m.DeviceStatePower),
    (m.DeviceGetLabel, m.DeviceStateLabel),
    (m.DeviceSetLabel, m.DeviceStateLabel),
    (m.DeviceGetVersion, m.DeviceStateVersion),
    (m.DeviceGetGroup, m.DeviceStateGroup),
    (m.DeviceGetLocation, m.DeviceStateLocation),
    (m.DeviceEchoRequest, m.DeviceEchoResponse),
    (m.LightGet, m.LightState),
    (m.LightSetColor, m.LightState),
    (m.LightSetWaveformOptional, m.LightState),
    (m.LightGetPower, m.LightStatePower),
    (m.LightSetPower, m.LightStatePower),
    (m.LightGetInfrared, m.LightStateInfrared),
    (m.LightGetHevCycle, m.LightStateHevCycle),
    (m.MultiZoneGetColorZones, m.MultiZoneStateMultiZone),
    (m.MultiZoneExtendedGetColorZones, m.MultiZoneExtendedStateMultiZone),
    (m.MultiZoneGetEffect, m.MultiZoneStateEffect),
    (m.MultiZoneSetEffect, m.MultiZoneStateEffect),
    (m.TileGetDeviceChain, m.TileStateDeviceChain),
    (m.TileGet64, m.TileState64),
    (m.TileGetEffect, m.TileStateEffect),
    (m.TileSetEffect, m.TileStateEffect),
    (m.RelayGetPower, m.RelayStatePower),
    (m.RelaySetPower, m.RelayStatePower),
    (m.ButtonGet, m.ButtonState),
    (m.ButtonGetConfig, m.ButtonStateConfig),
]


@pytest.mark.parametrize(
    ("request_cls", "reply_cls"),
    REPLY_PAIRS,
    ids=[f"{a.__name__}->{b.__name__}" for a, b in REPLY_PAIRS],
)
def test_request_reply_type_is_the_documented_state(
    request_cls: type[m.Packet], reply_cls: type[m.Packet]
) -> None:
    assert issubclass(request_cls, m.Request)
    assert request_cls.reply_type is reply_cls


def test_every_request_expects_a_registered_state_and_commands_expect_none() -> None:
    for cls in ALL_PACKETS:
        if issubclass(cls, m.Request):
            assert m.PACKETS[cls.reply_type.pkt_type] is cls.reply_type, cls.__name__
            assert not issubclass(cls.reply_type, m.Request | m.Command), cls.__name__
        else:
            assert not hasattr(cls, "reply_type"), cls.__name__
    commands = {cls for cls in ALL_PACKETS if issubclass(cls, m.Command)}
    assert commands == {
        m.DeviceSetReboot,
        m.TileSetUserPosition,
        m.TileSet64,
        m.TileCopyFrameBuffer,
    }


def test_packets_are_immutable_values() -> None:
    packet = m.LightSetPower(level=1, duration=2)
    assert packet == m.LightSetPower(level=1, duration=2)
    assert hash(packet) == hash(m.LightSetPower(level=1, duration=2))
    assert replace(packet, level=3).level == 3
    with pytest.raises(AttributeError):
        packet.level = 5  # type: ignore[misc]


# The generated module and the package boundary


def test_generated_messages_module_is_fresh() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "devtools.generate_messages", "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_protocol_module_imports_homeassistant() -> None:
    modules = sorted(PROTOCOL_DIR.rglob("*.py"))
    assert {p.name for p in modules} >= {"client.py", "messages.py", "transport.py", "header.py"}
    offenders = [p.name for p in modules if "homeassistant" in _imported_roots(p)]
    assert offenders == []
