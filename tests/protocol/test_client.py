"""The client over real UDP: correlation, acks, retries, multi-part replies, limits, batches."""

from __future__ import annotations

import asyncio
import itertools
from unittest.mock import patch

import pytest

from custom_components.lifx_lan.protocol import (
    DeviceAddress,
    LifxClient,
    LifxConnectionError,
    LifxTimeoutError,
    LifxUnsupportedError,
    LinkStats,
    RetrySchedule,
    messages as m,
)
from custom_components.lifx_lan.protocol.exchange import TIMER_SLACK
from custom_components.lifx_lan.protocol.header import pack_message
from devtools.fake_lifx import FakeFleet

SERIAL = "d073d5000001"


def address(fleet: FakeFleet, serial: str = SERIAL) -> DeviceAddress:
    return DeviceAddress(serial, "127.0.0.1", fleet.port)


async def test_get_returns_the_typed_state_reply(client: LifxClient, fleet: FakeFleet) -> None:
    device = fleet.add("color_bulb", SERIAL, label="Kitchen", power=65535)
    state = await client.request(address(fleet), m.LightGet())
    assert isinstance(state, m.LightState)
    assert state.power == 65535
    assert state.label.rstrip(b"\0") == b"Kitchen"
    assert state.color == device.color
    received = device.received[-1]
    assert received.res_required
    assert not received.ack_required
    assert received.source == client.source


async def test_set_completes_on_acknowledgement(client: LifxClient, fleet: FakeFleet) -> None:
    device = fleet.add("color_bulb", SERIAL)
    await client.send(address(fleet), m.LightSetPower(level=65535, duration=0))
    assert device.power == 65535
    assert device.received[-1].ack_required
    assert not device.received[-1].res_required


async def test_source_is_never_zero_or_one() -> None:
    sources = {LifxClient().source for _ in range(200)}
    assert not sources & {0, 1}
    with pytest.raises(ValueError, match="source"):
        LifxClient(source=1)


async def test_sequence_numbers_are_per_target(client: LifxClient, fleet: FakeFleet) -> None:
    first = fleet.add("color_bulb", SERIAL)
    second = fleet.add("color_bulb", "d073d5000002")
    for _ in range(3):
        await client.request(address(fleet), m.LightGet())
    await client.request(address(fleet, "d073d5000002"), m.LightGet())
    assert [r.sequence for r in first.received] == [1, 2, 3]
    assert [r.sequence for r in second.received] == [1]


async def test_sequence_wraps_after_255(client: LifxClient, fleet: FakeFleet) -> None:
    device = fleet.add("color_bulb", SERIAL)
    for _ in range(257):
        await client.request(address(fleet), m.DeviceGetPower())
    assert [r.sequence for r in device.received[-3:]] == [255, 0, 1]


async def test_lost_acks_are_retried_until_acknowledged(
    client: LifxClient, fleet: FakeFleet
) -> None:
    device = fleet.add("color_bulb", SERIAL)
    fleet.drop_replies[SERIAL] = 3
    await client.send(address(fleet), m.LightSetPower(level=65535))
    assert device.power == 65535
    # Each copy has its own sequence, so its reply says which copy it answers.
    assert len(device.received) == 4
    assert len({r.sequence for r in device.received}) == 4
    link = client.links[SERIAL]
    assert link.retransmissions == 3
    assert link.transmissions == 4


async def test_retransmissions_follow_the_schedule(client: LifxClient, fleet: FakeFleet) -> None:
    device = fleet.add("color_bulb", SERIAL)
    fleet.drop_requests[SERIAL] = 3
    schedule = RetrySchedule(gaps=(0.05, 0.1, 0.2), deadline=2.0)
    # When the client sent each copy, by the loop's clock: arrival times at the device
    # would add the machine's scheduling jitter to what is measured
    loop = asyncio.get_running_loop()
    sent: list[float] = []
    transport = client.transport
    original_send = transport.send_to_device

    def send(data: bytes, to: tuple[str, int]) -> None:
        sent.append(loop.time())
        original_send(data, to)

    with patch.object(transport, "send_to_device", send):
        await client.request(address(fleet), m.LightGet(), schedule=schedule)
    assert len(device.received) == 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    # Each gap is at least the scheduled one, less the timer's slack (a request within
    # TIMER_SLACK of being due counts as due)
    assert len(gaps) == 3
    for gap, scheduled in zip(gaps, (0.05, 0.1, 0.2), strict=True):
        assert gap >= scheduled - TIMER_SLACK - 0.0005


async def test_no_reply_raises_timeout_at_the_deadline(
    client: LifxClient, fleet: FakeFleet
) -> None:
    device = fleet.add("color_bulb", SERIAL, online=False)
    with pytest.raises(LifxTimeoutError, match="no reply"):
        await client.request(address(fleet), m.LightGet(), timeout=0.15)
    assert client.links[SERIAL].timeouts == 1
    assert client.pending_count == 0
    assert device.received == []


async def test_state_unhandled_raises_unsupported(client: LifxClient, fleet: FakeFleet) -> None:
    fleet.add("color_bulb", SERIAL)
    with pytest.raises(LifxUnsupportedError) as caught:
        await client.request(address(fleet), m.LightGetInfrared())
    assert caught.value.pkt_type == m.LightGetInfrared.pkt_type


async def test_legacy_zones_complete_only_with_every_part(
    client: LifxClient, fleet: FakeFleet
) -> None:
    device = fleet.add("strip", SERIAL)
    fleet.reorder_replies = True
    parts = await client.request_all(
        address(fleet), m.MultiZoneGetColorZones(start_index=0, end_index=255)
    )
    assert [p.index for p in parts] == [0, 8]
    assert [c for p in parts for c in p.colors] == device.zones


async def test_one_zone_range_is_answered_with_state_zone(
    client: LifxClient, fleet: FakeFleet
) -> None:
    device = fleet.add("strip", SERIAL)
    parts = await client.request_all(
        address(fleet), m.MultiZoneGetColorZones(start_index=3, end_index=3)
    )
    assert isinstance(parts[0], m.MultiZoneStateZone)
    assert parts[0].color == device.zones[3]


async def test_extended_zones_beyond_82_arrive_in_two_parts(
    client: LifxClient, fleet: FakeFleet
) -> None:
    device = fleet.add("extended_strip", SERIAL)
    fleet.drop_replies[SERIAL] = 1  # the first part is lost; the retry fetches both again
    parts = await client.request_all(address(fleet), m.MultiZoneExtendedGetColorZones())
    assert [(p.index, p.colors_count) for p in parts] == [(0, 82), (82, 38)]
    zones = [c for p in parts for c in p.colors[: p.colors_count]]
    assert zones == device.zones


async def test_get64_waits_for_one_state64_per_tile(client: LifxClient, fleet: FakeFleet) -> None:
    device = fleet.add("tile", SERIAL)
    parts = await client.request_all(
        address(fleet),
        m.TileGet64(tile_index=1, length=3, rect=m.TileBufferRect(width=8)),
    )
    assert [p.tile_index for p in parts] == [1, 2, 3]
    assert list(parts[2].colors) == device.tile_colors[3]


async def test_duplicate_and_late_replies_are_discarded(
    client: LifxClient, fleet: FakeFleet
) -> None:
    fleet.add("color_bulb", SERIAL)
    fleet.duplicate_replies = True
    await client.request(address(fleet), m.LightGet())
    # UDP on loopback keeps order: the first reply's duplicate is read before this reply.
    await client.request(address(fleet), m.LightGet())
    assert client.drops["unmatched"] >= 1


async def test_reply_from_another_address_is_ignored(client: LifxClient, fleet: FakeFleet) -> None:
    other = await FakeFleet.start()
    try:
        device = other.add("color_bulb", SERIAL, power=65535)
        request = asyncio.ensure_future(client.request(address(other), m.LightGet(), timeout=1))
        await asyncio.sleep(0)  # let the request go out; a fresh target uses sequence 1
        # `fleet` (another port) forges a matching reply; it is read before the real one.
        forged = pack_message(
            m.LightState.pkt_type,
            m.LightState(power=1234).pack(),
            source=client.source,
            target=device.target,
            sequence=1,
        )
        fleet.send_raw(forged, client.transport.local_address)
        state = await request
        assert state.power == 65535
        assert client.drops["wrong_address"] == 1
    finally:
        other.close()


async def test_inflight_limit_bounds_concurrent_requests(fleet: FakeFleet) -> None:
    fleet.add("color_bulb", SERIAL, online=False)
    async with LifxClient(inflight=2) as lifx:
        requests = [
            asyncio.ensure_future(lifx.request(address(fleet), m.LightGet(), timeout=0.1))
            for _ in range(6)
        ]
        for _ in range(5):
            await asyncio.sleep(0)
        assert lifx.pending_count == 2
        results = await asyncio.gather(*requests, return_exceptions=True)
        assert all(isinstance(r, LifxTimeoutError) for r in results)
        assert lifx.pending_count == 0


async def test_cancelled_requests_free_their_slot_and_sequence_at_once(
    fleet: FakeFleet,
) -> None:
    device = fleet.add("color_bulb", SERIAL, online=False)
    async with LifxClient(inflight=1) as lifx:
        # More cancellations to one device than there are sequence numbers: each one is
        # forgotten as it is cancelled, so none holds a sequence or the only slot.
        for _ in range(300):
            request = asyncio.ensure_future(lifx.request(address(fleet), m.LightGet()))
            await asyncio.sleep(0)
            assert lifx.pending_count == 1
            assert lifx.free_slots == 0
            request.cancel()
            with pytest.raises(asyncio.CancelledError):
                await request
            assert lifx.pending_count == 0
            assert lifx.free_slots == 1
        device.online = True
        state = await lifx.request(address(fleet), m.LightGet())
        assert state.label.rstrip(b"\0")


async def test_a_wait_for_a_slot_cancelled_gives_nothing_away(fleet: FakeFleet) -> None:
    fleet.add("color_bulb", SERIAL, online=False)
    async with LifxClient(inflight=1) as lifx:
        holder = asyncio.ensure_future(lifx.request(address(fleet), m.LightGet()))
        waiter = asyncio.ensure_future(lifx.request(address(fleet), m.LightGet()))
        third = asyncio.ensure_future(lifx.request(address(fleet), m.LightGet()))
        for _ in range(3):
            await asyncio.sleep(0)
        assert lifx.pending_count == 1
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        # The holder gives up: the slot goes to the third request, not the cancelled one
        holder.cancel()
        with pytest.raises(asyncio.CancelledError):
            await holder
        await asyncio.sleep(0)
        assert lifx.pending_count == 1
        assert lifx.free_slots == 0
        third.cancel()
        with pytest.raises(asyncio.CancelledError):
            await third
        assert lifx.pending_count == 0
        assert lifx.free_slots == 1


async def test_a_waiter_cancelled_as_the_client_closes_sees_its_cancellation(
    fleet: FakeFleet,
) -> None:
    fleet.add("color_bulb", SERIAL, online=False)
    lifx = LifxClient(inflight=1)
    await lifx.open(local_host="127.0.0.1")
    holder = asyncio.ensure_future(lifx.request(address(fleet), m.LightGet()))
    waiter = asyncio.ensure_future(lifx.request(address(fleet), m.LightGet()))
    for _ in range(3):
        await asyncio.sleep(0)
    # Cancelled, and before it runs again the close frees the slot it was waiting for
    waiter.cancel()
    await lifx.close()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    with pytest.raises(LifxConnectionError):
        await holder
    assert lifx.free_slots == 1


async def test_a_request_that_cannot_start_gives_its_slot_back(fleet: FakeFleet) -> None:
    fleet.add("color_bulb", SERIAL)
    async with LifxClient(inflight=1) as lifx:
        # A State message asks for nothing: requesting a reply to it is a caller's mistake
        with pytest.raises(AttributeError):
            await lifx.request(address(fleet), m.DeviceStatePower(level=1))  # type: ignore[arg-type]
        assert lifx.free_slots == 1
        assert lifx.pending_count == 0
        await lifx.request(address(fleet), m.LightGet())


def test_inflight_limit_must_allow_a_request() -> None:
    with pytest.raises(ValueError, match="inflight"):
        LifxClient(inflight=0)


async def test_batch_streams_replies_and_collects_failures(
    client: LifxClient, fleet: FakeFleet
) -> None:
    serials = [f"d073d50000{i:02x}" for i in range(1, 6)]
    for serial in serials:
        fleet.add("color_bulb", serial, label=serial)
    fleet.devices[bytes.fromhex(serials[2]) + b"\0\0"].online = False
    errors: list = []
    seen = {}
    async for where, reply in client.request_batch(
        [address(fleet, s) for s in serials], m.LightGet(), errors=errors, timeout=0.2
    ):
        seen[where.serial] = reply.label.rstrip(b"\0").decode()
    assert seen == {s: s for s in serials if s != serials[2]}
    assert [e.address.serial for e in errors] == [serials[2]]
    assert isinstance(errors[0].error, LifxTimeoutError)


async def test_batch_error_callback(client: LifxClient, fleet: FakeFleet) -> None:
    fleet.add("color_bulb", SERIAL, online=False)
    failures: list = []
    replies = [
        r
        async for r in client.request_batch(
            [address(fleet)], lambda a: m.LightGet(), errors=failures.append, timeout=0.1
        )
    ]
    assert replies == []
    assert len(failures) == 1


async def test_send_batch_sends_every_packet_before_awaiting(
    client: LifxClient, fleet: FakeFleet
) -> None:
    serials = [f"d073d5{i:06x}" for i in range(1, 41)]
    devices = [fleet.add("color_bulb", s) for s in serials]
    fleet.drop_replies[serials[5]] = 2
    errors = await client.send_batch(
        [address(fleet, s) for s in serials], m.LightSetPower(level=65535)
    )
    assert errors == []
    assert all(d.power == 65535 for d in devices)
    # The first transmission to every device was built and sent in one pass.
    assert client.transport.sent >= len(serials)


async def test_send_batch_beyond_the_inflight_limit(fleet: FakeFleet) -> None:
    serials = [f"d073d5{i:06x}" for i in range(1, 11)]
    devices = [fleet.add("color_bulb", s) for s in serials]
    async with LifxClient(inflight=3) as lifx:
        errors = await lifx.send_batch(
            [address(fleet, s) for s in serials], m.LightSetPower(level=65535)
        )
    assert errors == []
    assert all(d.power == 65535 for d in devices)


async def test_close_fails_pending_requests(fleet: FakeFleet) -> None:
    fleet.add("color_bulb", SERIAL, online=False)
    lifx = LifxClient()
    await lifx.open()
    request = asyncio.ensure_future(lifx.request(address(fleet), m.LightGet()))
    await asyncio.sleep(0)
    await lifx.close()
    with pytest.raises(LifxConnectionError):
        await request
    with pytest.raises(LifxConnectionError):
        await lifx.request(address(fleet), m.LightGet())


async def test_link_statistics_measure_round_trips(client: LifxClient, fleet: FakeFleet) -> None:
    fleet.add("color_bulb", SERIAL)
    fleet.reply_delay = 0.004
    for _ in range(5):
        await client.request(address(fleet), m.LightGet())
    link = client.links[SERIAL]
    assert link.replies == 5
    assert link.loss == 0.0
    # The clock is virtual: the device's 4 ms is the whole round trip.
    assert link.rtt_median == pytest.approx(0.004)
    assert link.smoothed_rtt == pytest.approx(0.004)
    # A copy is resent only once a reply is half as late again as usual, or more
    assert 0.006 <= link.retransmit_timeout < 0.012


@pytest.mark.parametrize("reply_delay", [0.15, 0.3])
async def test_a_slow_device_gets_each_request_once_after_warm_up(
    fleet: FakeFleet, reply_delay: float
) -> None:
    """A Wi-Fi bulb in power save answers late but loses nothing: send it everything once."""
    device = fleet.add("color_bulb", SERIAL)
    fleet.reply_delay = reply_delay
    target = address(fleet)

    async def one_request(number: int) -> None:
        if number % 2:
            await lifx.send(target, m.LightSetPower(level=65535 * (number % 4 == 1)))
        else:
            await lifx.request(target, m.LightGet())

    async with LifxClient() as lifx:
        for number in range(5):
            await one_request(number)
        copies_before = len(device.received)
        for number in range(40):
            await one_request(number)
        copies = len(device.received) - copies_before
        link = lifx.links[SERIAL]
        assert copies <= 42, f"{copies / 40:.2f} copies per request"
        assert link.loss <= 0.05
        assert link.rtt_median == pytest.approx(reply_delay)


async def test_a_late_answer_to_a_copy_sent_again_is_not_counted_as_loss(
    fleet: FakeFleet,
) -> None:
    device = fleet.add("color_bulb", SERIAL)
    fleet.reply_delay = 0.15
    async with LifxClient() as lifx:
        await lifx.request(address(fleet), m.LightGet())
        # The first copy went unanswered for 0.1 s, so a second went out; both answer.
        assert len(device.received) == 2
        await asyncio.sleep(0.2)
        link = lifx.links[SERIAL]
        assert (link.transmissions, link.replies, link.late_replies) == (2, 2, 1)
        assert link.loss == 0.0
        assert lifx.drops["unmatched"] == 0


async def test_loss_shows_the_link_as_it_is_now_not_since_start_up(fleet: FakeFleet) -> None:
    fleet.add("color_bulb", SERIAL)
    async with LifxClient() as lifx:
        fleet.loss_rate = 0.5
        for _ in range(100):
            await lifx.request(address(fleet), m.LightGet())
        assert lifx.links[SERIAL].loss > 0.3
        fleet.loss_rate = 0.0
        for _ in range(600):
            await lifx.request(address(fleet), m.LightGet())
        assert lifx.links[SERIAL].loss < 0.05


async def test_a_socket_closed_under_the_client_is_opened_again(
    client: LifxClient, fleet: FakeFleet
) -> None:
    device = fleet.add("color_bulb", SERIAL, power=65535)
    port = client.transport.local_address[1]
    fleet.drop_replies[SERIAL] = 1
    request = asyncio.ensure_future(client.request(address(fleet), m.LightGet()))
    await asyncio.sleep(0)
    # Whatever closes it: asyncio closes a datagram transport on any error of sendto
    # that is not an OSError, without telling the protocol's owner.
    client.transport._transport.abort()  # type: ignore[union-attr]
    state = await request
    assert state.power == 65535
    assert client.is_open
    assert client.transport.local_address[1] == port
    assert len(device.received) == 2


def test_a_long_measured_round_trip_never_spaces_copies_more_than_a_second() -> None:
    link = LinkStats()
    link.answered(10.5)  # a busy host's, not a LIFX device's
    assert link.retransmit_timeout == 1.0


async def test_a_wait_for_a_request_slot_has_a_deadline(fleet: FakeFleet) -> None:
    fleet.add("color_bulb", SERIAL, online=False)
    async with LifxClient(inflight=1) as lifx:
        holder = asyncio.ensure_future(lifx.request(address(fleet), m.LightGet(), timeout=5))
        await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(LifxTimeoutError, match="no free request slot"):
            await lifx.request(address(fleet), m.LightGet(), timeout=0.5)
        assert loop.time() - started == pytest.approx(0.5)
        with pytest.raises(LifxTimeoutError):
            await holder
        assert lifx.free_slots == 1


async def test_a_forgotten_device_leaves_nothing_behind(
    client: LifxClient, fleet: FakeFleet
) -> None:
    fleet.add("color_bulb", SERIAL)
    await client.request(address(fleet), m.LightGet())
    assert client.known_devices == 1
    client.forget(SERIAL)
    assert client.known_devices == 0
    assert SERIAL not in client.links
