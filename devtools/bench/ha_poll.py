"""Home Assistant's own cost of polling many lifx_lan devices, as a pytest case for the bench.

Not part of the test suite (it asserts no speed, it measures one): scripts/bench runs
it with ``python -m pytest devtools/bench/ha_poll.py`` against fake devices served
by devtools/bench/fake_server.py in another process, so only Home Assistant and the
integration are charged. Time is real, not frozen, and the event loop is out of
debug mode, as in production. Settings come from the environment:

* LIFX_BENCH_HA_PORT: the fake devices' UDP port on 127.0.0.1
* LIFX_BENCH_HA_SERIALS: JSON list of the serials to configure
* LIFX_BENCH_HA_INTERVAL: poll interval in seconds (the integration's default: 10)
* LIFX_BENCH_HA_ROUNDS: how many poll intervals of steady polling are measured
* LIFX_BENCH_HA_OUT: directory for the results, one JSON file per case
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
import time
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from custom_components.lifx_lan.const import CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, DOMAIN
from custom_components.lifx_lan.network import async_get_network
from custom_components.lifx_lan.protocol import LifxClient

# Polls start staggered; a second lets the first round of them settle
SETTLE_SECONDS = 1.0
# Nothing is configured, so there is nothing periodic to wait for
BASELINE_SECONDS = 5.0


def _settings() -> dict[str, Any]:
    if "LIFX_BENCH_HA_OUT" not in os.environ:
        pytest.skip("run by scripts/bench, which serves the fake devices")
    return {
        "port": int(os.environ["LIFX_BENCH_HA_PORT"]),
        "serials": json.loads(os.environ["LIFX_BENCH_HA_SERIALS"]),
        "interval": float(os.environ.get("LIFX_BENCH_HA_INTERVAL", DEFAULT_POLL_INTERVAL)),
        "rounds": int(os.environ["LIFX_BENCH_HA_ROUNDS"]),
        "out": Path(os.environ["LIFX_BENCH_HA_OUT"]),
    }


@pytest.fixture(autouse=True)
def enable_event_loop_debug(event_loop: asyncio.AbstractEventLoop) -> None:
    """Override the plugin's debug mode: it costs several times the CPU being measured."""
    event_loop.set_debug(False)


@pytest.fixture(autouse=True)
def _environment(enable_custom_integrations: None, socket_enabled: None) -> None:
    """Load lifx_lan from custom_components/ and allow UDP on loopback."""


def _clients(hass: HomeAssistant) -> list[LifxClient]:
    """Every LifxClient the entries hold (there should be one, shared)."""
    found: dict[int, LifxClient] = {}
    network = async_get_network(hass)
    if network.client is not None:
        found[id(network.client)] = network.client
    for entry in hass.config_entries.async_entries(DOMAIN):
        coordinator = getattr(entry, "runtime_data", None)
        client = getattr(getattr(coordinator, "device", None), "client", None)
        if isinstance(client, LifxClient):
            found[id(client)] = client
    return list(found.values())


def _sent(clients: list[LifxClient]) -> int:
    return sum(client.transport.sent for client in clients if client.is_open)


async def _measure(hass: HomeAssistant, window: float, rounds: int) -> dict[str, Any]:
    """CPU of this process over `rounds` consecutive windows, and datagrams sent."""
    clients = _clients(hass)
    sent_before = _sent(clients)
    per_round: list[float] = []
    cpu_total = 0.0
    start = time.perf_counter()
    for _ in range(rounds):
        cpu = time.process_time()
        round_start = time.perf_counter()
        await asyncio.sleep(window)
        cpu = time.process_time() - cpu
        cpu_total += cpu
        per_round.append(100 * cpu / (time.perf_counter() - round_start))
    elapsed = time.perf_counter() - start
    return {
        "cpu_s": cpu_total,
        "elapsed_s": elapsed,
        "cpu_pct": 100 * cpu_total / elapsed,
        "rounds_pct": per_round,
        "sent": _sent(clients) - sent_before,
        "clients": len(clients),
    }


async def test_poll_cost(hass: HomeAssistant) -> None:
    """Every device configured and polled at the interval; CPU over whole poll rounds."""
    settings = _settings()
    network = async_get_network(hass)
    network.use_adapter_broadcasts = False
    network.extra_targets = ["127.0.0.1"]
    network.discovery_port = settings["port"]
    options = {}
    if settings["interval"] != DEFAULT_POLL_INTERVAL:
        options[CONF_POLL_INTERVAL] = settings["interval"]
    for serial in settings["serials"]:
        MockConfigEntry(
            domain=DOMAIN,
            unique_id=serial,
            title=serial,
            data={CONF_HOST: "127.0.0.1", CONF_PORT: settings["port"]},
            options=options,
        ).add_to_hass(hass)
    start = time.perf_counter()
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    setup_s = time.perf_counter() - start
    entries = hass.config_entries.async_entries(DOMAIN)
    loaded = sum(entry.state is ConfigEntryState.LOADED for entry in entries)
    await asyncio.sleep(SETTLE_SECONDS)
    result = await _measure(hass, settings["interval"], settings["rounds"])
    result |= {
        "devices": len(entries),
        "loaded": loaded,
        "entities": len(hass.states.async_all()),
        "setup_s": setup_s,
        "interval_s": settings["interval"],
    }
    (settings["out"] / "poll.json").write_text(json.dumps(result))


async def test_baseline(hass: HomeAssistant) -> None:
    """The same Home Assistant with nothing configured: what the harness costs alone."""
    settings = _settings()
    await asyncio.sleep(SETTLE_SECONDS)
    result = await _measure(hass, min(settings["interval"], BASELINE_SECONDS), 1)
    (settings["out"] / "baseline.json").write_text(json.dumps(result))
