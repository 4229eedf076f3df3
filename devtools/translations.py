"""Compare every translations/<language>.json of lifx_lan with strings.json, its source.

strings.json holds the English words; translations/en.json is its copy (custom integrations
load only translations/), and every other file there translates it. A string is named by its
dotted path, such as ``services.set_state.fields.power.name``.

    python -m devtools.translations --missing

lists, per language, each key of strings.json that the language lacks, with its English
words, so strings added since the last translation can be translated in one pass. Exit 0:
nothing missing; 1: something missing.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
import json
from pathlib import Path
import string
import sys

from devtools import ROOT

INTEGRATION = ROOT / "custom_components" / "lifx_lan"
STRINGS = INTEGRATION / "strings.json"
TRANSLATIONS = INTEGRATION / "translations"

type Strings = dict[str, str]
"""Dotted key to the words of one string."""


def flatten(tree: Mapping[str, object], prefix: str = "") -> Strings:
    """The strings of a translation file, by dotted key; anything but text or objects is refused."""
    strings: Strings = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, str):
            strings[path] = value
        elif isinstance(value, dict):
            strings.update(flatten(value, f"{path}."))
        else:
            raise TypeError(f"{path}: {type(value).__name__} is neither text nor an object")
    return strings


def load(path: Path) -> Strings:
    """The strings of one JSON file; ValueError when it is not JSON, TypeError when no object."""
    tree = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(tree, dict):
        raise TypeError(f"{path.name} holds {type(tree).__name__}, not an object")
    return flatten(tree)


def placeholders(words: str) -> frozenset[str]:
    """The {names} a string is formatted with, which every translation must keep."""
    return frozenset(
        field for _, field, _, _ in string.Formatter().parse(words) if field is not None
    )


def languages() -> dict[str, Path]:
    """Every translation file, English included, by language code."""
    return {path.stem: path for path in sorted(TRANSLATIONS.glob("*.json"))}


def missing(source: Strings, translation: Strings) -> list[str]:
    """Keys of the source that the translation lacks, in the source's order."""
    return [key for key in source if key not in translation]


def extra(source: Strings, translation: Strings) -> list[str]:
    """Keys of the translation that the source no longer has."""
    return [key for key in translation if key not in source]


def placeholder_mismatches(source: Strings, translation: Strings) -> list[str]:
    """Keys whose translation names other placeholders than the source does."""
    return [
        key
        for key, words in translation.items()
        if key in source and placeholders(words) != placeholders(source[key])
    ]


def report_missing(source: Strings, translations: Mapping[str, Strings]) -> list[str]:
    """Lines naming, per language, every missing key with its English words."""
    lines: list[str] = []
    for language, translation in translations.items():
        keys = missing(source, translation)
        if keys:
            lines.append(f"{language}: {len(keys)} missing")
            lines += [f"  {key}: {source[key]}" for key in keys]
    return lines


def main() -> int:
    """List what each language lacks."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--missing",
        action="store_true",
        required=True,
        help="list, per language, the keys of strings.json it lacks, with their English words",
    )
    parser.parse_args()
    source = load(STRINGS)
    lines = report_missing(source, {language: load(path) for language, path in languages().items()})
    print("\n".join(lines) if lines else "Every language has every key of strings.json.")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
