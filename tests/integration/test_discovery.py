"""Where discovery looks, and the ways Home Assistant hands over devices it found.

Broadcasts go to the adapters the user enabled in Settings → Network: the adapters are
mocked where Home Assistant's own network tests mock them (ifaddr, and the stored
choice), and each "adapter" is a loopback address with a fake fleet behind it, so what a
scan reaches is read back at the devices. Zeroconf and HomeKit announcements start real
config flows that probe the fake devices; a known device is moved only once it confirms.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from unittest.mock import Mock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.lifx_lan.const import DISCOVERY_INTERVAL, DOMAIN
from custom_components.lifx_lan.network import LifxNetwork
from custom_components.lifx_lan.protocol import messages as m
from devtools.fake_lifx import FakeFleet
from tests.integration.conftest import SERIALS, AddDevice, advance
from tests.integration.test_config_flow import _options, _start

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
