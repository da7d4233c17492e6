"""Tổng quan: headline numbers, then the ranking or (on the switch) the bars and distribution."""

import streamlit as st

from cchc_metrics import charts, views
from cchc_metrics.bands import parse_bands
from cchc_metrics.i18n import t
from dashboard import data, filters, widgets

view, units, rev = filters.page("page_overview")
lang = view.lang


def overview_charts():
    """The sorted bars (best and worst when there are many units) and the distribution."""
    shown, bands = views.select(units, view), parse_bands(view.bands)
    return (charts.ranking_bars(shown, bands, lang), charts.index_distribution(shown, bands, lang),
            len(shown))


if not widgets.no_data(view):
    block_view = view.but(search="", parent=None, province=None)  # the cards are the block's
    cards = data.memo("cards", rev, block_view, lambda: views.overview_cards(units, view))
    widgets.show_cards(cards)
    if cards.note:  # the number of units changed: bands are compared by their share
        st.caption(cards.note)
    table = data.ranking(rev, view)
    if table.frame.empty:
        widgets.nothing_found(view)
        st.stop()
    ranking_tab, charts_tab = widgets.panes([t("ranking", lang), t("tab_charts", lang)],
                                      key="overview_tab")
    if ranking_tab.open:
        with ranking_tab:
            widgets.show_table(table, lang, key="ranking")
            if note := table.frame.attrs.get("noise_note"):  # why a «≈» is there
                st.caption(note)
            widgets.downloads(units, view, key="overview")
            st.page_link("app_pages/bao-cao.py", label=t("report_see", lang),
                         icon=":material/description:",
                         query_params={k: v for k, v in (
                             ("kind", "block"), ("year", str(view.year)),
                             ("level", view.level), ("block", view.block)) if v})
    elif charts_tab.open:
        bars, dist, n = data.memo("overview_charts", rev, view, overview_charts)
        with charts_tab:
            left, right = st.columns([3, 2])
            with left:
                widgets.chart(bars, key="bars")
                if note := charts.capped_caption("bars", n, view.level, lang):
                    st.caption(note)
            with right:
                widgets.chart(dist, key="dist")
    # the block's service indicators beside its index (the latest month of the year)
    period, service = data.memo("overview_indicators", rev, block_view, lambda: (
        views.overview_indicators(data.indicators(rev), data.targets(rev), block_view)))
    if service:
        st.subheader(t("ind_overview", lang, period=period))
        widgets.show_cards(service)
        st.page_link("app_pages/phuc-vu.py", label=t("ind_see", lang),
                     icon=":material/support_agent:")
