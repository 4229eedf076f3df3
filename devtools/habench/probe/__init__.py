"""The bench's hands inside Home Assistant: a loopback JSON-lines server (devtools/habench).

Linked into the bench's config folder as custom_components/habench_probe, never shipped.
It answers one JSON line per command, inside Home Assistant's event loop:

* ``{"cmd": "lights", "domain": "lifx"}``: ``{"lights": {serial: entity_id}}`` of that
  integration's lights, from the entity and device registries
* ``{"cmd": "wait", "entities": [...], "available": true, "timeout": 60}``: waits until
  each is (un)available and answers when each became so (``last_changed``, wall-clock ns)
* ``{"cmd": "call", "domain": "light", "service": "turn_on", "data": {...}}``: a blocking
  service call, as an automation makes it, timed (wall-clock ns) from before to after
* ``{"cmd": "retrace", "domain": "lifx", "frames": 32}``: starts tracemalloc, then reloads
  every entry of that integration, so that what its devices hold is traced
* ``{"cmd": "memory", "paths": [...]}``: after a garbage collection, the bytes traced whose
  allocation has a frame in one of those folders; tracing stops
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
import tracemalloc
from typing import Any

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

DOMAIN = "habench_probe"
CONF_PORT = "port"
CONFIG_SCHEMA = vol.Schema(
    {DOMAIN: vol.Schema({vol.Required(CONF_PORT): cv.port})}, extra=vol.ALLOW_EXTRA
)
# How often a wait looks at the states: short, and costs nothing between measurements
WAIT_STEP = 0.02


def _lights(hass: HomeAssistant, domain: str) -> dict[str, str]:
    entities = er.async_get(hass)
    devices = dr.async_get(hass)
    found: dict[str, str] = {}
    for entry in entities.entities.values():
        if entry.platform != domain or entry.domain != "light" or entry.device_id is None:
            continue
        device = devices.async_get(entry.device_id)
        if device is None:
            continue
        for identifier_domain, identifier in device.identifiers:
            if identifier_domain == domain:
                found[identifier.replace(":", "").lower()] = entry.entity_id
    return found


def _met(hass: HomeAssistant, entity_id: str, available: bool) -> int | None:
    """When the entity became (un)available, in wall-clock ns, if it is so now."""
    state = hass.states.get(entity_id)
    if state is None or (state.state != STATE_UNAVAILABLE) != available:
        return None
    return int(state.last_changed.timestamp() * 1e9)


async def _wait(hass: HomeAssistant, command: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + float(command["timeout"])
    wanted: list[str] = command["entities"]
    available = bool(command["available"])
    while True:
        met = {entity: _met(hass, entity, available) for entity in wanted}
        if all(stamp is not None for stamp in met.values()):
            return {"changed": met}
        if time.monotonic() > deadline:
            return {"error": "timeout", "missing": [e for e, s in met.items() if s is None]}
        await asyncio.sleep(WAIT_STEP)


async def _call(hass: HomeAssistant, command: dict[str, Any]) -> dict[str, Any]:
    start = time.time_ns()
    try:
        await hass.services.async_call(
            command["domain"], command["service"], command["data"], blocking=True
        )
    except Exception as err:  # reported to the bench, which counts it as a failed call
        return {"error": repr(err), "start_ns": start, "end_ns": time.time_ns()}
    return {"start_ns": start, "end_ns": time.time_ns()}


async def _retrace(hass: HomeAssistant, command: dict[str, Any]) -> dict[str, Any]:
    # Traced from the start, Home Assistant takes minutes to import itself; traced from
    # here, the integration's modules are already imported: what is measured is what
    # its devices hold once set up again, not its code.
    tracemalloc.start(int(command["frames"]))
    entries = hass.config_entries.async_entries(command["domain"])
    await asyncio.gather(*(hass.config_entries.async_reload(e.entry_id) for e in entries))
    return {"reloaded": len(entries)}


def _memory(paths: list[str]) -> dict[str, Any]:
    if not tracemalloc.is_tracing():
        return {"error": "tracemalloc is off: retrace first"}
    gc.collect()
    snapshot = tracemalloc.take_snapshot()
    traced = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    owned = sum(
        trace.size
        for trace in snapshot.traces
        if any(frame.filename.startswith(tuple(paths)) for frame in trace.traceback)
    )
    return {"bytes": owned, "traced": traced}


async def _answer(hass: HomeAssistant, command: dict[str, Any]) -> dict[str, Any]:
    match command["cmd"]:
        case "lights":
            return {"lights": _lights(hass, command["domain"])}
        case "wait":
            return await _wait(hass, command)
        case "call":
            return await _call(hass, command)
        case "retrace":
            return await _retrace(hass, command)
        case "memory":
            return _memory(command["paths"])
    return {"error": f"unknown command {command['cmd']!r}"}


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Listen on 127.0.0.1 at the configured port until Home Assistant stops."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            answer = await _answer(hass, json.loads(line))
            writer.write(json.dumps(answer).encode() + b"\n")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", config[DOMAIN][CONF_PORT])

    async def stop(_event: Event) -> None:
        server.close()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stop)
    return True
