"""One DataUpdateCoordinator per LIFX device: polls its state with as few packets as it needs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, NoReturn

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import (
    CONF_POLL_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    LOGGER,
)
from .network import LifxNetwork
from .protocol import (
    Capabilities,
    DeviceAddress,
    DeviceIdentity,
    EffectState,
    HevCycle,
    LifxClient,
    LifxDevice,
    LifxError,
    LifxTimeoutError,
    LifxUnsupportedError,
    LightHsbk,
    RetrySchedule,
    TileInfo,
    probe,
)
from .protocol.messages import MultiZoneEffectType, TileEffectType

type LifxConfigEntry = ConfigEntry[LifxCoordinator]

MAX_RELAYS = 4
# One missed poll is a lossy moment, not an outage: the device turns unavailable only when
# this many polls in a row got no answer.
MISSED_POLLS_BEFORE_UNAVAILABLE = 2
# While a device is missing, commands fail fast instead of hanging an automation for 5 s.
LOST_COMMAND_SCHEDULE = RetrySchedule(gaps=(0.1, 0.2, 0.3), deadline=1.5)
# A device off at the wall is asked with one datagram this often (at least; never more
# often than it is polled) whether it is back: cheap, yet a bulb that gets its power back
# is available again within this, plus the time to poll it.
LOST_CHECK_INTERVAL = 15.0


@dataclass(frozen=True, slots=True, kw_only=True)
class LifxData:
    """Everything polled from one device, as one immutable snapshot."""

    power: bool
    label: str
    color: LightHsbk | None = None
    zones: tuple[LightHsbk, ...] = ()
    tiles: tuple[tuple[LightHsbk, ...], ...] = ()
    infrared: int | None = None
    hev: HevCycle | None = None
    hev_last_result: int | None = None
    relays: tuple[bool, ...] = ()
    rssi: int | None = None
    effect: str | None = None

    # What commands do to a device's state, as the device itself applies them

    def with_power(self, on: bool) -> LifxData:
        """The device switched on or off."""
        return replace(self, power=on)

    def with_color(self, color: LightHsbk) -> LifxData:
        """The whole device took one colour: every zone and every tile cell with it."""
        return replace(
            self,
            color=color,
            zones=(color,) * len(self.zones),
            tiles=tuple((color,) * len(tile) for tile in self.tiles),
        )

    def with_zones(self, colors: Sequence[LightHsbk], start: int = 0) -> LifxData:
        """Zones from `start` painted (beyond the strip's end, nothing)."""
        zones = list(self.zones)
        for offset, color in enumerate(colors[: max(0, len(zones) - start)]):
            zones[start + offset] = color
        return replace(self, zones=tuple(zones))

    def with_tiles(self, tiles: Sequence[Sequence[LightHsbk]]) -> LifxData:
        """Every tile painted, cell by cell."""
        return replace(self, tiles=tuple(tuple(tile) for tile in tiles))


type Send = Callable[[LifxDevice], Awaitable[None]]
type Update = Callable[[LifxData], LifxData]


@dataclass(frozen=True, slots=True)
class Command:
    """What to send to a device, and how its state looks once the device did it."""

    send: Send
    update: Update | None = None


SKY_EFFECTS = {0: "sky_sunrise", 1: "sky_sunset", 2: "sky_clouds"}


def effect_name(state: EffectState, matrix: bool) -> str | None:
    """The running firmware effect as the light's effect name (None when off)."""
    if matrix:
        if state.kind == TileEffectType.MORPH:
            return "morph"
        if state.kind == TileEffectType.FLAME:
            return "flame"
        if state.kind == TileEffectType.SKY:
            return SKY_EFFECTS.get(state.parameters[0] if state.parameters else 0, "sky_sunrise")
        return None
    return "move" if state.kind == MultiZoneEffectType.MOVE else None


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
            update_interval=timedelta(seconds=self._poll_interval(entry)),
            # Most polls find nothing changed; entities are only written when data differs,
            # which is what keeps 200 devices cheap.
            always_update=False,
        )
        self.network = network
        assert entry.unique_id is not None
        self.device = LifxDevice(
            client,
            DeviceAddress(entry.unique_id, entry.data[CONF_HOST], entry.data[CONF_PORT]),
        )
        self.identity: DeviceIdentity | None = None
        self.group: str | None = None
        self.chain: list[TileInfo] = []
        self.relay_count = 0
        # RSSI costs a packet per poll, so it is only asked while its sensor is enabled.
        self.rssi_wanted = 0
        # Serialises commands so two service calls to one device keep their order, and so
        # each command is planned from the state the one before it left.
        self.command_lock = asyncio.Lock()
        # Commands that timed out so far: a command that waited behind one of them fails
        # at once instead of trying a silent device in its turn.
        self._command_timeouts = 0
        self.missed_polls = 0
        # Unavailable: polls are replaced by a one-datagram check until it answers
        self.lost = False
        # Firmware that refuses effect messages is not asked again.
        self.effects_supported = True
        # The last theme painted through Home Assistant, for the theme select.
        self.theme: str | None = None
        # During a transition the device reports in-between values; show the target.
        self._hold_until = 0.0
        self._hold: Update | None = None

    @staticmethod
    def _poll_interval(entry: LifxConfigEntry) -> float:
        return float(entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL))

    @property
    def serial(self) -> str:
        """The device's serial."""
        return self.device.serial

    @property
    def capabilities(self) -> Capabilities:
        """The device's capabilities (set up before any entity exists)."""
        assert self.identity is not None
        return self.identity.capabilities

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
            self.identity = await self.device.identify()
        except LifxTimeoutError as err:
            if await self._async_found_elsewhere():
                self.identity = await self._async_identify_or_fail()
            else:
                raise UpdateFailed(
                    translation_domain=DOMAIN,
                    translation_key="device_not_answering",
                    translation_placeholders={
                        "serial": self.serial,
                        "host": self.device.address.host,
                    },
                ) from err
        except LifxError as err:
            self._raise_update_failed(err)
        ir.async_delete_issue(self.hass, DOMAIN, f"wrong_device_{self.serial}")
        caps = self.identity.capabilities
        try:
            self.group = (await self.device.get_group()).label or None
        except LifxError as err:
            LOGGER.debug("%s did not tell its group: %s", self.serial, err)
        try:
            if caps.matrix:
                self.chain = await self.device.get_device_chain()
            if caps.relays:
                self.relay_count = await self._count_relays()
        except LifxError as err:
            self._raise_update_failed(err)
        self.network.async_register(self)

    async def _async_identify_or_fail(self) -> DeviceIdentity:
        try:
            return await self.device.identify()
        except LifxError as err:
            self._raise_update_failed(err)

    async def _count_relays(self) -> int:
        count = 0
        for index in range(MAX_RELAYS):
            try:
                await self.device.get_relay_power(index)
            except LifxUnsupportedError:
                break
            count += 1
        return count

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
        """Poll the device; go unavailable only on a real outage, and then poll cheaply."""
        if self.lost and not await self.device.is_answering():
            # Still off: one datagram asked, nothing more until the next check.
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="device_not_answering",
                translation_placeholders={"serial": self.serial, "host": self.device.address.host},
            )
        try:
            data = await self._async_poll()
        except LifxTimeoutError as err:
            return self._missed_poll(err)
        if self.missed_polls or self.lost:
            self.network.async_device_back(self.serial)
            self.missed_polls = 0
            self.lost = False
            self.update_interval = timedelta(seconds=self._poll_interval(self.config_entry))
        self.device.schedule = None
        return data

    def _missed_poll(self, error: LifxTimeoutError) -> LifxData:
        """No answer to a poll: tolerate one, then go unavailable; either way look around."""
        self.missed_polls += 1
        self.device.schedule = LOST_COMMAND_SCHEDULE
        # The device may have moved (DHCP): the network searches on behalf of every
        # device that went missing, one search at a time and further apart as they stay.
        self.network.async_device_lost(self.serial)
        if self.missed_polls < MISSED_POLLS_BEFORE_UNAVAILABLE and self.data is not None:
            LOGGER.debug("%s missed a poll (%s); keeping it available", self.serial, error)
            return self.data
        self.lost = True
        self.update_interval = timedelta(
            seconds=max(LOST_CHECK_INTERVAL, self._poll_interval(self.config_entry))
        )
        self._raise_update_failed(error)

    async def _async_poll(self) -> LifxData:
        """Ask only what this product has; the requests go out together."""
        assert self.identity is not None
        caps = self.identity.capabilities
        device = self.device
        jobs: dict[str, Awaitable[Any]] = {}
        if caps.is_light:
            jobs["light"] = device.get_light_state()
        else:
            jobs["power"] = device.get_power()
            jobs["label"] = device.get_label()
        if caps.multizone:
            jobs["zones"] = device.get_zones()
        for tile in self.chain:
            jobs[f"tile{tile.index}"] = device.get_tile_colors(tile)
        if caps.infrared:
            jobs["infrared"] = device.get_infrared()
        if caps.hev:
            jobs["hev"] = device.get_hev_cycle()
            jobs["hev_last_result"] = device.get_last_hev_result()
        for index in range(self.relay_count):
            jobs[f"relay{index}"] = device.get_relay_power(index)
        if self.rssi_wanted:
            jobs["rssi"] = device.get_wifi_rssi()
        if self.effects_supported and (caps.multizone or caps.matrix):
            jobs["effect"] = (
                device.get_tile_effect() if caps.matrix else device.get_multizone_effect()
            )
        results = await asyncio.gather(*jobs.values(), return_exceptions=True)
        if "effect" in jobs:
            index = list(jobs).index("effect")
            if isinstance(results[index], LifxUnsupportedError):
                self.effects_supported = False
                results[index] = None
        for value in results:
            if isinstance(value, LifxTimeoutError):
                raise value
        for value in results:
            if isinstance(value, BaseException):
                self._raise_update_failed(value)
        values: dict[str, Any] = dict(zip(jobs, results, strict=True))
        if caps.is_light:
            status = values["light"]
            power, label, color = status.power, status.label, status.color
        else:
            power, label, color = values["power"], values["label"], None
        data = LifxData(
            power=power,
            label=label,
            color=color,
            zones=tuple(values.get("zones", ())),
            tiles=tuple(tuple(values[f"tile{t.index}"]) for t in self.chain),
            infrared=values.get("infrared"),
            hev=values.get("hev"),
            hev_last_result=None
            if values.get("hev_last_result") is None
            else int(values["hev_last_result"]),
            relays=tuple(values[f"relay{i}"] for i in range(self.relay_count)),
            rssi=values.get("rssi", self.data.rssi if self.data else None),
            effect=None
            if values.get("effect") is None
            else effect_name(values["effect"], caps.matrix),
        )
        if self._hold is not None and self.hass.loop.time() < self._hold_until:
            data = self._hold(data)
        return data

    def link_quality(self) -> dict[str, float | int | None]:
        """Round trip (ms), loss (%) and retransmissions measured by the client."""
        link = self.device.client.links.get(self.serial)
        if link is None:
            return {"rtt_ms": None, "loss_percent": None, "retransmissions": None}
        median = link.rtt_median
        return {
            "rtt_ms": None if median is None else round(median * 1000, 2),
            "loss_percent": round(link.loss * 100, 1),
            "retransmissions": link.retransmissions,
        }

    def _raise_update_failed(self, error: BaseException) -> NoReturn:
        if isinstance(error, LifxTimeoutError):
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="device_not_answering",
                translation_placeholders={"serial": self.serial, "host": self.device.address.host},
            ) from error
        if isinstance(error, LifxError):
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"serial": self.serial, "error": str(error)},
            ) from error
        raise error

    async def async_command(
        self, send: Send, *, update: Update | None = None, transition: float = 0.0
    ) -> None:
        """Send a command that does not depend on the device's state (see async_plan)."""
        command = Command(send, update)
        await self.async_plan(lambda _: command, transition=transition)

    async def async_plan(
        self, plan: Callable[[LifxData], Command], *, transition: float = 0.0
    ) -> None:
        """Run a command in order with others, planned from the state they left; show it.

        `plan` runs once this command's turn comes, with the state every earlier command
        left (not what the device showed when the service was called), so a brightness
        change right after a colour change scales the new colours, not the old ones. The
        next regular poll confirms what the device really did; while a transition runs,
        polls show its target rather than the colours the fade passes through.
        """
        timeouts_before = self._command_timeouts
        async with self.command_lock:
            if self._command_timeouts != timeouts_before:
                # A command queued ahead of this one found the device silent
                raise LifxTimeoutError(f"{self.serial} stopped answering")
            command = plan(self.data)
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
        self.update_interval = timedelta(seconds=self._poll_interval(entry))
        if moved and (self.lost or self.missed_polls):
            # Found at its new address: poll it there now rather than at the next check
            self.lost = False
            await self.async_request_refresh()

    async def async_shutdown(self) -> None:
        """The entry unloads: the network forgets the device."""
        await super().async_shutdown()
        self.network.async_unregister(self)
