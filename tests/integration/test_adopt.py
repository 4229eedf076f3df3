"""Taking over the devices of Home Assistant's core LIFX integration.

The core entries, devices and entities are registered exactly as core 2025.4.4 (aiolifx,
colon-separated serials, config entry version 1) and 2026.11 (lifx-async, raw serials,
version 2, Ceiling and Mirror parts) register them, without loading core; the devices are
fake ones on loopback, and the automations run on Home Assistant's real automation
integration.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import (
    SOURCE_IGNORE,
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryDisabler,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_integration,
    mock_platform,
)

from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.protocol import messages as m
from devtools.fake_lifx import FakeFleet
from tests.integration.conftest import SERIALS, AddDevice, advance

pytestmark = pytest.mark.usefixtures("network")

CORE = "lifx"


@dataclass
class CoreDevice:
    """A device as core registered it."""

    entry: MockConfigEntry
    device: dr.DeviceEntry
    entity_ids: dict[str, str]  # core unique-id key ("" for the light) -> entity id


# (platform, core key, translation key, entity category, disabled by default)
CORE_KINDS = {
    "": ("light", None, None, False),
    "uplight": ("light", "uplight", None, True),
    "downlight": ("light", "downlight", None, True),
    "front": ("light", "front", None, True),
    "back": ("light", "back", None, True),
    "hev_cycle_state": ("binary_sensor", "clean_cycle", "diagnostic", False),
    "infrared_brightness": ("select", "infrared_brightness", "config", False),
    "theme": ("select", "theme", "config", False),
    "rssi": ("sensor", "rssi", "diagnostic", True),
    "identify": ("button", None, "config", False),
    "restart": ("button", None, "config", False),
}


def _register_core(
    hass: HomeAssistant, serial: str, label: str, keys: list[str], *, release: str
) -> CoreDevice:
    """Register a device as core of one release does: its entry, device and entities."""
    colons = ":".join(serial[i : i + 2] for i in range(0, 12, 2))
    if release == "2025.4":
        # aiolifx: the serial in MAC form everywhere; the entry holds the host only.
        core_serial = colons
        entry = MockConfigEntry(
            domain=CORE, version=1, unique_id=colons, title=label, data={CONF_HOST: "127.0.0.1"}
        )
    else:
        # lifx-async: raw serials since core's own migration, and the serial in the data.
        core_serial = serial
        entry = MockConfigEntry(
            domain=CORE,
            version=2,
            unique_id=serial,
            title=label,
            data={CONF_HOST: "127.0.0.1", "serial": serial},
        )
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(CORE, core_serial)},
        connections={(dr.CONNECTION_NETWORK_MAC, colons)},
        manufacturer="LIFX",
        name=label,
        model="LIFX Bulb",
        sw_version="3.70",
    )
    registry = er.async_get(hass)
    entity_ids = {}
    for key in keys:
        platform, translation_key, category, disabled = CORE_KINDS[key]
        created = registry.async_get_or_create(
            platform,
            CORE,
            core_serial if key == "" else f"{core_serial}_{key}",
            config_entry=entry,
            device_id=device.id,
            suggested_object_id=" ".join(filter(None, [label, translation_key or key])),
            has_entity_name=True,
            translation_key=translation_key,
            entity_category=None if category is None else er.EntityCategory(category),
            disabled_by=er.RegistryEntryDisabler.INTEGRATION if disabled else None,
        )
        entity_ids[key] = created.entity_id
    return CoreDevice(entry, device, entity_ids)


async def _run[T](hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: Awaitable[T]) -> T:
    """Run a step to its end, moving frozen time while it waits on request timers."""
    task = asyncio.ensure_future(step)
    for _ in range(5):
        await asyncio.sleep(0)
    waited = 0.0
    while not task.done():
        assert waited < 120, "the step never finished"
        await advance(hass, freezer, 0.1)
        waited += 0.1
    return task.result()


async def _take_over(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> ConfigFlowResult:
    """Start adding lifx_lan, choose the takeover in the menu, confirm it."""
    flows = hass.config_entries.flow
    result = await flows.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["take_over", "discover"]
    result = await flows.async_configure(result["flow_id"], {"next_step_id": "take_over"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "take_over"
    return await _run(hass, freezer, flows.async_configure(result["flow_id"], {}))


@pytest.fixture(autouse=True)
async def _unload_entries(hass: HomeAssistant) -> AsyncIterator[None]:
    """Unload what the takeover set up, so no poll or socket outlives a test."""
    yield
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)


async def test_takeover_keeps_entity_ids_devices_and_automations(
    hass: HomeAssistant,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    kitchen_fake = fleet.add("hev", SERIALS["hev"], label="Kitchen", power=0)
    porch_fake = fleet.add("infrared", SERIALS["infrared"], label="Porch", power=0, infrared=65535)
    fleet.add("strip", SERIALS["strip"], label="Shelf", power=65535)
    fleet.add("ceiling", SERIALS["ceiling"], label="Ceiling", power=65535)
    mirror_fake = fleet.add("mirror", SERIALS["mirror"], label="Mirror", power=65535)
    buttons = ["identify", "restart"]
    kitchen = _register_core(
        hass,
        SERIALS["hev"],
        "Kitchen",
        ["", "hev_cycle_state", "rssi", *buttons],
        release="2025.4",
    )
    porch = _register_core(
        hass,
        SERIALS["infrared"],
        "Porch",
        ["", "infrared_brightness", "rssi", *buttons],
        release="2025.4",
    )
    shelf = _register_core(
        hass, SERIALS["strip"], "Shelf", ["", "theme", "rssi", *buttons], release="2025.4"
    )
    ceiling = _register_core(
        hass,
        SERIALS["ceiling"],
        "Ceiling",
        ["", "uplight", "downlight", "theme", "rssi", *buttons],
        release="2026.11",
    )
    mirror = _register_core(
        hass, SERIALS["mirror"], "Mirror", ["", "front", "back", *buttons], release="2026.11"
    )
    # What the user made of them: names, icons, areas, hidden and enabled entities.
    area = ar.async_get(hass).async_create("Kitchen area")
    device_registry.async_update_device(
        kitchen.device.id, area_id=area.id, name_by_user="Kitchen lights"
    )
    lamp = kitchen.entity_ids[""]
    entity_registry.async_update_entity(lamp, name="Kitchen lamp", icon="mdi:lamp")
    entity_registry.async_update_entity(
        kitchen.entity_ids["restart"], hidden_by=er.RegistryEntryHider.USER
    )
    entity_registry.async_update_entity(ceiling.entity_ids["uplight"], disabled_by=None)
    entity_registry.async_update_entity(mirror.entity_ids["back"], disabled_by=None)
    before = {
        entity_id: entity_registry.async_get(entity_id) for entity_id in kitchen.entity_ids.values()
    }
    mirror_back = mirror.entity_ids["back"]
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": "Lights on",
                "triggers": [{"trigger": "event", "event_type": "lights_on"}],
                "actions": [
                    {"action": "light.turn_on", "target": {"entity_id": lamp}},
                    {"action": "light.turn_on", "target": {"device_id": porch.device.id}},
                    {"action": "light.turn_off", "target": {"entity_id": mirror_back}},
                ],
            }
        },
    )

    result = await _take_over(hass, freezer)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "takeover_successful", result["description_placeholders"]
    assert result["description_placeholders"]["count"] == "5"
    assert result["description_placeholders"]["left"] == "-"  # nothing stays with core
    assert hass.config_entries.async_entries(CORE) == []
    ours = {entry.unique_id: entry for entry in hass.config_entries.async_entries(DOMAIN)}
    assert set(ours) == {
        SERIALS[kind] for kind in ("hev", "infrared", "strip", "ceiling", "mirror")
    }
    assert all(entry.state is ConfigEntryState.LOADED for entry in ours.values())

    expected_keys = {
        "": "light",
        "hev_cycle_state": "hev_cleaning",
        "infrared_brightness": "infrared_brightness",
        "theme": "theme",
        "rssi": "rssi",
        "uplight": "uplight",
        "downlight": "downlight",
        "front": "front",
        "back": "back",
        "identify": "identify",
        "restart": "restart",
    }
    for core, kind in (
        (kitchen, "hev"),
        (porch, "infrared"),
        (shelf, "strip"),
        (ceiling, "ceiling"),
        (mirror, "mirror"),
    ):
        serial = SERIALS[kind]
        device = device_registry.async_get(core.device.id)
        assert device is not None
        assert device.config_entries == {ours[serial].entry_id}
        assert device.identifiers == {(DOMAIN, serial)}
        for key, entity_id in core.entity_ids.items():
            moved = entity_registry.async_get(entity_id)
            assert moved is not None
            assert moved.platform == DOMAIN
            assert moved.unique_id == f"{serial}_{expected_keys[key]}"
            assert moved.config_entry_id == ours[serial].entry_id
            assert moved.device_id == core.device.id
    # What the user set stays: registry entry, name, icon, hidden, disabled, area.
    for entity_id, old in before.items():
        assert entity_registry.async_get(entity_id).id == old.id
    moved_lamp = entity_registry.async_get(lamp)
    assert (moved_lamp.name, moved_lamp.icon) == ("Kitchen lamp", "mdi:lamp")
    assert (
        entity_registry.async_get(kitchen.entity_ids["restart"]).hidden_by
        is er.RegistryEntryHider.USER
    )
    assert (
        entity_registry.async_get(kitchen.entity_ids["rssi"]).disabled_by
        is er.RegistryEntryDisabler.INTEGRATION
    )
    assert entity_registry.async_get(ceiling.entity_ids["downlight"]).disabled
    assert entity_registry.async_get(mirror.entity_ids["front"]).disabled
    kitchen_device = device_registry.async_get(kitchen.device.id)
    assert (kitchen_device.area_id, kitchen_device.name_by_user) == (area.id, "Kitchen lights")

    # The states come from the devices, through lifx_lan.
    assert hass.states.get(lamp).state == STATE_OFF
    assert hass.states.get(lamp).attributes["friendly_name"] == "Kitchen lamp"
    assert hass.states.get(kitchen.entity_ids["hev_cycle_state"]).state == STATE_OFF
    assert hass.states.get(porch.entity_ids["infrared_brightness"]).state == "high"
    assert hass.states.get(shelf.entity_ids[""]).state == STATE_ON
    assert hass.states.get(shelf.entity_ids["theme"]).state == STATE_UNKNOWN
    assert hass.states.get(ceiling.entity_ids["uplight"]).state == STATE_ON
    assert hass.states.get(ceiling.entity_ids["rssi"]) is None
    assert hass.states.get(mirror_back).state == STATE_ON

    # The automation written for core's entities and device reaches the devices.
    hass.bus.async_fire("lights_on")
    await _run(hass, freezer, hass.async_block_till_done())

    assert kitchen_fake.power == 65535
    assert porch_fake.power == 65535
    assert hass.states.get(lamp).state == STATE_ON
    # The Mirror's back ring went dark through lifx_lan; its front ring keeps it on.
    back_cells = [y * 4 + x for y in range(13) for x in (2, 3) if (x, y) != (3, 0)]
    assert all(mirror_fake.tile_colors[0][i].brightness == 0 for i in back_cells)
    assert mirror_fake.power == 65535
    assert hass.states.get(mirror_back).state == STATE_OFF


@pytest.mark.parametrize("release", ["2025.4", "2026.11"])
async def test_takeover_moves_a_mirrors_rings_under_either_serial_form(
    hass: HomeAssistant,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    release: str,
) -> None:
    """Core's Mirror lights, colon-separated (before core's serial migration) or raw."""
    serial = SERIALS["mirror"]
    fake = fleet.add("mirror", serial, label="Hall mirror", power=65535)
    mirror = _register_core(hass, serial, "Hall mirror", ["", "front", "back"], release=release)
    for key in ("front", "back"):
        entity_registry.async_update_entity(mirror.entity_ids[key], disabled_by=None)

    result = await _take_over(hass, freezer)

    assert result["reason"] == "takeover_successful", result["description_placeholders"]
    assert hass.config_entries.async_entries(CORE) == []
    for key, ours in (("", "light"), ("front", "front"), ("back", "back")):
        moved = entity_registry.async_get(mirror.entity_ids[key])
        assert (moved.platform, moved.unique_id) == (DOMAIN, f"{serial}_{ours}")
    front = mirror.entity_ids["front"]
    await _run(
        hass,
        freezer,
        hass.services.async_call("light", "turn_off", {"entity_id": front}, blocking=True),
    )
    front_cells = [y * 4 + x for y in range(13) for x in (0, 1) if (x, y) != (1, 0)]
    assert all(fake.tile_colors[0][i].brightness == 0 for i in front_cells)
    assert hass.states.get(front).state == STATE_OFF
    assert hass.states.get(mirror.entity_ids["back"]).state == STATE_ON


def _registries(hass: HomeAssistant, core: CoreDevice) -> tuple[object, ...]:
    """Everything of a core device the registries hold that a takeover may touch."""
    entities = er.async_get(hass)
    device = dr.async_get(hass).async_get(core.device.id)
    assert device is not None
    return (
        tuple(
            (
                (e := entities.async_get(entity_id)) is not None and e.id,
                e and (e.platform, e.unique_id, e.config_entry_id, e.device_id),
                e and (e.name, e.icon, e.area_id, e.disabled_by, e.hidden_by),
                e and (e.original_name, e.translation_key, e.entity_category, e.capabilities),
            )
            for entity_id in core.entity_ids.values()
        ),
        (device.identifiers, device.connections, device.config_entries),
        (device.area_id, device.name, device.name_by_user, device.model, device.sw_version),
    )


async def test_takeover_that_hits_a_taken_unique_id_restores_the_core_entry(
    hass: HomeAssistant,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    serial = SERIALS["strip"]
    fleet.add("strip", serial, label="Shelf", power=65535)
    shelf = _register_core(
        hass, serial, "Shelf", ["", "theme", "rssi", "identify", "restart"], release="2025.4"
    )
    entity_registry.async_update_entity(shelf.entity_ids[""], name="Shelf strip")
    # A leftover lifx_lan entity holds the unique id the theme select would take: the
    # registry refuses the move after the light has moved already.
    entity_registry.async_get_or_create("select", DOMAIN, f"{serial}_theme")
    before = _registries(hass, shelf)

    result = await _take_over(hass, freezer)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "takeover_failed"
    assert result["description_placeholders"]["name"] == "Shelf"
    assert f"{serial}_theme" in result["description_placeholders"]["error"]
    assert hass.config_entries.async_entries(CORE) == [shelf.entry]
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert _registries(hass, shelf) == before


async def test_takeover_of_a_device_lifx_lan_cannot_set_up_restores_the_core_entry(
    hass: HomeAssistant,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    serial = SERIALS["ceiling"]
    fake = fleet.add("ceiling", serial, label="Ceiling", power=65535)
    ceiling = _register_core(
        hass,
        serial,
        "Ceiling",
        ["", "uplight", "downlight", "theme", "rssi", "identify", "restart"],
        release="2026.11",
    )
    area = ar.async_get(hass).async_create("Bedroom")
    device_registry.async_update_device(ceiling.device.id, area_id=area.id)
    entity_registry.async_update_entity(ceiling.entity_ids["uplight"], disabled_by=None)
    before = _registries(hass, ceiling)
    # The Ceiling answers discovery, and nothing else: lifx_lan's entry gets created and
    # then cannot set up.
    fleet.faults.append(
        lambda device, pkt_type, is_reply: (
            device is fake and not is_reply and pkt_type != m.DeviceGetService.pkt_type
        )
    )

    result = await _take_over(hass, freezer)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "takeover_setup_failed"
    assert result["description_placeholders"]["name"] == "Ceiling"
    assert hass.config_entries.async_entries(CORE) == [ceiling.entry]
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert _registries(hass, ceiling) == before

    # Restored completely: once the Ceiling answers, the takeover goes through.
    fleet.faults.clear()
    result = await _take_over(hass, freezer)

    assert result["reason"] == "takeover_successful"
    assert hass.config_entries.async_entries(CORE) == []
    assert hass.states.get(ceiling.entity_ids["uplight"]).state == STATE_ON
    assert device_registry.async_get(ceiling.device.id).area_id == area.id


async def test_takeover_of_a_device_that_does_not_answer_changes_nothing(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    serial = SERIALS["color_bulb"]
    fleet.add("color_bulb", serial, label="Desk", online=False)
    desk = _register_core(hass, serial, "Desk", ["", "identify", "restart"], release="2025.4")
    before = _registries(hass, desk)

    result = await _take_over(hass, freezer)

    assert result["reason"] == "takeover_not_answering"
    assert result["description_placeholders"]["host"] == "127.0.0.1"
    assert hass.config_entries.async_entries(CORE) == [desk.entry]
    assert _registries(hass, desk) == before


async def test_takeover_of_a_disabled_core_entry_leaves_it_disabled(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    serial = SERIALS["color_bulb"]
    fleet.add("color_bulb", serial, label="Attic")
    attic = _register_core(hass, serial, "Attic", ["", "identify"], release="2026.11")
    await hass.config_entries.async_set_disabled_by(attic.entry.entry_id, ConfigEntryDisabler.USER)
    await hass.async_block_till_done()
    light = er.async_get(hass).async_get(attic.entity_ids[""])
    assert light is not None
    assert light.disabled_by is er.RegistryEntryDisabler.CONFIG_ENTRY

    result = await _take_over(hass, freezer)

    assert result["reason"] == "takeover_successful", result["description_placeholders"]
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    assert entry.disabled_by is ConfigEntryDisabler.USER
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not hass.config_entries.async_entries(CORE)
    moved = er.async_get(hass).async_get(attic.entity_ids[""])
    assert moved is not None
    assert (moved.platform, moved.disabled_by) == (DOMAIN, er.RegistryEntryDisabler.CONFIG_ENTRY)

    # Enabled again, it runs the light under the id the user knew.
    await hass.config_entries.async_set_disabled_by(entry.entry_id, None)
    await _run(hass, freezer, hass.async_block_till_done())
    assert entry.state is ConfigEntryState.LOADED
    state = hass.states.get(attic.entity_ids[""])
    assert state is not None
    assert state.state == "off"


async def test_menu_leads_to_the_scan_as_well(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", SERIALS["color_bulb"], label="Desk")
    _register_core(hass, SERIALS["white_bulb"], "Hall", [""], release="2025.4")
    flows = hass.config_entries.flow
    menu = await flows.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert menu["description_placeholders"]["count"] == "1"

    result = await _run(
        hass, freezer, flows.async_configure(menu["flow_id"], {"next_step_id": "discover"})
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["description_placeholders"] == {"count": "1"}


async def test_no_core_entries_no_takeover_menu(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", SERIALS["color_bulb"], label="Desk")

    result = await _run(
        hass, freezer, hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"


async def test_repair_offers_and_runs_the_takeover_once_lifx_lan_runs(
    hass: HomeAssistant,
    fleet: FakeFleet,
    add_device: AddDevice,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    # Someone who added lifx_lan by discovery never saw the config flow's menu.
    fleet.add("hev", SERIALS["hev"], label="Kitchen", power=65535)
    kitchen = _register_core(
        hass, SERIALS["hev"], "Kitchen", ["", "hev_cycle_state"], release="2026.11"
    )
    # And ignored LIFX LAN's discovery of it, while the LIFX integration ran it.
    MockConfigEntry(domain=DOMAIN, unique_id=SERIALS["hev"], source=SOURCE_IGNORE).add_to_hass(hass)
    await add_device("color_bulb")
    issues = ir.async_get(hass)
    issue = issues.async_get_issue(DOMAIN, "core_lifx_entries")
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders["count"] == "1"
    assert await async_setup_component(hass, "repairs", {})
    flows = repairs_flow_manager(hass)
    assert flows is not None

    result = await flows.async_init(DOMAIN, data={"issue_id": "core_lifx_entries"})
    assert result["type"] is FlowResultType.FORM
    assert result["description_placeholders"]["devices"] == "- Kitchen"
    result = await _run(hass, freezer, flows.async_configure(result["flow_id"], {}))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert issues.async_get_issue(DOMAIN, "core_lifx_entries") is None
    assert hass.config_entries.async_entries(CORE) == []
    (taken,) = [
        e for e in hass.config_entries.async_entries(DOMAIN) if e.unique_id == SERIALS["hev"]
    ]
    assert taken.source == "core_entry"
    lamp = entity_registry.async_get(kitchen.entity_ids[""])
    assert (lamp.platform, lamp.unique_id) == (DOMAIN, f"{SERIALS['hev']}_light")
    assert hass.states.get(kitchen.entity_ids[""]).state == STATE_ON


async def test_repair_goes_when_the_core_entries_go(
    hass: HomeAssistant, fleet: FakeFleet, add_device: AddDevice
) -> None:
    desk = _register_core(hass, SERIALS["white_bulb"], "Desk", [""], release="2025.4")
    await add_device("color_bulb")
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, "core_lifx_entries") is not None

    await hass.config_entries.async_remove(desk.entry.entry_id)

    assert issues.async_get_issue(DOMAIN, "core_lifx_entries") is None


async def test_takeover_that_fails_loads_the_core_entry_again(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    # Core's real integration reaches devices only on port 56700, which the fake fleet
    # does not take: here core is stood in for as Home Assistant's own tests do.
    setups: list[str] = []

    async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        setups.append(entry.entry_id)
        return True

    async def unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        return True

    mock_integration(
        hass, MockModule(CORE, async_setup_entry=setup_entry, async_unload_entry=unload_entry)
    )
    mock_platform(hass, f"{CORE}.config_flow", None)
    serial = SERIALS["color_bulb"]
    fake = fleet.add("color_bulb", serial, label="Desk")
    desk = _register_core(hass, serial, "Desk", ["", "identify", "restart"], release="2025.4")
    assert await hass.config_entries.async_setup(desk.entry.entry_id)
    before = _registries(hass, desk)
    fleet.faults.append(
        lambda device, pkt_type, is_reply: (
            device is fake and not is_reply and pkt_type != m.DeviceGetService.pkt_type
        )
    )

    result = await _take_over(hass, freezer)

    assert result["reason"] == "takeover_setup_failed"
    assert desk.entry.state is ConfigEntryState.LOADED
    assert setups == [desk.entry.entry_id] * 2
    assert _registries(hass, desk) == before
