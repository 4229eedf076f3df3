"""Where a device is: its serial, and the host and port its replies come from."""

from __future__ import annotations

from dataclasses import dataclass, field

from .header import serial_to_target
from .transport import LIFX_PORT, canonical_sockaddr


@dataclass(frozen=True, slots=True)
class DeviceAddress:
    """Where a device is: its serial (12 lowercase hex digits), host and UDP port."""

    serial: str
    host: str
    port: int = LIFX_PORT
    target: bytes = field(init=False, repr=False, compare=False)
    sockaddr: tuple[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate serial, host and port once; keep the wire target and socket address.

        The host is kept in the canonical form replies come from (127.1 becomes
        127.0.0.1), since replies are matched by address. A host that is not an IPv4
        address, or a port outside 1..65535, raises LifxConnectionError here rather than
        on every send.
        """
        object.__setattr__(self, "target", serial_to_target(self.serial))
        object.__setattr__(self, "serial", self.target[:6].hex())
        sockaddr = canonical_sockaddr(self.host, self.port)
        object.__setattr__(self, "host", sockaddr[0])
        object.__setattr__(self, "sockaddr", sockaddr)
