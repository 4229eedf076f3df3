"""Diagnostics: product, firmware, capabilities, last state and link statistics."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_MAC
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .coordinator import LifxConfigEntry, LifxCoordinator

# Where the home is on the network, and the names people gave it and its rooms.
TO_REDACT = {CONF_HOST, CONF_MAC, "group", "label", "title", "unique_id"}
# LIFX serials start with LIFX's d073d5: that much tells support it is a genuine LIFX
# serial without telling which device it is.
SERIAL_PREFIX_LENGTH = 6


def _redact_serial(serial: str) -> str:
    """The serial's LIFX prefix, the rest masked: d073d5******."""
    return serial[:SERIAL_PREFIX_LENGTH] + "*" * (len(serial) - SERIAL_PREFIX_LENGTH)


def _coordinator_diagnostics(coordinator: LifxCoordinator) -> dict[str, Any]:
    diagnostics = async_redact_data(_coordinator_data(coordinator), TO_REDACT)
    diagnostics["serial"] = _redact_serial(coordinator.serial)
    return diagnostics


def _coordinator_data(coordinator: LifxCoordinator) -> dict[str, Any]:
    """The device's profile, last state and link report: values, not the client's innards."""
    profile = coordinator.profile
    report = coordinator.device.link_report()
    data = coordinator.data
    identity = None if profile is None else profile.identity
    return {
        "serial": coordinator.serial,
        "address": {
            "host": coordinator.device.address.host,
            "port": coordinator.device.address.port,
        },
        "product": None
        if identity is None
        else {
            "vendor": identity.vendor,
            "product_id": identity.product.product_id,
            "name": identity.product.name,
            "known": identity.product.known,
            "firmware": identity.firmware_version,
            "firmware_build": identity.firmware_build,
            "capabilities": asdict(identity.capabilities),
        },
        "group": None if profile is None else profile.group,
        "tiles": [] if profile is None else [asdict(tile) for tile in profile.chain],
        "relay_count": 0 if profile is None else profile.relay_count,
        "poll_interval_s": coordinator.poll_every,
        "last_update_success": coordinator.last_update_success,
        "state": None if data is None else asdict(data),
        "link": None
        if not report.requests
        else {
            "requests": report.requests,
            "transmissions": report.transmissions,
            "replies": report.replies,
            "late_replies": report.late_replies,
            "retransmissions": report.retransmissions,
            "timeouts": report.timeouts,
            "loss": round(report.loss, 4),
            "rtt_median_ms": None
            if report.rtt_median is None
            else round(report.rtt_median * 1000, 3),
        },
        "client": {
            "pending": report.pending,
            "drops": report.client_drops,
            "transport_drops": report.transport_drops,
        },
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: LifxConfigEntry
) -> dict[str, Any]:
    """Diagnostics of a device's entry, without its address, MAC, names or full serial."""
    return {
        "entry": async_redact_data(
            {"title": entry.title, "data": dict(entry.data), "options": dict(entry.options)},
            TO_REDACT,
        ),
        "device": _coordinator_diagnostics(entry.runtime_data),
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: LifxConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """Diagnostics of the device (one device per entry), redacted like the entry's."""
    return _coordinator_diagnostics(entry.runtime_data)
