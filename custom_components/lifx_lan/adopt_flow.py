"""Config-flow steps that take over the devices of Home Assistant's core LIFX integration."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_IGNORE, ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.helpers.typing import DiscoveryInfoType

from .adopt import CoreDevice, TakeoverError, async_core_devices, async_take_over
from .const import CONF_SERIAL, DOMAIN


def _listed(devices: list[CoreDevice]) -> str:
    return "\n".join(f"- {device.entry.title}" for device in devices) or "-"


def _left_behind(devices: list[CoreDevice]) -> str:
    """The devices that stay with core, and the entities that keep them there."""
    return (
        "\n".join(
            f"- {device.entry.title}: {', '.join(device.left)}" for device in devices if device.left
        )
        or "-"
    )


class LifxTakeoverSteps(ConfigFlow):
    """Offer, confirm and run the takeover of core LIFX entries."""

    @callback
    def _async_core_entries_found(self) -> bool:
        """Whether core LIFX entries exist, to offer their takeover before any scan."""
        return bool(async_core_devices(self.hass))

    async def async_step_takeover_menu(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the takeover beside adding devices from the network."""
        ready = [device for device in async_core_devices(self.hass) if not device.left]
        return self.async_show_menu(
            step_id="takeover_menu",
            menu_options=["take_over", "discover"],
            description_placeholders={"count": str(len(ready))},
        )

    async def async_step_take_over(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """List what moves and what stays; on confirmation, take over device by device."""
        devices = async_core_devices(self.hass)
        ready = [device for device in devices if not device.left]
        if not ready:
            return self.async_abort(
                reason="takeover_nothing", description_placeholders={"left": _left_behind(devices)}
            )
        if user_input is None:
            return self.async_show_form(
                step_id="take_over",
                description_placeholders={
                    "count": str(len(ready)),
                    "devices": _listed(ready),
                    "left": _left_behind(devices),
                },
            )
        taken: list[CoreDevice] = []
        for device in ready:
            try:
                await async_take_over(self.hass, device)
            except TakeoverError as err:
                # The failed device is back with core; the ones before it stay taken over.
                return self.async_abort(
                    reason=err.reason,
                    description_placeholders={**err.placeholders, "taken": _listed(taken)},
                )
            taken.append(device)
        return self.async_abort(
            reason="takeover_successful",
            description_placeholders={
                "count": str(len(taken)),
                "left": _left_behind(devices),
            },
        )

    async def async_step_core_entry(self, discovery_info: DiscoveryInfoType) -> ConfigFlowResult:
        """Create the entry of a device being taken over (the takeover already found it)."""
        serial: str = discovery_info[CONF_SERIAL]
        await self.async_set_unique_id(serial, raise_on_progress=False)
        # An ignored entry is replaced by the new one.
        existing = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, serial)
        if existing is not None and existing.source != SOURCE_IGNORE:
            return self.async_abort(reason="already_configured")
        return self.async_create_entry(
            title=discovery_info["title"],
            data={CONF_HOST: discovery_info[CONF_HOST], CONF_PORT: discovery_info[CONF_PORT]},
        )
