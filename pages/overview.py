"""Tổng quan: headline numbers, the ranking table, the sorted bars and the distribution."""

import streamlit as st

import ui
from cchc_metrics import charts, views
from cchc_metrics.i18n import number, t
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
    st.subheader(t("ranking", lang))
    table = ui.ranking(rev, view)
    if table.frame.empty:
        st.info(t("no_data", lang), icon="ℹ️")
    else:
        ui.show_table(table, lang, key="ranking")
        ui.downloads(units, view, key="overview")
        bars, dist, n = ui.memo("overview_charts", rev, view, overview_charts)
        left, right = st.columns([3, 2])
        with left:
            ui.chart(bars, key="bars")
            if n > charts.MAX_BARS:
                hint = "narrow_parent" if view.level == "commune" else "narrow_search"
                st.caption(t("bars_capped", lang, half=charts.MAX_BARS // 2,
                             total=number(n, 0, lang)) + " " + t(hint, lang))
        with right:
            ui.chart(dist, key="dist")
