"""Every error has its words in strings.json, and every language has every string of it.

strings.json is the source; translations/en.json is its copy and translations/<language>.json
its translations, which must name exactly its keys and keep each string's placeholders.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations
import pytest

from custom_components.lifx_lan.const import DOMAIN
from devtools import translations
from devtools.translations import (
    extra,
    flatten,
    languages,
    load,
    missing,
    placeholder_mismatches,
    report_missing,
)
from tests.integration.conftest import SERIALS, AddDevice

INTEGRATION = Path(__file__).parents[2] / "custom_components" / "lifx_lan"


def _sources() -> list[ast.Module]:
    return [
        ast.parse(path.read_text())
        for path in sorted(INTEGRATION.glob("*.py"))  # protocol/ knows nothing of HA
    ]


def _raised_keys() -> set[str]:
    """translation_key="..." of every call that also names the translation domain."""
    keys = set()
    for module in _sources():
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            key = keywords.get("translation_key")
            if "translation_domain" in keywords and isinstance(key, ast.Constant):
                keys.add(key.value)
    return keys


def _string_literals() -> set[str]:
    return {
        node.value
        for module in _sources()
        for node in ast.walk(module)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_error_raised_has_its_words() -> None:
    exceptions = json.loads((INTEGRATION / "strings.json").read_text())["exceptions"]

    assert _raised_keys() <= set(exceptions)
    for key, words in exceptions.items():
        assert words["message"], key


def test_no_error_words_are_left_over() -> None:
    exceptions = json.loads((INTEGRATION / "strings.json").read_text())["exceptions"]

    assert set(exceptions) <= _string_literals()


SHIPPED_LANGUAGES = ("en", "de", "fr", "nl", "es")
# ICU message format, which the frontend formats with, reads an apostrophe right before a
# brace as quoting it: "l'{host}" would show the braces instead of the host.
QUOTED_PLACEHOLDER = re.compile(r"'\{")


def test_the_shipped_languages_are_all_there() -> None:
    assert set(SHIPPED_LANGUAGES) <= set(languages())


@pytest.mark.parametrize("language", sorted(languages()))
def test_every_language_has_exactly_the_keys_of_strings_json(language: str) -> None:
    source = load(translations.STRINGS)
    translation = load(languages()[language])  # raises on anything but a JSON object of text

    assert missing(source, translation) == []
    assert extra(source, translation) == []
    assert placeholder_mismatches(source, translation) == []
    assert [key for key, words in translation.items() if not words.strip()] == []
    assert [key for key, words in translation.items() if QUOTED_PLACEHOLDER.search(words)] == []


def test_a_translation_with_other_keys_or_placeholders_is_caught() -> None:
    source = load(translations.STRINGS)
    translation = load(languages()["de"])
    del translation["entity.button.identify.name"]
    translation["entity.button.reboot.name"] = "Neu starten"
    translation["entity.switch.relay.name"] = "Relais {relais}"

    assert missing(source, translation) == ["entity.button.identify.name"]
    assert extra(source, translation) == ["entity.button.reboot.name"]
    assert placeholder_mismatches(source, translation) == ["entity.switch.relay.name"]


def test_a_file_that_is_not_an_object_of_text_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "xx.json"
    broken.write_text('{"title": "LIFX", "config": {"step": ["user"]}}')
    with pytest.raises(TypeError, match=r"config\.step: list"):
        load(broken)
    broken.write_text('{"title": "LIFX",}')
    with pytest.raises(json.JSONDecodeError):
        load(broken)


def test_missing_lists_each_languages_untranslated_strings_with_their_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    german = json.loads(languages()["de"].read_text(encoding="utf-8"))
    del german["services"]["effect_stop"]
    (tmp_path / "de.json").write_text(json.dumps(german), encoding="utf-8")
    (tmp_path / "fr.json").write_text(languages()["fr"].read_text(encoding="utf-8"))
    monkeypatch.setattr(translations, "TRANSLATIONS", tmp_path)
    monkeypatch.setattr("sys.argv", ["translations", "--missing"])

    assert translations.main() == 1
    assert capsys.readouterr().out.splitlines() == [
        "de: 2 missing",
        "  services.effect_stop.name: Stop effect",
        "  services.effect_stop.description: Stop any firmware effect.",
    ]


def test_missing_finds_nothing_in_the_shipped_languages() -> None:
    shipped = {language: load(path) for language, path in languages().items()}
    assert report_missing(load(translations.STRINGS), shipped) == []


@pytest.mark.parametrize("language", [code for code in SHIPPED_LANGUAGES if code != "en"])
async def test_home_assistant_loads_each_language(hass: HomeAssistant, language: str) -> None:
    words = json.loads(languages()[language].read_text(encoding="utf-8"))
    for category, tree in words.items():
        loaded = await async_get_translations(hass, language, category, [DOMAIN])
        expected = flatten(tree, f"component.{DOMAIN}.{category}.")
        assert {key: loaded[key] for key in expected} == expected


async def test_a_german_home_names_the_entities_in_german(
    hass: HomeAssistant, add_device: AddDevice, entity_registry: er.EntityRegistry
) -> None:
    hass.config.language = "de"
    _, fake = await add_device("switch")
    serial = SERIALS["switch"]

    relay = entity_registry.async_get_entity_id(SWITCH_DOMAIN, DOMAIN, f"{serial}_relay_1")
    restart = entity_registry.async_get_entity_id(BUTTON_DOMAIN, DOMAIN, f"{serial}_restart")
    assert relay is not None
    assert restart is not None
    names = {
        entity_id: state.name
        for entity_id in (relay, restart)
        if (state := hass.states.get(entity_id))
    }
    assert names == {relay: "Switch Relais 2", restart: "Switch Neu starten"}
    # The German entity is the device's relay
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: relay}, blocking=True
    )
    assert fake.relays == [0, 65535, 0, 0]
