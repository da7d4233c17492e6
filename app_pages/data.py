"""Dữ liệu & xuất: the filtered ranking of every block, exactly as the downloads hold it."""

import streamlit as st

import ui
from cchc_metrics.i18n import t

view, units, rev = ui.page("page_data")
if not ui.no_data(view):
    st.caption(t("page_data_intro", view.lang))
    table = ui.ranking(rev, view)
    if table.frame.empty:
        st.info(t("no_data", view.lang), icon=":material/info:")
    else:
        ui.downloads(units, view, key="data")
        ui.show_table(table, view.lang, key="data")
