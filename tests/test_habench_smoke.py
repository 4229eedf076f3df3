"""scripts/bench --ha runs end to end on five bulbs (it proves the bench works, not speed)."""

from __future__ import annotations

import json
import os
from pathlib import Path
import subprocess

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The Python of the Home Assistant to bench: the pinned one in .venv, or (scripts/test-latest)
# the newest one in its chroot, with Home Assistant's constraints for core's requirements
VENV_PYTHON = Path(os.environ.get("LIFX_HABENCH_PYTHON", ROOT / ".venv" / "bin" / "python"))
CONSTRAINTS = os.environ.get("LIFX_HABENCH_CONSTRAINTS")
# The Home Assistant version that Python must have (scripts/test-latest names it)
EXPECTED_HA = os.environ.get("LIFX_HABENCH_HA_VERSION")
# What scripts/bench --ha runs once scripts/setup is done (as it is before any test runs);
# not scripts/bench itself, whose setup step would reinstall a shared .venv stamped by
# another checkout.
BENCH = (
    str(VENV_PYTHON),
    "-m",
    "devtools.habench",
    *(("--constraints", CONSTRAINTS) if CONSTRAINTS else ()),
)
EXIT_NO_CORE = 3  # --setup-only: core's requirements would not install
INTEGRATIONS = ("core", "lifx_lan")
# What needs a bulb to go unavailable first: the smoke waits 30 s for that, which is enough
# for lifx_lan (two missed polls) but not for core (90 s), so only lifx_lan's are checked
UNAVAILABILITY = ("unplugged_to_unavailable_s", "unplugged_back_p50_s", "unplugged_back_worst_s")


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _run(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    # Under pytest-cov, children would inherit its subprocess coverage hooks
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE_")}
    return subprocess.run(
        [*BENCH, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def core_installed() -> None:
    """Install core lifx's requirements apart, or skip when that cannot be done here."""
    try:
        usable = subprocess.run([str(VENV_PYTHON), "-c", ""], check=False).returncode == 0
    except OSError:
        usable = False
    if not usable:
        # As under scripts/test-latest: the project's .venv does not run in that chroot
        pytest.skip(f"the bench runs in the project's {VENV_PYTHON}, which cannot run here")
    setup = _run("--setup-only", timeout=600)
    if setup.returncode == EXIT_NO_CORE:
        pytest.skip(f"core lifx's requirements cannot be installed:\n{_tail(setup.stderr, 10)}")
    assert setup.returncode == 0, _tail(setup.stderr)


def test_ha_bench_smoke(core_installed: None, tmp_path: Path) -> None:
    """Every measurement runs for both integrations and gives a figure in its range."""
    figures = tmp_path / "figures.json"
    report = tmp_path / "report.md"
    result = _run("--smoke", "--json", str(figures), "--output", str(report), timeout=300)
    assert result.returncode == 0, _tail(result.stderr)
    record = json.loads(figures.read_text())
    if EXPECTED_HA is not None:
        assert record["ha_version"] == EXPECTED_HA
    runs = record["results"]
    for integration in INTEGRATIONS:
        (run,) = runs[integration]
        missing = [key for key, value in run.items() if value is None]
        assert missing == [], (integration, missing)
        assert 0 < run["startup_s"] < 60
        assert run["poll_cpu_pct"] >= 0
        # Over a poll round (11 s and a little), each bulb was asked at least once
        assert run["poll_datagrams_per_device_min"] >= 60 / 12
        assert 0 < run["latency_first_p50_ms"] <= run["latency_first_p99_ms"]
        assert 0 < run["latency_return_p50_ms"] <= run["latency_return_p99_ms"]
        # The bulb receives the command before the call can return (it waits for the ack)
        assert run["latency_first_p50_ms"] < run["latency_return_p50_ms"]
        assert run["command_datagrams_per_call"] >= 1
        assert run["group_missed"] == 0
        assert 0 <= run["group_spread_p50_ms"] <= run["group_spread_worst_ms"]
        assert run["unplugged_datagrams_per_bulb_min"] >= 0
        assert run["slow_datagrams_per_command"] >= 1
        assert run["memory_kib_per_device"] > 0
    lifx_lan = runs["lifx_lan"][0]
    assert all(key in lifx_lan for key in UNAVAILABILITY)
    assert 0 < lifx_lan["unplugged_to_unavailable_s"] < 30
    assert 0 <= lifx_lan["unplugged_back_p50_s"] <= lifx_lan["unplugged_back_worst_s"]
    # The table has a row per figure, each integration a column, and the ratio
    text = report.read_text()
    assert "| Figure | Unit | core lifx (" in text
    assert "| Start-up: Home Assistant start to every light available | s |" in text
    # The smoke run never writes the published results
    assert "bench-results.md" not in result.stderr
