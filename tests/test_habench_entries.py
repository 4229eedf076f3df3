"""The Home Assistant bench sets core lifx up as each core's own config flow would."""

from __future__ import annotations

from pathlib import Path

from custom_components.lifx_lan.protocol import messages as m
from devtools.fake_lifx import PROFILES, FakeDevice
from devtools.habench.fleet import Bulb, fleet_plan
from devtools.habench.hass import (
    Integration,
    core_entry_version,
    core_requirements,
    ha_version,
    pinned_ha_version,
)

BULB = {"serial": "d073d5ba0001", "host": "127.42.0.2", "label": "Bench 002"}


def test_core_on_aiolifx_gets_version_1_entries_keyed_by_a_mac() -> None:
    entry = Integration("core", "lifx", "core lifx", "127.42", "127.46", Path("/x")).entry(BULB)
    assert entry["version"] == 1
    assert entry["unique_id"] == "d0:73:d5:ba:00:01"
    assert entry["data"] == {"host": "127.42.0.2"}


def test_core_on_lifx_async_gets_version_2_entries_keyed_by_the_raw_serial() -> None:
    core = Integration("core", "lifx", "core lifx", "127.42", "127.46", Path("/x"), entry_version=2)
    entry = core.entry(BULB)
    assert entry["version"] == 2
    assert entry["unique_id"] == "d073d5ba0001"
    assert entry["data"] == {"host": "127.42.0.2", "serial": "d073d5ba0001"}


def test_lifx_lan_entries_do_not_depend_on_cores_version() -> None:
    entry = Integration("lifx_lan", "lifx_lan", "lifx_lan", "127.43", "127.47").entry(BULB)
    assert (entry["version"], entry["unique_id"]) == (1, "d073d5ba0001")
    assert entry["data"] == {"host": "127.42.0.2", "port": 56700}


def test_core_entry_version_is_read_from_the_running_home_assistant() -> None:
    # Core on aiolifx (the pinned 2025.4.4, ...) makes version 1 entries; core on
    # lifx-async (2026.11) version 2
    on_lifx_async = any(r.startswith("lifx-async==") for r in core_requirements())
    assert core_entry_version() == (2 if on_lifx_async else 1)
    if ha_version() == pinned_ha_version():
        assert core_entry_version() == 1


def test_fake_bulb_answers_the_wifi_firmware_query_lifx_async_needs() -> None:
    device = FakeDevice(serial="d073d5ba0001", profile=PROFILES["color_bulb"])
    (reply,) = device.handle(m.DeviceGetWifiFirmware(), 56700)
    assert isinstance(reply, m.DeviceStateWifiFirmware)


def test_bench_bulbs_are_in_no_group_so_no_area_names_their_lights() -> None:
    (spec,) = fleet_plan(1, prefix="127.46")
    bulb = Bulb(**spec)
    try:
        (reply,) = bulb.device.handle(m.DeviceGetGroup(), 56700)
    finally:
        bulb.sock.close()
    assert isinstance(reply, m.DeviceStateGroup)
    assert reply.label.rstrip(b"\0") == b""
