"""Write the LIFX app's theme catalogue (names and palettes) into lifx_lan's app_themes.json.

The palettes are the LIFX app's own, as the library behind Home Assistant's core LIFX
integration ships them (lifx-async's generated ``lifx/theme/data.py``). That module is read
as text (AST), never imported:

    python -m devtools.import_app_themes path/to/lifx_async-7.13.1-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import ast
import json
import zipfile

from devtools import ROOT

TARGET = ROOT / "custom_components" / "lifx_lan" / "app_themes.json"
DATA = "lifx/theme/data.py"


def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}


def _color(call: ast.expr) -> list[float]:
    assert isinstance(call, ast.Call)
    words = _keywords(call)
    values = [ast.literal_eval(words[key]) for key in ("hue", "saturation", "brightness")]
    return [*values, int(ast.literal_eval(words["kelvin"]))]


def read_themes(source: str) -> dict[str, dict[str, object]]:
    """Each theme's name and colours by slug; a renamed theme takes its new name's colours."""
    themes: dict[str, dict[str, object]] = {}
    renamed: dict[str, tuple[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Dict):
            for key, record in zip(node.value.keys, node.value.values, strict=True):
                assert isinstance(key, ast.Constant)
                assert isinstance(record, ast.Call)
                words = _keywords(record)
                colors = words["colors"]
                assert isinstance(colors, ast.Tuple)
                themes[str(key.value)] = {
                    "name": ast.literal_eval(words["name"]),
                    "colors": [_color(color) for color in colors.elts],
                }
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            words = _keywords(node.value)
            slug = ast.literal_eval(words["slug"])
            name, target = (ast.literal_eval(words[key]) for key in ("name", "replaced_by"))
            renamed[slug] = (name, target)
    for slug, (name, target) in renamed.items():
        themes[slug] = {"name": name, "colors": themes[target]["colors"]}
    return dict(sorted(themes.items()))


def main() -> None:
    """Read the wheel given; write the catalogue."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("wheel", help="a lifx-async wheel")
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as wheel:
        source = wheel.read(DATA).decode()
    themes = read_themes(source)
    # One theme a line: reviewable in a diff, and small.
    lines = [f" {json.dumps(slug)}: {json.dumps(theme)}" for slug, theme in themes.items()]
    TARGET.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"{len(themes)} themes written to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
