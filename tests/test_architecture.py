"""The rooms of README's architecture section, and what each may import, hold in the code."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "custom_components" / "lifx_lan"

# Room of each module, lowest first; README's "Architecture" draws the same table.
PROTOCOL = 0  # the LIFX LAN protocol, standard library only
NAMES = 1  # constants and host parsing
NETWORK = 2  # the one shared client: discovery, verified moves, lost devices
DEVICE = 3  # one device in Home Assistant: polling, commands, registry
MEANING = 4  # what entities and actions share: colours, themes, effects, fields
ENTRY = 5  # Home Assistant's entry points: platforms, actions, flows, diagnostics
WIRING = 6  # __init__: sets everything up

ROOMS: dict[str, int] = {
    "const": NAMES,
    "hosts": NAMES,
    "describe": NETWORK,
    "network": NETWORK,
    "reacquire": NETWORK,
    "polling": NETWORK,
    "coordinator": DEVICE,
    "devices": DEVICE,
    "adopt": DEVICE,
    "entity": MEANING,
    "helpers": MEANING,
    "colors": MEANING,
    "themes": MEANING,
    "effects": MEANING,
    "ceiling": MEANING,
    "mirror": MEANING,
    "fields": MEANING,
    "parts": MEANING,
    "segments": MEANING,
    "cells": MEANING,
    "adopt_flow": MEANING,
    "scenes": MEANING,
    "targets": MEANING,
    "effect_fields": MEANING,
    "effect_actions": MEANING,
    "colorloop": MEANING,
    "services": ENTRY,
    "light": ENTRY,
    "switch": ENTRY,
    "sensor": ENTRY,
    "select": ENTRY,
    "button": ENTRY,
    "binary_sensor": ENTRY,
    "diagnostics": ENTRY,
    "config_flow": ENTRY,
    "options_flow": ENTRY,
    "repairs": ENTRY,
    "scene": ENTRY,
    "__init__": WIRING,
}

# The options flow is the config flow's second half, in a module of its own for length;
# the scene actions change the scene book that the scene platform hosts.
SIDEWAYS = {("config_flow", "options_flow"), ("services", "scene")}


def _room(module: str) -> int:
    if module == "protocol" or module.startswith("protocol."):
        return PROTOCOL
    return ROOMS[module]


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each relative import outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(), filename=str(path))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            type_only |= {id(child) for child in ast.walk(node)}
    found: list[tuple[int, str]] = []
    base = path.parent.relative_to(PACKAGE).parts
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level == 0 or id(node) in type_only:
            continue
        parts = [*base[: len(base) - node.level + 1], *(node.module or "").split(".")]
        parts = [part for part in parts if part]
        if node.module is None:
            found += [(node.lineno, ".".join([*parts, alias.name])) for alias in node.names]
        else:
            found.append((node.lineno, ".".join(parts)))
    return found


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def test_every_module_has_a_room() -> None:
    modules = [_module_name(path) for path in PACKAGE.rglob("*.py")]
    assert "coordinator" in modules
    assert [module for module in modules if not module.startswith("protocol")] == [
        module for module in modules if module in ROOMS
    ]


def test_imports_go_only_to_lower_rooms() -> None:
    """Lower rooms never import higher ones; entry points never import each other."""
    wrong: list[str] = []
    checked = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        room = _room(importer)
        for line, imported in _runtime_imports(path):
            checked += 1
            target = _room(imported)
            allowed = (
                target < room
                or (target == room and room != ENTRY)
                or (importer, imported) in SIDEWAYS
            )
            if not allowed:
                wrong.append(f"{importer}:{line} imports {imported}")
    assert checked > 100
    assert wrong == []


def test_the_protocol_package_imports_nothing_outside_it() -> None:
    outside: list[str] = []
    for path in sorted((PACKAGE / "protocol").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level > 1:
                outside.append(f"{path.name}:{node.lineno}")
    assert outside == []
