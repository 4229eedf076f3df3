"""When devices are polled: in rounds, every device due at the same time in one burst.

Home Assistant gives each DataUpdateCoordinator a random fraction of a second of its own,
so that a hundred integrations do not all wake at once. For fifty LIFX devices that means
fifty wake-ups of the event loop every poll interval, and fifty more for their answers,
each one a trip through the kernel that costs far more than the poll itself (Home
Assistant's CPU with 50 bulbs in scripts/bench --ha: 0.15 % of a core; 0.04 % in rounds).
Here the devices share one fraction, picked as Home Assistant picks its own, and a device
just set up joins the round of those set up a few seconds before it: they are asked in one
burst and their answers come back together.

A device is polled every interval from the start of its last poll (not its end), so one
slow answer does not push it out of step with the others. Refreshes Home Assistant asks
for (after a command) do not move the schedule.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
import math
from random import randint
from typing import Any, Protocol

from homeassistant.core import HomeAssistant
from homeassistant.helpers.event import RANDOM_MICROSECOND_MAX, RANDOM_MICROSECOND_MIN


class Polled(Protocol):
    """What the clock needs of a coordinator."""

    @property
    def poll_every(self) -> float:
        """Seconds from one poll's start to the next one's."""

    @property
    def wants_polls(self) -> bool:
        """Whether anything shows the device's state (Home Assistant polls only then)."""

    def start_poll(self, poll: Coroutine[Any, Any, None]) -> None:
        """Run one poll in the background, tied to the coordinator's config entry."""

    async def async_refresh(self) -> None:
        """Poll the device and tell its entities."""


class PollClock:
    """One event-loop timer for every loaded device."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing is scheduled until a device is added."""
        self._loop = hass.loop
        self._hass = hass
        # The fraction of a second every poll starts at, as Home Assistant picks one
        self._phase = randint(RANDOM_MICROSECOND_MIN, RANDOM_MICROSECOND_MAX) / 10**6
        # Each loaded device, and the interval its schedule was made for
        self._every: dict[Polled, float] = {}
        # When each device's next poll starts (event-loop time); a device whose poll
        # runs has none until it ends.
        self._due: dict[Polled, float] = {}
        self._timer: asyncio.TimerHandle | None = None

    def add(self, device: Polled) -> None:
        """Poll a device (just set up) in the round about one interval on."""
        self._join(device)

    def retime(self, device: Polled) -> None:
        """The device's interval changed (lost, found, options): move its next poll.

        A poll that runs schedules the next one itself when it ends.
        """
        if device in self._due:
            del self._due[device]
            self._join(device)

    def remove(self, device: Polled) -> None:
        """The device is unloaded: no more polls are started for it."""
        self._every.pop(device, None)
        self._due.pop(device, None)
        if not self._due:
            self._cancel_timer()

    def stop(self) -> None:
        """Home Assistant stops: start no more polls."""
        self._every.clear()
        self._due.clear()
        self._cancel_timer()

    def due(self, device: Polled) -> float | None:
        """When the device's next poll starts (event-loop time), if one is scheduled."""
        return self._due.get(device)

    def _join(self, device: Polled) -> None:
        """Schedule the next poll in the round about one interval on.

        Devices set up a few seconds apart, as at Home Assistant's start, or back from
        being lost, join one round: the poll may come up to half an interval early, never
        later. From then on, one interval from start to start keeps it in that round.
        """
        every = self._every[device] = device.poll_every
        ideal = int(self._loop.time()) + self._phase + every
        rounds = [when for when in self._due.values() if ideal - every / 2 <= when <= ideal]
        self._set_due(device, max(rounds, default=ideal))

    def _set_due(self, device: Polled, when: float) -> None:
        self._due[device] = when
        if self._timer is None or when < self._timer.when():
            self._arm(when)

    def _arm(self, when: float) -> None:
        self._cancel_timer()
        self._timer = self._loop.call_at(when, self._run_round, when)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _run_round(self, at: float) -> None:
        """Start every poll due by the round's time; wake again for the next ones."""
        self._timer = None
        try:
            for device, when in [(d, w) for d, w in self._due.items() if w <= at]:
                del self._due[device]
                if self._hass.is_stopping:
                    continue
                if device.wants_polls:
                    device.start_poll(self._poll(device, when))
                else:
                    # Nothing shows it: no poll, as Home Assistant does, until something does
                    self._next(device, when)
        finally:
            if self._due:
                self._arm(min(self._due.values()))

    async def _poll(self, device: Polled, started: float) -> None:
        try:
            await device.async_refresh()
        finally:
            if device in self._every:
                self._next(device, started)

    def _next(self, device: Polled, started: float) -> None:
        """Schedule the poll one interval after the last one started: the same round."""
        every = device.poll_every
        if every != self._every[device]:
            self._join(device)
            return
        skipped = max(0, math.floor((self._loop.time() - started) / every))
        self._set_due(device, started + every * (skipped + 1))
