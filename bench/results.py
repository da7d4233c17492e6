"""bench/RESULTS.md: each benchmark rewrites its own "## " section and leaves the others alone."""

from __future__ import annotations

import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(text: str, heading: str, new: str) -> str:
    """The document with one "## " section replaced (or appended); other sections untouched."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if ln.rstrip() == heading), None)
    if start is None:
        head = text if text.strip() else "# Benchmark results\n"
        return head.rstrip("\n") + "\n\n" + new.rstrip("\n") + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    tail = "".join(lines[end:])
    return "".join(lines[:start]) + new.rstrip("\n") + "\n" + ("\n" + tail if tail else "")


def write_results(heading: str, new: str, path: Path = RESULTS) -> None:
    """Rewrite only this section, re-reading the file just before so others' edits survive."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(replace_section(text, heading, new), encoding="utf-8")


def publish(heading: str, text: str, write: bool = True, path: Path = RESULTS) -> None:
    """Print a benchmark's section and, unless told not to, put it in bench/RESULTS.md."""
    print(text)
    if write:
        write_results(heading, text, path)
        print(f"Updated {path.name}")


def timed(fn):
    """(wall seconds, result) of one call: the benches' one stopwatch."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result

