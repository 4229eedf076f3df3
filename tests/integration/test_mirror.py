"""The LIFX Mirror's front and back rings, each a light of its own, read back at the device.

The rings' cells are stated here as LIFX's zone map for the Mirror has them (as lifx-async,
core's library, ships it): on the 4 x 13 tile columns 0 and 1 are the front ring, columns 2
and 3 the back one, and cells (1, 0) and (3, 0) have no LED.
"""

from __future__ import annotations

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_HS_COLOR,
    DOMAIN as LIGHT_DOMAIN,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
import pytest

from custom_components.lifx_lan.protocol import make_hsbk, messages as m
from tests.integration.conftest import AddDevice

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

WIDTH = 4
NO_LED = {(1, 0), (3, 0)}
FRONT = [y * WIDTH + x for y in range(13) for x in (0, 1) if (x, y) not in NO_LED]
BACK = [y * WIDTH + x for y in range(13) for x in (2, 3) if (x, y) not in NO_LED]
DARK = [y * WIDTH + x for x, y in sorted(NO_LED)]


async def light(hass: HomeAssistant, service: str, entity: str, **data: object) -> None:
    await hass.services.async_call(
        LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: entity, **data}, blocking=True
    )


def cells(colors: list[m.LightHsbk], indices: list[int]) -> list[m.LightHsbk]:
    return [colors[i] for i in indices]


def state(hass: HomeAssistant, entity_id: str) -> str:
    found = hass.states.get(entity_id)
    assert found is not None
    return found.state


async def test_a_mirror_has_a_front_and_a_back_light_of_25_cells_each(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    await add_device("mirror", power=65535)
    assert sorted(hass.states.async_entity_ids(LIGHT_DOMAIN)) == [
        "light.mirror",
        "light.mirror_back",
        "light.mirror_front",
    ]
    assert (len(FRONT), len(BACK)) == (25, 25)
    assert state(hass, "light.mirror_front") == STATE_ON
    assert state(hass, "light.mirror_back") == STATE_ON


async def test_a_tile_of_another_product_has_no_rings(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    await add_device("tile", power=65535)
    await add_device("ceiling", power=65535)
    lights = hass.states.async_entity_ids(LIGHT_DOMAIN)
    assert not [entity_id for entity_id in lights if entity_id.endswith(("_front", "_back"))]


@pytest.mark.parametrize(
    ("ring", "own", "other"),
    [("front", FRONT, BACK), ("back", BACK, FRONT)],
)
async def test_each_ring_changes_only_its_own_cells(
    hass: HomeAssistant, add_device: AddDevice, ring: str, own: list[int], other: list[int]
) -> None:
    _, fake = await add_device("mirror", power=65535)
    entity_id = f"light.mirror_{ring}"
    untouched = cells(fake.tile_colors[0], other + DARK)

    # A colour paints every cell of the ring.
    await light(hass, SERVICE_TURN_ON, entity_id, **{ATTR_HS_COLOR: (120, 100)})
    assert {c.hue for c in cells(fake.tile_colors[0], own)} == {make_hsbk(hue=120).hue}
    assert cells(fake.tile_colors[0], other + DARK) == untouched
    assert hass.states.get(entity_id).attributes[ATTR_HS_COLOR] == (120, 100)

    # Brightness alone dims the ring's cells, whatever they show.
    await light(hass, SERVICE_TURN_ON, entity_id, **{ATTR_BRIGHTNESS: 64})
    assert all(abs(c.brightness - 64 / 255 * 65535) < 300 for c in cells(fake.tile_colors[0], own))
    assert cells(fake.tile_colors[0], other + DARK) == untouched
    assert hass.states.get(entity_id).attributes[ATTR_BRIGHTNESS] == 64

    # A white point, on the Mirror's 1000-10000 K range.
    await light(hass, SERVICE_TURN_ON, entity_id, **{ATTR_COLOR_TEMP_KELVIN: 2000})
    assert {(c.saturation, c.kelvin) for c in cells(fake.tile_colors[0], own)} == {(0, 2000)}
    assert cells(fake.tile_colors[0], other + DARK) == untouched

    # Off darkens the ring only; the other ring keeps the Mirror on.
    await light(hass, SERVICE_TURN_OFF, entity_id)
    assert all(c.brightness == 0 for c in cells(fake.tile_colors[0], own))
    assert cells(fake.tile_colors[0], other + DARK) == untouched
    assert fake.power == 65535
    assert state(hass, entity_id) == STATE_OFF
    assert state(hass, f"light.mirror_{'back' if ring == 'front' else 'front'}") == STATE_ON
    assert state(hass, "light.mirror") == STATE_ON


async def test_both_rings_off_switch_the_mirror_off_and_one_comes_back_alone(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("mirror", power=65535)
    await light(hass, SERVICE_TURN_OFF, "light.mirror_front")
    assert fake.power == 65535
    await light(hass, SERVICE_TURN_OFF, "light.mirror_back")
    assert fake.power == 0
    assert state(hass, "light.mirror") == STATE_OFF

    # The back ring alone comes on: the front's cells are dark before the power returns.
    await light(hass, SERVICE_TURN_ON, "light.mirror_back", **{ATTR_HS_COLOR: (30, 100)})
    assert fake.power == 65535
    back = cells(fake.tile_colors[0], BACK)
    assert {c.hue for c in back} == {make_hsbk(hue=30).hue}
    assert all(c.brightness for c in back)
    assert all(c.brightness == 0 for c in cells(fake.tile_colors[0], FRONT))
    assert state(hass, "light.mirror_back") == STATE_ON
    assert state(hass, "light.mirror_front") == STATE_OFF
    assert state(hass, "light.mirror") == STATE_ON


async def test_a_ring_turned_on_while_the_mirror_is_off_lights_alone(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    # Switched off as a whole (its light, a wall app), the rings still hold their colours.
    _, fake = await add_device("mirror", power=0)
    assert state(hass, "light.mirror_front") == STATE_OFF
    assert state(hass, "light.mirror_back") == STATE_OFF
    front_before = cells(fake.tile_colors[0], FRONT)

    await light(hass, SERVICE_TURN_ON, "light.mirror_front")

    assert fake.power == 65535
    assert cells(fake.tile_colors[0], FRONT) == front_before
    assert all(c.brightness == 0 for c in cells(fake.tile_colors[0], BACK))
    assert state(hass, "light.mirror_front") == STATE_ON
    assert state(hass, "light.mirror_back") == STATE_OFF
