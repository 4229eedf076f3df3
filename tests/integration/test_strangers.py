"""Strangers on the LAN: forged discovery replies move nothing and starve nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import tracemalloc

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN, SERVICE_TURN_OFF
from homeassistant.config_entries import SOURCE_DHCP
from homeassistant.const import ATTR_ENTITY_ID, CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import pytest

from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.network import LifxNetwork
from custom_components.lifx_lan.protocol import messages as m
from custom_components.lifx_lan.protocol.header import HEADER, pack_message
from devtools.fake_lifx import FakeFleet
from tests.integration.conftest import AddDevice, advance

SCAN_INTERVAL = 5 * 60


@pytest.fixture
async def attacker(fleet: FakeFleet, network: LifxNetwork) -> AsyncIterator[FakeFleet]:
    """Another host on the LAN (127.0.0.3): it hears the broadcasts and answers as it likes."""
    stranger = await FakeFleet.start("127.0.0.3", fleet.port)
    network.extra_targets = ["127.0.0.1", "127.0.0.3"]
    yield stranger
    stranger.close()


def scans_heard(stranger: FakeFleet) -> list[tuple[int, int]]:
    """(source, sequence) of every GetService broadcast the stranger heard."""
    heard = []
    for data in stranger.raw_received:
        _, _, source, _, _, sequence, pkt_type = HEADER.unpack_from(data)
        if pkt_type == m.DeviceGetService.pkt_type:
            heard.append((source, sequence))
    return heard


async def test_a_forged_claim_to_a_configured_serial_moves_nothing(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    attacker: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, real = await add_device("color_bulb", power=65535)
    # The stranger claims the bulb's serial, and answers and acknowledges as it would.
    forged = attacker.add("color_bulb", real.serial, power=65535, label="Color Bulb")
    await advance(hass, freezer, SCAN_INTERVAL + 10)
    assert scans_heard(attacker)  # the background scan ran and the stranger answered it
    assert entry.data[CONF_HOST] == "127.0.0.1"
    # DHCP says the bulb's MAC is at the stranger's address now: no move either.
    flow = hass.async_create_task(
        hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_DHCP},
            data=DhcpServiceInfo(ip="127.0.0.3", hostname="lifx", macaddress="d073d5000001"),
        )
    )
    while not flow.done():
        await advance(hass, freezer, 0.1)
    result = await flow
    assert result["type"] is FlowResultType.ABORT
    assert entry.data[CONF_HOST] == "127.0.0.1"
    await hass.services.async_call(
        LIGHT_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: "light.color_bulb"}, blocking=True
    )
    assert real.power == 0
    assert forged.power == 65535
    assert not [r for r in forged.received if r.pkt_type == m.LightSetPower.pkt_type]


def forge_services(
    stranger: FakeFleet, to: tuple[str, int], source: int, sequence: int, serials: range
) -> None:
    for number in serials:
        stranger.send_raw(
            pack_message(
                m.DeviceStateService.pkt_type,
                m.DeviceStateService(service=m.DeviceService.UDP, port=56700).pack(),
                source=source,
                target=(0xD073D5000000 + number).to_bytes(6, "big") + b"\0\0",
                sequence=sequence,
            ),
            to,
        )


async def test_a_flood_of_forged_devices_in_a_scan_starves_nobody(
    hass: HomeAssistant,
    add_device: AddDevice,
    attacker: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    _, bulb = await add_device("color_bulb", power=65535)
    client = network.client
    assert client is not None
    known_before = client.known_devices
    client_address = ("127.0.0.1", client.transport.local_address[1])
    # Let the scan start, then answer its first broadcast 600 times.
    await advance(hass, freezer, SCAN_INTERVAL + 0.2)
    source, sequence = scans_heard(attacker)[0]
    transport = client.transport
    for first in range(0x100, 0x100 + 600, 100):
        read = transport.received
        forge_services(attacker, client_address, source, sequence, range(first, first + 100))
        # The socket's buffer holds them all; reading them takes turns of the loop, not
        # time (moving frozen time lets only a few turns run per tenth of a second)
        for _ in range(1000):
            if transport.received >= read + 100:
                break
            await asyncio.sleep(0)
        assert transport.received >= read + 100
    await advance(hass, freezer, 4)
    # Flows are created in the background: let them start describing
    await advance(hass, freezer, 0.5)
    in_progress = [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == "integration_discovery"
    ]
    assert len(in_progress) <= 20
    # A command to a healthy bulb does not wait behind the made-up devices.
    loop = asyncio.get_running_loop()
    started = loop.time()
    call = hass.async_create_task(
        hass.services.async_call(
            LIGHT_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: "light.color_bulb"}, blocking=True
        )
    )
    while not call.done():
        await advance(hass, freezer, 0.1)
    await call
    assert loop.time() - started <= 1
    assert bulb.power == 0
    # The made-up devices never answer; their flows end and leave nothing behind.
    await advance(hass, freezer, 30)
    assert client.known_devices - known_before <= 50


async def test_a_flood_of_forged_replies_leaves_memory_where_it_was(
    hass: HomeAssistant,
    add_device: AddDevice,
    attacker: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    await add_device("color_bulb", power=65535)
    client = network.client
    assert client is not None
    client_address = ("127.0.0.1", client.transport.local_address[1])
    await advance(hass, freezer, 60)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        await advance(hass, freezer, SCAN_INTERVAL - 60 + 0.2)
        source, sequence = scans_heard(attacker)[-1]
        # 100,000 datagrams from 50,000 serials, half during the scan, half after it
        for first in range(0, 100_000, 500):
            forge_services(
                attacker,
                client_address,
                source,
                sequence,
                range(first % 50_000, first % 50_000 + 500),
            )
            for _ in range(3):
                await asyncio.sleep(0)
            if first == 50_000:
                await advance(hass, freezer, 4)
        await advance(hass, freezer, 60)
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 5 * 1024 * 1024
