"""Repairs that the user fixes with a flow: taking over core LIFX entries."""

from __future__ import annotations

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from .adopt_flow import TakeoverRepairFlow


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The takeover is the one fixable issue."""
    return TakeoverRepairFlow()
