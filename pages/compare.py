"""So sánh: 2 to 8 units side by side, field by field."""

import streamlit as st

import ui
from cchc_metrics import charts, views
from cchc_metrics.i18n import t

view, units, rev = ui.page("page_compare", search=False)
lang = view.lang
if not ui.no_data(view, units):
    rows = views.select(units, view)
    options = sorted(rows["unit"])
    if "units" not in st.session_state:  # from the URL ("A|B|C"), else the top three
        from_url = [u for u in st.query_params.get("units", "").split("|") if u in options]
        st.session_state["units"] = from_url[:8] or options[:3]
    st.session_state["units"] = [u for u in st.session_state["units"] if u in options]
    chosen = st.multiselect(t("pick_units", lang), options, key="units", max_selections=8)
    ui.to_url("units", "|".join(chosen))
    if len(chosen) < 2:
        st.info(t("pick_units", lang), icon="ℹ️")
    else:
        fields = views.compare_fields(ui.scores(rev), rows[rows["unit"].isin(chosen)])
        left, right = st.columns(2)
        with left:
            ui.chart(charts.compare_radar(fields, lang), key="radar")
        with right:
            ui.chart(charts.compare_bars(fields, lang), key="bars")
        st.subheader(t("differences", lang))
        ui.show_table(views.differences_table(fields, lang), lang, key="diff")
