"""Devices that stopped answering: one shared search for them, further apart as they stay lost.

Every LIFX device on the LAN answers each broadcast, and bulbs switched off at the wall
stay off for hours: a search per missed poll per device would be a broadcast storm.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .const import LOGGER
from .protocol import LifxError

if TYPE_CHECKING:
    from .network import LifxNetwork

# How long one search looks for lost devices at other addresses
REACQUIRE_TIMEOUT: Final = 1.5
# Searches at least this far apart, doubling while devices stay lost, up to the maximum
REACQUIRE_BACKOFF_MIN: Final = 10.0
REACQUIRE_BACKOFF_MAX: Final = 300.0


class LostDevices:
    """The serials of devices that stopped answering, and the one search for them all."""

    def __init__(self, hass: HomeAssistant, network: LifxNetwork) -> None:
        """Nothing is lost yet."""
        self.hass = hass
        self.network = network
        self.serials: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._backoff = REACQUIRE_BACKOFF_MIN
        self._due: float | None = None
        self._cancel_timer: CALLBACK_TYPE | None = None
        self._last = -REACQUIRE_BACKOFF_MIN

    def __contains__(self, serial: object) -> bool:
        """Whether a device is lost."""
        return serial in self.serials

    @callback
    def async_lost(self, serial: str) -> None:
        """A device stopped answering: look for it at other addresses, soon."""
        if serial in self.serials:
            return
        self.serials.add(serial)
        # A fresh loss starts the back-off again, but searches stay 10 s apart, so ten
        # bulbs switched off at once share the same few broadcasts.
        self._backoff = REACQUIRE_BACKOFF_MIN
        self._schedule(self._last + REACQUIRE_BACKOFF_MIN)

    @callback
    def async_back(self, serial: str) -> None:
        """A device answers again."""
        self.serials.discard(serial)
        if not self.serials:
            self._backoff = REACQUIRE_BACKOFF_MIN
            self._cancel()

    @callback
    def async_stop(self) -> None:
        """The last entry is gone, or Home Assistant stops."""
        self._cancel()
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _cancel(self) -> None:
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None
        self._due = None

    def _schedule(self, at: float) -> None:
        """Search at `at` (loop time) unless a search is due earlier already."""
        if self._due is not None and self._due <= at:
            return
        self._cancel()
        self._due = at
        delay = max(0.0, at - self.hass.loop.time())
        self._cancel_timer = async_call_later(self.hass, delay, self._start)

    @callback
    def _start(self, _: datetime) -> None:
        self._cancel_timer = None
        self._due = None
        if self._task is None and self.serials:
            self._task = self.hass.async_create_background_task(
                self._async_search(), name="LIFX LAN re-acquire lost devices"
            )

    async def _async_search(self) -> None:
        """One broadcast search on behalf of every lost device."""
        try:
            self._last = self.hass.loop.time()
            try:
                found = await self.network.async_discover(timeout=REACQUIRE_TIMEOUT)
            except LifxError as err:
                LOGGER.debug("Re-acquire search failed: %s", err)
                found = []
            await self.network.async_follow(found)
        finally:
            self._task = None
        if self.serials:
            self._schedule(self.hass.loop.time() + self._backoff)
            self._backoff = min(2 * self._backoff, REACQUIRE_BACKOFF_MAX)
