"""The benchmarks' reports keep what they do not rewrite."""

from __future__ import annotations

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
