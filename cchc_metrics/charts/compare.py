"""Units compared field by field: the radar and the grouped bars."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.charts.style import (
    _color,
    _empty,
    _is_empty,
    _layout,
    _num,
    _per_unit,
    _symbol,
    _t,
    _wrap,
    _year_suffix,
    inert,
)
from cchc_metrics.fields import field_label
from cchc_metrics.numbers import format_number, format_pct


@inert
def compare_radar(fields_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """The shape of 2 to 8 units' strengths (rows of unit_fields): % of maximum per field."""
    if _is_empty(fields_rows, "pct"):
        return _empty(lang, _t("compare", lang))
    rows, order = _per_unit(fields_rows)
    theta = [_wrap(field_label(c, lang), 22) for c in order]
    fig = go.Figure()
    for i, (label, part) in enumerate(rows.groupby("label", sort=False)):
        part = part.drop_duplicates("component").set_index("component").reindex(order)
        r = _num(part["pct"])
        hover = [f"<b>{label}</b><br>{field_label(c, lang)}<br>{format_pct(v, 2, lang)}"
                 for c, v in zip(order, r, strict=True)]
        fig.add_scatterpolar(r=[*r, r[0]], theta=[*theta, theta[0]], name=label,
                             mode="lines+markers", line={"color": _color(i), "width": 2},
                             marker={"symbol": _symbol(i), "size": 7},
                             hovertext=[*hover, hover[0]], hoverinfo="text")
    fig.update_polars(radialaxis={"range": [0, 100], "ticksuffix": " %", "angle": 90},
                      angularaxis={"direction": "clockwise", "rotation": 90})
    return _layout(fig, lang, _t("compare", lang) + _year_suffix(rows, lang), height=560,
                   margin={"l": 90, "r": 90, "t": 90, "b": 40})


@inert
def compare_bars(fields_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """The same comparison as grouped bars, for reading exact values field by field."""
    if _is_empty(fields_rows, "pct"):
        return _empty(lang, _t("compare", lang))
    rows, order = _per_unit(fields_rows)
    x = [_wrap(field_label(c, lang), 16) for c in order]
    fig = go.Figure()
    for i, (label, part) in enumerate(rows.groupby("label", sort=False)):
        part = part.drop_duplicates("component").set_index("component").reindex(order)
        fig.add_bar(x=x, y=_num(part["pct"]), name=label, marker_color=_color(i),
                    text=["" if pd.isna(v) else format_number(v, 2, lang) for v in part["pct"]],
                    textposition="outside", textangle=-90,
                    hovertext=[f"<b>{label}</b><br>{field_label(c, lang)}<br>"
                               f"{format_pct(v, 2, lang)}"
                               for c, v in zip(order, part["pct"], strict=True)],
                    hoverinfo="text", cliponaxis=False)
    fig.update_yaxes(range=[0, 112], title_text=_t("pct_axis", lang), tickvals=list(range(0, 101, 20)))
    return _layout(fig, lang, _t("compare", lang) + _year_suffix(rows, lang), height=480,
                   barmode="group", uniformtext={"minsize": 9, "mode": "hide"})
