"""LIFX scenes as scene entities: stored once for the integration, hosted by one entry.

Why scenes live here and so: a scene spans devices, while each config entry is one device.
The scenes are therefore stored once for the whole integration (one Store, keyed by scene,
each device in it by serial), loaded when the first entry's scene platform sets up and
dropped when the last entry unloads, so nothing outlives the entries. Home Assistant adds
entities through a config entry's platform, so one loaded entry hosts every scene entity
(scene entities need no device); when the host unloads, the next loaded entry takes them
over. Their unique ids stay the same, so a name, icon or area given to a scene in the UI
survives the move, and a scene outlives the device it was first hosted by.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Final

from homeassistant.components.scene import Scene
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.storage import Store
from homeassistant.util import slugify
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, LOGGER
from .coordinator import LifxConfigEntry, LifxCoordinator
from .helpers import async_run_all
from .network import async_get_network
from .scenes import (
    DeviceScene,
    SceneRecipe,
    async_capture,
    async_restore,
    is_reachable,
    recipe_from_json,
    recipe_to_json,
)

# Activating a scene sends to many devices at once; each device's commands are ordered by
# its coordinator, and scenes do not depend on each other.
PARALLEL_UPDATES = 0

STORAGE_KEY: Final = f"{DOMAIN}.scenes"
STORAGE_VERSION: Final = 1
# The scene book of the integration's loaded entries (there is no entry for the scenes
# themselves to keep it in; see the module's docstring)
SCENES_KEY: HassKey[SceneBook] = HassKey(f"{DOMAIN}_scenes")


class SceneBook:
    """Every LIFX scene: stored, and shown as entities through one hosting entry."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing is read until the first entry's platform sets up."""
        self.hass = hass
        self.store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, STORAGE_KEY)
        self.recipes: dict[str, SceneRecipe] = {}
        self.entities: dict[str, LifxScene] = {}
        # Loaded entries' ways to add entities, in the order they set up; the first hosts.
        self.hosts: dict[str, tuple[LifxConfigEntry, AddConfigEntryEntitiesCallback]] = {}
        self._loaded = False
        self._load_lock = asyncio.Lock()

    async def async_load(self) -> None:
        """Read the scenes once; a scene that cannot be read is logged and left out."""
        async with self._load_lock:
            if self._loaded:
                return
            stored = await self.store.async_load() or {}
            for scene_id, raw in stored.get("scenes", {}).items():
                try:
                    self.recipes[scene_id] = recipe_from_json(raw)
                except (KeyError, TypeError, ValueError) as err:
                    LOGGER.warning("Stored LIFX scene %s cannot be read: %s", scene_id, err)
            self._loaded = True

    async def async_save(self) -> None:
        """Write every scene now (no delayed write is left to outlive the entries)."""
        await self.store.async_save(
            {"scenes": {key: recipe_to_json(recipe) for key, recipe in self.recipes.items()}}
        )

    @callback
    def async_add_host(
        self, entry: LifxConfigEntry, add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """An entry's scene platform is set up; the first one shows every scene."""
        self.hosts[entry.entry_id] = (entry, add_entities)
        if len(self.hosts) == 1:
            self._async_show(list(self.recipes))

    @callback
    def async_remove_host(self, entry: LifxConfigEntry) -> None:
        """An entry unloaded; its scene entities are gone, so the next host shows them."""
        was_host = next(iter(self.hosts), None) == entry.entry_id
        self.hosts.pop(entry.entry_id, None)
        if was_host:
            self.entities.clear()
            # Entries unloading at the same time are passed over.
            for other, _ in list(self.hosts.values()):
                if other.state not in (
                    ConfigEntryState.LOADED,
                    ConfigEntryState.SETUP_IN_PROGRESS,
                ):
                    del self.hosts[other.entry_id]
            self._async_show(list(self.recipes))
        if not self.hosts and self.hass.data.get(SCENES_KEY) is self:
            del self.hass.data[SCENES_KEY]

    @callback
    def _async_show(self, scene_ids: Sequence[str]) -> None:
        if not self.hosts or not scene_ids:
            return
        _, add_entities = next(iter(self.hosts.values()))
        entities = [LifxScene(self, scene_id) for scene_id in scene_ids]
        self.entities.update((entity.scene_id, entity) for entity in entities)
        add_entities(entities)

    # What the actions do

    async def async_create(self, name: str, coordinators: Sequence[LifxCoordinator]) -> None:
        """Capture the devices into a new scene (a name already taken is refused)."""
        scene_id = slugify(name)
        if not scene_id or scene_id == "unknown":
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="scene_name_invalid",
                translation_placeholders={"name": name},
            )
        if scene_id in self.recipes:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="scene_exists",
                translation_placeholders={"name": name},
            )
        captured = await async_capture(coordinators)
        _raise_if_silent(name, coordinators, captured)
        devices = sorted((d for d in captured if d is not None), key=lambda d: d.serial)
        self.recipes[scene_id] = SceneRecipe(name=name, devices=tuple(devices))
        await self.async_save()
        self._async_show([scene_id])

    async def async_update(self, scene_id: str) -> None:
        """Capture the scene's devices again; one that cannot be reached keeps its capture."""
        recipe = self.recipes[scene_id]
        coordinators, _ = self._coordinators(recipe)
        captured = {device.serial: device for device in await async_capture(coordinators) if device}
        self.recipes[scene_id] = SceneRecipe(
            name=recipe.name,
            devices=tuple(captured.get(device.serial, device) for device in recipe.devices),
        )
        await self.async_save()
        missed = [device for device in recipe.devices if device.serial not in captured]
        if missed:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="scene_partly_updated",
                translation_placeholders={"scene": recipe.name, "devices": _names(missed)},
            )

    async def async_delete(self, scene_id: str) -> None:
        """Forget the scene, its entity and its registry entry."""
        del self.recipes[scene_id]
        await self.async_save()
        entity = self.entities.pop(scene_id, None)
        if entity is not None and entity.entity_id:
            await entity.async_remove(force_remove=True)
            er.async_get(self.hass).async_remove(entity.entity_id)

    async def async_activate(self, scene_id: str, transition: float) -> None:
        """Every device of the scene back to its capture at once; name the ones missed.

        The reachable devices are restored together (their packets leave back to back);
        a device that is unavailable, not loaded or fails is named in the error raised
        once the others are done.
        """
        recipe = self.recipes[scene_id]
        coordinators, missing = self._coordinators(recipe)
        reachable = [c for c in coordinators if is_reachable(c)]
        missing += [
            device
            for device in recipe.devices
            if any(c.serial == device.serial and not is_reachable(c) for c in coordinators)
        ]
        by_serial = {device.serial: device for device in recipe.devices}
        try:
            await async_run_all(
                reachable, lambda c: async_restore(c, by_serial[c.serial], transition)
            )
        except HomeAssistantError as err:
            failed = (err.translation_placeholders or {}).get("devices", "")
            names = ", ".join(name for name in (_names(missing), failed) if name)
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="scene_partly_restored",
                translation_placeholders={"scene": recipe.name, "devices": names},
            ) from err
        if missing:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="scene_partly_restored",
                translation_placeholders={"scene": recipe.name, "devices": _names(missing)},
            )

    def _coordinators(self, recipe: SceneRecipe) -> tuple[list[LifxCoordinator], list[DeviceScene]]:
        """The loaded devices of a scene, found by serial wherever they are now, and the rest."""
        loaded = async_get_network(self.hass).coordinators
        found = [loaded[d.serial] for d in recipe.devices if d.serial in loaded]
        return found, [d for d in recipe.devices if d.serial not in loaded]

    def scene_ids(self, entity_ids: set[str]) -> list[str]:
        """The scenes these entity ids show (refused when none is a LIFX scene)."""
        found = [
            scene_id for scene_id, entity in self.entities.items() if entity.entity_id in entity_ids
        ]
        if not found:
            raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_lifx_scene")
        return found


def _names(devices: Sequence[DeviceScene]) -> str:
    return ", ".join(sorted(device.title for device in devices))


def _raise_if_silent(
    name: str, coordinators: Sequence[LifxCoordinator], captured: Sequence[DeviceScene | None]
) -> None:
    """A scene is only created whole: a device that did not answer is named, nothing kept."""
    silent = [c for c, device in zip(coordinators, captured, strict=True) if device is None]
    if silent:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="scene_devices_unavailable",
            translation_placeholders={
                "name": name,
                "devices": ", ".join(sorted(f"{c.title} ({c.serial})" for c in silent)),
            },
        )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Offer this entry as a host of the scene entities (the first one loaded shows them)."""
    book = hass.data.setdefault(SCENES_KEY, SceneBook(hass))
    await book.async_load()
    # The last other entry may have unloaded, and dropped the book, while this one read it.
    if (current := hass.data.setdefault(SCENES_KEY, book)) is not book:
        book = current
        await book.async_load()
    book.async_add_host(entry, async_add_entities)
    entry.async_on_unload(lambda: book.async_remove_host(entry))


class LifxScene(Scene):
    """One LIFX scene: `scene.turn_on` puts every device of it back as captured."""

    _attr_has_entity_name = True

    def __init__(self, book: SceneBook, scene_id: str) -> None:
        """Show the stored scene `scene_id`."""
        self.book = book
        self.scene_id = scene_id
        self._attr_unique_id = f"scene_{scene_id}"
        self._attr_name = book.recipes[scene_id].name

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The serials of the scene's devices."""
        recipe = self.book.recipes.get(self.scene_id)
        return {"serials": [d.serial for d in recipe.devices] if recipe else []}

    async def async_activate(self, **kwargs: Any) -> None:
        """Restore every device of the scene, fading over `transition` seconds."""
        await self.book.async_activate(self.scene_id, float(kwargs.get("transition") or 0))


async def async_create_scene(
    hass: HomeAssistant, name: str, coordinators: Sequence[LifxCoordinator]
) -> None:
    """The create_scene action."""
    await _book(hass).async_create(name, coordinators)


async def async_update_scenes(hass: HomeAssistant, entity_ids: set[str]) -> None:
    """The update_scene action."""
    book = _book(hass)
    for scene_id in book.scene_ids(entity_ids):
        await book.async_update(scene_id)


async def async_delete_scenes(hass: HomeAssistant, entity_ids: set[str]) -> None:
    """The delete_scene action."""
    book = _book(hass)
    for scene_id in book.scene_ids(entity_ids):
        await book.async_delete(scene_id)


def _book(hass: HomeAssistant) -> SceneBook:
    book = hass.data.get(SCENES_KEY)
    if book is None:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_lifx_scene")
    return book
