"""Service indicators at national scale: 3,321 communes × 24 months × 19 measures.

Builds the rows in code from a fixed seed (the 34 provinces' real communes from
vietnamadminunits, fictional numbers), stores them in a fresh SQLite store, then times what the
«Chỉ số phục vụ» page does: read the store, rank a month, roll up a year, the monthly series,
and the page itself through AppTest (first run, then warm reruns). Prints a markdown section and
replaces "## Service indicators at national scale (issue 23)" in bench/RESULTS.md. It measures;
it asserts nothing. Target from the issue: the page's warm rerun ≤ 0.3 s.

    python -m bench.bench_indicators [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.bench_dashboard import cpu_model, ram_gib
from bench.results import publish, timed

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Service indicators at national scale (issue 23)"
DB = ROOT / "bench" / "out" / "indicators-national.sqlite"
SEED = 23


def national_rows() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indicator rows, a 2025 index-only score table) for every commune of the 34 provinces."""
    from cchc_metrics.contract import INDICATOR_COLUMNS, SCORE_COLUMNS
    from cchc_metrics.indicators import COUNTS, SERVICE_GROUPS
    from cchc_metrics.places import registry

    wards = registry.current()[["province", "ward", "wardCode"]].drop_duplicates("wardCode")
    rng = np.random.default_rng(SEED)
    months = [(y, m) for y in (2024, 2025) for m in range(1, 13)]
    n = len(wards)
    frames = []
    for year, month in months:
        received = rng.poisson(150, n).astype(float)
        resolved = np.floor(received * rng.uniform(0.9, 0.99, n))
        late = np.floor(resolved * rng.uniform(0, 0.03, n))
        early = np.floor((resolved - late) * rng.uniform(0.2, 0.6, n))
        values = {"received": received, "resolved": resolved, "early": early,
                  "on_time": resolved - late - early, "late": late,
                  "pending": received - resolved}
        for m in COUNTS:
            values.setdefault(m.key, np.floor(received * rng.uniform(0.3, 0.95, n)))
        for group, top in SERVICE_GROUPS:
            values[group.key] = np.round(top * rng.uniform(0.5, 1.0, n), 2)
        tops = {g.key: top for g, top in SERVICE_GROUPS}
        for key, v in values.items():
            frames.append(pd.DataFrame({
                "year": year, "month_from": month, "month_to": month, "level": "commune",
                "block": wards["province"].to_numpy(), "province": wards["province"].to_numpy(),
                "parent": "", "unit": wards["ward"].to_numpy(),
                "unit_code": wards["wardCode"].astype(str).to_numpy(), "measure": key,
                "value": v, "max_value": tops.get(key, np.nan), "source": "bench"}))
    rows = pd.concat(frames, ignore_index=True)[INDICATOR_COLUMNS]
    scores = pd.DataFrame({
        "year": 2025, "level": "commune", "block": wards["province"].to_numpy(),
        "province": wards["province"].to_numpy(), "parent": "", "unit": wards["ward"].to_numpy(),
        "unit_code": wards["wardCode"].astype(str).to_numpy(), "component": "total",
        "max_points": 100.0, "points": np.round(rng.uniform(60, 95, n), 2),
        "self_points": np.nan, "source": "bench"})[SCORE_COLUMNS]
    return rows, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    from cchc_metrics.indicators import indicator_table, monthly_series, prepared
    from cchc_metrics.store import Store

    lines = []
    t_build, (rows, scores) = timed(national_rows)
    lines.append(("build the rows in code", t_build))
    DB.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{DB}"
    with Store(url) as store:
        loader = store.accounts.system_actor("bench")
        store.import_scores(scores, file_name="chi_so_2025.csv", file_bytes=b"bench-scores",
                            user=loader)
        t_import, _ = timed(lambda: store.indicators.import_rows(
            rows, file_name="bench.xlsx", file_bytes=b"bench-indicators", user=loader))
        lines.append((f"store {len(rows):,} rows (SQLite)", t_import))
        t_read, back = timed(store.indicators.rows)
        lines.append(("read them back (`store.indicators.rows`)", t_read))
    t_prep, back = timed(lambda: prepared(back))
    lines.append(("unit ids, once per revision (`prepared`)", t_prep))
    lines.append(("rank a month, all 34 provinces (`indicator_table`)",
                  timed(lambda: indicator_table(back, "on_time_rate", 2025, 12, 12,
                                                level="commune"))[0]))
    lines.append(("roll up the year and rank it",
                  timed(lambda: indicator_table(back, "on_time_rate", 2025, 1, 12,
                                                level="commune"))[0]))
    lines.append(("the service index of a month, banded",
                  timed(lambda: indicator_table(back, "service_index", 2025, 12, 12,
                                                level="commune"))[0]))
    lines.append(("24 months of the national rate (`monthly_series`)",
                  timed(lambda: monthly_series(back, "on_time_rate", level="commune"))[0]))
    page = page_runs(url)
    write(lines, page, len(rows), not args.no_write)


def page_runs(url: str) -> list[tuple[str, float]]:
    """The page through AppTest on this store: first run, then warm reruns."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CCHC_DATABASE_URL"] = url
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    out = []
    start = time.perf_counter()
    at.run()
    at.switch_page("app_pages/phuc-vu.py")
    at.run()
    out.append(("page, first run (caches empty)", time.perf_counter() - start))
    for label, key, value in (("indicator → on-time rate", "indicator", "on_time_rate"),
                              ("period → year", "period", "year"),
                              ("period → month (seen before)", "period", "month"),
                              ("indicator → service index (seen before)", "indicator",
                               "service_index")):
        at.selectbox(key=key).set_value(value)
        start = time.perf_counter()
        at.run()
        out.append((f"warm rerun: {label}", time.perf_counter() - start))
    start = time.perf_counter()
    at.run()
    out.append(("warm rerun, nothing changed", time.perf_counter() - start))
    if at.exception:
        out.append((f"errors: {[e.message for e in at.exception]}", float("nan")))
    return out


def write(lines, page, n_rows: int, save: bool) -> None:
    text = [HEADING, "",
            f"Measured {dt.date.today().isoformat()} with `python -m bench.bench_indicators`. "
            f"Machine: nproc {os.cpu_count()}, {cpu_model()}, {ram_gib():.1f} GiB RAM, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}.",
            "",
            f"Input: the 3,321 communes of the 34 provinces × 24 months × 19 measures = "
            f"{n_rows:,} rows (counts and the service index's five groups), fictional numbers "
            "from a fixed seed; one block per province.", "",
            "| Step | Time |", "|---|---:|"]
    text += [f"| {label} | {seconds:.2f} s |" for label, seconds in lines]
    text += ["", "The «Chỉ số phục vụ» page through AppTest on that store (AppTest's own overhead "
             "included):", "", "| Run | Time |", "|---|---:|"]
    text += [f"| {label} | {seconds:.2f} s |" for label, seconds in page]
    publish(HEADING, "\n".join(text) + "\n", write=save)


if __name__ == "__main__":
    main()
