"""Bản đồ: the block's units where they are, coloured and shaped by band; a click opens a profile."""

import streamlit as st

from cchc_metrics import charts, views
from cchc_metrics.i18n import level_label, number, t
from dashboard import data, filters, widgets

view, units, rev = filters.page("page_map")
lang = view.lang


def drawn():
    """The map of the view's units that have a place, and how many of them do."""
    rows = views.map_rows(units, view, data.places(rev))
    return charts.unit_map(rows, view.bands, lang), len(rows), len(views.select(units, view))


if not widgets.no_data(view):
    fig, placed, total = data.memo("map", rev, view, drawn)
    if placed < total:  # names not in the official list, or a level without places
        st.info(t("map_some" if placed else "map_none", lang, placed=number(placed, 0, lang),
                  total=number(total, 0, lang)), icon=":material/location_off:")
    if not placed:  # no dead end: the levels that have places, one click away
        for level in ("commune", "district"):
            if level != view.level and level in views.levels(units, view.year):
                st.page_link("app_pages/ban-do.py", label=level_label(level, lang),
                             icon=":material/map:", query_params={"level": level})
    if placed and (clicked := widgets.clickable_chart(fig, key="map")):
        st.switch_page("app_pages/ho-so.py", query_params={"unit": clicked})
