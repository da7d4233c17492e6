"""Lĩnh vực: units × fields heatmap, block average per field and where points are lost."""

import streamlit as st

import ui
from cchc_metrics import charts, views
from cchc_metrics.i18n import t

view, units, rev = ui.page("page_fields", search=False)
lang = view.lang
if not ui.no_data(view, units):
    fields, fsum = views.fields_of_block(ui.scores(rev), view)
    if fields.empty:
        st.info(t("no_data", lang), icon="ℹ️")
    else:
        ui.chart(charts.fields_heatmap(fields, lang), key="heatmap")
        left, right = st.columns(2)
        with left:
            ui.chart(charts.field_means(fsum, lang), key="means")
        with right:
            ui.chart(charts.points_lost(fsum, lang), key="lost")
        table = views.field_table(fsum, lang)
        ui.downloads(units, view, key="fields", table=table, title=t("page_fields", lang))
        ui.show_table(table, lang, key="field_table")
