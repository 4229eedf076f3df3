"""Protocol tests run on a virtual clock: retries, deadlines and slow devices cost no time."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.virtual_clock import VirtualClockLoop


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """Each protocol test's event loop (and any asyncio.run in it) runs on a virtual clock.

    Home Assistant's test plugin fixes the process's loop policy for good (setting another
    is a no-op), so that policy is made to build virtual-clock loops from this test's
    setup to the end of its teardown instead. Tests that talk to another process (the
    emulator) are marked `real_clock`: its replies do not arrive within the sending call,
    so a virtual clock would run ahead of them. (Setup and teardown hooks of a conftest
    run only for the tests under it, unlike pytest_runtest_protocol.)
    """
    if item.get_closest_marker("real_clock") is None:
        asyncio.get_event_loop_policy().new_event_loop = VirtualClockLoop  # type: ignore[method-assign]
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Give the policy its own loops back once the test's fixtures are gone."""
    yield
    policy = asyncio.get_event_loop_policy()
    if "new_event_loop" in vars(policy):
        del policy.new_event_loop  # type: ignore[attr-defined]
