"""Export benchmark: the 10,035-row national commune ranking of 2024 as XLSX and CSV.

    python -m bench.bench_export [--runs 5] [--no-write]

The table is the one the data page shows and downloads for year 2024, level commune, in
Vietnamese: `views.ranking_table(units, View(year=2024, level="commune", lang="vi"),
history=False)`, with `units` the unit table of ten years of the simulated national data
(cchc_metrics/sample/national.py), so rank changes and index changes are filled in as they are in use. Timed:
`exports.view_xlsx` (the ranking sheet plus the per-field detail sheet), the ranking sheet alone
through `to_xlsx_bytes`, `exports.view_csv` and `to_csv_bytes` alone; then one cProfile of
`view_xlsx`. Prints a markdown table and replaces the section "## Exports" of bench/RESULTS.md.
It measures; it asserts nothing. Targets (issue 5): XLSX ≤ 1.5 s, CSV ≤ 0.2 s.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import statistics
from pathlib import Path

from bench.bench_dashboard import Clock, code_state, load, machine
from bench.results import publish

ROOT = Path(__file__).resolve().parents[1]

HEADING = "## Exports"
TARGET_XLSX_S, TARGET_CSV_S = 1.5, 0.2
PACKAGES = ("pandas", "numpy", "pyarrow", "openpyxl")
YEAR, LEVEL = 2024, "commune"


def inputs() -> dict:
    """Ten years of national scores, their unit table, the view and the 2024 ranking table."""
    import cchc_metrics as cm
    from cchc_metrics import views
    from cchc_metrics.sample.national import national_workbook, ten_years

    scores = ten_years(cm.read_scores(national_workbook()))
    units = cm.unit_table(scores)
    view = views.View(year=YEAR, level=LEVEL, lang="vi")
    table = views.ranking_table(units, view, history=False)
    return {"scores": scores, "units": units, "view": view, "table": table,
            "version": ", ".join(f"#{i}" for i in range(1, 11))}


def ranking_sheet(d: dict):
    """The XlsxExport of the ranking sheet alone: what view_xlsx writes before the detail."""
    from cchc_metrics.bands import parse_bands
    from cchc_metrics.exports.xlsx import XlsxExport, export_lines
    from cchc_metrics.i18n import t

    view = d["view"]
    return XlsxExport(sheets={str(d["table"][t("col_block", "vi")].iloc[0]): d["table"]},
                      title=f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {YEAR}",
                      lines=export_lines(view, d["version"], "vi"),
                      band_column=t("col_band", "vi"),
                      band_labels=[label for label, _ in parse_bands(view.bands)])


def tasks(d: dict) -> dict:
    """What is timed, by name: each returns the bytes a person downloads (or the table)."""
    from cchc_metrics import exports, views

    units, scores, view, table = d["units"], d["scores"], d["view"], d["table"]
    sheet = ranking_sheet(d)
    return {
        "view_xlsx": lambda: exports.view_xlsx(units, scores, view, d["version"]),
        "xlsx_ranking": lambda: exports.to_xlsx_bytes(sheet),
        "view_csv": lambda: exports.view_csv(units, view),
        "csv_only": lambda: exports.to_csv_bytes(table, "vi"),
        "ranking_table": lambda: views.ranking_table(units, view, history=False),
        "detail_table": lambda: views.field_detail_table(scores, views.select(units, view), "vi"),
    }


def time_all(jobs: dict, runs: int) -> tuple[dict, dict]:
    """Each job `runs` times, interleaved so background load hits all alike; sizes of outputs."""
    times: dict[str, list] = {name: [] for name in jobs}
    sizes: dict[str, int] = {}
    for _ in range(runs):
        for name, job in jobs.items():
            clock = Clock()
            out = job()
            times[name].append(clock.lap())
            sizes[name] = len(out) if isinstance(out, bytes) else int(out.shape[0])
    return times, sizes


def summary(times: list) -> dict:
    """Best, median and p90 wall time and median CPU."""
    walls = sorted(w for w, _ in times)
    return {"best": walls[0], "median": statistics.median(walls),
            "cpu": statistics.median(c for _, c in times), "runs": len(walls)}


def profile(job, top: int = 12) -> tuple[float, list[tuple[str, float, float, int]]]:
    """One profiled call: total seconds and the functions with the most own time."""
    prof = cProfile.Profile()
    prof.enable()
    job()
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = stats.total_tt
    rows = []
    for (path, line, name), (_, calls, own, cum, _) in stats.stats.items():
        short = path.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        rows.append((f"{short}:{line}({name})", own, cum, calls))
    rows.sort(key=lambda r: -r[1])
    return total, rows[:top]


def project_lines(job) -> list[tuple[str, float, int]]:
    """Cumulative time of each function of cchc_metrics/exports.py and views.py in one call."""
    prof = cProfile.Profile()
    prof.enable()
    job()
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    out = [(f"{Path(path).relative_to(ROOT)}:{line}({name})", cum, calls)
           for (path, line, name), (_, calls, _, cum, _) in stats.stats.items()
           if path.startswith(str(ROOT / "cchc_metrics"))]
    return sorted(out, key=lambda r: -r[1])[:8]


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def row(label: str, s: dict, size: str, target: float | None = None) -> str:
    """One markdown row of timings."""
    met = "" if target is None else verdict(s["median"] <= target)
    goal = "" if target is None else f"≤ {target:g} s"
    return (f"| {label} | {size} | {s['runs']} | {s['best']:.3f} s | {s['median']:.3f} s | "
            f"{s['cpu']:.3f} s | {goal} | {met} |")


def figures_table(m: dict) -> str:
    """The markdown table of every figure measured, with its target."""
    s = {k: summary(v) for k, v in m["times"].items()}
    kb = {k: f"{v / 1024:,.0f} KB" for k, v in m["sizes"].items()}
    n = m["sizes"]
    return "\n".join([
        "| Export | Output | Runs | Best | Median | CPU (median) | Target | Met |",
        "|---|---:|---:|---:|---:|---:|---|---|",
        row("XLSX: `view_xlsx` (ranking sheet + per-field detail sheet, title block)",
            s["view_xlsx"], kb["view_xlsx"], TARGET_XLSX_S),
        row("XLSX: ranking sheet alone (`to_xlsx_bytes`)", s["xlsx_ranking"],
            kb["xlsx_ranking"], TARGET_XLSX_S),
        row("CSV: `view_csv` (builds the ranking table, then writes)", s["view_csv"],
            kb["view_csv"], TARGET_CSV_S),
        row("CSV: `to_csv_bytes` of the ready table alone", s["csv_only"], kb["csv_only"],
            TARGET_CSV_S),
        row("… `ranking_table(history=False)` alone", s["ranking_table"],
            f"{n['ranking_table']:,} rows"),
        row("… `field_detail_table` alone (rows of the detail sheet)", s["detail_table"],
            f"{n['detail_table']:,} rows"),
    ])


def profile_table(m: dict) -> str:
    """Where one view_xlsx call spends its time: own time, then our functions' cumulative."""
    total, rows = m["profile"]
    lines = [f"One `view_xlsx` call under cProfile ({total:.2f} s with the profiler's overhead); "
             "functions with the most own time:", "",
             "| Function | Own | Cumulative | Calls |", "|---|---:|---:|---:|"]
    lines += [f"| `{name}` | {own:.2f} s | {cum:.2f} s | {calls:,} |"
              for name, own, cum, calls in rows]
    lines += ["", "Cumulative time of the project's own functions in that call:", "",
              "| Function | Cumulative | Calls |", "|---|---:|---:|"]
    lines += [f"| `{name}` | {cum:.2f} s | {calls:,} |" for name, cum, calls in m["ours"]]
    return "\n".join(lines)


def section(m: dict) -> str:
    """The RESULTS.md section: what was run, on what, the table and the profile."""
    return "\n".join([
        HEADING, "",
        f"Measured {m['date']} with `python -m bench.bench_export`; code at {m['state']}. "
        "A target is judged on the median wall time; CPU is this process's.", "",
        f"- Machine: {machine(PACKAGES)}; openpyxl writes through lxml: "
        f"{'yes' if m['lxml'] else 'no'}.",
        "- XLSX: openpyxl writes each sheet down to its header (title block, styles, widths, "
        "frozen panes); the rows are written column-wise by `cchc_metrics/sheetdata.py` (Arrow "
        f"string kernels, inline strings), zip deflate level {m['level']}.",
        f"- Load average before / after: {m['load'][0]} / {m['load'][1]}. The machine is shared: "
        "when CPU time is well below wall time, other work was running.",
        f"- Table: the national {YEAR} commune ranking in Vietnamese, {m['sizes']['ranking_table']:,}"
        " rows (one block), as the data page shows and downloads it: "
        "`ranking_table(units, View(year=2024, level=\"commune\", lang=\"vi\"), history=False)`, "
        "`units` from ten years of `cchc_metrics/sample/national.py` data (so rank changes and index changes "
        f"are filled in). The XLSX detail sheet has {m['sizes']['detail_table']:,} rows "
        "(unit × field).", "",
        figures_table(m), "",
        profile_table(m), "",
    ])


def measure(runs: int) -> dict:
    """Every figure, in one run of this script."""
    m = {"date": dt.date.today().isoformat(), "state": code_state(("cchc_metrics",)),
         "load": [load()]}
    d = inputs()
    jobs = tasks(d)
    for job in jobs.values():  # warm-up: imports and first-call caches are not billed
        job()
    m["times"], m["sizes"] = time_all(jobs, runs)
    import openpyxl.xml

    m["lxml"] = bool(openpyxl.xml.LXML)  # decided when openpyxl was first imported
    from cchc_metrics.exports.sheetdata import COMPRESSLEVEL

    m["level"] = COMPRESSLEVEL
    m["profile"] = profile(jobs["view_xlsx"])
    m["ours"] = project_lines(jobs["view_xlsx"])
    m["load"].append(load())
    return m


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each export")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = parser.parse_args(argv)
    publish(HEADING, section(measure(max(args.runs, 1))), write=not args.no_write)


if __name__ == "__main__":
    main()
