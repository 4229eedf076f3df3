"""Property and fuzz tests: hostile bytes never crash the codec, the transport or the client.

Three layers are attacked: every packet class with random payloads (hypothesis), the transport's
datagram filter with random and mutated datagrams (hypothesis), and a real client talking real
UDP on loopback to a fake device while spoofed replies race the real one.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
import ipaddress
import math
from pathlib import Path
import random
import re
import socket
import struct
from typing import Final, Literal

from hypothesis import HealthCheck, assume, event, given, settings, strategies as st
import pytest

from custom_components.lifx_lan.protocol import messages as m
from custom_components.lifx_lan.protocol.client import DeviceAddress, LifxClient
from custom_components.lifx_lan.protocol.exceptions import LifxConnectionError, LifxProtocolError
from custom_components.lifx_lan.protocol.header import pack_message, serial_to_target
from custom_components.lifx_lan.protocol.transport import RECEIVE_BUFFER, LifxTransport
from devtools.fake_lifx import FakeDevice, FakeFleet

# The cap Linux puts on a socket's receive buffer (0: unknown here)
_RMEM_MAX_FILE = Path("/proc/sys/net/core/rmem_max")
RMEM_MAX = int(_RMEM_MAX_FILE.read_text()) if _RMEM_MAX_FILE.exists() else 0

FUZZ = settings(
    deadline=None,
    max_examples=300,
    database=None,  # no .hypothesis/ directory in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ALL_PACKETS: Final = sorted(m.PACKETS.values(), key=lambda cls: cls.pkt_type)
HEADER_SIZE: Final = 36  # documented, not imported: the tests check the code against it
MAX_DATAGRAM: Final = 1024
ADDR: Final = ("127.0.0.1", 56700)


# Packets


def wire_items(fmt: str) -> Iterator[tuple[str, int, int]]:
    """(code, offset, width) of every item of a little-endian struct format, pads included."""
    offset = 0
    for count, code in re.findall(r"(\d*)([xcbB?hHiIlLqQefds])", fmt.lstrip("<")):
        repeat = int(count) if count else 1
        if code in "xs":
            yield code, offset, repeat
            offset += repeat
            continue
        width = struct.calcsize("<" + code)
        for _ in range(repeat):
            yield code, offset, width
            offset += width


def canonical(cls: type[m.Packet], payload: bytes) -> tuple[bytes, list[int]]:
    """What re-encoding a decoded payload must give: reserved zeroed, bools 0/1.

    Also returns the offsets of float32 NaNs, whose payload bits may legitimately change.
    """
    out = bytearray(payload[: cls.size])
    nans: list[int] = []
    for code, offset, width in wire_items(cls._STRUCT.format):
        if code == "x":
            out[offset : offset + width] = bytes(width)
        elif code == "?":
            out[offset] = 1 if out[offset] else 0
        elif code == "f" and math.isnan(struct.unpack_from("<f", out, offset)[0]):
            nans.append(offset)
    return bytes(out), nans


@FUZZ
@given(cls=st.sampled_from(ALL_PACKETS), data=st.data())
def test_unpack_of_any_bytes_raises_only_protocol_error(
    cls: type[m.Packet], data: st.DataObject
) -> None:
    payload = data.draw(st.binary(max_size=cls.size + 32), label="payload")
    if len(payload) < cls.size:
        with pytest.raises(LifxProtocolError):
            cls.unpack(payload)
    else:
        cls.unpack(payload)
        cls.unpack(memoryview(payload))


@FUZZ
@given(cls=st.sampled_from(ALL_PACKETS), data=st.data())
def test_pack_of_unpack_is_the_payload_with_reserved_zeroed_and_bools_normalised(
    cls: type[m.Packet], data: st.DataObject
) -> None:
    payload = data.draw(st.binary(min_size=cls.size, max_size=cls.size + 16), label="payload")
    decoded = cls.unpack(payload)
    packed = decoded.pack()
    assert len(packed) == cls.size
    expected, nans = canonical(cls, payload)
    for offset in nans:
        assert math.isnan(struct.unpack_from("<f", packed, offset)[0])
        packed = packed[:offset] + expected[offset : offset + 4] + packed[offset + 4 :]
    assert packed == expected


@FUZZ
@given(cls=st.sampled_from(ALL_PACKETS), data=st.data())
def test_unpack_pack_unpack_is_a_fixed_point(cls: type[m.Packet], data: st.DataObject) -> None:
    payload = data.draw(st.binary(min_size=cls.size, max_size=cls.size + 16), label="payload")
    once = cls.unpack(payload)
    twice = cls.unpack(once.pack())
    assert twice.pack() == once.pack()
    if not canonical(cls, payload)[1]:  # NaN != NaN, so compare values only without NaNs
        assert twice == once


# Transport

MutationKind = Literal["flip", "truncate", "extend", "size", "protocol", "fix_size"]
MUTATIONS: Final[tuple[MutationKind, ...]] = (
    "flip",
    "truncate",
    "extend",
    "size",
    "protocol",
    "fix_size",
)


@st.composite
def real_datagrams(draw: st.DrawFn) -> bytes:
    """A well-formed LIFX datagram of any registered type with random header fields."""
    cls = draw(st.sampled_from(ALL_PACKETS))
    return pack_message(
        cls.pkt_type,
        draw(st.binary(min_size=cls.size, max_size=cls.size)),
        source=draw(st.integers(0, 0xFFFFFFFF)),
        target=draw(st.binary(min_size=8, max_size=8)),
        sequence=draw(st.integers(0, 255)),
        res_required=draw(st.booleans()),
        ack_required=draw(st.booleans()),
        tagged=draw(st.booleans()),
    )


def mutate(datagram: bytes, kind: MutationKind, value: int) -> bytes:
    """One mutation of a datagram; `value` is a random 16-bit number."""
    data = bytearray(datagram)
    if kind == "flip" and data:
        data[value % len(data)] ^= (value >> 8) or 0xFF
    elif kind == "truncate":
        del data[value % (len(data) + 1) :]
    elif kind == "extend":
        data += bytes((value + i) & 0xFF for i in range(value % 1100))
    elif kind == "size" and len(data) >= 2:
        struct.pack_into("<H", data, 0, value)
    elif kind == "protocol" and len(data) >= 4:
        struct.pack_into("<H", data, 2, value)
    elif kind == "fix_size" and len(data) >= 2:
        struct.pack_into("<H", data, 0, len(data) & 0xFFFF)
    return bytes(data)


@st.composite
def hostile_datagrams(draw: st.DrawFn) -> bytes:
    """Random bytes, or a real datagram with flipped bytes, truncation, extension, bad sizes."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=1200))
    datagram = draw(real_datagrams())
    for kind in draw(st.lists(st.sampled_from(MUTATIONS), max_size=4)):
        datagram = mutate(datagram, kind, draw(st.integers(0, 0xFFFF)))
    return datagram


def transport_verdict(datagram: bytes) -> str | None:
    """Which documented rule rejects a datagram, or None if it is a whole LIFX packet."""
    if len(datagram) < HEADER_SIZE:
        return "too_short"
    if len(datagram) > MAX_DATAGRAM:
        return "too_long"
    if int.from_bytes(datagram[0:2], "little") != len(datagram):
        return "size_mismatch"
    if int.from_bytes(datagram[2:4], "little") & 0x0FFF != 1024:
        return "bad_protocol"
    return None


type Delivered = tuple[int, bytes, int, int, int, bytes, tuple[str, int]]


@dataclass
class Recorder:
    """A transport handler that keeps every packet it is given."""

    calls: list[Delivered] = field(default_factory=list)

    def __call__(
        self,
        source: int,
        target: bytes,
        flags: int,
        sequence: int,
        pkt_type: int,
        datagram: bytes,
        address: tuple[str, int],
    ) -> None:
        self.calls.append((source, target, flags, sequence, pkt_type, datagram, address))


@FUZZ
@given(datagrams=st.lists(hostile_datagrams(), min_size=1, max_size=8))
async def test_transport_never_raises_and_counts_every_drop_by_reason(
    datagrams: list[bytes],
) -> None:
    recorder = Recorder()
    transport = LifxTransport(recorder)
    expected_drops: Counter[str] = Counter()
    expected_calls: list[Delivered] = []
    for datagram in datagrams:
        transport.datagram_received(datagram, ADDR)
        verdict = transport_verdict(datagram)
        event(f"transport: {verdict or 'delivered'}")
        if verdict is not None:
            expected_drops[verdict] += 1
            continue
        expected_calls.append(
            (
                int.from_bytes(datagram[4:8], "little"),
                datagram[8:16],
                datagram[22],
                datagram[23],
                int.from_bytes(datagram[32:34], "little"),
                datagram,
                ADDR,
            )
        )
    assert transport.received == len(datagrams)
    assert transport.drops == expected_drops
    assert recorder.calls == expected_calls


@pytest.mark.parametrize(
    ("datagram", "reason"),
    [
        (b"", "too_short"),
        (pack_message(2, b"", source=2, target=bytes(8), sequence=1)[:35], "too_short"),
        (pack_message(58, bytes(989), source=2, target=bytes(8), sequence=1), "too_long"),
        (pack_message(2, b"", source=2, target=bytes(8), sequence=1) + b"\0", "size_mismatch"),
        (b"\x24\x00\x00\x10" + bytes(32), "bad_protocol"),
    ],
    ids=["empty", "35_bytes", "1025_bytes", "size_field_36_of_37", "protocol_0"],
)
async def test_transport_drops_each_kind_of_invalid_datagram(datagram: bytes, reason: str) -> None:
    recorder = Recorder()
    transport = LifxTransport(recorder)
    transport.datagram_received(datagram, ADDR)
    assert transport.drops == Counter({reason: 1})
    assert recorder.calls == []


async def test_transport_delivers_a_datagram_of_exactly_1024_bytes() -> None:
    recorder = Recorder()
    transport = LifxTransport(recorder)
    datagram = pack_message(58, bytes(988), source=5, target=bytes(8), sequence=9)
    assert len(datagram) == MAX_DATAGRAM
    transport.datagram_received(datagram, ADDR)
    assert transport.drops == Counter()
    assert recorder.calls == [(5, bytes(8), 0, 9, 58, datagram, ADDR)]


# Client under spoofing

SERIAL: Final = "d073d5000042"
OTHER_SERIAL_TARGET: Final = serial_to_target("d073d5000043")


async def until(predicate: Callable[[], bool]) -> None:
    """Yield to the loop until `predicate` holds; the timeout only guards against hangs.

    sleep(0) is one pass of the event loop, not a wall-clock wait: loopback datagrams are
    read on the very next pass, so this returns as soon as the sockets have been serviced.
    """
    async with asyncio.timeout(5):
        while not predicate():  # noqa: ASYNC110 - the state lives in sockets, not an Event
            await asyncio.sleep(0)


def drop_all_replies(device: FakeDevice, pkt_type: int, is_reply: bool) -> bool:
    """A fleet fault: the device hears requests but its replies are lost."""
    return is_reply


Via = Literal["device", "other_port", "other_host"]


@dataclass
class Spoof:
    """A datagram to throw at the client, and from where."""

    datagram: bytes
    via: Via = "device"


@dataclass
class InFlight:
    """A LightGet the client is waiting on, and what a reply to it must carry."""

    task: asyncio.Task[m.LightState]
    source: int
    target: bytes
    sequence: int
    # The source the client's broadcasts go out under (their replies are not requests')
    broadcast_source: int


class Scene:
    """A client, a fake bulb whose replies are lost, and a second socket to spoof from."""

    def __init__(self, client: LifxClient, fleet: FakeFleet, other: FakeFleet) -> None:
        self.client = client
        self.fleet = fleet
        self.other = other
        self.device = fleet.add("color_bulb", SERIAL)
        self.address = DeviceAddress(SERIAL, fleet.host, fleet.port)
        fleet.faults.append(drop_all_replies)
        self.used_sequences: set[int] = set()

    async def start_request(self) -> InFlight:
        """Start a LightGet and learn its sequence from what the device heard."""
        received = self.device.received
        before = len(received)
        task = asyncio.create_task(self.client.request(self.address, m.LightGet(), timeout=30))

        def fresh() -> list[int]:
            # Late retransmissions of earlier requests may still arrive: skip their sequences.
            return [
                i
                for i in range(before, len(received))
                if received[i].sequence not in self.used_sequences
            ]

        await until(lambda: bool(fresh()))
        request = received[fresh()[0]]
        self.used_sequences.add(request.sequence)
        assert request.pkt_type == m.LightGet.pkt_type
        assert request.res_required
        return InFlight(
            task=task,
            source=request.source,
            target=self.device.target,
            sequence=request.sequence,
            broadcast_source=self.client.broadcast_source,
        )

    def truth(self) -> m.LightState:
        device = self.device
        return m.LightState(color=device.color, power=device.power, label=device.label.encode())

    async def throw(self, spoofs: list[Spoof]) -> None:
        """Send every spoof and wait until the client's transport has seen them all."""
        transport = self.client.transport
        before = transport.received
        for spoof in spoofs:
            if spoof.via == "device":
                self.fleet.send_raw(spoof.datagram, transport.local_address)
            elif spoof.via == "other_port":
                self.other.send_raw(spoof.datagram, transport.local_address)
            else:  # injected as if from another host: no such address on loopback
                transport.datagram_received(spoof.datagram, ("192.0.2.7", self.fleet.port))
        await until(lambda: transport.received >= before + len(spoofs))

    async def answer(self, flight: InFlight) -> m.LightState:
        """Deliver the device's real reply and return what the request completes with."""
        real = reply_datagram(self.truth(), flight)
        self.fleet.send_raw(real, self.client.transport.local_address)
        async with asyncio.timeout(5):
            return await flight.task


def reply_datagram(state: m.LightState, flight: InFlight) -> bytes:
    """The reply a device would send to the request in flight."""
    return pack_message(
        state.pkt_type,
        state.pack(),
        source=flight.source,
        target=flight.target,
        sequence=flight.sequence,
    )


def client_verdict(datagram: bytes, via: Via, flight: InFlight) -> str:
    """Where the client must stop a datagram (layer:reason), or accepted / unsupported."""
    reason = transport_verdict(datagram)
    if reason is not None:
        return f"transport:{reason}"
    source = int.from_bytes(datagram[4:8], "little")
    if source == flight.broadcast_source:
        return "client:unmatched"  # no broadcast is listening for replies
    if source != flight.source:
        return "client:foreign_source"
    if datagram[8:16] != flight.target or datagram[23] != flight.sequence:
        return "client:unmatched"
    if via != "device":
        return "client:wrong_address"
    pkt_type = int.from_bytes(datagram[32:34], "little")
    if pkt_type == m.DeviceStateUnhandled.pkt_type:
        return "unsupported"  # a genuine refusal from the device's own address and port
    if pkt_type != m.LightState.pkt_type:
        return "client:unexpected_type"
    if len(datagram) - HEADER_SIZE < m.LightState.size:
        return "client:malformed"
    return "accepted"


PRIMARY: Final = (
    "wrong_source",
    "wrong_sequence",
    "other_serial",
    "zero_serial",
    "broadcast_serial",
    "multicast_serial",
    "other_port",
    "other_host",
    "malformed_payload",
    "wrong_type",
    "acknowledgement",
    "short",
    "long",
    "size_mismatch",
    "bad_protocol",
    "random_bytes",
)


def spoof(kind: str, forged: bytes, flight: InFlight, rng: random.Random) -> Spoof:
    """Break a forged (wrong data, otherwise perfect) reply in one way."""
    data = bytearray(forged)
    via: Via = "device"
    match kind:
        case "wrong_source":
            other = rng.choice([0, 1, flight.source ^ 1, rng.randint(0, 0xFFFFFFFF)])
            struct.pack_into("<I", data, 4, other if other != flight.source else other ^ 2)
        case "wrong_sequence":
            data[23] = (flight.sequence + rng.randint(1, 255)) & 0xFF
        case "other_serial":
            data[8:16] = OTHER_SERIAL_TARGET
        case "zero_serial":
            data[8:16] = bytes(8)
        case "broadcast_serial":
            data[8:16] = b"\xff" * 6 + b"\0\0"
        case "multicast_serial":
            data[8] |= 0x01
        case "other_port":
            via = "other_port"
        case "other_host":
            via = "other_host"
        case "malformed_payload":
            del data[HEADER_SIZE + rng.randint(0, m.LightState.size - 1) :]
            struct.pack_into("<H", data, 0, len(data))
        case "wrong_type":
            struct.pack_into(
                "<H", data, 32, rng.choice([m.LightStatePower.pkt_type, 3, 506, 0, 0xFFFF])
            )
        case "acknowledgement":
            struct.pack_into("<H", data, 32, m.DeviceAcknowledgement.pkt_type)
        case "short":
            del data[rng.randint(0, HEADER_SIZE - 1) :]
        case "long":
            data += bytes(rng.randint(MAX_DATAGRAM + 1, 1400) - len(data))
            struct.pack_into("<H", data, 0, len(data))
        case "size_mismatch":
            struct.pack_into("<H", data, 0, (len(data) + rng.randint(1, 0xFFFF)) & 0xFFFF)
        case "bad_protocol":
            struct.pack_into("<H", data, 2, (data[2] | data[3] << 8) ^ rng.randint(1, 0x0FFF))
        case "random_bytes":
            data = bytearray(rng.randbytes(rng.randint(0, 1100)))
        case _:
            raise AssertionError(kind)
    return Spoof(bytes(data), via)


def add_noise(item: Spoof, rng: random.Random) -> Spoof:
    """Up to two more random changes: byte flips, flags, tagged bit, extra payload."""
    data = bytearray(item.datagram)
    for _ in range(rng.randint(0, 2)):
        if not data:
            break
        match rng.randrange(4):
            case 0:
                data[rng.randrange(len(data))] ^= rng.randint(1, 255)
            case 1 if len(data) > 22:
                data[22] ^= rng.choice([0x01, 0x02, 0x03])
            case 2 if len(data) > 3:
                data[3] ^= 0x20  # tagged
            case 3 if len(data) >= 2:
                data += rng.randbytes(rng.randint(1, 16))
                struct.pack_into("<H", data, 0, len(data) & 0xFFFF)
    return Spoof(bytes(data), item.via)


def forged_state(truth: m.LightState, rng: random.Random) -> m.LightState:
    """A LightState that differs from the truth in every field."""
    color = m.LightHsbk(
        (truth.color.hue + rng.randint(1, 65535)) & 0xFFFF,
        (truth.color.saturation + 1) & 0xFFFF,
        (truth.color.brightness + 1) & 0xFFFF,
        truth.color.kelvin + 1 if truth.color.kelvin < 9000 else 1500,
    )
    return m.LightState(color=color, power=truth.power ^ 0xFFFF, label=b"forged")


def drops_of(scene: Scene) -> Counter[str]:
    transport = Counter({f"transport:{k}": v for k, v in scene.client.transport.drops.items()})
    client = Counter({f"client:{k}": v for k, v in scene.client.drops.items()})
    return transport + client


def assert_is_truth(result: m.LightState, device: FakeDevice) -> None:
    """What the client returned is what the fake device holds."""
    assert result.color == device.color
    assert result.power == device.power
    assert result.label.rstrip(b"\0").decode() == device.label


@pytest.fixture
async def scene(client: LifxClient, fleet: FakeFleet) -> AsyncIterator[Scene]:
    """The client and a bulb whose replies are lost, with a second fleet to spoof from."""
    other = await FakeFleet.start()
    try:
        yield Scene(client, fleet, other)
    finally:
        other.close()


EXPECTED_REASON: Final = {
    "wrong_source": "client:foreign_source",
    "wrong_sequence": "client:unmatched",
    "other_serial": "client:unmatched",
    "zero_serial": "client:unmatched",
    "broadcast_serial": "client:unmatched",
    "multicast_serial": "client:unmatched",
    "other_port": "client:wrong_address",
    "other_host": "client:wrong_address",
    "malformed_payload": "client:malformed",
    "wrong_type": "client:unexpected_type",
    "acknowledgement": "client:unexpected_type",
    "short": "transport:too_short",
    "long": "transport:too_long",
    "size_mismatch": "transport:size_mismatch",
    "bad_protocol": "transport:bad_protocol",
}


@pytest.mark.parametrize(("kind", "reason"), EXPECTED_REASON.items(), ids=EXPECTED_REASON.keys())
async def test_spoofed_reply_is_dropped_and_counted_and_the_real_reply_still_wins(
    scene: Scene, kind: str, reason: str
) -> None:
    scene.device.color = m.LightHsbk(1000, 2000, 3000, 4000)
    scene.device.power = 65535
    flight = await scene.start_request()
    forged = reply_datagram(forged_state(scene.truth(), random.Random(0)), flight)
    before = drops_of(scene)
    await scene.throw([spoof(kind, forged, flight, random.Random(kind)) for _ in range(3)])
    assert not flight.task.done()
    assert drops_of(scene) - before == Counter({reason: 3})
    assert_is_truth(await scene.answer(flight), scene.device)


async def test_forged_reply_with_a_perfect_header_is_what_the_spoofs_would_deliver(
    scene: Scene,
) -> None:
    """Control: the forged payload is detectable, so the spoof tests prove something."""
    flight = await scene.start_request()
    forged = forged_state(scene.truth(), random.Random(1))
    await scene.throw([Spoof(reply_datagram(forged, flight))])
    async with asyncio.timeout(5):
        result = await flight.task
    assert result.color == forged.color
    assert result.color != scene.device.color


async def test_reply_with_extra_payload_and_odd_flags_is_still_accepted(scene: Scene) -> None:
    flight = await scene.start_request()
    real = bytearray(reply_datagram(scene.truth(), flight) + b"newer firmware field")
    struct.pack_into("<H", real, 0, len(real))
    real[22] = 0x03  # flags mean nothing in a reply
    await scene.throw([Spoof(bytes(real))])
    async with asyncio.timeout(5):
        assert_is_truth(await flight.task, scene.device)


@pytest.mark.parametrize("seed", [1, 2])
async def test_hundreds_of_random_spoofs_never_complete_a_request_with_wrong_data(
    scene: Scene, seed: int
) -> None:
    rng = random.Random(seed)
    seen: Counter[str] = Counter()
    for _ in range(12):
        device = scene.device
        device.color = m.LightHsbk(rng.randrange(65536), rng.randrange(65536), 65535, 3500)
        device.power = rng.choice([0, 65535])
        device.label = rng.choice(["Kitchen", "Café ☕", "", "x" * 32])
        flight = await scene.start_request()
        forged = reply_datagram(forged_state(scene.truth(), rng), flight)
        spoofs: list[Spoof] = []
        expected: Counter[str] = Counter()
        while len(spoofs) < 30:
            kind = rng.choice(PRIMARY)
            item = add_noise(spoof(kind, forged, flight, rng), rng)
            verdict = client_verdict(item.datagram, item.via, flight)
            if verdict in ("accepted", "unsupported"):
                continue  # the noise undid the damage: that would be a real reply
            spoofs.append(item)
            expected[verdict] += 1
            seen[kind] += 1
        before = drops_of(scene)
        await scene.throw(spoofs)
        assert not flight.task.done()
        assert drops_of(scene) - before == expected
        assert_is_truth(await scene.answer(flight), device)
    assert set(seen) == set(PRIMARY)
    assert sum(seen.values()) == 360


# Client robustness


async def test_batch_with_an_unpackable_message_does_not_leak_an_inflight_slot(
    fleet: FakeFleet,
) -> None:
    fleet.add("color_bulb", SERIAL)
    lifx = LifxClient(inflight=1)
    await lifx.open(local_host="127.0.0.1")
    try:
        bad = m.LightSetColor(color=m.LightHsbk(70000, 0, 0, 3500))
        errors = await lifx.send_batch([DeviceAddress(SERIAL, fleet.host, fleet.port)], bad)
        assert [type(e.error) for e in errors] == [LifxProtocolError]
        assert lifx.free_slots == 1
        await lifx.send(DeviceAddress(SERIAL, fleet.host, fleet.port), m.LightSetPower(level=1))
    finally:
        await lifx.close()


# Addresses


def render_number(number: int, base: Literal["decimal", "octal", "hex", "HEX"]) -> str:
    """One part of a numeric IPv4 address as inet_aton reads it (a leading 0 means octal)."""
    if base == "decimal":
        return str(number)
    if base == "octal":
        return f"0{number:o}"
    return f"0x{number:x}" if base == "hex" else f"0X{number:X}"


@st.composite
def ipv4_renderings(draw: st.DrawFn) -> tuple[str, str]:
    """Any numeric form of an IPv4 address (127.1, 0x7f.0.0.1, 2130706433) and its dotted quad.

    With fewer than four parts the last one holds all the remaining bytes.
    """
    value = draw(st.integers(0, 0xFFFFFFFF))
    count = draw(st.integers(1, 4))
    octets = value.to_bytes(4, "big")
    numbers = [*octets[: count - 1], int.from_bytes(octets[count - 1 :], "big")]
    bases = st.sampled_from(["decimal", "octal", "hex", "HEX"])
    text = ".".join(render_number(number, draw(bases)) for number in numbers)
    return text, str(ipaddress.IPv4Address(value))


def is_dotted_quad(host: object) -> bool:
    """The oracle: a canonical IPv4 address, as the standard library defines it."""
    try:
        return str(ipaddress.IPv4Address(host)) == host  # type: ignore[arg-type]
    except ValueError:
        return False


HOSTILE_HOSTS: Final = st.one_of(
    st.text(max_size=20),
    st.text(alphabet="0123456789abcdefxX. \t\0:", max_size=20),
    st.ip_addresses(v=6).map(str),
    st.sampled_from(["localhost", "lifx.invalid", "", " ", "127.0.0.1 ", "256.1.1.1", "1.2.3"]),
    ipv4_renderings().map(lambda rendering: rendering[0]),
)
HOSTILE_PORTS: Final = st.one_of(
    st.integers(-(2**33), 2**33),
    st.integers(1, 0xFFFF),
    st.sampled_from([0, 65536, True, 56700.0, "56700", None]),
)


@FUZZ
@given(rendering=ipv4_renderings())
def test_device_address_turns_every_numeric_ipv4_form_into_its_dotted_quad(
    rendering: tuple[str, str],
) -> None:
    text, dotted_quad = rendering
    assert DeviceAddress(SERIAL, text, 56700).host == dotted_quad


@FUZZ
@given(host=HOSTILE_HOSTS, port=HOSTILE_PORTS)
def test_device_address_is_a_dotted_quad_and_a_real_port_or_raises_connection_error(
    host: str, port: int
) -> None:
    valid_port = type(port) is int and 1 <= port <= 0xFFFF
    try:
        address = DeviceAddress(SERIAL, host, port)
    except LifxConnectionError:
        event("rejected")
        assert not (is_dotted_quad(host) and valid_port)
        return
    event("accepted")
    assert valid_port
    assert is_dotted_quad(address.host)
    assert address.sockaddr == (address.host, port)
    if is_dotted_quad(host):
        assert address.host == host
    assert DeviceAddress(SERIAL, address.host, port) == address


@pytest.mark.skipif(
    RMEM_MAX < RECEIVE_BUFFER, reason="net.core.rmem_max caps the buffer below RECEIVE_BUFFER"
)
async def test_a_burst_of_answers_that_arrives_while_the_loop_is_busy_is_all_kept() -> None:
    """600 answers reach the socket before the event loop reads any.

    A poll round and a command to a group of 300 devices at once, while Home Assistant's
    loop is busy elsewhere: every answer waits in the socket's buffer for its turn.
    """
    recorder = Recorder()
    transport = await LifxTransport.open(recorder, local_host="127.0.0.1")
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    burst = 600
    try:
        for number in range(burst):
            # A LightState's size; sent synchronously, so the loop reads nothing meanwhile
            answer = pack_message(107, bytes(52), source=2, target=bytes(8), sequence=number & 0xFF)
            sender.sendto(answer, transport.local_address)
        for _ in range(4 * burst):
            if transport.received == burst:
                break
            await asyncio.sleep(0)
        assert transport.received == burst
        assert len(recorder.calls) == burst
    finally:
        sender.close()
        transport.close()
        await transport.closed


@FUZZ
@given(
    sends=st.lists(
        st.tuples(
            st.one_of(HOSTILE_HOSTS, st.ip_addresses(v=4, network="127.0.0.0/8").map(str)),
            st.one_of(HOSTILE_PORTS, st.just("own port")),
        ),
        min_size=1,
        max_size=6,
    )
)
async def test_transport_sends_to_a_dotted_quad_and_real_port_else_raises_and_stays_open(
    sends: list[tuple[str, object]],
) -> None:
    recorder = Recorder()
    # Bound to every address, so a datagram to any 127.x.y.z comes back to this socket.
    transport = await LifxTransport.open(recorder, local_host="0.0.0.0")
    own_port = transport.local_address[1]
    delivered = 0
    try:
        for number, (host, drawn_port) in enumerate(sends):
            port = own_port if drawn_port == "own port" else drawn_port
            valid = is_dotted_quad(host) and type(port) is int and 1 <= port <= 0xFFFF
            # Nothing but this test's own socket may be sent to.
            assume(not valid or (ipaddress.IPv4Address(host).is_loopback and port == own_port))
            datagram = pack_message(2, b"", source=2, target=bytes(8), sequence=number & 0xFF)
            try:
                transport.send(datagram, (host, port))  # type: ignore[arg-type]
            except LifxConnectionError:
                event("rejected")
                assert not valid
            else:
                event("sent")
                assert valid
                delivered += 1
            assert not transport.closed.done()
        # A last datagram to itself proves the socket still sends and receives.
        transport.send(pack_message(2, b"", source=2, target=bytes(8), sequence=0),
                       ("127.0.0.1", own_port))  # fmt: skip
        await until(lambda: len(recorder.calls) == delivered + 1)
    finally:
        transport.close()
        await transport.closed
