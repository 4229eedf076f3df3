"""Every error the integration raises has its words in strings.json, and no words are left over."""

from __future__ import annotations

import ast
import json
from pathlib import Path

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
