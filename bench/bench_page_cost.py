"""What one page load costs the browser: a bare Streamlit page next to the dashboard's overview.

    python -m bench.bench_page_cost [--loads 4] [--no-write]

One headless Chromium (Debian's) opens the page `--loads` times in new tabs of one profile (the
scripts cached after the first), and the CPU time of the browser's processes is read from /proc
from the request until 1.5 s after the page shows its heading (and, for the dashboard, its
ranking table). The server's CPU is not counted. This explains the load run: on a 2-core machine
that also runs the browsers, what 20 first page loads cost the browsers bounds the wait.
Replaces the section "## One page load in the browser" of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.bench_load import STORE, browser_cpu_seconds, build_store, machine, versions
from bench.results import publish
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, start_app

ROOT = Path(__file__).resolve().parents[1]

HEADING = "## One page load in the browser"
BARE_APP = 'import streamlit as st\nst.title("Tổng quan")\nst.write("Xin chào")\n'
TABLE_SHOWN = "() => document.querySelector('[data-testid=\"stDataFrame\"] td[role=gridcell]')"


def page_loads(app_dir: Path, database_url: str, loads: int, dashboard: bool) -> list[tuple]:
    """(wall seconds until shown, browser CPU seconds) of each load."""
    from playwright.sync_api import sync_playwright

    server = start_app(database_url, Path(tempfile.mkdtemp()), app_dir=app_dir, timeout=120)
    out = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            for _ in range(loads + 1):  # the first load fills the caches: not counted
                page = context.new_page()
                cpu, start = browser_cpu_seconds(server.process.pid), time.perf_counter()
                page.goto(server.url("/"), timeout=120_000)
                page.get_by_role("heading", name="Tổng quan").first.wait_for(timeout=120_000)
                if dashboard:
                    page.wait_for_function(TABLE_SHOWN, timeout=120_000)
                wall = time.perf_counter() - start
                time.sleep(1.5)  # what the page still draws after it is shown
                out.append((wall, browser_cpu_seconds(server.process.pid) - cpu))
                page.close()
            browser.close()
    finally:
        server.stop()
    return out[1:]


def row(label: str, loads: list[tuple]) -> str:
    walls, cpus = [w for w, _ in loads], [c for _, c in loads]
    return (f"| {label} | {len(loads)} | {statistics.median(walls):.2f} s | "
            f"{statistics.median(cpus):.2f} s | {min(cpus):.2f}–{max(cpus):.2f} s |")


def section(bare: list[tuple], dash: list[tuple], load: tuple) -> str:
    per_load = statistics.median(c for _, c in dash)
    return "\n".join([
        HEADING, "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} with `python -m bench.bench_page_cost`.", "",
        f"- Machine: {machine()}; {versions()}.",
        f"- Load average before / after: {load[0]} / {load[1]}.",
        "- One headless Chromium; each load a new tab of one profile whose cache already holds "
        "the app's scripts (the first load, which fills it, is not counted). Browser CPU: its "
        "processes, from the request until 1.5 s after the page is shown; the server's CPU is "
        "not counted.", "",
        "| Page | Loads | Wall until shown (median) | Browser CPU per load (median) | range |",
        "|---|---:|---:|---:|---:|",
        row("a bare Streamlit page (a title and one line)", bare),
        row("the dashboard's overview: 2024, 10,035 communes, ten national years in the store",
            dash), "",
        f"20 first page loads of the overview cost the browsers about {20 * per_load:.0f} s of "
        "CPU: on 2 cores that also serve the app, at least "
        f"{10 * per_load:.0f} s of wall time before the last one can be shown, whatever the "
        "server does. Even the bare page costs a browser about "
        f"{statistics.median(c for _, c in bare):.1f} s of CPU per load here.", "",
    ])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=4)
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)
    before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    bare_dir = Path(tempfile.mkdtemp())
    (bare_dir / "app.py").write_text(BARE_APP, encoding="utf-8")
    bare = page_loads(bare_dir, f"sqlite:///{bare_dir / 'unused.sqlite'}", args.loads, False)
    url = f"sqlite:///{STORE}"
    build_store(url)
    dash = page_loads(ROOT, url, args.loads, True)
    text = section(bare, dash, (before, " ".join(f"{x:.2f}" for x in os.getloadavg())))
    publish(HEADING, text, write=not args.no_write)


if __name__ == "__main__":
    main()
