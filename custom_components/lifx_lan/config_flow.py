"""Config flow: pick discovered devices (several at once), or type a host; DHCP; reconfigure."""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Any

from homeassistant.config_entries import (
    SOURCE_IGNORE,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_HOST, CONF_MAC, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import voluptuous as vol

from .const import (
    CONF_POLL_INTERVAL,
    CONF_SERIAL,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
)
from .network import async_get_network
from .protocol import (
    LIFX_PORT,
    DeviceAddress,
    DiscoveredDevice,
    LifxDevice,
    LifxError,
    RetrySchedule,
)

CONF_DEVICES = "devices"
# Naming a device found by discovery: eleven copies in 3 s get through 30 % loss each way,
# and a made-up device found in a flood holds its request slots no longer than that.
DESCRIBE_SCHEDULE = RetrySchedule(gaps=(0.1,) * 5 + (0.2, 0.3, 0.5), deadline=3.0)
CONF_MANUAL = "manual"
# Extra config-entry flows created for the second and later devices picked in one go.
SOURCE_PICKED = "picked"


# ASCII digits only: str.isdigit() also takes "²" and the digits of other scripts.
_PORT = re.compile(r"[0-9]{1,5}", re.ASCII)
# One label of a DNS name (RFC 1123): letters, digits and inner hyphens, ASCII only.
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII | re.IGNORECASE)
_MAX_HOST_NAME = 253


def _parse_host(text: str) -> tuple[str, int] | None:
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


async def _async_resolve(hass: HomeAssistant, host: str) -> str:
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


class LifxConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add LIFX devices."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing discovered."""
        self._discovered: dict[str, DiscoveredDevice] = {}
        self._device: DiscoveredDevice | None = None
        self._mac: str | None = None
        self._title = ""

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> LifxOptionsFlow:
        """Options: the poll interval."""
        return LifxOptionsFlow()

    async def _async_describe(self, device: DiscoveredDevice) -> str:
        """Test the connection and name the device (label, else product).

        A few flows describe at a time, each with a short deadline, so that a flood of
        made-up devices never holds the request slots the configured devices need; what
        the client learnt of a device is dropped again unless an entry keeps it.
        """
        network = async_get_network(self.hass)
        async with network.describe_slots, network.async_client() as client:
            lifx = LifxDevice(client, DeviceAddress(device.serial, device.host, device.port))
            lifx.schedule = DESCRIBE_SCHEDULE
            try:
                identity = await lifx.identify()
                label = await lifx.get_label()
            finally:
                if device.serial not in network.coordinators:
                    client.forget(device.serial)
        return label or identity.product.name

    # User: discovered devices, several at once, or a host typed by hand.

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Scan the network and offer every device not yet configured."""
        errors: dict[str, str] = {}
        if user_input is not None:
            picked: list[str] = user_input.get(CONF_DEVICES, [])
            if CONF_MANUAL in picked or not picked:
                return await self.async_step_manual()
            return await self._async_create_picked(picked)

        network = async_get_network(self.hass)
        try:
            found = await network.async_discover()
        except LifxError as err:
            LOGGER.debug("Discovery failed: %s", err)
            found = []
        configured = self._async_current_ids(include_ignore=False)
        self._discovered = {d.serial: d for d in found if d.serial not in configured}
        if not self._discovered:
            return await self.async_step_manual(errors={"base": "no_devices_found"})
        return self._show_pick_form(errors)

    def _show_pick_form(self, errors: dict[str, str]) -> ConfigFlowResult:
        options = [
            SelectOptionDict(value=serial, label=f"{serial} ({device.host})")
            for serial, device in sorted(self._discovered.items())
        ]
        options.append(SelectOptionDict(value=CONF_MANUAL, label=CONF_MANUAL))
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_DEVICES): SelectSelector(
                        SelectSelectorConfig(
                            options=options, multiple=True, translation_key="devices"
                        )
                    )
                }
            ),
            errors=errors,
            description_placeholders={"count": str(len(self._discovered))},
        )

    async def _async_create_picked(self, picked: list[str]) -> ConfigFlowResult:
        """Create this flow's entry for the first device and one more flow per other."""
        first, *others = picked
        for serial in others:
            device = self._discovered[serial]
            await self.hass.config_entries.flow.async_init(
                DOMAIN,
                context={"source": SOURCE_PICKED},
                data={CONF_HOST: device.host, CONF_PORT: device.port, CONF_SERIAL: serial},
            )
        self._device = self._discovered[first]
        return await self._async_create_device(self._device)

    async def async_step_picked(self, discovery: dict[str, Any]) -> ConfigFlowResult:
        """Create the entry of one more device the user picked in the same form."""
        device = DiscoveredDevice(
            discovery[CONF_SERIAL], discovery[CONF_HOST], discovery[CONF_PORT]
        )
        return await self._async_create_device(device)

    async def _async_create_device(self, device: DiscoveredDevice) -> ConfigFlowResult:
        self._async_abort_if_added(device)
        try:
            title = await self._async_describe(device)
        except LifxError:
            return self.async_abort(reason="cannot_connect")
        # Another flow may have added the device while this one asked its name (two forms
        # submitted at once), so look again, with no await between the look and the entry.
        # The unique id is claimed only now: when one flow creates the entry, Home
        # Assistant drops every other flow that claimed it from progress, and a flow
        # dropped in the middle of a step fails instead of aborting.
        await self.async_set_unique_id(device.serial, raise_on_progress=False)
        self._async_abort_if_added(device)
        return self.async_create_entry(
            title=title, data={CONF_HOST: device.host, CONF_PORT: device.port}
        )

    @callback
    def _async_abort_if_added(self, device: DiscoveredDevice) -> None:
        """Abort when the device has an entry meanwhile.

        Its address is left alone: the entry follows its device by itself, and only once
        the device confirms a move (an address a discovery reply named proves nothing).
        """
        existing = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, device.serial)
        # The pick form offers ignored devices, and Home Assistant lets only SOURCE_USER
        # replace an ignored entry: the other devices of the same pick may too.
        if existing is not None and existing.source != SOURCE_IGNORE:
            raise AbortFlow("already_configured")

    async def async_step_manual(
        self,
        user_input: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> ConfigFlowResult:
        """Add a device by its address (one on another subnet or VLAN)."""
        errors = dict(errors or {})
        if user_input is not None:
            errors.pop("base", None)
            target = _parse_host(user_input[CONF_HOST])
            if target is None:
                errors[CONF_HOST] = "invalid_host"
            else:
                result = await self._async_try_host(*target, errors)
                if result is not None:
                    return result
        return self.async_show_form(
            step_id="manual",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_HOST): TextSelector()}), user_input
            ),
            errors=errors,
        )

    async def _async_try_host(
        self, host: str, port: int, errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        try:
            host = await _async_resolve(self.hass, host)
            answering = await async_get_network(self.hass).async_probe(host, port)
        except (OSError, LifxError):
            # OSError: a host name that does not resolve.
            answering = []
        if not answering:
            errors["base"] = "cannot_connect"
            return None
        if len(answering) > 1 and self.source != SOURCE_RECONFIGURE:
            # An emulator or bridge answers for several devices: let the user pick.
            configured = self._async_current_ids(include_ignore=False)
            self._discovered = {d.serial: d for d in answering if d.serial not in configured}
            if not self._discovered:
                return self.async_abort(reason="already_configured")
            return self._show_pick_form({})
        if self.source == SOURCE_RECONFIGURE:
            return await self._async_reconfigure_to(answering, host, port)
        device = answering[0]
        existing = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, device.serial)
        if existing is not None and existing.source != SOURCE_IGNORE:
            # Typed in by the user, and the device answered there: follow it, once it no
            # longer answers where the entry had it.
            await self._async_update_known(existing, device, None)
        return await self._async_create_device(device)

    # Discovery: DHCP and the background scan.

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A LIFX MAC took an address: ask it who it is, then update or offer it."""
        network = async_get_network(self.hass)
        try:
            # Devices listen on the discovery port (56700 unless tests or unusual
            # networks point discovery elsewhere).
            answering = await network.async_probe(discovery_info.ip, network.discovery_port)
        except LifxError:
            answering = []
        if not answering:
            return self.async_abort(reason="cannot_connect")
        # The MAC is the device's only when it is the one device at the address: behind
        # an emulator or a bridge it is the host's.
        mac = format_mac(discovery_info.macaddress) if len(answering) == 1 else None
        return await self._async_discovered(answering[0], mac)

    async def async_step_integration_discovery(
        self, discovery_info: dict[str, Any]
    ) -> ConfigFlowResult:
        """The background scan found a device."""
        return await self._async_discovered(
            DiscoveredDevice(
                discovery_info[CONF_SERIAL], discovery_info[CONF_HOST], discovery_info[CONF_PORT]
            )
        )

    async def _async_discovered(
        self, device: DiscoveredDevice, mac: str | None = None
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(device.serial)
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, device.serial)
        if entry is not None and entry.source != SOURCE_IGNORE:
            await self._async_update_known(entry, device, mac)
        self._abort_if_unique_id_configured()
        try:
            self._title = await self._async_describe(device)
        except LifxError:
            return self.async_abort(reason="cannot_connect")
        self._device = device
        self._mac = mac
        self.context["title_placeholders"] = {"name": self._title}
        return await self.async_step_discovery_confirm()

    async def _async_update_known(
        self, entry: ConfigEntry, device: DiscoveredDevice, mac: str | None
    ) -> None:
        """A configured device was discovered: follow it, if it really moved; note its MAC.

        Anyone on the LAN can answer a broadcast, or a probe, with a known serial: the
        network moves the entry only once the device answers at the new address and no
        longer at the stored one. The MAC DHCP saw is kept only for the device really there.
        """
        network = async_get_network(self.hass)
        if not await network.async_consider_move(entry, device.host, device.port):
            return
        if mac is not None and entry.data.get(CONF_MAC) != mac:
            self.hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_MAC: mac})

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm adding a discovered device."""
        assert self._device is not None
        if user_input is not None:
            return self.async_create_entry(
                title=self._title, data=self._entry_data(self._device, self._mac)
            )
        self._set_confirm_only()
        return self.async_show_form(
            step_id="discovery_confirm",
            description_placeholders={"name": self._title, "host": self._device.host},
        )

    @staticmethod
    def _entry_data(device: DiscoveredDevice, mac: str | None) -> dict[str, Any]:
        """Where the device is, and its MAC address when DHCP saw it (never a guess)."""
        data: dict[str, Any] = {CONF_HOST: device.host, CONF_PORT: device.port}
        if mac is not None:
            data[CONF_MAC] = mac
        return data

    # Reconfigure: a new address for the same device.

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address of a device."""
        errors: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        if user_input is not None:
            target = _parse_host(user_input[CONF_HOST])
            if target is None:
                errors[CONF_HOST] = "invalid_host"
            else:
                result = await self._async_try_host(*target, errors)
                if result is not None:
                    return result
        suggested = user_input or {CONF_HOST: _format_host(entry.data)}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_HOST): TextSelector()}), suggested
            ),
            errors=errors,
        )

    async def _async_reconfigure_to(
        self, answering: list[DiscoveredDevice], host: str, port: int
    ) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        match = next((d for d in answering if d.serial == entry.unique_id), answering[0])
        # Not raise_on_progress: a discovery flow for another device at that address is
        # no reason to abort with anything but wrong_device.
        await self.async_set_unique_id(match.serial, raise_on_progress=False)
        self._abort_if_unique_id_mismatch(reason="wrong_device")
        # The user named the address, and the device answered there to its serial
        async_get_network(self.hass).async_move_entry(entry, host, port)
        return self.async_abort(reason="reconfigure_successful")


def _format_host(data: Any) -> str:
    host, port = data[CONF_HOST], data[CONF_PORT]
    return host if port == LIFX_PORT else f"{host}:{port}"


class LifxOptionsFlow(OptionsFlow):
    """How often each device is polled."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show or save the options."""
        if user_input is not None:
            return self.async_create_entry(
                data={CONF_POLL_INTERVAL: int(user_input[CONF_POLL_INTERVAL])}
            )
        current = self.config_entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_POLL_INTERVAL, default=current): NumberSelector(
                        NumberSelectorConfig(
                            min=MIN_POLL_INTERVAL,
                            max=MAX_POLL_INTERVAL,
                            step=1,
                            unit_of_measurement="s",
                            mode=NumberSelectorMode.BOX,
                        )
                    )
                }
            ),
        )
