"""Every LIFX action reaches its lights through any target Home Assistant offers."""

from __future__ import annotations

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    floor_registry as fr,
    label_registry as lr,
)
import pytest

from custom_components.lifx_lan.const import DOMAIN
from tests.integration.conftest import AddDevice


async def _set_state(hass: HomeAssistant, **data: object) -> None:
    await hass.services.async_call(DOMAIN, "set_state", data, blocking=True)


async def test_a_floor_reaches_the_lights_in_its_areas(
    hass: HomeAssistant,
    add_device: AddDevice,
    area_registry: ar.AreaRegistry,
    device_registry: dr.DeviceRegistry,
    floor_registry: fr.FloorRegistry,
) -> None:
    _, upstairs_bulb = await add_device("color_bulb", label="Landing")
    _, downstairs_bulb = await add_device("white_bulb", label="Hall")
    upstairs = floor_registry.async_create("Upstairs")
    landing = area_registry.async_create("Landing", floor_id=upstairs.floor_id)
    device = device_registry.async_get_device(identifiers={(DOMAIN, upstairs_bulb.serial)})
    assert device is not None
    device_registry.async_update_device(device.id, area_id=landing.id)

    await _set_state(hass, floor_id=upstairs.floor_id, power=True)

    assert upstairs_bulb.power == 65535
    assert downstairs_bulb.power == 0


async def test_a_label_reaches_labelled_lights_and_the_lights_of_labelled_devices(
    hass: HomeAssistant,
    add_device: AddDevice,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    label_registry: lr.LabelRegistry,
) -> None:
    _, by_entity = await add_device("color_bulb", label="Desk")
    _, by_device = await add_device("strip", label="Shelf")
    _, unlabelled = await add_device("white_bulb", label="Hall")
    christmas = label_registry.async_create("Christmas")
    entity_registry.async_update_entity("light.desk", labels={christmas.label_id})
    device = device_registry.async_get_device(identifiers={(DOMAIN, by_device.serial)})
    assert device is not None
    device_registry.async_update_device(device.id, labels={christmas.label_id})

    await _set_state(hass, label_id=christmas.label_id, power=True)

    assert by_entity.power == by_device.power == 65535
    assert unlabelled.power == 0


async def test_a_device_target_reaches_its_light(
    hass: HomeAssistant, add_device: AddDevice, device_registry: dr.DeviceRegistry
) -> None:
    _, fake = await add_device("color_bulb")
    device = device_registry.async_get_device(identifiers={(DOMAIN, fake.serial)})
    assert device is not None

    await _set_state(hass, device_id=device.id, power=True)

    assert fake.power == 65535


async def test_a_target_with_no_lifx_light_is_refused_in_words(
    hass: HomeAssistant, add_device: AddDevice, label_registry: lr.LabelRegistry
) -> None:
    _, fake = await add_device("color_bulb")
    empty = label_registry.async_create("Empty")

    with pytest.raises(ServiceValidationError) as caught:
        await _set_state(hass, label_id=empty.label_id, power=True)

    assert caught.value.translation_key == "no_lifx_targets"
    assert fake.power == 0


async def test_every_action_takes_a_floor_target(
    hass: HomeAssistant,
    add_device: AddDevice,
    area_registry: ar.AreaRegistry,
    device_registry: dr.DeviceRegistry,
    floor_registry: fr.FloorRegistry,
) -> None:
    _, fake = await add_device("strip", power=65535)
    ground = floor_registry.async_create("Ground")
    lounge = area_registry.async_create("Lounge", floor_id=ground.floor_id)
    device = device_registry.async_get_device(identifiers={(DOMAIN, fake.serial)})
    assert device is not None
    device_registry.async_update_device(device.id, area_id=lounge.id)

    await hass.services.async_call(
        DOMAIN, "effect_move", {"floor_id": ground.floor_id, "speed": 2}, blocking=True
    )

    assert fake.multizone_effect.type == 1
    await hass.services.async_call(
        DOMAIN, "effect_stop", {ATTR_ENTITY_ID: [], "floor_id": ground.floor_id}, blocking=True
    )
    assert fake.multizone_effect.type == 0
