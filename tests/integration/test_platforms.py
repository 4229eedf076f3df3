"""Every platform's entities and states, snapshotted for every product profile."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.components.light import DOMAIN as LIGHT_DOMAIN, SERVICE_TURN_OFF
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar, device_registry as dr, entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.lifx_lan.protocol import lookup
from devtools.fake_lifx import PROFILES, with_profile
from tests.integration.conftest import SERIALS, AddDevice

KINDS = list(SERIALS)

# Which product kinds have entities on which platform.
EXPECTED: dict[Platform, set[str]] = {
    Platform.LIGHT: set(KINDS) - {"switch", "dimmer_switch"},
    Platform.SWITCH: {"switch", "dimmer_switch", "hev"},
    Platform.SENSOR: set(KINDS),
    Platform.SELECT: set(KINDS) - {"switch", "dimmer_switch", "white_bulb"},
    Platform.BUTTON: set(KINDS),
    Platform.BINARY_SENSOR: {"hev"},
}


async def snapshot_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry_id: str,
) -> None:
    """Home Assistant's snapshot_platform, except that a measured round trip is not a constant.

    The round-trip sensor's value is real time on loopback; its snapshot leaves the value out
    and the test checks it is a plausible number instead.
    """
    entries = er.async_entries_for_config_entry(entity_registry, config_entry_id)
    assert entries
    for entity_entry in entries:
        assert entity_entry == snapshot(name=f"{entity_entry.entity_id}-entry")
        assert entity_entry.disabled_by is None, "Please enable all entities."
        state = hass.states.get(entity_entry.entity_id)
        assert state, f"State not found for {entity_entry.entity_id}"
        if entity_entry.unique_id.endswith("_link_rtt"):
            assert 0 < float(state.state) < 1000
            assert state == snapshot(name=f"{entity_entry.entity_id}-state", exclude=props("state"))
        else:
            assert state == snapshot(name=f"{entity_entry.entity_id}-state")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", list(EXPECTED))
@pytest.mark.parametrize("kind", KINDS)
async def test_entities(
    hass: HomeAssistant,
    add_device: AddDevice,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
    kind: str,
) -> None:
    with patch("custom_components.lifx_lan.PLATFORMS", [platform]):
        entry, _ = await add_device(kind, power=65535)
    if kind in EXPECTED[platform]:
        await snapshot_entities(hass, entity_registry, snapshot, entry.entry_id)
    else:
        assert not er.async_entries_for_config_entry(entity_registry, entry.entry_id)


@pytest.mark.parametrize("kind", KINDS)
async def test_device_info(
    hass: HomeAssistant,
    add_device: AddDevice,
    device_registry: dr.DeviceRegistry,
    area_registry: ar.AreaRegistry,
    snapshot: SnapshotAssertion,
    kind: str,
) -> None:
    entry, fake = await add_device(kind)
    device = device_registry.async_get_device(identifiers={("lifx_lan", SERIALS[kind])})
    assert device is not None
    assert device == snapshot(
        exclude=props(
            "config_entries",
            "primary_config_entry",
            "is_new",
            "object_id_base",
            "suggested_area",
        )
    )
    assert device.config_entries == {entry.entry_id}
    # The device is put in the area named after its LIFX group (the suggested area)
    assert device.area_id is not None
    area = area_registry.async_get_area(device.area_id)
    assert area is not None
    assert area.name == fake.group[1]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("kind", ["ceiling", "ceiling_13"])
async def test_every_ceiling_gets_an_uplight_and_a_downlight_on_its_uplight_zone(
    hass: HomeAssistant, add_device: AddDevice, entity_registry: er.EntityRegistry, kind: str
) -> None:
    with patch("custom_components.lifx_lan.PLATFORMS", [Platform.LIGHT]):
        entry, fake = await add_device(kind, power=65535)
    uplight = lookup(fake.profile.product_id, fake.profile.firmware).uplight_zone
    assert uplight is not None
    parts = {
        entity.unique_id.removeprefix(f"{SERIALS[kind]}_"): entity.entity_id
        for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    }
    assert {"uplight", "downlight"} <= set(parts)
    before = list(fake.tile_colors[0])
    await hass.services.async_call(
        LIGHT_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: parts["uplight"]}, blocking=True
    )
    after = fake.tile_colors[0]
    assert after[uplight].brightness == 0
    assert [c for i, c in enumerate(after) if i != uplight] == [
        c for i, c in enumerate(before) if i != uplight
    ]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_ceiling_whose_tile_is_not_the_products_shape_gets_no_parts(
    hass: HomeAssistant, add_device: AddDevice, entity_registry: er.EntityRegistry
) -> None:
    # The product's uplight zone counts cells on an 8x8 tile; on a tile of another shape
    # it would name some other cell, so the Ceiling stays one light.
    profile = with_profile(PROFILES["ceiling_13"], tiles=((16, 8),))
    with patch("custom_components.lifx_lan.PLATFORMS", [Platform.LIGHT]):
        entry, _ = await add_device("ceiling_13", profile=profile, power=65535)
    keys = {
        entity.unique_id.removeprefix(f"{SERIALS['ceiling_13']}_")
        for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    }
    assert keys == {"light"}
