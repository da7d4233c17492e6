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
from cchc_metrics.fields import field_label, field_short
from cchc_metrics.numbers import format_number, format_pct

LEGEND_ROW = 22  # px a legend entry takes; the legend is kept clear of the axis labels


def _legend_below(n: int, gap: int, plot_height: int) -> tuple[dict, int]:
    """A horizontal legend hung `gap` px under the plot (below the axis' labels and title) and
    the bottom margin that holds it whole, even when a phone puts each unit on a line of its
    own: it never covers the fields' labels, and on a wide screen the spare room is at the foot."""
    legend = {"orientation": "h", "yref": "paper", "y": -gap / plot_height, "yanchor": "top",
              "x": 0, "xanchor": "left"}
    return legend, gap + LEGEND_ROW * n + 10


def _hover(label: str, component: str, value, lang: str) -> str:
    return f"<b>{label}</b><br>{field_label(component, lang)}<br>{format_pct(value, 2, lang)}"


@inert
def compare_radar(fields_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """The shape of 2 to 8 units' strengths (rows of unit_fields): % of maximum per field.

    The rim names the fields shortly (a full name would be cut on a phone); hover names them
    in full. The legend sits under the chart, away from the rim's labels.
    """
    if _is_empty(fields_rows, "pct"):
        return _empty(lang, _t("compare_radar", lang))
    rows, order = _per_unit(fields_rows)
    theta = [_wrap(field_short(c, lang), 14) for c in order]
    fig = go.Figure()
    groups = list(rows.groupby("label", sort=False))
    for i, (label, part) in enumerate(groups):
        part = part.drop_duplicates("component").set_index("component").reindex(order)
        r = _num(part["pct"])
        hover = [_hover(label, c, v, lang) for c, v in zip(order, r, strict=True)]
        fig.add_scatterpolar(r=[*r, r[0]], theta=[*theta, theta[0]], name=label,
                             mode="lines+markers", line={"color": _color(i), "width": 2},
                             marker={"symbol": _symbol(i), "size": 7},
                             hovertext=[*hover, hover[0]], hoverinfo="text")
    # the scale runs between the first two fields, not through the top field's name
    fig.update_polars(radialaxis={"range": [0, 100], "ticksuffix": "\u00a0%",
                                  "angle": 90 - 180 / max(len(order), 1),
                                  "tickfont": {"size": 10}},
                      angularaxis={"direction": "clockwise", "rotation": 90,
                                   "tickfont": {"size": 12}})
    plot, top = 350, 120  # the rim's labels stand up to ~40 px outside the plot
    legend, bottom = _legend_below(len(groups), 48, plot)
    return _layout(fig, lang, _t("compare_radar", lang) + _year_suffix(rows, lang),
                   subtitle=_t("compare_radar_sub", lang), height=top + plot + bottom,
                   legend=legend, margin={"l": 80, "r": 80, "t": top, "b": bottom})


@inert
def compare_bars(fields_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """The same comparison as horizontal bars, for reading exact values field by field: the
    fields down the side in their official order, a bar per unit."""
    if _is_empty(fields_rows, "pct"):
        return _empty(lang, _t("compare_bars", lang))
    rows, order = _per_unit(fields_rows)
    y = [_wrap(field_label(c, lang), 24) for c in order]
    fig = go.Figure()
    groups = list(rows.groupby("label", sort=False))
    for i, (label, part) in enumerate(groups):
        part = part.drop_duplicates("component").set_index("component").reindex(order)
        fig.add_bar(y=y, x=_num(part["pct"]), name=label, orientation="h", marker_color=_color(i),
                    text=["" if pd.isna(v) else format_number(v, 2, lang) for v in part["pct"]],
                    textposition="outside", textfont={"size": 10},
                    hovertext=[_hover(label, c, v, lang)
                               for c, v in zip(order, part["pct"], strict=True)],
                    hoverinfo="text", cliponaxis=False)
    fig.update_xaxes(range=[0, 114], title_text=_t("pct_axis", lang),
                     tickvals=list(range(0, 101, 20)))
    fig.update_yaxes(categoryorder="array", categoryarray=y, autorange="reversed")
    plot, top = len(order) * (14 * len(groups) + 18), 84
    legend, bottom = _legend_below(len(groups), 64, plot)  # under the ticks and the axis title
    return _layout(fig, lang, _t("compare_bars", lang) + _year_suffix(rows, lang),
                   subtitle=_t("compare_bars_sub", lang), height=top + plot + bottom,
                   barmode="group", bargap=0.25, legend=legend,
                   margin={"l": 10, "r": 20, "t": top, "b": bottom},
                   uniformtext={"minsize": 9, "mode": "hide"})
