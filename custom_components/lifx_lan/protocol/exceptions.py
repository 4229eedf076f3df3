"""Errors raised by the embedded LIFX client: LifxError and a small tree under it."""

from __future__ import annotations


class LifxError(Exception):
    """Base class of every error the LIFX client raises."""


class LifxConnectionError(LifxError):
    """The client could not send: its socket is closed or the OS refused the datagram."""


class LifxTimeoutError(LifxError, TimeoutError):
    """A device did not answer before the request's deadline."""


class LifxProtocolError(LifxError):
    """Bytes that do not form a valid LIFX packet, or a value that cannot be encoded."""


class LifxUnsupportedError(LifxError):
    """The device answered StateUnhandled: it does not implement the message."""

    def __init__(self, pkt_type: int) -> None:
        """Remember which message type the device refused."""
        super().__init__(f"device does not support message type {pkt_type}")
        self.pkt_type = pkt_type
