"""The sidebar: language and the shared filters, drawn by app.py and read by the pages."""

from __future__ import annotations

import contextvars

import pandas as pd
import streamlit as st

from cchc_metrics import views
from cchc_metrics.bands import BAND_PRESETS, DEFAULT_BAND_PRESET
from cchc_metrics.i18n import LANGS, level_label, t
from dashboard.data import catalog, revision, units
from dashboard.url import bound, lang, to_url, url_index
from dashboard.widgets import page_header


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
                  format_func=lambda x: t(f"bands_{x}", lg))
    view = view.but(bands=bands)
    if search:
        if "q" not in st.session_state:
            st.session_state["q"] = st.query_params.get("q", "")
        text = side.text_input(t("search", lg), key="q", help=t("search_help", lg),
                               placeholder=t("search_placeholder", lg), persist_state="session")
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


_VIEW: contextvars.ContextVar[views.View | None] = contextvars.ContextVar("view", default=None)


def filters(options: dict | None) -> None:
    """Draw the current page's filters from the entrypoint (app.py); None: a page without any.

    Drawn there rather than by each page, the widgets belong to app.py and stay mounted when a
    person changes page: drawn by the page, the browser built every one anew at each click.
    """
    _VIEW.set(None if options is None else controls(catalog(revision()), **options))


def page(title_key: str) -> tuple[views.View, pd.DataFrame, int]:
    """What every page starts with: its filters' view, heading, and the unit table for its bands.

    A page run on its own, without app.py (a script outside the navigation), draws the default
    filters itself.
    """
    rev = revision()
    view = _VIEW.get()
    if view is None:
        view = controls(catalog(rev))
    page_header(title_key, view, rev)
    return view, units(rev, view.bands), rev
