"""LIFX scenes: captured whole, restored zone for zone and cell for cell, kept across restarts."""

from __future__ import annotations

import asyncio
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_PORT, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest

from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.protocol import LightHsbk, messages as m
from custom_components.lifx_lan.scene import SCENES_KEY, STORAGE_KEY
from devtools.fake_lifx import FakeDevice, FakeFleet
from tests.integration.conftest import AddDevice, advance

ON = 65535
# A 120-zone gradient: every zone its own hue and brightness
GRADIENT = [LightHsbk(i * 546, ON, 20000 + i * 300, 3500) for i in range(120)]
# A picture on five 8x8 tiles: every cell of every tile different
PICTURE = [
    [LightHsbk((t * 64 + c) * 200, 50000, 30000 + c * 100, 4000) for c in range(64)]
    for t in range(5)
]
# A 16x8 Ceiling: a blue downlight (127 cells) under a red uplight ring (the last cell)
DOWNLIGHT = LightHsbk(43690, ON, 40000, 3500)
UPLIGHT = LightHsbk(0, ON, ON, 3500)
CEILING = [DOWNLIGHT] * 127 + [UPLIGHT]
LIGHTS = ["light.extended_strip", "light.tile", "light.ceiling"]


async def _call(hass: HomeAssistant, domain: str, service: str, **data: Any) -> None:
    await hass.services.async_call(domain, service, data, blocking=True)


async def _three_devices(add_device: AddDevice) -> tuple[FakeDevice, FakeDevice, FakeDevice]:
    """A gradient strip, a tile picture and a Ceiling lit in two colours, all on."""
    _, strip = await add_device("extended_strip")
    _, tile = await add_device("tile")
    _, ceiling = await add_device("ceiling")
    strip.zones = list(GRADIENT)
    tile.tile_colors = [list(frame) for frame in PICTURE]
    ceiling.tile_colors = [list(CEILING)]
    for device in (strip, tile, ceiling):
        device.power = ON
    return strip, tile, ceiling


async def _overwrite(hass: HomeAssistant) -> None:
    """Paint over everything, then switch the Ceiling off."""
    await _call(hass, DOMAIN, "set_state", entity_id=LIGHTS, hs_color=[120, 100], brightness_pct=10)
    await _call(hass, "light", "turn_off", entity_id="light.ceiling")


def _assert_restored(strip: FakeDevice, tile: FakeDevice, ceiling: FakeDevice) -> None:
    assert strip.zones == GRADIENT
    assert tile.tile_colors == PICTURE
    assert ceiling.tile_colors == [CEILING]
    assert (strip.power, tile.power, ceiling.power) == (ON, ON, ON)


def _sets(device: FakeDevice, packet: type[m.Packet]) -> list[Any]:
    return [packet.unpack(r.payload) for r in device.received if r.pkt_type == packet.pkt_type]


async def test_a_scene_brings_back_every_zone_tile_cell_uplight_and_downlight(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    strip, tile, ceiling = await _three_devices(add_device)
    # The devices were painted behind Home Assistant's back: the capture polls them first.
    await _call(hass, DOMAIN, "create_scene", name="Movie night", entity_id=LIGHTS)
    await _overwrite(hass)
    assert strip.zones != GRADIENT
    assert tile.tile_colors != PICTURE
    assert ceiling.power == 0

    await _call(hass, "scene", "turn_on", entity_id="scene.movie_night", transition=2)

    _assert_restored(strip, tile, ceiling)
    # Lit devices fade to the scene; the Ceiling, off, takes its colours at once and fades in.
    assert _sets(strip, m.MultiZoneExtendedSetColorZones)[-1].duration == 2000
    assert {p.duration for p in _sets(tile, m.TileSet64)[-5:]} == {2000}
    assert _sets(ceiling, m.TileSet64)[-1].duration == 0
    assert _sets(ceiling, m.LightSetPower)[-1].duration == 2000
    assert hass.states.get("light.ceiling").state == "on"
    assert hass.states.get("scene.movie_night").attributes["serials"] == [
        strip.serial,
        tile.serial,
        ceiling.serial,
    ]


async def test_every_packet_of_a_scene_leaves_before_any_acknowledgement(
    hass: HomeAssistant, add_device: AddDevice, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    strip, tile, ceiling = await _three_devices(add_device)
    await _call(hass, DOMAIN, "create_scene", name="Movie night", entity_id=LIGHTS)
    await _call(hass, DOMAIN, "set_state", entity_id=LIGHTS, hs_color=[120, 100])
    for device in (strip, tile, ceiling):
        device.received.clear()
    # Every device answers a fifth of a second late, as over a slow Wi-Fi link.
    fleet.reply_delay = 0.2
    replies = fleet.sent_replies
    call = hass.async_create_task(
        _call(hass, "scene", "turn_on", entity_id="scene.movie_night"), eager_start=True
    )
    # Frozen time: the late replies stay queued; the loop only delivers the datagrams.
    for _ in range(50):
        await asyncio.sleep(0)

    # Nothing was answered yet, and yet every zone and cell packet of all three is out.
    assert fleet.sent_replies == replies
    assert len(_sets(strip, m.MultiZoneExtendedSetColorZones)) == 2
    assert len(_sets(tile, m.TileSet64)) == 5
    assert len(_sets(ceiling, m.TileSet64)) == 2
    await advance(hass, freezer, 1)
    await call
    _assert_restored(strip, tile, ceiling)


async def test_a_scene_brings_back_running_effects_with_their_parameters(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip", power=ON)
    _, tile = await add_device("tile", power=ON)
    move = m.MultiZoneEffectSettings(
        instanceid=7,
        type=m.MultiZoneEffectType.MOVE,
        speed=4500,
        duration=0,
        parameter=m.MultiZoneEffectParameter(parameter1=1),
    )
    palette = (LightHsbk(0, ON, ON, 3500), LightHsbk(21845, ON, ON, 3500))
    morph = m.TileEffectSettings(
        instanceid=8,
        type=m.TileEffectType.MORPH,
        speed=7000,
        duration=60_000_000_000,
        palette_count=2,
        palette=palette,
    )
    strip.multizone_effect, tile.tile_effect = move, morph
    await _call(hass, DOMAIN, "create_scene", name="Party", entity_id=LIGHTS[:2])
    await _call(hass, DOMAIN, "effect_stop", entity_id=LIGHTS[:2])
    assert strip.multizone_effect.type == m.MultiZoneEffectType.OFF

    await _call(hass, "scene", "turn_on", entity_id="scene.party")

    assert strip.multizone_effect.type == m.MultiZoneEffectType.MOVE
    assert strip.multizone_effect.speed == 4500
    assert strip.multizone_effect.parameter.parameter1 == 1
    assert tile.tile_effect.type == m.TileEffectType.MORPH
    assert (tile.tile_effect.speed, tile.tile_effect.duration) == (7000, 60_000_000_000)
    assert tile.tile_effect.palette[: tile.tile_effect.palette_count] == palette
    assert hass.states.get("light.tile").attributes["effect"] == "morph"


async def test_a_scene_without_an_effect_stops_the_one_running(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip", power=ON)
    strip.zones = list(GRADIENT)
    await _call(hass, DOMAIN, "create_scene", name="Still", entity_id=LIGHTS[0])
    await _call(hass, DOMAIN, "effect_move", entity_id=LIGHTS[0])
    assert strip.multizone_effect.type == m.MultiZoneEffectType.MOVE

    await _call(hass, "scene", "turn_on", entity_id="scene.still")

    assert strip.multizone_effect.type == m.MultiZoneEffectType.OFF
    assert strip.zones == GRADIENT


async def test_a_bulb_scene_keeps_power_colour_and_infrared(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, bulb = await add_device("color_bulb", power=ON, color=LightHsbk(30000, 40000, 50000, 3500))
    _, night = await add_device("infrared", power=0, infrared=30000)
    await _call(
        hass,
        DOMAIN,
        "create_scene",
        name="Evening",
        entity_id=["light.color_bulb", "light.infrared"],
    )
    await _call(hass, DOMAIN, "set_state", entity_id="light.color_bulb", kelvin=6500, power=False)
    await _call(hass, DOMAIN, "set_state", entity_id="light.infrared", power=True)
    night.infrared = 0

    await _call(hass, "scene", "turn_on", entity_id="scene.evening")

    assert (bulb.power, bulb.color) == (ON, LightHsbk(30000, 40000, 50000, 3500))
    assert (night.power, night.infrared) == (0, 30000)


async def test_a_legacy_strip_scene_brings_back_its_zones(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("strip", power=ON)
    # Runs of equal zones, as legacy strips are painted: three runs and single zones.
    zones = [LightHsbk(0, ON, ON, 3500)] * 5 + [
        LightHsbk(i * 4000, ON, 9000, 3500) for i in range(11)
    ]
    strip.zones = list(zones)
    await _call(hass, DOMAIN, "create_scene", name="Legacy", entity_id="light.strip")
    await _call(hass, DOMAIN, "set_state", entity_id="light.strip", hs_color=[200, 50])

    await _call(hass, "scene", "turn_on", entity_id="scene.legacy")

    assert strip.zones == zones


async def test_an_effect_from_newer_firmware_is_restored_as_no_effect(
    hass: HomeAssistant, add_device: AddDevice, hass_storage: dict[str, Any]
) -> None:
    serial = "d073d5000005"
    effect = {"kind": 9, "speed_ms": 3000, "duration_ns": 0, "parameters": [7], "palette": []}
    device = {"serial": serial, "label": "Tile", "power": True, "effect": effect}
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "key": STORAGE_KEY,
        "data": {"scenes": {"future": {"name": "Future", "devices": [device]}}},
    }
    _, tile = await add_device("tile", power=ON)
    await _call(hass, DOMAIN, "effect_morph", entity_id="light.tile")

    await _call(hass, "scene", "turn_on", entity_id="scene.future")

    assert tile.tile_effect.type == m.TileEffectType.OFF
    # Its first parameter, a sky type 7 no firmware we know has, falls back to sunrise.
    assert tile.tile_effect.parameter.parameter0 == 0


async def test_scenes_survive_a_restart_and_a_device_at_a_new_address(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    hass_storage: dict[str, Any],
) -> None:
    strip, tile, ceiling = await _three_devices(add_device)
    await _call(hass, DOMAIN, "create_scene", name="Movie night", entity_id=LIGHTS)
    stored = hass_storage[STORAGE_KEY]["data"]["scenes"]["movie_night"]
    # Devices are kept by serial, not by address.
    assert [device["serial"] for device in stored["devices"]] == [
        strip.serial,
        tile.serial,
        ceiling.serial,
    ]
    assert "127.0.0.1" not in str(stored)
    entries = hass.config_entries.async_entries(DOMAIN)
    for entry in entries:
        await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    # Nothing of the scenes outlives the last entry; the scene shows unavailable meanwhile.
    assert SCENES_KEY not in hass.data
    assert hass.states.get("scene.movie_night").state == STATE_UNAVAILABLE
    # DHCP gives the strip a new address while Home Assistant is down.
    elsewhere = await FakeFleet.start()
    try:
        elsewhere.devices[strip.target] = fleet.devices.pop(strip.target)
        strip_entry = next(e for e in entries if e.unique_id == strip.serial)
        hass.config_entries.async_update_entry(
            strip_entry, data={**strip_entry.data, CONF_PORT: elsewhere.port}
        )
        for entry in entries:
            await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        await _overwrite(hass)

        await _call(hass, "scene", "turn_on", entity_id="scene.movie_night")

        _assert_restored(strip, tile, ceiling)
    finally:
        for entry in entries:
            await hass.config_entries.async_unload(entry.entry_id)
        elsewhere.close()


async def test_scenes_stored_before_a_start_are_offered(
    hass: HomeAssistant, add_device: AddDevice, hass_storage: dict[str, Any]
) -> None:
    serial = "d073d5000001"
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "key": STORAGE_KEY,
        "data": {
            "scenes": {
                "reading": {
                    "name": "Reading",
                    "devices": [
                        {
                            "serial": serial,
                            "label": "Desk",
                            "power": True,
                            "color": [0, 0, 30000, 2700],
                        }
                    ],
                },
                # A damaged scene is left out, not fatal.
                "broken": {"name": "Broken"},
            }
        },
    }
    _, bulb = await add_device("color_bulb", serial=serial)

    await _call(hass, "scene", "turn_on", entity_id="scene.reading")

    assert (bulb.power, bulb.color) == (ON, LightHsbk(0, 0, 30000, 2700))
    assert hass.states.get("scene.broken") is None


async def test_an_unavailable_device_is_named_and_the_others_are_restored(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    strip, tile, ceiling = await _three_devices(add_device)
    await _call(hass, DOMAIN, "create_scene", name="Movie night", entity_id=LIGHTS)
    await _overwrite(hass)
    tile.online = False
    await advance(hass, freezer, 30)
    assert hass.states.get("light.tile").state == STATE_UNAVAILABLE

    with pytest.raises(HomeAssistantError) as caught:
        await _call(hass, "scene", "turn_on", entity_id="scene.movie_night")

    assert caught.value.translation_key == "scene_partly_restored"
    assert caught.value.translation_placeholders["devices"] == f"Tile ({tile.serial})"
    assert "Tile (d073d5000005)" in str(caught.value)
    assert strip.zones == GRADIENT
    assert ceiling.tile_colors == [CEILING]
    assert ceiling.power == ON


async def test_a_device_that_stops_answering_during_the_restore_is_named(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    strip, tile, ceiling = await _three_devices(add_device)
    await _call(hass, DOMAIN, "create_scene", name="Movie night", entity_id=LIGHTS)
    await _overwrite(hass)
    strip.online = False
    call = hass.async_create_task(
        _call(hass, "scene", "turn_on", entity_id="scene.movie_night"), eager_start=True
    )
    await advance(hass, freezer, 6)

    with pytest.raises(HomeAssistantError) as caught:
        await call

    assert caught.value.translation_key == "scene_partly_restored"
    assert caught.value.translation_placeholders["devices"] == f"Extended Strip ({strip.serial})"
    assert tile.tile_colors == PICTURE
    assert ceiling.tile_colors == [CEILING]


async def test_the_scenes_stay_when_the_entry_showing_them_unloads(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    strip_entry, strip = await add_device("extended_strip", power=ON)
    _, bulb = await add_device("color_bulb", power=ON)
    await _call(
        hass,
        DOMAIN,
        "create_scene",
        name="Both",
        entity_id=["light.extended_strip", "light.color_bulb"],
    )
    registry = er.async_get(hass)
    scene_entry = registry.async_get("scene.both")
    assert scene_entry is not None
    assert scene_entry.config_entry_id == strip_entry.entry_id

    await hass.config_entries.async_unload(strip_entry.entry_id)
    await hass.async_block_till_done()
    await _call(hass, DOMAIN, "set_state", entity_id="light.color_bulb", power=False)

    # Shown by the bulb's entry now; the strip, not loaded, is named.
    moved = registry.async_get("scene.both")
    assert moved is not None
    assert moved.config_entry_id != strip_entry.entry_id
    with pytest.raises(HomeAssistantError) as caught:
        await _call(hass, "scene", "turn_on", entity_id="scene.both")
    assert caught.value.translation_placeholders["devices"] == f"Extended Strip ({strip.serial})"
    assert bulb.power == ON


async def test_update_scene_captures_again_and_delete_scene_forgets(
    hass: HomeAssistant, add_device: AddDevice, hass_storage: dict[str, Any]
) -> None:
    _, strip = await add_device("extended_strip", power=ON)
    await _call(hass, DOMAIN, "create_scene", name="Strip", entity_id=LIGHTS[0])
    strip.zones = list(GRADIENT)

    await _call(hass, DOMAIN, "update_scene", entity_id="scene.strip")
    await _call(hass, DOMAIN, "set_state", entity_id=LIGHTS[0], hs_color=[0, 0])
    await _call(hass, "scene", "turn_on", entity_id="scene.strip")

    assert strip.zones == GRADIENT

    await _call(hass, DOMAIN, "delete_scene", entity_id="scene.strip")

    assert hass.states.get("scene.strip") is None
    assert er.async_get(hass).async_get("scene.strip") is None
    assert hass_storage[STORAGE_KEY]["data"]["scenes"] == {}
    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, DOMAIN, "update_scene", entity_id="scene.strip")
    assert caught.value.translation_key == "no_lifx_scene"


async def test_update_scene_keeps_what_it_cannot_reach_and_says_so(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, strip = await add_device("extended_strip", power=ON)
    strip.zones = list(GRADIENT)
    _, bulb = await add_device("color_bulb", power=ON)
    await _call(
        hass,
        DOMAIN,
        "create_scene",
        name="Two",
        entity_id=["light.extended_strip", "light.color_bulb"],
    )
    strip.online = False
    await advance(hass, freezer, 30)
    bulb.color = LightHsbk(1000, 2000, 3000, 4000)

    with pytest.raises(HomeAssistantError) as caught:
        await _call(hass, DOMAIN, "update_scene", entity_id="scene.two")

    assert caught.value.translation_key == "scene_partly_updated"
    assert caught.value.translation_placeholders["devices"] == f"Extended Strip ({strip.serial})"
    strip.online = True
    await advance(hass, freezer, 30)
    strip.zones = [LightHsbk()] * 120
    bulb.color = LightHsbk()
    await _call(hass, "scene", "turn_on", entity_id="scene.two")
    # The bulb's new look was captured; the strip kept its old capture.
    assert bulb.color == LightHsbk(1000, 2000, 3000, 4000)
    assert strip.zones == GRADIENT


@pytest.mark.parametrize(
    ("name", "key"),
    [("Taken", "scene_exists"), ("taken", "scene_exists"), ("!!!", "scene_name_invalid")],
)
async def test_a_scene_name_taken_or_without_letters_is_refused_and_nothing_changes(
    hass: HomeAssistant,
    add_device: AddDevice,
    hass_storage: dict[str, Any],
    name: str,
    key: str,
) -> None:
    _, _bulb = await add_device("color_bulb", power=ON)
    await _call(hass, DOMAIN, "create_scene", name="Taken", entity_id="light.color_bulb")
    before = hass_storage[STORAGE_KEY]["data"]

    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, DOMAIN, "create_scene", name=name, entity_id="light.color_bulb")

    assert caught.value.translation_key == key
    assert name in str(caught.value)
    assert hass_storage[STORAGE_KEY]["data"] == before


async def test_a_scene_is_not_created_when_a_device_does_not_answer(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, _bulb = await add_device("color_bulb", power=ON)
    _, strip = await add_device("extended_strip", power=ON)
    strip.online = False
    call = hass.async_create_task(
        _call(
            hass, DOMAIN, "create_scene", name="Half", entity_id=[*LIGHTS[0:1], "light.color_bulb"]
        ),
        eager_start=True,
    )
    await advance(hass, freezer, 6)

    with pytest.raises(HomeAssistantError) as caught:
        await call

    assert caught.value.translation_key == "scene_devices_unavailable"
    assert caught.value.translation_placeholders["devices"] == f"Extended Strip ({strip.serial})"
    assert hass.states.get("scene.half") is None


async def test_scene_actions_without_a_loaded_entry_say_there_is_no_scene(
    hass: HomeAssistant,
) -> None:
    assert await async_setup_component(hass, DOMAIN, {})

    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, DOMAIN, "delete_scene", entity_id="scene.anything")

    assert caught.value.translation_key == "no_lifx_scene"
