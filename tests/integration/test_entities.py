"""Switches, selects, buttons, sensors and binary sensors reach and read the device."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.lifx_lan.const import DEFAULT_POLL_INTERVAL
from custom_components.lifx_lan.protocol import messages as m
from devtools.fake_lifx import PROFILES, with_profile
from tests.integration.conftest import AddDevice, advance


async def call(hass: HomeAssistant, domain: str, service: str, entity: str, **data: object) -> None:
    await hass.services.async_call(domain, service, {ATTR_ENTITY_ID: entity, **data}, blocking=True)


async def test_relays_switch_independently(hass: HomeAssistant, add_device: AddDevice) -> None:
    _, fake = await add_device("switch")
    await call(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, "switch.switch_relay_2")
    assert fake.relays == [0, 65535, 0, 0]
    assert hass.states.get("switch.switch_relay_2").state == STATE_ON
    assert hass.states.get("switch.switch_relay_1").state == STATE_OFF
    await call(hass, SWITCH_DOMAIN, SERVICE_TURN_OFF, "switch.switch_relay_2")
    assert fake.relays == [0, 0, 0, 0]
    assert hass.states.get("switch.switch_relay_2").state == STATE_OFF


async def test_relay_changed_elsewhere_shows_after_a_poll(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, fake = await add_device("switch")
    fake.relays[3] = 65535  # someone pressed the wall switch
    await advance(hass, freezer, 11)
    await hass.async_block_till_done()
    assert hass.states.get("switch.switch_relay_4").state == STATE_ON


async def test_hev_clean_cycle(hass: HomeAssistant, add_device: AddDevice) -> None:
    _, fake = await add_device("hev")
    assert hass.states.get("binary_sensor.hev_cleaning").state == STATE_OFF
    await call(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, "switch.hev_clean_cycle")
    assert fake.hev_remaining == 7200
    assert hass.states.get("switch.hev_clean_cycle").state == STATE_ON
    assert hass.states.get("binary_sensor.hev_cleaning").state == STATE_ON
    assert hass.states.get("sensor.hev_clean_cycle_remaining").state == "120.0"  # minutes
    assert hass.states.get("sensor.hev_last_clean_cycle").state == "success"
    await call(hass, SWITCH_DOMAIN, SERVICE_TURN_OFF, "switch.hev_clean_cycle")
    assert fake.hev_remaining == 0
    assert hass.states.get("binary_sensor.hev_cleaning").state == STATE_OFF


@pytest.mark.parametrize(
    ("option", "level"), [("off", 0), ("low", 16383), ("medium", 32767), ("high", 65535)]
)
async def test_infrared_levels(
    hass: HomeAssistant, add_device: AddDevice, option: str, level: int
) -> None:
    _, fake = await add_device("infrared")
    await call(
        hass, SELECT_DOMAIN, SERVICE_SELECT_OPTION, "select.infrared_infrared_brightness",
        **{ATTR_OPTION: option},
    )  # fmt: skip
    assert fake.infrared == level
    assert hass.states.get("select.infrared_infrared_brightness").state == option


async def test_identify_pulses_and_restart_reboots(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("color_bulb")
    await call(hass, BUTTON_DOMAIN, SERVICE_PRESS, "button.color_bulb_identify")
    pulse = m.LightSetWaveformOptional.unpack(fake.received[-1].payload)
    assert pulse.transient
    assert pulse.cycles == 3
    await call(hass, BUTTON_DOMAIN, SERVICE_PRESS, "button.color_bulb_restart")
    assert fake.received[-1].pkt_type == m.DeviceSetReboot.pkt_type


async def test_switch_refusing_a_message_raises_unsupported(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, fake = await add_device("switch")
    fake.unhandled.add(m.RelaySetPower.pkt_type)
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, "switch.switch_relay_1")
    assert caught.value.translation_key == "command_unsupported"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_rssi_is_polled_only_while_its_sensor_is_enabled(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    entry, fake = await add_device("color_bulb")
    assert hass.states.get("sensor.color_bulb_signal_strength").state == "-52"
    assert entry.runtime_data.rssi_wanted == 1
    assert any(r.pkt_type == m.DeviceGetWifiInfo.pkt_type for r in fake.received)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("signal", [float("nan"), float("inf"), float("-inf")])
async def test_a_non_finite_wifi_signal_reads_unknown_and_the_device_stays_available(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory, signal: float
) -> None:
    profile = with_profile(PROFILES["color_bulb"], wifi_signal=signal)
    _, fake = await add_device("color_bulb", profile=profile)

    for _ in range(3):
        fake.received.clear()
        await advance(hass, freezer, DEFAULT_POLL_INTERVAL)
        assert any(r.pkt_type == m.DeviceGetWifiInfo.pkt_type for r in fake.received)
        assert hass.states.get("light.color_bulb").state == STATE_OFF
        assert hass.states.get("sensor.color_bulb_signal_strength").state == STATE_UNKNOWN


async def test_rssi_is_not_polled_by_default(hass: HomeAssistant, add_device: AddDevice) -> None:
    entry, fake = await add_device("color_bulb")
    assert hass.states.get("sensor.color_bulb_signal_strength") is None
    assert entry.runtime_data.rssi_wanted == 0
    assert not any(r.pkt_type == m.DeviceGetWifiInfo.pkt_type for r in fake.received)


async def test_poll_reads_only_what_the_product_has(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    _, bulb = await add_device("color_bulb")
    polled = {r.pkt_type for r in bulb.received}
    assert m.LightGet.pkt_type in polled
    assert not polled & {
        m.MultiZoneGetColorZones.pkt_type,
        m.TileGet64.pkt_type,
        m.LightGetHevCycle.pkt_type,
        m.LightGetInfrared.pkt_type,
        m.RelayGetPower.pkt_type,
    }
    _, strip = await add_device("extended_strip")
    assert m.MultiZoneExtendedGetColorZones.pkt_type in {r.pkt_type for r in strip.received}
