"""Constants of the LIFX LAN integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "lifx_lan"
LOGGER = logging.getLogger(__package__)

CONF_SERIAL: Final = "serial"
CONF_POLL_INTERVAL: Final = "poll_interval"

DEFAULT_POLL_INTERVAL: Final = 10
MIN_POLL_INTERVAL: Final = 2
MAX_POLL_INTERVAL: Final = 300

# Where discovery looks. Besides the broadcast addresses of the adapters enabled in Home
# Assistant's network settings it asks the host itself, so LIFX devices emulated on the
# Home Assistant machine are found too.
DISCOVERY_PORT: Final = 56700
DISCOVERY_EXTRA_TARGETS: Final = ("127.0.0.1",)
DISCOVERY_TIMEOUT: Final = 3.0
# A background scan finds devices that changed address (DHCP) and new ones.
DISCOVERY_INTERVAL: Final = timedelta(minutes=5)
