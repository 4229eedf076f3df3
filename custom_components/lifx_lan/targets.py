"""The LIFX devices an action's target names: entities, devices, areas, floors and labels."""

from __future__ import annotations

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN
from .coordinator import LifxCoordinator

try:
    # Home Assistant 2025.8 and later: the target helpers have a module of their own, and
    # the older function in the service helpers is gone.
    from homeassistant.helpers.target import (  # type: ignore[import-not-found,unused-ignore]
        TargetSelection,
        async_extract_referenced_entity_ids,
    )
except ImportError:
    TargetSelection = None
    from homeassistant.helpers.service import (  # type: ignore[no-redef,unused-ignore]
        async_extract_referenced_entity_ids,
    )


def referenced_entities(hass: HomeAssistant, call: ServiceCall) -> set[str]:
    """The entity ids the target names, resolved by Home Assistant."""
    if TargetSelection is None:
        selected = async_extract_referenced_entity_ids(hass, call)
    else:
        selected = async_extract_referenced_entity_ids(hass, TargetSelection(dict(call.data)))
    found: set[str] = selected.referenced | selected.indirectly_referenced
    return found


def async_target_coordinators(hass: HomeAssistant, call: ServiceCall) -> list[LifxCoordinator]:
    """Every LIFX light the call's target reaches, once per device.

    Home Assistant resolves the target (entities, devices, areas, floors, labels, old-style
    groups); light groups are opened here, since their members are an attribute.
    """
    pending = list(referenced_entities(hass, call))
    registry = er.async_get(hass)
    seen: set[str] = set()
    found: dict[str, LifxCoordinator] = {}
    while pending:
        entity_id = pending.pop()
        if entity_id in seen:
            continue
        seen.add(entity_id)
        entry = registry.async_get(entity_id)
        if entry is not None and entry.platform == DOMAIN and entry.domain == "light":
            config_entry = hass.config_entries.async_get_entry(entry.config_entry_id or "")
            if config_entry is None or not hasattr(config_entry, "runtime_data"):
                continue
            # Actions work on whole devices: a Ceiling's uplight names its Ceiling.
            coordinator: LifxCoordinator = config_entry.runtime_data
            found[coordinator.serial] = coordinator
            continue
        state = hass.states.get(entity_id)
        if state is not None and isinstance(
            members := state.attributes.get(ATTR_ENTITY_ID), list | tuple
        ):
            # A light group: act on its members.
            pending.extend(members)
    if not found:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_lifx_targets")
    # In serial order: whatever spreads over the lights (themes, the colour loop) does it
    # the same way every time.
    return [found[serial] for serial in sorted(found)]
