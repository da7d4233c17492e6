"""The data every page reads, cached on the store's revision and shared by all sessions."""

from __future__ import annotations

import gc

import pandas as pd
import streamlit as st

from cchc_metrics import views
from cchc_metrics.bands import DEFAULT_BAND_PRESET
from cchc_metrics.i18n import t
from cchc_metrics.metrics import unit_table
from cchc_metrics.store import open_store
from dashboard.url import lang

# What is computed from the data is cached on the store's revision (a new upload is a new
# revision, seen at the next rerun) and on the filters, and shared by every session of the
# server: a rerun that changes nothing recomputes nothing. Large frames and figures are cached
# with st.cache_resource (no copy per rerun, unlike st.cache_data, which unpickles its value at
# every hit); they are read-only by convention — pandas' copy-on-write keeps derived frames
# from writing into them. Cache keys are small (revision, view, names), never a DataFrame.

DEMO_USER = "demo"


def freeze_imports() -> None:
    """Once per process: take the loaded modules out of the collection Streamlit runs per rerun.

    After every script run Streamlit calls gc.collect(2) (runner.postScriptGC). With Streamlit,
    pandas and plotly loaded that walks some 150,000 long-lived objects: 50–100 ms of CPU per
    rerun while holding the GIL, so every other session's rerun waits too. Frozen objects are
    still freed by reference counting; the per-run collection then walks only newer objects.
    What is alive at that first run (the first session's state too) stays out of the cyclic
    collector for good: a small, one-time amount.
    """
    if gc.get_freeze_count():
        return
    import plotly.graph_objects  # noqa: F401 — the charts load it anyway; freeze it with the rest

    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner=False)
def store():
    """One store per server process; the demo province is loaded when the database is empty."""
    s = open_store()
    if s.revision() == 0:
        from cchc_metrics.sample.demo import DEMO_DIR, SAMPLE_NOTE, write_demo_files

        files = sorted(DEMO_DIR.glob("*.*")) or write_demo_files(DEMO_DIR)
        with st.spinner(t("loading_sample", lang())):
            loader = s.accounts.system_actor(DEMO_USER)
            for path in files:
                s.import_file(path, user=loader, note=SAMPLE_NOTE)
            from cchc_metrics.ingest.crosswalk import read_crosswalk
            from cchc_metrics.sample.demo import CROSSWALK_FILE, crosswalk_workbook

            crosswalk = crosswalk_workbook()  # the fictional province's 2025 mergers
            s.lineage.import_crosswalk(read_crosswalk(crosswalk, name=CROSSWALK_FILE),
                                       file_name=CROSSWALK_FILE, file_bytes=crosswalk,
                                       user=loader, note=SAMPLE_NOTE)
            load_sample_indicators(s, loader, SAMPLE_NOTE)
    import logging

    if not s.accounts.has_admin():  # said to the server's operator, not to every visitor
        logging.getLogger("cchc").warning("%s / %s", t("no_admin_howto", "vi"),
                                          t("no_admin_howto", "en"))
    if not st.get_option("server.enableXsrfProtection"):
        logging.getLogger("cchc").warning("%s / %s", t("xsrf_off", "vi"), t("xsrf_off", "en"))
    return s


def load_sample_indicators(s, loader, note: str) -> None:
    """The sample province's 24 months of service indicators, read from the workbooks it sends
    (as an upload would), and its targets."""
    from cchc_metrics.ingest.indicators import read_indicators
    from cchc_metrics.sample import services

    for name, make in ((services.SERVICE_FILE, services.service_workbook),
                       (services.STATISTICS_FILE, services.statistics_workbook)):
        data = make()
        s.indicators.import_rows(read_indicators(data, name=name).rows, file_name=name,
                                 file_bytes=data, user=loader, note=note)
    s.targets.save(services.demo_targets(), user=loader, file_name="chi_tieu_mau", note=note)
    from cchc_metrics.ingest.criteria import read_criteria
    from cchc_metrics.sample.criteria import CRITERIA_FILE, criteria_workbook

    for year in (2024, 2025):  # the departments' criterion trees, as the council publishes them
        data = criteria_workbook(year)
        name = CRITERIA_FILE.format(year=year)
        s.criteria.import_rows(read_criteria(data, name=name).rows, file_name=name,
                               file_bytes=data, user=loader, note=note)


@st.cache_resource(show_spinner=False, max_entries=2)
def criteria(revision: int) -> pd.DataFrame:
    """The criterion trees pages read (read-only)."""
    return store().criteria.rows()


@st.cache_resource(show_spinner=False, max_entries=2)
def indicators(revision: int) -> pd.DataFrame:
    """The service indicators pages read, with their unit ids (read-only)."""
    from cchc_metrics.indicators import prepared

    return prepared(store().indicators.rows())


@st.cache_resource(show_spinner=False, max_entries=2)
def targets(revision: int) -> pd.DataFrame:
    """The province's active targets (read-only)."""
    return store().targets.rows()


@st.cache_resource(show_spinner=False, max_entries=2)
def scores(revision: int) -> pd.DataFrame:
    """Active scores; cached on the store's revision, so a new upload is seen at the next rerun."""
    return store().scores()


@st.cache_resource(show_spinner=False, max_entries=2)
def base_units(revision: int) -> pd.DataFrame:
    """The unit table of every year and block under the default band scheme (read-only)."""
    return views.prepared(unit_table(scores(revision), bands=DEFAULT_BAND_PRESET))


@st.cache_resource(show_spinner=False, max_entries=8)
def units(revision: int, bands: str) -> pd.DataFrame:
    """The unit table for a band scheme: the default one re-banded, not recomputed (read-only)."""
    base = base_units(revision)
    return base if bands == DEFAULT_BAND_PRESET else views.with_bands(base, bands)


@st.cache_resource(show_spinner=False, max_entries=2)
def places(revision: int) -> pd.DataFrame:
    """Where each commune and district is: the official list's coordinates for names that match
    exactly one unit, and the sample province's own (fictional) places while it is shown."""
    from cchc_metrics.places import coordinates

    found = coordinates(base_units(revision))
    if is_sample(revision):
        from cchc_metrics.sample.demo import demo_coordinates

        found = pd.concat([demo_coordinates(), found], ignore_index=True).drop_duplicates(
            ["level", "unit", "before"])
    return found


@st.cache_resource(show_spinner=False, max_entries=2)
def lineage(revision: int) -> pd.DataFrame:
    """The active crosswalks' rows: who was formed from whom (read-only)."""
    return store().lineage.rows()


@st.cache_resource(show_spinner=False, max_entries=2)
def catalog(revision: int) -> pd.DataFrame:
    """Years, levels, blocks and districts present: all the controls need, a few thousand rows."""
    return views.catalog(base_units(revision))


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600)
def _memo(name: str, revision: int, key, _compute):
    return _compute()


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def _memo_block(name: str, revision: int, key, _compute):
    return _compute()


def memo(name: str, revision: int, key, compute, *, block: bool = False):
    """compute() once per name, data revision and key (small values: a View, a unit name …).

    Shared by all sessions; the result must be treated as read-only. What a page shows for one
    view is small; `block=True` keeps the few large per-block frames (80,000 rows nationally) in
    a cache of their own, so they do not crowd the views out.
    """
    return (_memo_block if block else _memo)(name, revision, key, compute)


BLOCK = ["year", "level", "block"]


@st.cache_resource(show_spinner=False, max_entries=2)
def score_runs(revision: int) -> dict:
    """Where each year × level × block sits in the scores (views.row_runs)."""
    return views.row_runs(scores(revision), BLOCK)


def block_scores(revision: int, year: int, level: str, block: str) -> pd.DataFrame:
    """The scores of one ranking block in a year (a unit's profile, a comparison, the fields)."""
    return views.rows_of(scores(revision), score_runs(revision), (int(year), level, block))


def block_fields(revision: int, year: int, level: str, block: str) -> pd.DataFrame:
    """unit_fields of one block in a year: each unit's fields with the block's mean."""
    from cchc_metrics.metrics import unit_fields

    return memo("block_fields", revision, (int(year), level, block),
                lambda: unit_fields(block_scores(revision, year, level, block)), block=True)


def block_summary(revision: int, year: int, level: str, block: str) -> pd.DataFrame:
    """field_summary of one block in a year: the block's mean per field."""
    from cchc_metrics.metrics import field_summary

    return memo("block_summary", revision, (int(year), level, block),
                lambda: field_summary(block_scores(revision, year, level, block)))


def ranking(revision: int, view: views.View) -> views.Screen:
    """The ranking table of the view as shown (views.ranking_table, formatted once)."""
    return memo("ranking", revision, view, lambda: views.screen_table(
        views.ranking_table(units(revision, view.bands), view, numeric_changes=True,
                            lineage=lineage(revision), note_column=False), view.lang))


@st.cache_data(show_spinner=False, max_entries=8)
def is_sample(revision: int) -> bool:
    """Whether any active data is the demo province's (to label it as sample data)."""
    ds = store().datasets()
    return bool(((ds["created_by"] == DEMO_USER) & (ds["active_slices"] > 0)).any())


def revision() -> int:
    return store().revision()




@st.cache_data(show_spinner=False, max_entries=32)
def data_version(revision: int, view: views.View) -> str:
    """Which stored datasets the numbers come from ("#3, #7"), for exports."""
    return store().data_version(view.year, view.level)
