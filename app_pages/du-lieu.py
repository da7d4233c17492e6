"""Dữ liệu & xuất: the filtered ranking of every block, exactly as the downloads hold it."""

import streamlit as st

from cchc_metrics.i18n import t
from dashboard import data, filters, widgets

view, units, rev = filters.page("page_data")
if not widgets.no_data(view):
    st.caption(t("page_data_intro", view.lang))
    table = data.ranking(rev, view)
    if table.frame.empty:
        widgets.nothing_found(view)
    else:
        widgets.downloads(units, view, key="data")
        widgets.show_table(table, view.lang, key="data")
