"""So sánh: 2 to 8 units side by side, field by field."""

import streamlit as st

from cchc_metrics import charts, views
from cchc_metrics.fields import FIELD_NAMES, field_label
from cchc_metrics.i18n import t
from dashboard import data, filters, url, widgets

view, units, rev = filters.page("page_compare")
lang = view.lang
if not widgets.no_data(view):
    rows = views.select(units, view)
    options, top = data.memo("compare_options", rev, view,
                             lambda: (sorted(rows["unit"]), views.default_units(rows)))
    if "units" not in st.session_state:  # from the URL ("A|B|C"), else the block's top three
        from_url = [u for u in st.query_params.get("units", "").split("|") if u in options]
        st.session_state["units"] = from_url[:8] or top
    kept = [u for u in st.session_state["units"] if u in options]
    # another year or level: none of the chosen units is in it, so its top three are shown
    st.session_state["units"] = kept if kept or not st.session_state["units"] else top
    chosen = st.multiselect(t("pick_units", lang), options, key="units", max_selections=8)
    url.to_url("units", "|".join(chosen))
    if len(chosen) < 2:
        st.info(t("pick_units", lang), icon="ℹ️")
    else:
        def compared():
            """Fields of the chosen units, the radar, the bars and the differences table."""
            picked = rows[rows["unit"].isin(chosen)]
            if view.year and view.block:  # the block's unit_fields, computed once for all
                fields = views.compare_fields(None, picked, fields=data.block_fields(
                    rev, view.year, view.level, view.block))
            else:
                fields = views.compare_fields(data.scores(rev), picked)
            return (charts.compare_radar(fields, lang), charts.compare_bars(fields, lang),
                    views.differences_screen(views.differences_table(fields, lang, picked), lang))

        radar, bars, table = data.memo("compare", rev, (view.but(bands=""), tuple(chosen)),
                                     compared)
        if table.frame.empty:  # index-only results: nothing to compare field by field
            st.info(t("no_breakdown", lang), icon="ℹ️")
            st.stop()
        left, right = st.columns(2)
        with left:
            widgets.chart(radar, key="radar")
        with right:
            widgets.chart(bars, key="bars")
        st.subheader(t("differences", lang))
        widgets.show_table(table, lang, key="diff")
        criteria = data.criteria(rev)
        if views.has_criteria(criteria, view):  # the same units, criterion by criterion
            st.subheader(t("criteria_compare", lang))
            names = {f: field_label(f, lang) for f in FIELD_NAMES}
            field = url.bound(st.selectbox, t("criteria_field", lang), list(names), "field",
                              format_func=names.get)
            side = data.memo("compare_criteria", rev, (view.but(bands=""), tuple(chosen), field),
                             lambda: views.compare_criteria(criteria, view, chosen, field))
            if side.empty:
                st.info(t("criteria_none_chosen", lang), icon=":material/info:")
            else:
                widgets.show_table(side, lang, key="compare_criteria")
                if note := side.attrs.get("note"):
                    st.caption(note)
