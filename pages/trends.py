"""Xu hướng: the block over the years — index lines, rank bumps, movers and band counts."""

import streamlit as st

import ui
from cchc_metrics import charts, views
from cchc_metrics.i18n import t
from cchc_metrics.model import parse_bands

view, units, rev = ui.page("page_trends")
lang = view.lang
ui.no_data(view, units)  # says so when the level has no data in the chosen year
rows = views.trend_rows(units, view)
if rows.empty:
    st.info(t("no_data", lang), icon="ℹ️")
    st.stop()
latest = rows[rows["year"] == rows["year"].max()].sort_values("rank")
default = latest["unit"].head(5).tolist()
picked = views.trend_rows(units, view, default if not view.search else
                          sorted(set(views.select(units, view, year=False)["unit"]))[:8])
lines = charts.trend_lines(picked, lang)
left, right = st.columns(2)
with left:
    ui.chart(lines, key="lines")
with right:
    ui.chart(charts.rank_bump(picked, lang), key="bump")
year_rows = views.select(units, view.but(search=""))
c1, c2 = st.columns(2)
with c1:
    ui.chart(charts.movers(year_rows, lang), key="movers")
with c2:
    ui.chart(charts.band_counts_over_time(views.block_band_counts(units, view),
                                          parse_bands(view.bands), lang), key="bands")
table = views.trend_table(views.trend_rows(units, view), lang)
st.subheader(t("col_index", lang))
ui.downloads(units, view, key="trends", table=table, title=t("page_trends", lang))
ui.show_table(table, lang, key="trend_table")
