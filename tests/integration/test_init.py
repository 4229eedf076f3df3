"""Set-up, unload and reload of a device: one shared socket, nothing left behind."""

from __future__ import annotations

import asyncio
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    EVENT_HOMEASSISTANT_STOP,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.coordinator import LOST_CHECK_INTERVAL
from custom_components.lifx_lan.network import LifxNetwork
from devtools.fake_lifx import FakeFleet
from tests.integration.conftest import AddDevice, advance


async def test_setup_and_unload(
    hass: HomeAssistant, add_device: AddDevice, network: LifxNetwork
) -> None:
    entry, _ = await add_device("color_bulb", power=65535)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("light.color_bulb").state == STATE_ON
    assert network.client is not None
    await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert network.client is None


async def test_devices_share_one_socket(
    hass: HomeAssistant, add_device: AddDevice, network: LifxNetwork
) -> None:
    first, _ = await add_device("color_bulb")
    second, _ = await add_device("strip")
    assert first.runtime_data.device.client is second.runtime_data.device.client
    await hass.config_entries.async_unload(first.entry_id)
    assert network.client is not None
    await hass.config_entries.async_unload(second.entry_id)
    assert network.client is None


async def test_device_not_answering_retries_setup(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    entry, _ = await add_device("color_bulb", online=False, setup=False)
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    await advance(hass, freezer, 7)
    await setup
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_another_device_at_the_address_retries_and_says_so(
    hass: HomeAssistant, add_device: AddDevice, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    # The entry expects d073d5000001, but only another bulb answers at its address now.
    entry, fake = await add_device("color_bulb", setup=False)
    del fleet.devices[fake.target]
    fleet.add("color_bulb", "d073d50000ff")
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    await advance(hass, freezer, 9)
    await setup
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert "d073d50000ff" in entry.reason
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "wrong_device_d073d5000001")
    assert issue is not None
    assert issue.translation_placeholders["found"] == "d073d50000ff"
    # The bulb is found again at its address: the repair goes away.
    fleet.add("color_bulb", "d073d5000001")
    await advance(hass, freezer, 90)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert ir.async_get(hass).async_get_issue(DOMAIN, "wrong_device_d073d5000001") is None


async def test_an_entry_whose_address_another_device_took_loads_again_at_its_new_one(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, fake = await add_device("color_bulb", setup=False)
    del fleet.devices[fake.target]
    fleet.add("color_bulb", "d073d50000ff")
    network.extra_targets = ["127.0.0.1", "127.0.0.2"]
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    await advance(hass, freezer, 9)
    await setup
    assert entry.state is ConfigEntryState.SETUP_RETRY
    # DHCP gave the bulb another address; nobody touches the entry.
    moved = await FakeFleet.start("127.0.0.2", fleet.port)
    try:
        moved.add("color_bulb", "d073d5000001", power=65535, label="Color Bulb")
        await advance(hass, freezer, 90)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        assert entry.data[CONF_HOST] == "127.0.0.2"
        assert ir.async_get(hass).async_get_issue(DOMAIN, "wrong_device_d073d5000001") is None
        assert hass.states.get("light.color_bulb").state == STATE_ON
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        moved.close()


async def test_poll_marks_unavailable_and_back(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    fake.online = False
    # Two polls in a row without an answer make it unavailable.
    await advance(hass, freezer, 2 * 10 + 14)
    await hass.async_block_till_done()
    assert hass.states.get("light.color_bulb").state == STATE_UNAVAILABLE
    fake.online = True
    # Asked again within the lost-device check interval
    await advance(hass, freezer, LOST_CHECK_INTERVAL + 1)
    await hass.async_block_till_done()
    assert hass.states.get("light.color_bulb").state == STATE_ON


async def test_reload_many_times_leaves_nothing_behind(
    hass: HomeAssistant, add_device: AddDevice, network: LifxNetwork
) -> None:
    entry, _ = await add_device("extended_strip")
    tasks_before = len(asyncio.all_tasks())
    for _ in range(20):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert len(asyncio.all_tasks()) <= tasks_before
    client = entry.runtime_data.device.client
    assert client.pending_count == 0
    await hass.config_entries.async_unload(entry.entry_id)
    assert network.client is None


@pytest.mark.parametrize("kind", ["switch"])
async def test_switch_has_no_light(hass: HomeAssistant, add_device: AddDevice, kind: str) -> None:
    await add_device(kind)
    assert hass.states.get("light.switch") is None
    assert hass.states.get("switch.switch_relay_1") is not None


async def test_entries_set_up_together_share_one_socket(
    hass: HomeAssistant, add_device: AddDevice, network: LifxNetwork
) -> None:
    entries = [
        (await add_device("color_bulb", serial=f"d073d5bb00{i:02x}", setup=False))[0]
        for i in range(10)
    ]
    await asyncio.gather(*(hass.config_entries.async_setup(e.entry_id) for e in entries))
    await hass.async_block_till_done()
    clients = {entry.runtime_data.device.client for entry in entries}
    assert clients == {network.client}
    for entry in entries:
        await hass.config_entries.async_unload(entry.entry_id)
    assert network.client is None
    assert not next(iter(clients)).is_open


async def test_stopping_home_assistant_closes_the_socket_and_logs_no_poll_error(
    hass: HomeAssistant,
    add_device: AddDevice,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Entries stay loaded while Home Assistant stops; their polls must not hit the socket."""
    await add_device("color_bulb", power=65535)
    hass.set_state(CoreState.stopping)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert network.client is None
    # Its last stage: no longer "stopping", timers still run
    hass.set_state(CoreState.not_running)
    await advance(hass, freezer, 30)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert hass.states.get("light.color_bulb").state == STATE_ON
    hass.set_state(CoreState.running)
