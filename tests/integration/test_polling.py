"""When devices are polled: in shared rounds, on a schedule that commands and slow bulbs keep."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN, SERVICE_TURN_ON
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.lifx_lan.const import CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL
from custom_components.lifx_lan.coordinator import LOST_CHECK_INTERVAL, LifxCoordinator
from custom_components.lifx_lan.network import LifxNetwork
from custom_components.lifx_lan.protocol import messages as m
from devtools.fake_lifx import FakeDevice, FakeFleet
from tests.integration.conftest import AddDevice, advance


def polls(fake: FakeDevice) -> list[float]:
    """When each poll reached the device (event-loop time)."""
    return [r.at for r in fake.received if r.pkt_type == m.LightGet.pkt_type]


def due(network: LifxNetwork, coordinator: LifxCoordinator) -> float:
    when = network.polls.due(coordinator)
    assert when is not None
    return when


async def test_devices_with_consecutive_serials_are_polled_in_one_round(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Set up together, two bulbs are asked in the same loop turn; a slow answer keeps step."""
    first_entry, first = await add_device("color_bulb", serial="d073d5000011")
    second_entry, second = await add_device("color_bulb", serial="d073d5000012", label="Next")
    first_c, second_c = first_entry.runtime_data, second_entry.runtime_data
    assert due(network, first_c) == due(network, second_c)
    # The second bulb's answers get lost twice: its polls end late, after retransmissions
    fleet.drop_replies[second.serial] = 2
    start = len(polls(first)), len(polls(second))
    await advance(hass, freezer, 10 * DEFAULT_POLL_INTERVAL)
    first_polls, second_polls = polls(first)[start[0] :], polls(second)[start[1] :]
    # One poll per interval each (plus the second's two retransmissions), never more
    assert len(first_polls) == 10
    assert len(second_polls) == 12
    # Every round asks both at the same instant, the late answers notwithstanding
    assert set(first_polls) <= set(second_polls)
    assert due(network, first_c) == due(network, second_c)
    state = hass.states.get("light.next")
    assert state is not None
    assert state.state == STATE_OFF


async def test_bulbs_set_up_seconds_apart_join_one_round(
    hass: HomeAssistant,
    add_device: AddDevice,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    """As at Home Assistant's start: three bulbs set up over four seconds, one round."""
    entries = []
    for number in range(3):
        if entries:
            await advance(hass, freezer, 2)
        entry, _ = await add_device(
            "color_bulb", serial=f"d073d500002{number}", label=f"Bulb {number}"
        )
        entries.append(entry)
    first, *others = (due(network, entry.runtime_data) for entry in entries)
    assert all(when == first for when in others)
    # For the last one, early by at most half an interval (and the second's rounding),
    # never late
    assert DEFAULT_POLL_INTERVAL / 2 - 1 <= first - hass.loop.time() <= DEFAULT_POLL_INTERVAL + 0.5
    # Set up just before that round, a bulb would wait almost two intervals for the next
    # one: it starts a round of its own instead, one interval on
    await advance(hass, freezer, first - hass.loop.time() - 1.5)
    late, _ = await add_device("color_bulb", serial="d073d5000029", label="Late")
    assert first < due(network, late.runtime_data) < first + DEFAULT_POLL_INTERVAL
    assert due(network, late.runtime_data) - hass.loop.time() <= DEFAULT_POLL_INTERVAL + 0.5


async def test_a_command_does_not_move_the_poll_schedule(
    hass: HomeAssistant,
    add_device: AddDevice,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The refresh after a command leaves the next poll where it was, in its round."""
    entry, fake = await add_device("color_bulb")
    coordinator = entry.runtime_data
    await advance(hass, freezer, 3)
    before = due(network, coordinator)
    await hass.services.async_call(
        LIGHT_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: "light.color_bulb"}, blocking=True
    )
    assert fake.power == 65535
    assert due(network, coordinator) == before
    polled = len(polls(fake))
    # Up to a second before the round (timers may fire half a second early in tests)
    await advance(hass, freezer, before - hass.loop.time() - 1)
    assert len(polls(fake)) == polled
    await advance(hass, freezer, 1.5)
    assert len(polls(fake)) == polled + 1
    assert due(network, coordinator) == before + DEFAULT_POLL_INTERVAL


async def test_a_bulb_back_from_the_wall_switch_rejoins_the_round(
    hass: HomeAssistant,
    add_device: AddDevice,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Off until unavailable, checked every 24 s, then back: polled with the others again."""
    steady_entry, _ = await add_device("color_bulb", serial="d073d5000031", label="Steady")
    flaky_entry, flaky = await add_device("color_bulb", serial="d073d5000032", label="Flaky")
    steady, lost = steady_entry.runtime_data, flaky_entry.runtime_data
    flaky.online = False
    await advance(hass, freezer, 4 * DEFAULT_POLL_INTERVAL)
    assert lost.lost
    assert lost.poll_every == LOST_CHECK_INTERVAL
    flaky.online = True
    await advance(hass, freezer, LOST_CHECK_INTERVAL + 2 * DEFAULT_POLL_INTERVAL)
    state = hass.states.get("light.flaky")
    assert state is not None
    assert state.state == STATE_OFF
    assert not lost.lost
    assert lost.poll_every == DEFAULT_POLL_INTERVAL
    assert due(network, lost) == due(network, steady)


async def test_a_new_poll_interval_moves_the_next_poll(
    hass: HomeAssistant,
    add_device: AddDevice,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, _ = await add_device("color_bulb")
    coordinator = entry.runtime_data
    hass.config_entries.async_update_entry(entry, options={CONF_POLL_INTERVAL: 120})
    await hass.async_block_till_done()
    assert coordinator.poll_every == 120
    assert 60 - 1 <= due(network, coordinator) - hass.loop.time() <= 120 + 0.5


async def test_a_bulb_nothing_shows_is_not_polled(
    hass: HomeAssistant,
    add_device: AddDevice,
    network: LifxNetwork,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every entity of the device disabled: no listener, so no poll, as Home Assistant does."""
    entry, fake = await add_device("color_bulb")
    for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id):
        entity_registry.async_update_entity(
            entity.entity_id, disabled_by=er.RegistryEntryDisabler.USER
        )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert not entry.runtime_data.wants_polls
    polled = len(polls(fake))
    await advance(hass, freezer, 6 * DEFAULT_POLL_INTERVAL)
    assert len(polls(fake)) == polled
    # Its schedule goes on: the first round after an entity listens again polls it
    assert network.polls.due(entry.runtime_data) is not None


async def test_a_bulb_unloaded_while_its_slow_poll_waits_is_never_polled_again(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A bulb answering after 300 ms: its entry unloads while a poll waits for the answer."""
    entry, fake = await add_device("color_bulb")
    coordinator = entry.runtime_data
    fleet.reply_delay = 0.3
    polled = len(polls(fake))
    # Up to the round: the poll is out, its answer 300 ms away
    for _ in range(10 * (DEFAULT_POLL_INTERVAL + 1)):
        if network.polls.due(coordinator) is None:
            break
        await advance(hass, freezer, 0.1)
    assert network.polls.due(coordinator) is None
    assert len(polls(fake)) > polled
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    sent = len(polls(fake))
    await advance(hass, freezer, 6 * DEFAULT_POLL_INTERVAL)
    assert len(polls(fake)) == sent
    assert network.polls.due(coordinator) is None


async def test_polling_turned_off_in_the_system_options_polls_nothing(
    hass: HomeAssistant,
    add_device: AddDevice,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The entry's "Enable polling for updates" is off: commands still work, nothing polls."""
    entry, fake = await add_device("color_bulb", setup=False)
    hass.config_entries.async_update_entry(entry, pref_disable_polling=True)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    polled = len(polls(fake))
    await advance(hass, freezer, 6 * DEFAULT_POLL_INTERVAL)
    assert len(polls(fake)) == polled
    assert network.polls.due(entry.runtime_data) is None
    await hass.services.async_call(
        LIGHT_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: "light.color_bulb"}, blocking=True
    )
    assert fake.power == 65535
