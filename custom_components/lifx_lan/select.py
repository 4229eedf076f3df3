"""Selects: infrared (night vision) brightness, and the theme painted on a light."""

from __future__ import annotations

from dataclasses import replace

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import LifxConfigEntry, LifxCoordinator
from .entity import LifxEntity
from .helpers import lifx_exception_handler
from .protocol import LifxDevice
from .themes import ALL_THEMES, async_paint_theme

# Commands to one device are serialised by its coordinator; devices are independent.
PARALLEL_UPDATES = 0

# The levels the LIFX app offers, as options with translated names.
INFRARED_LEVELS: dict[str, int] = {"off": 0, "low": 16383, "medium": 32767, "high": 65535}

INFRARED = SelectEntityDescription(
    key="infrared_brightness",
    translation_key="infrared_brightness",
    entity_category=EntityCategory.CONFIG,
    options=list(INFRARED_LEVELS),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the infrared select on night-vision products."""
    coordinator = entry.runtime_data
    entities: list[SelectEntity] = []
    if coordinator.capabilities.infrared:
        entities.append(LifxInfraredSelect(coordinator))
    if coordinator.capabilities.color:
        entities.append(LifxThemeSelect(coordinator))
    async_add_entities(entities)


class LifxInfraredSelect(LifxEntity, SelectEntity):
    """Infrared brightness of a night-vision bulb."""

    def __init__(self, coordinator: LifxCoordinator) -> None:
        """Bind to the device."""
        super().__init__(coordinator, INFRARED)

    @property
    def current_option(self) -> str | None:
        """The nearest named level to what the bulb reports."""
        level = self.coordinator.data.infrared
        if level is None:
            return None
        return min(INFRARED_LEVELS, key=lambda name: abs(INFRARED_LEVELS[name] - level))

    @lifx_exception_handler
    async def async_select_option(self, option: str) -> None:
        """Set the infrared brightness."""
        level = INFRARED_LEVELS[option]

        async def command(device: LifxDevice) -> None:
            await device.set_infrared(level)

        await self.coordinator.async_command(
            command, update=lambda data: replace(data, infrared=level)
        )


THEME = SelectEntityDescription(
    key="theme",
    translation_key="theme",
    options=list(ALL_THEMES),
)


class LifxThemeSelect(LifxEntity, SelectEntity):
    """Paint a theme on this light; shows the theme while the light shows it.

    Unknown until a theme is painted through Home Assistant, and again once the light's
    colours change otherwise (a colour, an effect, the LIFX app); a change of brightness
    or power keeps the theme.
    """

    def __init__(self, coordinator: LifxCoordinator) -> None:
        """Bind to the device."""
        super().__init__(coordinator, THEME)

    @property
    def current_option(self) -> str | None:
        """The theme last painted, while the light still shows it."""
        theme = self.coordinator.theme
        if theme is None or not theme.shown_by(self.coordinator.data):
            return None
        return theme.name

    @lifx_exception_handler
    async def async_select_option(self, option: str) -> None:
        """Paint the theme."""
        await async_paint_theme([self.coordinator], option, 1.0)
