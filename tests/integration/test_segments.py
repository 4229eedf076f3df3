"""Strip segments: set in the options, each a light that changes only its zones, at the device."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_HS_COLOR,
    ATTR_TRANSITION,
    DOMAIN as LIGHT_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID, CONF_HOST, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest

from custom_components.lifx_lan.const import CONF_POLL_INTERVAL
from custom_components.lifx_lan.protocol import make_hsbk, messages as m
from custom_components.lifx_lan.segments import CONF_SEGMENTS
from devtools.fake_lifx import FakeFleet
from tests.integration.conftest import AddDevice
from tests.integration.test_config_flow import _configure, _run

THREE = "Desk: 0-39\nShelf: 40-79\nWindow: 80-119"
DESK, SHELF, WINDOW = (f"light.extended_strip_{name}" for name in ("desk", "shelf", "window"))
ZONES = {DESK: range(40), SHELF: range(40, 80), WINDOW: range(80, 120)}


async def light(hass: HomeAssistant, service: str, entity_id: str, **data: object) -> None:
    await hass.services.async_call(
        LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def set_segments(hass: HomeAssistant, entry: ConfigEntry, text: str) -> dict[str, object]:
    """Through the options flow, as a user does; the flow's last result."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 10}
    )
    assert result["step_id"] == "segments"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SEGMENTS: text}
    )
    await hass.async_block_till_done()
    return dict(result)


def zones_of(fake_zones: list[m.LightHsbk], entity_id: str) -> list[m.LightHsbk]:
    return [fake_zones[i] for i in ZONES[entity_id]]


async def test_segments_are_lights_that_change_only_their_zones(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    entry, fake = await add_device("extended_strip", power=65535)
    result = await set_segments(hass, entry, THREE)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_SEGMENTS] == [
        {"name": "Desk", "first": 0, "last": 39},
        {"name": "Shelf", "first": 40, "last": 79},
        {"name": "Window", "first": 80, "last": 119},
    ]
    assert all(hass.states.get(e).state == STATE_ON for e in ZONES)

    # A colour on the desk: its 40 zones, nothing else.
    before = list(fake.zones)
    await light(hass, SERVICE_TURN_ON, DESK, **{ATTR_HS_COLOR: (120, 100), ATTR_BRIGHTNESS: 255})
    green = make_hsbk(hue=120, saturation=1, brightness=1, kelvin=before[0].kelvin)
    assert zones_of(fake.zones, DESK) == [green] * 40
    assert fake.zones[40:] == before[40:]

    # Brightness on the shelf keeps its gradient and touches neither neighbour.
    before = list(fake.zones)
    await light(hass, SERVICE_TURN_ON, SHELF, **{ATTR_BRIGHTNESS: 64, ATTR_TRANSITION: 1})
    shelf = zones_of(fake.zones, SHELF)
    assert [z.hue for z in shelf] == [z.hue for z in zones_of(before, SHELF)]
    assert all(abs(z.brightness - 64 / 255 * 65535) < 300 for z in shelf)
    assert fake.zones[:40] == before[:40]
    assert fake.zones[80:] == before[80:]
    assert hass.states.get(SHELF).attributes[ATTR_BRIGHTNESS] == 64
    assert hass.states.get(DESK).attributes[ATTR_BRIGHTNESS] == 255

    # Every segment off switches the strip off; one on again lights only it.
    for entity_id in ZONES:
        await light(hass, SERVICE_TURN_OFF, entity_id)
    assert fake.power == 0
    assert hass.states.get("light.extended_strip").state == STATE_OFF
    await light(hass, SERVICE_TURN_ON, WINDOW)
    assert fake.power == 65535
    assert all(z.brightness == 0 for z in fake.zones[:80])
    assert all(z.brightness > 0 for z in zones_of(fake.zones, WINDOW))
    assert [hass.states.get(e).state for e in ZONES] == [STATE_OFF, STATE_OFF, STATE_ON]

    # Every segment dark and the strip off: the whole strip's light turns on lit, evenly.
    await light(hass, SERVICE_TURN_OFF, WINDOW)
    assert fake.power == 0
    await light(hass, SERVICE_TURN_ON, "light.extended_strip")
    assert fake.power == 65535
    assert all(z.brightness == 65535 for z in fake.zones)
    assert all(hass.states.get(e).state == STATE_ON for e in ZONES)


async def test_a_light_group_of_segments_paints_each_segment(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    # The light group is set up first, as Home Assistant does from YAML at start-up.
    group = {"platform": "group", "name": "Strip parts", "entities": [DESK, WINDOW]}
    assert await async_setup_component(hass, LIGHT_DOMAIN, {LIGHT_DOMAIN: [group]})
    entry, fake = await add_device("extended_strip", power=0)
    await set_segments(hass, entry, THREE)

    await light(hass, SERVICE_TURN_ON, "light.strip_parts", **{ATTR_HS_COLOR: (240, 100)})

    blue = make_hsbk(hue=240, saturation=1, brightness=1, kelvin=fake.zones[0].kelvin)
    assert fake.power == 65535
    assert zones_of(fake.zones, DESK) == [blue] * 40
    assert zones_of(fake.zones, WINDOW) == [blue] * 40
    # The strip was off: the shelf, not in the group, stays dark.
    assert all(z.brightness == 0 for z in zones_of(fake.zones, SHELF))

    await light(hass, SERVICE_TURN_OFF, "light.strip_parts")
    assert fake.power == 0


async def test_segments_survive_a_restart_and_go_when_removed(
    hass: HomeAssistant, add_device: AddDevice, entity_registry: er.EntityRegistry
) -> None:
    entry, fake = await add_device("extended_strip", power=65535)
    await set_segments(hass, entry, THREE)
    unique_ids = {entity_registry.async_get(e).unique_id for e in ZONES}

    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert {entity_registry.async_get(e).unique_id for e in ZONES} == unique_ids
    await light(hass, SERVICE_TURN_OFF, SHELF)
    assert all(z.brightness == 0 for z in zones_of(fake.zones, SHELF))

    # The options form starts from the segments saved; the desk is taken out.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 10}
    )
    suggested = next(iter(result["data_schema"].schema)).description["suggested_value"]
    assert suggested == THREE
    await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SEGMENTS: "Shelf: 40-79\nWindow: 80-119"}
    )
    await hass.async_block_till_done()
    assert entity_registry.async_get(DESK) is None
    assert entity_registry.async_get(SHELF).unique_id in unique_ids
    assert hass.states.get(SHELF).state == STATE_OFF


async def test_segments_survive_a_reconfigure(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    entry, fake = await add_device("extended_strip", power=65535)
    await set_segments(hass, entry, THREE)
    unique_ids = {entity_registry.async_get(e).unique_id for e in ZONES}

    result = await _run(hass, freezer, entry.start_reconfigure_flow(hass))
    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{fleet.port}"})
    await _run(hass, freezer, hass.async_block_till_done())

    assert result["reason"] == "reconfigure_successful"
    assert {entity_registry.async_get(e).unique_id for e in ZONES} == unique_ids
    await light(hass, SERVICE_TURN_OFF, WINDOW)
    assert all(z.brightness == 0 for z in zones_of(fake.zones, WINDOW))
    assert all(z.brightness > 0 for z in fake.zones[:80])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Desk 0-39", "segment_syntax"),
        ("Desk: 0-120", "segment_range"),
        ("Desk: 39-0", "segment_range"),
        ("Desk: 0-39\nShelf: 39-79", "segment_overlap"),
        ("Desk: 0-39\ndesk: 40-79", "segment_name_taken"),
    ],
)
async def test_bad_segments_are_refused_and_nothing_is_saved(
    hass: HomeAssistant, add_device: AddDevice, text: str, error: str
) -> None:
    entry, _ = await add_device("extended_strip", power=65535)
    result = await set_segments(hass, entry, text)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SEGMENTS: error}
    assert entry.options == {}


async def test_a_bulb_has_no_segments_step(hass: HomeAssistant, add_device: AddDevice) -> None:
    entry, _ = await add_device("color_bulb")
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 10}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_SEGMENTS not in entry.options
