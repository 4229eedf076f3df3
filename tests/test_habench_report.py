"""bench-results.md holds the benches' sections: each rewrites its own, never another's."""

from __future__ import annotations

from devtools.habench.report import (
    END,
    START,
    kept_section,
    markers,
    merge_section,
    section_key,
    summary,
    table,
)

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


def test_each_home_assistant_version_has_its_own_section() -> None:
    assert section_key("2025.4.4", "2025.4.4") == "habench"
    assert section_key("2026.11.0", "2025.4.4") == "habench-2026.11"
    assert markers("habench-2026.11") == (
        "<!-- habench-2026.11:start -->",
        "<!-- habench-2026.11:end -->",
    )


def test_newest_section_is_added_beside_the_pinned_one_and_replaced_alone() -> None:
    newest_start, newest_end = markers("habench-2026.11")
    pinned = merge_section(LIBRARY, "## Home Assistant 2025.4.4\npinned one")
    both = merge_section(pinned, "## Home Assistant 2026.11.0\nnewest one", "habench-2026.11")
    assert both.startswith(pinned.rstrip("\n"))
    assert both.endswith(f"{newest_start}\n## Home Assistant 2026.11.0\nnewest one\n{newest_end}\n")
    again = merge_section(both, "## Home Assistant 2026.11.0\nnewest two", "habench-2026.11")
    assert "newest one" not in again
    assert "pinned one" in again
    assert again.count(newest_start) == again.count(newest_end) == 1
    assert again.count(START) == again.count(END) == 1
    # The pinned run rewrites its own section, in place, before the newest's
    rerun = merge_section(again, "## Home Assistant 2025.4.4\npinned two")
    assert rerun.index("pinned two") < rerun.index("newest two")
    assert "pinned one" not in rerun


def test_library_bench_keeps_every_ha_section_in_order() -> None:
    document = merge_section(LIBRARY, "pinned")
    document = merge_section(document, "newest", "habench-2026.11")
    newest_start, newest_end = markers("habench-2026.11")
    assert kept_section(document) == (
        f"{START}\npinned\n{END}\n\n{newest_start}\nnewest\n{newest_end}"
    )
