"""End to end: a real Home Assistant, emulated LIFX devices and a browser, without a network.

The module runs tests/e2e/driver.py once, as PID 1 of fresh network, PID and mount
namespaces (``unshare --net --pid --mount-proc --fork --kill-child``): the namespace has
only loopback, so neither Home Assistant nor Chromium can reach a real network, and when the
driver ends, or this process kills it, the kernel kills everything it started. Each test
then reports one of the driver's steps. Screenshots go to artifacts/e2e/ (or
$LIFX_E2E_ARTIFACTS).

Home Assistant installs integration requirements on first start; with no network it could
not, so devtools/ha_requirements.py installs them beforehand, outside the namespace.
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
from tests.e2e.hass import LATER_DOMAINS, REPO_ROOT, write_config

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
    # Outside the namespace, where PyPI is reachable: what HA would install on first start
    prepared = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "devtools" / "ha_requirements.py"),
            "--config",
            str(config),
            *(arg for domain in LATER_DOMAINS for arg in ("--domain", domain)),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )
    assert prepared.returncode == 0, (
        f"installing Home Assistant's requirements failed:\n{prepared.stdout}{prepared.stderr}"
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
