"""What people type as a LIFX device's address: 'host' or 'host:port', checked and resolved."""

from __future__ import annotations

from collections.abc import Mapping
import ipaddress
import re
import socket
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant

from .protocol import LIFX_PORT

# ASCII digits only: str.isdigit() also takes "²" and the digits of other scripts.
_PORT = re.compile(r"[0-9]{1,5}", re.ASCII)
# One label of a DNS name (RFC 1123): letters, digits and inner hyphens, ASCII only.
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII | re.IGNORECASE)
_MAX_HOST_NAME = 253


def parse_host(text: str) -> tuple[str, int] | None:
    """'host' or 'host:port' (IPv4 or a DNS name); None when it is not an address."""
    host, sep, port_text = text.strip().rpartition(":")
    if not sep:
        host, port_text = port_text, str(LIFX_PORT)
    if not _PORT.fullmatch(port_text) or not 0 < int(port_text) <= 0xFFFF:
        return None
    if not _is_ipv4_address(host) and not _is_host_name(host):
        return None
    return host, int(port_text)


def _is_ipv4_address(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def _is_host_name(host: str) -> bool:
    labels = host.removesuffix(".").split(".")
    return (
        len(host) <= _MAX_HOST_NAME
        and all(_HOST_LABEL.fullmatch(label) for label in labels)
        # A name whose last label is a number is a mistyped IPv4 address (RFC 3696).
        and not labels[-1].isdigit()
    )


async def async_resolve(hass: HomeAssistant, host: str) -> str:
    """The IPv4 address of a host name (an address is returned as it is).

    Devices answer from an address, and the client only accepts replies from the address
    it asked, so a name must become an address before anything is sent.
    """
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        pass
    infos = await hass.loop.getaddrinfo(host, None, family=socket.AF_INET, type=socket.SOCK_DGRAM)
    return str(infos[0][4][0])


def format_host(data: Mapping[str, Any]) -> str:
    """An entry's address as the user would type it (the port only when not LIFX's)."""
    host, port = data[CONF_HOST], data[CONF_PORT]
    return host if port == LIFX_PORT else f"{host}:{port}"
