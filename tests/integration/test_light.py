"""The light: power, colour, kelvin, brightness, transitions and flash reach the device."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_MODE,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_FLASH,
    ATTR_HS_COLOR,
    ATTR_TRANSITION,
    DOMAIN as LIGHT_DOMAIN,
    FLASH_LONG,
    FLASH_SHORT,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    ColorMode,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.lifx_lan.protocol import make_hsbk, messages as m
from devtools.fake_lifx import PROFILES, with_profile
from tests.integration.conftest import AddDevice, advance

ENTITY = "light.color_bulb"


async def turn_on(hass: HomeAssistant, entity: str = ENTITY, **data: object) -> None:
    await hass.services.async_call(
        LIGHT_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity, **data}, blocking=True
    )


async def test_turn_on_and_off_with_transition(hass: HomeAssistant, add_device: AddDevice) -> None:
    _, fake = await add_device("color_bulb")
    assert hass.states.get(ENTITY).state == STATE_OFF
    await turn_on(hass, **{ATTR_TRANSITION: 2})
    assert fake.power == 65535
    assert m.LightSetPower.unpack(fake.received[-1].payload).duration == 2000
    # The commanded state shows at once, before any poll.
    assert hass.states.get(ENTITY).state == STATE_ON
    await hass.services.async_call(
        LIGHT_DOMAIN,
        SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: ENTITY, ATTR_TRANSITION: 0.5},
        blocking=True,
    )
    assert fake.power == 0
    assert m.LightSetPower.unpack(fake.received[-1].payload).duration == 500
    assert hass.states.get(ENTITY).state == STATE_OFF


async def test_colour_of_an_off_light_is_set_before_it_fades_in(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("color_bulb")
    await turn_on(hass, **{ATTR_HS_COLOR: (120, 100), ATTR_BRIGHTNESS: 128, ATTR_TRANSITION: 1})
    set_color, set_power = fake.received[-2:]
    assert set_color.pkt_type == m.LightSetColor.pkt_type
    assert m.LightSetColor.unpack(set_color.payload).duration == 0
    assert set_power.pkt_type == m.LightSetPower.pkt_type
    assert m.LightSetPower.unpack(set_power.payload).duration == 1000
    assert fake.color == make_hsbk(hue=120, saturation=1, brightness=128 / 255, kelvin=3500)
    state = hass.states.get(ENTITY)
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.HS
    assert state.attributes[ATTR_HS_COLOR] == (120.0, 100.0)
    assert state.attributes[ATTR_BRIGHTNESS] == 128


async def test_kelvin_is_clamped_to_the_product_range(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    await turn_on(hass, **{ATTR_HS_COLOR: (200, 50)})
    await turn_on(hass, **{ATTR_COLOR_TEMP_KELVIN: 12000, ATTR_TRANSITION: 3})
    assert fake.color.kelvin == 9000
    assert fake.color.saturation == 0
    assert m.LightSetColor.unpack(fake.received[-1].payload).duration == 3000
    state = hass.states.get(ENTITY)
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP
    assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == 9000


async def test_turn_on_a_dark_light_brings_up_brightness(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("color_bulb", color=m.LightHsbk(0, 0, 0, 3500))
    await turn_on(hass)
    assert fake.color.brightness == 65535
    assert fake.power == 65535


async def test_turn_on_of_an_on_light_without_changes_sends_nothing(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    before = len(fake.received)
    await turn_on(hass)
    assert len(fake.received) == before


async def test_white_bulb_offers_colour_temperature_only(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    await add_device("white_bulb")
    state = hass.states.get("light.white_bulb")
    assert state.attributes["supported_color_modes"] == [ColorMode.COLOR_TEMP]


async def test_fixed_white_bulb_only_dims(hass: HomeAssistant, add_device: AddDevice) -> None:
    await add_device(
        "white_bulb", power=65535, profile=with_profile(PROFILES["white_bulb"], product_id=87)
    )
    state = hass.states.get("light.white_bulb")
    assert state.attributes["supported_color_modes"] == [ColorMode.BRIGHTNESS]
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.BRIGHTNESS


@pytest.mark.parametrize(("flash", "cycles"), [(FLASH_SHORT, 1), (FLASH_LONG, 5)])
async def test_flash_uses_a_transient_pulse(
    hass: HomeAssistant, add_device: AddDevice, flash: str, cycles: int
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    await turn_on(hass, **{ATTR_FLASH: flash})
    waveform = m.LightSetWaveformOptional.unpack(fake.received[-1].payload)
    assert waveform.transient
    assert waveform.waveform == m.LightWaveform.PULSE
    assert waveform.cycles == cycles
    assert fake.color == make_hsbk(brightness=1, kelvin=3500)  # transient: unchanged


async def test_command_to_a_silent_device_raises_a_translated_error(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb")
    fake.online = False
    call = hass.async_create_task(turn_on(hass))
    await advance(hass, freezer, 6)
    with pytest.raises(HomeAssistantError) as caught:
        await call
    assert caught.value.translation_key == "command_timeout"
    assert caught.value.translation_placeholders["devices"] == "Color Bulb (d073d5000001)"
    assert str(caught.value).startswith("Color Bulb (d073d5000001) did not answer")
    assert hass.states.get(ENTITY).state == STATE_OFF
