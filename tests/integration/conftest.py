"""Fixtures for integration tests: Home Assistant with lifx_lan and fake devices on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
import math
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.network import LifxNetwork, async_get_network
from devtools.fake_lifx import FakeDevice, FakeFleet

SERIALS = {
    "color_bulb": "d073d5000001",
    "white_bulb": "d073d5000002",
    "strip": "d073d5000003",
    "extended_strip": "d073d5000004",
    "tile": "d073d5000005",
    "ceiling": "d073d5000006",
    "switch": "d073d5000007",
    "hev": "d073d5000008",
    "infrared": "d073d5000009",
    "ceiling_13": "d073d500000a",
    "mirror": "d073d500000b",
    "dimmer_switch": "d073d500000c",
    "everyday_strip": "d073d500000d",
}


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Enable the entities that are disabled by default (as Home Assistant's own tests do)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Load lifx_lan from custom_components/."""


# Executor work (integration loading, imports, file reads) running for each loop's tests
_EXECUTOR_WORK: dict[asyncio.AbstractEventLoop, set[asyncio.Future[Any]]] = {}


@pytest.fixture(autouse=True)
def _track_executor_work(hass: HomeAssistant) -> Iterator[None]:
    """Record every executor job, so that moving frozen time can wait for them first.

    Executor jobs take real time that no frozen clock covers: a test that ticks time past a
    flow's deadline while the flow still waits on a thread (loading an integration, say)
    would depend on how fast the machine is.
    """
    loop = hass.loop
    pending: set[asyncio.Future[Any]] = set()
    original = loop.run_in_executor

    def run_in_executor(executor: Any, func: Callable[..., Any], *args: Any) -> Any:
        future = original(executor, func, *args)
        pending.add(future)
        future.add_done_callback(pending.discard)
        return future

    _EXECUTOR_WORK[loop] = pending
    with patch.object(loop, "run_in_executor", run_in_executor):
        yield
    del _EXECUTOR_WORK[loop]


async def executor_idle(hass: HomeAssistant) -> None:
    """Wait (in real time, not frozen time) until no executor job is running."""
    while pending := _EXECUTOR_WORK.get(hass.loop):
        await asyncio.wait(list(pending))
        # What finished hands its result on with call_soon: let that run
        await asyncio.sleep(0)


@pytest.fixture
def network(hass: HomeAssistant, fleet: FakeFleet) -> LifxNetwork:
    """Discovery aimed at the fake fleet only: nothing leaves loopback."""
    lifx_network = async_get_network(hass)
    lifx_network.use_adapter_broadcasts = False
    lifx_network.extra_targets = ["127.0.0.1"]
    lifx_network.discovery_port = fleet.port
    return lifx_network


type AddDevice = Callable[..., Awaitable[tuple[MockConfigEntry, FakeDevice]]]


@pytest.fixture
async def add_device(
    hass: HomeAssistant, fleet: FakeFleet, network: LifxNetwork
) -> AsyncIterator[AddDevice]:
    """Add a fake device of a kind and set up its config entry."""
    entries: list[MockConfigEntry] = []

    async def add(
        kind: str, *, serial: str | None = None, setup: bool = True, **device: Any
    ) -> tuple[MockConfigEntry, FakeDevice]:
        serial = serial or SERIALS[kind]
        device.setdefault("label", kind.replace("_", " ").title())
        profile = device.pop("profile", None)
        fake = (
            fleet.add(kind, serial, **device)
            if profile is None
            else fleet.add_profile(profile, serial, **device)
        )
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=serial,
            title=device["label"],
            data={CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port},
        )
        entry.add_to_hass(hass)
        entries.append(entry)
        if setup:
            await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
        return entry, fake

    yield add
    for entry in entries:
        if entry.state.recoverable:
            await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move frozen time forward in small steps, letting UDP replies and timers run.

    The client's retransmission and deadline timers are event-loop timers, so under the
    freezer they fire only when the test moves time; replies still arrive at once.
    """
    step = 0.1
    for _ in range(math.ceil(seconds / step)):
        await executor_idle(hass)
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed(hass)
        for _ in range(5):
            await asyncio.sleep(0)
