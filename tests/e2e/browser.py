"""Headless Chromium driven over the Chrome DevTools protocol, for Home Assistant's frontend.

Debian's `chromium` package runs with a fresh profile; the page is logged in by handing the
frontend the tokens onboarding returned (its `hassTokens` localStorage entry), so no login
form is typed into. Text is read through every shadow root, since Home Assistant's frontend
is made of web components.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
from pathlib import Path
import shutil
import time
from typing import Any

import aiohttp

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # /dev/shm is small in containers and chroots
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    # Tall enough for all eight devices on the integration page
    "--window-size=1400,1500",
)

# Every text node of the page, shadow DOM included, as one string
DEEP_TEXT = """
(() => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(document);
  return parts.join(" ").replace(/\\s+/g, " ");
})()
"""


class BrowserError(AssertionError):
    """Chromium failed, or the page never showed what it should."""


def find_chromium() -> str | None:
    """The Chromium binary, or None when this machine has none."""
    override = os.environ.get("LIFX_E2E_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    for name in CHROMIUM_CANDIDATES:
        if path := shutil.which(name):
            return path
    return None


class Browser:
    """One Chromium process and one page, controlled over its DevTools websocket."""

    def __init__(self, binary: str, profile: Path) -> None:
        self.binary = binary
        self.profile = profile
        self.process: asyncio.subprocess.Process | None = None
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._log = profile.parent / "chromium.log"
        self.console: list[str] = []

    async def start(self) -> None:
        """Start Chromium and attach to its first page."""
        self.profile.mkdir(parents=True, exist_ok=True)
        with self._log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                self.binary,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self.profile}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "about:blank",
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        port = await self._wait_port()
        self._session = aiohttp.ClientSession()
        deadline = time.monotonic() + 30
        page: dict[str, Any] | None = None
        while page is None and time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError):
                async with self._session.get(f"http://127.0.0.1:{port}/json/list") as response:
                    targets = await response.json()
                page = next((t for t in targets if t.get("type") == "page"), None)
            if page is None:
                await asyncio.sleep(0.2)
        if page is None:
            raise BrowserError(f"Chromium opened no page:\n{self.log_tail()}")
        self._ws = await self._session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        await self.send("Page.enable")
        await self.send("Runtime.enable")

    async def _wait_port(self) -> int:
        """Chromium writes the port it picked to DevToolsActivePort in the profile."""
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process is not None and self.process.returncode is not None:
                raise BrowserError(
                    f"Chromium exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            if marker.exists() and (text := marker.read_text().strip()):
                return int(text.splitlines()[0])
            await asyncio.sleep(0.1)
        raise BrowserError(f"Chromium opened no DevTools port:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if not self._log.exists():
            return "(no log)"
        return "\n".join(self._log.read_text(errors="replace").splitlines()[-lines:])

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """One DevTools command; its result."""
        assert self._ws is not None
        message_id = next(self._ids)
        await self._ws.send_json({"id": message_id, "method": method, "params": params})
        while True:
            message = await self._ws.receive(timeout=60)
            if message.type != aiohttp.WSMsgType.TEXT:
                raise BrowserError(f"DevTools connection closed: {message}\n{self.log_tail()}")
            reply = json.loads(message.data)
            if reply.get("method") == "Runtime.consoleAPICalled":
                args = reply["params"].get("args", [])
                self.console.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in args)
                )
            if reply.get("id") == message_id:
                break
        if "error" in reply:
            raise BrowserError(f"{method} failed: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    async def login_with(self, origin: str, tokens: dict[str, Any], client_id: str) -> None:
        """Give every page of origin the tokens, as the frontend stores them after login."""
        stored = {
            "hassUrl": origin,
            "clientId": client_id,
            "access_token": tokens["access_token"],
            "refresh_token": tokens["refresh_token"],
            "token_type": tokens.get("token_type", "Bearer"),
            "expires_in": tokens["expires_in"],
            "expires": int(time.time() * 1000) + int(tokens["expires_in"]) * 1000,
        }
        source = (
            f"if (location.origin === {json.dumps(origin)}) "
            f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(stored))});"
        )
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=source)

    async def goto(self, url: str) -> None:
        await self.send("Page.navigate", url=url)

    async def evaluate(self, expression: str) -> Any:
        reply = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise BrowserError(f"page script failed: {reply['exceptionDetails']}")
        return reply.get("result", {}).get("value")

    async def text(self) -> str:
        """All text the page shows, through shadow roots."""
        value = await self.evaluate(DEEP_TEXT)
        return str(value or "")

    async def wait_for_text(self, wanted: list[str], timeout: float = 60.0) -> str:
        """Wait until every string is on the page, then let rendering settle a moment."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = await self.text()
            if all(item in text for item in wanted):
                # Icons and card layouts finish after the text arrives
                await asyncio.sleep(1.5)
                return await self.text()
            await asyncio.sleep(0.5)
        missing = [item for item in wanted if item not in text]
        raise BrowserError(
            f"the page never showed {missing}; it showed: {text[:1500]!r}\n"
            f"console: {self.console[-10:]}"
        )

    async def screenshot(self, path: Path, clip: dict[str, float] | None = None) -> int:
        """Save a PNG of the viewport, or of the box `clip` (x, y, width, height) of it.

        Returns the PNG's size in bytes.
        """
        params: dict[str, Any] = {"format": "png"}
        if clip is not None:
            box = ("x", "y", "width", "height")
            params["clip"] = {**{key: clip[key] for key in box}, "scale": 1}
        reply = await self.send("Page.captureScreenshot", **params)
        data = base64.b64decode(reply["data"])
        await asyncio.to_thread(path.write_bytes, data)
        return len(data)

    async def close(self) -> None:
        """Close the browser and wait for it; kill it if it lingers."""
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.send_json({"id": next(self._ids), "method": "Browser.close"})
            with contextlib.suppress(Exception):
                await self._ws.close()
            self._ws = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        process = self.process
        if process is not None and process.returncode is None:
            try:
                async with asyncio.timeout(10):
                    await process.wait()
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
