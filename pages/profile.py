"""Hồ sơ đơn vị: one unit over the years, its fields against the block, the summary paragraph."""

import streamlit as st

import ui
from cchc_metrics import charts, views
from cchc_metrics.i18n import pct, t

view, units, rev = ui.page("page_profile", search=True)
lang = view.lang
names = views.unit_choices(units, view)
if not names:
    st.info(t("no_data", lang), icon="ℹ️")
    st.stop()
unit = ui.bound(st.selectbox, t("pick_unit", lang), names, "unit")
history = views.unit_history(units, unit, view.level)
ui.chart(charts.unit_history(history, lang), key="history")
this_year = history[history["year"] == view.year]
row = (this_year if not this_year.empty else history).iloc[-1]
scores = ui.scores(rev)
st.markdown(views.profile_paragraph(units, scores, row, lang))
table, fields = views.unit_field_table(scores, row, lang)
left, right = st.columns(2)
with left:
    ui.chart(charts.fields_vs_block(fields, lang), key="vs_block")
with right:
    ui.chart(charts.self_vs_appraised(fields, lang), key="self")
ui.show_table(table, lang, key="fields")
if row["level"] == "district":
    communes = views.district_communes(units, unit, int(row["year"]))
    if communes:
        st.subheader(t("communes_of", lang, unit=unit))
        c1, c2, c3 = st.columns(3)
        c1.metric(t("communes_mean", lang), pct(communes["mean_index_pct"], 2, lang), border=True)
        best, worst = communes["best"], communes["worst"]
        c2.metric(t("best_unit", lang), best["unit"], pct(best["index_pct"], 2, lang),
                  delta_color="off", border=True)
        c3.metric(t("worst_unit", lang), worst["unit"], pct(worst["index_pct"], 2, lang),
                  delta_color="off", border=True)
