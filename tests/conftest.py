"""Shared fixtures: real UDP sockets on loopback, fake LIFX fleets and the client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import sys

import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import paths, props

from custom_components.lifx_lan.protocol import LifxClient, RetrySchedule
from devtools.fake_lifx import FakeFleet

# Event loops made by pytest_runtest_setup, closed again after their test
_LOOPS_MADE: list[asyncio.AbstractEventLoop] = []
# From Python 3.14 asyncio.get_event_loop() raises when no loop is set
_NO_IMPLICIT_LOOP: bool = sys.version_info >= (3, 14)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Give every test a current event loop before its fixtures run (Python 3.14+).

    pytest-homeassistant-custom-component's autouse enable_event_loop_debug calls
    asyncio.get_event_loop(), which from Python 3.14 raises instead of making a loop when
    none is set, and pytest-asyncio leaves none set between tests.
    """
    if not _NO_IMPLICIT_LOOP:
        return
    try:
        asyncio.get_event_loop()
    except RuntimeError:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        _LOOPS_MADE.append(loop)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Close the loops pytest_runtest_setup made."""
    while _LOOPS_MADE:
        loop = _LOOPS_MADE.pop()
        # A closed loop left current would be handed to the next test
        with contextlib.suppress(RuntimeError):
            if asyncio.get_event_loop() is loop:
                asyncio.set_event_loop(None)
        if not loop.is_running() and not loop.is_closed():
            loop.close()


# Short gaps keep retry tests quick; the schedule's shape is what they prove.
FAST_SCHEDULE = RetrySchedule(gaps=(0.02, 0.03, 0.05), deadline=1.0)


@pytest.fixture(autouse=True)
def _real_sockets(socket_enabled: None) -> None:
    """The plugin blocks sockets; these tests talk real UDP on loopback by design."""


@pytest.fixture
async def fleet() -> AsyncIterator[FakeFleet]:
    """A fake fleet on a free loopback port."""
    fake = await FakeFleet.start()
    yield fake
    fake.close()


@pytest.fixture
async def client() -> AsyncIterator[LifxClient]:
    """An open client with a fast retry schedule."""
    lifx = LifxClient(schedule=FAST_SCHEDULE)
    await lifx.open(local_host="127.0.0.1")
    yield lifx
    await lifx.close()


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in Home Assistant's format (stable ids and timestamps left out)."""
    # Registry fields that newer Home Assistant adds or drops (object_id_base from 2026.2,
    # is_new before it; suggested_object_id on entities and suggested_area on devices
    # differ between 2025.4 and 2026.x) say nothing about this integration; leaving them
    # out lets one snapshot set serve the pinned and the newest Home Assistant. The area a
    # device lands in is still in the snapshot, as area_id. From 2026.x Home Assistant also
    # copies a sensor's suggested display precision into its registry options.
    version_specific = props("object_id_base", "is_new", "suggested_object_id", "suggested_area")
    sensor_options = paths("options.sensor")
    return snapshot.use_extension(HomeAssistantSnapshotExtension).with_defaults(
        exclude=lambda prop, path: (
            version_specific(prop=prop, path=path) or sensor_options(prop=prop, path=path)
        )
    )
