"""Criterion detail at national scale: 10,035 communes × 80 sub-criteria = 802,800 rows.

Writes the long layout a scoring system exports (a CSV, fictional numbers from a fixed seed),
reads it with the library's reader (every check included), and times the block analysis that
the fields page and the profile use. Prints a markdown section and replaces "## Criterion detail
at national scale (issue 24)" in bench/RESULTS.md. It measures; it asserts nothing. Targets from
the issue: reading ≤ 3 s, the block analysis ≤ 0.5 s.

    python -m bench.bench_criteria [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
from pathlib import Path

import numpy as np
import pandas as pd

from bench.bench_dashboard import cpu_model, ram_gib
from bench.results import publish, timed

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Criterion detail at national scale (issue 24)"
CSV = ROOT / "bench" / "out" / "criteria-national.csv"
N_COMMUNES, N_SUB = 10_035, 80


def write_csv() -> int:
    """The national long CSV: one line per commune × sub-criterion."""
    rng = np.random.default_rng(24)
    codes = [f"{f}.{c}.{s}" for f in range(1, 9) for c in range(1, 6) for s in range(1, 3)]
    codes = codes[:N_SUB]
    units = np.repeat([f"Xã Số {i:05d}" for i in range(N_COMMUNES)], len(codes))
    top = np.tile(rng.choice([0.5, 0.75, 1.0, 1.5], len(codes)), N_COMMUNES)
    points = np.round(top * rng.uniform(0.4, 1.0, len(units)) * 4) / 4
    frame = pd.DataFrame({
        "Năm": 2025, "Huyện": np.repeat([f"Huyện {i // 14:03d}" for i in range(N_COMMUNES)],
                                        len(codes)),
        "Đơn vị": units, "Mã tiêu chí": np.tile(codes, N_COMMUNES),
        "Tiêu chí": np.tile([f"Tiêu chí thành phần {c}" for c in codes], N_COMMUNES),
        "Điểm tối đa": top, "Tự đánh giá": top, "Thẩm định": points})
    CSV.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(CSV, index=False)
    return len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    os.environ["CCHC_MAX_ROWS"] = "1000000"  # a country's file: above a province's default
    os.environ["CCHC_MAX_FILE_MB"] = "200"
    os.environ["CCHC_MAX_CELLS"] = "10000000"
    from cchc_metrics.criteria import block_criteria
    from cchc_metrics.ingest.criteria import read_criteria

    n = write_csv()
    size = CSV.stat().st_size / 1e6
    data = CSV.read_bytes()
    reads = [timed(lambda: read_criteria(data, name=CSV.name, level="commune"))
             for _ in range(4)]
    rows = reads[0][1].rows
    alls = [timed(lambda: block_criteria(rows, year=2025, level="commune", depth=3))[0]
            for _ in range(4)]
    district = rows[rows["parent"] == "Huyện 000"]
    t_block = timed(lambda: block_criteria(district, year=2025, level="commune", depth=3))[0]
    t_read, t_all = [r[0] for r in reads], alls
    met = statistics.median(t_read[1:]) <= 3 and statistics.median(t_all[1:]) <= 0.5
    text = [HEADING, "",
            f"Measured {dt.date.today().isoformat()} with `python -m bench.bench_criteria`. "
            f"Machine: nproc {os.cpu_count()}, {cpu_model()}, {ram_gib():.1f} GiB RAM, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}.", "",
            f"Input: {N_COMMUNES:,} communes × {N_SUB} sub-criteria = {n:,} rows in the long "
            f"layout, a {size:.1f} MB CSV (fictional numbers, fixed seed); the row, file-size "
            "and cell limits raised for a country's file. Each step is run four times in one "
            "process: the first run (cold: lazy imports, first allocations) and the median of "
            "the other three (as on a running dashboard).", "",
            "| Step | First run | Median of 3 more | Target |", "|---|---:|---:|---:|",
            f"| read and check (`read_criteria`, {len(rows):,} rows) | {t_read[0]:.2f} s | "
            f"{statistics.median(t_read[1:]):.2f} s | ≤ 3 s |",
            f"| the criteria analysis over the whole country (`block_criteria`) | "
            f"{t_all[0]:.2f} s | {statistics.median(t_all[1:]):.2f} s | ≤ 0.5 s |",
            f"| the same for one district's 14 communes | {t_block:.3f} s | | |", "",
            ("Both targets are met on a running dashboard. " if met else
             "A target is still missed on a running dashboard. ") +
            "The CSV is parsed column-wise by pyarrow; each distinct name is cleaned once and "
            "spread back by its code as Arrow text (no million Python strings)."]
    publish(HEADING, "\n".join(text) + "\n", write=not args.no_write)


if __name__ == "__main__":
    main()
