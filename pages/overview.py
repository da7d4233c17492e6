"""Tổng quan: headline numbers, the ranking table, the sorted bars and the distribution."""

import streamlit as st

import ui
from cchc_metrics import charts, views
from cchc_metrics.i18n import t
from cchc_metrics.model import parse_bands

view, units, rev = ui.page("page_overview")
if not ui.no_data(view, units):
    ui.show_cards(views.overview_cards(units, view))
    st.subheader(t("ranking", view.lang))
    table = views.ranking_table(units, view)
    if table.empty:
        st.info(t("no_data", view.lang), icon="ℹ️")
    else:
        ui.show_table(table, view.lang, key="ranking")
        shown = views.select(units, view)
        bands = parse_bands(view.bands)
        bars = charts.ranking_bars(shown, bands, view.lang)
        ui.downloads(units, view, key="overview")
        left, right = st.columns([3, 2])
        with left:
            ui.chart(bars, key="bars")
        with right:
            ui.chart(charts.index_distribution(shown, bands, view.lang), key="dist")
