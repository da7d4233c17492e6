"""Hồ sơ đơn vị: the summary paragraph, then the unit's fields or (on the switch) its charts."""

import streamlit as st

from cchc_metrics import charts, escape, views
from cchc_metrics.i18n import pct, t
from dashboard import data, filters, widgets

view, units, rev = filters.page("page_profile")
lang = view.lang
names = data.memo("unit_choices", rev, (view.level, view.block, view.province, view.parent,
                                      view.search),
                lambda: views.unit_choices(units, view))
if not names:
    widgets.nothing_found(view)
    st.stop()
unit = widgets.unit_picker(names, lang, data.memo(
    "last_years", rev, (view.year, view.level, view.block, view.province, view.parent, view.search),
    lambda: views.last_years(units, view, names)))


def profile():
    """Everything shown about the unit: computed once per unit, year, bands and language."""
    history = views.unit_history(units, unit, view.level)
    this_year = history[history["year"] == view.year]
    row = (this_year if not this_year.empty else history).iloc[-1]
    block = (rev, int(row["year"]), row["level"], row["block"])
    scores = data.block_scores(*block)
    table, fields = views.unit_field_table(scores, row, lang, fields=data.block_fields(*block))
    communes = views.district_communes(units, unit, int(row["year"])) \
        if row["level"] == "district" else None
    merged = views.unit_lineage(units, data.lineage(rev), unit, row["level"], lang, method)
    return {"year": int(row["year"]), "history": charts.unit_history(history, lang),
            "paragraph": views.profile_paragraph(units, scores, row, lang, data.lineage(rev)),
            "plan": views.plan_sentence(units, scores, row, view.bands, lang,
                                        data.criteria(rev)),
            "goals": views.par_targets(data.targets(rev), units, row, lang),
            "criteria": views.unit_criteria_table(data.criteria(rev), unit, int(row["year"]),
                                                  row["level"], lang),
            "indicators": views.unit_indicators(data.indicators(rev), data.targets(rev), unit,
                                                row["level"], lang),
            "code": views.code_line(row, lang),
            "table": views.screen_table(table, lang),
            "vs_block": charts.fields_vs_block(fields, lang),
            "self": charts.self_vs_appraised(fields, lang), "communes": communes,
            "lineage": merged}


method = st.session_state.get("area_method") or "mean"  # how a merged unit's area is combined
shown = data.memo("profile", rev, (view, unit, method), profile)
if shown["year"] != view.year:  # e.g. a department merged away, or a district after 2024
    st.info(escape.markdown(t("profile_other_year", lang, unit=unit, year=view.year,
                              shown=shown["year"])),
            icon=":material/event_busy:")
if (merged := shown["lineage"]) and "merged_into" in merged:  # where a merged unit went
    st.info(escape.markdown(merged["sentence"]), icon=":material/merge:")
    st.page_link("app_pages/ho-so.py", label=merged["merged_into"],
                 icon=":material/arrow_forward:", query_params={"unit": merged["merged_into"]})
st.markdown(escape.markdown(shown["paragraph"]))
st.markdown(escape.markdown(shown["plan"]))  # what it takes to move up, others unchanged
for line in (shown["goals"], shown["indicators"]):  # its registered goals; its latest month
    if line:
        st.markdown(escape.markdown(line))
if shown["code"]:  # a commune's or district's official identity, for a person to check
    st.caption(escape.markdown(shown["code"]))
st.page_link("app_pages/bao-cao.py", label=t("report_see", lang), icon=":material/description:",
             query_params={k: v for k, v in (("kind", "unit"), ("unit", unit),
                                             ("year", str(shown["year"])),
                                             ("level", view.level)) if v})
fields_tab, charts_tab = widgets.panes([t("tab_fields", lang), t("tab_charts", lang)],
                                 key="profile_tab")
if fields_tab.open:
    with fields_tab:
        if shown["table"].frame.empty:  # an index-only table: nothing by field to show
            st.info(t("no_breakdown", lang), icon=":material/info:")
        else:
            widgets.show_table(shown["table"], lang, key="fields")
elif charts_tab.open:
    with charts_tab:
        widgets.chart(shown["history"], key="history")
        left, right = st.columns(2)
        with left:
            widgets.chart(shown["vs_block"], key="vs_block")
        with right:
            widgets.chart(shown["self"], key="self")
if (merged := shown["lineage"]) and "merged_into" not in merged:
    st.subheader(t("lineage_title", lang))
    st.markdown(escape.markdown(merged["sentence"]))
    st.session_state["area_method"] = merged["chosen"]  # a way this unit's data allows
    st.segmented_control(t("area_method", lang), merged["methods"], key="area_method",
                         required=True,
                         format_func=lambda m: t(f"area_{m}", lang))
    st.caption(merged["method"])
    widgets.show_table(merged["area"], lang, key="area")
    with st.expander(t("lineage_predecessors", lang)):
        widgets.show_table(merged["predecessors"], lang, key="predecessors")
if not shown["criteria"].empty:  # down to the criterion, where the data has it
    with st.expander(t("criteria_unit", lang)):
        widgets.show_table(shown["criteria"], lang, key="criteria")
if communes := shown["communes"]:
    st.subheader(escape.markdown(t("communes_of", lang, unit=unit, year=shown["year"])))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("communes_mean", lang), pct(communes["mean_index_pct"], 2, lang), border=True)
    best, worst = communes["best"], communes["worst"]
    c2.metric(t("best_unit", lang), best["unit"], pct(best["index_pct"], 2, lang),
              delta_color="off", border=True)
    c3.metric(t("worst_unit", lang), worst["unit"], pct(worst["index_pct"], 2, lang),
              delta_color="off", border=True)
