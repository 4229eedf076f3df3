"""Zones, tiles, Ceiling parts, effects, waveforms, themes, set_state on groups and areas."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_EFFECT,
    ATTR_EFFECT_LIST,
    ATTR_HS_COLOR,
    ATTR_TRANSITION,
    DOMAIN as LIGHT_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.components.select import ATTR_OPTION, SERVICE_SELECT_OPTION
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.setup import async_setup_component
import pytest

from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.protocol import make_hsbk, messages as m
from custom_components.lifx_lan.themes import gradient, palette
from tests.integration.conftest import AddDevice, advance


async def light(hass: HomeAssistant, service: str, entity: str, **data: object) -> None:
    await hass.services.async_call(
        LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: entity, **data}, blocking=True
    )


async def action(hass: HomeAssistant, service: str, **data: object) -> None:
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


@pytest.mark.parametrize("kind", ["strip", "extended_strip"])
async def test_brightness_alone_keeps_the_zone_pattern(
    hass: HomeAssistant, add_device: AddDevice, kind: str
) -> None:
    _, fake = await add_device(kind, power=65535)
    before = list(fake.zones)
    await light(hass, SERVICE_TURN_ON, f"light.{kind}", **{ATTR_BRIGHTNESS: 128})
    assert [z.hue for z in fake.zones] == [z.hue for z in before]
    assert all(abs(z.brightness - 128 / 255 * 65535) < 300 for z in fake.zones)
    assert len(fake.zones) == len(before)
    # A colour, on the other hand, sets every zone.
    await light(hass, SERVICE_TURN_ON, f"light.{kind}", **{ATTR_HS_COLOR: (240, 100)})
    assert len(set(fake.zones)) == 1


async def test_brightness_alone_keeps_the_tile_scene(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("tile", power=65535)
    before = [list(tile) for tile in fake.tile_colors]
    await light(hass, SERVICE_TURN_ON, "light.tile", **{ATTR_BRIGHTNESS: 64})
    for tile, old in zip(fake.tile_colors, before, strict=True):
        assert [c.hue for c in tile] == [c.hue for c in old]
        assert all(abs(c.brightness - 64 / 255 * 65535) < 300 for c in tile)


async def test_ceiling_parts_are_driven_independently(
    hass: HomeAssistant, add_device: AddDevice, entity_registry: er.EntityRegistry
) -> None:
    _, fake = await add_device("ceiling", power=65535)
    for part in ("uplight", "downlight"):
        entity_id = f"light.ceiling_{part}"
        assert (
            entity_registry.async_get(entity_id).disabled_by is er.RegistryEntryDisabler.INTEGRATION
        )
        entity_registry.async_update_entity(entity_id, disabled_by=None)
    await hass.config_entries.async_reload(hass.config_entries.async_entries(DOMAIN)[0].entry_id)
    await hass.async_block_till_done()
    downlight_before = list(fake.tile_colors[0][:127])
    await light(hass, SERVICE_TURN_OFF, "light.ceiling_uplight")
    assert fake.tile_colors[0][127].brightness == 0
    assert fake.tile_colors[0][:127] == downlight_before  # never touched, never flashed
    assert fake.power == 65535
    assert hass.states.get("light.ceiling_uplight").state == STATE_OFF
    assert hass.states.get("light.ceiling_downlight").state == STATE_ON
    await light(hass, SERVICE_TURN_OFF, "light.ceiling_downlight")
    assert fake.power == 0
    # The uplight alone comes on: the downlight zones are dark before power returns.
    await light(hass, SERVICE_TURN_ON, "light.ceiling_uplight", **{ATTR_HS_COLOR: (30, 100)})
    assert fake.power == 65535
    assert fake.tile_colors[0][127].hue == make_hsbk(hue=30).hue
    assert all(c.brightness == 0 for c in fake.tile_colors[0][:127])
    assert hass.states.get("light.ceiling_downlight").state == STATE_OFF
    assert hass.states.get("light.ceiling_uplight").state == STATE_ON


async def test_effects_from_the_light_and_actions(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip", power=65535)
    _, tile = await add_device("tile", power=65535)
    assert hass.states.get("light.extended_strip").attributes[ATTR_EFFECT_LIST] == [
        "off",
        "move",
        "colorloop",
        "pulse",
    ]
    assert "sky_clouds" in hass.states.get("light.tile").attributes[ATTR_EFFECT_LIST]
    await light(hass, SERVICE_TURN_ON, "light.extended_strip", **{ATTR_EFFECT: "move"})
    assert strip.multizone_effect.type == m.MultiZoneEffectType.MOVE
    assert hass.states.get("light.extended_strip").attributes[ATTR_EFFECT] == "move"
    await action(hass, "effect_move", entity_id="light.extended_strip", speed=2, direction="left")
    assert strip.multizone_effect.speed == 2000
    assert strip.multizone_effect.parameter.parameter1 == 1
    await action(hass, "effect_morph", entity_id="light.tile", theme="ocean", speed=5)
    assert tile.tile_effect.type == m.TileEffectType.MORPH
    assert list(tile.tile_effect.palette[: tile.tile_effect.palette_count]) == palette("ocean")
    await action(
        hass, "effect_sky", entity_id="light.tile", sky_type="clouds", cloud_saturation_max=200
    )
    assert tile.tile_effect.type == m.TileEffectType.SKY
    assert tile.tile_effect.parameter.parameter0 == m.TileEffectSkyType.CLOUDS
    assert tile.tile_effect.parameter.parameter2 == 200
    await action(hass, "effect_flame", entity_id="light.tile")
    assert tile.tile_effect.type == m.TileEffectType.FLAME
    await action(hass, "effect_stop", entity_id=["light.tile", "light.extended_strip"])
    assert tile.tile_effect.type == m.TileEffectType.OFF
    assert strip.multizone_effect.type == m.MultiZoneEffectType.OFF
    assert hass.states.get("light.tile").attributes[ATTR_EFFECT] == "off"


async def test_effect_a_device_cannot_run_is_refused(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    await add_device("color_bulb")
    with pytest.raises(ServiceValidationError) as caught:
        await action(hass, "effect_flame", entity_id="light.color_bulb")
    assert caught.value.translation_key == "effect_unsupported"


async def test_effect_one_of_the_devices_cannot_run_starts_on_none(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    await add_device("color_bulb")
    _, tile = await add_device("tile", power=65535)
    received = len(tile.received)
    with pytest.raises(ServiceValidationError) as caught:
        await action(hass, "effect_flame", entity_id=["light.tile", "light.color_bulb"])
    assert caught.value.translation_key == "effect_unsupported"
    assert len(tile.received) == received


async def test_set_zones_paints_a_range_or_a_list(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("extended_strip", power=65535)
    untouched = fake.zones[0]
    await action(
        hass, "set_zones", entity_id="light.extended_strip", start=10, end=99,
        hs_color=[120, 100], brightness_pct=50,
    )  # fmt: skip
    green = make_hsbk(hue=120, saturation=1, brightness=0.5, kelvin=fake.zones[10].kelvin)
    assert fake.zones[10:100] == [green] * 90
    assert fake.zones[0] == untouched
    await action(
        hass, "set_zones", entity_id="light.extended_strip", start=0,
        colors=[{"hs_color": [0, 100]}, {"kelvin": 2700, "brightness_pct": 100}],
    )  # fmt: skip
    assert fake.zones[0].hue == 0
    assert fake.zones[0].saturation == 65535
    assert fake.zones[1].kelvin == 2700
    assert fake.zones[1].saturation == 0


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("set_zones", {"start": 0, "hs_color": [400, 100]}, "out_of_range"),
        ("set_zones", {"start": 50, "end": 10}, "zone_range"),
        ("set_state", {"brightness_pct": 150}, "out_of_range"),
        ("set_state", {"kelvin": 20000}, "out_of_range"),
        ("pulse", {"period": 0}, "out_of_range"),
        ("breathe", {"skew_ratio": 2}, "out_of_range"),
        ("effect_sky", {"cloud_saturation_min": 999}, "out_of_range"),
    ],
)
async def test_out_of_range_fields_raise_a_translated_validation_error(
    hass: HomeAssistant, add_device: AddDevice, service: str, data: dict, key: str
) -> None:
    _, fake = await add_device("extended_strip", power=65535)
    before = list(fake.zones)
    with pytest.raises(ServiceValidationError) as caught:
        await action(hass, service, entity_id="light.extended_strip", **data)
    assert caught.value.translation_key == key
    assert fake.zones == before


async def test_set_zones_on_a_bulb_and_actions_without_lifx_targets_are_refused(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    await add_device("color_bulb")
    with pytest.raises(ServiceValidationError) as caught:
        await action(hass, "set_zones", entity_id="light.color_bulb", hs_color=[0, 0])
    assert caught.value.translation_key == "not_multizone"
    with pytest.raises(ServiceValidationError) as caught:
        await action(hass, "set_state", entity_id="light.nothing_here", power=True)
    assert caught.value.translation_key == "no_lifx_targets"


@pytest.mark.parametrize(
    ("service", "waveform"), [("pulse", m.LightWaveform.PULSE), ("breathe", m.LightWaveform.SINE)]
)
async def test_waveforms_set_only_the_components_asked(
    hass: HomeAssistant, add_device: AddDevice, service: str, waveform: m.LightWaveform
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    await action(
        hass, service, entity_id="light.color_bulb", hs_color=[0, 100], period=0.5,
        cycles=3, skew_ratio=0.25, transient=True,
    )  # fmt: skip
    sent = m.LightSetWaveformOptional.unpack(fake.received[-1].payload)
    assert sent.waveform == waveform
    assert (sent.period, sent.cycles) == (500, 3)
    assert (sent.set_hue, sent.set_saturation, sent.set_brightness, sent.set_kelvin) == (
        True, True, False, False,
    )  # fmt: skip
    assert sent.transient


async def test_paint_theme_spreads_a_palette(hass: HomeAssistant, add_device: AddDevice) -> None:
    _, bulb = await add_device("color_bulb")
    _, strip = await add_device("extended_strip")
    _, tile = await add_device("tile")
    await action(
        hass, "paint_theme", entity_id=["light.color_bulb", "light.extended_strip", "light.tile"],
        theme="forest",
    )  # fmt: skip
    colors = palette("forest")
    assert bulb.color in colors
    assert strip.zones == gradient(colors, 120)
    assert len(set(tile.tile_colors[0])) > 3
    assert bulb.power == strip.power == tile.power == 65535
    await hass.services.async_call(
        "select", SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: "select.color_bulb_theme", ATTR_OPTION: "party"}, blocking=True,
    )  # fmt: skip
    assert bulb.color in palette("party")
    assert hass.states.get("select.color_bulb_theme").state == "party"


async def test_set_state_expands_light_groups_and_areas(
    hass: HomeAssistant,
    add_device: AddDevice,
    area_registry: ar.AreaRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    # The light group is set up first, as Home Assistant does from YAML at start-up.
    members = ["light.color_bulb", "light.white_bulb"]
    group = {"platform": "group", "name": "Pair", "entities": members}
    assert await async_setup_component(hass, LIGHT_DOMAIN, {LIGHT_DOMAIN: [group]})
    _, first = await add_device("color_bulb")
    _, second = await add_device("white_bulb")
    _, third = await add_device("hev")
    await hass.async_block_till_done()
    await action(hass, "set_state", entity_id="light.pair", power=True, brightness_pct=40)
    assert first.power == second.power == 65535
    assert third.power == 0
    assert abs(first.color.brightness - 0.4 * 65535) < 2
    area = area_registry.async_create("Landing")
    device = device_registry.async_get_device(identifiers={(DOMAIN, "d073d5000008")})
    assert device is not None
    device_registry.async_update_device(device.id, area_id=area.id)
    await action(hass, "set_state", area_id=area.id, power=True, kelvin=2700)
    assert third.power == 65535
    assert third.color.kelvin == 2700
    assert second.color.kelvin == 3500


async def test_group_packets_leave_together(hass: HomeAssistant, add_device: AddDevice) -> None:
    fakes = [(await add_device("color_bulb", serial=f"d073d5aa00{i:02x}", label=f"Bulb {i}"))[1]
             for i in range(10)]  # fmt: skip
    entity_ids = [f"light.bulb_{i}" for i in range(10)]
    await light(hass, SERVICE_TURN_ON, entity_ids)  # type: ignore[arg-type]
    first_packets = [f.received[-1] for f in fakes]
    assert all(p.pkt_type == m.LightSetPower.pkt_type for p in first_packets)
    assert all(f.power == 65535 for f in fakes)


async def test_entity_shows_the_target_during_a_transition(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    await light(
        hass, SERVICE_TURN_ON, "light.color_bulb",
        **{ATTR_HS_COLOR: (120, 100), ATTR_TRANSITION: 30},
    )  # fmt: skip
    # Mid-fade the bulb reports an in-between colour.
    fake.color = make_hsbk(hue=60, saturation=0.5)
    await advance(hass, freezer, 11)
    await hass.async_block_till_done()
    assert hass.states.get("light.color_bulb").attributes[ATTR_HS_COLOR] == (120.0, 100.0)
    await advance(hass, freezer, 30)
    await hass.async_block_till_done()
    assert hass.states.get("light.color_bulb").attributes[ATTR_HS_COLOR] == (60.0, 50.0)
