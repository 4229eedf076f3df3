"""bench-results.md holds two benches' sections: each rewrites its own, never the other's."""

from __future__ import annotations

from devtools.habench.report import END, START, kept_section, merge_section, summary, table

LIBRARY = "# lifx_lan benchmark results\n\nThe library bench's figures.\n"


def test_ha_section_is_appended_then_replaced_in_place() -> None:
    first = merge_section(LIBRARY, "## Home Assistant\nrun one")
    assert first.startswith(LIBRARY)
    assert first.endswith(f"{START}\n## Home Assistant\nrun one\n{END}\n")
    second = merge_section(first, "## Home Assistant\nrun two")
    assert second.startswith(LIBRARY)
    assert "run one" not in second
    assert second.count(START) == second.count(END) == 1


def test_library_bench_keeps_the_ha_section() -> None:
    document = merge_section(LIBRARY, "## Home Assistant\nkept")
    assert kept_section(document) == f"{START}\n## Home Assistant\nkept\n{END}"
    assert kept_section(LIBRARY) == ""


def test_table_gives_median_range_and_ratio() -> None:
    results: dict[str, list[dict[str, float | None]]] = {
        "core": [{"poll_cpu_pct": 0.2}, {"poll_cpu_pct": 0.4}, {"poll_cpu_pct": 0.3}],
        "lifx_lan": [{"poll_cpu_pct": 0.1}, {"poll_cpu_pct": None}, {"poll_cpu_pct": 0.2}],
    }
    assert summary(results["core"], "poll_cpu_pct") == (0.3, 0.2, 0.4, 3)
    assert summary(results["lifx_lan"], "startup_s") is None
    rows = table(results, {"core": "core", "lifx_lan": "ours"}, 50).splitlines()
    (poll,) = [row for row in rows if row.startswith("| Poll: Home Assistant CPU, 50 devices")]
    assert poll.endswith("| 0.30 [0.20-0.40] | 0.15 [0.10-0.20] (2 of 3 runs) | 0.50x |")
    (startup,) = [row for row in rows if row.startswith("| Start-up")]
    assert startup.endswith("| n/a | n/a | n/a |")
