"""The steps that offer, confirm and run the takeover of core LIFX entries.

The config flow offers the takeover when it starts and core entries exist; a repair issue
offers it to those who added devices by discovery and never saw that step.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    SOURCE_IGNORE,
    ConfigEntry,
    ConfigEntryChange,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.typing import DiscoveryInfoType

from .adopt import (
    CORE_DOMAIN,
    CoreDevice,
    TakeoverError,
    async_core_devices,
    async_take_over,
)
from .const import CONF_SERIAL, DOMAIN

ISSUE_CORE_ENTRIES = "core_lifx_entries"


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


def _placeholders(devices: list[CoreDevice]) -> dict[str, str]:
    ready = [device for device in devices if not device.left]
    return {"count": str(len(ready)), "devices": _listed(ready), "left": _left_behind(devices)}


@callback
def async_update_takeover_issue(hass: HomeAssistant) -> None:
    """Raise the repair that offers the takeover while a core device can be taken over."""
    devices = async_core_devices(hass)
    if not any(not device.left for device in devices):
        ir.async_delete_issue(hass, DOMAIN, ISSUE_CORE_ENTRIES)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        ISSUE_CORE_ENTRIES,
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_CORE_ENTRIES,
        translation_placeholders=_placeholders(devices),
    )


@callback
def async_setup_takeover_issue(hass: HomeAssistant) -> None:
    """Offer the takeover now, and again whenever a core LIFX entry is added or removed."""
    async_update_takeover_issue(hass)

    @callback
    def _async_entry_changed(change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if entry.domain == CORE_DOMAIN and change is not ConfigEntryChange.UPDATED:
            async_update_takeover_issue(hass)

    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, _async_entry_changed)


async def _async_take_over_all(hass: HomeAssistant) -> tuple[str, dict[str, str]]:
    """Take over device by device; the outcome as an abort reason and its placeholders."""
    devices = async_core_devices(hass)
    ready = [device for device in devices if not device.left]
    if not ready:
        return "takeover_nothing", {"left": _left_behind(devices)}
    taken: list[CoreDevice] = []
    for device in ready:
        try:
            await async_take_over(hass, device)
        except TakeoverError as err:
            # The failed device is back with core; the ones before it stay taken over.
            async_update_takeover_issue(hass)
            return err.reason, {**err.placeholders, "taken": _listed(taken)}
        taken.append(device)
    async_update_takeover_issue(hass)
    return "takeover_successful", {"count": str(len(taken)), "left": _left_behind(devices)}


class LifxTakeoverSteps(ConfigFlow):
    """The config flow's takeover: a menu before any scan, a confirmation, the run."""

    @callback
    def _async_core_entries_found(self) -> bool:
        """Whether core LIFX entries exist, to offer their takeover before any scan."""
        return bool(async_core_devices(self.hass))

    async def async_step_takeover_menu(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the takeover beside adding devices from the network."""
        return self.async_show_menu(
            step_id="takeover_menu",
            menu_options=["take_over", "discover"],
            description_placeholders=_placeholders(async_core_devices(self.hass)),
        )

    async def async_step_take_over(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """List what moves and what stays; on confirmation, take over device by device."""
        devices = async_core_devices(self.hass)
        if user_input is None and any(not device.left for device in devices):
            return self.async_show_form(
                step_id="take_over", description_placeholders=_placeholders(devices)
            )
        reason, placeholders = await _async_take_over_all(self.hass)
        return self.async_abort(reason=reason, description_placeholders=placeholders)

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


class TakeoverRepairFlow(RepairsFlow):
    """The repair's takeover: a confirmation, the run."""

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> FlowResult:
        """Confirm first."""
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, str] | None = None) -> FlowResult:
        """List what moves and what stays; on confirmation, take over device by device."""
        if user_input is None:
            return self.async_show_form(
                step_id="confirm",
                description_placeholders=_placeholders(async_core_devices(self.hass)),
            )
        reason, placeholders = await _async_take_over_all(self.hass)
        if reason == "takeover_successful":
            return self.async_create_entry(data={})
        return self.async_abort(reason=reason, description_placeholders=placeholders)
