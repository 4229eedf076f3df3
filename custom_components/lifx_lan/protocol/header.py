"""The 36-byte LIFX header: frame, frame address and protocol header, little-endian."""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import Final

from .exceptions import LifxProtocolError

# size, protocol|addressable|tagged|origin, source, target, res/ack flags, sequence, type.
HEADER: Final = Struct("<HHI8s6xBB8xH2x")
HEADER_SIZE: Final = 36
# Where the sequence byte sits in a packed header: a retransmission rewrites only it.
SEQUENCE_OFFSET: Final = 23
PROTOCOL_NUMBER: Final = 1024
# The largest LIFX packet (TileStateDeviceChain) is 918 bytes; anything over 1024 is not LIFX.
MAX_DATAGRAM: Final = 1024

ADDRESSABLE: Final = 0x1000
TAGGED: Final = 0x2000
PROTOCOL_MASK: Final = 0x0FFF
RES_REQUIRED: Final = 0x01
ACK_REQUIRED: Final = 0x02

UNTAGGED_PROTOCOL_FIELD: Final = PROTOCOL_NUMBER | ADDRESSABLE
TAGGED_PROTOCOL_FIELD: Final = PROTOCOL_NUMBER | ADDRESSABLE | TAGGED

BROADCAST_TARGET: Final = bytes(8)


@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    """A decoded LIFX header."""

    size: int
    source: int
    target: bytes
    sequence: int
    pkt_type: int
    tagged: bool = False
    addressable: bool = True
    res_required: bool = False
    ack_required: bool = False
    protocol: int = PROTOCOL_NUMBER

    def pack(self) -> bytes:
        """Encode the header."""
        field = self.protocol & PROTOCOL_MASK
        if self.addressable:
            field |= ADDRESSABLE
        if self.tagged:
            field |= TAGGED
        flags = (RES_REQUIRED if self.res_required else 0) | (
            ACK_REQUIRED if self.ack_required else 0
        )
        return HEADER.pack(
            self.size, field, self.source, self.target, flags, self.sequence, self.pkt_type
        )

    @classmethod
    def unpack(cls, data: bytes | memoryview) -> Header:
        """Decode and validate the header at the start of a datagram."""
        if len(data) < HEADER_SIZE:
            raise LifxProtocolError(f"datagram of {len(data)} bytes is shorter than a header")
        size, field, source, target, flags, sequence, pkt_type = HEADER.unpack_from(data)
        if field & PROTOCOL_MASK != PROTOCOL_NUMBER:
            raise LifxProtocolError(f"unknown protocol number {field & PROTOCOL_MASK}")
        return cls(
            size=size,
            source=source,
            target=target,
            sequence=sequence,
            pkt_type=pkt_type,
            tagged=bool(field & TAGGED),
            addressable=bool(field & ADDRESSABLE),
            res_required=bool(flags & RES_REQUIRED),
            ack_required=bool(flags & ACK_REQUIRED),
            protocol=field & PROTOCOL_MASK,
        )


def pack_message(
    pkt_type: int,
    payload: bytes,
    *,
    source: int,
    target: bytes,
    sequence: int,
    res_required: bool = False,
    ack_required: bool = False,
    tagged: bool = False,
) -> bytes:
    """Build a whole datagram; the hot path, so it packs the header in one call."""
    flags = (RES_REQUIRED if res_required else 0) | (ACK_REQUIRED if ack_required else 0)
    return (
        HEADER.pack(
            HEADER_SIZE + len(payload),
            TAGGED_PROTOCOL_FIELD if tagged else UNTAGGED_PROTOCOL_FIELD,
            source,
            target,
            flags,
            sequence,
            pkt_type,
        )
        + payload
    )


def serial_to_target(serial: str) -> bytes:
    """'d073d5001122' -> the 8-byte target field (6 bytes of MAC, 2 zero bytes)."""
    cleaned = serial.replace(":", "").replace("-", "").lower()
    try:
        raw = bytes.fromhex(cleaned)
    except ValueError as err:
        raise LifxProtocolError(f"serial {serial!r} is not 12 hex digits") from err
    if len(raw) != 6:
        raise LifxProtocolError(f"serial {serial!r} is not 12 hex digits")
    return raw + b"\x00\x00"


def target_to_serial(target: bytes) -> str:
    """The 8-byte target field -> 'd073d5001122'."""
    return target[:6].hex()


def is_device_target(target: bytes) -> bool:
    """Whether a reply's target is a plausible single device: not zero, broadcast or multicast."""
    return (
        len(target) == 8
        and target[6:] == b"\x00\x00"
        and target[:6] != b"\x00" * 6
        and target[:6] != b"\xff" * 6
        and not target[0] & 0x01
    )
