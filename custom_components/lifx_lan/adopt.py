"""Take over the devices of Home Assistant's core LIFX integration, entity ids and all.

Each core entry is taken over on its own, and entirely or not at all: its entities move to
lifx_lan in the entity registry (keeping entity id, name, icon, area, disabled and hidden
state, and so their history), its device gains a lifx_lan entry (keeping its id, area and
name, so automations that target it keep working), a lifx_lan entry is set up for it and
the core entry is removed. If any step fails, every change is undone and the core entry
is loaded again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import inspect
import re

from homeassistant.config_entries import SOURCE_IGNORE, ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.typing import UNDEFINED
from homeassistant.util.hass_dict import HassKey

from .const import CONF_SERIAL, DOMAIN, LOGGER
from .hosts import async_resolve
from .network import async_get_network
from .protocol import LifxError

CORE_DOMAIN = "lifx"
# The config-flow source of the entries a takeover creates.
SOURCE_CORE_ENTRY = "core_entry"

# Core's unique ids are "<serial>" for a device's light and "<serial>_<key>" for the rest;
# the serial is colon separated up to HA 2026.x and raw since core's own migration. Each
# (platform, core key) maps to the key of the lifx_lan entity that does the same thing.
COUNTERPARTS: dict[tuple[str, str], str] = {
    (Platform.LIGHT, ""): "light",
    (Platform.LIGHT, "uplight"): "uplight",
    (Platform.LIGHT, "downlight"): "downlight",
    (Platform.LIGHT, "front"): "front",
    (Platform.LIGHT, "back"): "back",
    (Platform.SELECT, "infrared_brightness"): "infrared_brightness",
    (Platform.SELECT, "theme"): "theme",
    (Platform.SENSOR, "rssi"): "rssi",
    (Platform.BINARY_SENSOR, "hev_cycle_state"): "hev_cleaning",
    (Platform.BUTTON, "identify"): "identify",
    (Platform.BUTTON, "restart"): "restart",
}
_SERIAL = re.compile(r"[0-9a-f]{12}|[0-9a-f]{2}(:[0-9a-f]{2}){5}")


# The devices a takeover hands to the lifx_lan entry it is creating, by serial: claimed by
# that entry's setup, before its entities look for their device.
PENDING_DEVICES: HassKey[dict[str, list[str]]] = HassKey(f"{DOMAIN}_takeover_devices")


@callback
def async_claim_taken_over_devices(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Put the devices a takeover hands over into this entry.

    Home Assistant 2026.x looks a device up within the config entry that asks for it, so
    without this the entry's entities would make a new device beside core's, and the
    automations that target core's device would lose it.
    """
    pending = hass.data.get(PENDING_DEVICES, {}).pop(entry.unique_id or "", [])
    devices = dr.async_get(hass)
    for device_id in pending:
        if devices.async_get(device_id) is None:
            continue
        if _moves_devices(devices):
            # Typed against the pinned 2025.4.4, which lacks it.
            devices.async_update_device(  # type: ignore[call-arg,unused-ignore]
                device_id, new_config_entry_id=entry.entry_id
            )
        else:
            devices.async_update_device(device_id, add_config_entry_id=entry.entry_id)


def _moves_devices(devices: dr.DeviceRegistry) -> bool:
    """Whether devices move between entries with `new_config_entry_id` (HA 2026.x).

    Since then a device belongs to one config entry, and adding or removing entries
    (`add_config_entry_id`, `remove_config_entry_id`) is deprecated; before, it was the
    only way.
    """
    return "new_config_entry_id" in inspect.signature(devices.async_update_device).parameters


def raw_serial(value: str | None) -> str | None:
    """A LIFX serial in lifx_lan's form (twelve lowercase hex digits), from either core form."""
    if value is None or _SERIAL.fullmatch(value.lower()) is None:
        return None
    return value.lower().replace(":", "")


@dataclass(frozen=True)
class CoreDevice:
    """A core LIFX entry, and where each of its entities would go."""

    entry: ConfigEntry
    serial: str
    # entity id -> the lifx_lan unique id it takes
    moves: dict[str, str] = field(default_factory=dict)
    # entity ids with no lifx_lan counterpart: their entry stays with core
    left: list[str] = field(default_factory=list)


class TakeoverError(Exception):
    """A step of a takeover failed, and the core entry was restored.

    The reason is the config flow's abort reason, with the placeholders its words take.
    """

    def __init__(self, reason: str, **placeholders: str) -> None:
        """Name what failed."""
        super().__init__(reason, placeholders)
        self.reason = reason
        self.placeholders = placeholders


@callback
def async_core_devices(hass: HomeAssistant) -> list[CoreDevice]:
    """Every core LIFX entry whose device lifx_lan does not have yet."""
    registry = er.async_get(hass)
    ours = {
        entry.unique_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.source != SOURCE_IGNORE
    }
    found = []
    for entry in hass.config_entries.async_entries(CORE_DOMAIN):
        # Core's shared entry from before one entry per device holds no device.
        serial = raw_serial(entry.unique_id)
        if entry.source == SOURCE_IGNORE or serial is None or serial in ours:
            continue
        device = CoreDevice(entry, serial)
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
            core_serial, _, key = entity.unique_id.partition("_")
            ours_key = COUNTERPARTS.get((entity.domain, key))
            if raw_serial(core_serial) != serial or ours_key is None:
                device.left.append(entity.entity_id)
            else:
                device.moves[entity.entity_id] = f"{serial}_{ours_key}"
        found.append(device)
    return found


async def async_take_over(hass: HomeAssistant, core: CoreDevice) -> ConfigEntry:
    """Move one core entry's device and entities to a new lifx_lan entry, or change nothing."""
    host, port = await _async_locate(hass, core)
    takeover = _Takeover(hass, core)
    await takeover.async_unload_core()
    try:
        return await takeover.async_run(host, port)
    except (TakeoverError, HomeAssistantError, ValueError, KeyError, ImportError) as err:
        # ValueError and KeyError: the registries refused a change. ImportError: removing
        # core's entry imports core, which fails if its requirements went missing.
        LOGGER.warning("Taking over %s failed, restoring it: %s", core.entry.title, err)
        await takeover.async_undo()
        if isinstance(err, TakeoverError):
            raise
        raise TakeoverError("takeover_failed", name=core.entry.title, error=str(err)) from err


async def _async_locate(hass: HomeAssistant, core: CoreDevice) -> tuple[str, int]:
    """Where the device answers: at core's host, on the port devices listen on."""
    network = async_get_network(hass)
    try:
        host = await async_resolve(hass, core.entry.data[CONF_HOST])
        answering = await network.async_probe(host, network.discovery_port)
    except (OSError, LifxError, KeyError):
        # KeyError: an entry without a host; OSError: a host name that does not resolve.
        answering = []
    for device in answering:
        if device.serial == core.serial:
            return device.host, device.port
    raise TakeoverError(
        "takeover_not_answering", name=core.entry.title, host=str(core.entry.data.get(CONF_HOST))
    )


class _Takeover:
    """One core entry's takeover, and what it takes to undo it."""

    def __init__(self, hass: HomeAssistant, core: CoreDevice) -> None:
        """Note the core entry's registry entries as they are."""
        self.hass = hass
        self.core = core
        self.entities = er.async_get(hass)
        self.devices = dr.async_get(hass)
        self.core_was_loaded = core.entry.state is ConfigEntryState.LOADED
        self.before = {entity_id: self.entities.entities[entity_id] for entity_id in core.moves}
        self.devices_before = dr.async_entries_for_config_entry(self.devices, core.entry.entry_id)
        self.moved: list[str] = []
        self.entry: ConfigEntry | None = None

    async def async_unload_core(self) -> None:
        """Entities can only change integration while nothing runs them."""
        try:
            unloaded = await self.hass.config_entries.async_unload(self.core.entry.entry_id)
        except HomeAssistantError as err:
            # OperationNotAllowed: the entry is being set up or removed right now.
            raise TakeoverError("takeover_core_busy", name=self.core.entry.title) from err
        if not unloaded:
            raise TakeoverError("takeover_core_busy", name=self.core.entry.title)

    async def async_run(self, host: str, port: int) -> ConfigEntry:
        """Move the entities and the device, set up the lifx_lan entry, remove core's."""
        core, serial = self.core, self.core.serial
        own = (DOMAIN, serial)
        for entity_id, unique_id in core.moves.items():
            holder = self.entities.async_get_entity_id(entity_id.split(".")[0], DOMAIN, unique_id)
            if holder is not None:
                raise ValueError(f"{holder} of LIFX LAN already has the unique id {unique_id}")
            # Still core's entry's until lifx_lan's exists: its entities claim them on setup.
            self._move(entity_id, DOMAIN, unique_id, core.entry.entry_id)
            self.moved.append(entity_id)
        for device in self.devices_before:
            # The lifx_lan entities find the device by this identifier and join it.
            self.devices.async_update_device(
                device.id, new_identifiers=set(device.identifiers) | {own}
            )
        pending = self.hass.data.setdefault(PENDING_DEVICES, {})
        pending[serial] = [device.id for device in self.devices_before]
        try:
            result = await self.hass.config_entries.flow.async_init(
                DOMAIN,
                context={"source": SOURCE_CORE_ENTRY},
                data={
                    CONF_HOST: host,
                    CONF_PORT: port,
                    CONF_SERIAL: serial,
                    "title": core.entry.title,
                },
            )
        finally:
            pending.pop(serial, None)
        if result["type"] is FlowResultType.CREATE_ENTRY:
            self.entry = result["result"]
        if self.entry is None or self.entry.state is not ConfigEntryState.LOADED:
            raise TakeoverError("takeover_setup_failed", name=core.entry.title)
        for entity_id in self.moved:
            # One lifx_lan does not create for this product would go with core's entry.
            if self.entities.entities[entity_id].config_entry_id != self.entry.entry_id:
                self.entities.async_update_entity(entity_id, config_entry_id=self.entry.entry_id)
        for device in self.devices_before:
            kept = {i for i in device.identifiers if i[0] != CORE_DOMAIN}
            if _moves_devices(self.devices):
                # Already lifx_lan's alone: the entry claimed it as it was set up.
                self.devices.async_update_device(device.id, new_identifiers=kept | {own})
            else:
                self.devices.async_update_device(
                    device.id,
                    new_identifiers=kept | {own},
                    remove_config_entry_id=core.entry.entry_id,
                )
        await self.hass.config_entries.async_remove(core.entry.entry_id)
        if core.entry.disabled_by is not None:
            # A device the user had disabled stays so: its entry is disabled as core's was,
            # and its entities with it, until the user enables it again.
            await self.hass.config_entries.async_set_disabled_by(
                self.entry.entry_id, core.entry.disabled_by
            )
        return self.entry

    async def async_undo(self) -> None:
        """Put every registry entry back as it was, drop the new entry, reload core's."""
        core_id = self.core.entry.entry_id
        if self.entry is not None:
            await self.hass.config_entries.async_unload(self.entry.entry_id)
        for entity_id in self.moved:
            old = self.before[entity_id]
            self._move(entity_id, CORE_DOMAIN, old.unique_id, core_id)
            # What lifx_lan's entities wrote over core's descriptions, until core runs again.
            self.entities.async_update_entity(
                entity_id,
                capabilities=old.capabilities,
                device_id=old.device_id,
                entity_category=old.entity_category,
                has_entity_name=old.has_entity_name,
                original_device_class=old.original_device_class,
                original_icon=old.original_icon,
                original_name=old.original_name,
                supported_features=old.supported_features,
                translation_key=old.translation_key,
                unit_of_measurement=old.unit_of_measurement,
            )
        for device in self.devices_before:
            # Core's entry goes back on the device before lifx_lan's leaves it, or the
            # device registry would drop the device with its area and name.
            if self.devices.async_get(device.id) is None:
                continue
            if _moves_devices(self.devices):
                # Typed against the pinned 2025.4.4, which lacks it.
                self.devices.async_update_device(  # type: ignore[call-arg,unused-ignore]
                    device.id, new_config_entry_id=core_id
                )
            else:
                self.devices.async_update_device(device.id, add_config_entry_id=core_id)
            # lifx_lan's set-up drops a MAC it did not learn from DHCP: core's comes back.
            self.devices.async_update_device(
                device.id,
                new_identifiers=set(device.identifiers),
                new_connections=set(device.connections),
                manufacturer=device.manufacturer,
                model=device.model,
                model_id=device.model_id,
                name=device.name,
                serial_number=device.serial_number,
                sw_version=device.sw_version,
            )
        if self.entry is not None:
            await self.hass.config_entries.async_remove(self.entry.entry_id)
        if self.core_was_loaded:
            await self.hass.config_entries.async_setup(core_id)

    def _move(self, entity_id: str, platform: str, unique_id: str, config_entry_id: str) -> None:
        """Give an entity to another integration, under the unique id it has there."""
        # An unloaded entity leaves 'unavailable' behind, which HA 2025.x refuses to move.
        self.hass.states.async_remove(entity_id)
        # Core's raw unique ids of 2026.x are often lifx_lan's too: the registry refuses an
        # unchanged unique id as taken (by the entity itself).
        same = self.entities.entities[entity_id].unique_id == unique_id
        self.entities.async_update_entity_platform(
            entity_id,
            platform,
            new_unique_id=UNDEFINED if same else unique_id,
            new_config_entry_id=config_entry_id,
        )
