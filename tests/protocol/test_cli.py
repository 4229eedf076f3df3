"""The debugging CLI: discover, state, power and color, with JSON output and clean errors."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import sys

import pytest

from custom_components.lifx_lan.protocol import make_hsbk
from custom_components.lifx_lan.protocol.__main__ import build_parser, main, parse_target, run
from devtools.fake_lifx import FakeFleet

ROOT = Path(__file__).resolve().parents[2]


async def cli(*argv: str) -> int:
    return await run(build_parser().parse_args(list(argv)))


async def test_discover_json_lists_serial_host_port_product_and_label(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fleet = await FakeFleet.start("0.0.0.0")
    try:
        fleet.add("color_bulb", "d073d5000001", label="Kitchen")
        fleet.add("strip", "d073d5000002", label="Shelf")
        code = await cli(
            "discover", "--broadcast", "127.255.255.255", "--port", str(fleet.port),
            "--timeout", "0.3", "--json",
        )  # fmt: skip
    finally:
        fleet.close()
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {"serial": "d073d5000001", "host": "127.0.0.1", "port": fleet.port, "product_id": 27,
         "label": "Kitchen"},
        {"serial": "d073d5000002", "host": "127.0.0.1", "port": fleet.port, "product_id": 32,
         "label": "Shelf"},
    ]  # fmt: skip


async def test_discover_plain_text(capsys: pytest.CaptureFixture[str], fleet: FakeFleet) -> None:
    fleet.add("color_bulb", "d073d5000001", label="Kitchen")
    fleet.add("color_bulb", "d073d5000002", online=False)
    code = await cli("discover", "--broadcast", "127.0.0.1", "--port", str(fleet.port),
                     "--timeout", "0.2")  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "d073d5000001" in out
    assert "'Kitchen'" in out
    assert "1 device(s) found" in out


async def test_state_json(capsys: pytest.CaptureFixture[str], fleet: FakeFleet) -> None:
    fleet.add("color_bulb", "d073d5000001", label="Kitchen", power=65535,
              color=make_hsbk(hue=180, saturation=0.5, brightness=0.25, kelvin=4000))  # fmt: skip
    code = await cli("state", f"127.0.0.1:{fleet.port}", "--json")
    assert code == 0
    state = json.loads(capsys.readouterr().out)
    assert state == {
        "serial": "d073d5000001",
        "power": True,
        "hue": 180.0,
        "saturation": 0.5,
        "brightness": 0.25,
        "kelvin": 4000,
        "label": "Kitchen",
        "product_id": 27,
        "product_name": "LIFX A19",
        "firmware": "3.70",
    }


async def test_state_text_with_serial(capsys: pytest.CaptureFixture[str], fleet: FakeFleet) -> None:
    fleet.add("color_bulb", "d073d5000001", label="One")
    fleet.add("color_bulb", "d073d5000002", label="Two")
    code = await cli("state", f"127.0.0.1:{fleet.port}", "--serial", "D0:73:D5:00:00:02")
    assert code == 0
    assert "label: Two" in capsys.readouterr().out


async def test_several_devices_at_one_address_need_a_serial(fleet: FakeFleet) -> None:
    fleet.add("color_bulb", "d073d5000001")
    fleet.add("color_bulb", "d073d5000002")
    with pytest.raises(Exception, match="pick one with --serial"):
        await cli("state", f"127.0.0.1:{fleet.port}")


async def test_power_and_color_are_acknowledged(fleet: FakeFleet) -> None:
    device = fleet.add("color_bulb", "d073d5000001")
    target = f"127.0.0.1:{fleet.port}"
    assert await cli("power", target, "on", "--duration", "1") == 0
    assert device.power == 65535
    assert await cli("color", target, "--hue", "120", "--saturation", "1") == 0
    assert device.color.hue == make_hsbk(hue=120).hue
    assert device.color.saturation == 65535
    assert device.color.kelvin == 3500  # kept from before
    assert await cli("color", target, "--brightness", "0.5", "--kelvin", "2700") == 0
    assert device.color.kelvin == 2700
    assert await cli("power", target, "--serial", "d073d5000001", "off") == 0
    assert device.power == 0


def test_timeouts_exit_1_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["state", "127.0.0.1:9", "--timeout", "0.1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no LIFX device answered")
    assert err.count("\n") == 1
    assert main(["power", "127.0.0.1:9", "--serial", "d073d5000001", "on", "--timeout", "0.1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no reply")
    assert "Traceback" not in err


def test_parse_target() -> None:
    assert parse_target("10.0.0.5") == ("10.0.0.5", 56700)
    assert parse_target("10.0.0.5:1234") == ("10.0.0.5", 1234)


async def test_module_runs_as_a_program(fleet: FakeFleet) -> None:
    fleet.add("color_bulb", "d073d5000001", label="Sub")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "custom_components.lifx_lan.protocol",
        "state", f"127.0.0.1:{fleet.port}", "--json", "--timeout", "5",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert json.loads(out)["label"] == "Sub"


@pytest.mark.parametrize("host", ["localhost", "127.1"], ids=["host_name", "short_ip"])
async def test_target_may_be_a_host_name_or_any_form_of_ipv4_address(
    capsys: pytest.CaptureFixture[str], fleet: FakeFleet, host: str
) -> None:
    fleet.add("color_bulb", "d073d5000001", label="Named")
    code = await cli("state", f"{host}:{fleet.port}", "--json", "--timeout", "2")
    assert code == 0
    assert json.loads(capsys.readouterr().out)["label"] == "Named"


async def test_target_host_name_with_a_serial_is_answered(
    capsys: pytest.CaptureFixture[str], fleet: FakeFleet
) -> None:
    fleet.add("color_bulb", "d073d5000001", label="Named")
    code = await cli(
        "state", f"localhost:{fleet.port}", "--serial", "d073d5000001", "--timeout", "2"
    )
    assert code == 0
    assert "label: Named" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["state", "nosuch.invalid", "--timeout", "0.1"],
        ["power", "nosuch.invalid", "--serial", "d073d5000001", "on", "--timeout", "0.1"],
        ["discover", "--broadcast", "nosuch.invalid", "--timeout", "0.1"],
        ["discover", "--broadcast", "not an address", "--timeout", "0.1"],
    ],
    ids=["state", "power_with_serial", "discover_broadcast_name", "discover_broadcast_garbage"],
)
def test_a_name_that_does_not_resolve_is_one_error_line(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: cannot resolve ")
    assert captured.err.count("\n") == 1
    assert "device(s) found" not in captured.out


BAD_OPTIONS = {
    "timeout_nan": (["state", "bulb", "--timeout", "nan"], "--timeout", "3600"),
    "timeout_inf": (["discover", "--timeout", "inf"], "--timeout", "3600"),
    "timeout_huge": (["state", "bulb", "--timeout", "1e308"], "--timeout", "3600"),
    "timeout_negative": (["state", "bulb", "--timeout", "-1"], "--timeout", "3600"),
    "timeout_zero": (["discover", "--timeout", "0"], "--timeout", "3600"),
    "hue_nan": (["color", "bulb", "--hue", "nan"], "--hue", "360"),
    "hue_inf": (["color", "bulb", "--hue", "inf"], "--hue", "360"),
    "hue_negative": (["color", "bulb", "--hue", "-1"], "--hue", "360"),
    "hue_above_360": (["color", "bulb", "--hue", "361"], "--hue", "360"),
    "saturation_nan": (["color", "bulb", "--saturation", "nan"], "--saturation", "1"),
    "saturation_above_1": (["color", "bulb", "--saturation", "1.5"], "--saturation", "1"),
    "brightness_inf": (["color", "bulb", "--brightness", "inf"], "--brightness", "1"),
    "brightness_negative": (["color", "bulb", "--brightness", "-0.1"], "--brightness", "1"),
    "kelvin_low": (["color", "bulb", "--kelvin", "1000"], "--kelvin", "9000"),
    "kelvin_high": (["color", "bulb", "--kelvin", "10000"], "--kelvin", "9000"),
    "color_duration_nan": (["color", "bulb", "--duration", "nan"], "--duration", "4294967"),
    "power_duration_inf": (["power", "bulb", "on", "--duration", "inf"], "--duration", "4294967"),
    "power_fade_below_0": (["power", "bulb", "on", "--duration", "-1"], "--duration", "4294967"),
    "color_duration_huge": (["color", "bulb", "--duration", "1e10"], "--duration", "4294967"),
    "discover_port_0": (["discover", "--port", "0"], "--port", "65535"),
    "discover_port_70000": (["discover", "--port", "70000"], "--port", "65535"),
    "discover_port_negative": (["discover", "--port", "-1"], "--port", "65535"),
    "discover_empty_broadcast": (["discover", "--broadcast", ""], "--broadcast", "address"),
    "target_port_0": (["state", "127.0.0.1:0"], "TARGET", "65535"),
    "target_port_not_a_number": (["state", "127.0.0.1:x"], "TARGET", "65535"),
    "target_without_host": (["state", ":56700"], "TARGET", "host"),
    "serial_not_hex": (["state", "bulb", "--serial", "nothex"], "--serial", "12 hex"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "option", "allowed"), BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys()
)
def test_bad_option_values_are_one_usage_error_line_naming_the_option_and_range(
    capsys: pytest.CaptureFixture[str], argv: list[str], option: str, allowed: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert option in err
    assert allowed in err


async def test_program_reports_a_bad_option_in_one_line_and_exits_2() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "custom_components.lifx_lan.protocol",
        "discover", "--port", "70000", "--timeout", "0.1",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 2
    assert out == b""
    assert err.decode() == "error: argument --port: must be a port from 1 to 65535, not '70000'\n"
