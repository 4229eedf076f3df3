"""The device API against fake devices of every product kind, read back from the fakes."""

from __future__ import annotations

import math

import pytest

from custom_components.lifx_lan.protocol import (
    DeviceAddress,
    LifxClient,
    LifxDevice,
    LifxProtocolError,
    LifxUnsupportedError,
    make_hsbk,
    messages as m,
    signal_to_rssi,
)
from custom_components.lifx_lan.protocol.connection import decode_label, encode_label, milliseconds
from devtools.fake_lifx import PROFILES, FakeDevice, FakeFleet, with_profile

SERIAL = "d073d5000001"


async def make(
    client: LifxClient, fleet: FakeFleet, kind: str, **kwargs: object
) -> tuple[LifxDevice, FakeDevice]:
    fake = fleet.add(kind, SERIAL, **kwargs)
    device = LifxDevice(client, DeviceAddress(SERIAL, "127.0.0.1", fleet.port))
    await device.identify()
    return device, fake


async def test_identify_reads_product_and_firmware(client: LifxClient, fleet: FakeFleet) -> None:
    device, _ = await make(client, fleet, "extended_strip")
    identity = device.identity
    assert identity is not None
    assert identity.product.product_id == 117
    assert identity.firmware_version == "3.70"
    assert identity.capabilities.extended_multizone
    assert device.serial == SERIAL


async def test_capabilities_before_identify_are_conservative(client: LifxClient) -> None:
    device = LifxDevice(client, DeviceAddress(SERIAL, "127.0.0.1", 1))
    assert not device.capabilities.multizone


async def test_light_state_power_colour_and_label(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "color_bulb", label="Kitchen ☕")
    fake.power = 65535
    status = await device.get_light_state()
    assert status.power
    assert status.label == "Kitchen ☕"
    assert status.color == fake.color
    assert await device.get_power()
    assert await device.get_label() == "Kitchen ☕"


async def test_power_and_colour_with_duration(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "color_bulb")
    await device.set_power(True, duration=1.5)
    assert fake.power == 65535
    sent = m.LightSetPower.unpack(fake.received[-1].payload)
    assert sent.duration == 1500
    colour = make_hsbk(hue=120, saturation=1, brightness=0.5, kelvin=4000)
    await device.set_color(colour, duration=0.25)
    assert fake.color == colour
    assert m.LightSetColor.unpack(fake.received[-1].payload).duration == 250
    await device.set_power(False)
    assert fake.power == 0


async def test_switch_power_uses_the_device_message(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "switch")
    await device.set_power(True)
    assert fake.received[-1].pkt_type == m.DeviceSetPower.pkt_type
    assert fake.power == 65535


async def test_label_group_location_wifi_and_echo(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "color_bulb")
    await device.set_label("Desk lamp")
    assert fake.label == "Desk lamp"
    group = await device.get_group()
    assert group.label == "Living Room"
    assert group.id == "01" * 16
    location = await device.get_location()
    assert location.label == "Home"
    assert await device.get_wifi_rssi() == -52
    assert await device.echo(b"ping") == b"ping"
    assert len(await device.echo()) == 64
    await device.reboot()
    assert fake.received[-1].pkt_type == m.DeviceSetReboot.pkt_type


async def test_waveform_fields_reach_the_device(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "color_bulb")
    colour = make_hsbk(hue=0, saturation=1, brightness=1)
    await device.set_waveform(
        colour,
        waveform=m.LightWaveform.PULSE,
        period=0.5,
        cycles=3,
        skew_ratio=0.25,
        set_kelvin=False,
    )
    sent = m.LightSetWaveformOptional.unpack(fake.received[-1].payload)
    assert sent.waveform == m.LightWaveform.PULSE
    assert sent.period == 500
    assert sent.cycles == 3
    assert sent.skew_ratio == round(0.25 * 65535 - 32768)
    assert sent.transient
    assert not sent.set_kelvin
    assert sent.set_hue


async def test_legacy_strip_zones_read_and_written(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "strip")
    assert not device.capabilities.extended_multizone
    assert await device.get_zones() == fake.zones
    red, blue = make_hsbk(hue=0, saturation=1), make_hsbk(hue=240, saturation=1)
    await device.set_zones([red] * 4 + [blue] * 4, start=4, duration=1)
    assert fake.zones[4:8] == [red] * 4
    assert fake.zones[8:12] == [blue] * 4
    # Runs of one colour go as one packet; only the last one applies.
    sets = [
        m.MultiZoneSetColorZones.unpack(r.payload)
        for r in fake.received
        if r.pkt_type == m.MultiZoneSetColorZones.pkt_type
    ]
    assert [(s.start_index, s.end_index, int(s.apply)) for s in sets] == [(4, 7, 0), (8, 11, 1)]
    await device.set_zones([])
    with pytest.raises(LifxProtocolError):
        await device.set_zones([red] * 300)


async def test_one_zone_strip(client: LifxClient, fleet: FakeFleet) -> None:
    from devtools.fake_lifx import PROFILES, with_profile

    fake = fleet.add_profile(with_profile(PROFILES["strip"], zones=1), SERIAL)
    device = LifxDevice(client, DeviceAddress(SERIAL, "127.0.0.1", fleet.port))
    await device.identify()
    assert await device.get_zones() == fake.zones


async def test_extended_strip_beyond_82_zones(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "extended_strip")
    assert await device.get_zones() == fake.zones
    colours = [make_hsbk(hue=i * 3, saturation=1) for i in range(120)]
    await device.set_zones(colours, duration=0.5)
    assert fake.zones == colours
    sets = [
        m.MultiZoneExtendedSetColorZones.unpack(r.payload)
        for r in fake.received
        if r.pkt_type == m.MultiZoneExtendedSetColorZones.pkt_type
    ]
    assert [(s.index, s.colors_count, int(s.apply)) for s in sets] == [(0, 82, 0), (82, 38, 1)]
    with pytest.raises(LifxProtocolError):
        await device.set_zones(colours, start=-1)


async def test_multizone_effect(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "extended_strip")
    await device.set_multizone_effect(m.MultiZoneEffectType.MOVE, speed=2, reverse=True)
    assert fake.multizone_effect.type == m.MultiZoneEffectType.MOVE
    assert fake.multizone_effect.speed == 2000
    effect = await device.get_multizone_effect()
    assert effect.kind == m.MultiZoneEffectType.MOVE
    assert effect.parameters[1] == 1


async def test_tile_chain_colours_read_and_written(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "tile")
    chain = await device.get_device_chain()
    assert [(t.index, t.width, t.height) for t in chain] == [(i, 8, 8) for i in range(5)]
    assert await device.get_tile_colors(chain[2]) == fake.tile_colors[2]
    colours = [make_hsbk(hue=i, saturation=1) for i in range(64)]
    await device.set_tile_colors(chain[3], colours, duration=1)
    assert fake.tile_colors[3] == colours
    assert fake.tile_colors[2] != colours


async def test_ceiling_of_128_zones_needs_two_get64(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "ceiling")
    (tile,) = await device.get_device_chain()
    assert (tile.width, tile.height) == (16, 8)
    assert await device.get_tile_colors(tile) == fake.tile_colors[0]
    gets = [r for r in fake.received if r.pkt_type == m.TileGet64.pkt_type]
    assert [m.TileGet64.unpack(r.payload).rect.y for r in gets] == [0, 4]
    colours = [make_hsbk(hue=i * 2, saturation=1) for i in range(128)]
    await device.set_tile_colors(tile, colours)
    assert fake.tile_colors[0] == colours


async def test_tile_effects_with_palette_and_sky(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "ceiling")
    palette = [make_hsbk(hue=h, saturation=1) for h in (0, 120, 240)]
    await device.set_tile_effect(m.TileEffectType.MORPH, speed=5, palette=palette)
    assert fake.tile_effect.type == m.TileEffectType.MORPH
    assert fake.tile_effect.palette_count == 3
    effect = await device.get_tile_effect()
    assert effect.palette == tuple(palette)
    await device.set_tile_effect(m.TileEffectType.SKY, sky_type=m.TileEffectSkyType.CLOUDS)
    assert fake.tile_effect.parameter.parameter0 == m.TileEffectSkyType.CLOUDS
    with pytest.raises(LifxProtocolError):
        await device.set_tile_effect(m.TileEffectType.MORPH, palette=palette * 6)


async def test_hev_cycle(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "hev")
    await device.set_hev_cycle(True, 3600)
    cycle = await device.get_hev_cycle()
    assert cycle.active
    assert cycle.remaining_s == 3600
    await device.set_hev_cycle(False)
    assert not (await device.get_hev_cycle()).active
    config = await device.get_hev_config()
    assert config.duration_s == 7200
    assert await device.get_last_hev_result() == m.LightLastHevCycleResult.SUCCESS
    assert fake.hev_remaining == 0


async def test_infrared(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "infrared")
    await device.set_infrared(30000)
    assert fake.infrared == 30000
    assert await device.get_infrared() == 30000
    with pytest.raises(LifxProtocolError):
        await device.set_infrared(70000)


async def test_relays(client: LifxClient, fleet: FakeFleet) -> None:
    device, fake = await make(client, fleet, "switch")
    await device.set_relay_power(2, True)
    assert fake.relays == [0, 0, 65535, 0]
    assert await device.get_relay_power(2)
    assert not await device.get_relay_power(0)


async def test_unsupported_messages_raise(client: LifxClient, fleet: FakeFleet) -> None:
    device, _ = await make(client, fleet, "color_bulb")
    with pytest.raises(LifxUnsupportedError):
        await device.get_hev_cycle()


async def test_move_to_follows_a_new_address(client: LifxClient, fleet: FakeFleet) -> None:
    device, _ = await make(client, fleet, "color_bulb")
    other = await FakeFleet.start()
    try:
        moved = other.add("color_bulb", SERIAL, label="Moved")
        device.move_to("127.0.0.1", other.port)
        assert (await device.get_light_state()).label == "Moved"
        assert moved.received
    finally:
        other.close()


def test_labels_and_durations() -> None:
    assert decode_label(b"abc\x00garbage") == "abc"
    assert decode_label(b"\xff\xfe") == "\ufffd\ufffd"
    assert len(encode_label("é" * 40)) == 32
    assert decode_label(encode_label("é" * 40)) == "é" * 16
    assert milliseconds(-1) == 0
    assert milliseconds(10**9) == 0xFFFFFFFF


def test_rssi_from_milliwatts_or_dbm() -> None:
    assert signal_to_rssi(-60.0) == -60
    assert signal_to_rssi(1e-6) == -60
    assert signal_to_rssi(0.0) == 0
    assert signal_to_rssi(-150.0) == -150
    assert signal_to_rssi(1000.0) == 30


@pytest.mark.parametrize(
    "signal",
    [math.nan, math.inf, -math.inf, 3.4e38, -3.4e38, 1e-30, 5e-324, -151.0, 1e4],
)
def test_rssi_of_a_non_finite_or_impossible_signal_is_unknown(signal: float) -> None:
    assert signal_to_rssi(signal) is None


@pytest.mark.parametrize("signal", [math.nan, math.inf, -math.inf])
async def test_wifi_rssi_of_a_device_reporting_a_non_finite_signal_is_unknown(
    client: LifxClient, fleet: FakeFleet, signal: float
) -> None:
    # The float32 goes over the wire as the device sent it.
    fleet.add_profile(with_profile(PROFILES["color_bulb"], wifi_signal=signal), SERIAL)
    device = LifxDevice(client, DeviceAddress(SERIAL, "127.0.0.1", fleet.port))

    assert await device.get_wifi_rssi() is None


@pytest.mark.parametrize("kind", sorted(PROFILES))
async def test_set_up_and_poll_give_each_product_its_whole_state(
    client: LifxClient, fleet: FakeFleet, kind: str
) -> None:
    fake = fleet.add(kind, SERIAL, power=65535, label="Thing")
    device = LifxDevice(client, DeviceAddress(SERIAL, "127.0.0.1", fleet.port))
    profile = await device.set_up()
    assert profile.group == "Living Room"
    assert len(profile.chain) == len(fake.profile.tiles)
    assert profile.relay_count == fake.profile.relays
    state = await device.poll(rssi=True)
    assert state.power
    assert state.label == "Thing"
    assert list(state.zones) == fake.zones
    assert [list(tile) for tile in state.tiles] == fake.tile_colors
    assert len(state.relays) == fake.profile.relays
    assert state.rssi == -52
    assert (state.hev is not None) == fake.profile.hev
    assert (state.infrared is not None) == fake.profile.infrared
    # Without asking the signal again, the previous reading stays
    assert (await device.poll(previous=state)).rssi == -52


async def test_firmware_that_refuses_effects_is_polled_without_them(
    client: LifxClient, fleet: FakeFleet
) -> None:
    fake = fleet.add("strip", SERIAL, power=65535)
    fake.unhandled.add(m.MultiZoneGetEffect.pkt_type)
    device = LifxDevice(client, DeviceAddress(SERIAL, "127.0.0.1", fleet.port))
    await device.set_up()
    state = await device.poll()
    assert state.effect is None
    assert not device.effects_supported
    effect_asks = len([r for r in fake.received if r.pkt_type == m.MultiZoneGetEffect.pkt_type])
    await device.poll()
    assert len([r for r in fake.received if r.pkt_type == m.MultiZoneGetEffect.pkt_type]) == (
        effect_asks
    )


async def test_a_poll_raises_the_error_of_a_request_that_failed(
    client: LifxClient, fleet: FakeFleet
) -> None:
    fake = fleet.add("hev", SERIAL, power=65535)
    device = LifxDevice(client, DeviceAddress(SERIAL, "127.0.0.1", fleet.port))
    await device.set_up()
    fake.unhandled.add(m.LightGetHevCycle.pkt_type)
    with pytest.raises(LifxUnsupportedError):
        await device.poll()
