"""How together a LIFX scene reaches many devices, as a pytest case for devtools.bench.scene_spread.

Not part of the test suite (it asserts nothing about speed, it measures): scene_spread
runs it with ``python -m pytest devtools/bench/ha_scene.py`` against fake devices served
by devtools/bench/fake_server.py in another process, which stamps every datagram's arrival
with the kernel's clock. Time is real, and the event loop is out of debug mode, as in
production. This case configures every device, captures them all into one scene, then
paints over them and activates the scene again and again, writing the wall-clock window
of each activation (the kernel stamps share that clock) for scene_spread to cut the
arrivals by. Settings come from the environment:

* LIFX_BENCH_SCENE_PORT: the fake devices' UDP port on 127.0.0.1
* LIFX_BENCH_SCENE_SERIALS: JSON list of the serials to configure
* LIFX_BENCH_SCENE_ACTIVATIONS: how many times the scene is activated
* LIFX_BENCH_SCENE_OUT: directory for the result (windows.json)
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
import time
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from custom_components.lifx_lan.const import CONF_POLL_INTERVAL, DOMAIN
from custom_components.lifx_lan.network import async_get_network

# Polls must not fall inside an activation's window: the longest interval there is.
POLL_INTERVAL = 300
# Quiet time around each activation, so that nothing else lands in its window
QUIET = 0.3


def _settings() -> dict[str, Any]:
    if "LIFX_BENCH_SCENE_OUT" not in os.environ:
        pytest.skip("run by python -m devtools.bench.scene_spread, which serves the devices")
    return {
        "port": int(os.environ["LIFX_BENCH_SCENE_PORT"]),
        "serials": json.loads(os.environ["LIFX_BENCH_SCENE_SERIALS"]),
        "activations": int(os.environ["LIFX_BENCH_SCENE_ACTIVATIONS"]),
        "out": Path(os.environ["LIFX_BENCH_SCENE_OUT"]),
    }


@pytest.fixture(autouse=True)
def enable_event_loop_debug(event_loop: asyncio.AbstractEventLoop) -> None:
    """Override the plugin's debug mode: it slows the loop being measured."""
    event_loop.set_debug(False)


@pytest.fixture(autouse=True)
def _environment(enable_custom_integrations: None, socket_enabled: None) -> None:
    """Load lifx_lan from custom_components/ and allow UDP on loopback."""


async def test_scene_spread(hass: HomeAssistant) -> None:
    """One scene over every device, activated again and again; the windows written."""
    settings = _settings()
    network = async_get_network(hass)
    network.use_adapter_broadcasts = False
    network.extra_targets = []
    for serial in settings["serials"]:
        MockConfigEntry(
            domain=DOMAIN,
            unique_id=serial,
            title=serial,
            data={CONF_HOST: "127.0.0.1", CONF_PORT: settings["port"]},
            options={CONF_POLL_INTERVAL: POLL_INTERVAL},
        ).add_to_hass(hass)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    entries = hass.config_entries.async_entries(DOMAIN)
    assert all(entry.state is ConfigEntryState.LOADED for entry in entries)
    registry = er.async_get(hass)
    lights = [
        entity.entity_id
        for entity in registry.entities.values()
        if entity.platform == DOMAIN
        and entity.domain == "light"
        and not entity.unique_id.endswith(("_uplight", "_downlight"))
    ]
    await hass.services.async_call(
        DOMAIN, "set_state", {ATTR_ENTITY_ID: lights, "power": True}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "paint_theme", {ATTR_ENTITY_ID: lights, "theme": "aurora"}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "create_scene", {ATTR_ENTITY_ID: lights, "name": "Bench"}, blocking=True
    )
    windows: list[tuple[int, int]] = []
    for number in range(settings["activations"]):
        await hass.services.async_call(
            DOMAIN,
            "set_state",
            {ATTR_ENTITY_ID: lights, "hs_color": [number * 40 % 360, 100], "power": True},
            blocking=True,
        )
        await asyncio.sleep(QUIET)
        start = time.time_ns()
        await hass.services.async_call(
            "scene", "turn_on", {ATTR_ENTITY_ID: "scene.bench"}, blocking=True
        )
        windows.append((start, time.time_ns()))
        await asyncio.sleep(QUIET)
    (settings["out"] / "windows.json").write_text(
        json.dumps({"windows": windows, "lights": len(lights)})
    )
