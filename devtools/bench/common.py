"""Plain data shared by the bench orchestrator and its workers: stdlib only.

Workers run in two interpreters (Home Assistant's venv for our client, the bench
venv for the peers), so nothing here may import a LIFX library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
import json
import math
import sys
from typing import Any, TextIO

PEERS: tuple[str, ...] = ("aiolifx", "lifx-async")
"""The other libraries compared with ours (installed in .venv-bench by scripts/bench)."""

CLIENTS: tuple[str, ...] = ("ours", *PEERS, "raw")
"""Every client the bench drives, in the order of the first run."""

KIND_BULB = "bulb"
KIND_STRIP = "strip"
KIND_TILE = "tile"
KIND_HEV = "hev"
KIND_SWITCH = "switch"

# What issue 6 asks the emulated fleet to hold, and the products standing in for it
FLEET_MIX: tuple[tuple[str, int, int, dict[str, Any]], ...] = (
    (KIND_BULB, 40, 27, {}),
    (KIND_STRIP, 4, 32, {"zones": 16}),
    (KIND_TILE, 2, 55, {"tiles": 5}),
    (KIND_HEV, 2, 90, {}),
    (KIND_SWITCH, 2, 70, {}),
)


@dataclass(frozen=True, slots=True)
class Dev:
    """One device as a worker sees it: serial (12 hex digits), address and kind."""

    serial: str
    host: str
    port: int
    kind: str

    @property
    def is_light(self) -> bool:
        """Whether the device answers LightGet (a switch does not)."""
        return self.kind != KIND_SWITCH

    def to_json(self) -> dict[str, Any]:
        """The JSON form sent to a worker."""
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Dev:
        """Read a device from the orchestrator's JSON."""
        return cls(str(raw["serial"]), str(raw["host"]), int(raw["port"]), str(raw["kind"]))


def fleet_serials(prefix: str = "d073d5b0") -> list[tuple[str, str, int, dict[str, Any]]]:
    """(serial, kind, product_id, extra spec) for the fleet of issue 6, bulbs first."""
    out: list[tuple[str, str, int, dict[str, Any]]] = []
    index = 0
    for kind, count, product_id, extra in FLEET_MIX:
        for _ in range(count):
            index += 1
            out.append((f"{prefix}{index:04x}", kind, product_id, extra))
    return out


def percentile(values: Sequence[float], fraction: float) -> float:
    """The fraction-th quantile with linear interpolation (numpy's default method)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def write_line(stream: TextIO, message: dict[str, Any]) -> None:
    """One JSON object per line: the only thing a worker ever writes to stdout."""
    stream.write(json.dumps(message, separators=(",", ":")) + "\n")
    stream.flush()


def log(text: str) -> None:
    """Progress for the person watching, on stderr so stdout stays machine-readable."""
    print(text, file=sys.stderr, flush=True)
