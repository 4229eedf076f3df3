"""The one LIFX client (one UDP socket) shared by every entry, and the background scan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY
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
from .protocol import (
    DiscoveredDevice,
    LifxClient,
    LifxError,
    discover,
    interface_broadcast_addresses,
    probe,
)

NETWORK_KEY: HassKey[LifxNetwork] = HassKey(f"{DOMAIN}_network")
# One socket serves every device; each coordinator already paces its own device, so the
# shared limit only guards against runaway bursts. It is above the library's default of 30
# so that one action to a group of 50+ devices still leaves in a single burst.
SHARED_INFLIGHT = 256


class LifxNetwork:
    """Reference-counted owner of the shared client; closes it with its last user."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing is opened until someone needs the client."""
        self.hass = hass
        self.client: LifxClient | None = None
        self._users = 0
        self._entries = 0
        self._cancel_scan: Callable[[], None] | None = None
        self._cancel_stop_listener: Callable[[], None] | None = None
        self._open_lock = asyncio.Lock()
        # Tests and unusual networks point discovery elsewhere.
        self.discovery_port = DISCOVERY_PORT
        self.extra_targets: list[str] = list(DISCOVERY_EXTRA_TARGETS)
        self.use_interface_broadcasts = True

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

    def discovery_targets(self) -> list[str]:
        """Every interface's broadcast address, plus the extra targets."""
        broadcasts = interface_broadcast_addresses() if self.use_interface_broadcasts else []
        return [*broadcasts, *self.extra_targets]

    async def async_discover(self, timeout: float = DISCOVERY_TIMEOUT) -> list[DiscoveredDevice]:
        """Find the devices on the local network."""
        async with self.async_client() as client:
            return await discover(
                client,
                broadcast_addresses=self.discovery_targets(),
                port=self.discovery_port,
                timeout=timeout,
            )

    async def async_probe(self, host: str, port: int) -> list[DiscoveredDevice]:
        """Which devices answer at one address."""
        async with self.async_client() as client:
            return await probe(client, host, port)

    async def async_entry_loaded(self) -> None:
        """An entry is set up: keep the client open and scan in the background."""
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

    def _stop_background(self) -> None:
        if self._cancel_scan is not None:
            self._cancel_scan()
            self._cancel_scan = None

    async def _async_stop(self, _: Event) -> None:
        """Home Assistant stops: close the socket even though entries stay loaded."""
        self._cancel_stop_listener = None
        self._stop_background()
        if self.client is not None:
            client, self.client = self.client, None
            await client.close()

    async def _async_scan(self, _: datetime | None = None) -> None:
        """Offer new devices and tell known ones where their device is now."""
        try:
            devices = await self.async_discover()
        except LifxError as err:
            LOGGER.debug("Background discovery failed: %s", err)
            return
        self.async_report(devices)

    @callback
    def async_report(self, devices: list[DiscoveredDevice]) -> None:
        """Start an integration-discovery flow for each device found."""
        for device in devices:
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
