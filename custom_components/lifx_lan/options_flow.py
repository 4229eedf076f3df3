"""Options: how often a device is polled, and a strip's named segments."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
)
import voluptuous as vol

from .const import (
    CONF_POLL_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    MAX_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
)
from .segments import CONF_SEGMENTS, Segment, SegmentError, as_options, parse_segments, segments_of


class LifxOptionsFlow(OptionsFlow):
    """The poll interval; then, for a strip, its segments."""

    def __init__(self) -> None:
        """Nothing chosen yet."""
        self._poll_interval = DEFAULT_POLL_INTERVAL

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show or take the poll interval."""
        if user_input is not None:
            self._poll_interval = int(user_input[CONF_POLL_INTERVAL])
            if self._zone_count():
                return await self.async_step_segments()
            return self._save(segments_of(self.config_entry))
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

    async def async_step_segments(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A strip's segments, one a line ("Desk: 0-39"); refused whole if one is wrong."""
        zone_count = self._zone_count()
        errors: dict[str, str] = {}
        problem = ""
        text = "\n".join(s.as_line() for s in segments_of(self.config_entry))
        if user_input is not None:
            text = user_input.get(CONF_SEGMENTS, "")
            try:
                segments = parse_segments(text, zone_count)
            except SegmentError as err:
                errors[CONF_SEGMENTS] = err.error
                problem = err.line
            else:
                return self._save(segments)
        return self.async_show_form(
            step_id="segments",
            data_schema=vol.Schema(
                {
                    vol.Optional(
                        CONF_SEGMENTS, description={"suggested_value": text}
                    ): TextSelector(TextSelectorConfig(multiline=True))
                }
            ),
            errors=errors,
            description_placeholders={
                "zones": str(zone_count),
                "last": str(zone_count - 1),
                "line": problem,
            },
        )

    def _zone_count(self) -> int:
        """The strip's zones (0 for a device without, or one not set up to ask)."""
        entry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            return 0
        coordinator = entry.runtime_data
        if not coordinator.capabilities.multizone or coordinator.data is None:
            return 0
        return len(coordinator.data.zones)

    def _save(self, segments: list[Segment]) -> ConfigFlowResult:
        options: dict[str, Any] = {CONF_POLL_INTERVAL: self._poll_interval}
        if segments:
            options[CONF_SEGMENTS] = as_options(segments)
        return self.async_create_entry(data=options)
