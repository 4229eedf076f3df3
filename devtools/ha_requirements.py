"""Install the packages Home Assistant would install on its first start with a config folder.

Home Assistant installs an integration's Python requirements when it first sets the
integration up. The end-to-end tests run it in a network namespace that has only loopback,
where that install cannot reach PyPI, so this resolves the same integrations beforehand
(configuration.yaml's domains and platforms, the default integrations, the custom
components, and all their dependencies) and installs what is missing with Home Assistant's
own installer and constraints. With --check it only lists what is missing (exit 1).

    python devtools/ha_requirements.py --config DIR [--domain group ...] [--check]
"""

from __future__ import annotations

import argparse
import ast
import asyncio
from collections.abc import Iterable
import importlib
import inspect
import logging
import os
from pathlib import Path
import sys

from homeassistant import bootstrap, loader, requirements
from homeassistant.auth import mfa_modules, providers
from homeassistant.core import HomeAssistant
from homeassistant.helpers import service as service_helper
from homeassistant.util import package as pkg_util
import yaml

_LOGGER = logging.getLogger("ha_requirements")
# Integrations the development and end-to-end runs set up later through the UI (a light
# group), whose requirements must be there before Home Assistant starts without a network;
# and core's LIFX integration, whose entries the takeover tests remove (Home Assistant
# imports an integration to remove its entry)
UI_DOMAINS = ("group", "lifx")


class _Loader(yaml.SafeLoader):
    """YAML loader that tolerates Home Assistant's tags: only the top-level keys matter."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_Loader.add_multi_constructor("!", _any_tag)


def configured_domains(config_dir: Path) -> set[str]:
    """Domains of configuration.yaml, plus the integrations named by their platforms."""
    raw = yaml.load((config_dir / "configuration.yaml").read_text(), Loader=_Loader)
    domains: set[str] = set()
    for key, value in (raw or {}).items():
        # "light group:" style keys configure the domain before the space
        domain = str(key).split(" ", 1)[0]
        if domain == "homeassistant":
            continue
        domains.add(domain)
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("platform"), str):
                domains.add(entry["platform"])
    return domains


def custom_domains(config_dir: Path) -> set[str]:
    """Custom components present in the config folder (set up once they have entries)."""
    folder = config_dir / "custom_components"
    if not folder.is_dir():
        return set()
    return {path.name for path in folder.iterdir() if (path / "manifest.json").is_file()}


def service_description_domains() -> set[str]:
    """Integrations Home Assistant imports whenever the frontend lists the actions.

    helpers.service._base_components imports them to check the supported_features filters
    of every services.yaml, whether or not they are configured (in 2026.x that reaches
    conversation, which needs hassil).
    """
    tree = ast.parse(inspect.getsource(service_helper))
    domains: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "_base_components":
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module == "homeassistant.components":
                    domains.update(alias.name for alias in inner.names)
    return domains


async def collect_requirements(hass: HomeAssistant, domains: Iterable[str]) -> dict[str, str]:
    """Every requirement of the domains and their dependencies, mapped to who needs it."""
    needed: dict[str, str] = {}
    seen: set[str] = set()
    pending = list(domains)
    while pending:
        domain = pending.pop()
        if domain in seen:
            continue
        seen.add(domain)
        try:
            integration = await loader.async_get_integration(hass, domain)
        except loader.IntegrationNotFound:
            # Home Assistant tolerates missing after_dependencies the same way
            _LOGGER.debug("No integration %s", domain)
            continue
        for requirement in integration.requirements:
            needed.setdefault(requirement, domain)
        pending.extend(integration.dependencies)
        pending.extend(integration.after_dependencies)
        # Integrations that declare matchers (dhcp, zeroconf...) make Home Assistant load
        # the matching discovery integration's requirements too
        for discovery, keys in requirements.DISCOVERY_INTEGRATIONS.items():
            if any(key in integration.manifest for key in keys):
                pending.append(discovery)
    return needed


def auth_requirements() -> dict[str, str]:
    """Requirements of the auth modules a default configuration loads (TOTP for MFA)."""
    needed: dict[str, str] = {}
    for package, name in ((mfa_modules, "totp"), (providers, "homeassistant")):
        module = importlib.import_module(f"{package.__name__}.{name}")
        for requirement in getattr(module, "REQUIREMENTS", []):
            needed.setdefault(requirement, f"auth {name}")
    return needed


async def run(config_dir: Path, extra: list[str], check: bool) -> int:
    """Find (and unless check, install) what the config folder's integrations need."""
    hass = HomeAssistant(str(config_dir))
    loader.async_setup(hass)
    domains = (
        configured_domains(config_dir)
        | custom_domains(config_dir)
        | set(bootstrap.DEFAULT_INTEGRATIONS)
        | set(bootstrap.CORE_INTEGRATIONS)
        | service_description_domains()
        | set(UI_DOMAINS)
        | set(extra)
    )
    try:
        needed = auth_requirements() | await collect_requirements(hass, sorted(domains))
        missing = {
            requirement: domain
            for requirement, domain in sorted(needed.items())
            if not pkg_util.is_installed(requirement)
        }
    finally:
        await hass.async_stop(force=True)
    if not missing:
        print(f"ha_requirements: all {len(needed)} requirements are installed")
        return 0
    for requirement, domain in missing.items():
        print(f"ha_requirements: missing {requirement} (for {domain})")
    if check:
        return 1
    # Install for this interpreter: uv could otherwise pick a .venv in the working directory
    os.environ.setdefault("UV_PYTHON", sys.executable)
    # What requirements.pip_kwargs() gives (its signature changed in 2026)
    constraints = str(Path(requirements.__file__).parent / requirements.CONSTRAINT_FILE)
    failed = [
        requirement
        for requirement in missing
        if not pkg_util.install_package(
            requirement, upgrade=False, constraints=constraints, timeout=requirements.PIP_TIMEOUT
        )
    ]
    if failed:
        print(f"ha_requirements: could not install {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"ha_requirements: installed {len(missing)} packages")
    return 0


def main() -> int:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--config", type=Path, required=True, help="Home Assistant config folder")
    parser.add_argument(
        "--domain",
        action="append",
        default=[],
        help="also an integration set up later (a helper created in the UI); repeatable",
    )
    parser.add_argument("--check", action="store_true", help="list what is missing, install none")
    args = parser.parse_args()
    # Errors only: the loader warns about every custom integration it finds
    logging.basicConfig(level=logging.ERROR)
    return asyncio.run(run(args.config.resolve(), args.domain, args.check))


if __name__ == "__main__":
    sys.exit(main())
