"""A unit's charts: its history, its fields against the block, self vs appraised."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.charts.style import (
    OKABE_ITO,
    _empty,
    _field_hover,
    _full_years,
    _is_empty,
    _layout,
    _num,
    _rank,
    _rank_axis,
    _t,
    _unit_hovers,
    _without_total,
    _wrap,
    _year_axis,
    _year_suffix,
    inert,
)
from cchc_metrics.fields import field_label, field_order
from cchc_metrics.numbers import format_number, format_pct


@inert
def unit_history(history: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """One unit's index and rank over the years (its unit_table rows); missing years are gaps.

    Two panels on one year axis: the index (%) above, the rank below (1 at the top), each with
    its own scale and title, rather than two scales overlaid on one plot.
    """
    from plotly.subplots import make_subplots

    if _is_empty(history, "index_pct"):
        return _empty(lang, "")
    rows = history.sort_values("year", kind="stable")
    unit = str(rows["unit"].iloc[-1])
    years = range(int(rows["year"].min()), int(rows["year"].max()) + 1)
    full = _full_years(rows.assign(hover=_unit_hovers(rows, lang)), years)
    hover = full["hover"].fillna("").tolist()
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        row_heights=[0.6, 0.4])
    fig.add_scatter(
        x=list(years), y=_num(full["index_pct"]), name=_t("index_axis", lang),
        mode="lines+markers+text", connectgaps=False, marker={"size": 9},
        line={"color": OKABE_ITO[0], "width": 3}, textposition="top center",
        text=["" if pd.isna(v) else format_pct(v, 2, lang) for v in full["index_pct"]],
        hovertext=hover, hoverinfo="text", cliponaxis=False, row=1, col=1)
    fig.add_scatter(
        x=list(years), y=_num(full["rank"]), name=_t("rank_axis", lang),
        mode="lines+markers", connectgaps=False,
        line={"color": OKABE_ITO[1], "dash": "dot", "width": 2},
        marker={"symbol": "diamond", "size": 10},
        hovertext=[f"{_t('year', lang)} {y}: {_rank(r, n, lang)}" for y, r, n in
                   zip(years, full["rank"], full["n_ranked"], strict=True)], hoverinfo="text",
        row=2, col=1)
    index = _num(full["index_pct"])
    low = max(0.0, math.floor((np.nanmin(index) - 5) / 5) * 5)
    fig.update_yaxes(range=[low, min(np.nanmax(index) + 6, 106)],
                     title_text=_t("index_axis", lang), row=1, col=1)
    _year_axis(fig, years)
    most = _num(full["n_ranked"]) if full["n_ranked"].notna().any() else _num(full["rank"])
    rank_axis = _rank_axis(float(np.nanmax(most)), most_ticks=6)  # a short panel: fewer ticks
    rank_axis["title"] = {"text": _t("rank_axis", lang)}
    fig.update_yaxes(rank_axis, row=2, col=1)
    # the panels' titles name the two lines: no legend to read
    return _layout(fig, lang, _t("history", lang, unit=unit), height=460, showlegend=False)


@inert
def fields_vs_block(unit_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Where one unit-year (rows of unit_fields) beats or trails its block's average per field."""
    if _is_empty(unit_rows, "pct"):
        return _empty(lang, "")
    rows = _without_total(unit_rows.dropna(subset=["pct"]))
    order = field_order(rows["component"])
    rows = rows.set_index("component").loc[order].reset_index()
    unit = str(rows["unit"].iloc[0])
    names = [_wrap(field_label(c, lang), 30) for c in rows["component"]]
    fig = go.Figure()
    fig.add_bar(y=names, x=rows["pct"].tolist(), orientation="h", name=unit,
                marker_color=OKABE_ITO[0], textposition="auto",
                text=[format_pct(v, 2, lang) for v in rows["pct"]],
                hovertext=[_field_hover(r, unit, lang) for r in rows.itertuples()],
                hoverinfo="text")
    fig.add_bar(y=names, x=_num(rows["block_mean_pct"]), orientation="h",
                name=_t("block_mean", lang), marker_color=OKABE_ITO[1], textposition="auto",
                text=[format_pct(v, 2, lang) for v in rows["block_mean_pct"]],
                hovertext=[f"<b>{_t('block_mean', lang)}</b><br>{field_label(c, lang)}<br>"
                           f"{format_pct(v, 2, lang)}"
                           for c, v in zip(rows["component"], rows["block_mean_pct"], strict=True)],
                hoverinfo="text")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(range=[0, 100], title_text=_t("pct_axis", lang))
    return _layout(fig, lang, _t("vs_block", lang, unit=unit, when=_year_suffix(rows, lang)),
                   height=140 + 56 * len(rows), barmode="group")


@inert
def self_vs_appraised(unit_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """How far a unit's self-assessment ran ahead of the appraisal, field by field."""
    if _is_empty(unit_rows, "self_points"):
        return _empty(lang, "")
    rows = _without_total(unit_rows.dropna(subset=["self_points"]))
    rows = rows.set_index("component").loc[field_order(rows["component"])].reset_index()
    unit = str(rows["unit"].iloc[0])
    names = [_wrap(field_label(c, lang), 30) for c in rows["component"]]
    hover = [f"<b>{field_label(r.component, lang)}</b><br>"
             f"{_t('self', lang)}: {format_number(r.self_points, 2, lang)}<br>"
             f"{_t('appraised', lang)}: {format_number(r.points, 2, lang)}<br>"
             f"{_t('max', lang)}: {format_number(r.max_points, 2, lang)}"
             for r in rows.itertuples()]
    fig = go.Figure()
    for key, column, color in (("self", "self_points", OKABE_ITO[4]),
                               ("appraised", "points", OKABE_ITO[0])):
        fig.add_bar(y=names, x=rows[column].tolist(), orientation="h", name=_t(key, lang),
                    marker_color=color, textposition="auto",
                    text=[format_number(v, 2, lang) for v in rows[column]],
                    hovertext=hover, hoverinfo="text")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=_t("points_axis", lang), rangemode="tozero")
    return _layout(fig, lang, _t("self_vs", lang, unit=unit, when=_year_suffix(rows, lang)),
                   height=140 + 56 * len(rows), barmode="group")
