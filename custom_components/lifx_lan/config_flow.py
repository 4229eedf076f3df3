"""Config flow: pick discovered devices (several at once), or type a host; discovery; reconfigure.

Every way in (the pick list, the flows started for the other devices picked with it, a
typed-in host, a confirmed DHCP, zeroconf, HomeKit or background discovery, and
reconfigure) ends in _async_create_entry, as in Home Assistant's tailwind integration.
While core LIFX entries exist, the user step first offers their takeover (adopt_flow.py).
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    SOURCE_IGNORE,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_MAC, CONF_PORT
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ATTR_PROPERTIES_ID, ZeroconfServiceInfo
from homeassistant.helpers.typing import DiscoveryInfoType
import voluptuous as vol

from .adopt_flow import LifxTakeoverSteps
from .const import CONF_SERIAL, DOMAIN, LOGGER
from .describe import async_name, async_pick_labels
from .hosts import async_resolve, format_host, parse_host
from .network import async_get_network
from .options_flow import LifxOptionsFlow
from .protocol import (
    DiscoveredDevice,
    LifxError,
)

CONF_DEVICES = "devices"
CONF_MANUAL = "manual"
# Extra config-entry flows created for the second and later devices picked in one go.
SOURCE_PICKED = "picked"
# One host form, shared by manual entry and reconfigure.
HOST_SCHEMA = vol.Schema({vol.Required(CONF_HOST): TextSelector()})


def _device_of(discovery_info: DiscoveryInfoType) -> DiscoveredDevice:
    """The device the background scan, or a pick in another flow, found."""
    return DiscoveredDevice(
        discovery_info[CONF_SERIAL], discovery_info[CONF_HOST], discovery_info[CONF_PORT]
    )


class LifxConfigFlow(LifxTakeoverSteps, domain=DOMAIN):
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
        """Options: the poll interval, and a strip's segments."""
        return LifxOptionsFlow()

    # User: discovered devices, several at once, or a host typed by hand.

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Offer to take over core LIFX entries, else scan; add the devices picked."""
        if user_input is not None:
            picked: list[str] = user_input.get(CONF_DEVICES, [])
            if CONF_MANUAL in picked or not picked:
                return await self.async_step_manual()
            first, *others = picked
            for serial in others:
                # Each other device gets a flow of its own, which adds it the same way.
                device = self._discovered[serial]
                await self.hass.config_entries.flow.async_init(
                    DOMAIN,
                    context={"source": SOURCE_PICKED},
                    data={CONF_HOST: device.host, CONF_PORT: device.port, CONF_SERIAL: serial},
                )
            return await self._async_create_entry(self._discovered[first])
        if self._async_core_entries_found():
            return await self.async_step_takeover_menu()
        return await self.async_step_discover()

    async def async_step_discover(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Scan the network and offer every device not yet configured."""
        network = async_get_network(self.hass)
        try:
            found = await network.async_discover()
        except LifxError as err:
            LOGGER.debug("Discovery failed: %s", err)
            found = []
        self._discovered = self._not_configured(found)
        if not self._discovered:
            return self._async_show_host_form("manual", errors={"base": "no_devices_found"})
        return await self._async_show_pick_form()

    async def async_step_picked(self, discovery_info: DiscoveryInfoType) -> ConfigFlowResult:
        """Add one more device the user picked in the same form."""
        return await self._async_create_entry(_device_of(discovery_info))

    async def async_step_manual(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Add a device by its address (one on another subnet or VLAN)."""
        return await self._async_step_host("manual", user_input)

    # Discovery: DHCP, zeroconf, HomeKit and the background scan.

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A LIFX MAC took an address: ask who is there, then follow or offer it."""
        return await self._async_step_probe(
            discovery_info.ip, mac=format_mac(discovery_info.macaddress)
        )

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """A device advertises _lifx._udp: ask who is at its address and port."""
        advertised = discovery_info.properties.get(ATTR_PROPERTIES_ID)
        serial = advertised.replace(":", "").lower() if isinstance(advertised, str) else None
        return await self._async_step_announced(discovery_info, discovery_info.port, serial)

    async def async_step_homekit(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """A LIFX model advertises HomeKit (on HomeKit's port): ask who is at its address."""
        return await self._async_step_announced(discovery_info, None, None)

    async def _async_step_announced(
        self, discovery_info: ZeroconfServiceInfo, port: int | None, serial: str | None
    ) -> ConfigFlowResult:
        # The client speaks IPv4; Thread devices announce only IPv6 addresses.
        addresses = [discovery_info.ip_address, *discovery_info.ip_addresses]
        host = next((str(ip) for ip in addresses if ip.version == 4), None)
        if host is None:
            return self.async_abort(reason="not_ipv4_address")
        return await self._async_step_probe(host, port, serial=serial)

    async def _async_step_probe(
        self,
        host: str,
        port: int | None = None,
        *,
        mac: str | None = None,
        serial: str | None = None,
    ) -> ConfigFlowResult:
        """Someone says a LIFX device is at host: ask who answers there, on the LIFX port.

        An announced serial only picks among the devices that answer, and a known device
        is moved only once it confirms the move itself (see _async_follow).
        """
        network = async_get_network(self.hass)
        # Devices listen on the discovery port (56700 unless tests or unusual networks
        # point discovery elsewhere).
        port = port or network.discovery_port
        entry = self._configured(serial) if serial else None
        if entry is not None and (entry.data[CONF_HOST], entry.data[CONF_PORT]) == (host, port):
            # Announced where it is configured already (mDNS repeats itself): nothing to ask.
            await self.async_set_unique_id(serial)
            self._abort_if_unique_id_configured()
        try:
            answering = await network.async_probe(host, port)
        except LifxError:
            answering = []
        if not answering:
            return self.async_abort(reason="cannot_connect")
        # The MAC is the device's only when it is the one device at the address: behind
        # an emulator or a bridge it is the host's.
        if len(answering) > 1:
            mac = None
        device = next((d for d in answering if d.serial == serial), answering[0])
        return await self._async_step_discovered(device, mac)

    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """The background scan found a device."""
        return await self._async_step_discovered(_device_of(discovery_info))

    async def _async_step_discovered(
        self, device: DiscoveredDevice, mac: str | None = None
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(device.serial)
        if (entry := self._configured(device.serial)) is not None:
            await self._async_follow(entry, device, mac)
        self._abort_if_unique_id_configured()
        try:
            self._title = await self._async_describe(device)
        except LifxError:
            return self.async_abort(reason="cannot_connect")
        self._device = device
        self._mac = mac
        self.context["title_placeholders"] = {"name": self._title}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm adding a discovered device."""
        assert self._device is not None
        if user_input is not None:
            return await self._async_create_entry(self._device, title=self._title, mac=self._mac)
        return self.async_show_form(
            step_id="discovery_confirm",
            description_placeholders={"name": self._title, "host": self._device.host},
        )

    # Reconfigure: a new address for the same device.

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address of a device."""
        return await self._async_step_host("reconfigure", user_input)

    # The host form, shared by manual entry and reconfigure.

    async def _async_step_host(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            if (target := parse_host(user_input[CONF_HOST])) is None:
                errors[CONF_HOST] = "invalid_host"
            else:
                host, port = target
                try:
                    host = await async_resolve(self.hass, host)
                    answering = await async_get_network(self.hass).async_probe(host, port)
                except (OSError, LifxError):
                    # OSError: a host name that does not resolve.
                    answering = []
                if answering:
                    return await self._async_host_answered(answering, host, port)
                errors["base"] = "cannot_connect"
        elif self.source == SOURCE_RECONFIGURE:
            user_input = {CONF_HOST: format_host(self._get_reconfigure_entry().data)}
        return self._async_show_host_form(step_id, user_input, errors)

    @callback
    def _async_show_host_form(
        self,
        step_id: str,
        user_input: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> ConfigFlowResult:
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(HOST_SCHEMA, user_input),
            errors=errors or {},
        )

    async def _async_host_answered(
        self, answering: list[DiscoveredDevice], host: str, port: int
    ) -> ConfigFlowResult:
        if self.source == SOURCE_RECONFIGURE:
            # The entry's device among those at the address (else whoever answers, refused
            # as the wrong device), at the address the user typed.
            serial = self._get_reconfigure_entry().unique_id
            match = next((d for d in answering if d.serial == serial), answering[0])
            return await self._async_create_entry(DiscoveredDevice(match.serial, host, port))
        if len(answering) > 1:
            # An emulator or bridge answers for several devices: let the user pick.
            self._discovered = self._not_configured(answering)
            if not self._discovered:
                return self.async_abort(reason="already_configured")
            return await self._async_show_pick_form()
        device = answering[0]
        if (entry := self._configured(device.serial)) is not None:
            # Typed in by the user, and the device answered there: follow it, once it no
            # longer answers where the entry had it.
            await self._async_follow(entry, device, None)
        return await self._async_create_entry(device)

    # Where every way in ends.

    async def _async_create_entry(
        self, device: DiscoveredDevice, *, title: str | None = None, mac: str | None = None
    ) -> ConfigFlowResult:
        """Add a device that answered (reconfiguring: move its entry there)."""
        if self.source == SOURCE_RECONFIGURE:
            # Not raise_on_progress: a discovery flow for another device at that address is
            # no reason to abort with anything but wrong_device.
            await self.async_set_unique_id(device.serial, raise_on_progress=False)
            self._abort_if_unique_id_mismatch(reason="wrong_device")
            # The user named the address, and the device answered there to its serial.
            entry = self._get_reconfigure_entry()
            async_get_network(self.hass).async_move_entry(entry, device.host, device.port)
            return self.async_abort(reason="reconfigure_successful")
        self._async_abort_if_added(device)
        if title is None:
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
        data: dict[str, Any] = {CONF_HOST: device.host, CONF_PORT: device.port}
        if mac is not None:
            # Only the MAC DHCP saw, never one guessed from the serial.
            data[CONF_MAC] = mac
        return self.async_create_entry(title=title, data=data)

    # What the steps share.

    async def _async_show_pick_form(self) -> ConfigFlowResult:
        """Offer the devices found, each by its label and model, serial and address."""
        found = [device for _, device in sorted(self._discovered.items())]
        labels = await async_pick_labels(self.hass, found)
        options = [
            SelectOptionDict(value=device.serial, label=label)
            for device, label in zip(found, labels, strict=True)
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
            errors={},
            description_placeholders={"count": str(len(self._discovered))},
        )

    def _not_configured(self, found: list[DiscoveredDevice]) -> dict[str, DiscoveredDevice]:
        """The devices found that have no entry (ignored ones are offered again)."""
        configured = self._async_current_ids(include_ignore=False)
        return {d.serial: d for d in found if d.serial not in configured}

    def _configured(self, serial: str) -> ConfigEntry | None:
        """The device's entry, unless the user ignored the device."""
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, serial)
        return None if entry is None or entry.source == SOURCE_IGNORE else entry

    @callback
    def _async_abort_if_added(self, device: DiscoveredDevice) -> None:
        """Abort when the device has an entry meanwhile.

        Its address is left alone here: the entry follows its device by itself, and only
        once the device confirms a move (an address a discovery reply named proves
        nothing). The pick form offers ignored devices, and Home Assistant lets only
        SOURCE_USER replace an ignored entry: the other devices of the same pick may too.
        """
        if self._configured(device.serial) is not None:
            raise AbortFlow("already_configured")

    async def _async_follow(
        self, entry: ConfigEntry, device: DiscoveredDevice, mac: str | None
    ) -> None:
        """A configured device was found: follow it, if it really moved; note its MAC.

        Anyone on the LAN can answer a broadcast, or a probe, with a known serial: the
        network moves the entry only once the device answers at the new address and no
        longer at the stored one. The MAC DHCP saw is kept only for the device really there.
        """
        network = async_get_network(self.hass)
        if not await network.async_consider_move(entry, device.host, device.port):
            return
        if mac is not None and entry.data.get(CONF_MAC) != mac:
            self.hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_MAC: mac})

    async def _async_describe(self, device: DiscoveredDevice) -> str:
        """Test the connection and title the device (label, else model)."""
        return (await async_name(self.hass, device)).title
