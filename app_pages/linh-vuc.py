"""Lĩnh vực: units × fields heatmap, block average per field and where points are lost."""

import streamlit as st

from cchc_metrics import charts, views
from cchc_metrics.fields import FIELD_NAMES, field_label
from cchc_metrics.i18n import t
from dashboard import data, filters, url, widgets

view, units, rev = filters.page("page_fields")
lang = view.lang


def fields_of_block():
    """The heatmap (best and worst units when there are many), field means, points lost, table."""
    block = (rev, view.year, view.level, view.block)
    if view.block and not (view.parent or view.province):  # the block's fields, shared with profile and compare
        fields, fsum = data.block_fields(*block), data.block_summary(*block)
    else:
        scores = data.block_scores(*block) if view.block else data.scores(rev)
        fields, fsum = views.fields_of_block(scores, view)
    if not views.by_field(fields):
        return None
    table = views.field_table(fsum, lang)
    return {"heatmap": charts.fields_heatmap(fields, lang), "n": views.unit_count(fields),
            "means": charts.field_means(fsum, lang), "lost": charts.points_lost(fsum, lang),
            "table": table, "screen": views.screen_table(table, lang)}


if not widgets.no_data(view):
    shown = data.memo("fields", rev, view.but(search="", bands=""), fields_of_block)  # no bands
    if shown is None:  # the block has units (no_data said nothing) but no points by field
        st.info(t("no_breakdown", lang), icon="ℹ️")
    else:
        widgets.chart(shown["heatmap"], key="heatmap")
        if note := charts.capped_caption("heatmap", shown["n"], view.level, lang):
            st.caption(note)
        left, right = st.columns(2)
        with left:
            widgets.chart(shown["means"], key="means")
        with right:
            widgets.chart(shown["lost"], key="lost")
        widgets.downloads(units, view, key="fields", table=shown["table"],
                     title=t("page_fields", lang))
        widgets.show_table(shown["screen"], lang, key="field_table")

# down to the criterion, where the data has it: which criteria units lose points on, and the
# units × criteria of one field
criteria = data.criteria(rev)
if not widgets.no_data(view) and views.has_criteria(criteria, view):
    st.subheader(t("criteria_title", lang))
    if note := views.framework_note(criteria, view):
        st.caption(note)
    names = {f: field_label(f, lang) for f in FIELD_NAMES}
    field = url.bound(st.selectbox, t("criteria_field", lang), list(names), "field",
                      format_func=names.get)
    detail = data.memo("criteria", rev, (view.but(search="", bands=""), field), lambda: {
        "heatmap": charts.criteria_heatmap(views.criteria_grid(criteria, view, field), field,
                                           lang),
        "table": views.criteria_table(criteria, view, field)})
    widgets.chart(detail["heatmap"], key="criteria_heatmap")
    st.markdown(f"**{t('criteria_most', lang)}**")
    widgets.show_table(detail["table"], lang, key="criteria_table")
