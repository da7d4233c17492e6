"""Score store at national scale: import the national workbook, then load ten years of it.

Run ``python -m bench.bench_store [--pg URL] [--no-write]``. The input is the lead's simulated
national commune workbook (cchc_metrics/sample/national.py: 10,035 communes × 8 fields = 80,280 score rows)
and its ten-year extension. PostgreSQL is measured when --pg or CCHC_TEST_POSTGRES_URL is given
(in a scratch schema, dropped afterwards). The results are printed as a markdown table and
written under "## Store" in bench/RESULTS.md (other sections are kept). It asserts nothing.
Targets (issue 3): import ≤ 2 s, load of ten years of active national data ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd

import cchc_metrics as cm
from bench.results import timed
from cchc_metrics.sample.national import national_workbook, ten_years
from cchc_metrics.store import Store

ROOT = Path(__file__).resolve().parents[1]

RESULTS = ROOT / "bench" / "RESULTS.md"


def measure(url: str, workbook: Path, years: dict[int, pd.DataFrame], repeats: int = 5) -> dict:
    """Import the earlier years as frames, the last one from the workbook file; then load."""
    store = Store(url)
    actor = store.accounts.system_actor("bench")
    *earlier, last = sorted(years)
    frame_imports = []
    for year in earlier:
        seconds, _ = timed(lambda y=year: store.import_scores(
            years[y], file_name=f"xa_{y}.xlsx", file_bytes=f"bench {y} {uuid.uuid4()}".encode(),
            user=actor))
        frame_imports.append(seconds)
    file_import, result = timed(lambda: store.import_file(workbook, user=actor))
    assert result.n_rows == len(years[last]) and not result.duplicate
    reimport, _ = timed(lambda: store.import_scores(
        years[last], file_name="xa_lai.xlsx", file_bytes=uuid.uuid4().bytes, user=actor))
    loads = []
    for _ in range(repeats):
        seconds, loaded = timed(store.scores)
        loads.append(seconds)
    assert len(loaded) == sum(len(f) for f in years.values()), "load returned the wrong rows"
    one_year, _ = timed(lambda: store.scores(years=last))
    store.close()
    return {"frame_median": statistics.median(frame_imports), "frame_max": max(frame_imports),
            "file_import": file_import, "reimport": reimport, "load_best": min(loads),
            "load_median": statistics.median(loads), "load_one_year": one_year,
            "rows_loaded": len(loaded)}


def postgres_schema_url(base: str) -> tuple[str, callable]:
    """A URL into a fresh schema of `base`, and the function that drops it."""
    import sqlalchemy as sa

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})

    def drop():
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def machine() -> str:
    """nproc, CPU model and RAM of this machine, for the results."""
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as fh:
        kb = int(re.search(r"MemTotal:\s+(\d+)", fh.read()).group(1))
    import sqlalchemy

    return (f"{os.cpu_count()} CPUs (nproc), {cpu}, {kb / 1048576:.1f} GiB RAM; "
            f"Python {platform.python_version()}, pandas {pd.__version__}, "
            f"SQLAlchemy {sqlalchemy.__version__}")


def table(results: dict[str, dict]) -> str:
    """The markdown table of the measurements."""
    lines = ["| database | import_scores, one year: median / max of 9 (s) | import_file of the "
             "workbook: read + store (s) | re-import, superseding a year (s) | load 10 years "
             "(802,800 rows): best / median of 5 (s) | load 1 year (s) |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['frame_median']:.2f} / {r['frame_max']:.2f} | "
                     f"{r['file_import']:.2f} | {r['reimport']:.2f} | {r['load_best']:.2f} / "
                     f"{r['load_median']:.2f} | {r['load_one_year']:.2f} |")
    return "\n".join(lines)


def write_section(body: str, path: Path = RESULTS) -> None:
    """Replace (or add) the "## Store" section of RESULTS.md, leaving the others as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = f"## Store\n\n{body.strip()}\n"
    pattern = re.compile(r"^## Store\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("CCHC_TEST_POSTGRES_URL"),
                        help="PostgreSQL URL (default CCHC_TEST_POSTGRES_URL)")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)
    workbook = national_workbook()
    read_seconds, scores = timed(lambda: cm.read_scores(workbook))
    all_years = ten_years(scores)
    years = {int(y): part.reset_index(drop=True) for y, part in all_years.groupby("year")}
    load_before = os.getloadavg()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite 3 (WAL)"] = measure(f"sqlite:///{tmp}/bench.sqlite", workbook, years)
    if args.pg:
        url, drop = postgres_schema_url(args.pg)
        try:
            results["PostgreSQL (psycopg 3, binary COPY)"] = measure(url, workbook, years)
        finally:
            drop()
    load_after = os.getloadavg()
    body = (
        f"Measured {time.strftime('%Y-%m-%d')} with `python -m bench.bench_store`. Input: "
        f"`{workbook.relative_to(ROOT)}` from `cchc_metrics/sample/national.py` ({len(scores):,} score rows: "
        f"10,035 communes × 8 fields) and its ten-year extension `ten_years` "
        f"({len(all_years):,} rows, 2015–2024). Per database: the nine earlier years imported "
        "with `Store.import_scores` (score rows + the dataset's Arrow frame, one transaction each), "
        "then 2024 with `Store.import_file` from the workbook (the reader takes "
        f"{read_seconds:.2f} s of that on its own, measured separately), a second 2024 that "
        "supersedes it, then `Store.scores()` of all active data.\n\n"
        f"- Machine: {machine()}.\n"
        f"- Load average before / after: {' '.join(f'{v:.2f}' for v in load_before)} / "
        f"{' '.join(f'{v:.2f}' for v in load_after)} (the machine is shared; PostgreSQL runs on "
        "it too).\n\n"
        f"{table(results)}\n\n"
        "Targets: import ≤ 2 s (the store's part: `import_scores`), load of ten years ≤ 1 s. "
        "Reading the workbook is the reader's cost (issue 2's benchmark above); "
        "`import_file` = read + store.")
    print(body)
    if not args.no_write:
        write_section(body)
        print(f"\n→ {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
