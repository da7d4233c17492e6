"""Xu hướng: the block over the years — index lines, rank bumps, movers and band counts."""

import streamlit as st

from cchc_metrics import charts, views
from cchc_metrics.bands import parse_bands
from cchc_metrics.i18n import t
from dashboard import data, filters, url, widgets

view, units, rev = filters.page("page_trends")
lang = view.lang
widgets.no_data(view)  # says so when the level has no data in the chosen year
# Most of the page spans every year: cached without the year, so a year change redraws the movers
# alone; the units followed (chosen, found by the search, else the top five) pick the lines.
over_years = view.but(year=None, search="")


def block_over_years():
    """The block's units over the years: names to follow, the top five, band counts, the table."""
    rows = views.trend_rows(units, view)
    if rows.empty:
        return None
    table = views.trend_table(rows, lang)
    return {"names": views.trend_names(rows), "top": views.top_units(rows),
            "bands": charts.band_counts_over_time(views.block_band_counts(units, view),
                                                  parse_bands(view.bands), lang),
            "table": table, "screen": views.screen_table(table, lang)}


shown = data.memo("trends", rev, over_years, block_over_years)
if shown is None:
    st.info(t("no_data", lang), icon="ℹ️")
    st.stop()
names = shown["names"]
found = data.memo("trends_found", rev, view.but(year=None), lambda: views.trend_names(
    views.select(units, view, year=False))[:views.MOST_FOLLOWED]) if view.search else None
default = shown["top"] if found is None else found


def picked() -> None:
    """The person chose whom to follow (an emptied choice goes back to the default)."""
    st.session_state["_trend_picked"] = bool(st.session_state.get("trend_units"))


if "trend_units" not in st.session_state:  # a link's ?follow=A|B, else the default
    linked = [u for u in st.query_params.get("follow", "").split("|") if u in names]
    st.session_state["trend_units"] = linked[:views.MOST_FOLLOWED]
    st.session_state["_trend_picked"] = bool(linked)
kept = [u for u in st.session_state["trend_units"] if u in names]
if not (st.session_state.get("_trend_picked") and kept):  # none chosen, or none in this block
    st.session_state["_trend_picked"], kept = False, default
st.session_state["trend_units"] = kept
chosen = st.multiselect(t("trend_units", lang), views.follow_options(names, kept), key="trend_units",
                        max_selections=views.MOST_FOLLOWED, on_change=picked,
                        help=t("trend_units_help", lang))
url.to_url("follow", "|".join(chosen), "|".join(default))


def followed():
    """Index lines and rank bumps of the units followed."""
    rows = views.trend_rows(units, view, chosen)
    lineage = data.lineage(rev)  # a merged unit's former units, dotted before it
    return (charts.trend_lines(rows, lang, views.area_rows(units, lineage, view.level, chosen)),
            charts.rank_bump(rows, lang, views.former_rows(units, lineage, view.level, chosen)))


lines, bump = data.memo("trend_lines", rev, (over_years, tuple(chosen)), followed)
left, right = st.columns(2)
with left:
    widgets.chart(lines, key="lines")
with right:
    widgets.chart(bump, key="bump")
movers = data.memo("movers", rev, view.but(search=""), lambda: charts.movers(
    views.merger_changes(views.select(units, view.but(search="")), units, data.lineage(rev),
                         lang), lang))
c1, c2 = st.columns(2)
with c1:
    widgets.chart(movers, key="movers")
with c2:
    widgets.chart(shown["bands"], key="bands")
st.subheader(t("col_index", lang))
widgets.downloads(units, view, key="trends", table=shown["table"], title=t("page_trends", lang))
widgets.show_table(shown["screen"], lang, key="trend_table")
