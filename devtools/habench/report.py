"""The Home Assistant bench's table: each figure's median over runs, its range, the ratio.

Each Home Assistant release line the bench runs on has its own section between its own
two markers in bench-results.md (the pinned Home Assistant's ``habench``, the newest's
``habench-2026.11``, ...), so the library bench (scripts/bench) and each run of this one
(scripts/bench --ha, on the host and in scripts/test-latest's chroot) rewrite only their
own part.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
import statistics

# The pinned Home Assistant's section: the markers it has always had
PINNED_KEY = "habench"
_SECTIONS = re.compile(r"<!-- (habench[\w.-]*):start -->.*?<!-- \1:end -->", re.DOTALL)


def markers(key: str = PINNED_KEY) -> tuple[str, str]:
    """The start and end markers of one section."""
    return f"<!-- {key}:start -->", f"<!-- {key}:end -->"


START, END = markers()


def section_key(ha_version: str, pinned_version: str) -> str:
    """The section of a Home Assistant version: the pinned one's, else its release line's."""
    if ha_version == pinned_version:
        return PINNED_KEY
    return f"{PINNED_KEY}-{'.'.join(ha_version.split('.')[:2])}"


@dataclass(frozen=True, slots=True)
class Row:
    """One figure of the table."""

    key: str
    label: str
    unit: str
    digits: int


ROWS: tuple[Row, ...] = (
    Row("poll_cpu_pct", "Poll: Home Assistant CPU, {n} devices, every 10 s", "% of a core", 2),
    Row("poll_datagrams_per_device_min", "Poll: datagrams per device per minute", "/min", 1),
    Row("latency_first_p50_ms", "turn_on, one bulb: to first command datagram, p50", "ms", 2),
    Row("latency_first_p99_ms", "turn_on, one bulb: to first command datagram, p99", "ms", 2),
    Row("latency_return_p50_ms", "turn_on, one bulb: to call returned, p50", "ms", 2),
    Row("latency_return_p99_ms", "turn_on, one bulb: to call returned, p99", "ms", 2),
    Row("command_datagrams_per_call", "turn_on, one bulb: command datagrams per call", "", 2),
    Row("group_spread_p50_ms", "Light group of {n}: first to last bulb, p50 of actions", "ms", 2),
    Row("group_spread_worst_ms", "Light group of {n}: first to last bulb, worst action", "ms", 2),
    Row("group_missed", "Light group: bulbs that got no command (all actions)", "bulbs", 0),
    Row("scene_spread_p50_ms", "Scene of {n} lights: first to last bulb, p50 of actions", "ms", 2),
    Row("scene_spread_worst_ms", "Scene of {n} lights: first to last bulb, worst action", "ms", 2),
    Row("scene_missed", "Scene: bulbs that got no command (all actions)", "bulbs", 0),
    Row("startup_s", "Start-up: Home Assistant start to every light available", "s", 2),
    Row("memory_kib_per_device", "Memory of the integration per device (tracemalloc)", "KiB", 1),
    Row("unplugged_to_unavailable_s", "Unplugged 20 %: until unavailable, slowest bulb", "s", 1),
    Row("unplugged_datagrams_per_bulb_min", "Unplugged 20 %: datagrams per lost bulb", "/min", 2),
    Row("unplugged_back_p50_s", "Power back: until available, median bulb", "s", 1),
    Row("unplugged_back_worst_s", "Power back: until available, last bulb", "s", 1),
    Row(
        "poll_cpu_pct_large",
        "Poll: Home Assistant CPU, {large} devices, every 10 s",
        "% of a core",
        2,
    ),
    Row(
        "poll_datagrams_per_device_min_large",
        "Poll: datagrams per device per minute, {large} devices",
        "/min",
        1,
    ),
    Row("startup_s_large", "Start-up: every light available, {large} devices", "s", 2),
    Row(
        "memory_kib_per_device_large",
        "Memory of the integration per device, {large} devices",
        "KiB",
        1,
    ),
    Row(
        "slow_datagrams_per_command",
        "Bulbs answering after 150 ms: command datagrams per call",
        "",
        2,
    ),
)

type Runs = list[dict[str, float | None]]


def summary(runs: Runs, key: str) -> tuple[float, float, float, int] | None:
    """(median, min, max, runs with a value) of one figure, or None if no run had it."""
    values = [run[key] for run in runs if run.get(key) is not None]
    numbers = [value for value in values if value is not None]
    if not numbers:
        return None
    return statistics.median(numbers), min(numbers), max(numbers), len(numbers)


def _cell(found: tuple[float, float, float, int] | None, digits: int, runs: int) -> str:
    if found is None:
        return "n/a"
    median, low, high, count = found
    text = f"{median:,.{digits}f}"
    if count > 1:
        text += f" [{low:,.{digits}f}-{high:,.{digits}f}]"
    if count < runs:
        text += f" ({count} of {runs} runs)"
    return text


def _ratio(
    ours: tuple[float, float, float, int] | None, core: tuple[float, float, float, int] | None
) -> str:
    if ours is None or core is None or core[0] == 0:
        return "n/a"
    return f"{ours[0] / core[0]:.2f}x"


def table(results: dict[str, Runs], titles: dict[str, str], devices: int, large: int = 0) -> str:
    """Markdown: every figure, core and lifx_lan side by side, ratio lifx_lan / core.

    The rows of the large fleet (`large` devices) only when there was one.
    """
    runs = max(len(r) for r in results.values())
    lines = [
        f"| Figure | Unit | {titles['core']} | {titles['lifx_lan']} | lifx_lan / core |",
        "|---|---|---|---|---|",
    ]
    for row in ROWS:
        if "{large}" in row.label and not large:
            continue
        core = summary(results["core"], row.key)
        ours = summary(results["lifx_lan"], row.key)
        label = row.label.format(n=devices, large=large)
        lines.append(
            f"| {label} | {row.unit} | {_cell(core, row.digits, runs)} "
            f"| {_cell(ours, row.digits, runs)} | {_ratio(ours, core)} |"
        )
    return "\n".join(lines)


def merge_section(document: str, section: str, key: str = PINNED_KEY) -> str:
    """The document with the section of `key` replaced (or appended); the others kept."""
    start, end = markers(key)
    block = f"{start}\n{section.strip()}\n{end}"
    if start in document and end in document:
        before, rest = document.split(start, 1)
        return before + block + rest.split(end, 1)[1]
    return document.rstrip("\n") + "\n\n" + block + "\n"


def kept_section(document: str) -> str:
    """Every Home Assistant section of a document, markers included ('' if none)."""
    return "\n\n".join(found.group(0) for found in _SECTIONS.finditer(document))
