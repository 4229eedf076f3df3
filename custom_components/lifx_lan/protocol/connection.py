"""A device at an address, spoken to through the shared client: requests and identity."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Final

from .client import DeviceAddress, LifxClient, RetrySchedule
from .exceptions import LifxError, LifxProtocolError, LifxUnsupportedError
from .messages import (
    DeviceEchoRequest,
    DeviceGetHostFirmware,
    DeviceGetVersion,
    Packet,
    Request,
)
from .products import Capabilities, lookup
from .state import (
    DeviceIdentity,
)

MAX_LEVEL: Final = 65535
EXTENDED_ZONES_PER_PACKET: Final = 82
TILE_ZONES_PER_PACKET: Final = 64
MAX_PALETTE: Final = 16
# One transmission, answered within a second or not at all
ONE_DATAGRAM: Final = RetrySchedule(gaps=(1.0,), deadline=1.0)


def decode_label(raw: bytes) -> str:
    """Labels are NUL-padded UTF-8; firmware may leave garbage after the first NUL."""
    return raw.split(b"\x00", 1)[0].decode("utf-8", errors="replace")


def encode_label(label: str) -> bytes:
    """Encode a label into at most 32 bytes without cutting a UTF-8 character in half."""
    raw = label.encode("utf-8")
    while len(raw) > 32:
        label = label[:-1]
        raw = label.encode("utf-8")
    return raw


def milliseconds(seconds: float) -> int:
    """A duration in seconds as the protocol's u32 milliseconds, clamped."""
    return max(0, min(0xFFFFFFFF, round(seconds * 1000)))


class DeviceConnection:
    """One LIFX device at an address: how requests reach it, and who it is."""

    def __init__(self, client: LifxClient, address: DeviceAddress) -> None:
        """Bind the device to its address; nothing is sent yet."""
        self.client = client
        self.address = address
        self.identity: DeviceIdentity | None = None
        # None: the client's schedule. Callers shorten it while the device is known lost.
        self.schedule: RetrySchedule | None = None

    # These hand back the client's coroutine rather than await it: one coroutine less
    # per request.

    def _request[R: Packet](self, message: Request[R]) -> Coroutine[object, None, R]:
        return self.client.request(self.address, message, schedule=self.schedule)

    def _request_all[R: Packet](self, message: Request[R]) -> Coroutine[object, None, list[R]]:
        return self.client.request_all(self.address, message, schedule=self.schedule)

    def _send(self, message: Packet) -> Coroutine[object, None, None]:
        return self.client.send(self.address, message, schedule=self.schedule)

    @property
    def serial(self) -> str:
        """The device's serial (12 lowercase hex digits)."""
        return self.address.serial

    def move_to(self, host: str, port: int) -> None:
        """Follow the device to a new address (DHCP gave it another IP)."""
        self.address = DeviceAddress(self.address.serial, host, port)

    @property
    def capabilities(self) -> Capabilities:
        """Capabilities learnt by `identify` (conservative defaults before)."""
        if self.identity is None:
            return lookup(0).capabilities
        return self.identity.capabilities

    async def identify(self) -> DeviceIdentity:
        """Read product and firmware, and work out the device's capabilities."""
        version = await self._request(DeviceGetVersion())
        firmware = await self._request(DeviceGetHostFirmware())
        major_minor = (firmware.version_major, firmware.version_minor)
        self.identity = DeviceIdentity(
            serial=self.serial,
            vendor=version.vendor,
            product=lookup(version.product, major_minor, vendor=version.vendor),
            firmware=major_minor,
            firmware_build=firmware.build,
        )
        return self.identity

    async def is_answering(self, schedule: RetrySchedule = ONE_DATAGRAM) -> bool:
        """Whether the device answers at its address: by default one datagram, no retry.

        The cheapest way to notice that a device switched off at the wall has its power
        back, without flooding the network while it stays off.
        """
        try:
            await self.client.request(self.address, DeviceEchoRequest(), schedule=schedule)
        except LifxUnsupportedError:
            return True
        except LifxError:
            return False
        return True


def checked_level(value: int) -> int:
    """A 16-bit level (brightness, infrared), refused when out of range."""
    if not 0 <= value <= MAX_LEVEL:
        raise LifxProtocolError(f"level {value} is outside 0..{MAX_LEVEL}")
    return value
