"""Tổng quan: headline numbers, then the ranking or (on the switch) the bars and distribution."""

import streamlit as st

import ui
from cchc_metrics import charts, views
from cchc_metrics.i18n import t
from cchc_metrics.model import parse_bands

view, units, rev = ui.page("page_overview")
lang = view.lang


def overview_charts():
    """The sorted bars (best and worst when there are many units) and the distribution."""
    shown, bands = views.select(units, view), parse_bands(view.bands)
    return (charts.ranking_bars(shown, bands, lang), charts.index_distribution(shown, bands, lang),
            len(shown))


if not ui.no_data(view):
    block_view = view.but(search="", parent=None, province=None)  # the cards are the block's
    ui.show_cards(ui.memo("cards", rev, block_view, lambda: views.overview_cards(units, view)))
    table = ui.ranking(rev, view)
    if table.frame.empty:
        st.info(t("no_data", lang), icon="ℹ️")
        st.stop()
    ranking_tab, charts_tab = ui.panes([t("ranking", lang), t("tab_charts", lang)],
                                      key="overview_tab")
    if ranking_tab.open:
        with ranking_tab:
            ui.show_table(table, lang, key="ranking")
            ui.downloads(units, view, key="overview")
    elif charts_tab.open:
        bars, dist, n = ui.memo("overview_charts", rev, view, overview_charts)
        with charts_tab:
            left, right = st.columns([3, 2])
            with left:
                ui.chart(bars, key="bars")
                if note := charts.capped_caption("bars", n, view.level, lang):
                    st.caption(note)
            with right:
                ui.chart(dist, key="dist")
