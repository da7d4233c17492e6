"""The benchmarks' reports keep what they do not rewrite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.bench_load import percentile, write_section
from bench.results import publish

BEFORE = """# Benchmark results

## Core library

core figures

## Many sessions

Why the browsers decide it.

### Demo

demo figures

### National

old national figures

## Exports

export figures
"""


def test_a_run_replaces_its_subsection_and_keeps_the_introduction_and_the_rest(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text(BEFORE, encoding="utf-8")
    write_section("National", "new national figures", path)
    write_section("Stress", "stress figures", path)
    text = path.read_text(encoding="utf-8")
    assert "old national figures" not in text
    for kept in ("core figures", "Why the browsers decide it.", "demo figures",
                 "new national figures", "stress figures", "export figures"):
        assert text.count(kept) == 1, kept
    assert text.index("Why the browsers") < text.index("### Demo") < text.index("### National") \
        < text.index("### Stress") < text.index("## Exports")


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 81)]  # 80 steps, as a default run has
    assert percentile(values, 95) == 76.0 and percentile(values, 50) == 40.0


def test_publish_prints_and_rewrites_only_its_own_section(tmp_path, capsys):
    path = tmp_path / "RESULTS.md"
    path.write_text(BEFORE, encoding="utf-8")
    publish("## Core library", "## Core library\n\nnew core figures", write=False, path=path)
    assert path.read_text(encoding="utf-8") == BEFORE and "new core figures" in capsys.readouterr().out
    publish("## Core library", "## Core library\n\nnew core figures", path=path)
    text = path.read_text(encoding="utf-8")
    assert text.count("core figures") == 1 and "new core figures" in text
    assert "demo figures" in text and "export figures" in text


def _spin_child(seconds: float) -> tuple[float, float]:
    """(wall, CPU) of a child process that spins on one core for `seconds` of wall time."""
    import subprocess
    import sys
    import time

    spin = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass"
    start, before = time.monotonic(), os.times()
    subprocess.run([sys.executable, "-c", spin], check=True)
    after = os.times()
    return time.monotonic() - start, (after.children_user + after.children_system
                                      - before.children_user - before.children_system)


def test_a_cpu_quota_holds_the_children_back_and_is_removed_afterwards():
    from bench import cpu_limit

    found = cpu_limit._hierarchy()
    if found is None or not os.access(found[0], os.W_OK):
        pytest.skip("no writable cgroup cpu controller here (needs root or a delegated cgroup)")
    with cpu_limit.limited(0.25) as line:
        wall, cpu = _spin_child(1.5)
    assert "0.25" in line
    assert cpu < 0.25 * wall + 0.15  # unlimited, the spinning child would use about `wall`
    assert not list(found[0].glob(f"bench-cpus-{os.getpid()}"))  # removed, and this process
    assert "bench-cpus-" not in Path("/proc/self/cgroup").read_text()  # back in its own group
