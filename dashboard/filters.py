"""The sidebar: language and the shared filters, drawn by app.py and read by the pages."""

from __future__ import annotations

import contextvars

import pandas as pd
import streamlit as st

from cchc_metrics import views
from cchc_metrics.bands import BAND_PRESETS, DEFAULT_BAND_PRESET
from cchc_metrics.i18n import LANGS, level_label, t
from dashboard.data import catalog, revision, units
from dashboard.url import bound, lang, settle_widget, to_url, url_index
from dashboard.widgets import flash, page_header


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
    for key, value in st.session_state.pop("_move_to", {}).items():  # see move_to()
        settle_widget(key, value)
    side = st.sidebar
    side.header(t("filters", lg))
    ys = views.years(all_units)
    if not ys:
        return views.View(lang=lg)
    year = bound(side.selectbox, t("year", lg), ys, "year", cast=int)
    lvs = views.levels(all_units, None)
    level = bound(side.selectbox, t("level", lg), lvs, "level",
                  format_func=lambda x: level_label(x, lg))
    if level not in views.levels(all_units, year) and (
            shown := views.latest_year_of(all_units, level)):  # no districts after 2024
        flash(t("level_moved", lg, year=year, level=t(f"level_units_{level}", lg), shown=shown))
        move_to({"year": shown})
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
                  format_func=lambda x: t(f"bands_{x}", lg), help=t("bands_help", lg))
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


def move_to(filters: dict) -> None:
    """Set filters that are already drawn this run: at the start of the next run, which begins now.

    (A widget's value cannot change once it is drawn; controls() applies these first.)
    """
    st.session_state["_move_to"] = filters
    st.rerun()


def follow_unit(units: pd.DataFrame, view: views.View, linked: str | None) -> None:
    """Open the block, district and year where a linked unit, or the search's unit, is ranked.

    A link's unit is followed once (the person may then choose another block); a search is
    followed when the view's block has no match but another block of the year has.
    """
    if linked and linked == st.session_state.get("_seen_unit"):
        linked = None  # the person's own choice, not a link
    attempt = (linked, view.search, view.year)
    if (not linked and not view.search) or st.session_state.get("_located") == attempt:
        return
    target = views.locate(units, view, unit=linked)
    st.session_state["_located"] = attempt
    if target is None:
        return
    moves = {k: getattr(target, k) or "" for k in ("year", "level", "block", "province",
                                                    "parent")
             if getattr(target, k) != getattr(view, k)}
    if len(views.provinces(units)) <= 1:
        moves.pop("province", None)  # one province: it has no box
    flash(t("unit_found_in" if linked else "search_found_in", view.lang,
            unit=linked or view.search.strip(), block=target.block, year=target.year))
    move_to(moves)


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
    shown = units(rev, view.bands)
    linked = st.query_params.get("unit") if title_key == "page_profile" else None
    follow_unit(shown, view, linked)
    page_header(title_key, view, rev)
    return view, shown, rev
