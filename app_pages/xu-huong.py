"""Xu hướng: the block over the years — index lines, rank bumps, movers and band counts."""

import streamlit as st

from cchc_metrics import charts, views
from cchc_metrics.bands import parse_bands
from cchc_metrics.i18n import t
from dashboard import data, filters, widgets

view, units, rev = filters.page("page_trends")
lang = view.lang
widgets.no_data(view)  # says so when the level has no data in the chosen year
# Most of the page spans every year: cached without the year, so a year change redraws the movers
# alone; the search only picks which units the lines follow.
over_years = view.but(year=None, search="")


def block_over_years():
    """The block's units over the years: the table behind the lines, band counts, the top five."""
    rows = views.trend_rows(units, view)
    if rows.empty:
        return None
    latest = rows[rows["year"] == rows["year"].max()].sort_values("rank")
    top = views.trend_rows(units, view, latest["unit"].head(5).tolist())
    table = views.trend_table(rows, lang)
    return {"lines": charts.trend_lines(top, lang), "bump": charts.rank_bump(top, lang),
            "bands": charts.band_counts_over_time(views.block_band_counts(units, view),
                                                  parse_bands(view.bands), lang),
            "table": table, "screen": views.screen_table(table, lang)}


def searched():
    """Lines and bumps of up to eight units found by the search."""
    names = sorted(set(views.select(units, view, year=False)["unit"]))[:8]
    picked = views.trend_rows(units, view, names)
    return charts.trend_lines(picked, lang), charts.rank_bump(picked, lang)


shown = data.memo("trends", rev, over_years, block_over_years)
if shown is None:
    st.info(t("no_data", lang), icon="ℹ️")
    st.stop()
lines, bump = (data.memo("trends_search", rev, view.but(year=None), searched) if view.search
               else (shown["lines"], shown["bump"]))
left, right = st.columns(2)
with left:
    widgets.chart(lines, key="lines")
with right:
    widgets.chart(bump, key="bump")
movers = data.memo("movers", rev, view.but(search=""),
                 lambda: charts.movers(views.select(units, view.but(search="")), lang))
c1, c2 = st.columns(2)
with c1:
    widgets.chart(movers, key="movers")
with c2:
    widgets.chart(shown["bands"], key="bands")
st.subheader(t("col_index", lang))
widgets.downloads(units, view, key="trends", table=shown["table"], title=t("page_trends", lang))
widgets.show_table(shown["screen"], lang, key="trend_table")
