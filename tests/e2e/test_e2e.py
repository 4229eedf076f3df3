"""End to end: a real Home Assistant, emulated LIFX devices and a browser, without a network.

The module runs tests/e2e/driver.py once, as PID 1 of fresh network, PID and mount
namespaces (``unshare --net --pid --mount-proc --fork --kill-child``): the namespace has
only loopback, so neither Home Assistant nor Chromium can reach a real network, and when the
driver ends, or this process kills it, the kernel kills everything it started. Each test
then reports one of the driver's steps. Screenshots go to artifacts/e2e/ (or
$LIFX_E2E_ARTIFACTS).

Home Assistant installs integration requirements on first start; with no network it could
not, so scripts/setup installs them beforehand (devtools/ha_requirements.py), and the
development configuration of scripts/develop is started here without a network too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
from typing import Any

import pytest

from devtools.emulator.process import EmulatorUnavailable, emulator_python
from tests.e2e.driver import STEP_NAMES
from tests.e2e.hass import REPO_ROOT, write_config

UNSHARE = ["unshare", "--net", "--pid", "--mount-proc", "--fork", "--kill-child"]
# The driver's own steps are bounded; this only catches a driver that hangs outright
DRIVER_TIMEOUT = 420


def _artifacts() -> Path:
    return Path(os.environ.get("LIFX_E2E_ARTIFACTS", REPO_ROOT / "artifacts" / "e2e"))


def _namespaces_unavailable() -> str | None:
    """Why namespaces cannot be made here, or None when they can."""
    if shutil.which("unshare") is None:
        return "the unshare command (util-linux) is missing"
    probe = subprocess.run([*UNSHARE, "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"unshare is not permitted here: {probe.stderr.strip()}"
    return None


@pytest.fixture(scope="module")
def e2e(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the driver once for the module; its JSON result."""
    if reason := _namespaces_unavailable():
        pytest.skip(f"end-to-end tests need network namespaces: {reason}")
    try:
        emulator_python()
    except EmulatorUnavailable as err:
        pytest.skip(str(err))
    work = tmp_path_factory.mktemp("e2e")
    config = work / "config"
    write_config(config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE")}
    # What Home Assistant would install on its first start: scripts/setup installed it, so
    # that it starts in a namespace without a network (and so does scripts/develop offline).
    prepared = subprocess.run(
        [
            sys.executable,
            "-m",
            "devtools.ha_requirements",
            "--config",
            str(config),
            "--check",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=REPO_ROOT,
        timeout=600,
    )
    assert prepared.returncode == 0, (
        "Home Assistant's requirements are missing (scripts/setup installs them):\n"
        f"{prepared.stdout}{prepared.stderr}"
    )
    artifacts = _artifacts()
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    result_file = work / "result.json"
    try:
        run = subprocess.run(
            [
                *UNSHARE,
                sys.executable,
                "-m",
                "tests.e2e.driver",
                "--config",
                str(config),
                "--artifacts",
                str(artifacts),
                "--result",
                str(result_file),
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=DRIVER_TIMEOUT,
        )
    except subprocess.TimeoutExpired as err:
        # subprocess.run killed unshare, and --kill-child took the namespace with it
        output = err.stdout.decode() if isinstance(err.stdout, bytes) else err.stdout
        pytest.fail(f"the end-to-end driver hung for {DRIVER_TIMEOUT} s:\n{output}")
    # Home Assistant's log is worth keeping next to the screenshots
    for name in ("home-assistant.log", "automations.yaml"):
        if (config / name).exists():
            shutil.copy(config / name, artifacts / name)
    (artifacts / "driver.log").write_text(run.stdout + run.stderr)
    if not result_file.exists():
        pytest.fail(
            f"the driver wrote no result (exit {run.returncode}):\n{run.stdout}{run.stderr}"
        )
    result: dict[str, Any] = json.loads(result_file.read_text())
    result["output"] = run.stdout + run.stderr
    return result


@pytest.mark.parametrize("step", STEP_NAMES)
def test_step(e2e: dict[str, Any], step: str) -> None:
    """One step of the driver: what it proved, or why it failed."""
    found = [s for s in e2e["steps"] if s["name"] == step]
    assert found, f"the driver did not report {step}:\n{e2e['output'][-3000:]}"
    outcome = found[0]
    if outcome["status"] == "skipped":
        pytest.skip(outcome["detail"])
    assert outcome["status"] == "passed", f"{step}: {outcome['detail']}"


OFFLINE_START = """
import subprocess, sys, time, urllib.request
hass = subprocess.Popen([sys.executable, "-m", "homeassistant", "-c", sys.argv[1]],
                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
deadline = time.monotonic() + 240
try:
    while time.monotonic() < deadline:
        if hass.poll() is not None:
            sys.exit(f"Home Assistant exited with {hass.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[2]}/manifest.json", timeout=5):
                print("answered")
                break
        except OSError:
            time.sleep(1)
    else:
        sys.exit("Home Assistant did not answer within 240 s")
finally:
    hass.terminate()
    hass.wait(60)
"""


def test_develop_home_assistant_starts_without_a_network(tmp_path: Path) -> None:
    """scripts/develop's Home Assistant, in a namespace with only loopback, installs nothing."""
    if reason := _namespaces_unavailable():
        pytest.skip(f"needs network namespaces: {reason}")
    config = tmp_path / "config"
    port = "18123"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV_CORE")}
    subprocess.run(
        [sys.executable, "-m", "devtools.ha_config", "--config", str(config), "--port", port],
        cwd=REPO_ROOT,
        check=True,
        env=env,
        timeout=120,
    )
    run = subprocess.run(
        [*UNSHARE, "sh", "-c", 'ip link set lo up && exec "$0" -c "$1" "$2" "$3"',
         sys.executable, OFFLINE_START, str(config), port],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
    )  # fmt: skip
    log = (
        (config / "home-assistant.log").read_text()
        if (config / "home-assistant.log").exists()
        else ""
    )
    assert run.returncode == 0, f"{run.stdout}{run.stderr}\n{log[-3000:]}"
    assert "Unable to install package" not in log
    assert "failed to initialize" not in log
