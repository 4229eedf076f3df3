"""devtools/check_ha_api.py: the Home Assistant names lifx_lan uses exist, undeprecated.

The checker itself is tested against a small made-up wheel, so what it catches is known;
then it runs for real against the minimum and the newest Home Assistant wheels.
"""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys
import textwrap
import zipfile

import pytest

from devtools import check_ha_api as checker

ROOT = Path(__file__).resolve().parents[1]

FAKE_HA = {
    "homeassistant/__init__.py": "",
    "homeassistant/const.py": """
        from enum import StrEnum
        from functools import partial
        from .helpers.deprecation import (
            DeprecatedConstant, all_with_deprecated_constants, check_if_deprecated_constant,
        )

        CONF_HOST = "host"
        _DEPRECATED_CONF_OLD = DeprecatedConstant("old", "CONF_HOST", "2026.1")

        class Platform(StrEnum):
            LIGHT = "light"

        __getattr__ = partial(check_if_deprecated_constant, module_globals=globals())
        """,
    "homeassistant/helpers/__init__.py": "",
    "homeassistant/helpers/deprecation.py": """
        class DeprecatedConstant: ...
        def check_if_deprecated_constant(name, module_globals): ...
        def all_with_deprecated_constants(module_globals): ...
        def deprecated_function(replacement):
            return lambda f: f
        """,
    "homeassistant/helpers/frame.py": "def report_usage(what, breaks_in_ha_version=None): ...",
    "homeassistant/helpers/tools.py": """
        from .deprecation import deprecated_function
        from .frame import report_usage

        def current(hass, call, *, expand=True): ...

        @deprecated_function("current")
        def old(hass): ...

        def always_reported(hass):
            report_usage("is deprecated", breaks_in_ha_version="2026.1")

        def sometimes_reported(hass, legacy=False):
            if legacy:
                report_usage("legacy is deprecated", breaks_in_ha_version="2026.1")
        """,
    "homeassistant/core.py": """
        class StateMachine:
            def get(self, entity_id): ...

        class HomeAssistant:
            def __init__(self):
                self.states = StateMachine()
        """,
    "homeassistant/components/__init__.py": "",
    "homeassistant/components/light/__init__.py": """
        from .entity import LightEntity, LightEntityDescription
        """,
    "homeassistant/components/light/entity.py": """
        from homeassistant.core import HomeAssistant

        class EntityDescription:
            key: str
            name: str | None = None

        class LightEntityDescription(EntityDescription):
            pass

        class Entity:
            hass: HomeAssistant = None
            _attr_name: str | None = None

        class LightEntity(Entity):
            _attr_min_color_temp_kelvin: int | None = None

            @property
            def min_color_temp_kelvin(self) -> int: ...
        """,
}

FAKE_INTEGRATION = """
    from homeassistant.const import CONF_HOST, CONF_OLD, CONF_GONE, Platform
    from homeassistant.components.light import LightEntity, LightEntityDescription
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import tools

    try:  # newer Home Assistant
        from homeassistant.helpers.target import select
    except ImportError:  # older: the same helper under its old name
        from homeassistant.helpers.tools import current as select

    DESCRIPTION = LightEntityDescription(key="light", name="Light", icon="mdi:x")

    class Light(LightEntity):
        _attr_name = None
        _attr_min_mireds = 153

        def __init__(self) -> None:
            self._attr_min_color_temp_kelvin = 2500

        @property
        def low(self) -> int:
            return self.min_color_temp_kelvin + self.max_color_temp_kelvin

    def setup(hass: HomeAssistant, call: object) -> None:
        hass.states.get("light.x")
        hass.states.set("light.x", "on")
        tools.current(hass, call, expand=False)
        tools.current(hass, call, True)
        tools.old(hass)
        tools.always_reported(hass)
        tools.sometimes_reported(hass)
        tools.missing(hass)
        Platform.LIGHT
        Platform.SWITCH
"""


def _findings(tmp_path: Path) -> dict[str, str]:
    wheel = tmp_path / "homeassistant-2099.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in FAKE_HA.items():
            archive.writestr(name, textwrap.dedent(text))
    integration = tmp_path / "fake_lifx"
    integration.mkdir()
    (integration / "__init__.py").write_text(textwrap.dedent(FAKE_INTEGRATION))
    references = checker.collect(integration)
    return {f.what: f.kind for f in checker.check(checker.Wheel(wheel), references)}


def test_checker_reports_missing_and_deprecated_names(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    light = "homeassistant.components.light.entity"
    assert findings == {
        "homeassistant.const.CONF_GONE": "missing",
        "homeassistant.const.Platform.SWITCH": "missing",
        f"{light}.LightEntity._attr_min_mireds": "missing",
        f"{light}.LightEntity.max_color_temp_kelvin": "missing",
        "homeassistant.components.light.LightEntityDescription(icon=...)": "missing",
        "homeassistant.core.HomeAssistant.states.set": "missing",
        "homeassistant.helpers.tools.current(...)": "missing",
        "homeassistant.helpers.tools.missing": "missing",
        "homeassistant.const.CONF_OLD": "deprecated",
        "homeassistant.helpers.tools.old": "deprecated",
        "homeassistant.helpers.tools.always_reported": "deprecated",
        "homeassistant.helpers.tools.sometimes_reported": "note",
        # A compatibility import: missing here is expected, so only noted
        "homeassistant.helpers.target": "note",
    }


def test_checker_parses_python_3_14_syntax() -> None:
    module = checker.parse("try:\n    pass\nexcept KeyError, ValueError:\n    pass\n")
    assert module.body


def test_lifx_lan_uses_current_home_assistant_api() -> None:
    """Every name exists, undeprecated, in the minimum and the newest wheel."""
    run = subprocess.run(
        [sys.executable, "-m", "devtools.check_ha_api"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=600,
    )
    if run.returncode == checker.EXIT_UNAVAILABLE:
        pytest.skip(f"a Home Assistant wheel could not be downloaded:\n{run.stderr}")
    assert run.returncode == 0, run.stdout + run.stderr
