"""lifx_lan's embedded asyncio client for the LIFX LAN protocol (no Home Assistant inside)."""

from .address import DeviceAddress
from .batch import BatchError
from .client import LifxClient
from .color import (
    degrees_to_hue,
    fraction_to_level,
    hue_to_degrees,
    level_to_fraction,
    make_hsbk,
)
from .device import LifxDevice, LinkReport
from .discovery import DiscoveredDevice, discover, interface_broadcast_addresses, probe, scan
from .exceptions import (
    LifxConnectionError,
    LifxError,
    LifxProtocolError,
    LifxTimeoutError,
    LifxUnsupportedError,
)
from .messages import LightHsbk
from .products import Capabilities, Product, lookup
from .retransmission import LinkStats, RetrySchedule
from .state import (
    DeviceIdentity,
    DeviceProfile,
    DeviceState,
    EffectState,
    GroupInfo,
    HevConfig,
    HevCycle,
    LightStatus,
    TileInfo,
    effect_name,
    signal_to_rssi,
)
from .transport import LIFX_PORT, LifxTransport

__all__ = [
    "LIFX_PORT",
    "BatchError",
    "Capabilities",
    "DeviceAddress",
    "DeviceIdentity",
    "DeviceProfile",
    "DeviceState",
    "DiscoveredDevice",
    "EffectState",
    "GroupInfo",
    "HevConfig",
    "HevCycle",
    "LifxClient",
    "LifxConnectionError",
    "LifxDevice",
    "LifxError",
    "LifxProtocolError",
    "LifxTimeoutError",
    "LifxTransport",
    "LifxUnsupportedError",
    "LightHsbk",
    "LightStatus",
    "LinkReport",
    "LinkStats",
    "Product",
    "RetrySchedule",
    "TileInfo",
    "degrees_to_hue",
    "discover",
    "effect_name",
    "fraction_to_level",
    "hue_to_degrees",
    "interface_broadcast_addresses",
    "level_to_fraction",
    "lookup",
    "make_hsbk",
    "probe",
    "scan",
    "signal_to_rssi",
]
