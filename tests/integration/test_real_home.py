"""A real home: colour then dim, bulbs off at the wall, silent bulbs, values nobody meant."""

from __future__ import annotations

import asyncio

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_HS_COLOR,
    ATTR_TRANSITION,
    DOMAIN as LIGHT_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.coordinator import LOST_CHECK_INTERVAL
from custom_components.lifx_lan.network import LifxNetwork
from custom_components.lifx_lan.protocol import make_hsbk, messages as m
from devtools.fake_lifx import FakeFleet
from tests.integration.conftest import AddDevice, advance

RED = make_hsbk(hue=0, saturation=1.0, brightness=1.0)


async def light(hass: HomeAssistant, service: str, entity: str | list[str], **data: object) -> None:
    await hass.services.async_call(
        LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: entity, **data}, blocking=True
    )


async def enable_ceiling_parts(hass: HomeAssistant, entity_registry: er.EntityRegistry) -> None:
    for part in ("uplight", "downlight"):
        entity_registry.async_update_entity(f"light.ceiling_{part}", disabled_by=None)
    await hass.config_entries.async_reload(hass.config_entries.async_entries(DOMAIN)[0].entry_id)
    await hass.async_block_till_done()


# Colour then dim: every command is planned from the state the one before it left


@pytest.mark.parametrize("kind", ["strip", "extended_strip", "tile"])
async def test_colour_then_brightness_keeps_every_zone_at_the_new_colour(
    hass: HomeAssistant, add_device: AddDevice, kind: str
) -> None:
    _, fake = await add_device(kind, power=65535)
    entity = f"light.{kind}"
    # No poll between the two: the second is planned from what the first did.
    await light(hass, SERVICE_TURN_ON, entity, **{ATTR_HS_COLOR: (0, 100)})
    await light(hass, SERVICE_TURN_ON, entity, **{ATTR_BRIGHTNESS: 128})
    cells = fake.zones or [cell for tile in fake.tile_colors for cell in tile]
    assert cells
    for cell in cells:
        assert (cell.hue, cell.saturation) == (RED.hue, RED.saturation)
        assert abs(cell.brightness - 128 / 255 * 65535) < 300


async def test_colour_then_brightness_sent_together_keeps_the_new_colour(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    """An automation that does not wait: the second call is issued while the first runs."""
    _, fake = await add_device("extended_strip", power=65535)
    await asyncio.gather(
        light(hass, SERVICE_TURN_ON, "light.extended_strip", **{ATTR_HS_COLOR: (0, 100)}),
        light(hass, SERVICE_TURN_ON, "light.extended_strip", **{ATTR_BRIGHTNESS: 64}),
    )
    assert {(z.hue, z.saturation) for z in fake.zones} == {(RED.hue, RED.saturation)}
    assert all(abs(z.brightness - 64 / 255 * 65535) < 300 for z in fake.zones)


async def test_colour_then_a_ceiling_part_keeps_the_new_colour(
    hass: HomeAssistant, add_device: AddDevice, entity_registry: er.EntityRegistry
) -> None:
    _, fake = await add_device("ceiling", power=65535)
    await enable_ceiling_parts(hass, entity_registry)
    await light(hass, SERVICE_TURN_ON, "light.ceiling", **{ATTR_HS_COLOR: (0, 100)})
    await light(hass, SERVICE_TURN_OFF, "light.ceiling_uplight")
    downlight = fake.tile_colors[0][:127]
    assert all((c.hue, c.saturation, c.brightness) == (RED.hue, RED.saturation, 65535)
               for c in downlight)  # fmt: skip
    assert fake.tile_colors[0][127].brightness == 0
    # And the other way round: the downlight off keeps the uplight red.
    await light(hass, SERVICE_TURN_ON, "light.ceiling", **{ATTR_HS_COLOR: (0, 100)})
    await light(hass, SERVICE_TURN_OFF, "light.ceiling_downlight")
    assert fake.tile_colors[0][127] == m.LightHsbk(RED.hue, RED.saturation, 65535, 3500)
    assert all(c.brightness == 0 for c in fake.tile_colors[0][:127])
    assert fake.power == 65535


async def test_both_ceiling_parts_off_in_one_call_switch_the_ceiling_off_dark(
    hass: HomeAssistant, add_device: AddDevice, entity_registry: er.EntityRegistry
) -> None:
    _, fake = await add_device("ceiling", power=65535)
    await enable_ceiling_parts(hass, entity_registry)
    await light(hass, SERVICE_TURN_OFF, ["light.ceiling_uplight", "light.ceiling_downlight"])
    assert fake.power == 0
    assert all(cell.brightness == 0 for cell in fake.tile_colors[0])
    assert hass.states.get("light.ceiling").state == STATE_OFF
    assert hass.states.get("light.ceiling_uplight").state == STATE_OFF
    assert hass.states.get("light.ceiling_downlight").state == STATE_OFF


# Bulbs off at the wall


def datagrams(fleet: FakeFleet) -> int:
    """Every datagram on the wire between Home Assistant and the fleet, both ways."""
    return len(fleet.raw_received) + fleet.sent_replies


def get_services(fleet: FakeFleet, since: int) -> int:
    return sum(
        1
        for data in fleet.raw_received[since:]
        if int.from_bytes(data[32:34], "little") == m.DeviceGetService.pkt_type
    )


async def test_bulbs_off_at_the_wall_cause_no_broadcast_storm_and_come_back(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    bulbs = [
        (await add_device("color_bulb", serial=f"d073d5001{i:03x}", label=f"Bulb {i}",
                          power=65535))[1]
        for i in range(20)
    ]  # fmt: skip
    await advance(hass, freezer, 30)
    # A healthy fleet for ten minutes, as the baseline
    start, received = datagrams(fleet), len(fleet.raw_received)
    await advance(hass, freezer, 600)
    healthy = datagrams(fleet) - start
    assert get_services(fleet, received) <= 10  # two background scans
    # Half of them switched off at the wall for ten minutes
    for bulb in bulbs[:10]:
        bulb.online = False
    start, received = datagrams(fleet), len(fleet.raw_received)
    await advance(hass, freezer, 600)
    unplugged = datagrams(fleet) - start
    assert get_services(fleet, received) <= 60
    assert unplugged <= 2 * healthy
    for i in range(10):
        assert hass.states.get(f"light.bulb_{i}").state == STATE_UNAVAILABLE
    for i in range(10, 20):
        assert hass.states.get(f"light.bulb_{i}").state == STATE_ON
    # Power returns: every light is back within 25 s.
    for bulb in bulbs[:10]:
        bulb.online = True
    await advance(hass, freezer, 25)
    for i in range(20):
        assert hass.states.get(f"light.bulb_{i}").state == STATE_ON


async def test_a_bulb_off_for_an_hour_that_returns_elsewhere_is_found_by_the_scan(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, fake = await add_device("color_bulb", power=65535)
    network.extra_targets = ["127.0.0.1", "127.0.0.2"]
    fake.online = False
    await advance(hass, freezer, 3600)
    assert hass.states.get("light.color_bulb").state == STATE_UNAVAILABLE
    moved = await FakeFleet.start("127.0.0.2", fleet.port)
    try:
        moved.add("color_bulb", fake.serial, power=65535, label="Color Bulb")
        # The re-acquires are 5 minutes apart by now; the background scan is too.
        await advance(hass, freezer, 310)
        assert hass.states.get("light.color_bulb").state == STATE_ON
        assert entry.data["host"] == "127.0.0.2"
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        moved.close()


# A bulb that just went silent


async def test_commands_queued_behind_one_to_a_silent_bulb_fail_with_it(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    fake.online = False
    loop = asyncio.get_running_loop()
    start = loop.time()
    failed_at: list[float] = []

    async def dim(level: int) -> None:
        with pytest.raises(HomeAssistantError):
            await light(hass, SERVICE_TURN_ON, "light.color_bulb", **{ATTR_BRIGHTNESS: level})
        failed_at.append(loop.time() - start)

    calls = [hass.async_create_task(dim(30 * n + 10)) for n in range(8)]
    for _ in range(300):
        if all(call.done() for call in calls):
            break
        await advance(hass, freezer, 0.1)
    await asyncio.gather(*calls)
    assert len(failed_at) == 8
    first = min(failed_at)
    assert first <= 5.2  # the first within its normal deadline
    assert max(failed_at) - first <= 2  # the others once the bulb is known silent
    # A command sent now that the bulb is known silent fails within 2 s too.
    start = loop.time()
    late = hass.async_create_task(dim(200))
    while not late.done():
        await advance(hass, freezer, 0.1)
    await late
    assert failed_at[-1] <= 2


# Values nobody meant


@pytest.mark.parametrize(
    ("service", "data"),
    [
        (SERVICE_TURN_ON, {ATTR_TRANSITION: float("nan")}),
        (SERVICE_TURN_OFF, {ATTR_TRANSITION: float("nan")}),
        (SERVICE_TURN_ON, {ATTR_TRANSITION: float("nan"), ATTR_HS_COLOR: (120, 100)}),
    ],
)
async def test_a_transition_of_nan_is_refused_before_anything_is_sent(
    hass: HomeAssistant, add_device: AddDevice, service: str, data: dict[str, object]
) -> None:
    _, fake = await add_device("color_bulb", power=0)
    before = (fake.power, fake.color, len(fake.received))
    with pytest.raises(ServiceValidationError) as caught:
        await light(hass, service, "light.color_bulb", **data)
    assert caught.value.translation_domain == DOMAIN
    assert (fake.power, fake.color, len(fake.received)) == before


async def test_set_zones_with_one_invalid_strip_changes_no_strip(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, long_strip = await add_device("extended_strip", power=65535)
    _, short_strip = await add_device("strip", power=65535)
    before = (list(long_strip.zones), list(short_strip.zones))
    received = (len(long_strip.received), len(short_strip.received))
    # Zones 20-30 exist on the 120-zone strip but not on the 16-zone one.
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "set_zones",
            {
                ATTR_ENTITY_ID: ["light.extended_strip", "light.strip"],
                "start": 20,
                "end": 30,
                "hs_color": [120, 100],
            },
            blocking=True,
        )
    assert (list(long_strip.zones), list(short_strip.zones)) == before
    assert (len(long_strip.received), len(short_strip.received)) == received
    assert hass.states.get("light.strip").state == STATE_ON


async def test_a_bulb_off_at_the_wall_is_asked_one_datagram_per_check(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Off for ten minutes: one echo request each check, no poll, no retransmission."""
    _, fake = await add_device("color_bulb", power=65535)
    fake.online = False
    await advance(hass, freezer, 60)
    assert hass.states.get("light.color_bulb").state == STATE_UNAVAILABLE
    since = len(fleet.raw_received)
    await advance(hass, freezer, 600)
    target = bytes.fromhex(fake.serial)
    kinds = [
        int.from_bytes(data[32:34], "little")
        for data in fleet.raw_received[since:]
        if data[8:14] == target
    ]
    assert set(kinds) == {m.DeviceEchoRequest.pkt_type}
    # A check every LOST_CHECK_INTERVAL from the start of the last one: under the 0.1
    # datagram per second a lost bulb may cost
    assert 600 // LOST_CHECK_INTERVAL <= len(kinds) <= 600 // LOST_CHECK_INTERVAL + 1
    assert len(kinds) / 600 < 0.1
