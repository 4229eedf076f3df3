"""The LIFX LAN integration: LIFX devices over the local network, no cloud."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .adopt import async_claim_taken_over_devices
from .adopt_flow import async_setup_takeover_issue
from .const import DOMAIN
from .coordinator import LifxConfigEntry, LifxCoordinator
from .devices import async_repair_device
from .network import async_get_network
from .protocol import LifxError
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.LIGHT,
    Platform.SCENE,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the LIFX actions once, and offer to take over core LIFX entries."""
    async_setup_services(hass)
    async_setup_takeover_issue(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: LifxConfigEntry) -> bool:
    """Set up one LIFX device."""
    async_claim_taken_over_devices(hass, entry)
    async_repair_device(hass, entry)
    network = async_get_network(hass)
    try:
        await network.async_entry_loaded()
    except LifxError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="socket_unavailable",
            translation_placeholders={"error": str(err)},
        ) from err
    assert network.client is not None
    coordinator = LifxCoordinator(hass, entry, network, network.client)
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await network.async_entry_unloaded()
        raise
    entry.runtime_data = coordinator
    entry.async_on_unload(entry.add_update_listener(coordinator.async_entry_updated))
    entry.async_on_unload(entry.add_update_listener(_async_device_changed))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Last: a set-up that fails before here leaves nothing polling
    if not entry.pref_disable_polling:
        network.polls.add(coordinator)
    return True


async def _async_device_changed(hass: HomeAssistant, entry: LifxConfigEntry) -> None:
    """DHCP discovery may have told the device's MAC address: show it on the device."""
    async_repair_device(hass, entry)


async def async_unload_entry(hass: HomeAssistant, entry: LifxConfigEntry) -> bool:
    """Unload a device; the last one closes the shared socket."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await async_get_network(hass).async_entry_unloaded()
    return unloaded
