"""Dashboard benchmark: cold first render and warm rerun of every page, ten years of national data.

    python -m bench.bench_dashboard [--pages overview,data] [--rebuild] [--no-write]
    python -m bench.bench_dashboard --profile [--pages overview]   # where the time goes

Builds (once; cached in bench/out/, git-ignored) an SQLite store holding ten years (2015–2024)
of the simulated national commune data, one dataset per year, and, when CCHC_BENCH_POSTGRES_URL
is set, the same in a scratch schema of that PostgreSQL database (dropped afterwards). Then,
through streamlit's AppTest with CCHC_DATABASE_URL pointing at the store, per page:

* cold: a fresh AppTest with st.cache_data and st.cache_resource cleared, its first run (the
  default page) and the switch to the page, timed until the run returns; also the page alone
  (caches cleared just before the switch) and, for the overview, a fresh Python process
  (imports included);
* warm: each run that follows a filter change (year, district, search, band scheme …), median
  and p90, and a rerun that changes nothing;
* next to it a naive script that re-reads the national workbook on every rerun, and AppTest's
  own overhead (a trivial script) and the cost of showing the 10,035-row table alone.

Prints a markdown table and replaces the section "## Dashboard: cold render and warm rerun" of
bench/RESULTS.md. It measures; it asserts nothing. Targets come from issue 4.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from bench.results import publish

ROOT = Path(__file__).resolve().parents[1]

HEADING = "## Dashboard: cold render and warm rerun"
OUT_DIR = ROOT / "bench" / "out"
SQLITE_PATH = OUT_DIR / "dashboard-ten-years.sqlite"
PG_ENV = "CCHC_BENCH_POSTGRES_URL"
TARGET_WARM_S, TARGET_COLD_S = 0.3, 2.0
TIMEOUT_S = 900.0  # AppTest's per-run limit: far above anything we hope to see
BENCH_ADMIN, BENCH_PASSWORD = "bench_admin", "bench-mat-khau-du-dai-2024"
PACKAGES = ("streamlit", "pandas", "numpy", "pyarrow", "plotly", "SQLAlchemy")
PAGES = ("overview", "profile", "compare", "trends", "fields", "data", "upload")
SEARCH = "xa an"  # a search a person types: "Xã An …", without diacritics

Timing = tuple[float, float]  # (wall seconds, CPU seconds of this process, all threads)


# ---- clocks and small statistics ---------------------------------------------------------------

class Clock:
    """Wall and CPU time since start; CPU well below wall means others had the cores."""

    def __init__(self):
        gc.collect()  # earlier garbage is not billed to what is measured
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> Timing:
        """Time since the start or the previous lap."""
        wall, cpu = time.perf_counter(), time.process_time()
        out = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return out


def timed(fn) -> tuple[Timing, object]:
    """Wall and CPU time of one call, and what it returned."""
    clock = Clock()
    result = fn()
    return clock.lap(), result


def p90(values: list[float]) -> float:
    """The 90th percentile (inclusive), the value itself for one run."""
    return statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 \
        else values[0]


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# ---- the machine, for the record ---------------------------------------------------------------

def cpu_model() -> str:
    """The CPU's model name as the kernel reports it."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def ram_gib() -> float:
    """Total RAM in GiB, from /proc/meminfo."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 ** 2
    return float("nan")


def version_of(package: str) -> str:
    """An installed package's version, or "not installed"."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine(packages=PACKAGES) -> str:
    """One line saying where the figures come from, so they can be compared later."""
    versions = ", ".join(f"{p} {version_of(p)}" for p in packages)
    return (f"nproc {len(os.sched_getaffinity(0))}, {cpu_model()}, {ram_gib():.1f} GiB RAM; "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}; "
            f"{versions}")


def code_state(paths=("cchc_metrics", "dashboard", "app.py", "app_pages")) -> str:
    """The commit measured, and whether the measured code had uncommitted edits (others work)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "--", *paths).strip()
    return f"`{head}`" + (f" with uncommitted changes in {', '.join(paths)}" if dirty else "")


# ---- RESULTS.md ----------------------------------------------------------------------------------

# ---- the store with ten years --------------------------------------------------------------------

def year_frames() -> dict[int, object]:
    """Ten years of canonical national scores (cchc_metrics/sample/national.py), one frame per year."""
    import cchc_metrics as cm
    from cchc_metrics.sample.national import national_workbook, ten_years

    frames = ten_years(cm.read_scores(national_workbook()))
    return {int(y): part.reset_index(drop=True) for y, part in frames.groupby("year")}


def bench_actor(store):
    """Who imports: a system editor where the store issues actors, else a plain user name."""
    return store.accounts.system_actor("bench", "admin") if hasattr(store, "system_actor") else "bench"


def ensure_admin(store) -> bool:
    """A password account for signing in through the login page (upload needs an editor)."""
    if not hasattr(store, "add_user"):
        return False
    with contextlib.suppress(Exception):  # it exists already, or accounts work differently
        if not store.accounts.has_admin():
            store.accounts.add_user(BENCH_ADMIN, BENCH_PASSWORD, "admin", by=None)
    return True


def store_summary(store) -> dict:
    """What the store holds: revision, datasets, score rows, years."""
    ds = store.datasets()
    return {"revision": store.revision(), "datasets": len(ds),
            "rows": int(ds.loc[ds["status"] == "active", "n_rows"].sum()),
            "years": sorted({int(y) for ys in ds["years"] for y in str(ys).split(", ") if y})}


def fill(url: str) -> dict:
    """Import the ten years into the store at url (one dataset per year) unless it has them."""
    from cchc_metrics.store import open_store

    with open_store(url) as store:
        have = store_summary(store)
        if have["datasets"] == 10 and have["rows"] == 802_800:
            ensure_admin(store)
            return have | {"imports": [], "reused": True}
        if have["revision"]:
            raise SystemExit(f"{url} holds other data ({have}); use --rebuild or another URL")
        imports, user = [], bench_actor(store)
        for year, frame in year_frames().items():
            took, _ = timed(lambda y=year, f=frame: store.import_scores(
                f, file_name=f"xa-toan-quoc-{y}.xlsx", user=user,
                file_bytes=f"bench_dashboard national {y}".encode(),
                note="Dữ liệu mô phỏng để đo hiệu năng (cchc_metrics/sample/national.py)"))
            imports.append(took[0])
        ensure_admin(store)
        return store_summary(store) | {"imports": imports, "reused": False}


def sqlite_store(rebuild: bool) -> tuple[str, dict]:
    """The SQLite store in bench/out/, built the first time (or again with --rebuild)."""
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{SQLITE_PATH}"
    return url, fill(url)


@contextlib.contextmanager
def postgres_store(base: str):
    """A scratch schema of the PostgreSQL database at base with the ten years; dropped after."""
    import uuid

    import sqlalchemy as sa

    schema = f"bench_dash_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    try:
        yield url, fill(url)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


# ---- AppTest drivers -----------------------------------------------------------------------------

def clear_caches() -> None:
    """Forget every st.cache_data and st.cache_resource entry (the store too)."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def new_app(url: str):
    """A fresh AppTest of app.py on the store at url, caches cleared."""
    from streamlit.testing.v1 import AppTest

    os.environ["CCHC_DATABASE_URL"] = url
    clear_caches()
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)


def errors(at) -> list[str]:
    """The exceptions the last run showed, first line of each."""
    return [str(e.message).splitlines()[0][:160] for e in at.exception]


def run(at) -> Timing:
    """Time one .run() of the app."""
    clock = Clock()
    at.run()
    return clock.lap()


def sign_in(at) -> None:
    """Sign in as the bench admin through the login page (an editor is needed for upload)."""
    at.switch_page("app_pages/dang-nhap.py").run()
    at.text_input(key="login_name").set_value(BENCH_ADMIN)
    at.text_input(key="login_password").set_value(BENCH_PASSWORD)
    next(b for b in at.button if b.proto.is_form_submitter).click().run()


def go_to(at, page: str) -> Timing:
    """Switch to a page and time the run that renders it (signing in first if it needs it)."""
    path = f"pages/{page}.py"
    try:
        at.switch_page(path)
    except ValueError:  # not in the navigation: the page needs a signed-in editor
        sign_in(at)
        at.switch_page(path)
    return run(at)


def cold_render(url: str, page: str) -> dict:
    """Fresh AppTest, caches cleared: first run (default page) + switch, timed until it returns."""
    at = new_app(url)
    first = run(at)
    switch = go_to(at, page) if page != "overview" else (0.0, 0.0)
    return {"at": at, "first": first, "switch": switch, "sent": sent(at),
            "cold": (first[0] + switch[0], first[1] + switch[1]), "errors": errors(at)}


def sent(at) -> dict[str, int]:
    """Bytes of the page's tables and charts as they go to the browser (serialized elements)."""
    tables = sum(len(d.proto.SerializeToString()) for d in at.dataframe)
    charts = sum(len(c.proto.SerializeToString()) for c in at.get("plotly_chart"))
    return {"tables": tables, "charts": charts}


def page_alone(url: str, page: str) -> Timing:
    """The page with caches cleared just before it is shown (after an untimed first run)."""
    at = new_app(url)
    at.run()
    if page == "upload":
        with contextlib.suppress(ValueError):
            sign_in(at)
    clear_caches()
    return go_to(at, page) if page != "overview" else run(at)


def widget(at, key: str):
    """The control with this key, whatever its kind; None when the page has none."""
    for kind in ("selectbox", "text_input", "multiselect", "button_group"):
        with contextlib.suppress(KeyError):
            return getattr(at, kind)(key=key)
    return None


def options(at, key: str) -> list:
    """A select control's option values (formatted labels of plain values are the values)."""
    w = widget(at, key)
    return list(w.options) if w is not None else []


def changes(at, page: str) -> list[tuple[str, str, object]]:
    """The filter changes a person makes on this page: (label, key, new value), in order."""
    from cchc_metrics.bands import BAND_PRESETS, DEFAULT_BAND_PRESET

    if page == "upload":
        return [("language → en", "lang", "en"), ("language → vi", "lang", "vi")] * 3
    out = [("year → 2023", "year", 2023), ("year → 2022", "year", 2022)]
    parents = options(at, "parent")
    if len(parents) > 1:
        out += [("one district", "parent", parents[1]), ("all districts", "parent", "")]
    if widget(at, "q") is not None:
        out += [(f"search «{SEARCH}»", "q", SEARCH), ("search cleared", "q", "")]
    other = next(b for b in BAND_PRESETS if b != DEFAULT_BAND_PRESET)
    out += [(f"bands → {other} (re-banded, every view anew)", "bands", other),
            ("bands → default (cached)", "bands", DEFAULT_BAND_PRESET),
            ("year → 2024", "year", 2024)]
    if page == "profile" and len(options(at, "unit")) > 1:
        out.append(("another unit", "unit", options(at, "unit")[1]))
    if page == "compare" and len(options(at, "units")) > 3:
        out.append(("add a unit", "units", [*widget(at, "units").value, options(at, "units")[3]]))
    return out


def warm_reruns(at, page: str) -> dict:
    """Time each run after a filter change, then a rerun that changes nothing."""
    steps, errs = [], []
    for label, key, value in changes(at, page):
        w = widget(at, key)
        if w is None:
            continue
        w.set_value(value)
        steps.append((label, run(at)))
        errs += errors(at)
    return {"steps": steps, "noop": run(at), "errors": errs + errors(at)}


# ---- the same through a fresh process ------------------------------------------------------------

def cold_child(url: str, page: str) -> None:
    """Inside a fresh interpreter: import AppTest, render the page once; print the phases."""
    clock = Clock()
    os.environ["CCHC_DATABASE_URL"] = url
    from streamlit.testing.v1 import AppTest

    imported = clock.lap()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.run()
    if page != "overview":
        go_to(at, page)
    rendered = clock.lap()
    print(json.dumps({"import": imported, "render": rendered, "errors": errors(at)}))


def fresh_process(url: str, page: str = "overview") -> dict:
    """Wall (interpreter start included) and CPU of a fresh process rendering the page once."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    clock = Clock()
    proc = subprocess.run([sys.executable, "-m", "bench.bench_dashboard", "--cold-child", url, page], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    wall = clock.lap()[0]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    child = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"total": (wall, cpu), **child}


# ---- baselines: naive script, AppTest overhead, the big table alone ------------------------------

def naive_app(workbook: str, root: str) -> None:
    """A dashboard without caching: every rerun re-reads the workbook and recomputes everything."""
    import streamlit as st

    import cchc_metrics as cm
    from cchc_metrics import views
    from dashboard import widgets as ui

    units = cm.unit_table(cm.read_scores(workbook))
    year = st.sidebar.selectbox("Năm", views.years(units), key="year")
    level = st.sidebar.selectbox("Cấp", views.levels(units, year), key="level")
    parent = st.sidebar.selectbox("Huyện", ["", *views.parents(units, year, level)], key="parent")
    search = st.sidebar.text_input("Tìm đơn vị", key="q")
    view = views.View(year=year, level=level, parent=parent or None, search=search)
    st.title("Tổng quan (naive)")
    ui.show_table(views.ranking_table(units, view), view.lang, key="ranking")


def trivial_app() -> None:
    """AppTest's floor: two controls and a line of text."""
    import streamlit as st

    year = st.sidebar.selectbox("Năm", list(range(2024, 2014, -1)), key="year")
    st.sidebar.text_input("Tìm", key="q")
    st.write(f"Năm {year}")


def table_app(path: str, root: str, styled: bool) -> None:
    """Just the 10,035-row ranking table (prepared once, cached): through widgets.show_table, which
    formats its numbers as text at every run here (the pages cache that), or plain."""
    import pandas as pd
    import streamlit as st

    from dashboard import widgets as ui

    table = st.cache_resource(pd.read_pickle)(path)
    st.sidebar.selectbox("Năm", list(range(2024, 2014, -1)), key="year")
    if styled:
        ui.show_table(table, "vi", key="ranking")
    else:
        st.dataframe(table, hide_index=True)


def baseline(script, changes_: list[tuple[str, object]], **kwargs) -> dict:
    """Cold first run and warm reruns after each change of a script run through AppTest."""
    from streamlit.testing.v1 import AppTest

    clear_caches()
    at = AppTest.from_function(script, default_timeout=TIMEOUT_S, kwargs=kwargs)
    cold = run(at)
    steps = []
    for key, value in changes_:
        widget(at, key).set_value(value)
        steps.append((f"{key} → {value!r}", run(at)))
    return {"cold": cold, "steps": steps, "noop": run(at), "errors": errors(at)}


def naive(workbook: Path) -> dict:
    """The naive script: a district, all, a search, cleared, another district (≥ 5 reruns)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(naive_app, default_timeout=TIMEOUT_S,
                               kwargs={"workbook": str(workbook), "root": str(ROOT)})
    at.run()
    parents = options(at, "parent")
    moves = [("parent", parents[1]), ("parent", ""), ("q", SEARCH), ("q", ""),
             ("parent", parents[2])]
    return baseline(naive_app, moves, workbook=str(workbook), root=str(ROOT))


def table_only(url: str) -> dict[str, dict]:
    """The cost of showing the 2024 ranking table alone, formatted by ui.show_table and plain."""
    from cchc_metrics import views
    from cchc_metrics.metrics import unit_table
    from cchc_metrics.store import open_store

    with open_store(url) as store:
        units = unit_table(store.scores())  # ten years: rank changes and sparklines filled in
    path = OUT_DIR / "ranking-2024.pkl"
    views.ranking_table(units, views.View(year=2024, level="commune")).to_pickle(path)
    moves = [("year", y) for y in (2023, 2022, 2021, 2020, 2019)]
    return {mode: baseline(table_app, moves, path=str(path), root=str(ROOT),
                           styled=mode == "styled") for mode in ("styled", "plain")}


# ---- one database, every page --------------------------------------------------------------------

@dataclass
class PageResult:
    """Every figure of one page on one database."""

    page: str
    cold: Timing = (0.0, 0.0)
    first: Timing = (0.0, 0.0)
    switch: Timing = (0.0, 0.0)
    alone: Timing = (0.0, 0.0)
    steps: list = field(default_factory=list)
    noop: Timing = (0.0, 0.0)
    load: str = ""
    errors: list = field(default_factory=list)
    skipped: str = ""
    sent: dict = field(default_factory=dict)

    @property
    def warm(self) -> list[float]:
        return [t[0] for _, t in self.steps]


def measure_page(url: str, page: str) -> PageResult:
    """Cold (first run + switch), the page alone, then the warm reruns on the same session."""
    result = PageResult(page, load=load())
    try:
        cold = cold_render(url, page)
    except (ValueError, StopIteration, KeyError) as exc:  # page not reachable in this build
        result.skipped = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        return result
    result.cold, result.first, result.switch = cold["cold"], cold["first"], cold["switch"]
    result.sent = cold["sent"]
    result.errors += cold["errors"]
    warm = warm_reruns(cold["at"], page)
    result.steps, result.noop = warm["steps"], warm["noop"]
    result.errors += warm["errors"]
    del cold
    result.alone = page_alone(url, page)
    return result


def measure_database(url: str, pages: list[str]) -> list[PageResult]:
    """Every page on one store, after one discarded render (so imports are paid beforehand)."""
    at = new_app(url)
    at.run()
    del at
    out = []
    for page in pages:
        out.append(measure_page(url, page))
        r = out[-1]
        print(f"  {page}: cold {r.cold[0]:.2f} s, warm median "
              f"{statistics.median(r.warm) if r.warm else float('nan'):.2f} s {r.skipped}",
              flush=True)
    return out


# ---- the report ----------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def secs(t: Timing) -> str:
    """"1.23 s (CPU 1.10)"."""
    return f"{t[0]:.2f} s ({t[1]:.2f})"


def warm_cells(walls: list[float], cpus: list[float]) -> str:
    """"median / p90 (n) | CPU median"."""
    return (f"{statistics.median(walls):.2f} / {p90(walls):.2f} s ({len(walls)}) | "
            f"{statistics.median(cpus):.2f} s")


def page_table(results: list[PageResult]) -> str:
    """Per page: cold, the page alone, warm median/p90, no-change rerun, targets."""
    lines = ["| Page | Cold: first run + switch, wall (CPU) | … of which the switch | Page alone, "
             "caches cleared | Warm rerun after a filter change: median / p90 (runs) | CPU "
             "median | Rerun, nothing changed | Cold ≤ 2 s | Warm ≤ 0.3 s |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in results:
        if r.skipped:
            lines.append(f"| {r.page} | not measured: {r.skipped} | | | | | | | |")
            continue
        cpus = [t[1] for _, t in r.steps]
        warm = warm_cells(r.warm, cpus) if r.warm else "— | —"
        lines.append(
            f"| {r.page} | {secs(r.cold)} | {secs(r.switch) if r.page != 'overview' else '—'} | "
            f"{secs(r.alone)} | {warm} | {secs(r.noop)} | {verdict(r.cold[0] <= TARGET_COLD_S)} "
            f"| {verdict(bool(r.warm) and statistics.median(r.warm) <= TARGET_WARM_S)} |")
    return "\n".join(lines)


def sent_line(results: list[PageResult]) -> str:
    """What each page's tables and charts weigh on the way to the browser."""
    parts = [f"{r.page} {r.sent['tables'] / 1024:,.0f} KB + {r.sent['charts'] / 1024:,.0f} KB"
             for r in results if r.sent]
    return ("- Sent to the browser by the first render of each page (serialized table elements + "
            "chart elements; a rerun that changes nothing sends references to what the browser "
            "already holds): " + "; ".join(parts) + ".")


def steps_table(results: list[PageResult]) -> str:
    """Every timed rerun, page by page, so the slow filter changes can be told apart."""
    lines = ["| Page | Load (1 min) at start | Reruns in order: change → wall s |", "|---|---:|---|"]
    for r in results:
        if not r.skipped:
            steps = "; ".join(f"{label} {t[0]:.2f}" for label, t in r.steps)
            lines.append(f"| {r.page} | {r.load.split()[0]} | {steps} |")
    return "\n".join(lines)


def baseline_rows(m: dict) -> str:
    """The naive script, AppTest's floor and the table alone, as rows of one table."""
    lines = ["| Script | Cold first run, wall (CPU) | Warm rerun: median / p90 (runs) | CPU "
             "median | Rerun, nothing changed |", "|---|---:|---:|---:|---:|"]
    named = [("naive: re-reads the workbook (2024 only), unit_table, same ranking table, every "
              "rerun", m["naive"]),
             ("AppTest overhead: trivial script (two controls, one line)", m["trivial"]),
             ("ranking table alone (10,035 rows, cached) via widgets.show_table, formatted at "
              "every run", m["table"]["styled"]),
             ("… same table via plain st.dataframe", m["table"]["plain"])]
    for label, b in named:
        walls, cpus = [t[0] for _, t in b["steps"]], [t[1] for _, t in b["steps"]]
        lines.append(f"| {label} | {secs(b['cold'])} | {warm_cells(walls, cpus)} | "
                     f"{secs(b['noop'])} |")
    return "\n".join(lines)


def fresh_line(f: dict) -> str:
    """The fresh-process overview render as one sentence."""
    return (f"- Overview in a fresh Python process (interpreter start, imports, store, first "
            f"render): {secs(f['total'])} wall (CPU), of which importing streamlit's AppTest "
            f"{f['import'][0]:.2f} s and the render itself {f['render'][0]:.2f} s. A server "
            "pays this once, when it starts; the ≤ 2 s target is judged on the cold render of a "
            "running server (the table), which this figure exceeds "
            f"{'by ' + format(f['total'][0] - TARGET_COLD_S, '.1f') + ' s' if f['total'][0] > TARGET_COLD_S else 'in no way'}."
            + (f" Errors: {f['errors']}" if f["errors"] else ""))


def store_line(name: str, s: dict) -> str:
    """How the store was built and what it holds."""
    built = ("reused from an earlier run" if s["reused"] else
             f"built now: ten imports, median {statistics.median(s['imports']):.2f} s, max "
             f"{max(s['imports']):.2f} s")
    return (f"- {name}: {s['datasets']} datasets (years {s['years'][0]}–{s['years'][-1]}), "
            f"{s['rows']:,} active score rows, revision {s['revision']}; {built}.")


def section(m: dict) -> str:
    """The RESULTS.md section: what was run, on what, the tables and what they mean."""
    size = SQLITE_PATH.stat().st_size / 1024 ** 2 if SQLITE_PATH.exists() else float("nan")
    parts = [
        HEADING, "",
        f"Measured {m['date']} with `python -m bench.bench_dashboard`; code at {m['state']}. "
        f"Targets (issue 4): warm rerun ≤ {TARGET_WARM_S:g} s, cold render ≤ {TARGET_COLD_S:g} s, "
        "judged on median wall time as AppTest sees it (AppTest's own overhead, below, is "
        "included, so the verdicts are conservative by that much). Times are wall with this "
        "process's CPU time (all threads) in brackets.", "",
        f"- Machine: {machine()}.",
        f"- Load average before / after: {m['load'][0]} / {m['load'][1]}. The machine is shared: "
        "when CPU is well below wall, other work had the cores.",
        f"- Data: ten years (2015–2024) of the simulated national commune table "
        "(`cchc_metrics/sample/national.py`: 10,035 communes in 696 districts of 63 provinces, 8 fields; "
        "`ten_years`), one dataset per year imported with `Store.import_scores` — 802,800 score "
        "rows, 100,350 unit-years, one level (commune) and one national ranking block, so the "
        "level control has a single choice and the filter changes are year, district, search "
        f"and band scheme. SQLite file `bench/out/{SQLITE_PATH.name}` ({size:.0f} MB).",
        *[store_line(name, s) for name, s in m["stores"].items()],
        "- Cold: a fresh `AppTest.from_file(\"app.py\")` with `st.cache_data` and "
        "`st.cache_resource` cleared; its first run renders the default page (overview), then "
        "`switch_page` + run renders the page; the sum is the cold figure. One discarded render "
        "runs first, so modules are already imported (the fresh-process figure below includes "
        "imports). \"Page alone\": caches cleared just before the switch, so it is that page's "
        "own cold cost. Warm: each `.run()` after one control changes on the same session (list "
        "below); the first band-scheme change is a cache miss by design (the unit table "
        "re-banded, every view of the page computed anew).",
        fresh_line(m["fresh"]), "",
    ]
    for name, results in m["pages"].items():
        parts += [f"**{name}**", "", page_table(results), "", sent_line(results), ""]
        errs = sorted({e for r in results for e in r.errors})
        if errs:
            parts += ["Errors shown by the app during these runs: " + "; ".join(errs), ""]
    parts += ["Baselines (SQLite store where one is used):", "", baseline_rows(m), "",
              "Every warm rerun (first database):", "", steps_table(next(iter(
                  m["pages"].values()))), ""]
    return "\n".join(parts)


# ---- profiles, to find what a slow page spends its time on ---------------------------------------

@contextlib.contextmanager
def profiled_runs():
    """Profile every script run AppTest makes inside the block (they run on their own thread)."""
    import cProfile

    import streamlit.runtime.scriptrunner.script_runner as runner

    prof, original = cProfile.Profile(), runner.exec_func_with_error_handling

    def traced(func, ctx):
        prof.enable()
        try:
            return original(func, ctx)
        finally:
            prof.disable()

    runner.exec_func_with_error_handling = traced
    try:
        yield prof
    finally:
        runner.exec_func_with_error_handling = original


def print_profile(prof, title: str, top: int = 25) -> None:
    """The project's functions (and streamlit's element marshalling) by cumulative time."""
    import io
    import pstats

    out = io.StringIO()
    pattern = f"{ROOT}/(cchc_metrics|pages|ui|app)|marshall|plotly/io/_json"
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(pattern, top)
    text = out.getvalue().replace(str(ROOT) + "/", "")
    print(f"\n### {title}\n" + text[text.find("ncalls") - 3:])


def profile_page(url: str, page: str) -> None:
    """cProfile of the page alone with cold caches, then of a warm rerun after a year change."""
    from cchc_metrics.bands import DEFAULT_BAND_PRESET

    new_app(url).run()  # imports paid before anything is profiled
    at = new_app(url)
    at.run()
    if page == "upload":
        sign_in(at)
    clear_caches()
    with profiled_runs() as prof:
        if page == "overview":
            run(at)
        else:
            go_to(at, page)
    print_profile(prof, f"{page}: page alone, caches cleared")
    key, value = ("lang", "en") if page == "upload" else ("year", 2023)
    widget(at, key).set_value(value)
    with profiled_runs() as prof:
        run(at)
    print_profile(prof, f"{page}: warm rerun after {key} → {value}")
    if page != "upload":
        widget(at, "bands").set_value(DEFAULT_BAND_PRESET)
        with profiled_runs() as prof:
            run(at)
        print_profile(prof, f"{page}: rerun that changes nothing")


# ---- main ----------------------------------------------------------------------------------------

def measure(pages: list[str], rebuild: bool, pg_url: str | None) -> dict:
    """Every figure in one run of this script."""
    from cchc_metrics.sample.national import national_workbook

    m: dict = {"date": dt.date.today().isoformat(), "state": code_state(), "stores": {},
               "pages": {}}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    url, m["stores"]["SQLite"] = sqlite_store(rebuild)
    m["load"] = [load()]
    print(f"SQLite store ready: {m['stores']['SQLite']}", flush=True)
    m["fresh"] = fresh_process(url)
    print(f"fresh process: {m['fresh']}", flush=True)
    m["trivial"] = baseline(trivial_app, [("year", y) for y in (2023, 2022, 2021, 2020, 2019)])
    m["table"] = table_only(url)
    m["naive"] = naive(national_workbook())
    print("baselines done", flush=True)
    m["pages"]["SQLite 3 (WAL)"] = measure_database(url, pages)
    if pg_url:
        with postgres_store(pg_url) as (pg, summary):
            m["stores"]["PostgreSQL"] = summary
            m["pages"]["PostgreSQL"] = measure_database(pg, pages)
    m["load"].append(load())
    return m


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"comma-separated pages to measure (default: {','.join(PAGES)})")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the SQLite store")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    parser.add_argument("--profile", action="store_true",
                        help="print cProfile of each page (cold alone, warm) instead of timing")
    parser.add_argument("--cold-child", nargs=2, metavar=("URL", "PAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold_child:
        cold_child(*args.cold_child)
        return
    import streamlit as st

    st.set_option("client.showErrorDetails", "full")  # errors in the app are reported in full
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if args.profile:
        url = sqlite_store(args.rebuild)[0]
        for page in pages:
            profile_page(url, page)
        return
    text = section(measure(pages, args.rebuild, os.environ.get(PG_ENV)))
    publish(HEADING, text, write=not args.no_write)


if __name__ == "__main__":
    main()
