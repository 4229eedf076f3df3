"""The one LIFX client (one UDP socket) shared by every entry; finding devices that moved.

Anyone on the LAN can send UDP, so nothing a datagram claims moves a configured device:
a device's address changes only once the device answers, at the new address, a query
addressed to its serial, and no longer answers at the stored one. What discovery can
start is bounded too (devices per search, flows in progress, devices described at once),
so a flood of forged replies costs neither memory nor the configured devices' requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Final

from homeassistant.components.network import async_get_ipv4_broadcast_addresses
from homeassistant.config_entries import (
    SOURCE_IGNORE,
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigEntry,
    ConfigEntryState,
)
from homeassistant.const import CONF_HOST, CONF_PORT, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.singleton import singleton
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_SERIAL,
    DISCOVERY_EXTRA_TARGETS,
    DISCOVERY_INTERVAL,
    DISCOVERY_PORT,
    DISCOVERY_TIMEOUT,
    DOMAIN,
    LOGGER,
)
from .polling import PollClock
from .protocol import (
    DeviceAddress,
    DiscoveredDevice,
    LifxClient,
    LifxError,
    LifxTimeoutError,
    RetrySchedule,
    discover,
    probe,
)
from .protocol.messages import DeviceGetVersion
from .reacquire import LostDevices

if TYPE_CHECKING:
    from .coordinator import LifxCoordinator

NETWORK_KEY: HassKey[LifxNetwork] = HassKey(f"{DOMAIN}_network")
# One socket serves every device; each coordinator already paces its own device, so the
# shared limit only guards against runaway bursts. It is above the library's default of 30
# so that one action to a group of 50+ devices still leaves in a single burst.
SHARED_INFLIGHT = 256
# Home Assistant lists the limited broadcast with the enabled adapters' own broadcast
# addresses; it leaves by the default route's interface, enabled or not.
LIMITED_BROADCAST: Final = "255.255.255.255"
# How long a search for one device (an entry whose address another bulb took) looks
LOCATE_TIMEOUT: Final = 1.5
# Asking a device whether it is at an address: a few copies within a second.
VERIFY_SCHEDULE: Final = RetrySchedule(gaps=(0.1, 0.2, 0.3), deadline=1.0)
# Discovery flows the background scan keeps in progress at most, and how many devices
# config flows may describe at once (each takes a few of the shared request slots).
MAX_DISCOVERY_FLOWS: Final = 20
DESCRIBE_CONCURRENCY: Final = 4


class LifxNetwork:
    """Reference-counted owner of the shared client; finds devices that moved or came back."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing is opened until someone needs the client."""
        self.hass = hass
        self.client: LifxClient | None = None
        # Home Assistant is stopping and the socket is closed, while entries stay loaded
        self.stopped = False
        self._users = 0
        self._entries = 0
        self._cancel_scan: Callable[[], None] | None = None
        self._cancel_stop_listener: Callable[[], None] | None = None
        self._open_lock = asyncio.Lock()
        # Tests and unusual networks point discovery elsewhere.
        self.discovery_port = DISCOVERY_PORT
        self.extra_targets: list[str] = list(DISCOVERY_EXTRA_TARGETS)
        self.use_adapter_broadcasts = True
        # Loaded devices, and those of them that stopped answering
        self.coordinators: dict[str, LifxCoordinator] = {}
        self.lost = LostDevices(hass, self)
        self.polls = PollClock(hass)
        self._verifying: set[str] = set()
        self._rivals_logged: set[tuple[str, str, int]] = set()
        self.describe_slots = asyncio.Semaphore(DESCRIBE_CONCURRENCY)

    async def async_acquire(self) -> LifxClient:
        """Take a reference to the shared client, opening its socket if needed.

        Entries set up together all wait on one opening, so they share one socket.
        """
        self._users += 1
        async with self._open_lock:
            if self.client is None:
                client = LifxClient(inflight=SHARED_INFLIGHT)
                try:
                    await client.open()
                except LifxError:
                    self._users -= 1
                    raise
                self.client = client
            return self.client

    async def async_release(self) -> None:
        """Drop a reference; the last one closes the socket."""
        self._users = max(0, self._users - 1)
        if self._users == 0 and self.client is not None:
            client, self.client = self.client, None
            await client.close()

    @asynccontextmanager
    async def async_client(self) -> AsyncIterator[LifxClient]:
        """The shared client for the length of a block (config flows)."""
        client = await self.async_acquire()
        try:
            yield client
        finally:
            await self.async_release()

    async def async_discovery_targets(self) -> list[str]:
        """The broadcast addresses of the adapters enabled in Settings → Network, and extras.

        With only the default adapter enabled Home Assistant gives the limited broadcast
        alone, which leaves by that adapter. With others enabled it adds each one's own
        broadcast address, and those alone are used: the limited one would also reach the
        default adapter's network when the user turned that adapter off.
        """
        broadcasts: list[str] = []
        if self.use_adapter_broadcasts:
            found = sorted(map(str, await async_get_ipv4_broadcast_addresses(self.hass)))
            broadcasts = [a for a in found if a != LIMITED_BROADCAST] or found
        return [*broadcasts, *self.extra_targets]

    async def async_discover(self, timeout: float = DISCOVERY_TIMEOUT) -> list[DiscoveredDevice]:
        """Find the devices on the local network."""
        targets = await self.async_discovery_targets()
        async with self.async_client() as client:
            return await discover(
                client,
                broadcast_addresses=targets,
                port=self.discovery_port,
                timeout=timeout,
            )

    async def async_probe(self, host: str, port: int) -> list[DiscoveredDevice]:
        """Which devices answer at one address."""
        async with self.async_client() as client:
            return await probe(client, host, port)

    # Loaded entries

    async def async_entry_loaded(self) -> None:
        """An entry is about to set up: keep the client open and scan in the background."""
        await self.async_acquire()
        self._entries += 1
        if self._cancel_scan is None:
            self._cancel_scan = async_track_time_interval(
                self.hass, self._async_scan, DISCOVERY_INTERVAL, name="LIFX LAN discovery scan"
            )
        if self._cancel_stop_listener is None:
            self._cancel_stop_listener = self.hass.bus.async_listen_once(
                EVENT_HOMEASSISTANT_STOP, self._async_stop
            )

    async def async_entry_unloaded(self) -> None:
        """An entry is gone; the last one stops the scan and closes the socket."""
        self._entries = max(0, self._entries - 1)
        if self._entries == 0:
            self._stop_background()
            if self._cancel_stop_listener is not None:
                self._cancel_stop_listener()
                self._cancel_stop_listener = None
        await self.async_release()

    @callback
    def async_register(self, coordinator: LifxCoordinator) -> None:
        """A device is set up."""
        self.coordinators[coordinator.serial] = coordinator

    @callback
    def async_unregister(self, coordinator: LifxCoordinator) -> None:
        """A device is unloaded: forget it, and what the client kept of it."""
        if self.coordinators.get(coordinator.serial) is coordinator:
            del self.coordinators[coordinator.serial]
        self.polls.remove(coordinator)
        self.lost.async_back(coordinator.serial)
        if self.client is not None:
            self.client.forget(coordinator.serial)

    def _stop_background(self) -> None:
        if self._cancel_scan is not None:
            self._cancel_scan()
            self._cancel_scan = None
        self.lost.async_stop()

    async def _async_stop(self, _: Event) -> None:
        """Home Assistant stops: close the socket even though entries stay loaded."""
        self._cancel_stop_listener = None
        self.stopped = True
        self.polls.stop()
        self._stop_background()
        if self.client is not None:
            client, self.client = self.client, None
            await client.close()

    async def async_locate(self, serial: str) -> DiscoveredDevice | None:
        """Search for one device now (an entry set up where another device answers)."""
        try:
            found = await self.async_discover(timeout=LOCATE_TIMEOUT)
        except LifxError as err:
            LOGGER.debug("Search for %s failed: %s", serial, err)
            return None
        return next((device for device in found if device.serial == serial), None)

    # Moves: only once the device itself confirms them

    async def async_follow(self, devices: list[DiscoveredDevice]) -> None:
        """Move configured devices found at another address, once each move is verified."""
        moves = []
        for device in devices:
            entry = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, device.serial)
            if entry is None or entry.source == SOURCE_IGNORE:
                continue
            if (entry.data[CONF_HOST], entry.data[CONF_PORT]) != (device.host, device.port):
                moves.append(self.async_consider_move(entry, device.host, device.port))
        if moves:
            await asyncio.gather(*moves)

    async def async_consider_move(self, entry: ConfigEntry, host: str, port: int) -> bool:
        """Someone says the entry's device is at host:port: check it, and follow it there.

        Returns True when the entry now points there.
        """
        serial = entry.unique_id
        assert serial is not None
        old = (entry.data[CONF_HOST], entry.data[CONF_PORT])
        if old == (host, port):
            return True
        if serial in self._verifying:
            return False
        self._verifying.add(serial)
        try:
            moved = await self.async_verify_move(serial, old, (host, port))
        finally:
            self._verifying.discard(serial)
        if moved:
            self.async_move_entry(entry, host, port)
        return moved

    async def async_verify_move(
        self, serial: str, old: tuple[str, int], new: tuple[str, int]
    ) -> bool:
        """Whether the device answers at `new` and no longer at `old`.

        Both queries are addressed to the device's serial, and a reply only counts from the
        address asked: a stranger who merely claims the serial in a broadcast reply, while
        the real device still answers where it was, moves nothing.
        """
        async with self.async_client() as client:
            if await self._answers(client, serial, old):
                if (serial, *new) not in self._rivals_logged:
                    self._rivals_logged.add((serial, *new))
                    LOGGER.debug(
                        "%s:%s claims to be %s, which still answers at %s:%s; ignored",
                        *new,
                        serial,
                        *old,
                    )
                return False
            return await self._answers(client, serial, new)

    @staticmethod
    async def _answers(client: LifxClient, serial: str, at: tuple[str, int]) -> bool:
        try:
            address = DeviceAddress(serial, *at)
            await client.request(address, DeviceGetVersion(), schedule=VERIFY_SCHEDULE)
        except LifxTimeoutError:
            return False
        except LifxError:
            # An unsupported reply or an invalid address: nobody we can talk to is there
            return False
        return True

    @callback
    def async_move_entry(self, entry: ConfigEntry, host: str, port: int) -> None:
        """Store a device's verified new address.

        A loaded entry's coordinator follows it through its update listener, without a
        reload; an entry that could not set up is given another try at the new address at
        once, instead of at its next retry.
        """
        changed = self.hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_HOST: host, CONF_PORT: port}
        )
        # (An entry setting up follows the device itself.)
        if changed and entry.state not in (
            ConfigEntryState.LOADED,
            ConfigEntryState.SETUP_IN_PROGRESS,
        ):
            self.hass.config_entries.async_schedule_reload(entry.entry_id)

    # The background scan

    async def _async_scan(self, _: datetime | None = None) -> None:
        """Follow known devices that moved and offer new ones."""
        try:
            devices = await self.async_discover()
        except LifxError as err:
            LOGGER.debug("Background discovery failed: %s", err)
            return
        await self.async_follow(devices)
        self.async_report(devices)

    @callback
    def async_report(self, devices: list[DiscoveredDevice]) -> None:
        """Offer devices not configured yet, a bounded number of flows at a time."""
        in_progress = {
            flow["context"].get("unique_id")
            for flow in self.hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        }
        room = MAX_DISCOVERY_FLOWS - len(in_progress)
        for device in devices:
            if room <= 0:
                LOGGER.debug(
                    "%d discovery flows in progress; offering more later", len(in_progress)
                )
                return
            if device.serial in in_progress:
                continue
            if self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, device.serial):
                continue
            room -= 1
            in_progress.add(device.serial)
            discovery_flow.async_create_flow(
                self.hass,
                DOMAIN,
                context={"source": SOURCE_INTEGRATION_DISCOVERY},
                data={CONF_HOST: device.host, CONF_PORT: device.port, CONF_SERIAL: device.serial},
            )


@singleton(NETWORK_KEY)
def async_get_network(hass: HomeAssistant) -> LifxNetwork:
    """The network shared by every entry of this Home Assistant."""
    return LifxNetwork(hass)
