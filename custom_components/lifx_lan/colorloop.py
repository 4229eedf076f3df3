"""The colour loop: a software effect that turns the hue of some lights, step by step.

Core's LIFX integration has it (effect_colorloop); no LIFX firmware does, so Home Assistant
sends each step as a colour that the bulb fades to over the step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
import random

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_time_interval

from .colors import DEFAULT_BASE
from .const import LOGGER
from .coordinator import Command, LifxCoordinator, LifxData
from .helpers import async_run_all
from .protocol import (
    LifxDevice,
    LifxError,
    LightHsbk,
    degrees_to_hue,
    fraction_to_level,
    hue_to_degrees,
)

COLORLOOP = "colorloop"


@dataclass(frozen=True, slots=True, kw_only=True)
class LoopOptions:
    """How the loop turns: core's fields, saturations and brightness as fractions."""

    period: float = 60.0  # seconds for a full turn of the hue circle
    change: float = 20.0  # degrees per step
    spread: float = 30.0  # degrees the lights are spread across
    saturation_min: float = 0.8
    saturation_max: float = 1.0
    brightness: float | None = None  # None keeps each light's own
    transition: float | None = None  # None fades over the whole step
    power_on: bool = True

    @property
    def step(self) -> float:
        """Seconds between steps: a full turn takes the period."""
        return self.period * self.change / 360


class ColorLoop:
    """One colour loop over the lights of one call; each light leaves it on its own."""

    name = COLORLOOP

    def __init__(
        self,
        hass: HomeAssistant,
        coordinators: Sequence[LifxCoordinator],
        options: LoopOptions,
        choose: Callable[[float, float], float] = random.uniform,
    ) -> None:
        """Nothing runs until async_start."""
        self._hass = hass
        self._coordinators = list(coordinators)
        self._options = options
        # Core picks each step's saturation at random between the two bounds.
        self._choose = choose
        self._steps = 0
        self._start_hue = 0.0
        self._unsubscribe: CALLBACK_TYPE | None = None

    async def async_start(self) -> None:
        """Take the lights over from whatever effect they ran, show the first step, go on."""
        for coordinator in self._coordinators:
            if coordinator.software_effect is not None:
                coordinator.software_effect.stop(coordinator)
            coordinator.software_effect = self
            coordinator.async_update_listeners()
        first = self._coordinators[0].data.color or DEFAULT_BASE
        self._start_hue = hue_to_degrees(first.hue)
        await self._async_step(switch_on=self._options.power_on)
        self._unsubscribe = async_track_time_interval(
            self._hass, self._async_tick, timedelta(seconds=self._options.step)
        )

    @callback
    def stop(self, coordinator: LifxCoordinator) -> None:
        """Leave this light alone; the loop ends with its last light."""
        if coordinator in self._coordinators:
            self._coordinators.remove(coordinator)
        if coordinator.software_effect is self:
            coordinator.software_effect = None
            coordinator.async_update_listeners()
        if not self._coordinators and self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    async def _async_tick(self, _now: datetime) -> None:
        try:
            await self._async_step(switch_on=False)
        except (HomeAssistantError, LifxError) as err:
            # A light that missed a step catches up at the next one.
            LOGGER.debug("Colour loop step failed: %s", err)

    def hue_at(self, step: int, index: int) -> float:
        """The hue (degrees) of the index-th light at a step."""
        count = len(self._coordinators)
        offset = index * self._options.spread / count if count else 0.0
        return (self._start_hue + step * self._options.change + offset) % 360

    async def _async_step(self, *, switch_on: bool) -> None:
        options = self._options
        step = self._steps
        self._steps += 1
        fade = options.step if options.transition is None else options.transition
        hues = {c: self.hue_at(step, i) for i, c in enumerate(self._coordinators)}

        def plan(coordinator: LifxCoordinator, state: LifxData) -> Command:
            base = state.color or DEFAULT_BASE
            saturation = self._choose(options.saturation_min, options.saturation_max)
            color = LightHsbk(
                degrees_to_hue(hues[coordinator]),
                fraction_to_level(saturation),
                base.brightness
                if options.brightness is None
                else fraction_to_level(options.brightness),
                base.kelvin,
            )
            power = switch_on and not state.power

            async def send(device: LifxDevice) -> None:
                # A light switched on takes its first colour at once, then fades in.
                await device.set_color(color, 0 if power else fade)
                if power:
                    await device.set_power(True, fade)

            def update(current: LifxData) -> LifxData:
                current = current.with_color(color)
                return current.with_power(True) if power else current

            return Command(send, update)

        async def run(coordinator: LifxCoordinator) -> None:
            await coordinator.async_plan(lambda state: plan(coordinator, state), keep_effect=True)

        await async_run_all(list(hues), run)
