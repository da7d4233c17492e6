"""Chỉ số phục vụ: the service indicators of a block for a period — ranking with targets, units
below target, month by month."""

import streamlit as st

from cchc_metrics import charts, escape, views
from cchc_metrics.i18n import level_label, t
from cchc_metrics.indicators import KINDS, months_of, period_label
from cchc_metrics.indicators.periods import KIND_NAMES
from dashboard import data, filters, url, widgets

view, _, rev = filters.page("page_services")
lang = view.lang
rows, targets = data.indicators(rev), data.targets(rev)
months = data.memo("indicator_months", rev, None, lambda: views.indicator_months(rows))
last = views.latest_month(months, view.year, view.level)
if last is None:  # no indicators for this level and year: say where there are some
    st.info(t("ind_none", lang, level=level_label(view.level, lang).lower() if view.level
              else "—", year=view.year), icon=":material/info:")
    for (year, level), _part in months.groupby(["year", "level"]):
        st.page_link("app_pages/phuc-vu.py", label=f"{level_label(level, lang)} · {year}",
                     icon=":material/arrow_forward:",
                     query_params={"year": str(year), "level": level})
    st.stop()

names = views.indicator_choices(lang)
left, middle, right = st.columns([3, 2, 2])
with left:
    indicator = url.bound(st.selectbox, t("ind_indicator", lang), list(names), "indicator",
                          format_func=names.get)
with middle:
    kind = url.bound(st.selectbox, t("ind_period", lang), list(KINDS), "period",
                     format_func=lambda k: KIND_NAMES[k].text(lang))
with right:
    if kind in ("month", "ytd"):
        have = sorted(months[(months["year"] == view.year) &
                             (months["level"] == view.level)]["month"].tolist())
        month = url.bound(st.selectbox, t("ind_month", lang), have, "month", cast=int,
                          default=len(have) - 1)
    elif kind == "quarter":
        month = 3 * url.bound(st.selectbox, t("ind_quarter", lang), [1, 2, 3, 4], "quarter",
                              cast=int, default=(last - 1) // 3,
                              format_func=lambda q: ("I", "II", "III", "IV")[q - 1])
    else:
        month = 12
first, final = months_of(kind, month)
st.subheader(f"{names[indicator]} — {period_label(int(view.year), first, final, lang)}")


def ranked():
    """The period's table, its sentence, cards, screen table and units below target."""
    table = views.indicator_rows(rows, targets, view, indicator, first, final)
    shown = views.indicator_ranking(table, indicator, lang)
    return {"table": table, "shown": shown, "screen": views.screen_table(shown, lang),
            "sentence": views.indicator_sentence(table, indicator, view, first, final),
            "cards": views.indicator_cards(table, indicator, view),
            "below": views.below_target(table, indicator, lang)}


out = data.memo("indicators", rev, (view, indicator, first, final), ranked)
if out["table"].empty:
    st.info(t("no_data", lang), icon=":material/info:")
    st.stop()
st.markdown(escape.markdown(out["sentence"]))
widgets.show_cards(out["cards"])
widgets.show_table(out["screen"], lang, key="indicator")
widgets.downloads(out["shown"], view, key="indicators", table=out["shown"],
                  title=f"{names[indicator]} — {period_label(int(view.year), first, final, lang)}")
st.subheader(t("ind_below", lang))
if out["below"].empty:
    st.success(t("ind_all_met", lang), icon=":material/check_circle:")
else:
    widgets.show_table(out["below"], lang, key="below")

st.subheader(t("ind_trend", lang))
units = sorted(out["table"]["unit"].unique(), key=views.folded)
if "indicator_units" not in st.session_state:  # a link's ?follow=A|B
    st.session_state["indicator_units"] = [
        u for u in st.query_params.get("follow", "").split("|") if u in units
    ][:views.MOST_FOLLOWED]
st.session_state["indicator_units"] = [u for u in st.session_state["indicator_units"]
                                       if u in units]  # units of another block drop out
chosen = st.multiselect(t("ind_follow", lang), units, key="indicator_units",
                        max_selections=views.MOST_FOLLOWED,
                        placeholder=t("ind_follow_placeholder", lang))
url.to_url("follow", "|".join(chosen))
series = data.memo("indicator_trend", rev, (view.level, view.block, indicator, tuple(chosen),
                                             lang), lambda: charts.indicator_trend(
    views.monthly_trend(rows, targets, view, indicator, chosen, data.lineage(rev)), indicator,
    lang))
widgets.chart(series, key="indicator_trend")
