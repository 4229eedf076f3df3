"""The config flow, driven through Home Assistant's flow managers against fake devices.

Every probe and scan is real UDP on loopback to the fake fleet (the `network` fixture aims
discovery there). Scans, probes and request deadlines wait on event-loop timers, so the
tests freeze time and move it forward while a flow step runs: no test sleeps on the wall
clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from ipaddress import IPv4Address
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_DHCP,
    SOURCE_IGNORE,
    SOURCE_INTEGRATION_DISCOVERY,
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST, CONF_MAC, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.lifx_lan.const import (
    CONF_POLL_INTERVAL,
    CONF_SERIAL,
    DEFAULT_POLL_INTERVAL,
    DISCOVERY_TIMEOUT,
    DOMAIN,
)
from custom_components.lifx_lan.describe import PICK_NAMING_DEADLINE
from custom_components.lifx_lan.hosts import parse_host
from custom_components.lifx_lan.network import LifxNetwork
from custom_components.lifx_lan.protocol import LIFX_PORT, messages as m
from devtools.fake_lifx import FakeFleet
from tests.integration.conftest import SERIALS, AddDevice, advance

BULB = SERIALS["color_bulb"]
WHITE = SERIALS["white_bulb"]
STRIP = SERIALS["strip"]

# Every flow here scans or probes: the fixture aims that at the fake fleet only.
pytestmark = pytest.mark.usefixtures("network")


async def _run[T](
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: Awaitable[T], limit: float = 60
) -> T:
    """Run a flow step to its end, moving frozen time while it waits on timers."""
    task = asyncio.ensure_future(step)
    for _ in range(5):
        await asyncio.sleep(0)
    waited = 0.0
    while not task.done():
        assert waited < limit, "the flow step never finished"
        await advance(hass, freezer, 0.1)
        waited += 0.1
    return task.result()


@pytest.fixture(autouse=True)
async def _unload_entries(hass: HomeAssistant) -> AsyncIterator[None]:
    """Unload what the flows set up, so no poll or socket outlives a test."""
    yield
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
async def other_fleet() -> AsyncIterator[FakeFleet]:
    """A second fake fleet: the address a device moves to."""
    fake = await FakeFleet.start()
    yield fake
    fake.close()


@pytest.fixture
async def dead_socket(network: LifxNetwork) -> AsyncIterator[None]:
    """The shared client's socket is closed under the flow: every scan and probe fails."""
    client = await network.async_acquire()
    await client.close()
    yield
    await network.async_release()


def _configured(serial: str, fleet: FakeFleet, **kwargs: Any) -> MockConfigEntry:
    """An entry for a device; not set up, so it sends nothing."""
    kwargs.setdefault("data", {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port})
    return MockConfigEntry(domain=DOMAIN, unique_id=serial, title=serial, **kwargs)


def _schema(result: ConfigFlowResult) -> vol.Schema:
    schema = result["data_schema"]
    assert schema is not None
    return schema


def _options(result: ConfigFlowResult) -> list[str]:
    """The values offered by the device picker."""
    selector = next(iter(_schema(result).schema.values()))
    return [option["value"] for option in selector.config["options"]]


def _suggested_host(result: ConfigFlowResult) -> str:
    """The address pre-filled in a host form."""
    key = next(iter(_schema(result).schema))
    return str(key.description["suggested_value"])


def _entries(hass: HomeAssistant) -> dict[str | None, ConfigEntry]:
    """Unique id -> entry of every (not ignored) lifx_lan entry."""
    return {
        entry.unique_id: entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.source != SOURCE_IGNORE
    }


async def _start(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, source: str, data: Any = None
) -> ConfigFlowResult:
    """Start a config flow from a source and run its first step."""
    init = hass.config_entries.flow.async_init(DOMAIN, context={"source": source}, data=data)
    return await _run(hass, freezer, init)


async def _start_user(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> ConfigFlowResult:
    return await _start(hass, freezer, SOURCE_USER)


async def _configure(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    result: ConfigFlowResult,
    data: dict[str, Any],
) -> ConfigFlowResult:
    """Submit a form of the flow and run the step."""
    return await _run(
        hass, freezer, hass.config_entries.flow.async_configure(result["flow_id"], data)
    )


async def _manual_form(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> ConfigFlowResult:
    """The manual form, reached by scanning and then picking "manual" if anything was found."""
    result = await _start_user(hass, freezer)
    if result["step_id"] == "user":
        result = await _configure(hass, freezer, result, {"devices": ["manual"]})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    return result


# User step: the scan and the device picker.


async def test_user_step_offers_only_devices_not_yet_configured(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB, label="Kitchen")
    fleet.add("strip", STRIP, label="Hallway")
    fleet.add("white_bulb", WHITE, label="Bedroom")
    _configured(WHITE, fleet).add_to_hass(hass)

    result = await _start_user(hass, freezer)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    assert result["description_placeholders"] == {"count": "2"}
    assert _options(result) == [BULB, STRIP, "manual"]


def _labels(result: ConfigFlowResult) -> list[str]:
    """The lines the device picker shows, manual entry aside."""
    selector = next(iter(_schema(result).schema.values()))
    return [option["label"] for option in selector.config["options"]][:-1]


async def test_pick_list_names_each_device_by_its_label_and_model(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB, label="Kitchen")
    fleet.add("white_bulb", WHITE, label="Bedroom")
    fleet.add("strip", STRIP, label="")  # never named in the LIFX app: its model alone

    result = await _start_user(hass, freezer)

    assert _labels(result) == [
        f"Kitchen — LIFX A19 ({BULB}, 127.0.0.1)",
        f"Bedroom — LIFX Mini White to Warm ({WHITE}, 127.0.0.1)",
        f"LIFX Z ({STRIP}, 127.0.0.1)",
    ]
    # The line is only what the user reads: picking still adds the device it names.
    result = await _configure(hass, freezer, result, {"devices": [WHITE]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Bedroom"


async def test_pick_list_does_not_wait_long_for_devices_that_do_not_say_their_name(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB, label="Kitchen")
    # Twenty devices answer the scan, then nothing: asked four at a time, with a
    # deadline each, they would hold the list for longer than a user waits.
    silent = [f"d073d5001{i:03x}" for i in range(20)]
    for serial in silent:
        fleet.add("strip", serial, label="Hallway")
    fleet.faults.append(
        lambda device, pkt_type, is_reply: (
            device.serial in silent
            and pkt_type not in (m.DeviceGetService.pkt_type, m.DeviceStateService.pkt_type)
        )
    )
    started = hass.loop.time()

    result = await _start_user(hass, freezer)

    assert hass.loop.time() - started <= DISCOVERY_TIMEOUT + PICK_NAMING_DEADLINE + 1
    assert _labels(result) == [
        f"Kitchen — LIFX A19 ({BULB}, 127.0.0.1)",
        *(f"{serial} (127.0.0.1)" for serial in silent),
    ]


async def test_picking_several_devices_creates_an_entry_for_each(
    hass: HomeAssistant,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    fleet.add("color_bulb", BULB, label="Kitchen")
    fleet.add("strip", STRIP, label="")  # unnamed: titled after its product
    fleet.add("white_bulb", WHITE, label="Bedroom")
    result = await _start_user(hass, freezer)

    result = await _configure(hass, freezer, result, {"devices": [STRIP, BULB]})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "LIFX Z"
    entries = _entries(hass)
    assert set(entries) == {BULB, STRIP}
    assert entries[STRIP].title == "LIFX Z"
    assert entries[BULB].title == "Kitchen"
    for serial in (BULB, STRIP):
        assert entries[serial].data == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}
        assert entries[serial].state is ConfigEntryState.LOADED
        assert device_registry.async_get_device(identifiers={(DOMAIN, serial)}) is not None
    assert hass.config_entries.flow.async_progress() == []


async def test_picked_devices_replace_their_ignored_entries(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    # Ignored devices are offered again by the user step, like Home Assistant does.
    fleet.add("color_bulb", BULB, label="Kitchen")
    fleet.add("strip", STRIP, label="Hallway")
    for serial in (BULB, STRIP):
        _configured(serial, fleet, source=SOURCE_IGNORE, data={}).add_to_hass(hass)
    result = await _start_user(hass, freezer)
    assert _options(result) == [BULB, STRIP, "manual"]

    result = await _configure(hass, freezer, result, {"devices": [BULB, STRIP]})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    entries = hass.config_entries.async_entries(DOMAIN)
    assert sorted((e.unique_id, e.title, e.source) for e in entries) == [
        (BULB, "Kitchen", SOURCE_USER),
        (STRIP, "Hallway", "picked"),
    ]


async def test_a_picked_device_that_stopped_answering_is_not_added(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    bulb = fleet.add("color_bulb", BULB, label="Kitchen")
    strip = fleet.add("strip", STRIP, label="Hallway")
    result = await _start_user(hass, freezer)
    bulb.online = False
    strip.online = False

    result = await _configure(hass, freezer, result, {"devices": [BULB, STRIP]})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    assert _entries(hass) == {}


async def test_only_the_picked_devices_that_answer_are_added(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB, label="Kitchen")
    strip = fleet.add("strip", STRIP, label="Hallway")
    result = await _start_user(hass, freezer)
    strip.online = False

    result = await _configure(hass, freezer, result, {"devices": [BULB, STRIP]})

    # The strip's own flow aborted (cannot_connect); the form reports the first device.
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen"
    assert list(_entries(hass)) == [BULB]
    assert hass.config_entries.flow.async_progress() == []


@pytest.mark.parametrize("picked", [["manual"], [BULB, "manual"], []])
async def test_picking_manual_shows_the_manual_form(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory, picked: list[str]
) -> None:
    fleet.add("color_bulb", BULB)
    result = await _start_user(hass, freezer)

    result = await _configure(hass, freezer, result, {"devices": picked})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    assert result["errors"] == {}
    assert _entries(hass) == {}


async def test_no_devices_found_shows_the_manual_form_with_an_error(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    result = await _start_user(hass, freezer)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "no_devices_found"}

    # The device is switched on and typed in: the error is gone and it is added.
    fleet.add("color_bulb", BULB, label="Kitchen")
    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{fleet.port}"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen"


async def test_only_configured_devices_found_is_no_devices_found(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB)
    _configured(BULB, fleet).add_to_hass(hass)

    result = await _start_user(hass, freezer)

    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "no_devices_found"}


@pytest.mark.usefixtures("dead_socket")
async def test_failed_scan_shows_the_manual_form(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB)

    result = await _start_user(hass, freezer)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "no_devices_found"}
    assert fleet.raw_received == []


# Manual step: a device typed in by address.


async def test_manual_host_and_port_adds_the_device(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    result = await _manual_form(hass, freezer)
    fleet.add("color_bulb", BULB, label="Kitchen")

    result = await _configure(hass, freezer, result, {CONF_HOST: f" 127.0.0.1:{fleet.port} "})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen"
    assert result["data"] == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}
    entry = _entries(hass)[BULB]
    assert entry.source == SOURCE_USER
    assert entry.state is ConfigEntryState.LOADED


async def test_manual_host_name_is_resolved_to_the_device_address(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    # Devices answer from an IP address; a name is looked up (here in /etc/hosts).
    result = await _manual_form(hass, freezer)
    fleet.add("color_bulb", BULB, label="Kitchen")

    result = await _configure(hass, freezer, result, {CONF_HOST: f"localhost:{fleet.port}"})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}
    assert _entries(hass)[BULB].state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    "host",
    [
        "not a host!",
        "",
        "   ",
        "::1",
        "fe80::1",
        "2001:db8::",
        "[::1]:56700",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        ":56700",
        "127.0.0.1:port",
        # Digits to str.isdigit() that int() refuses, and digits of other scripts.
        "192.0.2.1:\u00b2",
        "127.0.0.1:\u0665\u0666\u0667\u0660\u0660",
        "\u0661\u0662\u0667.0.0.1",
        "127.0.0.1:+1",
        "127.0.0.1:-1",
        "127.0.0.1: 56700",
        "127.0.0.1 :56700",
        "127.0.0.1:",
        "127.0.0.1:56700:56700",
        "::1:56700",
        "my bulb",
        "local\nhost",
        "\u212aitchen",  # KELVIN SIGN, a letter only to case-insensitive Unicode matching
        "k\u00fcche.local",
        "1.2.3",
        "999.0.0.1",
        "-bulb.local",
        "a" * 64,
    ],
)
async def test_manual_rejects_what_is_not_an_ipv4_address_or_host_name(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory, host: str
) -> None:
    result = await _manual_form(hass, freezer)
    fleet.raw_received.clear()

    result = await _configure(hass, freezer, result, {CONF_HOST: host})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    assert _suggested_host(result) == host
    assert fleet.raw_received == []


# What people type, and what they mistype: digits of every kind, separators and spaces.
HOST_CHARACTERS = st.sampled_from(
    [*"0123456789.:-[]%+ \t\nabzAZ", "\u00b2", "\u0665", "\u212a", "\u00fc", "\uff11"]
)
HOST_TEXT = st.one_of(
    st.text(),
    st.text(HOST_CHARACTERS, max_size=30),
    st.builds(lambda host, port: f"{host}:{port}", st.ip_addresses(v=4), st.text(HOST_CHARACTERS)),
)
PROPERTY = settings(
    max_examples=500,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(text=HOST_TEXT)
def test_host_parsing_never_raises_and_gives_only_an_ascii_host_and_a_real_port(text: str) -> None:
    # The manual and reconfigure forms must answer invalid_host, never "Unknown error".
    target = parse_host(text)

    if target is not None:
        host, port = target
        assert 0 < port <= 0xFFFF
        assert host.isascii()
        assert host
        assert not any(character.isspace() or character == ":" for character in host)


@PROPERTY
@given(address=st.ip_addresses(v=4), port=st.integers(1, 0xFFFF))
def test_host_parsing_accepts_every_ipv4_address_with_or_without_a_port(
    address: IPv4Address, port: int
) -> None:
    assert parse_host(f"{address}:{port}") == (str(address), port)
    assert parse_host(f" {address} ") == (str(address), LIFX_PORT)


async def test_manual_nobody_answering_is_cannot_connect(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB, online=False)
    result = await _manual_form(hass, freezer)

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{fleet.port}"})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    assert result["errors"] == {"base": "cannot_connect"}
    assert fleet.raw_received  # it was asked, again and again
    assert _entries(hass) == {}


async def test_manual_failed_probe_is_cannot_connect(
    hass: HomeAssistant,
    fleet: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    result = await _manual_form(hass, freezer)
    fleet.add("color_bulb", BULB)
    fleet.raw_received.clear()
    client = await network.async_acquire()
    await client.close()

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{fleet.port}"})

    await network.async_release()
    assert result["errors"] == {"base": "cannot_connect"}
    assert fleet.raw_received == []


async def test_manual_device_answering_only_the_probe_aborts(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    result = await _manual_form(hass, freezer)
    fleet.add("color_bulb", BULB)
    # It answers GetService, then nothing: gone before it could be named.
    fleet.faults.append(
        lambda _device, pkt_type, is_reply: not is_reply and pkt_type != m.DeviceGetService.pkt_type
    )

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{fleet.port}"})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    assert _entries(hass) == {}


async def test_manual_already_configured_device_aborts_and_gets_the_new_address(
    hass: HomeAssistant,
    fleet: FakeFleet,
    other_fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = _configured(BULB, other_fleet)
    entry.add_to_hass(hass)
    fleet.add("color_bulb", BULB)
    result = await _manual_form(hass, freezer)

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{fleet.port}"})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}
    assert list(_entries(hass)) == [BULB]


async def test_manual_address_of_several_devices_offers_the_new_ones(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    # An emulator or a bridge: several devices behind one address.
    result = await _manual_form(hass, freezer)
    fleet.add("color_bulb", BULB, label="Kitchen")
    fleet.add("strip", STRIP, label="Hallway")
    fleet.add("white_bulb", WHITE, label="Bedroom")
    _configured(WHITE, fleet).add_to_hass(hass)

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{fleet.port}"})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert _options(result) == [BULB, STRIP, "manual"]
    assert result["description_placeholders"] == {"count": "2"}

    result = await _configure(hass, freezer, result, {"devices": [BULB, STRIP]})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    entries = _entries(hass)
    assert {serial: entry.title for serial, entry in entries.items()} == {
        WHITE: WHITE,
        BULB: "Kitchen",
        STRIP: "Hallway",
    }
    assert entries[STRIP].data == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}


async def test_manual_address_of_only_configured_devices_aborts(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    result = await _manual_form(hass, freezer)
    for kind, serial in (("color_bulb", BULB), ("strip", STRIP)):
        fleet.add(kind, serial)
        _configured(serial, fleet).add_to_hass(hass)

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{fleet.port}"})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def _submit_together(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, *forms: tuple[ConfigFlowResult, Any]
) -> list[ConfigFlowResult]:
    """Submit several flows' forms at once, as two browser tabs or two users can."""
    configure = hass.config_entries.flow.async_configure
    return await _run(
        hass, freezer, asyncio.gather(*(configure(form["flow_id"], data) for form, data in forms))
    )


def _assert_bulb_added_once(hass: HomeAssistant, caplog: pytest.LogCaptureFixture) -> None:
    """One entry for the bulb, no flow left over, and nothing for Home Assistant to report."""
    assert [entry.unique_id for entry in _entries(hass).values()].count(BULB) == 1
    assert hass.config_entries.flow.async_progress() == []
    assert "same unique ID" not in caplog.text


def _assert_one_created_one_aborted(results: list[ConfigFlowResult]) -> None:
    created, aborted = sorted(results, key=lambda r: r["type"] is FlowResultType.ABORT)
    assert created["type"] is FlowResultType.CREATE_ENTRY
    assert aborted["type"] is FlowResultType.ABORT
    assert aborted["reason"] in ("already_configured", "already_in_progress")


async def test_two_manual_flows_for_one_device_submitted_together_add_it_once(
    hass: HomeAssistant,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = await _manual_form(hass, freezer)
    second = await _manual_form(hass, freezer)
    fleet.add("color_bulb", BULB, label="Kitchen")
    host = {CONF_HOST: f"127.0.0.1:{fleet.port}"}

    results = await _submit_together(hass, freezer, (first, host), (second, host))

    _assert_one_created_one_aborted(results)
    _assert_bulb_added_once(hass, caplog)


async def test_a_device_picked_and_typed_in_at_the_same_time_is_added_once(
    hass: HomeAssistant,
    fleet: FakeFleet,
    other_fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The bulb answers the scan on one address and the typed-in probe on another, so the
    # typed address leads to it alone.
    fleet.add("color_bulb", BULB, label="Kitchen")
    other_fleet.add("color_bulb", BULB, label="Kitchen")
    pick_form = await _start_user(hass, freezer)
    manual_form = await _manual_form(hass, freezer)

    results = await _submit_together(
        hass,
        freezer,
        (pick_form, {"devices": [BULB]}),
        (manual_form, {CONF_HOST: f"127.0.0.1:{other_fleet.port}"}),
    )

    _assert_one_created_one_aborted(results)
    _assert_bulb_added_once(hass, caplog)


async def test_a_device_picked_second_and_typed_in_at_the_same_time_is_added_once(
    hass: HomeAssistant,
    fleet: FakeFleet,
    other_fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Picked second, the bulb is added by a flow of its own that the pick form starts.
    fleet.add("color_bulb", BULB, label="Kitchen")
    fleet.add("white_bulb", WHITE, label="Bedroom")
    other_fleet.add("color_bulb", BULB, label="Kitchen")
    pick_form = await _start_user(hass, freezer)
    manual_form = await _manual_form(hass, freezer)

    picked, _typed = await _submit_together(
        hass,
        freezer,
        (pick_form, {"devices": [WHITE, BULB]}),
        (manual_form, {CONF_HOST: f"127.0.0.1:{other_fleet.port}"}),
    )

    assert picked["type"] is FlowResultType.CREATE_ENTRY
    assert picked["title"] == "Bedroom"
    assert set(_entries(hass)) == {WHITE, BULB}
    _assert_bulb_added_once(hass, caplog)


# DHCP: a LIFX MAC address took an IP address.


def _dhcp(serial: str, ip: str = "127.0.0.1", mac: str | None = None) -> DhcpServiceInfo:
    """What Home Assistant's DHCP watcher hands over: the MAC in lower case, no colons."""
    return DhcpServiceInfo(ip=ip, hostname=f"lifx-{serial[-4:]}", macaddress=mac or serial)


async def test_dhcp_new_device_is_confirmed_then_added(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB, label="Kitchen")

    result = await _start(hass, freezer, SOURCE_DHCP, _dhcp(BULB))

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"] == {"name": "Kitchen", "host": "127.0.0.1"}
    (progress,) = hass.config_entries.flow.async_progress()
    assert progress["context"]["title_placeholders"] == {"name": "Kitchen"}
    assert progress["context"]["unique_id"] == BULB

    result = await _configure(hass, freezer, result, {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen"
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: fleet.port,
        CONF_MAC: "d0:73:d5:00:00:01",
    }
    assert _entries(hass)[BULB].state is ConfigEntryState.LOADED


async def test_dhcp_mac_of_a_new_device_shows_on_its_device(
    hass: HomeAssistant,
    fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    # From firmware 3.70 the Wi-Fi MAC is not the serial: it is what DHCP saw that counts.
    fleet.add("color_bulb", BULB, label="Kitchen")
    result = await _start(hass, freezer, SOURCE_DHCP, _dhcp(BULB, mac="d073d5abcdef"))

    result = await _configure(hass, freezer, result, {})

    entry = _entries(hass)[BULB]
    assert entry.data[CONF_MAC] == "d0:73:d5:ab:cd:ef"
    (device,) = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert device.connections == {(dr.CONNECTION_NETWORK_MAC, "d0:73:d5:ab:cd:ef")}


async def test_dhcp_mac_of_a_configured_device_shows_on_its_device(
    hass: HomeAssistant,
    add_device: AddDevice,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    entry, _ = await add_device("color_bulb")
    (device,) = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert device.connections == set()

    result = await _start(hass, freezer, SOURCE_DHCP, _dhcp(BULB, mac="d073d5abcdef"))
    await _run(hass, freezer, hass.async_block_till_done())

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_MAC] == "d0:73:d5:ab:cd:ef"
    (device,) = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert device.connections == {(dr.CONNECTION_NETWORK_MAC, "d0:73:d5:ab:cd:ef")}


async def test_dhcp_mac_of_an_address_several_devices_answer_at_is_given_to_none(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    # An emulator or a bridge: the MAC is the host's, not any one device's.
    fleet.add("color_bulb", BULB, label="Kitchen")
    fleet.add("strip", STRIP, label="Hallway")
    result = await _start(hass, freezer, SOURCE_DHCP, _dhcp(BULB, mac="d073d5abcdef"))

    result = await _configure(hass, freezer, result, {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_MAC not in result["data"]


async def test_dhcp_known_device_follows_it_without_reload(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    other_fleet: FakeFleet,
    network: LifxNetwork,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, fake = await add_device("color_bulb", power=65535)
    coordinator = entry.runtime_data
    # The bulb got another address (here: another port of the loopback).
    del fleet.devices[fake.target]
    moved = other_fleet.add("color_bulb", BULB, label="Color Bulb", power=65535)
    network.discovery_port = other_fleet.port

    result = await _start(hass, freezer, SOURCE_DHCP, _dhcp(BULB))
    await _run(hass, freezer, hass.async_block_till_done())

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: other_fleet.port,
        CONF_MAC: "d0:73:d5:00:00:01",
    }
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is coordinator  # not reloaded
    assert coordinator.device.address.port == other_fleet.port
    moved.received.clear()
    await advance(hass, freezer, DEFAULT_POLL_INTERVAL + 1)
    assert any(packet.pkt_type == m.LightGet.pkt_type for packet in moved.received)


async def test_dhcp_nobody_answering_aborts(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB, online=False)

    result = await _start(hass, freezer, SOURCE_DHCP, _dhcp(BULB))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    assert fleet.raw_received  # it was probed


@pytest.mark.usefixtures("dead_socket")
async def test_dhcp_failed_probe_aborts(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB)

    result = await _start(hass, freezer, SOURCE_DHCP, _dhcp(BULB))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


# Integration discovery: the background scan found a device.


async def _discover(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, serial: str, port: int
) -> ConfigFlowResult:
    """What the background scan starts for each device it finds."""
    found = {CONF_HOST: "127.0.0.1", CONF_PORT: port, CONF_SERIAL: serial}
    return await _start(hass, freezer, SOURCE_INTEGRATION_DISCOVERY, found)


async def test_discovered_new_device_is_confirmed_then_added(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("strip", STRIP, label="")

    result = await _discover(hass, freezer, STRIP, fleet.port)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    assert result["description_placeholders"] == {"name": "LIFX Z", "host": "127.0.0.1"}

    result = await _configure(hass, freezer, result, {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "LIFX Z"
    entry = _entries(hass)[STRIP]
    assert entry.source == SOURCE_INTEGRATION_DISCOVERY
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}
    assert entry.state is ConfigEntryState.LOADED


async def test_discovered_known_device_gets_its_new_address(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    other_fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, fake = await add_device("color_bulb")
    coordinator = entry.runtime_data
    del fleet.devices[fake.target]
    other_fleet.add("color_bulb", BULB)

    result = await _discover(hass, freezer, BULB, other_fleet.port)
    await _run(hass, freezer, hass.async_block_till_done())

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: other_fleet.port}
    assert entry.runtime_data is coordinator
    assert coordinator.device.address.port == other_fleet.port


async def test_second_discovery_of_a_device_waiting_for_confirmation_aborts(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB)
    for expected in (FlowResultType.FORM, FlowResultType.ABORT):
        result = await _discover(hass, freezer, BULB, fleet.port)
        assert result["type"] is expected
    assert result["reason"] == "already_in_progress"
    assert len(hass.config_entries.flow.async_progress()) == 1


async def test_discovered_device_not_answering_aborts(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB, online=False)

    result = await _discover(hass, freezer, BULB, fleet.port)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    assert _entries(hass) == {}


# Reconfigure: a new address for a configured device.


@pytest.mark.parametrize(("port", "shown"), [(LIFX_PORT, "192.0.2.7"), (56800, "192.0.2.7:56800")])
async def test_reconfigure_form_suggests_the_current_address(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, port: int, shown: str
) -> None:
    # Never set up, so nothing is sent to this documentation address.
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=BULB, data={CONF_HOST: "192.0.2.7", CONF_PORT: port}
    )
    entry.add_to_hass(hass)

    result = await _run(hass, freezer, entry.start_reconfigure_flow(hass))

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {}
    assert _suggested_host(result) == shown


async def test_reconfigure_to_the_same_device_at_a_new_address(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    other_fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, fake = await add_device("color_bulb")
    del fleet.devices[fake.target]
    other_fleet.add("color_bulb", BULB, label="Color Bulb")
    result = await _run(hass, freezer, entry.start_reconfigure_flow(hass))

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{other_fleet.port}"})
    await _run(hass, freezer, hass.async_block_till_done())

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: other_fleet.port}
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.device.address.port == other_fleet.port


async def test_reconfigure_finds_the_device_among_several_at_the_address(
    hass: HomeAssistant,
    add_device: AddDevice,
    fleet: FakeFleet,
    other_fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, fake = await add_device("strip")
    del fleet.devices[fake.target]
    other_fleet.add("color_bulb", BULB)
    other_fleet.add("strip", STRIP, label="Strip")
    other_fleet.add("white_bulb", WHITE)
    result = await _run(hass, freezer, entry.start_reconfigure_flow(hass))

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{other_fleet.port}"})
    await _run(hass, freezer, hass.async_block_till_done())

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: other_fleet.port}
    assert entry.state is ConfigEntryState.LOADED
    assert list(_entries(hass)) == [STRIP]


async def test_reconfigure_to_an_address_of_another_device_aborts(
    hass: HomeAssistant,
    add_device: AddDevice,
    other_fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry, _ = await add_device("color_bulb")
    before = dict(entry.data)
    other_fleet.add("strip", STRIP)
    other_fleet.add("white_bulb", WHITE)
    result = await _run(hass, freezer, entry.start_reconfigure_flow(hass))

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{other_fleet.port}"})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert entry.data == before
    assert entry.unique_id == BULB
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_to_a_device_waiting_for_confirmation_is_wrong_device(
    hass: HomeAssistant,
    add_device: AddDevice,
    other_fleet: FakeFleet,
    freezer: FrozenDateTimeFactory,
) -> None:
    # The background scan offered a new strip; the bulb is pointed at the strip's address.
    entry, _ = await add_device("color_bulb")
    other_fleet.add("strip", STRIP)
    discovery = await _discover(hass, freezer, STRIP, other_fleet.port)
    assert discovery["step_id"] == "discovery_confirm"
    result = await _run(hass, freezer, entry.start_reconfigure_flow(hass))

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{other_fleet.port}"})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    (progress,) = hass.config_entries.flow.async_progress()
    assert progress["flow_id"] == discovery["flow_id"]


async def test_reconfigure_rejects_an_invalid_host(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    entry = _configured(BULB, fleet)
    entry.add_to_hass(hass)
    result = await _run(hass, freezer, entry.start_reconfigure_flow(hass))

    result = await _configure(hass, freezer, result, {CONF_HOST: "fe80::1"})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    assert _suggested_host(result) == "fe80::1"
    assert fleet.raw_received == []


async def test_reconfigure_nobody_answering_is_cannot_connect(
    hass: HomeAssistant, fleet: FakeFleet, freezer: FrozenDateTimeFactory
) -> None:
    fleet.add("color_bulb", BULB, online=False)
    entry = _configured(BULB, fleet)
    entry.add_to_hass(hass)
    result = await _run(hass, freezer, entry.start_reconfigure_flow(hass))

    result = await _configure(hass, freezer, result, {CONF_HOST: f"127.0.0.1:{fleet.port}"})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {"base": "cannot_connect"}
    assert entry.data == {CONF_HOST: "127.0.0.1", CONF_PORT: fleet.port}


# Options: the poll interval.


async def test_options_poll_interval_is_saved_and_applied(
    hass: HomeAssistant, add_device: AddDevice
) -> None:
    entry, _ = await add_device("color_bulb")
    coordinator = entry.runtime_data
    assert coordinator.poll_every == DEFAULT_POLL_INTERVAL

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert _schema(result)({}) == {CONF_POLL_INTERVAL: DEFAULT_POLL_INTERVAL}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 42}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_POLL_INTERVAL: 42}
    assert isinstance(entry.options[CONF_POLL_INTERVAL], int)
    assert entry.runtime_data is coordinator
    assert coordinator.poll_every == 42

    # The next options form starts from the saved value.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert _schema(result)({}) == {CONF_POLL_INTERVAL: 42}


@pytest.mark.parametrize("interval", [1, 301])
async def test_options_reject_a_poll_interval_out_of_range(
    hass: HomeAssistant, add_device: AddDevice, interval: int
) -> None:
    entry, _ = await add_device("color_bulb")
    result = await hass.config_entries.options.async_init(entry.entry_id)

    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_POLL_INTERVAL: interval}
        )

    assert entry.options == {}
