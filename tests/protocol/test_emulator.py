"""Our client against lifx-emulator-core, an independent implementation of the devices."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
from pathlib import Path
import sys

import pytest

from custom_components.lifx_lan.protocol import (
    DeviceAddress,
    LifxClient,
    LifxDevice,
    LifxUnsupportedError,
    discover,
    make_hsbk,
    messages as m,
)
from devtools.emulator.process import EmulatorFleet, EmulatorUnavailable

ROOT = Path(__file__).resolve().parents[2]
# The emulator is another process: its replies take real time to come back
pytestmark = pytest.mark.real_clock

FLEET = [
    {"serial": "d073d5000001", "product_id": 27, "label": "Colour"},
    {"serial": "d073d5000002", "product_id": 50, "label": "White"},
    {"serial": "d073d5000003", "product_id": 117, "label": "Strip", "zones": 120},
    {"serial": "d073d5000004", "product_id": 55, "label": "Tiles", "tiles": 5},
    {"serial": "d073d5000005", "product_id": 201, "label": "Ceiling"},
    {"serial": "d073d5000006", "product_id": 70, "label": "Switch"},
    {"serial": "d073d5000007", "product_id": 90, "label": "Clean"},
    {"serial": "d073d5000008", "product_id": 29, "label": "Night"},
    {"serial": "d073d5000009", "product_id": 32, "label": "Old strip", "zones": 16,
     "firmware": [2, 60]},
    {"serial": "d073d500000a", "product_id": 265, "label": "Ceiling 13"},
]  # fmt: skip


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorFleet]:
    try:
        fleet = EmulatorFleet(FLEET)
        await fleet.__aenter__()
    except EmulatorUnavailable as err:
        pytest.skip(f"lifx-emulator-core is not installed: {err}")
    try:
        yield fleet
    finally:
        await fleet.__aexit__(None, None, None)


@pytest.fixture
async def lifx() -> AsyncIterator[LifxClient]:
    async with LifxClient() as client:
        yield client


async def device(lifx: LifxClient, emulator: EmulatorFleet, serial: str) -> LifxDevice:
    where = emulator.device(serial)
    found = LifxDevice(lifx, DeviceAddress(serial, where.host, where.port))
    await found.identify()
    return found


async def test_discovery_finds_the_whole_fleet(lifx: LifxClient, emulator: EmulatorFleet) -> None:
    # The emulator listens on 127.0.0.1 only, so its "broadcast" is a tagged unicast.
    devices = await discover(
        lifx, broadcast_addresses=[emulator.host], port=emulator.port, timeout=0.5
    )
    assert [d.serial for d in devices] == [d["serial"] for d in FLEET]
    assert {d.port for d in devices} == {emulator.port}


async def test_identity_matches_the_emulated_products(
    lifx: LifxClient, emulator: EmulatorFleet
) -> None:
    for spec in FLEET:
        found = await device(lifx, emulator, str(spec["serial"]))
        assert found.identity is not None
        assert found.identity.product.product_id == spec["product_id"]
        assert found.identity.product.known
    strip = await device(lifx, emulator, "d073d5000003")
    assert strip.capabilities.extended_multizone
    old = await device(lifx, emulator, "d073d5000009")
    assert not old.capabilities.extended_multizone


async def test_a_ceiling_13_is_known_and_its_tile_is_the_size_of_its_layout(
    lifx: LifxClient, emulator: EmulatorFleet
) -> None:
    # A product from the registry's 2026 additions, as an independent implementation has it.
    ceiling = await device(lifx, emulator, "d073d500000a")
    assert ceiling.identity is not None
    product = ceiling.identity.product
    assert product.name == 'LIFX Ceiling 13"'
    assert ceiling.capabilities.matrix
    (tile,) = await ceiling.get_device_chain()
    assert (tile.width, tile.height) == product.matrix_size == (8, 8)
    assert product.uplight_zone == 63


async def test_power_and_colour_reach_the_emulator(
    lifx: LifxClient, emulator: EmulatorFleet
) -> None:
    bulb = await device(lifx, emulator, "d073d5000001")
    await bulb.set_power(True)
    colour = make_hsbk(hue=120, saturation=1, brightness=0.5, kelvin=4000)
    await bulb.set_color(colour)
    state = await emulator.state("d073d5000001")
    assert state["power"] == 65535
    assert state["color"] == list(colour)
    status = await bulb.get_light_state()
    assert status.power
    assert status.color == colour
    assert status.label == "Colour"
    assert await bulb.get_label() == "Colour"
    assert (await bulb.get_group()).label == state["group"]
    assert await bulb.echo(b"hello") == b"hello"
    assert isinstance(await bulb.get_wifi_rssi(), int)


async def test_white_bulb_keeps_its_colour_temperature(
    lifx: LifxClient, emulator: EmulatorFleet
) -> None:
    white = await device(lifx, emulator, "d073d5000002")
    assert not white.capabilities.color
    await white.set_color(make_hsbk(brightness=0.3, kelvin=2700))
    state = await emulator.state("d073d5000002")
    assert state["color"][3] == 2700


async def test_extended_strip_of_120_zones(lifx: LifxClient, emulator: EmulatorFleet) -> None:
    strip = await device(lifx, emulator, "d073d5000003")
    colours = [make_hsbk(hue=i * 3, saturation=1, brightness=0.5) for i in range(120)]
    await strip.set_zones(colours)
    state = await emulator.state("d073d5000003")
    assert [tuple(z) for z in state["zones"]] == [tuple(c) for c in colours]
    assert await strip.get_zones() == colours


async def test_legacy_strip_zones(lifx: LifxClient, emulator: EmulatorFleet) -> None:
    strip = await device(lifx, emulator, "d073d5000009")
    red = make_hsbk(hue=0, saturation=1)
    await strip.set_zones([red] * 5, start=3)
    zones = await strip.get_zones()
    assert len(zones) == 16
    assert zones[3:8] == [red] * 5
    state = await emulator.state("d073d5000009")
    assert [tuple(z) for z in state["zones"][3:8]] == [tuple(red)] * 5


async def test_tile_chain_and_128_zone_ceiling(lifx: LifxClient, emulator: EmulatorFleet) -> None:
    tiles = await device(lifx, emulator, "d073d5000004")
    chain = await tiles.get_device_chain()
    assert len(chain) == 5
    colours = [make_hsbk(hue=i * 5, saturation=1) for i in range(64)]
    await tiles.set_tile_colors(chain[2], colours)
    assert await tiles.get_tile_colors(chain[2]) == colours

    ceiling = await device(lifx, emulator, "d073d5000005")
    (tile,) = await ceiling.get_device_chain()
    assert tile.width * tile.height == 128
    colours = [make_hsbk(hue=i * 2, saturation=1) for i in range(128)]
    await ceiling.set_tile_colors(tile, colours)
    assert await ceiling.get_tile_colors(tile) == colours
    state = await emulator.state("d073d5000005")
    assert [tuple(c) for c in state["tiles"][0]["colors"]] == [tuple(c) for c in colours]


async def test_a_band_of_rows_painted_leaves_every_other_row_as_it_was(
    lifx: LifxClient, emulator: EmulatorFleet
) -> None:
    ceiling = await device(lifx, emulator, "d073d5000005")
    (tile,) = await ceiling.get_device_chain()
    picture = [make_hsbk(hue=i * 2, saturation=1) for i in range(128)]
    await ceiling.set_tile_colors(tile, picture)
    # Rows 5 and 6 are asked for; row 7 reaches the same Set64 and is sent as the frame
    # has it. Rows 0 to 4 differ in the frame too, but are not asked for: never sent.
    frame = [make_hsbk(hue=100, saturation=1)] * 128
    frame[5 * 16 : 7 * 16] = [make_hsbk(hue=200, saturation=0.5)] * 32
    frame[7 * 16 :] = picture[7 * 16 :]
    await ceiling.set_tile_colors(tile, frame, rows=range(5, 7))
    expected = picture[: 5 * 16] + frame[5 * 16 :]
    assert await ceiling.get_tile_colors(tile) == expected
    state = await emulator.state("d073d5000005")
    assert [tuple(c) for c in state["tiles"][0]["colors"]] == [tuple(c) for c in expected]


async def test_effects(lifx: LifxClient, emulator: EmulatorFleet) -> None:
    strip = await device(lifx, emulator, "d073d5000003")
    await strip.set_multizone_effect(m.MultiZoneEffectType.MOVE, speed=3)
    assert (await strip.get_multizone_effect()).kind == m.MultiZoneEffectType.MOVE
    tiles = await device(lifx, emulator, "d073d5000004")
    await tiles.set_tile_effect(m.TileEffectType.FLAME, speed=4)
    assert (await tiles.get_tile_effect()).kind == m.TileEffectType.FLAME


async def test_hev_infrared_and_relays(lifx: LifxClient, emulator: EmulatorFleet) -> None:
    clean = await device(lifx, emulator, "d073d5000007")
    await clean.set_hev_cycle(True, 1800)
    cycle = await clean.get_hev_cycle()
    assert cycle.duration_s == 1800
    assert cycle.active
    assert (await clean.get_hev_config()).duration_s > 0

    night = await device(lifx, emulator, "d073d5000008")
    await night.set_infrared(40000)
    assert await night.get_infrared() == 40000
    assert (await emulator.state("d073d5000008"))["infrared"] == 40000

    switch = await device(lifx, emulator, "d073d5000006")
    assert not switch.capabilities.is_light
    await switch.set_relay_power(1, True)
    assert await switch.get_relay_power(1)
    assert (await emulator.state("d073d5000006"))["relays"][1] == 65535
    with pytest.raises(LifxUnsupportedError):
        await switch.get_light_state()


async def run_cli(*argv: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "custom_components.lifx_lan.protocol", *argv,
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_cli_discovers_and_controls_the_emulator(emulator: EmulatorFleet) -> None:
    code, out, err = await run_cli(
        "discover", "--broadcast", emulator.host, "--port", str(emulator.port),
        "--timeout", "0.5", "--json",
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["serial"], r["product_id"], r["label"]) for r in rows] == [
        (d["serial"], d["product_id"], d["label"]) for d in FLEET
    ]
    assert all(r["host"] == emulator.host and r["port"] == emulator.port for r in rows)

    target = f"{emulator.host}:{emulator.port}"
    serial = "d073d5000001"
    code, _, err = await run_cli("power", target, "--serial", serial, "on")
    assert code == 0, err
    code, _, err = await run_cli(
        "color", target, "--serial", serial, "--hue", "240", "--saturation", "1",
        "--brightness", "0.5",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = await run_cli("state", target, "--serial", serial, "--json")
    assert code == 0, err
    state = json.loads(out)
    assert state["power"] is True
    assert state["hue"] == pytest.approx(240, abs=0.01)
    assert state["saturation"] == 1.0
    assert state["brightness"] == pytest.approx(0.5, abs=0.001)
    assert state["product_id"] == 27
    assert state["product_name"] == "LIFX A19"
    assert state["firmware"] == "3.70"
    assert (await emulator.state(serial))["power"] == 65535

    await emulator.set_offline(serial)
    code, out, err = await run_cli("power", target, "--serial", serial, "off", "--timeout", "0.3")
    assert code == 1
    assert err.startswith("error: ")
    assert "Traceback" not in err
