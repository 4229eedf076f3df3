"""What a device is and shows, as frozen values: its profile, its state, what commands do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
import math
from typing import Final, NamedTuple

from .messages import LightHsbk, MultiZoneEffectType, TileEffectType
from .products import Capabilities, Product


class LightStatus(NamedTuple):
    """Power, colour and label from one LightState reply (a tuple: built on every poll)."""

    power: bool
    color: LightHsbk
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceIdentity:
    """Who a device is: product, firmware and what that makes it capable of."""

    serial: str
    vendor: int
    product: Product
    firmware: tuple[int, int]
    firmware_build: int

    @property
    def capabilities(self) -> Capabilities:
        """The product's capabilities at this firmware."""
        return self.product.capabilities

    @property
    def firmware_version(self) -> str:
        """'major.minor', as LIFX writes it."""
        return f"{self.firmware[0]}.{self.firmware[1]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupInfo:
    """A LIFX group or location: its id and label."""

    id: str
    label: str
    updated_at: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TileInfo:
    """One tile of a matrix device's chain."""

    index: int
    width: int
    height: int
    user_x: float
    user_y: float


@dataclass(frozen=True, slots=True, kw_only=True)
class HevCycle:
    """The state of an HEV (Clean) cycle."""

    duration_s: int
    remaining_s: int
    last_power: bool

    @property
    def active(self) -> bool:
        """Whether a cycle is running."""
        return self.remaining_s > 0


@dataclass(frozen=True, slots=True, kw_only=True)
class HevConfig:
    """The default HEV cycle: its duration and whether the bulb flashes when it ends."""

    indication: bool
    duration_s: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EffectState:
    """A running firmware effect (multizone or matrix)."""

    kind: int
    speed_ms: int
    duration_ns: int
    parameters: tuple[int, ...]
    palette: tuple[LightHsbk, ...] = ()


# Below -150 dBm is under the noise floor of any radio, and above +30 dBm (1 W) is more
# than any Wi-Fi transmitter sends: a reading out there is a broken value, not a signal.
MIN_RSSI_DBM = -150
MAX_RSSI_DBM = 30


def signal_to_rssi(signal: float) -> int | None:
    """StateWifiInfo's signal as dBm; None when it is no signal strength at all.

    Older firmware reports received power in milliwatts (a small positive float);
    newer firmware reports dBm directly (a negative number). The field is a float32,
    so a device can also send NaN or an infinity.
    """
    if not math.isfinite(signal):
        return None
    dbm = signal if signal <= 0 else 10 * math.log10(signal)
    if not MIN_RSSI_DBM <= dbm <= MAX_RSSI_DBM:
        return None
    return round(dbm)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceProfile:
    """What a device is, learnt once when it is set up: identity, group, tiles, relays."""

    identity: DeviceIdentity
    group: str | None = None
    chain: tuple[TileInfo, ...] = ()
    relay_count: int = 0

    @property
    def capabilities(self) -> Capabilities:
        """The product's capabilities at its firmware."""
        return self.identity.capabilities

    @property
    def _has_product_layout(self) -> bool:
        """Whether the device's one tile has the size the product's layout facts describe."""
        size = self.identity.product.matrix_size
        return (
            size is not None
            and len(self.chain) == 1
            and (self.chain[0].width, self.chain[0].height) == size
        )

    @property
    def uplight_zone(self) -> int | None:
        """The zone of a Ceiling's uplight ring on its one tile; None for everything else."""
        return self.identity.product.uplight_zone if self._has_product_layout else None

    @property
    def dark_zones(self) -> frozenset[int]:
        """Zones of the one tile with no LED behind them (none unless the layout is known)."""
        return self.identity.product.dark_zones if self._has_product_layout else frozenset()


# The names firmware effects go by, as a light's effect list shows them
MULTIZONE_EFFECTS: Final = ("move",)
MATRIX_EFFECTS: Final = ("morph", "flame", "sky_sunrise", "sky_sunset", "sky_clouds")
SKY_EFFECTS: Final = {0: "sky_sunrise", 1: "sky_sunset", 2: "sky_clouds"}
# How saturated the sky effect's clouds are, 0..255, unless a caller says otherwise: the
# values the LIFX app starts the effect with.
CLOUD_SATURATION_MIN: Final = 50
CLOUD_SATURATION_MAX: Final = 180


def effect_name(state: EffectState, matrix: bool) -> str | None:
    """The running firmware effect's name (None when none runs)."""
    if matrix:
        if state.kind == TileEffectType.MORPH:
            return "morph"
        if state.kind == TileEffectType.FLAME:
            return "flame"
        if state.kind == TileEffectType.SKY:
            return SKY_EFFECTS.get(state.parameters[0] if state.parameters else 0, "sky_sunrise")
        return None
    return "move" if state.kind == MultiZoneEffectType.MOVE else None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceState:
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

    def with_power(self, on: bool) -> DeviceState:
        """The device switched on or off."""
        return replace(self, power=on)

    def with_color(self, color: LightHsbk) -> DeviceState:
        """The whole device took one colour: every zone and every tile cell with it."""
        return replace(
            self,
            color=color,
            zones=(color,) * len(self.zones),
            tiles=tuple((color,) * len(tile) for tile in self.tiles),
        )

    def with_zones(self, colors: Sequence[LightHsbk], start: int = 0) -> DeviceState:
        """Zones from `start` painted (beyond the strip's end, nothing)."""
        zones = list(self.zones)
        for offset, color in enumerate(colors[: max(0, len(zones) - start)]):
            zones[start + offset] = color
        return replace(self, zones=tuple(zones))

    def with_tiles(self, tiles: Sequence[Sequence[LightHsbk]]) -> DeviceState:
        """Every tile painted, cell by cell."""
        return replace(self, tiles=tuple(tuple(tile) for tile in tiles))

    def with_relay(self, index: int, on: bool) -> DeviceState:
        """One relay of a switch switched."""
        relays = list(self.relays)
        relays[index] = on
        return replace(self, relays=tuple(relays))
