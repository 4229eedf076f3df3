"""Shared fixtures: real UDP sockets on loopback, fake LIFX fleets and the client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.lifx_lan.protocol import LifxClient, RetrySchedule
from tests.fake_lifx import FakeFleet

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
    return snapshot.use_extension(HomeAssistantSnapshotExtension)
