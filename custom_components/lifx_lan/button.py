"""Buttons: identify (the light pulses, lit for it if it was off) and restart."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later

from .const import LOGGER
from .coordinator import Command, LifxConfigEntry, LifxCoordinator, LifxData
from .entity import LifxEntity
from .helpers import lifx_exception_handler
from .protocol import LifxDevice, LifxError, LightHsbk
from .protocol.messages import LightWaveform

# Commands to one device are serialised by its coordinator; devices are independent.
PARALLEL_UPDATES = 0

# Identify: three one-second pulses to white and back to what the light showed.
IDENTIFY_COLOR = LightHsbk(0, 0, 65535, 4000)
IDENTIFY_PERIOD = 1.0
IDENTIFY_CYCLES = 3
# A light lit to be identified fades back off over this once the pulses are over.
IDENTIFY_FADE_OUT = 1.0

IDENTIFY = ButtonEntityDescription(
    key="identify",
    translation_key="identify",
    device_class=ButtonDeviceClass.IDENTIFY,
    entity_category=EntityCategory.CONFIG,
)
RESTART = ButtonEntityDescription(
    key="restart",
    translation_key="restart",
    device_class=ButtonDeviceClass.RESTART,
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifxConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add restart to every device, and identify to those with a light."""
    coordinator = entry.runtime_data
    buttons: list[ButtonEntity] = []
    if coordinator.capabilities.is_light:
        buttons.append(LifxIdentifyButton(coordinator))
    buttons.append(LifxRestartButton(coordinator))
    async_add_entities(buttons)


class LifxRestartButton(LifxEntity, ButtonEntity):
    """Restart the device."""

    def __init__(self, coordinator: LifxCoordinator) -> None:
        """Bind to the device."""
        super().__init__(coordinator, RESTART)

    @lifx_exception_handler
    async def async_press(self) -> None:
        """Restart."""
        await self.coordinator.async_command(lambda device: device.reboot())


class LifxIdentifyButton(LifxEntity, ButtonEntity):
    """Pulse the light; one that was off is lit for the pulses and switched off after.

    A light that was on keeps its power. The switch-off is left out when anything else
    was sent to the light meanwhile: whoever changed it decides whether it stays on.
    """

    def __init__(self, coordinator: LifxCoordinator) -> None:
        """Bind to the device."""
        super().__init__(coordinator, IDENTIFY)
        self._switch_off: CALLBACK_TYPE | None = None
        self._commands_then = 0

    async def async_added_to_hass(self) -> None:
        """Never switch a light off after the entity is gone."""
        await super().async_added_to_hass()
        self.async_on_remove(self._async_cancel_switch_off)

    @callback
    def _async_cancel_switch_off(self) -> None:
        """Cancel a switch-off still to come."""
        if self._switch_off is not None:
            self._switch_off()
            self._switch_off = None

    @lifx_exception_handler
    async def async_press(self) -> None:
        """Pulse; light the light first if it is off, and switch it off after the pulses."""
        # Pressed again while lit for an earlier press: off it goes after these pulses.
        lit_for_identify = self._switch_off is not None
        self._async_cancel_switch_off()

        def plan(data: LifxData) -> Command:
            nonlocal lit_for_identify
            switch_on = not data.power
            lit_for_identify = lit_for_identify or switch_on

            async def send(device: LifxDevice) -> None:
                if switch_on:
                    await device.set_power(True)
                await device.set_waveform(
                    IDENTIFY_COLOR,
                    waveform=LightWaveform.PULSE,
                    period=IDENTIFY_PERIOD,
                    cycles=IDENTIFY_CYCLES,
                    transient=True,
                )

            return Command(send, (lambda state: state.with_power(True)) if switch_on else None)

        try:
            await self.coordinator.async_plan(plan)
        finally:
            if lit_for_identify:
                self._commands_then = self.coordinator.commands_planned
                self._switch_off = async_call_later(
                    self.hass, IDENTIFY_PERIOD * IDENTIFY_CYCLES, self._async_switch_off
                )

    async def _async_switch_off(self, _now: datetime) -> None:
        """The pulses are over: switch the light off again, unless it was changed meanwhile."""
        self._switch_off = None
        coordinator = self.coordinator
        if coordinator.commands_planned != self._commands_then:
            return

        async def send(device: LifxDevice) -> None:
            await device.set_power(False, IDENTIFY_FADE_OUT)

        try:
            await coordinator.async_command(
                send, update=lambda state: state.with_power(False), transition=IDENTIFY_FADE_OUT
            )
        except LifxError as err:
            # Nobody waits on this: say it in the log, the light shows it stayed on.
            LOGGER.warning(
                "%s could not be switched off again after identifying it: %s",
                coordinator.title,
                err,
            )
