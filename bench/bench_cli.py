"""Command-line benchmark: the whole `summarize FILE` process on the national workbook.

    python -m bench.bench_cli [--runs 7] [--checkout DIR] [--no-write]

Three whole processes on the same file, alternated run by run: `python -m cchc_metrics summarize
FILE --format csv` (the command officials script), `pandas.read_excel(FILE, engine="openpyxl",
header=None)` alone (what a notebook would do) and a bare calamine parse of the file (the floor).
The ratio summarize ÷ read_excel is judged on medians (issue 18: ≤ 0.35). `--checkout` times
another checkout's summarize beside this one (e.g. a worktree of an older commit), alternated
in the same run. Writes the section "## Command line" of bench/RESULTS.md. It measures; it
asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_dashboard import code_state, machine
from bench.results import publish

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Command line"
TARGET_RATIO = 0.35
READ_EXCEL = "import sys, pandas; pandas.read_excel(sys.argv[1], engine='openpyxl', header=None)"
CALAMINE = ("import sys, python_calamine; b = python_calamine.CalamineWorkbook.from_path(sys.argv[1]);"
            " [b.get_sheet_by_name(n).to_python() for n in b.sheet_names]")


def timed(command: list[str], cwd: Path, env: dict) -> float:
    """Wall seconds of one whole process (its output thrown away); fails loudly if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    return wall


def main() -> None:
    from cchc_metrics.sample.national import national_workbook

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--checkout", type=Path, help="another checkout to time beside this one")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    path = str(national_workbook())
    env = dict(os.environ)
    commands = {
        "summarize": ([sys.executable, "-m", "cchc_metrics", "summarize", path, "--format", "csv"],
                      ROOT, env),
        "read_excel": ([sys.executable, "-c", READ_EXCEL, path], ROOT, env),
        "calamine": ([sys.executable, "-c", CALAMINE, path], ROOT, env),
    }
    if args.checkout:
        other = {**env, "PYTHONPATH": str(args.checkout.resolve())}
        commands["summarize (other checkout)"] = (
            [sys.executable, "-m", "cchc_metrics", "summarize", path, "--format", "csv"],
            args.checkout.resolve(), other)
    for command, cwd, e in commands.values():  # warm the page cache and .pyc files once
        timed(command, cwd, e)
    times: dict[str, list[float]] = {name: [] for name in commands}
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for name, (command, cwd, e) in commands.items():
            times[name].append(timed(command, cwd, e))
    load_after = os.getloadavg()
    med = {name: statistics.median(v) for name, v in times.items()}
    ratio = med["summarize"] / med["read_excel"]
    rows = [f"| {name} | {len(v)} | {min(v):.3f} s | {med[name]:.3f} s |" for name, v in
            times.items()]
    lines = [HEADING, "",
             f"Measured {dt.date.today():%Y-%m-%d} with `python -m bench.bench_cli"
             f"{' --checkout …' if args.checkout else ''}`; code at {code_state()}. Whole "
             "processes, alternated run by run, after one warm-up run of each.", "",
             f"- Machine: {machine()}.",
             f"- Load average before / after: {' '.join(f'{x:.2f}' for x in load_before)} / "
             f"{' '.join(f'{x:.2f}' for x in load_after)}.",
             f"- Input: `{Path(path).relative_to(ROOT)}` (10,035 communes, wide layout).", "",
             "| Process | Runs | Best | Median |", "|---|---:|---:|---:|", *rows, "",
             f"summarize ÷ read_excel (medians): **{ratio:.2f}** (target ≤ {TARGET_RATIO}: "
             f"{'met' if ratio <= TARGET_RATIO else 'not met'})."]
    if args.checkout:
        lines.append(f"Other checkout's summarize ÷ read_excel: "
                     f"{med['summarize (other checkout)'] / med['read_excel']:.2f}.")
    publish(HEADING, "\n".join(lines) + "\n", write=not args.no_write)


if __name__ == "__main__":
    main()
