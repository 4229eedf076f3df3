"""Themes on the lights: cells with no LED, and the theme select's state, read at the devices."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
    DOMAIN as LIGHT_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
import pytest

from custom_components.lifx_lan.const import DEFAULT_POLL_INTERVAL, DOMAIN
from custom_components.lifx_lan.protocol import lookup, make_hsbk
from custom_components.lifx_lan.themes import gradient, palette
from devtools.fake_lifx import PROFILES, FakeDevice, Profile
from tests.integration.conftest import AddDevice, advance

# Matrix products with cells that have no LED: a Ceiling 13" (its corners), a Candle
# Colour (the tip row) and a Luna (its corners), each with the tile size LIFX gives it.
DARK_CELL_PRODUCTS = {
    "ceiling_13": PROFILES["ceiling_13"],
    "candle": Profile(product_id=137, firmware=(3, 70), tiles=((5, 6),)),
    "luna": Profile(product_id=219, firmware=(4, 10), tiles=((7, 5),)),
}
SERIAL = "d073d50000f1"


async def select_theme(hass: HomeAssistant, entity_id: str, theme: str) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: theme},
        blocking=True,
    )


async def light(hass: HomeAssistant, service: str, entity_id: str, **data: object) -> None:
    await hass.services.async_call(
        LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def action(hass: HomeAssistant, service: str, **data: object) -> None:
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


def theme_state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


@pytest.mark.parametrize("kind", list(DARK_CELL_PRODUCTS))
async def test_a_theme_spreads_over_the_lit_cells_and_leaves_the_dark_ones_alone(
    hass: HomeAssistant, add_device: AddDevice, kind: str
) -> None:
    profile = DARK_CELL_PRODUCTS[kind]
    _, fake = await add_device(kind, serial=SERIAL, profile=profile, power=65535)
    product = lookup(profile.product_id, profile.firmware)
    assert product.matrix_size == profile.tiles[0]
    width, height = profile.tiles[0]
    dark = product.dark_zones
    assert dark
    before = list(fake.tile_colors[0])

    await action(hass, "paint_theme", entity_id=f"light.{kind}", theme="ocean")

    after = fake.tile_colors[0]
    # A dark cell is sent the colour it had: painting it would only hide what it holds.
    assert [after[i] for i in sorted(dark)] == [before[i] for i in sorted(dark)]
    # The palette runs diagonally over the lit cells only: a diagonal of dark cells takes no
    # step, so the first lit diagonal starts the palette and the last one ends the gradient.
    lit = [i for i in range(width * height) if i not in dark]
    diagonals = sorted({i % width + i // width for i in lit})
    steps = gradient(palette("ocean"), len(diagonals))
    assert steps[0] == palette("ocean")[0]
    assert [after[i] for i in lit] == [steps[diagonals.index(i % width + i // width)] for i in lit]


async def test_theme_select_is_unknown_until_a_theme_is_painted_through_it(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, bulb = await add_device("color_bulb", power=65535)
    assert theme_state(hass, "select.color_bulb_theme") == STATE_UNKNOWN

    await select_theme(hass, "select.color_bulb_theme", "ocean")

    assert bulb.color == palette("ocean")[0]
    assert theme_state(hass, "select.color_bulb_theme") == "ocean"
    # The bulb still shows the theme when polled, dimmed, or switched off and on.
    await advance(hass, freezer, DEFAULT_POLL_INTERVAL + 1)
    await light(hass, SERVICE_TURN_ON, "light.color_bulb", **{ATTR_BRIGHTNESS: 40})
    await light(hass, SERVICE_TURN_OFF, "light.color_bulb")
    await light(hass, SERVICE_TURN_ON, "light.color_bulb")
    await advance(hass, freezer, DEFAULT_POLL_INTERVAL + 1)
    assert bulb.color.hue == palette("ocean")[0].hue
    assert bulb.color.brightness != palette("ocean")[0].brightness
    assert theme_state(hass, "select.color_bulb_theme") == "ocean"


async def test_theme_select_offers_every_theme_core_offered_and_paints_an_app_theme(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    # Core 2025.4's select offered aiolifx-themes' names, lowercased: an automation that
    # picks one keeps working after the takeover.
    themes = pytest.importorskip("aiolifx_themes.themes")
    _, strip = await add_device("extended_strip", power=65535)
    state = hass.states.get("select.extended_strip_theme")
    assert state is not None
    core_names = {name.lower() for name in themes.ThemeLibrary().themes}
    assert len(core_names) > 40
    assert core_names <= set(state.attributes["options"])

    await select_theme(hass, "select.extended_strip_theme", "bias_lighting")

    assert strip.zones == gradient(palette("bias_lighting"), len(strip.zones))
    assert theme_state(hass, "select.extended_strip_theme") == "bias_lighting"


async def test_theme_select_turns_unknown_after_the_light_is_given_a_colour(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, bulb = await add_device("color_bulb", power=65535)
    await select_theme(hass, "select.color_bulb_theme", "party")
    assert theme_state(hass, "select.color_bulb_theme") == "party"

    await light(hass, SERVICE_TURN_ON, "light.color_bulb", **{ATTR_HS_COLOR: (200, 50)})

    assert bulb.color.hue == make_hsbk(hue=200).hue
    assert theme_state(hass, "select.color_bulb_theme") == STATE_UNKNOWN
    # It stays unknown through polls: the bulb does not show the theme any more.
    await advance(hass, freezer, DEFAULT_POLL_INTERVAL + 1)
    assert theme_state(hass, "select.color_bulb_theme") == STATE_UNKNOWN
    # Painting through the select again shows the theme again.
    await select_theme(hass, "select.color_bulb_theme", "party")
    assert theme_state(hass, "select.color_bulb_theme") == "party"


async def test_theme_select_turns_unknown_after_another_action_paints_the_light(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, strip = await add_device("extended_strip", power=65535)
    await select_theme(hass, "select.extended_strip_theme", "forest")
    assert strip.zones == gradient(palette("forest"), 120)
    assert theme_state(hass, "select.extended_strip_theme") == "forest"

    await action(
        hass, "set_zones", entity_id="light.extended_strip", start=3, end=5, hs_color=[0, 100]
    )

    assert strip.zones[3].hue == 0
    assert theme_state(hass, "select.extended_strip_theme") == STATE_UNKNOWN


async def test_theme_select_turns_unknown_while_an_effect_runs(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    await add_device("tile", power=65535)
    await select_theme(hass, "select.tile_theme", "aurora")
    assert theme_state(hass, "select.tile_theme") == "aurora"

    await light(hass, SERVICE_TURN_ON, "light.tile", **{ATTR_EFFECT: "flame"})

    assert theme_state(hass, "select.tile_theme") == STATE_UNKNOWN


async def test_theme_select_turns_unknown_when_the_colour_changes_outside_home_assistant(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, ceiling = await add_device("ceiling_13", power=65535)
    await select_theme(hass, "select.ceiling_13_theme", "sunset")
    await advance(hass, freezer, DEFAULT_POLL_INTERVAL + 1)
    # Polled back, the Ceiling's cells (dark ones included) are what the theme left.
    assert theme_state(hass, "select.ceiling_13_theme") == "sunset"

    # The LIFX app paints one cell.
    lit = next(i for i in range(64) if i not in lookup(265).dark_zones)
    _recolor(ceiling, lit, hue=12345)
    await advance(hass, freezer, DEFAULT_POLL_INTERVAL + 1)

    assert theme_state(hass, "select.ceiling_13_theme") == STATE_UNKNOWN


def _recolor(fake: FakeDevice, cell: int, *, hue: int) -> None:
    fake.tile_colors[0][cell] = fake.tile_colors[0][cell]._replace(hue=hue)
