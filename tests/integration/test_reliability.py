"""Never flap, never lose a command: loss, outages, moves, order and clean reloads."""

from __future__ import annotations

import asyncio
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_HOST,
    EVENT_STATE_CHANGED,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import get_scheduled_timer_handles

from custom_components.lifx_lan.network import LifxNetwork
from devtools.fake_lifx import FakeFleet
from tests.integration.conftest import AddDevice, advance

ENTITY = "light.color_bulb"


def track_availability(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Record every change into and out of unavailable."""
    changes: list[str] = []

    def listener(event: Event) -> None:
        if event.data["entity_id"] != entity_id:
            return
        old, new = event.data["old_state"], event.data["new_state"]
        was = old is not None and old.state == STATE_UNAVAILABLE
        now = new is not None and new.state == STATE_UNAVAILABLE
        if was != now:
            changes.append("lost" if now else "back")

    hass.bus.async_listen(EVENT_STATE_CHANGED, listener)
    return changes


async def run_command(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, service: str
) -> tuple[bool, float]:
    """Call a light service while moving time; return (succeeded, simulated seconds)."""
    call = hass.async_create_task(
        hass.services.async_call(LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: ENTITY}, blocking=True)
    )
    elapsed = 0.0
    while not call.done() and elapsed < 30:
        await advance(hass, freezer, 0.1)
        elapsed += 0.1
    try:
        await call
    except HomeAssistantError:
        return False, elapsed
    return True, elapsed


async def test_thirty_percent_loss_for_an_hour_never_flaps_or_loses_a_command(
    hass: HomeAssistant, add_device: AddDevice, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    changes = track_availability(hass, ENTITY)
    fleet.loss_rate = 0.3  # of requests and of replies, each way
    fleet.random.seed(20261122)
    outcomes = []
    for minute in range(60):
        await advance(hass, freezer, 55)
        service = SERVICE_TURN_OFF if minute % 2 else SERVICE_TURN_ON
        outcomes.append(await run_command(hass, freezer, service))
        assert fake.power == (0 if minute % 2 else 65535)
    await hass.async_block_till_done()
    assert changes == []
    assert all(ok for ok, _ in outcomes)
    assert max(elapsed for _, elapsed in outcomes) < 5
    assert hass.states.get(ENTITY).state == STATE_OFF


async def test_vanished_device_found_at_a_new_address_logs_once_each_way(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry, fake = await add_device("color_bulb", power=65535)
    changes = track_availability(hass, ENTITY)
    caplog.set_level(logging.INFO)
    # DHCP will hand the bulb 127.0.0.2; discovery asks there too.
    network.extra_targets = ["127.0.0.1", "127.0.0.2"]
    fake.online = False
    await advance(hass, freezer, 3 * 10 + 1)
    assert hass.states.get(ENTITY).state == STATE_UNAVAILABLE

    moved = await FakeFleet.start("127.0.0.2", fleet.port)
    try:
        moved.add("color_bulb", fake.serial, power=65535, label="Color Bulb")
        # Found by the next shared re-acquire (they back off: 10 s, 20 s, ... apart)
        await advance(hass, freezer, 25)
        await hass.async_block_till_done()
        assert hass.states.get(ENTITY).state == STATE_ON
        assert entry.data[CONF_HOST] == "127.0.0.2"
        assert entry.runtime_data.device.address.host == "127.0.0.2"
        assert entry.state is ConfigEntryState.LOADED
        assert changes == ["lost", "back"]
        lost = [r for r in caplog.records if "Error fetching" in r.getMessage()]
        back = [r for r in caplog.records if "data recovered" in r.getMessage()]
        moves = [r for r in caplog.records if "moved to 127.0.0.2" in r.getMessage()]
        assert (len(lost), len(back), len(moves)) == (1, 1, 1)
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        moved.close()


async def test_a_poll_waiting_at_the_old_address_when_the_bulb_moves_asks_the_new_one(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, fake = await add_device("color_bulb", power=65535)
    changes = track_availability(hass, ENTITY)
    fake.online = False
    # The next poll goes out, and waits for an answer at the old address
    await advance(hass, freezer, 10.8)
    moved = await FakeFleet.start("127.0.0.2", fleet.port)
    try:
        moved.add("color_bulb", fake.serial, power=65535, label="Color Bulb")
        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: "127.0.0.2"})
        # The poll at the old address runs out; it is not a missed poll: the bulb is asked
        # where it is now, and answers
        await advance(hass, freezer, 6)
        assert moved.raw_received
        assert entry.runtime_data.missed_polls == 0
        assert hass.states.get(ENTITY).state == STATE_ON
        assert changes == []
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        moved.close()


async def test_one_missed_poll_keeps_the_device_available(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    changes = track_availability(hass, ENTITY)
    fake.online = False
    await advance(hass, freezer, 10 + 7)
    fake.online = True
    await advance(hass, freezer, 10)
    await hass.async_block_till_done()
    assert changes == []
    assert hass.states.get(ENTITY).state == STATE_ON


async def test_command_during_an_outage_fails_fast(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb")
    fake.online = False
    # One poll missed: still shown available, but the client knows the device is lost.
    await advance(hass, freezer, 10 + 7)
    assert hass.states.get(ENTITY).state == STATE_OFF
    ok, elapsed = await run_command(hass, freezer, SERVICE_TURN_ON)
    assert not ok
    assert elapsed < 2
    # Home Assistant itself skips calls to an entity once it is unavailable.


async def test_concurrent_commands_to_one_device_keep_their_order(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("color_bulb")
    services = [SERVICE_TURN_ON, SERVICE_TURN_OFF] * 5
    await asyncio.gather(
        *(
            hass.services.async_call(LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: ENTITY}, blocking=True)
            for service in services
        )
    )
    sent = [r for r in fake.received if r.ack_required]
    levels = [int.from_bytes(r.payload[:2], "little") for r in sent]
    assert levels == [65535, 0] * 5
    assert fake.power == 0


async def test_reload_a_hundred_times_leaves_no_task_timer_or_socket(
    hass: HomeAssistant, add_device: AddDevice, network: LifxNetwork
) -> None:
    entry, _ = await add_device("tile")
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    tasks_before = {t for t in asyncio.all_tasks() if not t.done()}
    timers_before = len([h for h in get_scheduled_timer_handles(hass.loop) if not h.cancelled()])
    clients = set()
    for _ in range(100):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        clients.add(entry.runtime_data.device.client)
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    assert network.client is None
    assert all(not client.is_open for client in clients)
    assert all(client.pending_count == 0 for client in clients)
    tasks_after = {t for t in asyncio.all_tasks() if not t.done()}
    assert tasks_after <= tasks_before | {asyncio.current_task()}
    timers_after = len([h for h in get_scheduled_timer_handles(hass.loop) if not h.cancelled()])
    assert timers_after <= timers_before
