"""Reports at national scale: the block report of 10,035 communes and one commune's report.

Builds two years of the national sample (cchc_metrics/sample/national.py), then times
`reports.build` + `reports.to_docx` for the national commune block (ranking table of every
commune, charts included) and for one commune. Prints a markdown section and replaces
"## Word reports at national scale (issue 25)" in bench/RESULTS.md. It measures; it asserts
nothing. Targets from the issue: the national block ≤ 10 s, a unit report ≤ 2 s.

    python -m bench.bench_report [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform

from bench.bench_dashboard import cpu_model, ram_gib, year_frames
from bench.results import publish, timed

HEADING = "## Word reports at national scale (issue 25)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    import pandas as pd

    from cchc_metrics import reports
    from cchc_metrics.metrics import unit_table
    from cchc_metrics.views import View

    frames = year_frames()
    last = max(frames)
    scores = pd.concat([frames[last - 1], frames[last]], ignore_index=True)
    units = unit_table(scores)
    communes = units[(units["year"] == last) & (units["level"] == "commune")]
    view = View(year=last, level="commune")
    head = reports.Letterhead(issuing_body="Bộ Nội vụ", place="Hà Nội")
    runs = []
    for _ in range(2):  # the first run loads matplotlib and python-docx
        t_build, report = timed(lambda: reports.build("block", units, scores, view))
        t_docx, data = timed(lambda r=report: reports.to_docx(r, head))
        runs.append((t_build, t_docx, len(data)))
    unit = communes.sort_values("rank").iloc[len(communes) // 2]
    t_unit = timed(lambda: reports.to_docx(reports.build(
        "unit", units, scores, view.but(block=unit["block"]), unit=unit["unit"]), head))[0]
    text = [HEADING, "",
            f"Measured {dt.date.today().isoformat()} with `python -m bench.bench_report`. "
            f"Machine: nproc {os.cpu_count()}, {cpu_model()}, {ram_gib():.1f} GiB RAM, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}.", "",
            f"Input: the national sample's {len(communes):,} communes of {last} (and {last - 1} "
            "for the changes); the block report's ranking table holds every commune.", "",
            "| Step | First run | Second run | Target |", "|---|---:|---:|---:|",
            f"| national block report: build the sections | {runs[0][0]:.2f} s | "
            f"{runs[1][0]:.2f} s | |",
            f"| national block report: the .docx ({runs[1][2] / 1e6:.1f} MB, charts included) | "
            f"{runs[0][1]:.2f} s | {runs[1][1]:.2f} s | |",
            f"| national block report, in all | {runs[0][0] + runs[0][1]:.2f} s | "
            f"{runs[1][0] + runs[1][1]:.2f} s | ≤ 10 s |",
            f"| one commune's report ({unit['unit']}), in all | {t_unit:.2f} s | | ≤ 2 s |", "",
            "The ranking table is written as one piece of WordprocessingML and parsed once; "
            "python-docx's cell-by-cell API would take minutes for 10,035 rows."]
    publish(HEADING, "\n".join(text) + "\n", write=not args.no_write)


if __name__ == "__main__":
    main()
