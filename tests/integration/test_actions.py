"""LIFX actions: failures named in the entities' words; services.yaml agrees with the code."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util.yaml import load_yaml_dict
import pytest
import voluptuous as vol

from custom_components.lifx_lan import fields as f
from custom_components.lifx_lan.const import DOMAIN
from custom_components.lifx_lan.helpers import async_run_all
from custom_components.lifx_lan.protocol import (
    LifxConnectionError,
    LifxError,
    LifxTimeoutError,
    LifxUnsupportedError,
)
from custom_components.lifx_lan.services import ACTIONS
from devtools.fake_lifx import PROFILES, with_profile
from tests.integration.conftest import AddDevice, advance


async def test_an_action_that_times_out_names_every_silent_device(
    hass: HomeAssistant, add_device: AddDevice, freezer: FrozenDateTimeFactory
) -> None:
    _, kitchen = await add_device("color_bulb", serial="d073d5000101", label="Kitchen")
    _, hallway = await add_device("color_bulb", serial="d073d5000102", label="Hallway")
    _, bedroom = await add_device("white_bulb", label="Bedroom")
    kitchen.online = hallway.online = False
    call = hass.async_create_task(
        hass.services.async_call(
            DOMAIN,
            "set_state",
            {ATTR_ENTITY_ID: ["light.kitchen", "light.hallway", "light.bedroom"], "power": True},
            blocking=True,
        )
    )
    await advance(hass, freezer, 6)

    with pytest.raises(HomeAssistantError) as caught:
        await call

    # The same key and words as a light that did not answer, naming both devices.
    assert caught.value.translation_key == "command_timeout"
    assert caught.value.translation_placeholders["devices"] == (
        "Hallway (d073d5000102), Kitchen (d073d5000101)"
    )
    assert str(caught.value).startswith(
        "Hallway (d073d5000102), Kitchen (d073d5000101) did not answer"
    )
    assert bedroom.power == 65535


def _device(title: str) -> SimpleNamespace:
    return SimpleNamespace(title=title, serial=f"d073d5{title[-1] * 6}")


@pytest.mark.parametrize(
    ("errors", "key"),
    [
        ((LifxUnsupportedError("no"), LifxUnsupportedError("no")), "command_unsupported"),
        ((LifxConnectionError("down"), LifxError("odd")), "command_failed"),
        # Failed in different ways: a failure, with the first reason.
        ((LifxTimeoutError("late"), LifxUnsupportedError("no")), "command_failed"),
    ],
)
async def test_devices_that_failed_alike_are_reported_under_their_failure(
    errors: tuple[LifxError, LifxError], key: str
) -> None:
    devices = [_device("Bulb 1"), _device("Bulb 2"), _device("Bulb 3")]
    outcomes = dict(zip(("Bulb 1", "Bulb 2"), errors, strict=True))

    async def action(device: SimpleNamespace) -> None:
        if (error := outcomes.get(device.title)) is not None:
            raise error

    with pytest.raises(HomeAssistantError) as caught:
        await async_run_all(devices, action)  # type: ignore[arg-type]

    assert caught.value.translation_key == key
    assert caught.value.translation_placeholders == {
        "devices": "Bulb 1 (d073d5111111), Bulb 2 (d073d5222222)",
        "error": str(errors[0]),
    }


@pytest.mark.parametrize(
    ("turn_on", "set_state"),
    [
        ({"hs_color": (120, 50), "brightness": 102}, {"hs_color": [120, 50], "brightness_pct": 40}),
        ({"color_temp_kelvin": 2700}, {"kelvin": 2700}),
        ({"color_temp_kelvin": 1500}, {"kelvin": 1500}),  # below the bulb's 2500 K: clamped
        ({"brightness": 255}, {"brightness_pct": 100}),
    ],
)
async def test_a_light_and_set_state_make_the_same_colour_of_the_same_request(
    hass: HomeAssistant,
    add_device: AddDevice,
    turn_on: dict[str, object],
    set_state: dict[str, object],
) -> None:
    # An A19 before firmware 2.80: white from 2500 K only.
    profile = with_profile(PROFILES["color_bulb"], firmware=(2, 1))
    _, by_light = await add_device("color_bulb", profile=profile, power=65535, label="By Light")
    _, by_action = await add_device(
        "color_bulb", serial="d073d5000102", profile=profile, power=65535, label="By Action"
    )

    await hass.services.async_call(
        "light", "turn_on", {ATTR_ENTITY_ID: "light.by_light", **turn_on}, blocking=True
    )
    await hass.services.async_call(
        DOMAIN, "set_state", {ATTR_ENTITY_ID: "light.by_action", **set_state}, blocking=True
    )

    assert by_light.color == by_action.color
    assert by_light.color.kelvin >= 2500


# services.yaml: what the action forms offer is what the code takes.

INTEGRATION = Path(__file__).parents[2] / "custom_components" / DOMAIN
FIELDS = [(name, field) for name, action in ACTIONS.items() for field in action.fields]
NUMBERS = [(name, field) for name, field in FIELDS if isinstance(field, f.Number)]


def _described() -> dict[str, Any]:
    return load_yaml_dict(str(INTEGRATION / "services.yaml"))


def test_services_yaml_describes_every_action_and_field_the_code_takes() -> None:
    described = _described()

    assert set(described) == set(ACTIONS)
    for name, action in ACTIONS.items():
        assert set(described[name].get("fields", {})) == {field.name for field in action.fields}


@pytest.mark.parametrize(("action", "field"), FIELDS, ids=[f"{a}.{x.name}" for a, x in FIELDS])
def test_services_yaml_offers_the_bounds_defaults_and_options_of_the_code(
    action: str, field: f.Field
) -> None:
    described = _described()[action]["fields"][field.name]
    ((selector, config),) = described["selector"].items()
    config = config or {}

    assert selector == field.selector
    assert described.get("required", False) == field.required
    assert described.get("default") == field.fallback
    if isinstance(field, f.Kelvin):
        assert config["unit"] == "kelvin"
    elif isinstance(field, f.Number):
        assert config.get("unit_of_measurement") == field.unit
    if isinstance(field, f.Number):
        assert (config["min"], config["max"]) == (field.low, field.high)
    if isinstance(field, f.Choice):
        assert tuple(config["options"]) == field.options


@pytest.mark.parametrize(("action", "field"), NUMBERS, ids=[f"{a}.{x.name}" for a, x in NUMBERS])
def test_the_range_checks_take_the_bounds_and_refuse_what_is_beyond(
    action: str, field: f.Number
) -> None:
    fields = ACTIONS[action].fields
    f.check(fields, {field.name: field.low})
    f.check(fields, {field.name: field.high})
    for beyond in (field.low - 0.01, field.high + 0.01, float("nan")):
        with pytest.raises(ServiceValidationError) as caught:
            f.check(fields, {field.name: beyond})
        assert caught.value.translation_key == "out_of_range"
        assert caught.value.translation_placeholders["field"] == field.name


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_schema_fills_in_the_defaults_of_the_table(action: str) -> None:
    fields = ACTIONS[action].fields
    samples = {f.Flag: True, f.Choice: "party", f.Text: "Movie night"}
    required = {field.name: samples[type(field)] for field in fields if field.required}

    filled = vol.Schema(f.schema(fields))(required)

    assert filled == {
        **{field.name: field.fallback for field in fields if field.fallback is not None},
        **required,
    }


def test_every_action_field_and_option_has_words() -> None:
    strings = json.loads((INTEGRATION / "strings.json").read_text())
    described = _described()

    assert set(strings["services"]) == set(ACTIONS)
    for name, action in ACTIONS.items():
        words = strings["services"][name]
        assert words["name"]
        assert words["description"]
        for field in action.fields:
            assert words["fields"][field.name]["name"], f"{name}.{field.name}"
            assert words["fields"][field.name]["description"], f"{name}.{field.name}"
            if isinstance(field, f.Choice):
                key = described[name]["fields"][field.name]["selector"]["select"]["translation_key"]
                assert set(strings["selector"][key]["options"]) == set(field.options)


def test_every_action_has_an_icon() -> None:
    icons = json.loads((INTEGRATION / "icons.json").read_text())

    assert set(icons["services"]) == set(ACTIONS)


def test_the_english_translation_is_strings_json() -> None:
    strings = json.loads((INTEGRATION / "strings.json").read_text())
    english = json.loads((INTEGRATION / "translations" / "en.json").read_text())

    assert english == strings
