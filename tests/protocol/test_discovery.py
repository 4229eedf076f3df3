"""Discovery: rebroadcasts, dedupe by serial, validation, unicast probes and subnet scans."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from custom_components.lifx_lan.protocol import (
    DeviceAddress,
    DiscoveredDevice,
    LifxClient,
    discover,
    interface_broadcast_addresses,
    messages as m,
    probe,
    scan,
)
from custom_components.lifx_lan.protocol.header import pack_message
from devtools.fake_lifx import FakeFleet

LOOPBACK_BROADCAST = "127.255.255.255"


@pytest.fixture
async def broadcast_fleet() -> AsyncIterator[FakeFleet]:
    """A fleet bound to every address, so it hears loopback broadcasts."""
    fake = await FakeFleet.start("0.0.0.0")
    yield fake
    fake.close()


@pytest.fixture
async def broadcast_client() -> AsyncIterator[LifxClient]:
    lifx = LifxClient()
    await lifx.open()
    yield lifx
    await lifx.close()


async def test_discover_finds_every_device_once(
    broadcast_client: LifxClient, broadcast_fleet: FakeFleet
) -> None:
    serials = [f"d073d5{i:06x}" for i in range(1, 51)]
    for serial in serials:
        broadcast_fleet.add("color_bulb", serial)
    found: list[DiscoveredDevice] = []
    devices = await discover(
        broadcast_client,
        broadcast_addresses=[LOOPBACK_BROADCAST],
        port=broadcast_fleet.port,
        timeout=0.3,
        rebroadcast_offsets=(0.0, 0.1),
        on_found=found.append,
    )
    assert [d.serial for d in devices] == serials
    assert {d.port for d in devices} == {broadcast_fleet.port}
    # Answers to the rebroadcast are deduplicated by serial.
    assert len(found) == 50
    sent = next(iter(broadcast_fleet.devices.values())).received
    assert all(r.tagged and r.pkt_type == m.DeviceGetService.pkt_type for r in sent)
    assert len(sent) == 2


async def test_devices_missing_the_first_broadcast_are_found_by_a_rebroadcast(
    broadcast_client: LifxClient, broadcast_fleet: FakeFleet
) -> None:
    serials = [f"d073d5{i:06x}" for i in range(1, 51)]
    for serial in serials:
        broadcast_fleet.add("color_bulb", serial)
    deaf = set(serials[::3])  # a third of the devices miss the first broadcast

    def miss_first(device: object, pkt_type: int, is_reply: bool) -> bool:
        serial = getattr(device, "serial", "")
        if serial in deaf and not is_reply:
            deaf.discard(serial)
            return True
        return False

    broadcast_fleet.faults.append(miss_first)  # type: ignore[arg-type]
    devices = await discover(
        broadcast_client,
        broadcast_addresses=[LOOPBACK_BROADCAST],
        port=broadcast_fleet.port,
        timeout=0.3,
        rebroadcast_offsets=(0.0, 0.1),
    )
    assert len(devices) == 50


async def test_discover_rejects_bad_services_serials_and_foreign_sources(
    broadcast_client: LifxClient, broadcast_fleet: FakeFleet
) -> None:
    broadcast_fleet.add("color_bulb", "d073d5000001")
    client_address = ("127.0.0.1", broadcast_client.transport.local_address[1])

    def forge(target: bytes, service: int = 1, port: int = 56700, source: int = 0) -> bytes:
        return pack_message(
            m.DeviceStateService.pkt_type,
            m.DeviceStateService(service=service, port=port).pack(),
            source=source or broadcast_client.broadcast_source,
            target=target,
            sequence=1,  # the first broadcast sequence of a fresh client
        )

    found: list[DiscoveredDevice] = []

    async def spoof() -> None:
        for datagram in (
            forge(b"\xff" * 6 + b"\0\0"),  # broadcast serial
            forge(b"\x01\x02\x03\x04\x05\x06\0\0"),  # multicast serial
            forge(bytes(8)),  # zero serial
            forge(bytes.fromhex("d073d5999999") + b"\0\0", service=5),  # not UDP
            forge(bytes.fromhex("d073d5999998") + b"\0\0", port=0),
            forge(bytes.fromhex("d073d5999997") + b"\0\0", source=77),
            pack_message(  # a reply type discovery did not ask for
                m.LightState.pkt_type,
                m.LightState().pack(),
                source=broadcast_client.broadcast_source,
                target=bytes.fromhex("d073d5999996") + b"\0\0",
                sequence=1,
            ),
            pack_message(  # a truncated StateService
                m.DeviceStateService.pkt_type,
                b"\x01",
                source=broadcast_client.broadcast_source,
                target=bytes.fromhex("d073d5999995") + b"\0\0",
                sequence=1,
            ),
        ):
            broadcast_fleet.send_raw(datagram, client_address)

    def on_found(device: DiscoveredDevice) -> None:
        found.append(device)

    await spoof()
    devices = await discover(
        broadcast_client,
        broadcast_addresses=[LOOPBACK_BROADCAST],
        port=broadcast_fleet.port,
        timeout=0.2,
        rebroadcast_offsets=(0.0,),
        on_found=on_found,
    )
    assert [d.serial for d in devices] == ["d073d5000001"]
    drops = broadcast_client.drops
    assert drops["bad_serial"] == 3
    assert drops["bad_service"] == 2
    assert drops["foreign_source"] == 1
    assert drops["malformed"] == 1


async def test_probe_finds_the_devices_at_one_address(client: LifxClient, fleet: FakeFleet) -> None:
    fleet.add("color_bulb", "d073d5000002")
    fleet.add("strip", "d073d5000001")
    fleet.drop_requests["d073d5000001"] = 1
    devices = await probe(client, "127.0.0.1", fleet.port, timeout=1.0, linger=0.05)
    assert [(d.serial, d.port) for d in devices] == [
        ("d073d5000001", fleet.port),
        ("d073d5000002", fleet.port),
    ]
    assert devices[0].address.host == "127.0.0.1"


async def test_probe_of_a_silent_address_returns_nothing(
    client: LifxClient, fleet: FakeFleet
) -> None:
    assert await probe(client, "127.0.0.1", fleet.port, timeout=0.1) == []


async def test_scan_finds_devices_by_unicast(broadcast_client: LifxClient) -> None:
    fleet = await FakeFleet.start("127.0.0.3")
    try:
        fleet.add("color_bulb", "d073d5000003")
        devices = await scan(broadcast_client, "127.0.0.0/29", fleet.port, timeout=0.2, rate=1000)
        assert [(d.serial, d.host) for d in devices] == [("d073d5000003", "127.0.0.3")]
        # Two rounds, so one lost datagram does not hide a device.
        assert len(fleet.devices[bytes.fromhex("d073d5000003") + b"\0\0"].received) == 2
    finally:
        fleet.close()


def test_interface_broadcast_addresses_are_ipv4() -> None:
    addresses = interface_broadcast_addresses()
    assert addresses
    for address in addresses:
        assert len(address.split(".")) == 4
        assert not address.startswith("127.")


async def test_discover_with_no_addresses_sends_nothing(
    broadcast_client: LifxClient, broadcast_fleet: FakeFleet
) -> None:
    """An empty list is the caller's choice (no network enabled), not "every interface"."""
    broadcast_fleet.add("color_bulb", "d073d5000001")
    devices = await discover(
        broadcast_client,
        broadcast_addresses=[],
        port=broadcast_fleet.port,
        timeout=0.05,
        rebroadcast_offsets=(0.0,),
    )
    assert devices == []
    assert broadcast_fleet.raw_received == []


async def test_a_reply_to_a_broadcast_never_passes_for_a_unicast_reply(
    broadcast_client: LifxClient, broadcast_fleet: FakeFleet
) -> None:
    """A broadcast and a unicast request sharing a sequence number stay apart."""
    device = broadcast_fleet.add("color_bulb", "d073d5000001")
    address = DeviceAddress(device.serial, "127.0.0.1", broadcast_fleet.port)
    # A unicast request whose copies the device does not get, under sequence 1 ...
    broadcast_fleet.drop_requests[device.serial] = 1000
    request = asyncio.ensure_future(broadcast_client.request(address, m.LightGet(), timeout=1))
    await asyncio.sleep(0.01)
    assert [r.sequence for r in device.received] == [1]
    broadcast_fleet.drop_requests[device.serial] = 0
    # ... while a broadcast goes out under sequence 1 too: the device answers it.
    devices = await discover(
        broadcast_client,
        broadcast_addresses=[LOOPBACK_BROADCAST],
        port=broadcast_fleet.port,
        timeout=0.05,
        rebroadcast_offsets=(0.0,),
    )
    assert [d.serial for d in devices] == [device.serial]
    assert broadcast_client.drops["unexpected_type"] == 0
    # The unicast request was answered by a later copy, with a LightState.
    state = await request
    assert isinstance(state, m.LightState)
    assert broadcast_client.links[device.serial].late_replies == 0
