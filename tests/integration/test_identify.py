"""The identify button: a light that is off is lit for the pulses and switched off after."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant

from custom_components.lifx_lan.button import IDENTIFY_CYCLES, IDENTIFY_PERIOD
from custom_components.lifx_lan.protocol import messages as m
from devtools.fake_lifx import FakeDevice
from tests.integration.conftest import AddDevice, advance

BUTTON = "button.color_bulb_identify"
LIGHT = "light.color_bulb"
# The pulses take this long. Home Assistant's test clock fires timers up to half a second
# early (it rounds to the half second), so checks keep a second away from the end.
PULSES = IDENTIFY_PERIOD * IDENTIFY_CYCLES


async def press(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: BUTTON}, blocking=True
    )


async def wait(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    await advance(hass, freezer, seconds)
    await hass.async_block_till_done()


def power_commands(fake: FakeDevice) -> list[m.LightSetPower]:
    """The power levels the device was sent, in order."""
    return [
        m.LightSetPower.unpack(received.payload)
        for received in fake.received
        if received.pkt_type == m.LightSetPower.pkt_type
    ]


def light_state(hass: HomeAssistant) -> str:
    state = hass.states.get(LIGHT)
    assert state is not None
    return state.state


async def test_identify_lights_a_light_that_is_off_and_switches_it_off_after_the_pulses(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb", power=0)
    fake.received.clear()

    await press(hass)

    # Lit before the pulses start, so that they are seen.
    kinds = [r.pkt_type for r in fake.received]
    assert kinds.index(m.LightSetPower.pkt_type) < kinds.index(m.LightSetWaveformOptional.pkt_type)
    assert fake.power == 65535
    assert light_state(hass) == STATE_ON
    await wait(hass, freezer, PULSES - 1)
    assert fake.power == 65535

    await wait(hass, freezer, 2)

    assert fake.power == 0
    assert [(c.level, c.duration) for c in power_commands(fake)] == [(65535, 0), (0, 1000)]
    assert light_state(hass) == STATE_OFF
    # Nothing more is sent later on.
    await wait(hass, freezer, 30)
    assert fake.power == 0
    assert len(power_commands(fake)) == 2


async def test_identify_leaves_the_power_of_a_light_that_is_on_alone(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb", power=65535)
    fake.received.clear()

    await press(hass)
    await wait(hass, freezer, PULSES + 5)

    pulse = m.LightSetWaveformOptional.unpack(
        next(r for r in fake.received if r.pkt_type == m.LightSetWaveformOptional.pkt_type).payload
    )
    assert (pulse.cycles, pulse.transient) == (IDENTIFY_CYCLES, True)
    assert power_commands(fake) == []
    assert fake.power == 65535
    assert light_state(hass) == STATE_ON


async def test_identify_pressed_again_switches_off_after_the_last_pulses(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb", power=0)
    await press(hass)
    await wait(hass, freezer, PULSES - 1)

    await press(hass)
    await wait(hass, freezer, PULSES - 1)

    # Past the end of the first pulses, the second ones still run: the light stays lit.
    assert fake.power == 65535
    await wait(hass, freezer, 2)
    assert fake.power == 0
    assert light_state(hass) == STATE_OFF


async def test_a_light_turned_on_while_it_pulses_stays_on(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("color_bulb", power=0)
    await press(hass)
    await wait(hass, freezer, 1)

    await hass.services.async_call(
        LIGHT_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: LIGHT}, blocking=True
    )
    await wait(hass, freezer, PULSES + 5)

    assert fake.power == 65535
    assert light_state(hass) == STATE_ON
