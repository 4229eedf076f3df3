"""High-level, typed device API: what a LIFX device is and what it can be told to do."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
import logging
from typing import Final

from .canvas import ZonesAndTiles
from .client import DeviceAddress, LifxClient, LinkStats
from .connection import MAX_LEVEL, checked_level, decode_label, encode_label, milliseconds
from .exceptions import LifxError, LifxTimeoutError, LifxUnsupportedError
from .messages import (
    DeviceEchoRequest,
    DeviceGetGroup,
    DeviceGetLabel,
    DeviceGetLocation,
    DeviceGetPower,
    DeviceGetWifiInfo,
    DeviceSetLabel,
    DeviceSetPower,
    DeviceSetReboot,
    LightGet,
    LightGetHevCycle,
    LightGetHevCycleConfiguration,
    LightGetInfrared,
    LightGetLastHevCycleResult,
    LightHsbk,
    LightLastHevCycleResult,
    LightSetColor,
    LightSetHevCycle,
    LightSetInfrared,
    LightSetPower,
    LightSetWaveformOptional,
    LightWaveform,
    RelayGetPower,
    RelaySetPower,
)
from .state import (
    DeviceProfile,
    DeviceState,
    GroupInfo,
    HevConfig,
    HevCycle,
    LightStatus,
    effect_name,
    signal_to_rssi,
)

_LOGGER = logging.getLogger(__package__)
MAX_RELAYS: Final = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkReport:
    """What the client measured of a device's link, and what it dropped, at one moment."""

    requests: int
    transmissions: int
    replies: int
    late_replies: int
    retransmissions: int
    timeouts: int
    loss: float
    rtt_median: float | None
    # The whole client's, not only this device's: what it has in flight, and the datagrams
    # it dropped by reason (malformed, spoofed, unmatched)
    pending: int
    client_drops: dict[str, int]
    transport_drops: dict[str, int]


class LifxDevice(ZonesAndTiles):
    """One LIFX device: its messages, and its state and profile as frozen values."""

    def __init__(self, client: LifxClient, address: DeviceAddress) -> None:
        """Bind the device to its address; nothing is sent yet."""
        super().__init__(client, address)
        self.profile: DeviceProfile | None = None
        # Firmware that refuses effect messages is not asked again.
        self.effects_supported = True

    # The whole device: set up once, then polled

    async def set_up(self) -> DeviceProfile:
        """Learn what the device is: product, firmware, group, tiles, relays."""
        identity = await self.identify()
        try:
            group = (await self.get_group()).label or None
        except LifxError as err:
            _LOGGER.debug("%s did not tell its group: %s", self.serial, err)
            group = None
        caps = identity.capabilities
        chain = tuple(await self.get_device_chain()) if caps.matrix else ()
        relay_count = await self._count_relays() if caps.relays else 0
        self.profile = DeviceProfile(
            identity=identity, group=group, chain=chain, relay_count=relay_count
        )
        return self.profile

    async def _count_relays(self) -> int:
        count = 0
        for index in range(MAX_RELAYS):
            try:
                await self.get_relay_power(index)
            except LifxUnsupportedError:
                break
            count += 1
        return count

    async def poll(self, *, rssi: bool = False, previous: DeviceState | None = None) -> DeviceState:
        """Everything the device shows, asking only what its product has, all at once.

        `rssi` asks the Wi-Fi signal too (a packet more); otherwise the `previous` state's
        reading is kept. Raises the first LifxTimeoutError if any request timed out, else
        the first other LifxError.
        """
        profile = self.profile
        assert profile is not None, "set_up() first"
        caps = profile.capabilities
        jobs = _Jobs()
        light = jobs.add(self.get_light_state()) if caps.is_light else None
        power = jobs.add(self.get_power()) if not caps.is_light else None
        label = jobs.add(self.get_label()) if not caps.is_light else None
        zones = jobs.add(self.get_zones()) if caps.multizone else None
        tiles = [jobs.add(self.get_tile_colors(tile)) for tile in profile.chain]
        infrared = jobs.add(self.get_infrared()) if caps.infrared else None
        hev = jobs.add(self.get_hev_cycle()) if caps.hev else None
        hev_result = jobs.add(self.get_last_hev_result()) if caps.hev else None
        relays = [jobs.add(self.get_relay_power(i)) for i in range(profile.relay_count)]
        signal = jobs.add(self.get_wifi_rssi()) if rssi else None
        effect = None
        if self.effects_supported and (caps.multizone or caps.matrix):
            effect = jobs.add(
                self.get_tile_effect() if caps.matrix else self.get_multizone_effect()
            )
        await jobs.wait()
        if effect is not None and isinstance(effect.exception(), LifxUnsupportedError):
            self.effects_supported = False
            jobs.forgive(effect)
            effect = None
        jobs.raise_first_error()
        if light is not None:
            status = light.result()
            on, name, color = status.power, status.label, status.color
        else:
            assert power is not None
            assert label is not None
            on, name, color = power.result(), label.result(), None
        return DeviceState(
            power=on,
            label=name,
            color=color,
            zones=tuple(zones.result()) if zones else (),
            tiles=tuple(tuple(tile.result()) for tile in tiles),
            infrared=infrared.result() if infrared else None,
            hev=hev.result() if hev else None,
            hev_last_result=int(hev_result.result()) if hev_result else None,
            relays=tuple(relay.result() for relay in relays),
            rssi=signal.result() if signal else (previous.rssi if previous else None),
            effect=effect_name(effect.result(), caps.matrix) if effect else None,
        )

    def link_report(self) -> LinkReport:
        """The client's figures for this device's link, as they are now."""
        client = self.client
        link = client.links.get(self.serial) or LinkStats()
        return LinkReport(
            requests=link.requests,
            transmissions=link.transmissions,
            replies=link.replies,
            late_replies=link.late_replies,
            retransmissions=link.retransmissions,
            timeouts=link.timeouts,
            loss=link.loss,
            rtt_median=link.rtt_median,
            pending=client.pending_count,
            client_drops=dict(client.drops),
            transport_drops=dict(client.transport.drops) if client.is_open else {},
        )

    # Device messages

    async def get_light_state(self) -> LightStatus:
        """Power, colour and label in one round trip."""
        state = await self._request(LightGet())
        return LightStatus(state.power > 0, state.color, decode_label(state.label))

    async def get_power(self) -> bool:
        """Power of any device, light or switch."""
        state = await self._request(DeviceGetPower())
        return state.level > 0

    async def get_label(self) -> str:
        """The device's label."""
        state = await self._request(DeviceGetLabel())
        return decode_label(state.label)

    async def set_label(self, label: str) -> None:
        """Rename the device."""
        await self._send(DeviceSetLabel(label=encode_label(label)))

    async def get_group(self) -> GroupInfo:
        """The LIFX group (room) the device belongs to."""
        state = await self._request(DeviceGetGroup())
        return GroupInfo(
            id=state.group.hex(), label=decode_label(state.label), updated_at=state.updated_at
        )

    async def get_location(self) -> GroupInfo:
        """The LIFX location (home) the device belongs to."""
        state = await self._request(DeviceGetLocation())
        return GroupInfo(
            id=state.location.hex(), label=decode_label(state.label), updated_at=state.updated_at
        )

    async def get_wifi_rssi(self) -> int | None:
        """Wi-Fi signal strength in dBm (None when the device sent no real value)."""
        state = await self._request(DeviceGetWifiInfo())
        return signal_to_rssi(state.signal)

    async def echo(self, payload: bytes = b"") -> bytes:
        """Round-trip a payload: the cheapest proof the device is there."""
        reply = await self._request(DeviceEchoRequest(payload=payload))
        return reply.payload[: len(payload)] if payload else reply.payload

    async def reboot(self) -> None:
        """Restart the device."""
        await self._send(DeviceSetReboot())

    # Light

    async def set_power(self, on: bool, duration: float = 0.0) -> None:
        """Switch the light (fading over `duration` seconds) or, for a switch, the device."""
        level = MAX_LEVEL if on else 0
        if self.capabilities.is_light or self.identity is None:
            await self._send(LightSetPower(level=level, duration=milliseconds(duration)))
        else:
            await self._send(DeviceSetPower(level=level))

    async def set_color(self, color: LightHsbk, duration: float = 0.0) -> None:
        """Change the whole device's colour over `duration` seconds."""
        await self._send(LightSetColor(color=color, duration=milliseconds(duration)))

    async def set_waveform(
        self,
        color: LightHsbk,
        *,
        waveform: LightWaveform,
        period: float,
        cycles: float,
        skew_ratio: float = 0.5,
        transient: bool = True,
        set_hue: bool = True,
        set_saturation: bool = True,
        set_brightness: bool = True,
        set_kelvin: bool = True,
    ) -> None:
        """Run a waveform (pulse, breathe...); skew_ratio 0..1 maps to the wire's int16."""
        skew = max(-32768, min(32767, round(skew_ratio * 65535 - 32768)))
        await self._send(
            LightSetWaveformOptional(
                transient=transient,
                color=color,
                period=milliseconds(period),
                cycles=cycles,
                skew_ratio=skew,
                waveform=waveform,
                set_hue=set_hue,
                set_saturation=set_saturation,
                set_brightness=set_brightness,
                set_kelvin=set_kelvin,
            ),
        )

    # Infrared and HEV

    async def get_infrared(self) -> int:
        """Infrared (night vision) brightness, 0..65535."""
        return (await self._request(LightGetInfrared())).brightness

    async def set_infrared(self, brightness: int) -> None:
        """Set infrared brightness, 0..65535."""
        await self._send(LightSetInfrared(brightness=checked_level(brightness)))

    async def get_hev_cycle(self) -> HevCycle:
        """The current HEV cycle."""
        state = await self._request(LightGetHevCycle())
        return HevCycle(
            duration_s=state.duration_s, remaining_s=state.remaining_s, last_power=state.last_power
        )

    async def set_hev_cycle(self, enable: bool, duration_s: int = 0) -> None:
        """Start (0 = the configured default duration) or stop an HEV cycle."""
        await self._send(LightSetHevCycle(enable=enable, duration_s=max(0, duration_s)))

    async def get_hev_config(self) -> HevConfig:
        """The default HEV cycle configuration."""
        state = await self._request(LightGetHevCycleConfiguration())
        return HevConfig(indication=state.indication, duration_s=state.duration_s)

    async def get_last_hev_result(self) -> LightLastHevCycleResult | int:
        """How the last HEV cycle ended."""
        return (await self._request(LightGetLastHevCycleResult())).result

    # Relays (LIFX Switch)

    async def get_relay_power(self, relay_index: int) -> bool:
        """Whether a relay is on."""
        state = await self._request(RelayGetPower(relay_index=relay_index))
        return state.level > 0

    async def set_relay_power(self, relay_index: int, on: bool) -> None:
        """Switch a relay."""
        await self._send(
            RelaySetPower(relay_index=relay_index, level=MAX_LEVEL if on else 0),
        )


class _Jobs:
    """Requests of one poll, run at once; each result typed, the first error raised.

    A poll of one request (a plain bulb: LightGet) awaits it where it stands: no task and
    no gather, which were a fifth of the event loop's work of polling a bulb.
    """

    def __init__(self) -> None:
        self._runs: list[Coroutine[object, object, None]] = []
        self._errors: list[Callable[[], BaseException | None]] = []

    def add[T](self, request: Coroutine[object, object, T]) -> asyncio.Future[T]:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()

        async def run() -> None:
            try:
                future.set_result(await request)
            except Exception as err:  # kept; raise_first_error raises it
                future.set_exception(err)

        self._runs.append(run())
        self._errors.append(future.exception)
        return future

    async def wait(self) -> None:
        if len(self._runs) == 1:
            await self._runs[0]
        else:
            await asyncio.gather(*self._runs)

    def forgive[T](self, future: asyncio.Future[T]) -> None:
        """An error that is not the poll's (an effect the firmware refuses)."""
        self._errors.remove(future.exception)

    def raise_first_error(self) -> None:
        errors = [error for error in (get() for get in self._errors) if error is not None]
        for error in errors:
            if isinstance(error, LifxTimeoutError):
                raise error
        if errors:
            raise errors[0]
