"""Streamlit glue shared by the pages: the store, cached data, the shared controls, renderers."""

from __future__ import annotations

import contextlib
import contextvars
import gc

import pandas as pd
import streamlit as st

from cchc_metrics import views
from cchc_metrics.i18n import LANGS, level_label, number, t
from cchc_metrics.metrics import unit_table
from cchc_metrics.model import BAND_PRESET_LABELS, BAND_PRESETS, DEFAULT_BAND_PRESET
from cchc_metrics.store import open_store

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
        from cchc_metrics.demo import DEMO_DIR, SAMPLE_NOTE, write_demo_files

        files = sorted(DEMO_DIR.glob("*.*")) or write_demo_files(DEMO_DIR)
        with st.spinner("Đang nạp dữ liệu mẫu… / Loading the sample data…"):
            loader = s.system_actor(DEMO_USER)
            for path in files:
                s.import_file(path, user=loader, note=SAMPLE_NOTE)
    return s


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
        views.ranking_table(units(revision, view.bands), view), view.lang))


@st.cache_data(show_spinner=False, max_entries=8)
def is_sample(revision: int) -> bool:
    """Whether any active data is the demo province's (to label it as sample data)."""
    ds = store().datasets()
    return bool(((ds["created_by"] == DEMO_USER) & (ds["active_slices"] > 0)).any())


def to_url(key: str, value, default=None) -> None:
    """Keep the URL in step with a control (stable codes, not labels), so a link reopens it."""
    if value is None or value == "" or value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)


def url_index(key: str, options: list, cast=str, default: int = 0) -> int:
    """The option the URL asks for, fixed at the session's first run (so the widget keeps it)."""
    memo = f"_url_{key}"
    if memo not in st.session_state:
        index = default
        with contextlib.suppress(TypeError, ValueError):
            index = options.index(cast(st.query_params[key])) if key in st.query_params else default
        st.session_state[memo] = index
    return min(st.session_state[memo], max(len(options) - 1, 0))


def follow_link(key: str) -> None:
    """A link that names an option (?year=2026, say from the upload page) wins over the last choice.

    The URL only changes behind the widget's back when a link or the browser's history sets it:
    the widget itself writes what it shows, and `_seen_<key>` remembers that.
    """
    linked, seen = st.query_params.get(key), st.session_state.get(f"_seen_{key}")
    if linked is not None and seen is not None and linked != seen:
        st.session_state.pop(key, None)  # the widget forgets its value, and url_index
        st.session_state.pop(f"_url_{key}", None)  # reads the URL again


def bound(widget, label: str, options: list, key: str, *, cast=str, default: int = 0, **kwargs):
    """A select-like widget whose value lives in the URL as its option code."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]  # e.g. a year that the new data no longer has
        st.session_state[f"_url_{key}"] = default  # nor does the link's choice hold any more
    follow_link(key)
    # persist_state: the filters follow the person from page to page
    value = widget(label, options, index=url_index(key, options, cast, default), key=key,
                   persist_state="session", **kwargs)
    to_url(key, value, options[default] if options else None)
    st.session_state[f"_seen_{key}"] = str(value)
    return value


def unit_picker(names: list[str], lang: str) -> str:
    """The unit picker, bound to ?unit=; a long list is cut (views.picker_names) and says so."""
    keep = st.session_state.get("unit", st.query_params.get("unit"))
    shown = views.picker_names(names, keep)
    unit = bound(st.selectbox, t("pick_unit", lang), shown, "unit")
    if len(shown) < len(names):
        st.caption(t("picker_capped", lang, shown=number(len(shown), 0, lang),
                     total=number(len(names), 0, lang)))
    return unit


def lang() -> str:
    """The language shown: Vietnamese unless the switch (or the URL's ?lang=en) says English."""
    return st.session_state.get("lang", "vi") if st.session_state.get("lang") in LANGS else "vi"


def language_switch() -> str:
    """Tiếng Việt / English, kept in the URL as ?lang=en."""
    value = st.sidebar.segmented_control(
        "Ngôn ngữ / Language", options=list(LANGS), key="lang",
        default=LANGS[url_index("lang", list(LANGS))],
        format_func=lambda x: "Tiếng Việt" if x == "vi" else "English", required=True)
    to_url("lang", value, "vi")
    return lang()


def controls(all_units: pd.DataFrame, *, block: bool = True, search: bool = True,
             all_blocks: bool = False) -> views.View:
    """The shared filters in the sidebar, each bound to the URL, settled to values that exist.

    `all_units` is the unit table or, cheaper, its views.catalog.
    """
    lg = lang()
    side = st.sidebar
    side.header(t("filters", lg))
    ys = views.years(all_units)
    if not ys:
        return views.View(lang=lg)
    year = bound(side.selectbox, t("year", lg), ys, "year", cast=int)
    lvs = views.levels(all_units, None)
    level = bound(side.selectbox, t("level", lg), lvs, "level",
                  format_func=lambda x: level_label(x, lg))
    view = views.settle(all_units, views.View(year=year, level=level, lang=lg))
    view = view.but(level=level)  # keep the chosen level even in a year without it
    if block:
        bls = views.blocks(all_units, year, level)
        if all_blocks and len(bls) > 1:
            chosen = bound(side.selectbox, t("block", lg), ["", *bls], "block",
                           format_func=lambda x: x or t("all_blocks", lg))
            view = view.but(block=chosen or None)
        elif len(bls) > 1:
            view = view.but(block=bound(side.selectbox, t("block", lg), bls, "block"))
        else:
            view = view.but(block=bls[0] if bls else None)
    view = places(all_units, view, lg)
    presets = list(BAND_PRESETS)
    bands = bound(side.selectbox, t("bands", lg), presets, "bands",
                  default=presets.index(DEFAULT_BAND_PRESET),
                  format_func=lambda x: BAND_PRESET_LABELS[x][0 if lg == "vi" else 1])
    view = view.but(bands=bands)
    if search:
        if "q" not in st.session_state:
            st.session_state["q"] = st.query_params.get("q", "")
        text = side.text_input(t("search", lg), key="q", help=t("search_help", lg),
                               placeholder="vd. my loc", persist_state="session")
        to_url("q", text.strip())
        view = view.but(search=text)
    return view


def places(all_units: pd.DataFrame, view: views.View, lg: str) -> views.View:
    """Province, then its districts: the country's 700 districts are not one list.

    District names repeat from province to province, and a select box costs the browser every
    option at every rerun (700 options: about 0.1 s of CPU per page drawn). With one province in
    the data there is no province box; with several, districts are listed once one is chosen.
    """
    side, year, level = st.sidebar, view.year, view.level
    pvs = views.provinces(all_units, year, level)
    province = None
    if len(pvs) > 1:
        linked = st.query_params.get("parent")
        if "_url_province" not in st.session_state and "province" not in st.query_params and (
                owner := views.province_of(all_units, linked)) in pvs:
            st.session_state["_url_province"] = pvs.index(owner) + 1  # a district's old link
        province = bound(side.selectbox, t("province", lg), ["", *pvs], "province",
                         format_func=lambda x: x or t("all", lg)) or None
        view = view.but(province=province)
    if level != "commune" or (len(pvs) > 1 and not province):
        to_url("parent", None)
        return view
    ps = views.parents(all_units, year, level, province)
    if not ps:
        return view
    parent = bound(side.selectbox, t("parent", lg), ["", *ps], "parent",
                   format_func=lambda x: x or t("all", lg))
    return view.but(parent=parent or None)


def page_header(title_key: str, view: views.View, revision: int) -> None:
    """The page title and, when the demo data is shown, the sample-data label."""
    st.title(t(title_key, view.lang))
    if is_sample(revision):
        st.warning(t("sample_data", view.lang), icon="⚠️")


def show_cards(cards: list[views.Card]) -> None:
    """Headline numbers in rows of four."""
    for start in range(0, len(cards), 4):
        cols = st.columns(4)
        for col, card in zip(cols, cards[start:start + 4], strict=False):
            col.metric(card.label, card.value, card.delta, delta_color=card.delta_color,
                       delta_arrow=card.delta_arrow, border=True)


def show_table(table: pd.DataFrame | views.Screen, lang: str, *, key: str | None = None) -> None:
    """A table with numbers in the language's format, a bar beside the index, sparklines.

    Takes a plain table (formatted here) or one already formatted by views.screen_table.
    """
    screen = table if isinstance(table, views.Screen) else views.screen_table(table, lang)
    config = {c: st.column_config.TextColumn(c, alignment="right") for c in screen.numbers}
    if screen.bar:  # the bar only draws the index; its number stays formatted beside it
        config[screen.bar] = st.column_config.ProgressColumn(
            screen.bar, min_value=0, max_value=100, format=" ", width="small")
    if screen.history:
        config[screen.history] = st.column_config.LineChartColumn(
            screen.history, y_min=0, y_max=100)
    data = screen.arrow if screen.arrow is not None else screen.frame
    st.dataframe(data, hide_index=True, column_config=config,
                 key=f"table_{key}" if key else None, width="stretch")


def revision() -> int:
    return store().revision()


# The view the entrypoint's filters chose for this script run (see filters).
_VIEW: contextvars.ContextVar[views.View | None] = contextvars.ContextVar("view", default=None)


def filters(options: dict | None) -> None:
    """Draw the current page's filters from the entrypoint (app.py); None: a page without any.

    Drawn there rather than by each page, the widgets belong to app.py and stay mounted when a
    person changes page: drawn by the page, the browser built every one anew at each click.
    """
    _VIEW.set(None if options is None else controls(catalog(revision()), **options))


def page(title_key: str) -> tuple[views.View, pd.DataFrame, int]:
    """What every page starts with: its filters' view, heading, and the unit table for its bands.

    A page run on its own, without app.py, draws the default filters itself.
    """
    rev = revision()
    view = _VIEW.get()
    if view is None:
        view = controls(catalog(rev))
    page_header(title_key, view, rev)
    return view, units(rev, view.bands), rev


def no_data(view: views.View, all_units: pd.DataFrame | None = None) -> bool:
    """Say why there is nothing to show (a level that did not exist that year); True if so."""
    message = views.level_missing(catalog(revision()) if all_units is None else all_units, view)
    if message:
        st.info(message, icon="ℹ️")
        return True
    if view.year is None:
        st.info(t("no_data", view.lang), icon="ℹ️")
        return True
    return False


class Pane:
    """One of a page's views (its table, its charts): drawn only while the switch shows it."""

    def __init__(self, is_open: bool):
        self.open = is_open
        self._box = st.container() if is_open else None

    def __enter__(self):
        return self._box.__enter__()

    def __exit__(self, *exc):
        return self._box.__exit__(*exc)


def panes(labels: list[str], *, key: str) -> list[Pane]:
    """A switch between a page's views, the first open: only the open one runs and is drawn.

    Charts cost a browser more than anything else on a page, so a page opens on its table and
    draws its charts when asked. A segmented control rather than st.tabs: the same choice, and
    its code is already in the browser for the language switch; st.tabs cost every page load
    about 0.12 s more of browser CPU (one warmed Chromium, national overview, measured).
    The state is the view's position, so it survives a change of language.
    """
    chosen = st.segmented_control(t("view_as", lang()), list(range(len(labels))), default=0,
                                  format_func=lambda i: labels[i], key=key, required=True,
                                  label_visibility="collapsed")
    return [Pane(i == chosen) for i in range(len(labels))]


def chart(fig, *, key: str | None = None) -> None:
    """A plotly figure, full width: PNG from plotly's toolbar, standalone HTML from a button."""
    from cchc_metrics.charts import figure_html

    st.plotly_chart(fig, width="stretch", key=f"chart_{key}" if key else None,
                    config={"displaylogo": False, "toImageButtonOptions": {"format": "png",
                                                                          "scale": 2}})
    st.download_button(t("download_html", lang()), lambda: figure_html(fig),
                       f"bieu-do-{key or 'cchc'}.html", mime="text/html", type="tertiary",
                       icon=":material/download:", key=f"html_{key}" if key else None,
                       on_click="ignore")


def current_actor():
    """The signed-in person's store-issued actor (None when nobody is signed in)."""
    return st.session_state.get("actor")


def column_mapping(columns: pd.DataFrame, lang: str) -> dict[str, str]:
    """Let a person say what each column the reader did not recognise holds; remembered."""
    if columns.empty:
        return {}
    choices = views.mapping_choices(lang)
    signature = views.header_signature(columns)
    remembered = store().recall(f"mapping:{signature}") or {}
    unknown = columns[columns["role"].isna()]
    st.caption(t("columns_help", lang))
    mapping = {}
    for r in unknown.itertuples():
        default = remembered.get(r.header, "ignore")
        options = list(choices)
        picked = st.selectbox(f"{r.sheet} · {r.column} · «{r.header}»", options,
                              index=options.index(default) if default in options else 0,
                              format_func=choices.get, key=f"map_{signature}_{r.sheet}_{r.column}")
        if picked != "ignore":
            mapping[r.header] = picked
    return mapping


def save_mapping(columns: pd.DataFrame, mapping: dict[str, str]) -> None:
    """Remember a mapping for the next file with the same headers."""
    if mapping and not columns.empty:
        store().remember(f"mapping:{views.header_signature(columns)}", mapping,
                         user=current_actor())


def history(s, lang: str) -> None:
    """Every version with who, when, file and note; the original file; rollback."""
    ds = s.datasets()
    if ds.empty:
        st.info(t("no_data", lang), icon=":material/info:")
        return
    status = {"active": t("status_active", lang), "superseded": t("status_superseded", lang),
              "partial": t("status_partial", lang)}
    vi = lang == "vi"
    table = pd.DataFrame({
        "#": ds["dataset_id"],
        ("Thời điểm" if vi else "When"): ds["created_at"].dt.tz_convert("Asia/Ho_Chi_Minh")
        .dt.strftime("%d/%m/%Y %H:%M" if vi else "%Y-%m-%d %H:%M"),
        ("Người nhập" if vi else "By"): ds["created_by"],
        ("Tệp" if vi else "File"): ds["file_name"],
        ("Ghi chú" if vi else "Note"): ds["note"],
        t("year", lang): ds["years"], t("block", lang): ds["blocks"],
        ("Trạng thái" if vi else "Status"): ds["status"].map(lambda x: status.get(x, x)),
    }).iloc[::-1]
    st.dataframe(table, hide_index=True)
    ids = ds["dataset_id"].tolist()[::-1]
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    picked = c1.selectbox(t("rollback_pick", lang), ids, key="history_pick",
                          format_func=lambda i: f"#{i} · {ds.set_index('dataset_id').loc[i, 'file_name']}")
    row = ds.set_index("dataset_id").loc[picked]
    c2.download_button(t("download_original", lang), s.file_bytes(row["sha256"]),
                       row["file_name"], key="history_download", icon=":material/download:",
                       on_click="ignore")
    editor = current_actor() is not None and current_actor().role in ("editor", "admin")
    if editor and c3.button(t("rollback", lang), key="history_rollback",
                            disabled=row["status"] == "active"):
        st.success(s.rollback(int(picked), user=current_actor()).message(lang))
        st.rerun()


def downloads(units: pd.DataFrame, view: views.View, *, key: str, table=None,
              title=None) -> None:
    """Downloads of exactly the table on screen, as XLSX and CSV.

    Without `table`, the view's ranking (a sheet per block and the per-field detail).
    """
    from cchc_metrics.exports import file_stem, table_xlsx, to_csv_bytes, view_csv, view_xlsx

    rev = revision()
    stem = file_stem(view) + ("" if table is None else f"-{key}")
    version = data_version(rev, view) if view.year or view.level else None
    if table is None:
        xlsx = lambda: view_xlsx(units, scores(rev), view, version)  # noqa: E731
        csv = lambda: view_csv(units, view)  # noqa: E731
    else:
        xlsx = lambda: table_xlsx(table, view, title or key, version)  # noqa: E731
        csv = lambda: to_csv_bytes(table, view.lang)  # noqa: E731
    row = st.container(horizontal=True)
    row.download_button(
        t("download_xlsx", view.lang), xlsx, f"{stem}.xlsx", key=f"xlsx_{key}",
        icon=":material/table_view:", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    row.download_button(t("download_csv", view.lang), csv, f"{stem}.csv", key=f"csv_{key}",
                        icon=":material/download:", mime="text/csv", on_click="ignore")


@st.cache_data(show_spinner=False, max_entries=32)
def data_version(revision: int, view: views.View) -> str:
    """Which stored datasets the numbers come from ("#3, #7"), for exports."""
    from cchc_metrics.cli_export import data_version as version

    return version(store(), view.year, view.level)


def table_downloads(table: pd.DataFrame, view: views.View, *, key: str, title: str) -> None:
    """XLSX and CSV downloads of one table that is not a ranking (the audit log)."""
    downloads(table, view, key=key, table=table, title=title)
