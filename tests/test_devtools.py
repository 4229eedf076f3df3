"""devtools/ never imports tests/: the tests import the developer tools, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path
import re

ROOT = Path(__file__).resolve().parents[1]
# "tests", "tests.fake_lifx" or "tests/emulator/fleet.py": a module or file of the suite
TESTS_NAME = re.compile(r"tests(\.|/|$)")


def _references_to_tests(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # importlib.import_module("tests.x"), python -m tests.x, or a file to run
            names = [node.value]
        else:
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        found += [f"{where}: {name}" for name in names if TESTS_NAME.match(name)]
    return found


def test_devtools_never_import_tests() -> None:
    modules = sorted((ROOT / "devtools").rglob("*.py"))
    assert len(modules) > 10
    assert [found for path in modules for found in _references_to_tests(path)] == []
