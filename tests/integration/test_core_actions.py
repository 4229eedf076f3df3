"""Core's LIFX actions, called as core's users call them, reach the devices the same way."""

from __future__ import annotations

import itertools
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
import homeassistant
from homeassistant.components.light import ATTR_EFFECT, ATTR_HS_COLOR, LIGHT_TURN_ON_SCHEMA
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util.yaml import load_yaml_dict
import pytest
import voluptuous as vol

from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.protocol import hue_to_degrees, level_to_fraction, messages as m
from custom_components.lifx_lan.services import ACTIONS
from custom_components.lifx_lan.themes import APP_THEMES, gradient, palette, to_palette
from tests.integration.conftest import AddDevice, advance


async def call(hass: HomeAssistant, service: str, **data: object) -> None:
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


async def turn_on(hass: HomeAssistant, entity_id: str, **data: object) -> None:
    await hass.services.async_call(
        "light", "turn_on", {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


def colors_sent(fake: object) -> list[m.LightSetColor]:
    """Every colour the device was sent, once each: a retransmission repeats the payload."""
    payloads = [
        packet.payload
        for packet in fake.received  # type: ignore[attr-defined]
        if packet.pkt_type == m.LightSetColor.pkt_type
    ]
    unique = [p for i, p in enumerate(payloads) if i == 0 or p != payloads[i - 1]]
    return [m.LightSetColor.unpack(payload) for payload in unique]


def degrees(color: m.LightHsbk) -> int:
    return round(hue_to_degrees(color.hue)) % 360


def waveforms(fake: object) -> list[m.LightSetWaveformOptional]:
    return [
        m.LightSetWaveformOptional.unpack(packet.payload)
        for packet in fake.received  # type: ignore[attr-defined]
        if packet.pkt_type == m.LightSetWaveformOptional.pkt_type
    ]


# set_state: light.turn_on's words


@pytest.mark.parametrize(
    "words",
    [
        {"rgb_color": [255, 100, 100]},
        {"xy_color": [0.52, 0.43]},
        {"color_name": "aliceblue"},
        {"color_temp_kelvin": 2700},
        {"brightness": 51},
        {"rgb_color": [0, 0, 255], "brightness_pct": 30},
        {"brightness_step": -64},
        {"brightness_step_pct": -25},
        {"rgbw_color": [255, 100, 100, 50]},
        {"rgbww_color": [255, 100, 100, 50, 70]},
        {"profile": "relax"},
        {"profile": "concentrate", "brightness": 40},
    ],
)
async def test_set_state_takes_light_turn_on_words_and_does_what_turn_on_does(
    hass: HomeAssistant, add_device: AddDevice, words: dict[str, object]
) -> None:
    _, by_light = await add_device("color_bulb", power=65535, label="By Light")
    _, by_action = await add_device(
        "color_bulb", serial="d073d5000102", power=65535, label="By Action"
    )

    await turn_on(hass, "light.by_light", **words)
    await call(hass, "set_state", entity_id="light.by_action", **words)

    ours, theirs = by_action.color, by_light.color
    assert (ours.hue, ours.saturation, ours.kelvin) == (
        theirs.hue,
        theirs.saturation,
        theirs.kelvin,
    )
    # turn_on steps from the 0-255 brightness the light shows: within one of those steps.
    assert abs(ours.brightness - theirs.brightness) <= 257


async def test_set_state_takes_white_as_white_at_the_lights_white_point(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    red = m.LightHsbk(0, 65535, 65535, 2700)
    _, bulb = await add_device("color_bulb", power=65535, color=red)

    await call(hass, "set_state", entity_id="light.color_bulb", white=True)
    assert bulb.color == m.LightHsbk(0, 0, 65535, 2700)

    await call(hass, "set_state", entity_id="light.color_bulb", white=51)
    assert bulb.color == m.LightHsbk(0, 0, 51 * 257, 2700)


async def test_set_state_takes_the_mireds_core_took_before_2026(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, bulb = await add_device("color_bulb", power=65535, color=m.LightHsbk(0, 65535, 65535, 3500))

    await call(hass, "set_state", entity_id="light.color_bulb", color_temp=370)

    assert (bulb.color.saturation, bulb.color.kelvin) == (0, 2702)  # 1,000,000 / 370


async def test_set_state_flashes_the_colour_asked_and_keeps_the_one_shown(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    dim_white = m.LightHsbk(0, 0, 6553, 3500)
    _, bulb = await add_device("color_bulb", power=65535, color=dim_white)

    await call(hass, "set_state", entity_id="light.color_bulb", flash="long", color_name="red")

    (flash,) = waveforms(bulb)[-1:]
    assert flash.transient
    assert (flash.color.hue, flash.color.saturation, flash.color.brightness) == (0, 65535, 65535)
    assert (flash.period, flash.cycles) == (1000, 5.0)
    assert not colors_sent(bulb)
    assert bulb.color == dim_white


async def test_set_state_prepares_the_colour_of_an_off_light_without_lighting_it(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, bulb = await add_device("color_bulb")

    await call(hass, "set_state", entity_id="light.color_bulb", color_name="red")
    assert bulb.power == 0
    assert (bulb.color.hue, bulb.color.saturation) == (0, 65535)
    await call(hass, "set_state", entity_id="light.color_bulb", power=True)

    assert bulb.power == 65535
    assert (bulb.color.hue, bulb.color.saturation) == (0, 65535)
    assert hass.states.get("light.color_bulb").attributes[ATTR_HS_COLOR] == (0, 100)


async def test_set_state_paints_only_the_zones_named(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip", power=65535)
    before = list(strip.zones)

    await call(hass, "set_state", entity_id="light.extended_strip", zones=[0, 5], hs_color=[0, 100])

    assert strip.zones[0].hue == strip.zones[5].hue == 0
    assert strip.zones[0].saturation == 65535
    assert strip.zones[1:5] == before[1:5]
    assert strip.zones[6:] == before[6:]


async def test_set_state_refuses_a_zone_the_strip_does_not_have(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip", power=65535)
    before = list(strip.zones)

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "set_state", entity_id="light.extended_strip", zones=[2, 500], kelvin=2700)

    assert caught.value.translation_key == "zone_missing"
    assert caught.value.translation_placeholders["zone"] == "500"
    assert strip.zones == before


async def test_set_state_sets_infrared_as_core_does_and_refuses_it_without_leds(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, camera_light = await add_device("infrared", power=65535)
    _, bulb = await add_device("color_bulb")

    await call(hass, "set_state", entity_id="light.infrared", infrared=128)
    assert camera_light.infrared == 128 * 257

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "set_state", entity_id="light.color_bulb", infrared=128, power=True)
    assert caught.value.translation_key == "no_infrared"
    assert bulb.power == 0


@pytest.mark.parametrize(
    ("words", "key"),
    [
        ({"color_name": "not a colour"}, "unknown_color_name"),
        ({"rgb_color": [255, 0, 0], "hs_color": [0, 100]}, "conflicting_fields"),
        ({"brightness": 10, "brightness_pct": 10}, "conflicting_fields"),
        ({"rgb_color": [256, 0, 0]}, "out_of_range"),
        ({"xy_color": [0.5, 1.5]}, "out_of_range"),
        ({"brightness_step": -300}, "out_of_range"),
        ({"infrared": 300}, "out_of_range"),
        ({"zones": [-1]}, "out_of_range"),
        ({"rgbw_color": [0, 0, 0, 256]}, "out_of_range"),
        ({"white": 300}, "out_of_range"),
        ({"color_temp": 50}, "out_of_range"),
        ({"white": True, "hs_color": [0, 100]}, "conflicting_fields"),
        ({"profile": "relax", "color_name": "red"}, "conflicting_fields"),
    ],
)
async def test_set_state_refuses_bad_words_in_words_and_sends_nothing(
    hass: HomeAssistant, add_device: AddDevice, words: dict[str, object], key: str
) -> None:
    _, bulb = await add_device("color_bulb")
    before = bulb.color

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "set_state", entity_id="light.color_bulb", power=True, **words)

    assert caught.value.translation_key == key
    assert (bulb.power, bulb.color) == (0, before)


# set_hev_cycle_state


async def test_set_hev_cycle_state_runs_a_cycle_of_the_length_asked_and_stops_it(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, clean = await add_device("hev", power=65535)
    _, bulb = await add_device("color_bulb")

    await call(hass, "set_hev_cycle_state", entity_id="light.hev", power=True, duration=3600)
    assert clean.hev_remaining == 3600
    await call(hass, "set_hev_cycle_state", entity_id="light.hev", power=False)
    assert clean.hev_remaining == 0

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "set_hev_cycle_state", entity_id="light.color_bulb", power=True)
    assert caught.value.translation_key == "no_hev"
    assert len([p for p in bulb.received if p.pkt_type == m.LightSetHevCycle.pkt_type]) == 0


# effect_pulse


@pytest.mark.parametrize(
    ("mode", "waveform", "period", "cycles", "skew"),
    [
        ("blink", m.LightWaveform.PULSE, 1000, 1, 0),
        ("breathe", m.LightWaveform.SINE, 1000, 1, 0),
        # A ping's flash: 5000 - 300 * period (1 s) of the wire's skew, at the cycle's end.
        ("ping", m.LightWaveform.PULSE, 1000, 1, 2**15 - 4700),
        ("strobe", m.LightWaveform.PULSE, 100, 10, 0),
        ("solid", m.LightWaveform.PULSE, 1000, 1, -32768),
    ],
)
async def test_effect_pulse_sends_each_of_cores_modes_as_its_waveform(
    hass: HomeAssistant,
    add_device: AddDevice,
    mode: str,
    waveform: m.LightWaveform,
    period: int,
    cycles: float,
    skew: int,
) -> None:
    _, bulb = await add_device("color_bulb", power=65535)

    await call(hass, "effect_pulse", entity_id="light.color_bulb", mode=mode, color_name="red")

    (sent,) = waveforms(bulb)
    assert sent.waveform == waveform
    assert (sent.period, sent.cycles) == (period, cycles)
    assert abs(sent.skew_ratio - skew) <= 1
    assert sent.transient
    assert (round(hue_to_degrees(sent.color.hue)), sent.color.saturation) == (0, 65535)


async def test_a_pulse_with_no_colour_strobes_cold_white_or_flashes_towards_full(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, bulb = await add_device("color_bulb", power=65535, color=m.LightHsbk(0, 0, 6553, 3500))

    await call(hass, "effect_pulse", entity_id="light.color_bulb", mode="strobe")
    await call(hass, "effect_pulse", entity_id="light.color_bulb", mode="blink")

    strobe, blink = waveforms(bulb)
    assert (strobe.color.saturation, strobe.color.brightness, strobe.color.kelvin) == (
        0, 65535, 9000,
    )  # fmt: skip
    assert (blink.color.brightness, blink.color.kelvin) == (65535, 3500)


async def test_effect_pulse_lights_an_off_light_for_the_pulse_then_turns_it_off(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, bulb = await add_device("color_bulb")
    before = bulb.color

    await call(
        hass, "effect_pulse", entity_id="light.color_bulb", mode="blink", period=2, cycles=3,
        rgb_color=[0, 0, 255],
    )  # fmt: skip

    assert bulb.power == 65535
    (sent,) = waveforms(bulb)
    assert (sent.period, sent.cycles) == (2000, 3)
    # It starts from black in the pulse's colour.
    assert bulb.color.brightness == 0
    assert bulb.color.hue == sent.color.hue
    # Home Assistant's test clock fires timers up to half a second early.
    await advance(hass, freezer, 5)
    assert bulb.power == 65535
    await advance(hass, freezer, 1.5)
    assert bulb.power == 0
    # Off again with the colour it had, not the pulse's.
    assert bulb.color == before


async def test_effect_pulse_leaves_an_off_light_alone_without_power_on(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, bulb = await add_device("color_bulb")

    await call(hass, "effect_pulse", entity_id="light.color_bulb", power_on=False)

    assert waveforms(bulb) == []
    assert bulb.power == 0


# effect_colorloop


async def test_effect_colorloop_turns_the_hue_step_by_step_spread_across_the_lights(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, first = await add_device("color_bulb", power=65535, label="First")
    _, second = await add_device("color_bulb", serial="d073d5000102", label="Second")

    await call(
        hass, "effect_colorloop", entity_id=["light.first", "light.second"], period=36,
        change=10, spread=60, saturation_min=40, saturation_max=60, brightness_pct=50,
    )  # fmt: skip

    assert second.power == 65535  # power_on, core's default
    await advance(hass, freezer, 4)
    first_steps, second_steps = colors_sent(first), colors_sent(second)
    assert len(first_steps) >= 4
    # A step: 36 s a turn, 10 degrees a step, so a second each, each fading over its second.
    for before, after in itertools.pairwise(first_steps):
        assert (degrees(after.color) - degrees(before.color)) % 360 == 10
        assert after.duration == 1000
    # Spread over the two lights: 60 degrees between them, 30 apart (the first step, sent
    # to both before the call returned).
    assert (degrees(second_steps[0].color) - degrees(first_steps[0].color)) % 360 == 30
    for step in (*first_steps, *second_steps):
        assert 0.4 <= level_to_fraction(step.color.saturation) <= 0.6
        assert abs(level_to_fraction(step.color.brightness) - 0.5) < 0.01
    assert hass.states.get("light.first").attributes[ATTR_EFFECT] == "colorloop"


async def test_any_other_colour_stops_the_colour_loop_on_that_light_only(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, first = await add_device("color_bulb", power=65535, label="First")
    _, second = await add_device("color_bulb", serial="d073d5000102", label="Second")
    await call(hass, "effect_colorloop", entity_id=["light.first", "light.second"], period=18)

    await turn_on(hass, "light.first", hs_color=(200, 50))
    held = len(colors_sent(first))
    moving = len(colors_sent(second))
    await advance(hass, freezer, 3)

    assert len(colors_sent(first)) == held
    assert len(colors_sent(second)) > moving
    assert hass.states.get("light.first").attributes[ATTR_EFFECT] == "off"
    await call(hass, "effect_stop", entity_id="light.second")
    stopped = len(colors_sent(second))
    await advance(hass, freezer, 3)
    assert len(colors_sent(second)) == stopped
    assert hass.states.get("light.second").attributes[ATTR_EFFECT] == "off"


async def test_a_new_colour_loop_takes_over_and_a_silent_light_does_not_stop_the_others(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, first = await add_device("color_bulb", power=65535, label="First")
    _, second = await add_device("color_bulb", serial="d073d5000102", power=65535, label="Second")
    await call(hass, "effect_colorloop", entity_id=["light.first", "light.second"], period=18)
    # A second loop on the first light alone: brighter, and the only one it follows.
    await call(hass, "effect_colorloop", entity_id="light.first", period=18, brightness=255)
    second.online = False
    sent_before = len(colors_sent(first))

    await advance(hass, freezer, 8)

    first_steps = colors_sent(first)[sent_before:]
    assert len(first_steps) >= 3
    assert all(step.color.brightness == 65535 for step in first_steps)
    second.online = True
    sent_while_silent = len(colors_sent(second))
    await advance(hass, freezer, 3)
    assert len(colors_sent(second)) > sent_while_silent  # back, and stepping again
    assert hass.states.get("light.second").attributes[ATTR_EFFECT] == "colorloop"


async def test_the_colour_loop_leaves_white_bulbs_out_and_refuses_only_white_ones(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, colour = await add_device("color_bulb", power=65535)
    _, white = await add_device("white_bulb", power=65535)
    before = white.color

    await call(hass, "effect_colorloop", entity_id=["light.color_bulb", "light.white_bulb"])
    assert colors_sent(colour)
    assert white.color == before
    await call(hass, "effect_stop", entity_id="light.color_bulb")

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "effect_colorloop", entity_id="light.white_bulb")
    assert caught.value.translation_key == "effect_unsupported"


async def test_a_light_runs_the_colour_loop_and_pulse_from_its_effect_list(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, bulb = await add_device("color_bulb", power=65535)
    effects = hass.states.get("light.color_bulb").attributes["effect_list"]
    assert {"colorloop", "pulse"} <= set(effects)

    # Core's name for it, as a core user's automation has it.
    await turn_on(hass, "light.color_bulb", effect="effect_colorloop")
    await advance(hass, freezer, 4)  # a step of core's default loop (60 s, 20 degrees)
    first, second = colors_sent(bulb)[:2]
    assert (degrees(second.color) - degrees(first.color)) % 360 == 20
    await turn_on(hass, "light.color_bulb", effect="pulse")
    assert len(waveforms(bulb)) == 1
    assert hass.states.get("light.color_bulb").attributes[ATTR_EFFECT] == "off"


# Themes


async def test_paint_theme_paints_an_app_theme_and_by_default_cores_exciting(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip", power=65535)
    _, bulb = await add_device("color_bulb", power=65535)

    await call(hass, "paint_theme", entity_id="light.extended_strip", theme="christmas")
    assert strip.zones == gradient(palette("christmas"), len(strip.zones))
    await call(hass, "paint_theme", entity_id="light.color_bulb")
    assert bulb.color in to_palette(APP_THEMES["exciting"])


async def test_paint_theme_paints_a_palette_and_leaves_off_lights_off_if_asked(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip")
    colors = [[0, 100, 100, 3500], [240, 100, 50, 3500]]

    await call(
        hass, "paint_theme", entity_id="light.extended_strip", palette=colors, power_on=False
    )

    assert strip.power == 0
    middle = strip.zones[len(strip.zones) // 2]
    hues = {round(hue_to_degrees(zone.hue)) for zone in (strip.zones[0], middle)}
    assert hues == {0, 240}


async def test_a_palette_of_one_colour_is_refused_in_words(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip")
    before = list(strip.zones)

    with pytest.raises(ServiceValidationError) as caught:
        await call(
            hass, "paint_theme", entity_id="light.extended_strip", palette=[[0, 100, 100, 3500]]
        )

    assert caught.value.translation_key == "palette_length"
    assert strip.zones == before


async def test_effect_move_with_a_theme_paints_the_strip_then_moves_it(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip", power=65535)

    await call(hass, "effect_move", entity_id="light.extended_strip", theme="ocean", speed=2)

    assert strip.zones == gradient(palette("ocean"), len(strip.zones))
    assert strip.multizone_effect.type == m.MultiZoneEffectType.MOVE


async def test_set_state_with_an_effect_starts_that_effect_action_and_nothing_else(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    # core's lifx.set_state with `effect` calls that effect action with its defaults
    _, strip = await add_device("extended_strip", power=65535)
    before = list(strip.zones)

    await call(
        hass, "set_state", entity_id="light.extended_strip", effect="effect_move", hs_color=[0, 100]
    )

    assert strip.multizone_effect.type == m.MultiZoneEffectType.MOVE
    assert strip.zones == before

    await call(hass, "set_state", entity_id="light.extended_strip", effect="effect_stop")

    assert strip.multizone_effect.type == m.MultiZoneEffectType.OFF
    with pytest.raises(vol.Invalid):
        await call(hass, "set_state", entity_id="light.extended_strip", effect="fireworks")


async def test_effect_morph_takes_a_palette_of_the_calls_own(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, tile = await add_device("tile", power=65535)
    colors = [[0, 100, 100, 3500], [120, 100, 100, 3500], [240, 100, 100, 3500]]

    await call(hass, "effect_morph", entity_id="light.tile", palette=colors)

    sent = tile.tile_effect.palette[: tile.tile_effect.palette_count]
    assert [round(hue_to_degrees(color.hue)) for color in sent] == [0, 120, 240]


# Firmware effects as core names and spells them


async def test_effect_colorsweep_sweeps_a_mirror_through_its_white_points_by_default(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, mirror = await add_device("mirror", power=65535)
    assert "colorsweep" in hass.states.get("light.mirror").attributes["effect_list"]

    await call(hass, "effect_colorsweep", entity_id="light.mirror")

    settings = mirror.tile_effect
    assert settings.type == 6
    assert (settings.speed, settings.duration) == (0, 30 * 10**9)
    sent = settings.palette[: settings.palette_count]
    assert [color.kelvin for color in sent] == [1500, 6500]
    assert hass.states.get("light.mirror").attributes[ATTR_EFFECT] == "colorsweep"


async def test_effect_colorsweep_at_speed_zero_needs_a_duration_and_mirrors_only(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, mirror = await add_device("mirror", power=65535)
    await add_device("tile", power=65535)

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "effect_colorsweep", entity_id="light.mirror", speed=0, duration=0)
    assert caught.value.translation_key == "colorsweep_needs_duration"
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "effect_colorsweep", entity_id=["light.mirror", "light.tile"])
    assert caught.value.translation_key == "effect_unsupported"
    assert mirror.tile_effect.type == m.TileEffectType.OFF


async def test_effect_sky_takes_cores_capitalised_sky_types(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, tile = await add_device("tile", power=65535)

    await call(hass, "effect_sky", entity_id="light.tile", sky_type="Clouds")

    assert tile.tile_effect.type == m.TileEffectType.SKY
    assert tile.tile_effect.parameter.parameter0 == m.TileEffectSkyType.CLOUDS


async def test_effect_sky_at_speed_0_plays_once_across_its_duration(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, tile = await add_device("tile", power=65535)

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "effect_sky", entity_id="light.tile", speed=0)
    assert caught.value.translation_key == "sky_speed_needs_duration"
    assert tile.tile_effect.type == m.TileEffectType.OFF

    await call(hass, "effect_sky", entity_id="light.tile", speed=0, duration=600)

    assert tile.tile_effect.type == m.TileEffectType.SKY
    assert tile.tile_effect.speed == 0
    assert tile.tile_effect.duration == 600 * 10**9

    # core's longest: a day a cycle
    await call(hass, "effect_sky", entity_id="light.tile", speed=86400)
    assert tile.tile_effect.speed == 86400 * 1000


def test_every_core_action_and_field_is_offered_under_lifx_lan() -> None:
    # Core's own description of its actions, from the Home Assistant installed here (read,
    # not imported: core's integration needs its own library).
    core_lifx = Path(homeassistant.__file__).parent / "components" / "lifx"
    core = load_yaml_dict(str(core_lifx / "services.yaml"))

    assert set(core) <= set(ACTIONS)
    for name, action in core.items():
        ours = {field.name for field in ACTIONS[name].fields}
        assert set((action or {}).get("fields") or {}) <= ours, name
    # core's set_state also takes every word of light.turn_on (its schema is turn_on's),
    # the mireds of Home Assistant before 2026.1 among them
    turn_on_words = {str(key) for key in LIGHT_TURN_ON_SCHEMA} | {"color_temp"}
    assert turn_on_words <= {field.name for field in ACTIONS["set_state"].fields}


async def test_effect_sky_takes_a_palette_of_up_to_six_colours(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, tile = await add_device("tile", power=65535)

    await call(hass, "effect_sky", entity_id="light.tile", palette=[[200, 100, 100, 3500]])
    assert tile.tile_effect.palette_count == 1
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "effect_sky", entity_id="light.tile", palette=[[0, 0, 100, 3500]] * 7)
    assert caught.value.translation_key == "palette_length"
