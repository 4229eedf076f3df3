"""Strips and matrices: zones, tile cells and the firmware effects that move them."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable, Sequence
from typing import Final

from .connection import DeviceConnection, milliseconds
from .exceptions import LifxProtocolError, LifxTimeoutError
from .messages import (
    LightHsbk,
    MultiZoneApplicationRequest,
    MultiZoneEffectParameter,
    MultiZoneEffectSettings,
    MultiZoneEffectType,
    MultiZoneExtendedApplicationRequest,
    MultiZoneExtendedGetColorZones,
    MultiZoneExtendedSetColorZones,
    MultiZoneGetColorZones,
    MultiZoneGetEffect,
    MultiZoneSetColorZones,
    MultiZoneSetEffect,
    MultiZoneStateMultiZone,
    MultiZoneStateZone,
    TileBufferRect,
    TileEffectParameter,
    TileEffectSettings,
    TileEffectSkyType,
    TileEffectType,
    TileGet64,
    TileGetDeviceChain,
    TileGetEffect,
    TileSet64,
    TileSetEffect,
)
from .state import (
    CLOUD_SATURATION_MAX,
    CLOUD_SATURATION_MIN,
    EffectState,
    TileInfo,
)

EXTENDED_ZONES_PER_PACKET: Final = 82
TILE_ZONES_PER_PACKET: Final = 64
MAX_PALETTE: Final = 16


class ZonesAndTiles(DeviceConnection):
    """What a strip's zones and a matrix's cells can be asked and told."""

    # Multizone

    async def get_zones(self) -> list[LightHsbk]:
        """Every zone's colour, with extended messages where the firmware has them."""
        if self.capabilities.extended_multizone:
            parts = await self._request_all(MultiZoneExtendedGetColorZones())
            count = parts[0].count
            zones: list[LightHsbk] = [LightHsbk()] * count
            for part in parts:
                for offset, color in enumerate(part.colors[: part.colors_count]):
                    if part.index + offset < count:
                        zones[part.index + offset] = color
            return zones
        # A one-zone strip answers with StateZone rather than StateMultiZone.
        legacy: list[MultiZoneStateMultiZone | MultiZoneStateZone] = list(
            await self._request_all(MultiZoneGetColorZones(start_index=0, end_index=255))
        )
        count = legacy[0].count
        zones = [LightHsbk()] * count
        for reply in legacy:
            colors: Sequence[LightHsbk]
            colors = (reply.color,) if isinstance(reply, MultiZoneStateZone) else reply.colors
            for offset, color in enumerate(colors):
                if reply.index + offset < count:
                    zones[reply.index + offset] = color
        return zones

    async def set_zones(
        self, colors: Sequence[LightHsbk], *, start: int = 0, duration: float = 0.0
    ) -> None:
        """Paint zones from `start`; applied together once the last packet arrives."""
        if not colors:
            return
        if start < 0 or start + len(colors) > 65536:
            raise LifxProtocolError("zone range out of bounds")
        duration_ms = milliseconds(duration)
        if self.capabilities.extended_multizone:
            chunks = [
                colors[i : i + EXTENDED_ZONES_PER_PACKET]
                for i in range(0, len(colors), EXTENDED_ZONES_PER_PACKET)
            ]
            for number, chunk in enumerate(chunks):
                last = number == len(chunks) - 1
                await self._send(
                    MultiZoneExtendedSetColorZones(
                        duration=duration_ms,
                        apply=MultiZoneExtendedApplicationRequest.APPLY
                        if last
                        else MultiZoneExtendedApplicationRequest.NO_APPLY,
                        index=start + number * EXTENDED_ZONES_PER_PACKET,
                        colors_count=len(chunk),
                        colors=tuple(chunk),
                    ),
                )
            return
        if start + len(colors) > 256:
            raise LifxProtocolError("legacy multizone addresses at most 256 zones")
        runs: list[tuple[int, int, LightHsbk]] = []
        for offset, color in enumerate(colors):
            index = start + offset
            if runs and runs[-1][2] == color and runs[-1][1] == index - 1:
                runs[-1] = (runs[-1][0], index, color)
            else:
                runs.append((index, index, color))
        for number, (first, last_index, color) in enumerate(runs):
            last = number == len(runs) - 1
            await self._send(
                MultiZoneSetColorZones(
                    start_index=first,
                    end_index=last_index,
                    color=color,
                    duration=duration_ms,
                    apply=MultiZoneApplicationRequest.APPLY
                    if last
                    else MultiZoneApplicationRequest.NO_APPLY,
                ),
            )

    async def get_multizone_effect(self) -> EffectState:
        """The running multizone effect."""
        state = await self._request(MultiZoneGetEffect())
        return EffectState(
            kind=int(state.settings.type),
            speed_ms=state.settings.speed,
            duration_ns=state.settings.duration,
            parameters=tuple(state.settings.parameter),
        )

    async def set_multizone_effect(
        self,
        kind: MultiZoneEffectType,
        *,
        speed: float = 1.0,
        duration: float = 0.0,
        reverse: bool = False,
    ) -> None:
        """Start (MOVE) or stop (OFF) the strip's firmware effect."""
        await self._send(
            MultiZoneSetEffect(
                settings=MultiZoneEffectSettings(
                    instanceid=_instance_id(),
                    type=kind,
                    speed=milliseconds(speed),
                    duration=round(duration * 1e9),
                    parameter=MultiZoneEffectParameter(parameter1=1 if reverse else 0),
                )
            ),
        )

    # Matrix

    async def get_device_chain(self) -> list[TileInfo]:
        """The tiles of a matrix device, with their sizes and positions."""
        state = await self._request(TileGetDeviceChain())
        return [
            TileInfo(
                index=state.start_index + offset,
                width=tile.width,
                height=tile.height,
                user_x=tile.user_x,
                user_y=tile.user_y,
            )
            for offset, tile in enumerate(state.tile_devices[: state.tile_devices_count])
        ]

    async def get_tile_colors(self, tile: TileInfo) -> list[LightHsbk]:
        """Every zone of one tile, row by row (two Get64 for a 128-zone Ceiling)."""
        zones = tile.width * tile.height
        rows_per_packet = max(1, TILE_ZONES_PER_PACKET // max(tile.width, 1))
        colors: list[LightHsbk] = []
        for y in range(0, tile.height, rows_per_packet):
            parts = await self._request_all(
                TileGet64(
                    tile_index=tile.index,
                    length=1,
                    rect=TileBufferRect(fb_index=0, x=0, y=y, width=tile.width),
                ),
            )
            colors.extend(parts[0].colors)
        return colors[:zones]

    async def set_tile_colors(
        self,
        tile: TileInfo,
        colors: Sequence[LightHsbk],
        *,
        duration: float = 0.0,
        rows: range | None = None,
    ) -> None:
        """Paint one tile, row by row, in packets of 64 zones; `colors` is the whole tile.

        `rows` sends only the packets that hold those rows (all rows when None). A Set64
        writes all of its 64 colours, as many whole rows as fit below its first row, so each
        packet carries every row it reaches from `colors`: the rows around the ones asked
        for are written with what they show, never with the packet's padding.
        """
        width, height = tile.width, tile.height
        rows_per_packet = max(1, TILE_ZONES_PER_PACKET // max(width, 1))
        wanted = range(height) if rows is None else rows
        sends = []
        for y in range(max(0, wanted.start), min(height, wanted.stop), rows_per_packet):
            chunk = colors[y * width : min(y + rows_per_packet, height) * width]
            if not chunk:
                break
            sends.append(
                self._send(
                    TileSet64(
                        tile_index=tile.index,
                        length=1,
                        rect=TileBufferRect(fb_index=0, x=0, y=y, width=width),
                        duration=milliseconds(duration),
                        colors=tuple(chunk),
                    ),
                )
            )
        # Each packet paints its own rows of the visible frame, so a 128-zone Ceiling's two
        # leave together instead of the second waiting for the first's acknowledgement.
        await together(sends)

    async def get_tile_effect(self) -> EffectState:
        """The running matrix effect."""
        state = await self._request(TileGetEffect())
        settings = state.settings
        return EffectState(
            kind=int(settings.type),
            speed_ms=settings.speed,
            duration_ns=settings.duration,
            parameters=tuple(settings.parameter),
            palette=settings.palette[: settings.palette_count],
        )

    async def set_tile_effect(
        self,
        kind: TileEffectType | int,
        *,
        speed: float = 3.0,
        duration: float = 0.0,
        palette: Sequence[LightHsbk] = (),
        sky_type: TileEffectSkyType = TileEffectSkyType.SUNRISE,
        cloud_saturation_min: int = CLOUD_SATURATION_MIN,
        cloud_saturation_max: int = CLOUD_SATURATION_MAX,
    ) -> None:
        """Start (MORPH, FLAME, SKY) or stop (OFF) the matrix firmware effect."""
        if len(palette) > MAX_PALETTE:
            raise LifxProtocolError(f"a palette holds at most {MAX_PALETTE} colours")
        await self._send(
            TileSetEffect(
                settings=TileEffectSettings(
                    instanceid=_instance_id(),
                    type=kind,
                    speed=milliseconds(speed),
                    duration=round(duration * 1e9),
                    parameter=TileEffectParameter(
                        parameter0=int(sky_type),
                        parameter1=cloud_saturation_min,
                        parameter2=cloud_saturation_max,
                    ),
                    palette_count=len(palette),
                    palette=tuple(palette),
                )
            ),
        )


async def together(sends: Iterable[Coroutine[object, None, None]]) -> None:
    """Start every send now, in order, each one's first datagram leaving at once; then wait.

    Each is still acknowledged (and retried) on its own. Every one is waited for; the
    first error, a timeout before any other, is raised once all are done.
    """
    loop = asyncio.get_running_loop()
    tasks = [asyncio.Task(send, loop=loop, eager_start=True) for send in sends]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    errors = [result for result in results if isinstance(result, BaseException)]
    for error in errors:
        if isinstance(error, LifxTimeoutError):
            raise error
    if errors:
        raise errors[0]


_INSTANCE = [0]


def _instance_id() -> int:
    """A fresh effect instance id: firmware restarts an effect only when it changes."""
    _INSTANCE[0] = (_INSTANCE[0] + 1) & 0xFFFFFFFF or 1
    return _INSTANCE[0]
