"""A real Home Assistant for the end-to-end tests: its config folder, its process, its APIs.

Everything here talks to Home Assistant the way its frontend does: HTTP onboarding, the
REST API for config flows and actions, the websocket API for registries and dashboards.
Nothing imports Home Assistant's internals except the onboarding storage constants that
pre-seeding must match.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
from pathlib import Path
import signal
import sys
import time
from typing import Any

import aiohttp

REPO_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PORT = 8123
BASE_URL = f"http://{HOST}:{PORT}"
# The frontend's own client id, so tokens it is handed work for it (and refresh)
CLIENT_ID = f"{BASE_URL}/"
USERNAME = "e2e"
PASSWORD = "lifx-lan-e2e"

CONFIGURATION = """\
# Written by tests/e2e/hass.py: the integrations a fresh install has, plus automations in
# the file the automation editor writes. Runs in a network namespace with only loopback;
# HTTP on the default port 8123 (newer Home Assistant deprecates http: in YAML).
homeassistant:
  name: LIFX LAN end-to-end
  latitude: 51.5
  longitude: -0.12
  elevation: 0
  unit_system: metric
  currency: EUR
  country: GB
  time_zone: Europe/London
  internal_url: "{base_url}"

frontend:
config:
automation: !include automations.yaml
# default_config has it: LIFX devices announce themselves over mDNS
zeroconf:

logger:
  default: warning
  logs:
    custom_components.lifx_lan: debug
"""
INTEGRATION_ENV = "LIFX_E2E_INTEGRATION"


class HassError(AssertionError):
    """Home Assistant answered something else than what the UI would get."""


def integration_folder() -> Path:
    """The lifx_lan to test: this repository's, or $LIFX_E2E_INTEGRATION (a release copy)."""
    return Path(os.environ.get(INTEGRATION_ENV) or REPO_ROOT / "custom_components" / "lifx_lan")


def write_config(config_dir: Path) -> None:
    """A fresh config folder: lifx_lan linked in, onboarding's core_config step pre-done.

    Only core_config is marked done: finishing it over HTTP would make Home Assistant add
    the integrations onboarding offers (met, radio_browser...), which go to the internet.
    The user, analytics and integration steps are done over HTTP as the frontend does.
    """
    # Imported here: only this constant must match the running Home Assistant
    from homeassistant.components.onboarding import (
        STORAGE_KEY,
        STORAGE_VERSION,
    )
    from homeassistant.components.onboarding.const import STEP_CORE_CONFIG

    (config_dir / "custom_components").mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(CONFIGURATION.format(base_url=BASE_URL))
    (config_dir / "automations.yaml").write_text("[]\n")
    link = config_dir / "custom_components" / "lifx_lan"
    if not link.is_symlink():
        link.symlink_to(integration_folder())
    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    (storage / STORAGE_KEY).write_text(
        json.dumps(
            {
                "version": STORAGE_VERSION,
                "minor_version": 1,
                "key": STORAGE_KEY,
                "data": {"done": [STEP_CORE_CONFIG]},
            }
        )
    )


class HassProcess:
    """`python -m homeassistant` on a config folder, stopped gracefully or killed."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = config_dir
        self.log_path = config_dir / "home-assistant.log"
        self.process: asyncio.subprocess.Process | None = None
        self._stdout = config_dir / "hass.stdout"

    async def start(self) -> None:
        """Start Home Assistant; returns at once (see wait_http)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE")}
        with self._stdout.open("wb") as stdout:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "homeassistant",
                "--config",
                str(self.config_dir),
                "--log-file",
                str(self.log_path),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=stdout,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
                # Not the repository: `python -m` puts the working directory first on
                # sys.path, and its custom_components/ would shadow the config folder's
                cwd=self.config_dir,
            )

    def output_tail(self, lines: int = 40) -> str:
        """The end of Home Assistant's log, for failure messages."""
        path = self.log_path if self.log_path.exists() else self._stdout
        if not path.exists():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    async def wait_http(self, session: aiohttp.ClientSession, timeout: float = 120.0) -> None:
        """Wait until the HTTP server answers onboarding's public endpoint."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.returncode is not None:
                raise HassError(
                    f"Home Assistant exited with {self.process.returncode}:\n{self.output_tail()}"
                )
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with session.get(f"{BASE_URL}/api/onboarding") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.5)
        raise HassError(f"Home Assistant did not answer within {timeout} s:\n{self.output_tail()}")

    async def stop(self) -> int | None:
        """SIGTERM (Home Assistant saves its state), then SIGKILL after 30 s."""
        process = self.process
        if process is None or process.returncode is not None:
            return None if process is None else process.returncode
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(30):
                return await process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            return await process.wait()


class HassClient:
    """The REST and websocket APIs, with the token onboarding handed out."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.tokens: dict[str, Any] = {}
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        auth: bool = True,
        expect: int = 200,
    ) -> Any:
        """One REST call; anything but the expected status is a HassError."""
        headers = self.headers if auth else {}
        async with self.session.request(
            method, f"{BASE_URL}{path}", json=json_body, data=form, headers=headers
        ) as response:
            text = await response.text()
            if response.status != expect:
                raise HassError(f"{method} {path} -> {response.status}: {text[:2000]}")
            return json.loads(text) if text else None

    # Onboarding, as the frontend's onboarding screens do it

    async def onboard(self) -> dict[str, Any]:
        """Create the owner, finish analytics and integration steps; keep the token."""
        created = await self.request(
            "POST",
            "/api/onboarding/users",
            json_body={
                "client_id": CLIENT_ID,
                "name": "End-to-end",
                "username": USERNAME,
                "password": PASSWORD,
                "language": "en",
            },
            auth=False,
        )
        self.tokens = await self.request(
            "POST",
            "/auth/token",
            form={
                "grant_type": "authorization_code",
                "code": created["auth_code"],
                "client_id": CLIENT_ID,
            },
            auth=False,
        )
        await self.request("POST", "/api/onboarding/analytics", json_body={})
        await self.request(
            "POST",
            "/api/onboarding/integration",
            json_body={"client_id": CLIENT_ID, "redirect_uri": f"{BASE_URL}/?auth_callback=1"},
        )
        result: dict[str, Any] = self.tokens
        return result

    async def wait_running(self, timeout: float = 120.0) -> dict[str, Any]:
        """Wait for Home Assistant to finish starting; returns /api/config."""
        deadline = time.monotonic() + timeout
        config: dict[str, Any] = {}
        while time.monotonic() < deadline:
            config = await self.request("GET", "/api/config")
            if config.get("state") == "RUNNING":
                return config
            await asyncio.sleep(0.5)
        raise HassError(f"Home Assistant still {config.get('state')} after {timeout} s")

    # Config flows, as the "Add integration" dialog drives them

    async def flow_start(self, handler: str, path: str = "config_entries/flow") -> dict[str, Any]:
        result: dict[str, Any] = await self.request(
            "POST",
            f"/api/config/{path}",
            json_body={"handler": handler, "show_advanced_options": False},
        )
        return result

    async def flow_step(
        self, flow_id: str, data: dict[str, Any], path: str = "config_entries/flow"
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.request(
            "POST", f"/api/config/{path}/{flow_id}", json_body=data
        )
        return result

    async def entries(self, domain: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return result

    # States and actions

    async def state(self, entity_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.request("GET", f"/api/states/{entity_id}")
        return result

    async def states(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request("GET", "/api/states")
        return result

    async def action(self, domain: str, service: str, **data: Any) -> Any:
        """Call an action (service) over REST, as a dashboard card does over websocket."""
        return await self.request("POST", f"/api/services/{domain}/{service}", json_body=data)

    async def wait_state(
        self, entity_id: str, predicate: Any, timeout: float = 15.0
    ) -> dict[str, Any]:
        """Poll an entity until predicate(state) holds."""
        deadline = time.monotonic() + timeout
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            with contextlib.suppress(HassError):
                state = await self.state(entity_id)
                if predicate(state):
                    return state
            await asyncio.sleep(0.25)
        raise HassError(f"{entity_id} never matched within {timeout} s; last: {state}")

    # Websocket API

    async def ws(self, message_type: str, **fields: Any) -> Any:
        """One websocket command; an error reply is a HassError."""
        if self._ws is None:
            self._ws = await self.session.ws_connect(f"{BASE_URL}/api/websocket", max_msg_size=0)
            hello = await self._ws.receive_json()
            if hello.get("type") != "auth_required":
                raise HassError(f"websocket said {hello}")
            await self._ws.send_json({"type": "auth", "access_token": self.tokens["access_token"]})
            reply = await self._ws.receive_json()
            if reply.get("type") != "auth_ok":
                raise HassError(f"websocket auth failed: {reply}")
        message_id = next(self._ids)
        await self._ws.send_json({"id": message_id, "type": message_type, **fields})
        while True:
            reply = await self._ws.receive_json(timeout=30)
            # Events of earlier subscriptions share the socket
            if reply.get("id") == message_id and reply.get("type") == "result":
                break
        if not reply.get("success"):
            raise HassError(f"{message_type} failed: {reply.get('error')}")
        return reply.get("result")

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None
