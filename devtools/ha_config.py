"""Prepare a Home Assistant config folder for development: onboarded, offline, lifx_lan linked.

Onboarding is pre-seeded (an owner account and every onboarding step marked done), so
Home Assistant creates none of the integrations that onboarding would add (met,
radio_browser, ...) and that would try to reach the internet. Idempotent.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import sys

from homeassistant.auth import auth_manager_from_config
from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.providers.homeassistant import HassAuthProvider, InvalidUser
from homeassistant.components.onboarding.const import STEPS
from homeassistant.config_entries import ConfigEntries
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.storage import Store

from devtools import ROOT

CONFIGURATION = """\
# Written by devtools/ha_config.py for development: only local integrations, no cloud.
homeassistant:
  name: LIFX LAN development
  latitude: 51.5
  longitude: -0.12
  elevation: 0
  unit_system: metric
  currency: EUR
  country: GB
  time_zone: Europe/London
  internal_url: "http://127.0.0.1:{port}"

http:
  server_host: 127.0.0.1
  server_port: {port}

frontend:
config:
automation:
script:
scene:
history:
logbook:
person:
search:

logger:
  default: warning
  logs:
    custom_components.lifx_lan: debug
"""


async def seed(config_dir: Path, username: str, password: str) -> None:
    """Create the owner account and mark onboarding done."""
    hass = HomeAssistant(str(config_dir))
    # The auth store reads the device and entity registries (HA 2026.x), the entity registry
    # waits for the config entries, and HA 2026.x creates the device registry in a step of
    # its own before loading it.
    hass.config_entries = ConfigEntries(hass, {})
    await hass.config_entries.async_initialize()
    create_device_registry = getattr(dr, "async_setup", None)
    if create_device_registry is not None:
        create_device_registry(hass)
    await dr.async_load(hass)
    await er.async_load(hass)
    hass.auth = await auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
    provider = hass.auth.auth_providers[0]
    assert isinstance(provider, HassAuthProvider)
    await provider.async_initialize()
    assert provider.data is not None
    try:
        provider.data.add_auth(username, password)
    except InvalidUser:
        provider.data.change_password(username, password)
    await provider.data.async_save()
    credentials = await provider.async_get_or_create_credentials({"username": username})
    if credentials.is_new:
        await hass.auth._store.async_create_user(  # no public API makes an owner
            name=username,
            is_owner=True,
            is_active=True,
            group_ids=[GROUP_ID_ADMIN],
            credentials=credentials,
        )
    onboarding: Store[dict[str, list[str]]] = Store(hass, 4, "onboarding", private=True)
    await onboarding.async_save({"done": list(STEPS)})
    await hass.auth._store._store.async_save(  # flush before exit
        hass.auth._store._data_to_save()
    )
    await hass.async_stop(force=True)


def main() -> int:
    """Write configuration.yaml, link the integration, seed onboarding."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--username", default="dev")
    parser.add_argument("--password", default="lifx-lan-dev")
    args = parser.parse_args()
    config_dir: Path = args.config.resolve()
    (config_dir / "custom_components").mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(CONFIGURATION.format(port=args.port))
    link = config_dir / "custom_components" / "lifx_lan"
    if not link.is_symlink():
        link.symlink_to(ROOT / "custom_components" / "lifx_lan")
    asyncio.run(seed(config_dir, args.username, args.password))
    return 0


if __name__ == "__main__":
    sys.exit(main())
