"""One DataUpdateCoordinator per LIFX device: the Home Assistant side of polling and commands.

What to ask a product and how its answers become one state is the device's business
(`LifxDevice.set_up`, `LifxDevice.poll`); this module decides when, what Home Assistant
shows while a device is missing or fading, and in what order commands run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, DOMAIN, LOGGER
from .network import LifxNetwork
from .protocol import (
    Capabilities,
    DeviceAddress,
    DeviceIdentity,
    DeviceProfile,
    DeviceState,
    LifxClient,
    LifxDevice,
    LifxError,
    LifxTimeoutError,
    LightHsbk,
    RetrySchedule,
    TileInfo,
    probe,
)

type LifxConfigEntry = ConfigEntry[LifxCoordinator]
# The device's state, as the entities read it
type LifxData = DeviceState

# One missed poll is a lossy moment, not an outage: the device turns unavailable only when
# this many polls in a row got no answer.
MISSED_POLLS_BEFORE_UNAVAILABLE = 2
# While a device is missing, commands fail fast instead of hanging an automation for 5 s.
LOST_COMMAND_SCHEDULE = RetrySchedule(gaps=(0.1, 0.2, 0.3), deadline=1.5)
# A device off at the wall is asked with one datagram this often (at least; never more
# often than it is polled) whether it is back: cheap, yet a bulb that gets its power back
# is available again within this, plus the time to poll it. 2.5 datagrams a minute, no
# more than Home Assistant's core integration on aiolifx sends a lost bulb (2.5-2.75 in
# scripts/bench --ha), which is the bar.
LOST_CHECK_INTERVAL = 24.0

type Send = Callable[[LifxDevice], Awaitable[None]]
type Update = Callable[[DeviceState], DeviceState]


class SoftwareEffect(Protocol):
    """An effect Home Assistant runs by sending colours in turn (the colour loop)."""

    name: str

    def stop(self, coordinator: LifxCoordinator) -> None:
        """Leave this device alone from now on."""


@dataclass(frozen=True, slots=True)
class Command:
    """What to send to a device, and how its state looks once the device did it."""

    send: Send
    update: Update | None = None

    @classmethod
    def nothing(cls) -> Command:
        """A command that sends nothing: the device is as asked already."""
        return cls(_send_nothing)


async def _send_nothing(device: LifxDevice) -> None:
    """Send nothing."""


type Tint = tuple[int, int, int]
"""Hue, saturation and kelvin of one colour: what it is, however bright."""


def tints(state: DeviceState) -> tuple[Tint, ...]:
    """What a light shows, brightness aside: its zones, the cells of its tiles, or its colour."""
    if state.zones:
        colors: tuple[LightHsbk, ...] = state.zones
    elif state.tiles:
        colors = tuple(cell for tile in state.tiles for cell in tile)
    else:
        colors = () if state.color is None else (state.color,)
    return tuple((c.hue, c.saturation, c.kelvin) for c in colors)


@dataclass(frozen=True, slots=True)
class PaintedTheme:
    """A theme painted through Home Assistant, and the tints it left on the light."""

    name: str
    tints: tuple[Tint, ...]

    def shown_by(self, state: DeviceState) -> bool:
        """Whether the light still shows the theme: no effect runs and no colour changed."""
        return state.effect is None and tints(state) == self.tints


class LifxCoordinator(DataUpdateCoordinator[LifxData]):
    """Polls one device and carries commands to it."""

    config_entry: LifxConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: LifxConfigEntry,
        network: LifxNetwork,
        client: LifxClient,
    ) -> None:
        """Set up polling at the entry's interval; nothing is sent yet."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"LIFX {entry.unique_id}",
            # Polls are started by the network's clock (polling.py), in rounds shared
            # by every device, rather than by a timer of Home Assistant's per device.
            update_interval=None,
            # Most polls find nothing changed; entities are only written when data differs,
            # which is what keeps 200 devices cheap.
            always_update=False,
        )
        self.network = network
        # Seconds from one poll's start to the next (longer while the device is lost)
        self._poll_every = self._poll_interval(entry)
        self._listening = 0
        assert entry.unique_id is not None
        self.device = LifxDevice(
            client,
            DeviceAddress(entry.unique_id, entry.data[CONF_HOST], entry.data[CONF_PORT]),
        )
        # What the device is, learnt once at set-up
        self.profile: DeviceProfile | None = None
        # RSSI costs a packet per poll, so it is only asked while its sensor is enabled.
        self.rssi_wanted = 0
        # Serialises commands so two service calls to one device keep their order, and so
        # each command is planned from the state the one before it left.
        self.command_lock = asyncio.Lock()
        # Commands planned so far: whoever waits for a while can tell whether any came meanwhile.
        self.commands_planned = 0
        # Commands that timed out so far: a command that waited behind one of them fails
        # at once instead of trying a silent device in its turn.
        self._command_timeouts = 0
        self.missed_polls = 0
        # Unavailable: polls are replaced by a one-datagram check until it answers
        self.lost = False
        # The last theme painted through Home Assistant, for the theme select: the light
        # shows it for as long as its tints are the ones the theme left.
        self.theme: PaintedTheme | None = None
        # A software effect running on this device; any other command stops it.
        self.software_effect: SoftwareEffect | None = None
        # During a transition the device reports in-between values; show the target.
        self._hold_until = 0.0
        self._hold: Update | None = None

    @staticmethod
    def _poll_interval(entry: LifxConfigEntry) -> float:
        return float(entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL))

    @property
    def poll_every(self) -> float:
        """Seconds from one poll's start to the next one's."""
        return self._poll_every

    @poll_every.setter
    def poll_every(self, seconds: float) -> None:
        if seconds != self._poll_every:
            self._poll_every = seconds
            self.network.polls.retime(self)

    def _interval(self) -> float:
        """The entry's poll interval; while the device is lost, its check's."""
        interval = self._poll_interval(self.config_entry)
        return max(LOST_CHECK_INTERVAL, interval) if self.lost else interval

    @property
    def wants_polls(self) -> bool:
        """Whether any entity listens: Home Assistant polls a coordinator only then."""
        return self._listening > 0

    @callback
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Listen for data updates; counted, since the clock polls only while any listen."""
        remove = super().async_add_listener(update_callback, context)
        self._listening += 1
        return partial(self._async_remove_listener, remove)

    @callback
    def _async_remove_listener(self, remove: Callable[[], None]) -> None:
        remove()  # raises if removed before, so the count stays true
        self._listening -= 1

    def start_poll(self, poll: Coroutine[Any, Any, None]) -> None:
        """Run a poll the clock started; unloading the entry cancels it."""
        self.config_entry.async_create_background_task(
            self.hass, poll, name=f"{self.name} poll", eager_start=True
        )

    @property
    def serial(self) -> str:
        """The device's serial."""
        return self.device.serial

    @property
    def set_up_profile(self) -> DeviceProfile:
        """The device's profile (learnt before any entity exists)."""
        assert self.profile is not None
        return self.profile

    @property
    def identity(self) -> DeviceIdentity:
        """Product and firmware."""
        return self.set_up_profile.identity

    @property
    def capabilities(self) -> Capabilities:
        """What the product can do at its firmware."""
        return self.set_up_profile.capabilities

    @property
    def chain(self) -> tuple[TileInfo, ...]:
        """The tiles of a matrix device (none for others)."""
        return self.set_up_profile.chain

    def follow(self, host: str, port: int) -> bool:
        """The device is at a new address; talk to it there without a reload."""
        if (host, port) == (self.device.address.host, self.device.address.port):
            return False
        LOGGER.info("%s moved to %s:%s", self.serial, host, port)
        self.device.move_to(host, port)
        return True

    async def _async_setup(self) -> None:
        """Learn once what the device is: product, firmware, group, tiles, relays."""
        try:
            self.profile = await self.device.set_up()
        except LifxTimeoutError as err:
            if not await self._async_found_elsewhere():
                raise self._update_failed(err) from err
            try:
                self.profile = await self.device.set_up()
            except LifxError as retry_err:
                raise self._update_failed(retry_err) from retry_err
        except LifxError as err:
            raise self._update_failed(err) from err
        ir.async_delete_issue(self.hass, DOMAIN, f"wrong_device_{self.serial}")
        self.network.async_register(self)

    async def _async_found_elsewhere(self) -> bool:
        """Whether the device, silent at its address, was found and confirmed elsewhere.

        If another LIFX device answers at our address, DHCP gave it our IP: a repair says
        so, and the device is looked for on the network. Found (and confirmed) at a new
        address, setup goes on there; otherwise the entry retries later, and the background
        scan also moves it once the device turns up.
        """
        address = self.device.address
        try:
            answering = await probe(self.device.client, address.host, address.port, timeout=1.0)
        except LifxError:
            return False
        serials = {device.serial for device in answering}
        if not serials or self.serial in serials:
            return False
        placeholders = {
            "host": address.host,
            "expected": self.serial,
            "found": ", ".join(sorted(serials)),
        }
        found = await self.network.async_locate(self.serial)
        if found is not None and await self.network.async_consider_move(
            self.config_entry, found.host, found.port
        ):
            self.follow(found.host, found.port)
            return True
        # A repair tells the user what happened even if they never open the entry.
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"wrong_device_{self.serial}",
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="wrong_device",
            translation_placeholders={**placeholders, "title": self.config_entry.title},
        )
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="wrong_device",
            translation_placeholders=placeholders,
        )

    async def _async_update_data(self) -> LifxData:
        """Poll the device; go unavailable only on a real outage, and then poll cheaply.

        Home Assistant does not hold a scheduled refresh back while a requested one runs:
        when the device is found at a new address during a check, the silence the check
        met at the old address is stale, and is not reported. Nor does it stop every
        refresh when it stops (its last stage runs timers again): a poll that meets the
        socket closed for the stop (network.py) keeps the last state, with no error logged.
        """
        if self.lost:
            asked = self.device.address
            answering = await self.device.is_answering()
            if not answering and self.lost and self.device.address is asked:
                # Still off: one datagram asked, nothing more until the next check.
                raise self._update_failed(LifxTimeoutError(f"{self.serial} is still silent"))
        polled = self.device.address
        try:
            data = await self.device.poll(rssi=self.rssi_wanted > 0, previous=self.data)
        except LifxTimeoutError as err:
            if self.device.address is not polled:
                # Moved while this poll waited at the old address: ask it where it is now
                return await self._async_update_data()
            return self._missed_poll(err)
        except LifxError as err:
            if self.network.stopped and self.data is not None:
                return self.data
            raise self._update_failed(err) from err
        if self.missed_polls or self.lost:
            self.network.lost.async_back(self.serial)
            self.missed_polls = 0
            self.lost = False
            self.poll_every = self._interval()
        self.device.schedule = None
        if self._hold is not None and self.hass.loop.time() < self._hold_until:
            data = self._hold(data)
        return data

    def _missed_poll(self, error: LifxTimeoutError) -> LifxData:
        """No answer to a poll: tolerate one, then go unavailable; either way look around."""
        self.missed_polls += 1
        self.device.schedule = LOST_COMMAND_SCHEDULE
        # The device may have moved (DHCP): the network searches on behalf of every
        # device that went missing, one search at a time and further apart as they stay.
        self.network.lost.async_lost(self.serial)
        if self.missed_polls < MISSED_POLLS_BEFORE_UNAVAILABLE and self.data is not None:
            LOGGER.debug("%s missed a poll (%s); keeping it available", self.serial, error)
            return self.data
        self.lost = True
        self.poll_every = self._interval()
        raise self._update_failed(error) from error

    def _update_failed(self, error: LifxError) -> UpdateFailed:
        """The one translation of a client error into what Home Assistant shows."""
        if isinstance(error, LifxTimeoutError):
            return UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="device_not_answering",
                translation_placeholders={"serial": self.serial, "host": self.device.address.host},
            )
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="communication_error",
            translation_placeholders={"serial": self.serial, "error": str(error)},
        )

    async def async_command(
        self, send: Send, *, update: Update | None = None, transition: float = 0.0
    ) -> None:
        """Send a command that does not depend on the device's state (see async_plan)."""
        command = Command(send, update)
        await self.async_plan(lambda _: command, transition=transition)

    async def async_plan(
        self,
        plan: Callable[[LifxData], Command],
        *,
        transition: float = 0.0,
        keep_effect: bool = False,
    ) -> None:
        """Run a command in order with others, planned from the state they left; show it.

        `plan` runs once this command's turn comes, with the state every earlier command
        left (not what the device showed when the service was called), so a brightness
        change right after a colour change scales the new colours, not the old ones. The
        next regular poll confirms what the device really did; while a transition runs,
        polls show its target rather than the colours the fade passes through. A command
        stops the software effect running on the device, unless it is that effect's own
        (`keep_effect`).
        """
        if not keep_effect and self.software_effect is not None:
            self.software_effect.stop(self)
        timeouts_before = self._command_timeouts
        async with self.command_lock:
            if self._command_timeouts != timeouts_before:
                # A command queued ahead of this one found the device silent
                raise LifxTimeoutError(f"{self.serial} stopped answering")
            command = plan(self.data)
            self.commands_planned += 1
            try:
                await command.send(self.device)
            except LifxTimeoutError:
                self._command_timeouts += 1
                self.device.schedule = LOST_COMMAND_SCHEDULE
                raise
            if not self.missed_polls and not self.lost:
                self.device.schedule = None
            update = command.update
            if update is None:
                return
            if transition > 0:
                self._hold = update
                self._hold_until = self.hass.loop.time() + transition
            else:
                self._hold = None
            self.async_set_updated_data(update(self.data))

    @property
    def title(self) -> str:
        """A human name for messages: label, else serial."""
        if self.data is not None and self.data.label:
            return self.data.label
        return self.serial

    async def async_entry_updated(self, hass: HomeAssistant, entry: LifxConfigEntry) -> None:
        """Options or address changed."""
        moved = self.follow(entry.data[CONF_HOST], entry.data[CONF_PORT])
        # Found at its new address: poll it there now rather than at the next check
        found = moved and (self.lost or self.missed_polls)
        if found:
            self.lost = False
        self.poll_every = self._interval()
        if found:
            await self.async_request_refresh()

    async def async_shutdown(self) -> None:
        """The entry unloads: the network forgets the device, a software effect ends."""
        if self.software_effect is not None:
            self.software_effect.stop(self)
        await super().async_shutdown()
        self.network.async_unregister(self)
