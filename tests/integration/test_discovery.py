"""Where discovery looks, and the ways Home Assistant hands over devices it found.

Broadcasts go to the adapters the user enabled in Settings → Network: the adapters are
mocked where Home Assistant's own network tests mock them (ifaddr, and the stored
choice), and each "adapter" is a loopback address with a fake fleet behind it, so what a
scan reaches is read back at the devices. Zeroconf and HomeKit announcements start real
config flows that probe the fake devices; a known device is moved only once it confirms.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any
from unittest.mock import Mock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_HOMEKIT,
    SOURCE_INTEGRATION_DISCOVERY,
    SOURCE_ZEROCONF,
    ConfigEntryState,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from homeassistant.loader import async_get_homekit, async_get_zeroconf
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.lifx_lan.const import CONF_SERIAL, DISCOVERY_INTERVAL, DOMAIN
from custom_components.lifx_lan.network import LifxNetwork
from custom_components.lifx_lan.protocol import messages as m
from devtools.fake_lifx import FakeFleet
from tests.integration.conftest import SERIALS, AddDevice, advance
from tests.integration.test_config_flow import _configure, _entries, _options, _run, _start

BULB = SERIALS["color_bulb"]
STRIP = SERIALS["strip"]
WHITE = SERIALS["white_bulb"]
# HomeKit accessories announce HAP on a port of their own, never the LIFX one.
HAP_PORT = 51826


@pytest.fixture(autouse=True)
async def _unload_entries(hass: HomeAssistant) -> AsyncIterator[None]:
    """Unload what the flows set up, so no poll or socket outlives a test."""
    yield
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)


# Settings → Network: which adapters discovery broadcasts on.


def _adapter(name: str, index: int, address: str, prefix: int) -> Mock:
    """An interface as ifaddr reports it (how Home Assistant's network tests mock them)."""
    ip = Mock(is_IPv6=False, ip=address, network_prefix=prefix)
    return Mock(nice_name=name, ips=[ip], index=index)


@pytest.fixture
def adapters(hass_storage: dict[str, Any]) -> Iterator[None]:
    """eth0 (the default route, 10.10.10.10) and two more; the user enabled only lan2.

    lan2 and lan3 are single loopback addresses, so their broadcast addresses are where a
    fake fleet listens. The stored choice is what Settings → Network saves.
    """
    hass_storage["core.network"] = {
        "version": 1,
        "key": "core.network",
        "data": {"configured_adapters": ["lan2"]},
    }
    found = [
        _adapter("eth0", 1, "10.10.10.10", 24),
        _adapter("lan2", 2, "127.0.0.2", 32),
        _adapter("lan3", 3, "127.0.0.3", 32),
    ]
    with patch("homeassistant.components.network.util.ifaddr.get_adapters", return_value=found):
        yield


@pytest.fixture
async def on_adapters(
    adapters: None, fleet: FakeFleet, network: LifxNetwork
) -> AsyncIterator[tuple[FakeFleet, FakeFleet]]:
    """A device behind lan2 (enabled) and one behind lan3 (not), on the discovery port."""
    enabled = await FakeFleet.start("127.0.0.2", fleet.port)
    disabled = await FakeFleet.start("127.0.0.3", fleet.port)
    enabled.add("color_bulb", BULB, label="Kitchen")
    disabled.add("strip", STRIP, label="Hallway")
    network.use_adapter_broadcasts = True
    # Only the adapters' addresses: not the host itself, where `fleet` listens.
    network.extra_targets = []
    yield enabled, disabled
    enabled.close()
    disabled.close()


def _scans_heard(fleet: FakeFleet) -> int:
    return sum(
        1
        for device in fleet.devices.values()
        for packet in device.received
        if packet.pkt_type == m.DeviceGetService.pkt_type
    )


async def test_user_scan_broadcasts_only_on_the_adapters_enabled_in_network_settings(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    on_adapters: tuple[FakeFleet, FakeFleet],
    freezer: FrozenDateTimeFactory,
) -> None:
    enabled, disabled = on_adapters
    assert await async_setup_component(hass, "network", {})

    result = await _start(hass, freezer, "user")

    assert _options(result) == [BULB, "manual"]
    assert _scans_heard(enabled) > 0
    assert disabled.raw_received == []

    # The user enables lan3 too in Settings → Network: the next scan reaches it.
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "network/configure", "config": {"configured_adapters": ["lan2", "lan3"]}}
    )
    assert (await client.receive_json())["success"]

    result = await _start(hass, freezer, "user")

    assert _options(result) == [BULB, STRIP, "manual"]
    assert _scans_heard(disabled) > 0


async def test_background_scan_offers_only_devices_on_enabled_adapters(
    hass: HomeAssistant,
    add_device: AddDevice,
    on_adapters: tuple[FakeFleet, FakeFleet],
    freezer: FrozenDateTimeFactory,
) -> None:
    _, disabled = on_adapters
    await add_device("white_bulb")  # a loaded entry keeps the background scan running

    await advance(hass, freezer, DISCOVERY_INTERVAL.total_seconds() + 5)

    offered = [
        (flow["context"]["source"], flow["context"]["unique_id"])
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    ]
    assert offered == [(SOURCE_INTEGRATION_DISCOVERY, BULB)]
    assert disabled.raw_received == []


async def test_lost_device_is_searched_for_only_on_enabled_adapters(
    hass: HomeAssistant,
    add_device: AddDevice,
    on_adapters: tuple[FakeFleet, FakeFleet],
    freezer: FrozenDateTimeFactory,
) -> None:
    enabled, disabled = on_adapters
    entry, fake = await add_device("white_bulb", power=65535)
    fake.online = False
    # The bulb comes back behind lan3, which the user did not enable: not searched there.
    disabled.add("white_bulb", WHITE, power=65535, label="White Bulb")
    await advance(hass, freezer, 3 * 10 + 25)
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert disabled.raw_received == []
    assert _scans_heard(enabled) > 0  # the re-acquire searches ran

    # Behind lan2 it is found by the next search and followed there.
    del disabled.devices[fake.target]
    enabled.add("white_bulb", WHITE, power=65535, label="White Bulb")
    await advance(hass, freezer, 45)

    assert entry.data[CONF_HOST] == "127.0.0.2"
    assert entry.runtime_data.device.address.host == "127.0.0.2"


# The manifest's matchers reach Home Assistant's zeroconf integration.


async def test_lifx_zeroconf_and_homekit_announcements_are_routed_to_lifx_lan(
    hass: HomeAssistant,
) -> None:
    assert {"domain": DOMAIN} in (await async_get_zeroconf(hass))["_lifx._udp.local."]
    homekit = await async_get_homekit(hass)
    for model in ("LIFX A19", "LIFX Ceiling", "LIFX Mirror", "LIFX Z"):
        assert homekit[model].domain == DOMAIN


# Zeroconf and HomeKit: a device announced itself.


def _zeroconf(serial: str, port: int, host: str = "127.0.0.1") -> ZeroconfServiceInfo:
    """A _lifx._udp announcement as LIFX firmware (and lifx-emulator-core) makes it."""
    address = ip_address(host)
    return ZeroconfServiceInfo(
        ip_address=address,
        ip_addresses=[address],
        port=port,
        hostname=f"{serial}.local.",
        type="_lifx._udp.local.",
        name=f"{serial}._lifx._udp.local.",
        properties={"id": serial, "p": "27", "fw": "3.90", "tm": "1"},
    )


def _homekit(model: str, *addresses: IPv4Address | IPv6Address) -> ZeroconfServiceInfo:
    """A HomeKit (_hap._tcp) announcement: its id is HomeKit's, not the LIFX serial."""
    return ZeroconfServiceInfo(
        ip_address=addresses[0],
        ip_addresses=list(addresses),
        port=HAP_PORT,
        hostname="LIFX-A19-123456.local.",
        type="_hap._tcp.local.",
        name=f"{model} 123456._hap._tcp.local.",
        properties={"md": model, "id": "7a:3c:11:9f:02:e4", "c#": "2", "sf": "1", "ci": "5"},
    )


@pytest.mark.usefixtures("network")
async def test_zeroconf_device_is_confirmed_then_added(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    bulb = fleet.add("color_bulb", BULB, label="Kitchen")

    result = await _start(hass, freezer, SOURCE_ZEROCONF, _zeroconf(BULB, fleet.port))

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"] == {"name": "Kitchen", "host": "127.0.0.1"}

    result = await _configure(hass, freezer, result, {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = _entries(hass)[BULB]
    assert entry.source == SOURCE_ZEROCONF
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}
    assert entry.state is ConfigEntryState.LOADED
    assert any(packet.pkt_type == m.LightGet.pkt_type for packet in bulb.received)


@pytest.mark.usefixtures("network")
async def test_zeroconf_picks_the_announced_device_among_several_at_one_address(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    # An emulator or a bridge: every device it announces shares the address.
    fleet.add("color_bulb", BULB, label="Kitchen")
    fleet.add("strip", STRIP, label="Hallway")

    results = [
        await _start(hass, freezer, SOURCE_ZEROCONF, _zeroconf(serial, fleet.port))
        for serial in (STRIP, BULB)
    ]

    assert [r["description_placeholders"]["name"] for r in results] == ["Hallway", "Kitchen"]
    progress = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert sorted(flow["context"]["unique_id"] for flow in progress) == [BULB, STRIP]


@pytest.mark.usefixtures("network")
async def test_homekit_device_is_probed_on_the_lifx_port_then_added(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("white_bulb", WHITE, label="Bedroom")

    result = await _start(
        hass, freezer, SOURCE_HOMEKIT, _homekit("LIFX A19", ip_address("127.0.0.1"))
    )
    assert result["step_id"] == "discovery_confirm"
    result = await _configure(hass, freezer, result, {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Bedroom"
    entry = _entries(hass)[WHITE]
    assert entry.source == SOURCE_HOMEKIT
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}


@pytest.mark.usefixtures("network")
async def test_homekit_announcement_with_an_ipv4_address_after_ipv6_uses_the_ipv4_one(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("white_bulb", WHITE, label="Bedroom")
    info = _homekit("LIFX A19", ip_address("fe80::1"), ip_address("127.0.0.1"))

    result = await _start(hass, freezer, SOURCE_HOMEKIT, info)

    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"]["host"] == "127.0.0.1"


@pytest.mark.usefixtures("network")
async def test_announcement_with_only_ipv6_addresses_aborts_and_sends_nothing(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("white_bulb", WHITE)

    result = await _start(hass, freezer, SOURCE_HOMEKIT, _homekit("LIFX A19", ip_address("::1")))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_ipv4_address"
    assert fleet.raw_received == []
    assert _entries(hass) == {}


@pytest.mark.usefixtures("network")
async def test_homekit_announcement_where_no_lifx_device_answers_adds_nothing(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("white_bulb", WHITE, online=False)

    result = await _start(
        hass, freezer, SOURCE_HOMEKIT, _homekit("LIFX A19", ip_address("127.0.0.1"))
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    assert fleet.raw_received  # it was asked, on the LIFX port
    assert _entries(hass) == {}


@pytest.fixture
async def other_fleet() -> AsyncIterator[FakeFleet]:
    """A second fake fleet: the address a device moves to."""
    fake = await FakeFleet.start()
    yield fake
    fake.close()


@pytest.mark.parametrize("source", [SOURCE_ZEROCONF, SOURCE_HOMEKIT])
async def test_announced_known_device_at_a_new_address_is_followed_once_it_confirms(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    other_fleet: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
    source: str,
) -> None:
    entry, fake = await add_device("color_bulb", power=65535)
    coordinator = entry.runtime_data
    # The bulb got another address (here: another port of the loopback).
    del fleet.devices[fake.target]
    moved = other_fleet.add("color_bulb", BULB, label="Color Bulb", power=65535)
    if source == SOURCE_ZEROCONF:
        info = _zeroconf(BULB, other_fleet.port)
    else:
        # HomeKit names no LIFX port: the probe goes to the discovery port.
        network.discovery_port = other_fleet.port
        info = _homekit("LIFX A19", ip_address("127.0.0.1"))

    result = await _start(hass, freezer, source, info)
    await _run(hass, freezer, hass.async_block_till_done())

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: other_fleet.port}
    assert entry.runtime_data is coordinator  # followed without a reload
    moved.received.clear()
    await advance(hass, freezer, 11)
    assert any(packet.pkt_type == m.LightGet.pkt_type for packet in moved.received)


@pytest.fixture
async def stranger(fleet: FakeFleet) -> AsyncIterator[FakeFleet]:
    """Another host on the LAN (127.0.0.3), answering on the LIFX port as it likes."""
    fake = await FakeFleet.start("127.0.0.3", fleet.port)
    yield fake
    fake.close()


@pytest.mark.parametrize("source", [SOURCE_ZEROCONF, SOURCE_HOMEKIT])
async def test_a_stranger_announcing_a_known_serial_moves_nothing(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    stranger: FakeFleet,
    freezer: FrozenDateTimeFactory,
    source: str,
) -> None:
    entry, real = await add_device("color_bulb", power=65535)
    data = dict(entry.data)
    # The stranger announces the bulb's serial and answers probes as the bulb would.
    forged = stranger.add("color_bulb", BULB, power=65535, label="Color Bulb")
    if source == SOURCE_ZEROCONF:
        info = _zeroconf(BULB, fleet.port, host="127.0.0.3")
    else:
        info = _homekit("LIFX A19", ip_address("127.0.0.3"))

    result = await _start(hass, freezer, source, info)
    await _run(hass, freezer, hass.async_block_till_done())

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert forged.received  # the stranger was asked, and answered
    assert entry.data == data
    real.received.clear()
    await advance(hass, freezer, 11)
    assert any(packet.pkt_type == m.LightGet.pkt_type for packet in real.received)
    assert not [p for p in forged.received if p.pkt_type == m.LightGet.pkt_type]


async def test_announcement_of_a_device_where_it_is_configured_asks_nothing(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, fake = await add_device("color_bulb")
    fake.received.clear()

    result = await _start(hass, freezer, SOURCE_ZEROCONF, _zeroconf(BULB, fleet.port))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}
    assert not [p for p in fake.received if p.pkt_type == m.DeviceGetService.pkt_type]


@pytest.mark.usefixtures("network")
async def test_second_announcement_of_a_device_waiting_for_confirmation_aborts(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB)
    found = {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port, CONF_SERIAL: BULB}
    first = await _start(hass, freezer, SOURCE_INTEGRATION_DISCOVERY, found)

    result = await _start(hass, freezer, SOURCE_ZEROCONF, _zeroconf(BULB, fleet.port))

    assert first["type"] is FlowResultType.FORM
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_in_progress"
    assert len(hass.config_entries.flow.async_progress()) == 1
