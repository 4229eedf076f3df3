"""lifx_lan.set_cells: rectangles and lists of colours on tiles and Ceilings, read at the device."""

from __future__ import annotations

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    DOMAIN as LIGHT_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.protocol import lookup, make_hsbk, messages as m
from devtools.fake_lifx import FakeDevice
from tests.integration.conftest import AddDevice

CEILING_DARK = lookup(201).dark_zones


async def light(hass: HomeAssistant, service: str, entity_id: str, **data: object) -> None:
    await hass.services.async_call(
        LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def set_cells(hass: HomeAssistant, **data: object) -> None:
    await hass.services.async_call(DOMAIN, "set_cells", data, blocking=True)


def frames(fake: FakeDevice) -> list[list[m.LightHsbk]]:
    return [list(tile) for tile in fake.tile_colors]


def set64s(fake: FakeDevice, since: int) -> list[m.TileSet64]:
    return [
        m.TileSet64.unpack(r.payload)
        for r in fake.received[since:]
        if r.pkt_type == m.TileSet64.pkt_type
    ]


async def test_a_rectangle_on_tile_3_of_a_chain_changes_only_its_cells(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("tile", power=65535)
    before = frames(fake)
    sent_before = len(fake.received)

    await set_cells(
        hass, entity_id="light.tile", tile=3, x=2, y=1, width=3, height=4,
        hs_color=[240, 100], brightness_pct=50, transition=2,
    )  # fmt: skip

    rectangle = {y * 8 + x for y in range(1, 5) for x in range(2, 5)}
    for tile, (now, old) in enumerate(zip(fake.tile_colors, before, strict=True)):
        for zone, (colour, was) in enumerate(zip(now, old, strict=True)):
            if tile == 3 and zone in rectangle:
                assert colour == make_hsbk(hue=240, saturation=1, brightness=0.5, kelvin=3500)
            else:
                assert colour == was, (tile, zone)
    # One Set64 to tile 3 only, fading over the transition.
    (packet,) = set64s(fake, sent_before)
    assert (packet.tile_index, packet.duration) == (3, 2000)


async def test_a_rectangle_on_a_16x8_ceiling_skips_the_cells_without_led(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("ceiling", power=65535)
    before = frames(fake)[0]
    sent_before = len(fake.received)

    # Rows 5 to 7 at the left edge: the corner cells 112 and 113 have no LED.
    await set_cells(hass, entity_id="light.ceiling", x=0, y=5, width=3, height=3, kelvin=2700)

    rectangle = {y * 16 + x for y in range(5, 8) for x in range(3)}
    assert {112, 113} <= rectangle & CEILING_DARK
    white = make_hsbk(hue=0, saturation=0, brightness=1, kelvin=2700)
    for zone, (colour, was) in enumerate(zip(fake.tile_colors[0], before, strict=True)):
        if zone in rectangle - CEILING_DARK:
            # Hue is kept from the cell: white is saturation 0 at the asked kelvin.
            assert (colour.saturation, colour.brightness, colour.kelvin) == white[1:], zone
        else:
            assert colour == was, zone
    # Only the rows painted are sent: one Set64 from row 5 (rows 5 to 7 of 16 cells).
    assert [p.rect.y for p in set64s(fake, sent_before)] == [5]


async def test_a_list_of_colours_fills_lit_cells_row_by_row(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("ceiling", power=65535)
    before = frames(fake)[0]
    colours = [{"hs_color": [hue, 100], "brightness_pct": 100} for hue in (0, 90, 180, 270)]

    # Top right: cells 14 and 15 have no LED and take no colour from the list.
    await set_cells(hass, entity_id="light.ceiling", x=12, y=0, width=4, height=2, colors=colours)

    painted = {12: 0, 13: 90, 28: 180, 29: 270}
    for zone, (colour, was) in enumerate(zip(fake.tile_colors[0], before, strict=True)):
        if zone in painted:
            assert colour.hue == make_hsbk(hue=painted[zone]).hue, zone
        else:
            assert colour == was, zone


async def test_the_whole_matrix_of_a_chain_runs_across_its_tiles_in_order(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("tile", power=65535)
    before = frames(fake)

    await set_cells(hass, entity_id="light.tile", x=6, y=7, width=4, height=1, hs_color=[60, 50])

    painted = {(0, 62), (0, 63), (1, 56), (1, 57)}
    for tile, (now, old) in enumerate(zip(fake.tile_colors, before, strict=True)):
        for zone, (colour, was) in enumerate(zip(now, old, strict=True)):
            if (tile, zone) in painted:
                assert colour.hue == make_hsbk(hue=60).hue
            else:
                assert colour == was, (tile, zone)


async def test_brightness_alone_keeps_the_painted_cells(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("tile", power=65535)
    await set_cells(hass, entity_id="light.tile", tile=3, x=0, y=0, width=2, height=2,
                    hs_color=[240, 100], brightness_pct=100)  # fmt: skip
    painted = frames(fake)

    await light(hass, SERVICE_TURN_ON, "light.tile", **{ATTR_BRIGHTNESS: 128})

    for now, was in zip(fake.tile_colors, painted, strict=True):
        assert [c.hue for c in now] == [c.hue for c in was]
        assert all(abs(c.brightness - 128 / 255 * 65535) < 300 for c in now)
    assert fake.tile_colors[3][0].hue == make_hsbk(hue=240).hue


async def test_the_ceiling_downlight_keeps_its_painted_cells_through_brightness_and_power(
    hass: HomeAssistant, add_device: AddDevice, entity_registry: er.EntityRegistry
) -> None:
    entry, fake = await add_device("ceiling", power=65535)
    for part in ("uplight", "downlight"):
        entity_registry.async_update_entity(f"light.ceiling_{part}", disabled_by=None)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await set_cells(hass, entity_id="light.ceiling", x=4, y=2, width=8, height=4,
                    hs_color=[120, 100], brightness_pct=100)  # fmt: skip
    picture = frames(fake)[0]

    await light(hass, SERVICE_TURN_ON, "light.ceiling_downlight", **{ATTR_BRIGHTNESS: 128})

    downlight, uplight = fake.tile_colors[0][:127], fake.tile_colors[0][127]
    assert [c.hue for c in downlight] == [c.hue for c in picture[:127]]
    assert all(abs(c.brightness - 128 / 255 * 65535) < 300 for c in downlight)
    assert uplight == picture[127]

    # Off, then the downlight alone: its picture comes back, the uplight stays dark.
    await light(hass, SERVICE_TURN_OFF, "light.ceiling")
    await light(hass, SERVICE_TURN_ON, "light.ceiling_downlight")
    assert fake.power == 65535
    assert fake.tile_colors[0][:127] == downlight
    assert fake.tile_colors[0][127].brightness == 0


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"tile": 5}, "no_such_tile"),
        ({"x": 40}, "cell_range"),
        ({"tile": 0, "y": 8}, "cell_range"),
        ({"x": -1}, "out_of_range"),
        ({"width": 0}, "out_of_range"),
        ({"tile": 0, "width": 2, "height": 1, "colors": [{"kelvin": 3000}] * 3},
         "too_many_cell_colors"),
    ],
)  # fmt: skip
async def test_bad_rectangles_are_refused_and_change_no_device(
    hass: HomeAssistant, add_device: AddDevice, data: dict[str, object], key: str
) -> None:
    _, ceiling = await add_device("ceiling", power=65535)
    _, tile = await add_device("tile", power=65535)
    before = frames(ceiling), frames(tile)
    with pytest.raises(ServiceValidationError) as caught:
        await set_cells(hass, entity_id=["light.ceiling", "light.tile"], hs_color=[0, 100], **data)
    assert caught.value.translation_key == key
    assert (frames(ceiling), frames(tile)) == before


async def test_set_cells_on_a_strip_is_refused(hass: HomeAssistant, add_device: AddDevice) -> None:
    _, strip = await add_device("extended_strip", power=65535)
    received = len(strip.received)
    with pytest.raises(ServiceValidationError) as caught:
        await set_cells(hass, entity_id="light.extended_strip", hs_color=[0, 100])
    assert caught.value.translation_key == "not_matrix"
    assert len(strip.received) == received
