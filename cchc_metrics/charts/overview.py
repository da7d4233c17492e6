"""The overview's charts: the ranking bars and the index distribution."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.bands import Bands, parse_bands
from cchc_metrics.charts.style import (
    HOVER_COLUMNS,
    MAX_BARS,
    OKABE_ITO,
    UNBANDED_COLOR,
    _band_order,
    _capped,
    _empty,
    _ink,
    _is_empty,
    _layout,
    _scope,
    _t,
    _thresholds,
    _unique,
    _unit_hovers,
    _unit_labels,
    band_colors,
    inert,
)
from cchc_metrics.i18n import band_label
from cchc_metrics.numbers import format_pct


@inert
def ranking_bars(units: pd.DataFrame, bands: Bands | str, lang: str = "vi",
                 max_bars: int = MAX_BARS) -> go.Figure:
    """Who leads and who trails in one year × block (rows of unit_table), band by text and colour.

    Over `max_bars` units, only the best and the worst `max_bars // 2` are drawn, with a gap
    between them and a subtitle saying so.
    """
    if _is_empty(units, "index_pct"):
        return _empty(lang, _t("ranking", lang))
    bands = parse_bands(bands)
    rows = units[HOVER_COLUMNS]  # only what is drawn: sorting 10,000 rows copies every column
    rows = rows[rows["index_pct"].notna()].sort_values(
        ["index_pct", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)
    total, half = len(rows), max(max_bars // 2, 1)
    capped = total > max(max_bars, 2)
    if capped:
        rows = pd.concat([rows.head(half), rows.tail(half)], ignore_index=True)
    rows["label"] = _unique(_unit_labels(rows).tolist())
    rows["hover"] = _unit_hovers(rows, lang)
    band = rows["band"].where(rows["band"].notna(), _t("unbanded", lang))
    colors = band_colors(bands)
    fig = go.Figure()
    for label in _band_order(bands, band):
        part = rows[band == label]
        if part.empty:
            continue
        color = colors.get(label, UNBANDED_COLOR)
        fig.add_bar(
            x=part["index_pct"].tolist(), y=part["label"].tolist(), orientation="h",
            name=band_label(label, lang),
            marker_color=color, textfont_color=_ink(color), textposition="inside",
            insidetextanchor="end",
            text=[f"{format_pct(v, 2, lang)} · {band_label(label, lang)}"
                  for v in part["index_pct"]],
            hovertext=part["hover"].tolist(), hoverinfo="text")
    _thresholds(fig, bands, lang)
    order, subtitle = rows["label"].tolist(), ""
    if capped:
        subtitle, gap = _capped(total, half, lang)
        order.insert(half, gap)  # an empty category: the units left out sit here
    fig.update_yaxes(categoryorder="array", categoryarray=order,
                     autorange="reversed", automargin=True)
    fig.update_xaxes(range=[0, max(100.0, float(rows["index_pct"].max()))],
                     title_text=_t("index_axis", lang))
    return _layout(fig, lang, _t("ranking", lang) + _scope(rows, lang),
                   height=max(320, 26 * len(order) + 170), subtitle=subtitle, bargap=0.25,
                   showlegend=False)  # every bar names its band


@inert
def index_distribution(units: pd.DataFrame, bands: Bands | str, lang: str = "vi") -> go.Figure:
    """How the units spread over the index, against the band thresholds (rows of unit_table)."""
    if _is_empty(units, "index_pct"):
        return _empty(lang, _t("distribution", lang))
    bands = parse_bands(bands)
    values = units["index_pct"].dropna().astype(float)
    size = 2.5  # common bounds (50, 60, 70, 80, 90) fall on bin edges
    start = math.floor(values.min() / size) * size
    end = math.ceil((values.max() + 1e-9) / size) * size
    fig = go.Figure(go.Histogram(
        # float32 is exact enough for 2-decimal indices (bin edges are multiples of 2.5) and
        # halves what 10,000 values weigh on the way to the browser
        x=values.to_numpy(dtype="float32"), xbins={"start": start, "end": end, "size": size},
        marker={"color": OKABE_ITO[0], "line": {"color": "#FFFFFF", "width": 1}},
        texttemplate="%{y}", name=_t("units", lang),
        hovertemplate=f"{_t('index', lang)} %{{x}}\u00a0%<br>{_t('units', lang)}: %{{y}}<extra></extra>"))
    _thresholds(fig, bands, lang)
    low = min([start] + [b for _, b in bands if b > 0]) - size
    fig.update_xaxes(range=[max(low, 0), max(100.0, end) + 0.5], title_text=_t("index_axis", lang))
    counts = np.histogram(values, bins=np.arange(start, end + size, size))[0]
    step = max(1, math.ceil(int(counts.max(initial=1)) / 6))  # whole units, never "1, 1, 2, 2"
    fig.update_yaxes(title_text=_t("units_axis", lang), tickformat=",d", rangemode="tozero",
                     tick0=0, dtick=step)
    return _layout(fig, lang, _t("distribution", lang) + _scope(units, lang), height=380,
                   showlegend=False, bargap=0.05)
